//! How each kind of file is written, once, whoever signed the certificate:
//! the CA files of the tutorial, a device's files (certificate, DER, full
//! chain, key, PFX, CSR and every SDK snippet), a keyed certificate's files
//! for IoT Edge, enrollments and verification, and the CA keys under their
//! password.

use x509_cert::Certificate;
use x509_cert::request::CertReq;
use zeroize::Zeroizing;

use crate::error::{Result, StudioError};
use crate::output::bundle::Bundle;
use crate::output::layout;
use crate::output::pfx::{PfxOptions, PfxWriter};
use crate::output::snippets::{self, JavaSnippet, SnippetSettings, powershell_enrollment};
use crate::rules::names::RegistrationId;
use crate::x509::facts::{certificate_der, certificate_pem, csr_pem, pem_text};
use crate::x509::issue::{Issued, Issuer};
use crate::x509::key::{KeyEncoding, PKCS8_PBKDF2_ITERATIONS, PrivateKey, pkcs8_pem};
use crate::x509::password_key::{OutsideAes, PasswordKey};

/// How every device's files are written: key format, PFX profile and
/// password, and the sample settings the snippets quote. `Default` is the
/// tutorial's (PKCS#8, modern PFX with `1234`, placeholders).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceSettings {
    pub key_encoding: KeyEncoding,
    pub pfx: PfxOptions,
    pub snippets: SnippetSettings,
}

impl DeviceSettings {
    /// The PFX settings, the sample settings, and the PFX password as the
    /// Windows `cmd` line of the C# sample must hold it.
    pub fn validate(&self) -> Result<()> {
        self.pfx.validate()?;
        snippets::check_pfx_password_for_cmd(&self.pfx.password)?;
        self.snippets.validate()
    }
}

/// The CA certificates (DER) as a device presents them after its own:
/// nearest the device first, then up to the root.
fn issuers_pem(from_root: &[Vec<u8>]) -> String {
    from_root.iter().rev().map(|der| pem_text("CERTIFICATE", der)).collect()
}

/// Writes the keys of a download's CAs as PKCS#8: encrypted under the CA
/// key password when there is one, stretched once for all of them.
pub struct CaKeyWriter(Option<PasswordKey>);

impl CaKeyWriter {
    /// `password`: empty or `None` leaves the keys in the clear. `stretched`:
    /// the password already stretched with [`PKCS8_PBKDF2_ITERATIONS`] rounds
    /// (by the browser), used instead of stretching it here.
    pub fn new(password: Option<&str>, stretched: Option<&PasswordKey>) -> Result<Self> {
        let Some(password) = password.filter(|p| !p.is_empty()) else {
            return Ok(Self(None));
        };
        match stretched {
            Some(key) if key.iterations() != PKCS8_PBKDF2_ITERATIONS => Err(StudioError::general(format!(
                "The CA key password was stretched with {} rounds, not the {PKCS8_PBKDF2_ITERATIONS} the studio writes.",
                key.iterations()
            ))),
            Some(key) => Ok(Self(Some(key.clone()))),
            None => Ok(Self(Some(PasswordKey::derive(password, PKCS8_PBKDF2_ITERATIONS)?))),
        }
    }

    pub fn pem(&self, key: &PrivateKey) -> Result<Zeroizing<String>> {
        match &self.0 {
            Some(password_key) => key.to_encrypted_pem(password_key),
            None => key.to_pem(KeyEncoding::Pkcs8, None),
        }
    }

    /// How the README describes the CA key files.
    pub fn note(&self) -> &'static str {
        if self.0.is_some() { "encrypted with the CA key password" } else { "NOT encrypted" }
    }
}

/// What one keyed certificate is, for the README: `what` names it
/// ("IoT Edge device CA \"x.ca\""), `certificate_use` and `key_use` say
/// where its certificate and key go.
pub struct Role<'a> {
    pub what: &'a str,
    pub certificate_use: &'a str,
    pub key_use: &'a str,
}

/// A certificate and its key at `stem`, as the tutorials lay them out: the
/// certificate (PEM and DER), its full chain when it has issuers, its key
/// (unencrypted, as devices read it), a PFX of key and chain, and its CSR.
pub struct KeyedCertificateFiles<'a> {
    pub stem: &'a str,
    pub issued: &'a Issued,
    /// The issuers' certificates (DER) from the root down; empty when self-signed.
    pub issuers: &'a [Vec<u8>],
    pub key_pem: &'a str,
    pub pfx_path: String,
    pub friendly_name: &'a str,
    pub role: Role<'a>,
}

/// A certificate as [`KeyedCertificateFiles::write`] wrote it, encoded once
/// for the files, the snippets that quote it and its thumbprints.
pub struct WrittenCertificate {
    pub der: Vec<u8>,
    pub pem: String,
    /// The certificate, then its issuers nearest first: what it presents.
    pub full_chain_pem: String,
}

impl KeyedCertificateFiles<'_> {
    pub fn write(&self, bundle: &mut Bundle, pfx: &PfxWriter) -> Result<WrittenCertificate> {
        let Role { what, certificate_use, key_use } = self.role;
        let der = certificate_der(&self.issued.certificate)?;
        let pem = pem_text("CERTIFICATE", &der);
        let full_chain_pem = pem.clone() + &issuers_pem(self.issuers);
        bundle.text(layout::cert(self.stem), &pem, format!("{what}: {certificate_use}"))?;
        bundle.der_certificate(layout::der_cert(self.stem), der.clone(), format!("{what} as DER, for Windows or the portal."))?;
        if !self.issuers.is_empty() {
            bundle.text(
                layout::full_chain(self.stem),
                &full_chain_pem,
                format!("{what} with its issuers up to the root: give to the device; it presents this."),
            )?;
        }
        bundle.secret(
            layout::key(self.stem),
            self.key_pem.as_bytes().to_vec(),
            format!("Private key of the {what} (unencrypted, as devices read it): {key_use}"),
        )?;
        let chain: Vec<&[u8]> = std::iter::once(der.as_slice()).chain(self.issuers.iter().rev().map(Vec::as_slice)).collect();
        bundle.secret(
            self.pfx_path.clone(),
            pfx.write_der(&self.issued.key.to_pkcs8_der()?, &chain, self.friendly_name)?,
            format!(
                "Key and certificate chain of the {what} ({} PFX, password as set on the page, friendly name {}): for C#, Windows and Java.",
                pfx.profile().id(),
                self.friendly_name
            ),
        )?;
        if let Some(csr) = &self.issued.csr {
            write_csr(bundle, self.stem, csr, what)?;
        }
        Ok(WrittenCertificate { der, pem, full_chain_pem })
    }
}

fn write_csr(bundle: &mut Bundle, stem: &str, csr: &CertReq, what: &str) -> Result<()> {
    bundle.text(layout::csr(stem), &csr_pem(csr)?, format!("Certificate signing request of the {what}."))?;
    Ok(())
}

/// The tutorial's CA files: for the root and each intermediate its
/// certificate (PEM, DER), encrypted key, PFX and (intermediates) CSR, then
/// the CA chain file.
pub fn write_tutorial_ca_files(
    bundle: &mut Bundle,
    root: &Issuer,
    intermediates: &[(Issuer, CertReq)],
    ca_keys: &CaKeyWriter,
    pfx: &PfxWriter,
) -> Result<()> {
    let ca_key_note = ca_keys.note();
    let pfx_note = format!("{} PFX, password as set on the page", pfx.profile().id());
    bundle.text(
        layout::cert(layout::ROOT_STEM),
        &certificate_pem(&root.certificate)?,
        "Root CA certificate: upload to DPS → Certificates and verify it (proof of possession).".into(),
    )?;
    bundle.der_certificate(
        layout::ROOT_CER.into(),
        certificate_der(&root.certificate)?,
        "Root CA certificate as DER: the same certificate, for the Windows certificate store or the portal.".into(),
    )?;
    bundle.secret(
        layout::key(layout::ROOT_STEM),
        ca_keys.pem(&root.key)?.as_bytes().to_vec(),
        format!("Root CA private key ({ca_key_note}): keep offline; it signs verification certificates."),
    )?;
    bundle.secret(
        layout::ROOT_PFX.into(),
        pfx.write(&root.key, &[&root.certificate], &root.common_name())?,
        format!("Root CA key and certificate ({pfx_note}): for the Windows certificate store; keep offline."),
    )?;
    for (i, (issuer, csr)) in intermediates.iter().enumerate() {
        let stem = layout::intermediate_stem(i, intermediates.len());
        bundle.text(
            layout::cert(&stem),
            &certificate_pem(&issuer.certificate)?,
            format!(
                "Intermediate CA \"{}\": upload to DPS → Certificates and verify it, or use it as the enrollment group's certificate.",
                issuer.common_name()
            ),
        )?;
        bundle.der_certificate(
            layout::der_cert(&stem),
            certificate_der(&issuer.certificate)?,
            "The intermediate CA certificate as DER, for Windows.".into(),
        )?;
        bundle.secret(
            layout::key(&stem),
            ca_keys.pem(&issuer.key)?.as_bytes().to_vec(),
            format!("Intermediate CA private key ({ca_key_note}): keep offline; it signs devices."),
        )?;
        bundle.secret(
            layout::intermediate_pfx(i, intermediates.len()),
            pfx.write(&issuer.key, &[&issuer.certificate], &issuer.common_name())?,
            format!("Intermediate CA key and certificate ({pfx_note}): for the Windows certificate store; keep offline."),
        )?;
        write_csr(bundle, &stem, csr, "intermediate CA")?;
    }
    let from_root: Vec<Vec<u8>> = std::iter::once(&root.certificate)
        .chain(intermediates.iter().map(|(issuer, _)| &issuer.certificate))
        .map(certificate_der)
        .collect::<Result<_>>()?;
    bundle.text(
        layout::CHAIN_CA_CERT.into(),
        &issuers_pem(&from_root),
        "CA chain: intermediate(s) nearest the devices first, then the root.".into(),
    )?;
    Ok(())
}

/// The enrollment group's commands (az CLI and PowerShell) for a chain whose
/// devices the lowest intermediate (if any) signs.
pub fn write_enrollment_group_commands(bundle: &mut Bundle, settings: &SnippetSettings, intermediates: usize) -> Result<()> {
    let intermediate = intermediates.checked_sub(1).map(|last| layout::cert(&layout::intermediate_stem(last, intermediates)));
    let commands = snippets::enrollment_group_commands(settings, intermediate.as_deref());
    let path = |sample| layout::snippet(layout::ENROLLMENT_GROUP_STEM, sample);
    bundle.text(path(layout::ENROLLMENT_GROUP_AZ), &commands.az, "Azure CLI: the DPS enrollment group for these devices.".into())?;
    bundle.text(
        path(layout::ENROLLMENT_GROUP_POWERSHELL),
        &commands.powershell,
        "PowerShell: the DPS enrollment group for these devices.".into(),
    )
}

/// Writes devices signed under one CA chain, whoever made that chain (the
/// tutorial chain, a batch's chunk, an imported CA): each device's
/// certificate, DER, full chain, key, PFX, CSR and every SDK snippet. The CA
/// certificates only go into files, so they are taken as DER.
pub struct DeviceWriter {
    settings: DeviceSettings,
    /// From the root down; the last signed the devices.
    ca_certificates: Vec<Vec<u8>>,
    root_pem: String,
    /// From the root down, as the Java sample lists them.
    intermediate_pems: Vec<String>,
    /// One key derivation for every PFX of the download.
    pfx: PfxWriter,
}

impl DeviceWriter {
    pub fn new(settings: DeviceSettings, ca_certificates: Vec<Vec<u8>>) -> Result<Self> {
        let (root, intermediates) =
            ca_certificates.split_first().ok_or_else(|| StudioError::general("A device chain needs its root CA."))?;
        let pfx = PfxWriter::new(&settings.pfx)?;
        Ok(Self {
            root_pem: pem_text("CERTIFICATE", root),
            intermediate_pems: intermediates.iter().map(|der| pem_text("CERTIFICATE", der)).collect(),
            ca_certificates,
            pfx,
            settings,
        })
    }

    /// PFX contents encrypted by the caller's AES (see [`PfxWriter::with_outside_aes`]).
    pub fn with_outside_aes(mut self, aes: OutsideAes) -> Self {
        self.pfx = self.pfx.with_outside_aes(aes);
        self
    }

    /// The PFX writer of this download, for the CA's PFX files too.
    pub fn pfx(&self) -> &PfxWriter {
        &self.pfx
    }

    /// Writes the device's files; returns its certificate as written.
    pub fn write(&self, bundle: &mut Bundle, registration_id: &RegistrationId, device: &Issued) -> Result<WrittenCertificate> {
        let id = registration_id;
        let stem = id.stem();
        let key_der = device.key.to_pkcs8_der()?;
        // Java's KeyFactory reads only PKCS#8, whatever format the key file has.
        let pkcs8_pem = pkcs8_pem(&key_der);
        let key_pem = match self.settings.key_encoding {
            KeyEncoding::Pkcs8 => pkcs8_pem.clone(),
            encoding => device.key.to_pem(encoding, None)?,
        };
        let what = format!("device {id}");
        let files = KeyedCertificateFiles {
            stem: &stem,
            issued: device,
            issuers: &self.ca_certificates,
            key_pem: &key_pem,
            pfx_path: layout::full_chain_pfx(&stem),
            friendly_name: id.as_str(),
            role: Role {
                what: &what,
                certificate_use: "for an individual enrollment, upload to the enrollment.",
                key_use: "give to the device.",
            },
        };
        let written = files.write(bundle, &self.pfx)?;
        let material = DeviceMaterial {
            registration_id: id,
            stem: &stem,
            chain_path: &layout::full_chain(&stem),
            chain_pem: &written.full_chain_pem,
            key_path: &layout::key(&stem),
            key_pem: &key_pem,
            pfx_path: &files.pfx_path,
        };
        write_device_snippets(bundle, &self.settings.snippets, &self.settings.pfx.password, &material)?;
        let intermediate_refs: Vec<&str> = self.intermediate_pems.iter().map(String::as_str).collect();
        bundle.secret(
            layout::snippet(&stem, layout::JAVA_SAMPLE),
            JavaSnippet::new(&written.pem, &pkcs8_pem, &self.root_pem, &intermediate_refs).text().into_bytes(),
            format!("Java constants for ProvisioningX509Sample.java ({id}), with the device's private key."),
        )?;
        bundle.text(
            layout::snippet(&stem, layout::POWERSHELL_ENROLLMENT),
            &powershell_enrollment(&self.settings.snippets, id, &layout::cert(&stem), None),
            format!("PowerShell: an individual enrollment for {id} with its device certificate."),
        )?;
        Ok(written)
    }
}

/// Where one device's material lies in the ZIP, and its PEM text.
pub struct DeviceMaterial<'a> {
    pub registration_id: &'a RegistrationId,
    /// The stem the snippet files are named after.
    pub stem: &'a str,
    /// What the device presents: its full chain (or its own certificate when self-signed).
    pub chain_path: &'a str,
    pub chain_pem: &'a str,
    pub key_path: &'a str,
    /// Unencrypted, as the samples need it.
    pub key_pem: &'a str,
    pub pfx_path: &'a str,
}

/// The snippets for the C, Python, Node and C# samples.
/// The C snippets embed the device's key and the C# command line holds the
/// PFX password: those files are secret.
pub fn write_device_snippets(
    bundle: &mut Bundle,
    settings: &SnippetSettings,
    pfx_password: &str,
    device: &DeviceMaterial<'_>,
) -> Result<()> {
    let id = device.registration_id;
    let path = |sample: &str| layout::snippet(device.stem, sample);
    bundle.secret(
        path(layout::CUSTOM_HSM_SAMPLE),
        snippets::custom_hsm_example_c(id, device.chain_pem, device.key_pem).into_bytes(),
        format!("C constants for the DPS sample custom_hsm_example.c ({id}), with the device's private key: paste over the sample's."),
    )?;
    bundle.secret(
        path(layout::IOTHUB_X509_SAMPLE),
        snippets::iothub_ll_client_x509_sample_c(settings, id, device.chain_pem, device.key_pem).into_bytes(),
        format!("C declarations for the IoT Hub sample iothub_ll_client_x509_sample.c ({id}), with the device's private key: paste over the sample's."),
    )?;
    let python = snippets::python_env(settings, id, device.chain_path, device.key_path)?;
    bundle.text(path(layout::PYTHON_ENV_SH), &python.bash, format!("bash exports for the Python sample provision_x509.py ({id})."))?;
    bundle.text(
        path(layout::PYTHON_ENV_CMD),
        &python.cmd,
        format!("Windows cmd settings for the Python sample provision_x509.py ({id})."),
    )?;
    let node = snippets::node_env(settings, id, device.chain_path, device.key_path)?;
    bundle.text(path(layout::NODE_ENV_SH), &node.bash, format!("bash exports for the Node sample register_x509.js ({id})."))?;
    bundle.text(path(layout::NODE_ENV_CMD), &node.cmd, format!("Windows cmd settings for the Node sample register_x509.js ({id})."))?;
    let dotnet = snippets::dotnet_run(settings, device.pfx_path, pfx_password)?;
    bundle.secret(
        path(layout::DOTNET_RUN_SH),
        dotnet.bash.into_bytes(),
        format!("The C# X509Sample command line, bash ({id}), with the PFX password."),
    )?;
    bundle.secret(
        path(layout::DOTNET_RUN_CMD),
        dotnet.cmd.into_bytes(),
        format!("The C# X509Sample command line, Windows cmd ({id}), with the PFX password."),
    )
}

/// A certificate issued for someone else's key (an external CSR): the
/// certificate and its full chain; there is no key to write.
pub fn write_signed_request(bundle: &mut Bundle, stem: &str, certificate: &Certificate, issuers: &[Vec<u8>], what: &str) -> Result<()> {
    let pem = certificate_pem(certificate)?;
    bundle.text(layout::cert(stem), &pem, format!("{what}."))?;
    bundle.der_certificate(layout::der_cert(stem), certificate_der(certificate)?, format!("{what}, as DER, for Windows."))?;
    bundle.text(
        layout::full_chain(stem),
        &(pem + &issuers_pem(issuers)),
        format!("{what}, with its issuers up to the root: what its owner presents."),
    )?;
    Ok(())
}

/// A TLS client's certificate, its full chain (what it presents) and its
/// key (unencrypted, as clients such as mosquitto read it).
pub fn write_client(bundle: &mut Bundle, stem: &str, issued: &Issued, issuers: &[Vec<u8>], what: &str) -> Result<WrittenCertificate> {
    let der = certificate_der(&issued.certificate)?;
    let pem = pem_text("CERTIFICATE", &der);
    let full_chain_pem = pem.clone() + &issuers_pem(issuers);
    bundle.text(layout::cert(stem), &pem, format!("{what}: its certificate alone."))?;
    bundle.text(layout::full_chain(stem), &full_chain_pem, format!("{what} with its issuers up to the root: the client presents this."))?;
    bundle.secret(
        layout::key(stem),
        issued.key.to_pem(KeyEncoding::Pkcs8, None)?.as_bytes().to_vec(),
        format!("Private key of the {what} (unencrypted, as MQTT clients read it): give to the client."),
    )?;
    Ok(WrittenCertificate { der, pem, full_chain_pem })
}
