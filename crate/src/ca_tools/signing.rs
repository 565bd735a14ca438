//! Signing with an imported CA: new devices, written exactly as the
//! tutorial chain writes its devices (every file, every snippet, README),
//! and certificates for CSRs made elsewhere.

use der::Decode;
use x509_cert::Certificate;
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::request::CertReq;

use crate::ca_tools::import::ImportedCa;
use crate::ca_tools::inspect::requested_extensions;
use crate::ca_tools::material::Material;
use crate::ca_tools::pem_file::InputFile;
use crate::error::{Result, StudioError};
use crate::make::signed_devices::{DeviceSigningSpec, SignedDevices};
use crate::output::bundle::{Bundle, OutputFile};
use crate::output::layout;
use crate::output::writers::write_signed_request;
use crate::rules::names;
use crate::rules::validity::TUTORIAL_VALIDITY_DAYS;
use crate::x509::issue::{CertificateParams, SignedBy, ValidityWindow, issue};
use crate::x509::key::PrivateKey;
use crate::x509::profile::{CertificateProfile, DEVICE, SERVER};
use crate::x509::signing::Signing;
use crate::x509::text::describe_name;
use crate::x509::verify;

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

/// Reads the certificates the user added to complete the chain (field `chain`).
pub fn extra_chain(files: &[InputFile<'_>]) -> Result<Vec<Certificate>> {
    let material = Material::read(files, None).map_err(|e| StudioError::field("chain", e.message))?;
    Ok(material.certificates.into_iter().map(|c| c.item).collect())
}

/// New devices signed by the imported `ca`, its chain completed up to the
/// root with `extra` certificates where the import stopped short.
pub fn sign_devices(ca: &ImportedCa, extra: &[Certificate], spec: &DeviceSigningSpec, keys: Option<Vec<PrivateKey>>, now_unix: u64) -> Result<SignedDevices> {
    let mut ca_certificates = ca.ders_as_read_of(&ca.chain_to_root(extra)?)?;
    ca_certificates.reverse();
    SignedDevices::issue(&ca.issuer, ca_certificates, spec, keys, now_unix)
}

/// A certificate issued for an external CSR.
pub struct SignedRequest {
    pub common_name: String,
    pub certificate: Certificate,
    /// Its certificate (PEM, DER), full chain and `README.txt`.
    pub files: Vec<OutputFile>,
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
    if let Err(problem) = verify::verify_csr(csr) {
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
        validity: ValidityWindow { not_before_unix: now_unix, days: TUTORIAL_VALIDITY_DAYS },
        dns_names: &dns_names,
    };
    let certificate = issue(&params, &csr.info.public_key, SignedBy::Ca(&ca.issuer), &mut Signing::here())?;
    let chain = ca.chain_to_root(&[]).unwrap_or_else(|_| vec![ca.issuer.certificate.clone()]);
    let mut issuers = ca.ders_as_read_of(&chain)?;
    issuers.reverse();
    let mut bundle = Bundle::default();
    let what = format!("Certificate of {common_name} from {name}, signed by \"{}\"", ca.common_name());
    write_signed_request(&mut bundle, &layout::device_stem(&common_name), &certificate, &issuers, &what)?;
    let files = bundle.finish(&format!("A certificate for the request in {name}, signed by \"{}\".", ca.common_name()))?;
    Ok(SignedRequest { common_name, certificate, files })
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
