//! The certificate studio's core: plain Rust, no wasm types. It makes every
//! piece of X.509 material the Azure IoT tutorials make with OpenSSL.
//!
//! - [`key`]: key generation and encodings; [`random`]: the CSPRNG, fail-closed.
//! - [`profile`]: the tutorial's certificate profiles, as data.
//! - [`certificate`]: issuing certificates and CSRs under a profile.
//! - [`chain`]: root → intermediates → devices, and the tutorial's files.
//! - [`layout`], [`snippets`], [`archive`]: file names, SDK snippets, the ZIP.
//! - [`names`]: DPS / X.509 naming rules.
//! - `wasm` (wasm32 only): the thin `#[wasm_bindgen]` layer.

pub mod archive;
pub mod certificate;
pub mod chain;
pub mod error;
pub mod key;
pub mod layout;
pub mod names;
pub mod profile;
pub mod random;
pub mod snippets;

#[cfg(target_arch = "wasm32")]
mod wasm;
