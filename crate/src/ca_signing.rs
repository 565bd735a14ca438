//! Signing with an imported CA: new device certificates (each with its full
//! chain up to the root) and certificates for CSRs made elsewhere.

use der::Decode;
use x509_cert::Certificate;
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::request::CertReq;

use crate::archive::OutputFile;
use crate::certificate::{self, CertificateParams, SignedBy, ValidityWindow, certificate_pem};
use crate::error::{Result, StudioError};
use crate::import::ImportedCa;
use crate::inspect::{describe_name, requested_extensions};
use crate::key::{KeyAlgorithm, KeyEncoding, PrivateKey};
use crate::layout;
use crate::material::Material;
use crate::names;
use crate::pem_file::InputFile;
use crate::profile::{CertificateProfile, DEVICE, SERVER};
use crate::signature_check;
use crate::verification::VALIDITY_DAYS;

/// The profile an external CSR is signed under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsrProfile {
    /// `usr_cert`: a device / client certificate.
    Device,
    /// `server_cert`: an IoT Edge server or gateway certificate.
    Server,
}

impl CsrProfile {
    pub fn parse(id: &str) -> Result<Self> {
        match id {
            "device" => Ok(Self::Device),
            "server" => Ok(Self::Server),
            _ => Err(StudioError::field("profile", format!("Profile \"{id}\" is not one of device, server."))),
        }
    }

    fn profile(self) -> &'static CertificateProfile {
        match self {
            Self::Device => &DEVICE,
            Self::Server => &SERVER,
        }
    }
}

/// The PEM of every certificate, in order, concatenated.
pub fn pem_chain(certificates: &[Certificate]) -> Result<String> {
    certificates.iter().map(certificate_pem).collect()
}

/// Reads the certificates the user added to complete the chain (field `chain`).
pub fn extra_chain(files: &[InputFile<'_>]) -> Result<Vec<Certificate>> {
    let material = Material::read(files, None).map_err(|e| StudioError::field("chain", e.message))?;
    Ok(material.certificates.into_iter().map(|c| c.item).collect())
}

/// New devices signed by `ca`: for each registration ID its certificate,
/// unencrypted PKCS#8 key and full chain (device, CA, …, root).
pub fn sign_devices(
    ca: &ImportedCa,
    extra: &[Certificate],
    registration_ids: &[String],
    key_algorithm: KeyAlgorithm,
    now_unix: u64,
) -> Result<Vec<OutputFile>> {
    if registration_ids.is_empty() {
        return Err(StudioError::field("devices", "Enter at least one registration ID."));
    }
    for (i, id) in registration_ids.iter().enumerate() {
        names::check_registration_id("devices", id)?;
        if registration_ids.iter().take(i).any(|other| other.eq_ignore_ascii_case(id)) {
            return Err(StudioError::field(
                "devices",
                format!("Registration ID \"{id}\" appears twice; DPS IDs are case-insensitive, so each must differ."),
            ));
        }
    }
    let signers = pem_chain(&ca.chain_to_root(extra)?)?;
    let validity = ValidityWindow { not_before_unix: now_unix, days: VALIDITY_DAYS };
    let mut files = Vec::new();
    for id in registration_ids {
        let key = PrivateKey::generate(key_algorithm)?;
        let params = CertificateParams { common_name: id, profile: &DEVICE, validity, dns_names: &[] };
        let certificate = certificate::issue(&params, &key.public_key_info()?, SignedBy::Ca(&ca.issuer))?;
        let stem = layout::device_stem(id);
        let cert_pem = certificate_pem(&certificate)?;
        files.push(OutputFile {
            path: layout::cert(&stem),
            contents: cert_pem.clone().into_bytes(),
            description: format!("Device certificate of {id}, signed by \"{}\".", ca.common_name()),
            secret: false,
        });
        files.push(OutputFile {
            path: layout::full_chain(&stem),
            contents: format!("{cert_pem}{signers}").into_bytes(),
            description: format!("Full chain of {id} (device, CA certificates, root): give to the device; it presents this."),
            secret: false,
        });
        files.push(OutputFile {
            path: layout::key(&stem),
            contents: key.to_pem(KeyEncoding::Pkcs8, None)?.as_bytes().to_vec(),
            description: format!("Private key of {id} (unencrypted, as the samples need): give to the device."),
            secret: true,
        });
    }
    Ok(files)
}

/// A certificate issued for an external CSR.
pub struct SignedRequest {
    pub common_name: String,
    pub certificate: Certificate,
    pub file: OutputFile,
}

/// Checks the CSR's signature and issues its certificate under `profile`.
/// The subject is the CSR's CN; a server certificate keeps the DNS names the
/// CSR asks for.
pub fn sign_request(ca: &ImportedCa, csr_file: &InputFile<'_>, profile: CsrProfile, now_unix: u64) -> Result<SignedRequest> {
    let name = csr_file.name;
    let no_request = || StudioError::field("csr", format!("{name} holds no certificate signing request (BEGIN CERTIFICATE REQUEST)."));
    let material = Material::read(std::slice::from_ref(csr_file), None).map_err(|e| match e.field.as_deref() {
        // An encrypted key dropped here: not a password question.
        Some("password") => no_request(),
        _ => StudioError::field("csr", e.message),
    })?;
    let Some(found) = material.requests.first() else { return Err(no_request()) };
    let csr = &found.item;
    if let Err(problem) = signature_check::verify_csr(csr) {
        return Err(StudioError::field("csr", format!("{name} is not trustworthy: {}.", problem.describe().replace("issuer's", "request's own"))));
    }
    let common_name = csr
        .info
        .subject
        .common_name()
        .ok()
        .flatten()
        .map(|cn| cn.value().into_owned())
        .ok_or_else(|| {
            StudioError::field("csr", format!("{name} has no common name (its subject is \"{}\").", describe_name(&csr.info.subject)))
        })?;
    names::check_common_name("csr", "The CSR's common name", &common_name)?;
    let dns_names = match profile {
        CsrProfile::Server => requested_dns_names(csr),
        CsrProfile::Device => Vec::new(),
    };
    let params = CertificateParams {
        common_name: &common_name,
        profile: profile.profile(),
        validity: ValidityWindow { not_before_unix: now_unix, days: VALIDITY_DAYS },
        dns_names: &dns_names,
    };
    let certificate = certificate::issue(&params, &csr.info.public_key, SignedBy::Ca(&ca.issuer))?;
    let file = OutputFile {
        path: layout::cert(&layout::device_stem(&common_name)),
        contents: certificate_pem(&certificate)?.into_bytes(),
        description: format!("Certificate for {common_name} from {name}, signed by \"{}\".", ca.common_name()),
        secret: false,
    };
    Ok(SignedRequest { common_name, certificate, file })
}

fn requested_dns_names(csr: &CertReq) -> Vec<String> {
    requested_extensions(csr)
        .iter()
        .filter(|e| e.extn_id == const_oid::db::rfc5280::ID_CE_SUBJECT_ALT_NAME)
        .filter_map(|e| SubjectAltName::from_der(e.extn_value.as_bytes()).ok())
        .flat_map(|san| san.0)
        .filter_map(|name| match name {
            GeneralName::DnsName(dns) => Some(dns.to_string()),
            _ => None,
        })
        .collect()
}
