//! A customer root for Azure Device Registry's certificate management
//! (preview), made to its published rules; the service's intermediate CSR is
//! then signed with it (`signCsr` with the `intermediate` profile, pathLen 0).
//!
//! How it differs from the tutorial's root (`v3_ca`): an ECC key only (P-256
//! or P-384), basicConstraints with pathLen 1 (just the service's
//! intermediate below it), and at least 365 days.

use crate::error::{Result, StudioError};
use crate::make::{ChainEntry, Product, keys_or_generate};
use crate::output::bundle::{Bundle, OutputFile};
use crate::output::layout::{self, role};
use crate::output::writers::CaKeyWriter;
use crate::rules::names::check_common_name;
use crate::rules::validity::ValidityBounds;
use crate::x509::facts::{certificate_der, certificate_pem};
use crate::x509::issue::{CertificateParams, Issuer, issue_self_signed};
use crate::x509::key::{KeyAlgorithm, PrivateKey};
use crate::x509::profile::DEVICE_REGISTRY_ROOT;
use crate::x509::signing::Signing;

/// The service asks for at least a year left on the root.
pub const MIN_VALIDITY_DAYS: u32 = 365;
const STEM: &str = "device-registry.root.ca";

/// The settings of a customer root for Azure Device Registry's certificate
/// management. `Default` follows ADR's rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRegistryRootSpec {
    pub key_algorithm: KeyAlgorithm,
    pub common_name: String,
    pub validity_days: u32,
    pub validity_bounds: ValidityBounds,
    pub ca_key_password: Option<String>,
}

impl Default for DeviceRegistryRootSpec {
    fn default() -> Self {
        Self {
            key_algorithm: KeyAlgorithm::EcP384,
            common_name: "Device Registry Root CA".into(),
            validity_days: MIN_VALIDITY_DAYS,
            validity_bounds: ValidityBounds::default(),
            ca_key_password: Some("1234".into()),
        }
    }
}

/// A customer root made to Azure Device Registry's rules, with its key.
pub struct DeviceRegistryRoot {
    pub spec: DeviceRegistryRootSpec,
    pub root: Issuer,
}

impl DeviceRegistryRoot {
    pub fn build(spec: DeviceRegistryRootSpec, keys: Option<Vec<PrivateKey>>, now_unix: u64) -> Result<Self> {
        check_common_name("rootCn", "The root CA name", &spec.common_name)?;
        if !spec.key_algorithm.is_ec() {
            return Err(StudioError::field("keyAlgorithm", "Azure Device Registry takes an ECC root only: choose ECDSA P-256 or P-384."));
        }
        let validity = spec.validity_bounds.window(now_unix, spec.validity_days)?;
        if validity.not_after_unix < now_unix + u64::from(MIN_VALIDITY_DAYS) * 86_400 {
            return Err(StudioError::field(
                "validityDays",
                format!("Azure Device Registry needs a root with at least {MIN_VALIDITY_DAYS} days left."),
            ));
        }
        let key = keys_or_generate("The root", keys, &[spec.key_algorithm])?.remove(0);
        let issued =
            issue_self_signed(&CertificateParams::new(&spec.common_name, &DEVICE_REGISTRY_ROOT, validity), key, &mut Signing::here())?;
        Ok(Self { spec, root: Issuer { certificate: issued.certificate, key: issued.key } })
    }
}

impl Product for DeviceRegistryRoot {
    fn files(&self) -> Result<Vec<OutputFile>> {
        let mut bundle = Bundle::default();
        let ca_keys = CaKeyWriter::new(self.spec.ca_key_password.as_deref(), None)?;
        let certificate = &self.root.certificate;
        bundle.text(
            layout::cert(STEM),
            &certificate_pem(certificate)?,
            "The root for Azure Device Registry's certificate management: give it to the service.".into(),
        )?;
        bundle.der_certificate(layout::der_cert(STEM), certificate_der(certificate)?, "The same root as DER.".into())?;
        bundle.secret(
            layout::key(STEM),
            ca_keys.pem(&self.root.key)?.as_bytes().to_vec(),
            format!("Its private key ({}): keep offline; import it with the certificate to sign the service's intermediate CSR (profile intermediate, pathLen 0).", ca_keys.note()),
        )?;
        bundle.finish(
            "A root for Azure Device Registry (preview): an ECC key, basicConstraints critical CA:TRUE pathLen 1, keyUsage digitalSignature, keyCertSign, cRLSign, an SKI, at least 365 days. Unlike the tutorial's root it may have only one CA below it: the service's intermediate.",
        )
    }

    fn entries(&self) -> Result<Vec<ChainEntry>> {
        Ok(vec![ChainEntry::new(role::ROOT, &self.root.certificate, &self.root.key, layout::cert(STEM))?])
    }
}
