//! The products the studio makes, one file each: the tutorial chain, a
//! batch, IoT Edge, an individual enrollment, a verification certificate.
//! Each issues through [`crate::x509::issue`] and writes through
//! [`crate::output::writers`]; what they share is the [`Product`] trait.

use serde::Serialize;
use x509_cert::Certificate;

use crate::error::Result;
use crate::output::file::OutputFile;
use crate::output::layout::CertificateRole;
use crate::rules::names::RegistrationId;
use crate::x509::facts::{common_name_of, issuer_common_name_of, not_after_unix, thumbprint_sha1, thumbprint_sha256};
use crate::x509::issue::{CertificateParams, Issued, SignedBy, ValidityWindow, issue_with_request};
use crate::x509::key::{KeyAlgorithm, PrivateKey};
use crate::x509::profile::DEVICE;
use crate::x509::signing::Signing;
use crate::x509::text::iso_time;

pub mod batch;
pub mod chain;
pub mod device_registry;
pub mod edge;
pub mod enrollment;
pub mod event_grid;
pub mod form;
pub mod iot_operations;
pub mod renewal;
pub mod rollover;
pub mod signed_devices;
pub mod snippet_refresh;
pub mod verification;

/// What every product gives the page: its files (ending with `README.txt`)
/// and the picture of its certificates.
pub trait Product {
    fn files(&self) -> Result<Vec<OutputFile>>;
    fn entries(&self) -> Result<Vec<ChainEntry>>;
}

/// One certificate of a product, for the page's picture of it (as JS gets it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainEntry {
    /// One of [`crate::output::layout::role`].
    pub role: CertificateRole,
    pub common_name: String,
    pub issuer_common_name: String,
    #[serde(serialize_with = "algorithm_id")]
    pub key_algorithm: KeyAlgorithm,
    /// How a person names the key type.
    pub key_label: &'static str,
    #[serde(skip)]
    pub not_after_unix: u64,
    /// ISO 8601, UTC.
    pub not_after: String,
    pub thumbprint_sha1: String,
    pub thumbprint_sha256: String,
    pub certificate_path: String,
}

impl ChainEntry {
    pub fn new(role: CertificateRole, certificate: &Certificate, key: &PrivateKey, certificate_path: String) -> Result<Self> {
        Self::for_algorithm(role, certificate, key.algorithm(), certificate_path)
    }

    /// For a certificate whose key the studio does not hold.
    pub fn for_algorithm(
        role: CertificateRole,
        certificate: &Certificate,
        key_algorithm: KeyAlgorithm,
        certificate_path: String,
    ) -> Result<Self> {
        Ok(Self {
            role,
            common_name: common_name_of(certificate).unwrap_or_default(),
            issuer_common_name: issuer_common_name_of(certificate),
            key_algorithm,
            key_label: key_algorithm.label(),
            not_after_unix: not_after_unix(certificate),
            not_after: iso_time(not_after_unix(certificate)),
            thumbprint_sha1: thumbprint_sha1(certificate)?,
            thumbprint_sha256: thumbprint_sha256(certificate)?,
            certificate_path,
        })
    }
}

fn algorithm_id<S: serde::Serializer>(algorithm: &KeyAlgorithm, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(algorithm.id())
}

/// A device's certificate, with its key and CSR, under its registration ID.
pub struct Device {
    pub registration_id: RegistrationId,
    pub issued: Issued,
}

/// Issues a device: its CSR, then its certificate under the device profile.
pub fn issue_device(
    signer: SignedBy<'_>,
    registration_id: &RegistrationId,
    key: PrivateKey,
    validity: ValidityWindow,
    signing: &mut Signing,
) -> Result<Device> {
    let params = CertificateParams::new(registration_id.as_str(), &DEVICE, validity);
    Ok(Device { registration_id: registration_id.clone(), issued: issue_with_request(&params, key, signer, signing)? })
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
