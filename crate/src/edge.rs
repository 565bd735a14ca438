//! IoT Edge: root → intermediate → {device CA, device identity, server}, as
//! iotedge's `tools/CACertificates/certGen.sh` makes them (its profiles, its
//! file names; the intermediate signs all three), with the `config.toml`
//! section that points the runtime at them.

use x509_cert::Certificate;
use x509_cert::request::CertReq;

use crate::archive::OutputFile;
use crate::bundle::Bundle;
use crate::certificate::{
    self, CertificateParams, Issuer, SignedBy, ValidityWindow, certificate_pem, certificate_request, csr_pem,
};
use crate::chain::{ChainEntry, MAX_VALIDITY_DAYS, chain_entry};
use crate::error::{Result, StudioError};
use crate::key::{CaKeyWriter, KeyAlgorithm, KeyEncoding, PrivateKey};
use crate::layout;
use crate::names::{MAX_COMMON_NAME_CHARS, check_common_name, check_registration_id};
use crate::password_key::PasswordKey;
use crate::pfx::{PfxOptions, PfxWriter};
use crate::profile::{CertificateProfile, EDGE_CA, EDGE_IDENTITY, EDGE_SERVER, ROOT_CA};
use crate::snippets::{EdgeConfigFiles, SnippetSettings, edge_config_toml};

/// 2038-01-01T00:00:00Z: IoT Edge 1.1's libiothsm can't use a certificate
/// that expires at or after this moment.
pub const IOT_EDGE_1_1_EXPIRY_LIMIT_UNIX: u64 = 2_145_916_800;

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
            validity_days: 30,
            iot_edge_1_1: false,
            ca_key_password: Some("1234".into()),
            pfx: PfxOptions::default(),
            snippets: SnippetSettings::default(),
        }
    }
}

/// A DNS name for a subjectAltName: labels of letters, digits and `-`, an
/// optional leading `*.` wildcard.
fn check_dns_name(name: &str) -> Result<()> {
    let bad = |rule: &str| Err(StudioError::field("dnsNames", format!("DNS name \"{name}\" {rule}")));
    let host = name.strip_prefix("*.").unwrap_or(name);
    if host.is_empty() || name.len() > 253 {
        return bad("must have 1 to 253 characters.");
    }
    for label in host.split('.') {
        if label.is_empty() || label.len() > 63 {
            return bad("has an empty label or one longer than 63 characters.");
        }
        if !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') || label.starts_with('-') || label.ends_with('-') {
            return bad("may hold only letters, digits and - (not at a label's start or end), in labels joined by dots.");
        }
    }
    Ok(())
}

/// `2040-01-15` for a message.
fn date_of(unix: u64) -> String {
    match der::DateTime::from_unix_duration(std::time::Duration::from_secs(unix)) {
        Ok(t) => format!("{:04}-{:02}-{:02}", t.year(), t.month(), t.day()),
        Err(_) => "after 9999".into(),
    }
}

impl EdgeSpec {
    pub fn validate(&self, now_unix: u64) -> Result<()> {
        check_common_name("rootCn", "The root CA name", &self.root_common_name)?;
        check_common_name("intermediateCn", "The intermediate CA name", &self.intermediate_common_name)?;
        check_registration_id("deviceName", &self.device_name)?;
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
        if !(1..=MAX_VALIDITY_DAYS).contains(&self.validity_days) {
            return Err(StudioError::field(
                "validityDays",
                format!("Validity must be a whole number of days from 1 to {MAX_VALIDITY_DAYS}."),
            ));
        }
        let not_after = ValidityWindow { not_before_unix: now_unix, days: self.validity_days }.not_after_unix();
        if self.iot_edge_1_1 && not_after >= IOT_EDGE_1_1_EXPIRY_LIMIT_UNIX {
            return Err(StudioError::field(
                "validityDays",
                format!(
                    "IoT Edge 1.1 can't use a certificate that expires on or after 2038-01-01 (a libiothsm limit), and these would expire on {}; shorten the validity or turn off the IoT Edge 1.1 switch.",
                    date_of(not_after)
                ),
            ));
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

    fn ca_password(&self) -> Option<&str> {
        self.ca_key_password.as_deref().filter(|p| !p.is_empty())
    }
}

/// A certificate the intermediate issued from a CSR, and its key.
pub struct EdgeCertificate {
    pub certificate: Certificate,
    pub key: PrivateKey,
    pub csr: CertReq,
}

pub struct EdgeChain {
    pub spec: EdgeSpec,
    pub root: Issuer,
    pub intermediate: Issuer,
    pub intermediate_csr: CertReq,
    pub device_ca: EdgeCertificate,
    pub identity: EdgeCertificate,
    pub server: Option<EdgeCertificate>,
    /// The CA key password as the browser stretched it; `None`: stretched here.
    pub stretched_ca_password: Option<PasswordKey>,
}

impl EdgeChain {
    /// Makes the chain with fresh keys (Node API and native tests).
    pub fn generate(spec: EdgeSpec, now_unix: u64) -> Result<Self> {
        spec.validate(now_unix)?;
        let keys = spec.key_algorithms().into_iter().map(PrivateKey::generate).collect::<Result<Vec<_>>>()?;
        Self::build(spec, keys, now_unix)
    }

    /// Makes the chain from keys made elsewhere, in [`EdgeSpec::key_algorithms`] order.
    pub fn build(spec: EdgeSpec, keys: Vec<PrivateKey>, now_unix: u64) -> Result<Self> {
        spec.validate(now_unix)?;
        crate::key::check_supplied_keys("The IoT Edge chain", &keys, &spec.key_algorithms())?;
        let validity = ValidityWindow { not_before_unix: now_unix, days: spec.validity_days };
        let mut keys = keys.into_iter();
        let mut next_key = || keys.next().ok_or_else(|| StudioError::general("The IoT Edge chain ran out of keys."));

        let root_key = next_key()?;
        let root_params =
            CertificateParams { common_name: &spec.root_common_name, profile: &ROOT_CA, validity, dns_names: &[] };
        let root_cert = certificate::issue(&root_params, &root_key.public_key_info()?, SignedBy::Itself(&root_key))?;
        let root = Issuer { certificate: root_cert, key: root_key };

        let issue = |signer: &Issuer, cn: &str, profile: &CertificateProfile, dns: &[String], key: PrivateKey| {
            let csr = certificate_request(cn, &key)?;
            let params = CertificateParams { common_name: cn, profile, validity, dns_names: dns };
            let certificate = certificate::issue(&params, &csr.info.public_key, SignedBy::Ca(signer))?;
            Ok::<_, StudioError>(EdgeCertificate { certificate, key, csr })
        };
        let EdgeCertificate { certificate, key, csr: intermediate_csr } =
            issue(&root, &spec.intermediate_common_name, &EDGE_CA, &[], next_key()?)?;
        let intermediate = Issuer { certificate, key };
        let device_ca = issue(&intermediate, &format!("{}.ca", spec.device_name), &EDGE_CA, &[], next_key()?)?;
        let identity = issue(&intermediate, &spec.device_name, &EDGE_IDENTITY, &[], next_key()?)?;
        let server = match spec.server_dns_names.first() {
            Some(host) => Some(issue(&intermediate, host, &EDGE_SERVER, &spec.server_dns_names, next_key()?)?),
            None => None,
        };
        Ok(Self { spec, root, intermediate, intermediate_csr, device_ca, identity, server, stretched_ca_password: None })
    }

    /// The intermediate's full chain: intermediate, root (certGen.sh's
    /// `azure-iot-test-only.intermediate-full-chain.cert.pem`).
    fn intermediate_full_chain_pem(&self) -> Result<String> {
        Ok(certificate_pem(&self.intermediate.certificate)? + &certificate_pem(&self.root.certificate)?)
    }

    fn stems(&self) -> (String, String, Option<String>) {
        (
            layout::edge_device_ca_stem(&self.spec.device_name),
            layout::edge_identity_stem(&self.spec.device_name),
            self.spec.server_dns_names.first().map(|h| layout::edge_server_stem(h)),
        )
    }

    /// Every file, at certGen.sh's paths, then the `config.toml` snippet and `README.txt`.
    pub fn files(&self) -> Result<Vec<OutputFile>> {
        let mut bundle = Bundle::default();
        let spec = &self.spec;
        let ca_key_note = if spec.ca_password().is_some() { "encrypted with the CA key password" } else { "NOT encrypted" };
        let ca_keys = CaKeyWriter::new(spec.ca_password(), self.stretched_ca_password.as_ref())?;
        bundle.text(
            layout::cert(layout::ROOT_STEM),
            &certificate_pem(&self.root.certificate)?,
            "Root CA certificate: upload to DPS → Certificates and verify it (group enrollment); trusted by downstream devices.".into(),
        );
        bundle.der_certificate(layout::ROOT_CER.into(), &self.root.certificate, "Root CA certificate as DER, for Windows.".into())?;
        bundle.secret(
            layout::key(layout::ROOT_STEM),
            ca_keys.pem(&self.root.key)?.as_bytes().to_vec(),
            format!("Root CA private key ({ca_key_note}): keep offline."),
        );
        let stem = layout::EDGE_INTERMEDIATE_STEM;
        bundle.text(
            layout::cert(stem),
            &certificate_pem(&self.intermediate.certificate)?,
            "Intermediate CA certificate: it signs the IoT Edge certificates; or upload it as a group enrollment's CA.".into(),
        );
        bundle.text(layout::full_chain(stem), &self.intermediate_full_chain_pem()?, "Intermediate and root.".into());
        bundle.secret(
            layout::key(stem),
            ca_keys.pem(&self.intermediate.key)?.as_bytes().to_vec(),
            format!("Intermediate CA private key ({ca_key_note}): keep offline."),
        );
        bundle.text(layout::csr(stem), &csr_pem(&self.intermediate_csr)?, "Certificate signing request of the intermediate.".into());

        let (ca_stem, identity_stem, server_stem) = self.stems();
        let pfx = PfxWriter::new(&spec.pfx)?;
        let mut leaf = |stem: &str, made: &EdgeCertificate, what: &str, cert_use: &str, key_use: &str| -> Result<()> {
            let name = certificate::common_name_of(&made.certificate).unwrap_or_default();
            bundle.text(layout::cert(stem), &certificate_pem(&made.certificate)?, format!("{what} \"{name}\": {cert_use}"));
            bundle.der_certificate(layout::der_cert(stem), &made.certificate, format!("{what} as DER, for Windows."))?;
            bundle.text(
                layout::full_chain(stem),
                &(certificate_pem(&made.certificate)? + &self.intermediate_full_chain_pem()?),
                format!("{what} with intermediate and root: give to the IoT Edge device."),
            );
            bundle.secret(
                layout::key(stem),
                made.key.to_pem(KeyEncoding::Pkcs8, None)?.as_bytes().to_vec(),
                format!("{what} private key (unencrypted, as the runtime reads it): {key_use}"),
            );
            bundle.secret(
                layout::cert_pfx(stem),
                pfx.write(&made.key, &[&made.certificate, &self.intermediate.certificate, &self.root.certificate], stem)?,
                format!("{what}: key, certificate, intermediate and root ({} PFX, friendly name {stem}).", spec.pfx.profile.id()),
            );
            bundle.text(layout::csr(stem), &csr_pem(&made.csr)?, format!("Certificate signing request of the {what}."));
            Ok(())
        };
        leaf(&ca_stem, &self.device_ca, "IoT Edge device CA", "the [edge_ca] cert of config.toml.", "give to the IoT Edge device ([edge_ca] pk).")?;
        leaf(
            &identity_stem,
            &self.identity,
            "IoT Edge device identity",
            "upload to an individual enrollment in DPS as the primary certificate.",
            "give to the IoT Edge device (identity_pk).",
        )?;
        if let (Some(server_stem), Some(server)) = (&server_stem, &self.server) {
            leaf(server_stem, server, "IoT Edge server certificate", "the gateway's TLS certificate.", "give to the IoT Edge device.")?;
        }
        let toml = edge_config_toml(
            &spec.snippets,
            &spec.device_name,
            &EdgeConfigFiles {
                identity_full_chain: &layout::full_chain(&identity_stem),
                identity_key: &layout::key(&identity_stem),
                edge_ca: Some((&layout::full_chain(&ca_stem), &layout::key(&ca_stem))),
            },
        );
        bundle.text(
            layout::snippet(&format!("iot-edge-{}", layout::device_stem(&spec.device_name)), "config.toml"),
            &toml,
            "The [provisioning] and [edge_ca] sections of /etc/aziot/config.toml (IoT Edge 1.2 and later).".into(),
        );
        bundle.finish(&format!(
            "IoT Edge device \"{}\", as iotedge's certGen.sh makes it: root → intermediate → device CA, identity{}.",
            spec.device_name,
            if self.server.is_some() { ", server" } else { "" }
        ))
    }

    pub fn entries(&self) -> Result<Vec<ChainEntry>> {
        let (ca_stem, identity_stem, server_stem) = self.stems();
        let mut out = vec![
            chain_entry("root", &self.root.certificate, &self.root.key, layout::cert(layout::ROOT_STEM))?,
            chain_entry(
                "intermediate",
                &self.intermediate.certificate,
                &self.intermediate.key,
                layout::cert(layout::EDGE_INTERMEDIATE_STEM),
            )?,
            chain_entry("edge-ca", &self.device_ca.certificate, &self.device_ca.key, layout::cert(&ca_stem))?,
            chain_entry("edge-identity", &self.identity.certificate, &self.identity.key, layout::cert(&identity_stem))?,
        ];
        if let (Some(stem), Some(server)) = (server_stem, &self.server) {
            out.push(chain_entry("edge-server", &server.certificate, &server.key, layout::cert(&stem))?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
