//! The certificate studio's core: plain Rust, no wasm types. It makes every
//! piece of X.509 material the Azure IoT tutorials make with OpenSSL, reads
//! what other tools write, and judges chains as DPS and IoT Hub do.
//!
//! # Using it
//! Everything a Rust program needs is re-exported here:
//! - **Make**: a product from its spec ([`TutorialChain`] from a
//!   [`ChainSpec`], [`EdgeChain`], [`IndividualEnrollment`],
//!   [`VerificationCertificate`], [`DeviceRegistryRoot`]); each is a
//!   [`Product`] whose [`Product::files`] are the files to write.
//! - **Read and judge** other tools' files ([`InputFile`]): [`inspect`] /
//!   [`inspect_against`] describe them and give the one [`ChainReport`] and
//!   [`Preflight`]; [`preflight`] gives the Azure rules alone.
//! - **Bring your own CA**: [`import_cas`] reads a CA and its key into an
//!   [`ImportedCa`]; [`sign_request`] and [`sign_devices`] sign with it;
//!   [`renew_devices`], [`renew_ca`] and [`make_rollover`] keep it going;
//!   [`expiry_report`] lists what ends when.
//!
//! Errors are [`StudioError`]s naming the field at fault.
//!
//! # Its parts
//! Each depends only on those before it (`tests/architecture.rs` checks it):
//! `x509` (mechanics with no Azure knowledge) → `rules` (DPS, IoT Hub and IoT
//! Edge rules, checked values as types) → `output` (paths, writers, quoting,
//! PFX, ZIP) → `read` (other tools' files, untrusted, within a budget) →
//! `judge` (chain verdict, preflight, Inspect) → `make` (one file per
//! product) → `ca` (an imported CA at work) → `binding` (wasm32 only: the
//! thin `#[wasm_bindgen]` layer). The parts are public for the crate's own
//! tests, fuzz targets and binding, but are not its API: their items may
//! change without notice.

#[doc(hidden)]
pub mod ca;
pub mod error;
#[doc(hidden)]
pub mod judge;
#[doc(hidden)]
pub mod make;
#[doc(hidden)]
pub mod output;
#[doc(hidden)]
pub mod read;
#[doc(hidden)]
pub mod rules;
#[doc(hidden)]
pub mod x509;

#[cfg(target_arch = "wasm32")]
mod binding;

pub use ca::expiry::{ExpiryReport, expiry_report};
pub use ca::import::{ImportedCa, import_cas};
pub use ca::renewal::{make_rollover, renew_ca, renew_devices};
pub use ca::signing::{CsrProfile, CsrSigningSpec, SignedRequest, sign_devices, sign_request};
pub use error::{Result, StudioError};
pub use judge::chain_verdict::{ChainProblem, ChainReport, ChainRule};
pub use judge::inspect::{Inspection, inspect, inspect_against};
pub use judge::preflight::{Preflight, RuleResult, RuleStatus, preflight};
pub use make::chain::{ChainSpec, TutorialChain};
pub use make::device_registry::{DeviceRegistryRoot, DeviceRegistryRootSpec};
pub use make::edge::{EdgeChain, EdgeSpec};
pub use make::enrollment::{EnrollmentSpec, IndividualEnrollment};
pub use make::renewal::RenewalSpec;
pub use make::signed_devices::{DeviceSigningSpec, SignedDevices};
pub use make::verification::VerificationCertificate;
pub use make::{ChainEntry, Product};
pub use output::file::OutputFile;
pub use output::layout::CertificateRole;
pub use output::pfx::{PfxOptions, PfxProfile};
pub use output::snippets::SnippetSettings;
pub use output::writers::DeviceSettings;
pub use output::zip::zip_files;
pub use read::pem_file::InputFile;
pub use rules::azure_preflight::PreflightRuleId;
pub use rules::names::RegistrationId;
pub use x509::key::{KeyAlgorithm, KeyEncoding, PrivateKey};
pub use x509::read_certificate::ReadCertificate;
pub use x509::signing::{Signing, SigningPlan};
