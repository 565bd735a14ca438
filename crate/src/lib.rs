//! The certificate studio's core: plain Rust, no wasm types. It makes every
//! piece of X.509 material the Azure IoT tutorials make with OpenSSL.
//!
//! - [`key`]: key generation and encodings; [`random`]: the CSPRNG, fail-closed.
//! - [`profile`]: the tutorial's certificate profiles, as data.
//! - [`certificate`]: issuing certificates and CSRs under a profile.
//! - [`chain`]: root → intermediates → devices, and the tutorial's files.
//! - [`layout`], [`snippets`], [`archive`], [`readme`]: file names, SDK snippets, the ZIP and its README.
//! - [`pfx`]: PKCS#12 in the modern and legacy profiles.
//! - [`edge`]: the IoT Edge certificates; [`enrollment`]: self-signed individual enrollments.
//! - [`names`]: DPS / X.509 naming rules.
//! - Bring your own CA: [`pem_file`] and [`material`] read dropped files
//!   ([`legacy_pem`] for OpenSSL's `Proc-Type` keys), [`import`] checks a CA,
//!   [`verification`] makes proof-of-possession certificates, [`ca_signing`]
//!   signs devices and CSRs with it, [`inspect`] and [`chain_check`] describe
//!   and verify what was dropped ([`signature_check`] checks signatures).
//! - `wasm` (wasm32 only): the thin `#[wasm_bindgen]` layer.

pub mod archive;
pub mod batch;
pub mod bundle;
pub mod ca_signing;
pub mod certificate;
pub mod chain;
pub mod chain_check;
pub mod device_list;
pub mod edge;
pub mod enrollment;
pub mod error;
pub mod import;
pub mod inspect;
pub mod key;
pub mod layout;
pub mod legacy_pem;
pub mod material;
pub mod names;
pub mod password_key;
pub mod presigned;
pub mod pem_file;
pub mod pfx;
pub mod profile;
pub mod random;
pub mod readme;
pub mod signature_check;
pub mod snippets;
pub mod verification;

#[cfg(target_arch = "wasm32")]
mod wasm;
