//! A customer root for Azure Device Registry's certificate management
//! (preview), made to its published rules; the service's intermediate CSR is
//! then signed with it (`signCsr` with the `intermediate` profile, pathLen 0).
//!
//! How it differs from the tutorial's root (`v3_ca`): an ECC key only (P-256
//! or P-384), basicConstraints with pathLen 1 (just the service's
//! intermediate below it), and at least 365 days.
//!
//! Devices whose certificates the service issues send a CSR when they
//! provision: [`DeviceRegistryCsrs`] makes their keys and CSRs as it wants
//! them (EC P-384, CN = the registration ID, base64 DER) with the DPS
//! enrollment group's command.

use crate::error::{Result, StudioError};
use crate::make::{ChainEntry, Product, keys_or_generate};
use crate::output::bundle::{Bundle, OutputFile};
use crate::output::device_registry::{enrollment_script, policy_script};
use crate::output::layout::{self, role};
use crate::output::writers::CaKeyWriter;
use crate::rules::device_list::check_device_ids;
use crate::rules::device_registry::PolicyName;
use crate::rules::names::{RegistrationId, check_common_name};
use crate::rules::validity::ValidityBounds;
use crate::x509::facts::{certificate_der, certificate_pem, csr_pem};
use crate::x509::issue::{CertificateParams, Issuer, certificate_request, issue_self_signed};
use crate::x509::key::{KeyAlgorithm, PrivateKey};
use crate::x509::profile::DEVICE_REGISTRY_ROOT;
use crate::x509::signing::Signing;

/// The service asks for at least 365 days left on the root when it is
/// uploaded, so a root of exactly 365 days is already too short a second later.
pub const MIN_VALIDITY_DAYS: u32 = 366;
/// Two years: a year of margin to upload the root and renew it in time.
pub const DEFAULT_VALIDITY_DAYS: u32 = 730;
const STEM: &str = layout::DEVICE_REGISTRY_ROOT_STEM;
/// The policy the scripts name when none is given.
pub const DEFAULT_POLICY: &str = "external-ca";
/// The most devices one press makes keys and CSRs for.
pub const MAX_CSR_DEVICES: usize = 1000;

/// The settings of a customer root for Azure Device Registry's certificate
/// management. `Default` follows ADR's rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRegistryRootSpec {
    pub key_algorithm: KeyAlgorithm,
    pub common_name: String,
    pub validity_days: u32,
    pub validity_bounds: ValidityBounds,
    pub ca_key_password: Option<String>,
    /// The policy the root's script creates.
    pub policy_name: String,
}

impl Default for DeviceRegistryRootSpec {
    fn default() -> Self {
        Self {
            key_algorithm: KeyAlgorithm::EcP384,
            common_name: "Device Registry Root CA".into(),
            validity_days: DEFAULT_VALIDITY_DAYS,
            validity_bounds: ValidityBounds::default(),
            ca_key_password: Some(crate::rules::TUTORIAL_PASSWORD.into()),
            policy_name: DEFAULT_POLICY.into(),
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
        PolicyName::parse("policyName", &spec.policy_name)?;
        if !spec.key_algorithm.is_ec() {
            return Err(StudioError::field("keyAlgorithm", "Azure Device Registry takes an ECC root only: choose ECDSA P-256 or P-384."));
        }
        let validity = spec.validity_bounds.window(now_unix, spec.validity_days)?;
        if validity.not_after_unix < now_unix + u64::from(MIN_VALIDITY_DAYS) * 86_400 {
            return Err(StudioError::field(
                "validityDays",
                format!(
                    "Azure Device Registry needs a root with at least 365 days left when it is uploaded: give it at least {MIN_VALIDITY_DAYS} days."
                ),
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
        bundle.text(
            layout::snippet(layout::DEVICE_REGISTRY_STEM, layout::DEVICE_REGISTRY_POLICY_AZ),
            &policy_script(&PolicyName::parse("policyName", &self.spec.policy_name)?),
            "Azure CLI: the policy whose issuing CA this root signs; then show it to get its CSR.".into(),
        )?;
        bundle.finish(
            "A root for Azure Device Registry (preview): an ECC key, basicConstraints critical CA:TRUE pathLen 1, keyUsage digitalSignature, keyCertSign, cRLSign, an SKI, at least 365 days. Unlike the tutorial's root it may have only one CA below it: the service's intermediate.",
        )
    }

    fn entries(&self) -> Result<Vec<ChainEntry>> {
        Ok(vec![ChainEntry::new(role::ROOT, &self.root.certificate, &self.root.key, layout::cert(STEM))?])
    }
}

/// Device keys and CSRs for certificate issuance at provisioning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRegistryCsrSpec {
    pub registration_ids: Vec<String>,
    pub policy_name: String,
    /// The DPS enrollment group the devices provision through.
    pub enrollment_id: String,
}

impl Default for DeviceRegistryCsrSpec {
    fn default() -> Self {
        Self {
            registration_ids: vec!["device-01".into()],
            policy_name: DEFAULT_POLICY.into(),
            enrollment_id: "device-registry-group".into(),
        }
    }
}

/// What a device needs: a P-384 key, the only kind the service issues for.
pub const DEVICE_KEY: KeyAlgorithm = KeyAlgorithm::EcP384;

impl DeviceRegistryCsrSpec {
    pub fn validate(&self) -> Result<(Vec<RegistrationId>, PolicyName, RegistrationId)> {
        if self.registration_ids.len() > MAX_CSR_DEVICES {
            return Err(StudioError::field(
                "devices",
                format!("{} devices; one press makes keys and CSRs for at most {MAX_CSR_DEVICES}.", self.registration_ids.len()),
            ));
        }
        Ok((
            check_device_ids("devices", &self.registration_ids)?,
            PolicyName::parse("policyName", &self.policy_name)?,
            RegistrationId::parse("enrollmentId", &self.enrollment_id)?,
        ))
    }
}

pub struct DeviceRegistryCsrs {
    ids: Vec<RegistrationId>,
    policy: PolicyName,
    enrollment_id: RegistrationId,
    /// In the spec's order: each device's key and CSR.
    pub devices: Vec<(PrivateKey, x509_cert::request::CertReq)>,
}

impl DeviceRegistryCsrs {
    /// From P-384 keys made elsewhere, one per device, or with `None` fresh ones.
    pub fn build(spec: &DeviceRegistryCsrSpec, keys: Option<Vec<PrivateKey>>) -> Result<Self> {
        let (ids, policy, enrollment_id) = spec.validate()?;
        let keys = keys_or_generate("The device keys", keys, &vec![DEVICE_KEY; ids.len()])?;
        let devices = ids
            .iter()
            .zip(keys)
            .map(|(id, key)| {
                let csr = certificate_request(id.as_str(), &key, &mut Signing::here())?;
                Ok((key, csr))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self { ids, policy, enrollment_id, devices })
    }

    /// Each device: its registration ID and its CSR as one line of base64 DER.
    pub fn requests(&self) -> Result<Vec<(&RegistrationId, String)>> {
        self.ids.iter().zip(&self.devices).map(|(id, (_, csr))| Ok((id, csr_base64(csr)?))).collect()
    }
}

/// A CSR as the service takes it: base64 of its DER, no PEM armour, no line breaks.
pub fn csr_base64(csr: &x509_cert::request::CertReq) -> Result<String> {
    use base64ct::Encoding;
    use der::Encode;
    let der = csr.to_der().map_err(|e| StudioError::internal("CSR encoding", e))?;
    Ok(base64ct::Base64::encode_string(&der))
}

impl Product for DeviceRegistryCsrs {
    fn files(&self) -> Result<Vec<OutputFile>> {
        let mut bundle = Bundle::default();
        for ((id, (key, csr)), (_, base64)) in self.ids.iter().zip(&self.devices).zip(self.requests()?) {
            let stem = id.stem();
            bundle.secret(
                layout::key(&stem),
                key.to_pem(crate::x509::key::KeyEncoding::Pkcs8, None)?.as_bytes().to_vec(),
                format!("Private key of {id} (EC P-384, unencrypted): give to the device; it never leaves it."),
            )?;
            bundle.text(
                layout::csr_base64(&stem),
                &base64,
                format!("The CSR of {id} as the device sends it at provisioning: one line of base64 DER, no PEM armour, CN = {id}."),
            )?;
            bundle.text(layout::csr(&stem), &csr_pem(csr)?, format!("The same CSR of {id} as PEM, for openssl req -text."))?;
        }
        bundle.text(
            layout::snippet(layout::DEVICE_REGISTRY_STEM, layout::DEVICE_REGISTRY_ENROLLMENT_AZ),
            &enrollment_script(&self.policy, &self.enrollment_id, &self.ids),
            "Azure CLI: the DPS enrollment group whose devices get certificates from the policy.".into(),
        )?;
        bundle.finish(&format!(
            "Azure Device Registry (preview): EC P-384 keys and CSRs for {} device(s), CN = registration ID, for certificate issuance at provisioning.",
            self.ids.len()
        ))
    }

    fn entries(&self) -> Result<Vec<ChainEntry>> {
        Ok(Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::Decode;

    #[test]
    fn csrs_are_p384_with_the_id_as_cn_in_one_base64_line() {
        let spec = DeviceRegistryCsrSpec { registration_ids: vec!["dev:01".into(), "dev-02".into()], ..Default::default() };
        let made = DeviceRegistryCsrs::build(&spec, None).unwrap();
        let files = made.files().unwrap();
        let b64 = files.iter().find(|f| f.path == "csr/dev_01.csr.b64").unwrap();
        let text = std::str::from_utf8(&b64.contents).unwrap();
        assert!(!text.contains('\n') && !text.contains("BEGIN"), "{text}");
        use base64ct::Encoding;
        let csr = x509_cert::request::CertReq::from_der(&base64ct::Base64::decode_vec(text).unwrap()).unwrap();
        assert_eq!(csr.info.subject.to_string(), "CN=dev:01");
        assert!(crate::rules::device_registry::is_p384(&csr.info.public_key));
        assert!(files.iter().any(|f| f.path == "snippets/device-registry.enrollment.az-cli.sh"));
    }

    #[test]
    fn bad_names_are_refused_at_their_fields() {
        let bad = |spec: DeviceRegistryCsrSpec| spec.validate().err().and_then(|e| e.field);
        assert_eq!(bad(DeviceRegistryCsrSpec { registration_ids: vec!["../x".into()], ..Default::default() }).as_deref(), Some("devices"));
        assert_eq!(bad(DeviceRegistryCsrSpec { policy_name: "p'; rm".into(), ..Default::default() }).as_deref(), Some("policyName"));
        assert_eq!(bad(DeviceRegistryCsrSpec { enrollment_id: "g\n".into(), ..Default::default() }).as_deref(), Some("enrollmentId"));
    }
}
