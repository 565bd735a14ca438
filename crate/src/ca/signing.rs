//! Signing with an imported CA: new devices, written exactly as the
//! tutorial chain writes its devices (every file, every snippet, README),
//! and certificates for CSRs made elsewhere.

use serde::Deserialize;
use x509_cert::Certificate;

use crate::ca::import::ImportedCa;
use crate::error::{Result, StudioError};
use crate::judge::describe::requested_extensions;
use crate::make::form::ValidityBoundsForm;
use crate::make::signed_devices::{DeviceSigningSpec, SignedDevices};
use crate::output::bundle::{Bundle, OutputFile};
use crate::output::layout;
use crate::output::writers::write_signed_request;
use crate::read::material::Material;
use crate::read::pem_file::InputFile;
use crate::rules::names;
use crate::rules::validity::{TUTORIAL_VALIDITY_DAYS, ValidityBounds};
use crate::x509::issue::{CertificateParams, SignedBy, issue};
use crate::x509::key::PrivateKey;
use crate::x509::profile::{CertificateProfile, DEVICE, SERVER, intermediate_with_path_len};
use crate::x509::signing::Signing;
use crate::x509::text::describe_name;
use crate::x509::verify;

/// The profile an external CSR is signed under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsrProfile {
    /// `usr_cert`: a device / client certificate.
    #[default]
    Device,
    /// `server_cert`: an IoT Edge server or gateway certificate.
    Server,
    /// A CA that may sign `path_len` levels of CAs below it (0: only devices),
    /// as Azure Device Registry's intermediate.
    Intermediate { path_len: u8 },
}

impl CsrProfile {
    /// `device`, `server` or `intermediate` (with its pathLen, 0 when not given).
    pub fn parse(id: &str, path_len: Option<u8>) -> Result<Self> {
        match id {
            "device" => Ok(Self::Device),
            "server" => Ok(Self::Server),
            "intermediate" => Ok(Self::Intermediate { path_len: path_len.unwrap_or(0) }),
            _ => Err(StudioError::field("profile", format!("Profile \"{id}\" is not one of device, server, intermediate."))),
        }
    }

    fn profile(self) -> CertificateProfile {
        match self {
            Self::Device => DEVICE,
            Self::Server => SERVER,
            Self::Intermediate { path_len } => intermediate_with_path_len(path_len),
        }
    }
}

/// How to sign an external CSR: the profile and the validity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsrSigningSpec {
    pub profile: CsrProfile,
    pub validity_days: u32,
    pub validity_bounds: ValidityBounds,
}

impl Default for CsrSigningSpec {
    fn default() -> Self {
        Self { profile: CsrProfile::default(), validity_days: TUTORIAL_VALIDITY_DAYS, validity_bounds: ValidityBounds::default() }
    }
}

/// The CSR signing form, as JS sends it (`profile`, `pathLen`, `validityDays`,
/// `notBeforeMs`, `notAfterMs`); missing fields are the tutorial's.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CsrSigningForm {
    profile: Option<String>,
    path_len: Option<u8>,
    validity_days: Option<u32>,
    #[serde(flatten)]
    validity_bounds: ValidityBoundsForm,
}

impl CsrSigningForm {
    pub fn into_spec(self) -> Result<CsrSigningSpec> {
        let default = CsrSigningSpec::default();
        Ok(CsrSigningSpec {
            profile: self.profile.map_or(Ok(default.profile), |id| CsrProfile::parse(&id, self.path_len))?,
            validity_days: self.validity_days.unwrap_or(default.validity_days),
            validity_bounds: self.validity_bounds.into_bounds(),
        })
    }
}

/// Reads the certificates the user added to complete the chain (field `chain`).
pub fn extra_chain(files: &[InputFile<'_>]) -> Result<Vec<Certificate>> {
    let material = Material::read(files, None).map_err(|e| StudioError::field("chain", e.message))?;
    Ok(material.certificates.into_iter().map(|c| c.certificate).collect())
}

/// New devices signed by the imported `ca`, its chain completed up to the
/// root with `extra` certificates where the import stopped short.
pub fn sign_devices(
    ca: &ImportedCa,
    extra: &[Certificate],
    spec: &DeviceSigningSpec,
    keys: Option<Vec<PrivateKey>>,
    now_unix: u64,
) -> Result<SignedDevices> {
    SignedDevices::issue(&ca.issuer, ca.certificates_from_root(extra)?, spec, keys, now_unix)
}

/// A certificate issued for an external CSR.
pub struct SignedRequest {
    pub common_name: String,
    pub certificate: Certificate,
    /// Its certificate (PEM, DER), full chain and `README.txt`.
    pub files: Vec<OutputFile>,
}

/// Checks the CSR's signature and issues its certificate under the spec's
/// profile, keeping the CSR's whole subject and the subjectAltName it asks
/// for (as OpenSSL's `copy_extensions` does).
pub fn sign_request(ca: &ImportedCa, csr_file: &InputFile<'_>, spec: &CsrSigningSpec, now_unix: u64) -> Result<SignedRequest> {
    let name = csr_file.name;
    let no_request = || StudioError::field("csr", format!("{name} holds no certificate signing request (BEGIN CERTIFICATE REQUEST)."));
    let material = Material::read(std::slice::from_ref(csr_file), None).map_err(|e| match e.field.as_deref() {
        // An encrypted key dropped here: not a password question.
        Some("password") => no_request(),
        _ => StudioError::field("csr", e.message),
    })?;
    let Some(found) = material.requests.first() else { return Err(no_request()) };
    let csr = &found.item;
    if let Err(problem) = verify::verify_csr(csr, &found.der) {
        return Err(StudioError::field(
            "csr",
            format!("{name} is not trustworthy: {}.", problem.describe().replace("issuer's", "request's own")),
        ));
    }
    let subject = &csr.info.subject;
    let common_name = subject.common_name().ok().flatten().map(|cn| cn.value().into_owned());
    let common_name = match (common_name, spec.profile) {
        (Some(cn), _) => cn,
        (None, CsrProfile::Intermediate { .. }) => describe_name(subject),
        (None, _) => {
            return Err(StudioError::field("csr", format!("{name} has no common name (its subject is \"{}\").", describe_name(subject))));
        }
    };
    names::check_common_name("csr", "The CSR's common name", &common_name)?;
    let san = requested_extensions(csr).into_iter().find(|e| e.extn_id == const_oid::db::rfc5280::ID_CE_SUBJECT_ALT_NAME);
    let profile = spec.profile.profile();
    let params = CertificateParams {
        subject: Some(subject),
        subject_alt_name: san.as_ref(),
        ..CertificateParams::new(&common_name, &profile, spec.validity_bounds.window(now_unix, spec.validity_days)?)
    };
    let certificate = issue(&params, &csr.info.public_key, SignedBy::Ca(&ca.issuer), &mut Signing::here())?;
    // A CA whose chain stops short still issues: the certificate goes with what is known above it.
    let issuers = match ca.certificates_from_root(&[]) {
        Ok(issuers) => issuers,
        Err(_) => vec![ca.as_read.der.clone()],
    };
    let mut bundle = Bundle::default();
    let what = format!("Certificate of {common_name} from {name}, signed by \"{}\"", ca.common_name());
    write_signed_request(&mut bundle, &layout::file_stem(&common_name), &certificate, &issuers, &what)?;
    let files = bundle.finish(&format!("A certificate for the request in {name}, signed by \"{}\".", ca.common_name()))?;
    Ok(SignedRequest { common_name, certificate, files })
}
