//! The tutorial's chain: root → intermediates → devices, with every file the
//! DPS enrollment-group tutorial makes, laid out as it lays them out.

use der::Encode;
use x509_cert::Certificate;
use x509_cert::request::CertReq;

use crate::archive::OutputFile;
use crate::bundle::{Bundle, DeviceMaterial, device_snippets};
use crate::certificate::{
    self, CertificateParams, Issuer, SignedBy, ValidityWindow, certificate_pem, certificate_request, csr_pem,
};
use crate::error::{Result, StudioError};
use crate::key::{CaKeyWriter, KeyAlgorithm, KeyEncoding, PrivateKey, pem_text, pkcs8_pem};
use crate::layout;
use crate::names::check_common_name;
use crate::password_key::PasswordKey;
use crate::presigned::{self, SigningPlan};
use crate::pfx::{PfxOptions, PfxWriter};
use crate::profile::{DEVICE, INTERMEDIATE_CA, ROOT_CA};
use crate::snippets::{JavaSnippet, SnippetSettings, powershell_enrollment};

pub const MAX_INTERMEDIATES: usize = 5;
pub const MAX_VALIDITY_DAYS: u32 = 36_500;

/// What the user asked for on the form. `Default` is the tutorial.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainSpec {
    pub key_algorithm: KeyAlgorithm,
    pub root_common_name: String,
    /// From the root down: the first is signed by the root, the last signs the devices.
    pub intermediate_common_names: Vec<String>,
    pub devices: Vec<String>,
    pub validity_days: u32,
    /// Encrypts the CA keys (PKCS#8, PBES2); `None` leaves them in the clear.
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
            validity_days: 30,
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
        crate::device_list::check_device_ids("devices", &self.devices)
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
        if !(1..=MAX_VALIDITY_DAYS).contains(&self.validity_days) {
            return Err(StudioError::field(
                "validityDays",
                format!("Validity must be a whole number of days from 1 to {MAX_VALIDITY_DAYS}."),
            ));
        }
        self.pfx.validate()?;
        self.snippets.validate()?;
        Ok(())
    }

    /// Keys the chain needs, in the order [`TutorialChain::build`] takes them:
    /// root, intermediates from the root down, devices.
    pub fn key_count(&self) -> usize {
        1 + self.intermediate_common_names.len() + self.devices.len()
    }

    fn ca_password(&self) -> Option<&str> {
        self.ca_key_password.as_deref().filter(|p| !p.is_empty())
    }
}

/// A device's certificate, key and CSR.
pub struct Device {
    pub registration_id: String,
    pub certificate: Certificate,
    pub key: PrivateKey,
    pub csr: CertReq,
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

/// One certificate of the chain, for the page's picture of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainEntry {
    pub role: &'static str,
    pub common_name: String,
    pub issuer_common_name: String,
    pub key_algorithm: KeyAlgorithm,
    pub not_after_unix: u64,
    pub thumbprint_sha1: String,
    pub thumbprint_sha256: String,
    pub certificate_path: String,
}

/// The page's picture of one certificate.
pub fn chain_entry(role: &'static str, cert: &Certificate, key: &PrivateKey, path: String) -> Result<ChainEntry> {
    Ok(ChainEntry {
        role,
        common_name: certificate::common_name_of(cert).unwrap_or_default(),
        issuer_common_name: cert
            .tbs_certificate()
            .issuer()
            .common_name()
            .ok()
            .flatten()
            .map(|cn| cn.value().into_owned())
            .unwrap_or_default(),
        key_algorithm: key.algorithm(),
        not_after_unix: certificate::not_after_unix(cert),
        thumbprint_sha1: certificate::thumbprint_sha1(cert)?,
        thumbprint_sha256: certificate::thumbprint_sha256(cert)?,
        certificate_path: path,
    })
}

/// A device's key, CSR and certificate, signed by `signer` under the device profile.
pub fn issue_device(signer: SignedBy<'_>, registration_id: &str, key: PrivateKey, validity: ValidityWindow) -> Result<Device> {
    let params = CertificateParams { common_name: registration_id, profile: &DEVICE, validity, dns_names: &[] };
    let csr = certificate_request(registration_id, &key)?;
    let certificate = certificate::issue(&params, &csr.info.public_key, signer)?;
    Ok(Device { registration_id: registration_id.into(), certificate, key, csr })
}

/// The CA certificates (DER, given from the root down) as a device presents
/// them after its own: intermediates nearest the devices first, then the root.
fn signer_pems(from_root: &[&[u8]]) -> String {
    from_root.iter().rev().map(|der| pem_text("CERTIFICATE", der)).collect()
}

/// Writes each device's files (certificate, DER, full chain, key, PFX, CSR,
/// SDK snippets) for devices signed under one CA chain: what a whole chain
/// and a batch's chunk of devices share. The CA certificates are only copied
/// into files, so they are taken as DER.
pub struct DeviceFiles<'a> {
    spec: &'a ChainSpec,
    /// From the root down; the last signed the devices.
    ca_certificates: Vec<&'a [u8]>,
    ca_chain_pem: String,
    root_pem: String,
    /// From the root down, as the Java sample lists them.
    intermediate_pems: Vec<String>,
    /// One key derivation for every PFX of the download.
    pub pfx: PfxWriter,
}

impl<'a> DeviceFiles<'a> {
    pub fn new(spec: &'a ChainSpec, ca_certificates: &[&'a [u8]]) -> Result<Self> {
        let (root, intermediates) = ca_certificates.split_first().ok_or_else(|| StudioError::general("A device chain needs its root CA."))?;
        Ok(Self {
            spec,
            ca_certificates: ca_certificates.to_vec(),
            ca_chain_pem: signer_pems(ca_certificates),
            root_pem: pem_text("CERTIFICATE", root),
            intermediate_pems: intermediates.iter().map(|der| pem_text("CERTIFICATE", der)).collect(),
            pfx: PfxWriter::new(&spec.pfx)?,
        })
    }

    /// `<id>-full-chain.cert.pem`: the device, intermediates nearest first, the root.
    pub fn full_chain_pem(&self, device: &Device) -> Result<String> {
        Ok(certificate_pem(&device.certificate)? + &self.ca_chain_pem)
    }

    pub fn write(&self, bundle: &mut Bundle, device: &Device) -> Result<()> {
        let spec = self.spec;
        let pfx_note = format!("{} PFX, password as set on the page", spec.pfx.profile.id());
        let id = &device.registration_id;
        let stem = layout::device_stem(id);
        let cert_pem = certificate_pem(&device.certificate)?;
        let key_der = device.key.to_pkcs8_der()?;
        // Java's KeyFactory reads only PKCS#8, whatever format the key file has.
        let pkcs8_pem = pkcs8_pem(&key_der);
        let key_pem = match spec.device_key_encoding {
            KeyEncoding::Pkcs8 => pkcs8_pem.clone(),
            encoding => device.key.to_pem(encoding, None)?,
        };
        let chain_pem = self.full_chain_pem(device)?;
        let cert_path = layout::cert(&stem);
        let chain_path = layout::full_chain(&stem);
        let key_path = layout::key(&stem);
        let pfx_path = layout::full_chain_pfx(&stem);
        bundle.text(cert_path.clone(), &cert_pem, format!("Device certificate of {id}: for an individual enrollment, upload to the enrollment."));
        bundle.der_certificate(layout::der_cert(&stem), &device.certificate, format!("Device certificate of {id} as DER, for Windows."))?;
        bundle.text(
            chain_path.clone(),
            &chain_pem,
            format!("Full chain of {id} (device, intermediates, root): give to the device; it presents this."),
        );
        bundle.secret(
            key_path.clone(),
            key_pem.as_bytes().to_vec(),
            format!("Private key of {id} (unencrypted, as the samples need): give to the device."),
        );
        let device_der = device.certificate.to_der().map_err(|e| StudioError::internal("Certificate encoding", e))?;
        let pfx_chain: Vec<&[u8]> = std::iter::once(device_der.as_slice()).chain(self.ca_certificates.iter().rev().copied()).collect();
        bundle.secret(
            pfx_path.clone(),
            self.pfx.write_der(&key_der, &pfx_chain, id)?,
            format!("Key and full chain of {id} ({pfx_note}, friendly name {id}): give to the device (C# sample, Windows store)."),
        );
        bundle.text(layout::csr(&stem), &csr_pem(&device.csr)?, format!("Certificate signing request of {id}."));
        device_snippets(
            bundle,
            &spec.snippets,
            &spec.pfx.password,
            &DeviceMaterial {
                registration_id: id,
                stem: &stem,
                chain_path: &chain_path,
                chain_pem: &chain_pem,
                key_path: &key_path,
                key_pem: &key_pem,
                pfx_path: &pfx_path,
            },
        );
        let intermediate_refs: Vec<&str> = self.intermediate_pems.iter().map(String::as_str).collect();
        bundle.text(
            layout::snippet(&stem, "ProvisioningX509Sample.java"),
            &JavaSnippet::new(&cert_pem, &pkcs8_pem, &self.root_pem, &intermediate_refs).text(),
            format!("Java constants for ProvisioningX509Sample.java ({id})."),
        );
        bundle.text(
            layout::snippet(&stem, "Add-AzIoTDeviceProvisioningServiceEnrollment.ps1"),
            &powershell_enrollment(&spec.snippets, id, &cert_path, None),
            format!("PowerShell: an individual enrollment for {id} with its device certificate."),
        );
        Ok(())
    }
}

impl TutorialChain {
    /// Makes the chain with fresh keys (the Node API and native tests).
    pub fn generate(spec: ChainSpec, now_unix: u64) -> Result<Self> {
        spec.validate()?;
        let keys = (0..spec.key_count())
            .map(|_| PrivateKey::generate(spec.key_algorithm))
            .collect::<Result<Vec<_>>>()?;
        Self::build(spec, keys, now_unix)
    }

    /// Makes the chain from keys made elsewhere (in parallel workers), in
    /// [`ChainSpec::key_count`] order.
    pub fn build(spec: ChainSpec, mut keys: Vec<PrivateKey>, now_unix: u64) -> Result<Self> {
        spec.validate()?;
        crate::key::check_supplied_keys("The chain", &keys, &vec![spec.key_algorithm; spec.key_count()])?;
        let device_keys = keys.split_off(spec.key_count() - spec.devices.len());
        let mut chain = Self::build_ca(spec, keys, now_unix)?;
        let validity = ValidityWindow { not_before_unix: now_unix, days: chain.spec.validity_days };
        let devices = chain
            .spec
            .devices
            .iter()
            .zip(device_keys)
            .map(|(id, key)| issue_device(SignedBy::Ca(chain.device_signer()), id, key, validity))
            .collect::<Result<_>>()?;
        chain.devices = devices;
        Ok(chain)
    }

    /// What [`TutorialChain::build`] with these keys would sign with RSA keys,
    /// for the caller to sign elsewhere (see [`crate::presigned`]).
    pub fn plan_signatures(spec: ChainSpec, keys: Vec<PrivateKey>, now_unix: u64) -> Result<SigningPlan> {
        presigned::plan(|| Self::build(spec, keys, now_unix))
    }

    /// [`TutorialChain::build`] again with the plan's serials and the caller's
    /// RSA `signatures`, one per planned request.
    pub fn build_presigned(spec: ChainSpec, keys: Vec<PrivateKey>, now_unix: u64, plan: SigningPlan, signatures: Vec<Vec<u8>>) -> Result<Self> {
        presigned::replay(plan, signatures, || Self::build(spec, keys, now_unix))
            .map_err(|e| StudioError::general(format!("The chain could not use the signatures made outside the core: {}", e.message)))
    }

    /// The root and intermediates only, from their keys (root first): a
    /// batch's CA, whose devices come in chunks.
    pub fn build_ca(spec: ChainSpec, keys: Vec<PrivateKey>, now_unix: u64) -> Result<Self> {
        spec.validate_ca()?;
        crate::key::check_supplied_keys("The CA chain", &keys, &vec![spec.key_algorithm; 1 + spec.intermediate_common_names.len()])?;
        let validity = ValidityWindow { not_before_unix: now_unix, days: spec.validity_days };
        let params = |common_name, profile| CertificateParams { common_name, profile, validity, dns_names: &[] };
        let mut keys = keys.into_iter();

        let root_key = keys.next().expect("counted above");
        let root_cert = certificate::issue(
            &params(&spec.root_common_name, &ROOT_CA),
            &root_key.public_key_info()?,
            SignedBy::Itself(&root_key),
        )?;
        let root = Issuer { certificate: root_cert, key: root_key };

        let mut intermediates: Vec<(Issuer, CertReq)> = Vec::new();
        for cn in &spec.intermediate_common_names {
            let key = keys.next().expect("counted above");
            let csr = certificate_request(cn, &key)?;
            let signer = intermediates.last().map_or(&root, |(issuer, _)| issuer);
            let cert = certificate::issue(&params(cn, &INTERMEDIATE_CA), &csr.info.public_key, SignedBy::Ca(signer))?;
            intermediates.push((Issuer { certificate: cert, key }, csr));
        }

        Ok(Self { spec, root, intermediates, devices: Vec::new(), stretched_ca_password: None })
    }

    /// The CA certificates from the root down, as DER; the last one signs the devices.
    pub fn ca_certificates_der(&self) -> Result<Vec<Vec<u8>>> {
        std::iter::once(&self.root.certificate)
            .chain(self.intermediates.iter().map(|(issuer, _)| &issuer.certificate))
            .map(|c| c.to_der().map_err(|e| StudioError::internal("Certificate encoding", e)))
            .collect()
    }

    /// The CA that signs the devices: the lowest intermediate, or the root.
    pub fn device_signer(&self) -> &Issuer {
        self.intermediates.last().map_or(&self.root, |(issuer, _)| issuer)
    }

    fn intermediate_stem(&self, index: usize) -> String {
        layout::intermediate_stem(index, self.intermediates.len())
    }

    /// Every file, at the tutorial's path, then `README.txt`.
    pub fn files(&self) -> Result<Vec<OutputFile>> {
        let mut bundle = Bundle::default();
        let ca_der = self.ca_certificates_der()?;
        let device_files = DeviceFiles::new(&self.spec, &ca_der.iter().map(Vec::as_slice).collect::<Vec<_>>())?;
        self.write_ca_files(&mut bundle, &device_files.pfx)?;
        for device in &self.devices {
            device_files.write(&mut bundle, device)?;
        }
        bundle.finish(&self.title(self.devices.len()))
    }

    /// The CA's files alone (a batch's first files).
    pub fn ca_files(&self) -> Result<Vec<OutputFile>> {
        let mut bundle = Bundle::default();
        self.write_ca_files(&mut bundle, &PfxWriter::new(&self.spec.pfx)?)?;
        Ok(bundle.into_files())
    }

    /// What the README's first line says was made.
    pub fn title(&self, device_count: usize) -> String {
        format!(
            "DPS enrollment group, as the Azure IoT X.509 tutorial makes it: root → {} intermediate(s) → {device_count} device(s).",
            self.intermediates.len()
        )
    }

    /// The root's and intermediates' files, and the CA chain.
    pub fn write_ca_files(&self, bundle: &mut Bundle, pfx: &PfxWriter) -> Result<()> {
        let spec = &self.spec;
        let ca_key_note = if spec.ca_password().is_some() { "encrypted with the CA key password" } else { "NOT encrypted" };
        let ca_keys = CaKeyWriter::new(spec.ca_password(), self.stretched_ca_password.as_ref())?;
        let pfx_note = format!("{} PFX, password as set on the page", spec.pfx.profile.id());
        bundle.text(
            layout::cert(layout::ROOT_STEM),
            &certificate_pem(&self.root.certificate)?,
            "Root CA certificate: upload to DPS → Certificates and verify it (proof of possession).".into(),
        );
        bundle.der_certificate(
            layout::ROOT_CER.into(),
            &self.root.certificate,
            "Root CA certificate as DER: the same certificate, for the Windows certificate store or the portal.".into(),
        )?;
        bundle.secret(
            layout::key(layout::ROOT_STEM),
            ca_keys.pem(&self.root.key)?.as_bytes().to_vec(),
            format!("Root CA private key ({ca_key_note}): keep offline; it signs verification certificates."),
        );
        bundle.secret(
            layout::ROOT_PFX.into(),
            pfx.write(&self.root.key, &[&self.root.certificate], &self.root.common_name())?,
            format!("Root CA key and certificate ({pfx_note}): for the Windows certificate store; keep offline."),
        );
        for (i, (issuer, csr)) in self.intermediates.iter().enumerate() {
            let stem = self.intermediate_stem(i);
            bundle.text(
                layout::cert(&stem),
                &certificate_pem(&issuer.certificate)?,
                format!(
                    "Intermediate CA \"{}\": upload to DPS → Certificates and verify it, or use it as the enrollment group's certificate.",
                    issuer.common_name()
                ),
            );
            bundle.der_certificate(layout::der_cert(&stem), &issuer.certificate, "The intermediate CA certificate as DER, for Windows.".into())?;
            bundle.secret(
                layout::key(&stem),
                ca_keys.pem(&issuer.key)?.as_bytes().to_vec(),
                format!("Intermediate CA private key ({ca_key_note}): keep offline; it signs devices."),
            );
            bundle.secret(
                layout::intermediate_pfx(i, self.intermediates.len()),
                pfx.write(&issuer.key, &[&issuer.certificate], &issuer.common_name())?,
                format!("Intermediate CA key and certificate ({pfx_note}): for the Windows certificate store; keep offline."),
            );
            bundle.text(layout::csr(&stem), &csr_pem(csr)?, "Certificate signing request of the intermediate CA.".into());
        }
        bundle.text(
            layout::CHAIN_CA_CERT.into(),
            &signer_pems(&self.ca_certificates_der()?.iter().map(Vec::as_slice).collect::<Vec<_>>()),
            "CA chain: intermediate(s) nearest the devices first, then the root.".into(),
        );
        Ok(())
    }

    /// The chain as the page draws it: root, intermediates, devices.
    pub fn entries(&self) -> Result<Vec<ChainEntry>> {
        let mut out = vec![chain_entry("root", &self.root.certificate, &self.root.key, layout::cert(layout::ROOT_STEM))?];
        for (i, (issuer, _)) in self.intermediates.iter().enumerate() {
            out.push(chain_entry("intermediate", &issuer.certificate, &issuer.key, layout::cert(&self.intermediate_stem(i)))?);
        }
        for d in &self.devices {
            out.push(chain_entry("device", &d.certificate, &d.key, layout::cert(&layout::device_stem(&d.registration_id)))?);
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
        assert_eq!(entries.iter().map(|e| e.role).collect::<Vec<_>>(), ["root", "intermediate", "device", "device"]);
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
        let signatures = plan
            .requests
            .iter()
            .map(|r| {
                let key = keys.iter().find(|k| k.public_key_info().unwrap().to_der().unwrap() == r.public_key).unwrap();
                let PrivateKey::Rsa(key) = key else { unreachable!() };
                Signer::<rsa::pkcs1v15::Signature>::try_sign(key.as_ref(), &r.message).unwrap().to_vec()
            })
            .collect();
        let serials = plan.serials.clone();
        let chain = TutorialChain::build_presigned(spec.clone(), again(), 1_764_000_000, plan, signatures).unwrap();
        assert_eq!(chain.root.certificate.tbs_certificate().serial_number().as_bytes(), serials[0].as_slice());
        let root_key = chain.root.certificate.tbs_certificate().subject_public_key_info();
        let (intermediate, csr) = &chain.intermediates[0];
        assert!(crate::signature_check::verify_certificate(&chain.root.certificate, root_key).is_ok());
        assert!(crate::signature_check::verify_certificate(&intermediate.certificate, root_key).is_ok());
        assert!(crate::signature_check::verify_csr(csr).is_ok());
        for device in &chain.devices {
            assert!(crate::signature_check::verify_certificate(&device.certificate, intermediate.certificate.tbs_certificate().subject_public_key_info()).is_ok());
            assert!(crate::signature_check::verify_csr(&device.csr).is_ok());
        }
        // The replay takes the given signatures as they are (it does not sign again): a wrong one ends up in the certificate.
        let plan = TutorialChain::plan_signatures(spec.clone(), again(), 1_764_000_000).unwrap();
        let bogus: Vec<Vec<u8>> = plan.requests.iter().map(|_| vec![0x5a; 256]).collect();
        let chain = TutorialChain::build_presigned(spec.clone(), again(), 1_764_000_000, plan, bogus).unwrap();
        assert_eq!(chain.root.certificate.signature().raw_bytes(), [0x5a; 256]);
        assert!(crate::signature_check::verify_certificate(&chain.root.certificate, chain.root.certificate.tbs_certificate().subject_public_key_info()).is_err());
        // Outside a session the core signs as always; a wrong signature count is refused.
        assert!(TutorialChain::build(spec.clone(), again(), 1_764_000_000).is_ok());
        let plan = TutorialChain::plan_signatures(spec.clone(), again(), 1_764_000_000).unwrap();
        assert!(TutorialChain::build_presigned(spec, again(), 1_764_000_000, plan, vec![]).is_err());
    }

    #[test]
    fn wrong_keys_are_refused() {
        let spec = ChainSpec { key_algorithm: KeyAlgorithm::EcP256, ..ChainSpec::default() };
        let keys = (0..4).map(|_| PrivateKey::generate(KeyAlgorithm::EcP384).unwrap()).collect();
        assert!(TutorialChain::build(spec.clone(), keys, 0).err().unwrap().message.contains("P-384"));
        assert!(TutorialChain::build(spec, vec![], 0).err().is_some());
    }
}
