//! The tutorial's chain: root → intermediates → devices, with every file the
//! DPS enrollment-group tutorial makes, laid out as it lays them out.

use x509_cert::request::CertReq;

use crate::error::{Result, StudioError};
use crate::make::{ChainEntry, Device, Product, issue_device, keys_or_generate};
use crate::output::bundle::{Bundle, OutputFile};
use crate::output::layout::{self, role};
use crate::output::pfx::{PfxOptions, PfxWriter};
use crate::output::snippets::SnippetSettings;
use crate::output::writers::{CaKeyWriter, DeviceSettings, DeviceWriter, write_enrollment_group_commands, write_tutorial_ca_files};
use crate::rules::chain_shape::MAX_INTERMEDIATES;
use crate::rules::device_list::check_device_ids;
use crate::rules::names::{RegistrationId, check_common_name};
use crate::rules::validity::{TUTORIAL_VALIDITY_DAYS, ValidityBounds, check_validity_days};
use crate::x509::facts::certificate_der;
use crate::x509::issue::{CertificateParams, Issued, Issuer, SignedBy, ValidityWindow, issue_self_signed, issue_with_request};
use crate::x509::key::{KeyAlgorithm, KeyEncoding, PrivateKey};
use crate::x509::password_key::PasswordKey;
use crate::x509::profile::{INTERMEDIATE_CA, ROOT_CA};
use crate::x509::signing::{Signing, SigningPlan};

/// What the user asked for on the form. `Default` is the tutorial.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainSpec {
    pub key_algorithm: KeyAlgorithm,
    pub root_common_name: String,
    /// From the root down: the first is signed by the root, the last signs the devices.
    pub intermediate_common_names: Vec<String>,
    pub devices: Vec<String>,
    pub validity_days: u32,
    /// A start and an end other than now and `validity_days` later.
    pub validity_bounds: ValidityBounds,
    /// Encrypts the CA keys (PKCS#8, PBES2); `None` or empty leaves them in the clear.
    pub ca_key_password: Option<String>,
    pub device_key_encoding: KeyEncoding,
    /// Profile and password of every `.pfx` in the download.
    pub pfx: PfxOptions,
    /// ID scope, hub, folder…: what the snippets fill in.
    pub snippets: SnippetSettings,
}

impl Default for ChainSpec {
    fn default() -> Self {
        Self {
            key_algorithm: KeyAlgorithm::Rsa4096,
            root_common_name: "Azure IoT Hub CA Cert Test Only".into(),
            intermediate_common_names: vec!["Azure IoT Hub Intermediate Cert Test Only".into()],
            devices: vec!["device-01".into(), "device-02".into()],
            validity_days: TUTORIAL_VALIDITY_DAYS,
            validity_bounds: ValidityBounds::default(),
            ca_key_password: Some("1234".into()),
            device_key_encoding: KeyEncoding::Pkcs8,
            pfx: PfxOptions::default(),
            snippets: SnippetSettings::default(),
        }
    }
}

impl ChainSpec {
    /// Checks every field; the error names the field and the rule.
    pub fn validate(&self) -> Result<()> {
        self.validate_ca()?;
        self.registration_ids().map(drop)
    }

    /// The device list, each ID checked by DPS's rules.
    pub fn registration_ids(&self) -> Result<Vec<RegistrationId>> {
        check_device_ids("devices", &self.devices)
    }

    /// Every field but the device list (a batch checks that on its own).
    pub fn validate_ca(&self) -> Result<()> {
        check_common_name("rootCn", "The root CA name", &self.root_common_name)?;
        if self.intermediate_common_names.len() > MAX_INTERMEDIATES {
            return Err(StudioError::field(
                "intermediateCount",
                format!("A chain here has 0 to {MAX_INTERMEDIATES} intermediates, not {}.", self.intermediate_common_names.len()),
            ));
        }
        for cn in &self.intermediate_common_names {
            check_common_name("intermediateCn", "The intermediate CA name", cn)?;
        }
        check_validity_days(self.validity_days)?;
        self.device_settings().validate()
    }

    /// Keys the chain needs, in the order [`TutorialChain::build`] takes them:
    /// root, intermediates from the root down, devices.
    pub fn key_count(&self) -> usize {
        1 + self.intermediate_common_names.len() + self.devices.len()
    }

    /// How the devices' files are written.
    pub fn device_settings(&self) -> DeviceSettings {
        DeviceSettings { key_encoding: self.device_key_encoding, pfx: self.pfx.clone(), snippets: self.snippets.clone() }
    }

    fn validity(&self, now_unix: u64) -> Result<ValidityWindow> {
        self.validity_bounds.window(now_unix, self.validity_days)
    }
}

/// Everything the tutorial makes, held as objects; [`TutorialChain::files`] writes it out.
pub struct TutorialChain {
    pub spec: ChainSpec,
    pub root: Issuer,
    /// From the root down, each with the CSR it was issued from.
    pub intermediates: Vec<(Issuer, CertReq)>,
    pub devices: Vec<Device>,
    /// The CA key password as the browser stretched it; `None`: stretched here.
    pub stretched_ca_password: Option<PasswordKey>,
}

impl TutorialChain {
    /// Makes the chain with fresh keys, signing here.
    pub fn generate(spec: ChainSpec, now_unix: u64) -> Result<Self> {
        Self::build(spec, None, now_unix, &mut Signing::here())
    }

    /// Makes the chain from `keys` made elsewhere (in parallel workers, in
    /// [`ChainSpec::key_count`] order) or, with `None`, fresh ones.
    pub fn build(spec: ChainSpec, keys: Option<Vec<PrivateKey>>, now_unix: u64, signing: &mut Signing) -> Result<Self> {
        spec.validate_ca()?;
        let ids = spec.registration_ids()?;
        let mut keys = keys_or_generate("The chain", keys, &vec![spec.key_algorithm; spec.key_count()])?;
        let device_keys = keys.split_off(spec.key_count() - spec.devices.len());
        let mut chain = Self::build_ca(spec, Some(keys), now_unix, signing)?;
        let validity = chain.spec.validity(now_unix)?;
        let devices = ids
            .iter()
            .zip(device_keys)
            .map(|(id, key)| issue_device(SignedBy::Ca(chain.device_signer()), id, key, validity, signing))
            .collect::<Result<_>>()?;
        chain.devices = devices;
        Ok(chain)
    }

    /// What [`TutorialChain::build`] with these keys would sign with RSA keys,
    /// for the caller to sign elsewhere; then build with [`Signing::assembling`].
    pub fn plan_signatures(spec: ChainSpec, keys: Vec<PrivateKey>, now_unix: u64) -> Result<SigningPlan> {
        let mut signing = Signing::planning();
        Self::build(spec, Some(keys), now_unix, &mut signing)?;
        signing.into_plan()
    }

    /// The root and intermediates only (keys root first): a batch's CA,
    /// whose devices come in chunks.
    pub fn build_ca(spec: ChainSpec, keys: Option<Vec<PrivateKey>>, now_unix: u64, signing: &mut Signing) -> Result<Self> {
        spec.validate_ca()?;
        let keys = keys_or_generate("The CA chain", keys, &vec![spec.key_algorithm; 1 + spec.intermediate_common_names.len()])?;
        let validity = spec.validity(now_unix)?;
        let params = |common_name, profile| CertificateParams::new(common_name, profile, validity);
        let mut keys = keys.into_iter();
        let mut next_key = || keys.next().ok_or_else(|| StudioError::general("The CA chain ran out of keys."));

        let Issued { certificate, key, .. } = issue_self_signed(&params(&spec.root_common_name, &ROOT_CA), next_key()?, signing)?;
        let root = Issuer { certificate, key };
        let mut intermediates: Vec<(Issuer, CertReq)> = Vec::new();
        for cn in &spec.intermediate_common_names {
            let signer = intermediates.last().map_or(&root, |(issuer, _)| issuer);
            let issued = issue_with_request(&params(cn, &INTERMEDIATE_CA), next_key()?, SignedBy::Ca(signer), signing)?;
            let csr = issued.csr.ok_or_else(|| StudioError::general("An intermediate lost its CSR."))?;
            intermediates.push((Issuer { certificate: issued.certificate, key: issued.key }, csr));
        }
        Ok(Self { spec, root, intermediates, devices: Vec::new(), stretched_ca_password: None })
    }

    /// The CA certificates from the root down, as DER; the last one signs the devices.
    pub fn ca_certificates_der(&self) -> Result<Vec<Vec<u8>>> {
        std::iter::once(&self.root.certificate)
            .chain(self.intermediates.iter().map(|(issuer, _)| &issuer.certificate))
            .map(certificate_der)
            .collect()
    }

    /// The CA that signs the devices: the lowest intermediate, or the root.
    pub fn device_signer(&self) -> &Issuer {
        self.intermediates.last().map_or(&self.root, |(issuer, _)| issuer)
    }

    /// The CA's files alone (a batch's first files).
    pub fn ca_files(&self) -> Result<Vec<OutputFile>> {
        let mut bundle = Bundle::default();
        self.write_ca_files(&mut bundle, &PfxWriter::new(&self.spec.pfx)?)?;
        Ok(bundle.into_files())
    }

    fn write_ca_files(&self, bundle: &mut Bundle, pfx: &PfxWriter) -> Result<()> {
        let ca_keys = CaKeyWriter::new(self.spec.ca_key_password.as_deref(), self.stretched_ca_password.as_ref())?;
        write_tutorial_ca_files(bundle, &self.root, &self.intermediates, &ca_keys, pfx)?;
        write_enrollment_group_commands(bundle, &self.spec.snippets, self.intermediates.len())
    }

    /// What the README's first line says was made.
    pub fn title(&self, device_count: usize) -> String {
        format!(
            "DPS enrollment group, as the Azure IoT X.509 tutorial makes it: root → {} intermediate(s) → {device_count} device(s).",
            self.intermediates.len()
        )
    }
}

impl Product for TutorialChain {
    /// Every file, at the tutorial's path, then `README.txt`.
    fn files(&self) -> Result<Vec<OutputFile>> {
        let mut bundle = Bundle::default();
        let devices = DeviceWriter::new(self.spec.device_settings(), self.ca_certificates_der()?)?;
        self.write_ca_files(&mut bundle, devices.pfx())?;
        for device in &self.devices {
            devices.write(&mut bundle, &device.registration_id, &device.issued)?;
        }
        bundle.finish(&self.title(self.devices.len()))
    }

    /// The chain as the page draws it: root, intermediates, devices.
    fn entries(&self) -> Result<Vec<ChainEntry>> {
        let mut out = vec![ChainEntry::new(role::ROOT, &self.root.certificate, &self.root.key, layout::cert(layout::ROOT_STEM))?];
        for (i, (issuer, _)) in self.intermediates.iter().enumerate() {
            let stem = layout::intermediate_stem(i, self.intermediates.len());
            out.push(ChainEntry::new(role::INTERMEDIATE, &issuer.certificate, &issuer.key, layout::cert(&stem))?);
        }
        for d in &self.devices {
            let path = layout::cert(&d.registration_id.stem());
            out.push(ChainEntry::new(role::DEVICE, &d.issued.certificate, &d.issued.key, path)?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_spec_is_the_tutorial() {
        let spec = ChainSpec::default();
        spec.validate().unwrap();
        assert_eq!(spec.key_count(), 4);
        assert_eq!(spec.key_algorithm, KeyAlgorithm::Rsa4096);
    }

    #[test]
    fn bad_specs_name_their_field() {
        let with = |f: fn(&mut ChainSpec)| {
            let mut s = ChainSpec::default();
            f(&mut s);
            s.validate().unwrap_err()
        };
        assert_eq!(with(|s| s.devices = vec!["a b".into()]).field.as_deref(), Some("devices"));
        assert_eq!(with(|s| s.devices = vec!["Dev".into(), "dev".into()]).field.as_deref(), Some("devices"));
        assert_eq!(with(|s| s.devices.clear()).field.as_deref(), Some("devices"));
        assert_eq!(with(|s| s.validity_days = 0).field.as_deref(), Some("validityDays"));
        assert_eq!(with(|s| s.root_common_name = "x".repeat(65)).field.as_deref(), Some("rootCn"));
        assert_eq!(with(|s| s.intermediate_common_names = vec!["i".into(); 6]).field.as_deref(), Some("intermediateCount"));
    }

    #[test]
    fn files_follow_the_tutorial_layout() {
        let spec = ChainSpec { key_algorithm: KeyAlgorithm::EcP256, ..ChainSpec::default() };
        let chain = TutorialChain::generate(spec, 1_764_000_000).unwrap();
        let paths: Vec<String> = chain.files().unwrap().into_iter().map(|f| f.path).collect();
        for expected in [
            "certs/azure-iot-test-only.root.ca.cert.pem",
            "private/azure-iot-test-only.root.ca.key.pem",
            "certs/azure-iot-test-only.intermediate.cert.pem",
            "private/azure-iot-test-only.intermediate.key.pem",
            "csr/azure-iot-test-only.intermediate.csr.pem",
            "certs/azure-iot-test-only.chain.ca.cert.pem",
            "certs/device-01.cert.pem",
            "certs/device-01-full-chain.cert.pem",
            "private/device-01.key.pem",
            "csr/device-01.csr.pem",
            "snippets/device-01.custom_hsm_example.c",
            "snippets/device-02.ProvisioningX509Sample.java",
        ] {
            assert!(paths.iter().any(|p| p == expected), "{expected} missing from {paths:?}");
        }
        let entries = chain.entries().unwrap();
        assert_eq!(entries.iter().map(|e| e.role.as_str()).collect::<Vec<_>>(), ["root", "intermediate", "device", "device"]);
        assert_eq!(entries[2].issuer_common_name, "Azure IoT Hub Intermediate Cert Test Only");
    }

    #[test]
    fn several_intermediates_are_numbered_from_the_root() {
        let spec = ChainSpec {
            key_algorithm: KeyAlgorithm::EcP256,
            intermediate_common_names: vec!["I1".into(), "I2".into()],
            ..ChainSpec::default()
        };
        let chain = TutorialChain::generate(spec, 1_764_000_000).unwrap();
        let files = chain.files().unwrap();
        assert!(files.iter().any(|f| f.path == "certs/azure-iot-test-only.intermediate-2.cert.pem"));
        let entries = chain.entries().unwrap();
        assert_eq!(entries[1].issuer_common_name, "Azure IoT Hub CA Cert Test Only");
        assert_eq!(entries[2].issuer_common_name, "I1");
        assert_eq!(entries[3].issuer_common_name, "I2");
    }

    #[test]
    fn rsa_signatures_made_elsewhere_give_a_chain_that_verifies() {
        use crate::x509::verify::{verify_certificate, verify_csr};
        use der::Encode;
        use signature::{SignatureEncoding, Signer};
        let spec = ChainSpec { key_algorithm: KeyAlgorithm::Rsa2048, ..ChainSpec::default() };
        let keys: Vec<PrivateKey> = (0..4).map(|_| PrivateKey::generate(KeyAlgorithm::Rsa2048).unwrap()).collect();
        let ders: Vec<_> = keys.iter().map(|k| k.to_pkcs8_der().unwrap()).collect();
        let again = || ders.iter().map(|d| PrivateKey::from_pkcs8_der(d).unwrap()).collect::<Vec<_>>();
        let plan = TutorialChain::plan_signatures(spec.clone(), again(), 1_764_000_000).unwrap();
        // Root, intermediate CSR and certificate, then each device's CSR and certificate.
        assert_eq!(plan.requests.len(), 7);
        assert_eq!(plan.serials.len(), 4);
        // Signed "elsewhere": by the rsa crate directly, as WebCrypto would.
        let sign_all = |plan: &SigningPlan| -> Vec<Vec<u8>> {
            plan.requests
                .iter()
                .map(|r| {
                    let key = keys.iter().find(|k| k.public_key_info().unwrap().to_der().unwrap() == r.public_key).unwrap();
                    let PrivateKey::Rsa(key) = key else { unreachable!() };
                    Signer::<rsa::pkcs1v15::Signature>::try_sign(key.as_ref(), &r.message).unwrap().to_vec()
                })
                .collect()
        };
        let signatures = sign_all(&plan);
        let serials = plan.serials.clone();
        let chain =
            TutorialChain::build(spec.clone(), Some(again()), 1_764_000_000, &mut Signing::assembling(plan, signatures).unwrap()).unwrap();
        assert_eq!(chain.root.certificate.tbs_certificate().serial_number().as_bytes(), serials[0].as_slice());
        let root_key = chain.root.certificate.tbs_certificate().subject_public_key_info();
        let (intermediate, csr) = &chain.intermediates[0];
        assert!(verify_certificate(&chain.root.certificate.to_der().unwrap(), root_key).is_ok());
        assert!(verify_certificate(&intermediate.certificate.to_der().unwrap(), root_key).is_ok());
        assert!(verify_csr(csr, &csr.to_der().unwrap()).is_ok());
        for device in chain.devices.iter().map(|d| &d.issued) {
            assert!(
                verify_certificate(
                    &device.certificate.to_der().unwrap(),
                    intermediate.certificate.tbs_certificate().subject_public_key_info()
                )
                .is_ok()
            );
            let device_csr = device.csr.as_ref().unwrap();
            assert!(verify_csr(device_csr, &device_csr.to_der().unwrap()).is_ok());
        }
        // The replay does not sign again, and takes no signature on trust: one that does not verify
        // (here the last, a device's certificate) stops the build, naming where it was made.
        let plan = TutorialChain::plan_signatures(spec.clone(), again(), 1_764_000_000).unwrap();
        let mut signatures = sign_all(&plan);
        *signatures.last_mut().unwrap() = vec![0x5a; 256];
        let error = TutorialChain::build(spec.clone(), Some(again()), 1_764_000_000, &mut Signing::assembling(plan, signatures).unwrap())
            .err()
            .unwrap();
        assert!(error.message.contains("made by the browser does not verify"), "{}", error.message);
        // Signing here needs no plan; a wrong signature count is refused.
        assert!(TutorialChain::build(spec.clone(), Some(again()), 1_764_000_000, &mut Signing::here()).is_ok());
        let plan = TutorialChain::plan_signatures(spec.clone(), again(), 1_764_000_000).unwrap();
        assert!(Signing::assembling(plan, vec![]).is_err());
        // A plan for other keys: the build signs other messages, and says so.
        let plan = TutorialChain::plan_signatures(spec.clone(), again(), 1_764_000_000).unwrap();
        let signatures = plan.requests.iter().map(|_| vec![0; 256]).collect();
        let other_keys = (0..4).map(|_| PrivateKey::generate(KeyAlgorithm::Rsa2048).unwrap()).collect();
        assert!(TutorialChain::build(spec, Some(other_keys), 1_764_000_000, &mut Signing::assembling(plan, signatures).unwrap()).is_err());
    }

    #[test]
    fn wrong_keys_are_refused() {
        let spec = ChainSpec { key_algorithm: KeyAlgorithm::EcP256, ..ChainSpec::default() };
        let keys = (0..4).map(|_| PrivateKey::generate(KeyAlgorithm::EcP384).unwrap()).collect();
        assert!(TutorialChain::build(spec.clone(), Some(keys), 0, &mut Signing::here()).err().unwrap().message.contains("P-384"));
        assert!(TutorialChain::build(spec, Some(vec![]), 0, &mut Signing::here()).err().is_some());
    }
}
