//! IoT Edge: root → intermediate → {device CA, device identity, server}, as
//! iotedge's `tools/CACertificates/certGen.sh` makes them (its profiles, its
//! file names; the intermediate signs all three), with the `config.toml`
//! section that points the runtime at them.

use x509_cert::request::CertReq;

use crate::error::{Result, StudioError};
use crate::make::{ChainEntry, Product, keys_or_generate};
use crate::output::bundle::{Bundle, OutputFile};
use crate::output::layout::{self, role};
use crate::output::pfx::{PfxOptions, PfxWriter};
use crate::output::snippets::{EdgeConfigFiles, SnippetSettings, edge_config_toml};
use crate::output::writers::{CaKeyWriter, KeyedCertificateFiles, Role};
use crate::rules::names::{MAX_COMMON_NAME_CHARS, RegistrationId, check_common_name, check_dns_name};
use crate::rules::validity::{TUTORIAL_VALIDITY_DAYS, ValidityBounds, check_iot_edge_1_1_expiry};
use crate::x509::facts::{certificate_der, certificate_pem, csr_pem};
use crate::x509::issue::{CertificateParams, Issued, Issuer, SignedBy, ValidityWindow, issue_self_signed, issue_with_request};
use crate::x509::key::{KeyAlgorithm, KeyEncoding, PrivateKey};
use crate::x509::password_key::PasswordKey;
use crate::x509::profile::{CertificateProfile, EDGE_CA, EDGE_IDENTITY, EDGE_SERVER, ROOT_CA};
use crate::x509::signing::Signing;

/// The IoT Edge form. `Default` is certGen.sh's: RSA 4096 CAs, RSA 2048 leaves, 30 days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeSpec {
    /// Root, intermediate and device CA.
    pub ca_key_algorithm: KeyAlgorithm,
    /// Identity and server certificates.
    pub leaf_key_algorithm: KeyAlgorithm,
    pub root_common_name: String,
    pub intermediate_common_name: String,
    /// The device's registration ID: the identity's CN; the device CA gets `<name>.ca`.
    pub device_name: String,
    /// The server certificate's DNS names, the first also its CN; none, no server certificate.
    pub server_dns_names: Vec<String>,
    pub validity_days: u32,
    /// A start and an end other than now and `validity_days` later.
    pub validity_bounds: ValidityBounds,
    /// Refuse any certificate that IoT Edge 1.1 can't use (expiring in 2038 or later).
    pub iot_edge_1_1: bool,
    /// Encrypts the root and intermediate keys; the device CA key stays clear, as the runtime reads it.
    pub ca_key_password: Option<String>,
    pub pfx: PfxOptions,
    pub snippets: SnippetSettings,
}

impl Default for EdgeSpec {
    fn default() -> Self {
        Self {
            ca_key_algorithm: KeyAlgorithm::Rsa4096,
            leaf_key_algorithm: KeyAlgorithm::Rsa2048,
            root_common_name: "Azure_IoT_Hub_CA_Cert_Test_Only".into(),
            intermediate_common_name: "Azure_IoT_Hub_Intermediate_Cert_Test_Only".into(),
            device_name: "my-edge-device".into(),
            server_dns_names: vec![],
            validity_days: TUTORIAL_VALIDITY_DAYS,
            validity_bounds: ValidityBounds::default(),
            iot_edge_1_1: false,
            ca_key_password: Some("1234".into()),
            pfx: PfxOptions::default(),
            snippets: SnippetSettings::default(),
        }
    }
}

impl EdgeSpec {
    /// The device name, which DPS takes as the identity's registration ID.
    pub fn checked_device_name(&self) -> Result<RegistrationId> {
        RegistrationId::parse("deviceName", &self.device_name)
    }

    pub fn validate(&self, now_unix: u64) -> Result<()> {
        check_common_name("rootCn", "The root CA name", &self.root_common_name)?;
        check_common_name("intermediateCn", "The intermediate CA name", &self.intermediate_common_name)?;
        self.checked_device_name()?;
        if self.device_name.chars().count() + 3 > MAX_COMMON_NAME_CHARS {
            return Err(StudioError::field(
                "deviceName",
                format!(
                    "The device CA's name \"{}.ca\" is longer than {MAX_COMMON_NAME_CHARS} characters; shorten the device name.",
                    self.device_name
                ),
            ));
        }
        for name in &self.server_dns_names {
            check_dns_name(name)?;
        }
        if let Some(first) = self.server_dns_names.first() {
            check_common_name("dnsNames", "The server certificate's name (the first DNS name)", first)?;
        }
        if self.iot_edge_1_1 {
            check_iot_edge_1_1_expiry(self.validity(now_unix)?.not_after_unix)?;
        }
        self.pfx.validate()?;
        self.snippets.validate()
    }

    /// Keys in [`EdgeChain::build`] order: root, intermediate, device CA
    /// (CA algorithm), identity, then server if there is one (leaf algorithm).
    pub fn key_algorithms(&self) -> Vec<KeyAlgorithm> {
        let mut algorithms = vec![self.ca_key_algorithm; 3];
        algorithms.push(self.leaf_key_algorithm);
        if !self.server_dns_names.is_empty() {
            algorithms.push(self.leaf_key_algorithm);
        }
        algorithms
    }

    fn validity(&self, now_unix: u64) -> Result<ValidityWindow> {
        self.validity_bounds.window(now_unix, self.validity_days)
    }
}

/// The IoT Edge tutorial's chain: root, intermediate, the edge CA and the
/// device identity, each with its key and files.
pub struct EdgeChain {
    pub spec: EdgeSpec,
    pub root: Issuer,
    pub intermediate: Issuer,
    pub intermediate_csr: CertReq,
    pub device_ca: Issued,
    pub identity: Issued,
    pub server: Option<Issued>,
    /// The CA key password as the browser stretched it; `None`: stretched here.
    pub stretched_ca_password: Option<PasswordKey>,
}

impl EdgeChain {
    /// Makes the chain with fresh keys, signing here.
    pub fn generate(spec: EdgeSpec, now_unix: u64) -> Result<Self> {
        Self::build(spec, None, now_unix)
    }

    /// Makes the chain from keys made elsewhere (in [`EdgeSpec::key_algorithms`] order) or, with `None`, fresh ones.
    pub fn build(spec: EdgeSpec, keys: Option<Vec<PrivateKey>>, now_unix: u64) -> Result<Self> {
        spec.validate(now_unix)?;
        let keys = keys_or_generate("The IoT Edge chain", keys, &spec.key_algorithms())?;
        let validity = spec.validity(now_unix)?;
        let signing = &mut Signing::here();
        let mut keys = keys.into_iter();
        let mut next_key = || keys.next().ok_or_else(|| StudioError::general("The IoT Edge chain ran out of keys."));
        let params = |common_name, profile: &'static CertificateProfile, dns_names| CertificateParams {
            dns_names,
            ..CertificateParams::new(common_name, profile, validity)
        };

        let Issued { certificate, key, .. } = issue_self_signed(&params(&spec.root_common_name, &ROOT_CA, &[]), next_key()?, signing)?;
        let root = Issuer { certificate, key };
        let intermediate =
            issue_with_request(&params(&spec.intermediate_common_name, &EDGE_CA, &[]), next_key()?, SignedBy::Ca(&root), signing)?;
        let intermediate_csr = intermediate.csr.ok_or_else(|| StudioError::general("The intermediate lost its CSR."))?;
        let intermediate = Issuer { certificate: intermediate.certificate, key: intermediate.key };
        let by_intermediate = SignedBy::Ca(&intermediate);
        let device_ca_name = format!("{}.ca", spec.device_name);
        let device_ca = issue_with_request(&params(&device_ca_name, &EDGE_CA, &[]), next_key()?, by_intermediate, signing)?;
        let identity = issue_with_request(&params(&spec.device_name, &EDGE_IDENTITY, &[]), next_key()?, by_intermediate, signing)?;
        let server = match spec.server_dns_names.first() {
            Some(host) => {
                Some(issue_with_request(&params(host, &EDGE_SERVER, &spec.server_dns_names), next_key()?, by_intermediate, signing)?)
            }
            None => None,
        };
        Ok(Self { spec, root, intermediate, intermediate_csr, device_ca, identity, server, stretched_ca_password: None })
    }

    fn stems(&self) -> Result<(String, String, Option<String>)> {
        let device = self.spec.checked_device_name()?;
        Ok((
            layout::edge_device_ca_stem(&device),
            layout::edge_identity_stem(&device),
            self.spec.server_dns_names.first().map(|h| layout::edge_server_stem(h)),
        ))
    }
}

impl Product for EdgeChain {
    /// Every file, at certGen.sh's paths, then the `config.toml` snippet and `README.txt`.
    fn files(&self) -> Result<Vec<OutputFile>> {
        let mut bundle = Bundle::default();
        let spec = &self.spec;
        let ca_keys = CaKeyWriter::new(spec.ca_key_password.as_deref(), self.stretched_ca_password.as_ref())?;
        let ca_key_note = ca_keys.note();
        bundle.text(
            layout::cert(layout::ROOT_STEM),
            &certificate_pem(&self.root.certificate)?,
            "Root CA certificate: upload to DPS → Certificates and verify it (enrollment group); trusted by downstream devices.".into(),
        )?;
        bundle.der_certificate(
            layout::ROOT_CER.into(),
            certificate_der(&self.root.certificate)?,
            "Root CA certificate as DER, for Windows.".into(),
        )?;
        bundle.secret(
            layout::key(layout::ROOT_STEM),
            ca_keys.pem(&self.root.key)?.as_bytes().to_vec(),
            format!("Root CA private key ({ca_key_note}): keep offline."),
        )?;
        let stem = layout::EDGE_INTERMEDIATE_STEM;
        let intermediate_full_chain = certificate_pem(&self.intermediate.certificate)? + &certificate_pem(&self.root.certificate)?;
        bundle.text(
            layout::cert(stem),
            &certificate_pem(&self.intermediate.certificate)?,
            "Intermediate CA certificate: it signs the IoT Edge certificates; or upload it as an enrollment group's CA.".into(),
        )?;
        bundle.text(layout::full_chain(stem), &intermediate_full_chain, "Intermediate and root.".into())?;
        bundle.secret(
            layout::key(stem),
            ca_keys.pem(&self.intermediate.key)?.as_bytes().to_vec(),
            format!("Intermediate CA private key ({ca_key_note}): keep offline."),
        )?;
        bundle.text(layout::csr(stem), &csr_pem(&self.intermediate_csr)?, "Certificate signing request of the intermediate.".into())?;

        let (ca_stem, identity_stem, server_stem) = self.stems()?;
        let device = spec.checked_device_name()?;
        let pfx = PfxWriter::new(&spec.pfx)?;
        let issuers = [certificate_der(&self.root.certificate)?, certificate_der(&self.intermediate.certificate)?];
        let mut leaf = |stem: &str, issued: &Issued, role: Role<'_>| -> Result<()> {
            let key_pem = issued.key.to_pem(KeyEncoding::Pkcs8, None)?;
            let files = KeyedCertificateFiles {
                stem,
                issued,
                issuers: &issuers,
                key_pem: &key_pem,
                pfx_path: layout::cert_pfx(stem),
                friendly_name: stem,
                role,
            };
            files.write(&mut bundle, &pfx)?;
            Ok(())
        };
        let device_ca = format!("IoT Edge device CA \"{}.ca\"", spec.device_name);
        leaf(
            &ca_stem,
            &self.device_ca,
            Role {
                what: &device_ca,
                certificate_use: "the [edge_ca] cert of config.toml.",
                key_use: "give to the IoT Edge device ([edge_ca] pk).",
            },
        )?;
        let identity = format!("IoT Edge device identity \"{}\"", spec.device_name);
        leaf(
            &identity_stem,
            &self.identity,
            Role {
                what: &identity,
                certificate_use: "upload to an individual enrollment in DPS as the primary certificate.",
                key_use: "give to the IoT Edge device (identity_pk).",
            },
        )?;
        if let (Some(server_stem), Some(server), Some(host)) = (&server_stem, &self.server, spec.server_dns_names.first()) {
            let server_what = format!("IoT Edge server certificate \"{host}\"");
            leaf(
                server_stem,
                server,
                Role { what: &server_what, certificate_use: "the gateway's TLS certificate.", key_use: "give to the IoT Edge device." },
            )?;
        }
        let toml = edge_config_toml(
            &spec.snippets,
            &device,
            &EdgeConfigFiles {
                identity_full_chain: &layout::full_chain(&identity_stem),
                identity_key: &layout::key(&identity_stem),
                edge_ca: Some((&layout::full_chain(&ca_stem), &layout::key(&ca_stem))),
            },
        );
        bundle.text(
            layout::snippet(&layout::edge_config_stem(&device), layout::EDGE_CONFIG),
            &toml,
            "The [provisioning] and [edge_ca] sections of /etc/aziot/config.toml (IoT Edge 1.2 and later).".into(),
        )?;
        bundle.finish(&format!(
            "IoT Edge device \"{}\", as iotedge's certGen.sh makes it: root → intermediate → device CA, identity{}.",
            spec.device_name,
            if self.server.is_some() { ", server" } else { "" }
        ))
    }

    fn entries(&self) -> Result<Vec<ChainEntry>> {
        let (ca_stem, identity_stem, server_stem) = self.stems()?;
        let mut out = vec![
            ChainEntry::new(role::ROOT, &self.root.certificate, &self.root.key, layout::cert(layout::ROOT_STEM))?,
            ChainEntry::new(
                role::INTERMEDIATE,
                &self.intermediate.certificate,
                &self.intermediate.key,
                layout::cert(layout::EDGE_INTERMEDIATE_STEM),
            )?,
            ChainEntry::new(role::EDGE_CA, &self.device_ca.certificate, &self.device_ca.key, layout::cert(&ca_stem))?,
            ChainEntry::new(role::EDGE_IDENTITY, &self.identity.certificate, &self.identity.key, layout::cert(&identity_stem))?,
        ];
        if let (Some(stem), Some(server)) = (server_stem, &self.server) {
            out.push(ChainEntry::new(role::EDGE_SERVER, &server.certificate, &server.key, layout::cert(&stem))?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::validity::IOT_EDGE_1_1_EXPIRY_LIMIT_UNIX;

    const NOW: u64 = 1_764_000_000; // 2025-11-24

    #[test]
    fn edge_1_1_switch_refuses_2038_and_later() {
        let spec = EdgeSpec { iot_edge_1_1: true, validity_days: 365 * 15, ..EdgeSpec::default() };
        let e = spec.validate(NOW).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("validityDays"));
        assert!(e.message.contains("2038-01-01") && e.message.contains("2040-"), "{}", e.message);
        EdgeSpec { iot_edge_1_1: false, ..spec.clone() }.validate(NOW).unwrap();
        // The last second before the limit is fine; the limit itself is not.
        let days = ((IOT_EDGE_1_1_EXPIRY_LIMIT_UNIX - NOW) / 86_400) as u32;
        EdgeSpec { validity_days: days, ..spec.clone() }.validate(NOW).unwrap();
        let exact = IOT_EDGE_1_1_EXPIRY_LIMIT_UNIX - u64::from(days + 1) * 86_400;
        assert!(EdgeSpec { validity_days: days + 1, ..spec }.validate(exact).is_err());
    }

    #[test]
    fn names_are_checked() {
        let with = |f: fn(&mut EdgeSpec)| {
            let mut s = EdgeSpec::default();
            f(&mut s);
            s.validate(NOW).unwrap_err().field.unwrap()
        };
        assert_eq!(with(|s| s.server_dns_names = vec!["bad_name".into()]), "dnsNames");
        assert_eq!(with(|s| s.server_dns_names = vec!["-x.local".into()]), "dnsNames");
        assert_eq!(with(|s| s.device_name = "a".repeat(62)), "deviceName");
        assert_eq!(with(|s| s.device_name = "edge device".into()), "deviceName");
        check_dns_name("*.gateway.local").unwrap();
        assert_eq!(EdgeSpec::default().key_algorithms().len(), 4);
    }
}
