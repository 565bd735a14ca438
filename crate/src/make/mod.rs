//! The products the studio makes, one file each: the tutorial chain, a
//! batch, IoT Edge, an individual enrollment, a verification certificate.
//! Each issues through [`crate::x509::issue`] and writes through
//! [`crate::output::writers`]; what they share is the [`Product`] trait.

use x509_cert::Certificate;

use crate::error::Result;
use crate::output::file::OutputFile;
use crate::x509::facts::{common_name_of, issuer_common_name_of, not_after_unix, thumbprint_sha1, thumbprint_sha256};
use crate::x509::key::{KeyAlgorithm, PrivateKey};

pub mod batch;
pub mod chain;
pub mod edge;
pub mod enrollment;
pub mod form;
pub mod signed_devices;
pub mod verification;

/// What every product gives the page: its files (ending with `README.txt`)
/// and the picture of its certificates.
pub trait Product {
    fn files(&self) -> Result<Vec<OutputFile>>;
    fn entries(&self) -> Result<Vec<ChainEntry>>;
}

/// One certificate of a product, for the page's picture of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainEntry {
    /// One of [`crate::output::layout::role`].
    pub role: &'static str,
    pub common_name: String,
    pub issuer_common_name: String,
    pub key_algorithm: KeyAlgorithm,
    pub not_after_unix: u64,
    pub thumbprint_sha1: String,
    pub thumbprint_sha256: String,
    pub certificate_path: String,
}

impl ChainEntry {
    pub fn new(role: &'static str, certificate: &Certificate, key: &PrivateKey, certificate_path: String) -> Result<Self> {
        Ok(Self {
            role,
            common_name: common_name_of(certificate).unwrap_or_default(),
            issuer_common_name: issuer_common_name_of(certificate),
            key_algorithm: key.algorithm(),
            not_after_unix: not_after_unix(certificate),
            thumbprint_sha1: thumbprint_sha1(certificate)?,
            thumbprint_sha256: thumbprint_sha256(certificate)?,
            certificate_path,
        })
    }
}

/// `keys` when given (checked against what the product needs), else fresh
/// ones: the one convention for keys made elsewhere (in parallel workers).
pub fn keys_or_generate(what: &str, keys: Option<Vec<PrivateKey>>, wanted: &[KeyAlgorithm]) -> Result<Vec<PrivateKey>> {
    match keys {
        Some(keys) => {
            crate::x509::key::check_supplied_keys(what, &keys, wanted)?;
            Ok(keys)
        }
        None => wanted.iter().map(|&algorithm| PrivateKey::generate(algorithm)).collect(),
    }
}
