//! The certificate studio's core: plain Rust, no wasm types. It makes every
//! piece of X.509 material the Azure IoT tutorials make with OpenSSL.
//!
//! Its parts, each depending only on those before it:
//! - [`x509`]: mechanics with no Azure knowledge: keys, issuing (with
//!   [`Signing`]: here, or plan → sign elsewhere → assemble), facts,
//!   verification, text as OpenSSL prints it.
//! - [`rules`]: the naming, validity and device-list rules of DPS, IoT Hub and IoT Edge.
//! - [`output`]: every file's path, its writer, PFX, snippets, README, ZIP.
//! - [`make`]: one file per product, each a [`Product`].
//! - [`read`]: reading what other tools write (PEM, DER, PFX, PKCS#7, ZIPs), untrusted, within a budget.
//! - [`judge`]: the chain verdict, the Azure preflight and Inspect.
//! - [`ca`]: an imported CA: signing with it, renewal, rollover, expiry.
//! - `binding` (wasm32 only): the thin `#[wasm_bindgen]` layer.

pub mod ca;
pub mod error;
pub mod judge;
pub mod make;
pub mod output;
pub mod read;
pub mod rules;
pub mod x509;

#[cfg(target_arch = "wasm32")]
mod binding;

pub use ca::import::{ImportedCa, import_cas};
pub use ca::signing::{CsrProfile, CsrSigningSpec, SignedRequest, sign_devices, sign_request};
pub use error::{Result, StudioError};
pub use judge::inspect::{Inspection, inspect};
pub use make::batch::{BatchArchive, BatchSigner, DeviceChunk};
pub use make::chain::{ChainSpec, TutorialChain};
pub use make::edge::{EdgeChain, EdgeSpec};
pub use make::enrollment::{EnrollmentSpec, IndividualEnrollment};
pub use make::signed_devices::{DeviceSigningSpec, SignedDevices};
pub use make::verification::VerificationCertificate;
pub use make::{ChainEntry, Product};
pub use output::file::OutputFile;
pub use output::pfx::{PfxOptions, PfxProfile};
pub use output::snippets::SnippetSettings;
pub use output::writers::DeviceSettings;
pub use output::zip::zip_files;
pub use read::pem_file::InputFile;
pub use x509::issue::{CertificateParams, Issued, Issuer, SignedBy, ValidityWindow, issue};
pub use x509::key::{KeyAlgorithm, KeyEncoding, PrivateKey};
pub use x509::signing::{Signing, SigningPlan};
