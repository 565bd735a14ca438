//! Bringing your own CA: its certificate and private key from any files the
//! studio reads ([`Material`]), checked the way a CA must be before it signs
//! (key matches, CA:TRUE, keyCertSign, valid now), plus the certificates
//! above it that came along.

use serde::Serialize;
use x509_cert::Certificate;
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage, KeyUsages};

use crate::error::{Result, StudioError};
use crate::output::layout::{CertificateRole, role};
use crate::read::material::{Found, Material, key_matches};
use crate::read::pem_file::InputFile;
use crate::x509::facts::{certificate_der, common_name_of, not_after_unix, pem_text, thumbprint_sha1_of_der};
use crate::x509::issue::Issuer;
use crate::x509::read_certificate::{ReadCertificate, chain_above};
use crate::x509::text::{describe_name, iso_time, openssl_time};
use crate::x509::verify::{SignatureProblem, verify_certificate};

/// An imported CA that can sign, with what the files held above it.
pub struct ImportedCa {
    pub issuer: Issuer,
    /// The CA's certificate as the files held it (the same certificate as
    /// `issuer`'s): what the page shows, copies and thumbprints.
    pub as_read: ReadCertificate,
    /// Certificates above the CA, its own issuer first, as far as the files
    /// reach (ideally up to the self-signed root).
    pub chain: Vec<ReadCertificate>,
    pub key_file: String,
}

/// Names the CA and its files; never the key.
impl std::fmt::Debug for ImportedCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportedCa")
            .field("common_name", &self.common_name())
            .field("chain_len", &self.chain.len())
            .field("certificate_file", &self.as_read.file)
            .field("key_file", &self.key_file)
            .finish()
    }
}

/// What the page shows of an imported CA (never its key).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportedCaSummary {
    /// Its number in [`ImportedCas`]; 0 until it is kept there.
    pub id: u32,
    pub common_name: String,
    pub subject: String,
    pub issuer: String,
    /// `root` (self-signed) or `intermediate`.
    pub role: CertificateRole,
    pub key_algorithm: &'static str,
    pub key_label: String,
    /// ISO 8601, UTC.
    pub not_after: String,
    pub thumbprint_sha1: String,
    pub certificate_pem: String,
    pub certificate_file: String,
    pub key_file: String,
    /// PEMs of the certificates above the CA found in the files, issuer first.
    pub chain_pems: Vec<String>,
    /// Whether the CA and `chain_pems` reach a self-signed root (if not,
    /// signing devices needs the rest of the chain).
    pub reaches_root: bool,
}

impl ImportedCa {
    pub fn summary(&self) -> Result<ImportedCaSummary> {
        let certificate = &self.issuer.certificate;
        let algorithm = self.issuer.key.algorithm();
        Ok(ImportedCaSummary {
            id: 0,
            common_name: self.common_name(),
            subject: describe_name(certificate.tbs_certificate().subject()),
            issuer: describe_name(certificate.tbs_certificate().issuer()),
            role: if self.is_root() { role::ROOT } else { role::INTERMEDIATE },
            key_algorithm: algorithm.id(),
            key_label: self.issuer.key.label(),
            not_after: iso_time(not_after_unix(certificate)),
            thumbprint_sha1: thumbprint_sha1_of_der(&self.as_read.der),
            certificate_pem: pem_text("CERTIFICATE", &self.as_read.der),
            certificate_file: self.as_read.file.clone(),
            key_file: self.key_file.clone(),
            chain_pems: self.chain.iter().map(|c| pem_text("CERTIFICATE", &c.der)).collect(),
            reaches_root: self.chain_to_root(&[]).is_ok(),
        })
    }

    /// The CA's chain up to the root ([`ImportedCa::chain_to_root`]) as a
    /// device's files carry it: DER as read, from the root down.
    pub fn certificates_from_root(&self, extra: &[Certificate]) -> Result<Vec<Vec<u8>>> {
        let mut ders: Vec<Vec<u8>> = self.chain_to_root(extra)?.into_iter().map(|c| c.der).collect();
        ders.reverse();
        Ok(ders)
    }

    pub fn common_name(&self) -> String {
        self.issuer.common_name()
    }

    pub fn is_root(&self) -> bool {
        self.as_read.is_self_signed()
    }

    /// The CA and everything above it up to the self-signed root, as read,
    /// using `extra` (certificates the user added) where the import stopped
    /// short. An error (field `chain`) when no root is reached.
    pub fn chain_to_root(&self, extra: &[Certificate]) -> Result<Vec<ReadCertificate>> {
        // Certificates added later were parsed elsewhere: their own encoding stands for the bytes read.
        let extra = extra
            .iter()
            .map(|c| Ok(ReadCertificate { certificate: c.clone(), der: certificate_der(c)?, file: "chain".into() }))
            .collect::<Result<Vec<_>>>()?;
        let pool: Vec<&ReadCertificate> = self.chain.iter().chain(&extra).collect();
        let above = chain_above(&self.as_read, &pool);
        let top = above.last().copied().unwrap_or(&self.as_read);
        if !top.is_self_signed() {
            return Err(StudioError::field(
                "chain",
                format!(
                    "The chain of \"{}\" stops at \"{}\", which is issued by \"{}\": add the certificates above it, up to the self-signed root.",
                    self.common_name(),
                    describe_name(top.certificate.tbs_certificate().subject()),
                    describe_name(top.certificate.tbs_certificate().issuer()),
                ),
            ));
        }
        Ok(std::iter::once(&self.as_read).chain(above).cloned().collect())
    }
}

/// Checks a certificate offered as a CA: CA:TRUE, keyCertSign (when keyUsage
/// is present) and valid at `now_unix`.
pub fn check_ca_certificate(file: &str, certificate: &Certificate, now_unix: u64) -> Result<()> {
    let tbs = certificate.tbs_certificate();
    let name = common_name_of(certificate).unwrap_or_else(|| describe_name(tbs.subject()));
    let refuse = |why: String| StudioError::field("files", format!("{file}: the certificate \"{name}\" {why}"));
    let basic = tbs.get_extension::<BasicConstraints>().map_err(|e| refuse(format!("has a damaged basicConstraints ({e}).")))?;
    if !basic.is_some_and(|(_, b)| b.ca) {
        return Err(refuse("is not a CA (basicConstraints CA:TRUE is missing), so it can't sign certificates.".into()));
    }
    let usage = tbs.get_extension::<KeyUsage>().map_err(|e| refuse(format!("has a damaged keyUsage ({e}).")))?;
    if usage.is_some_and(|(_, u)| !u.0.contains(KeyUsages::KeyCertSign)) {
        return Err(refuse("has a keyUsage without keyCertSign, so it may not sign certificates.".into()));
    }
    let validity = tbs.validity();
    let not_before = validity.not_before.to_unix_duration().as_secs();
    let not_after = validity.not_after.to_unix_duration().as_secs();
    if now_unix < not_before {
        return Err(refuse(format!("is not valid yet: it starts on {}.", openssl_time(not_before))));
    }
    if now_unix > not_after {
        return Err(refuse(format!("expired on {}.", openssl_time(not_after))));
    }
    Ok(())
}

/// Imports every CA the files hold (a certificate with its matching key),
/// root first. Fails with one sentence naming the file when none is usable.
pub fn import_cas(files: &[InputFile<'_>], password: Option<&str>, now_unix: u64) -> Result<Vec<ImportedCa>> {
    let names = files.iter().map(|f| f.name).collect::<Vec<_>>().join(", ");
    if files.is_empty() {
        return Err(StudioError::field("files", "Add the CA certificate and its private key (PEM files, a PFX or a studio ZIP)."));
    }
    let Material { certificates, keys, mut unreadable, .. } = Material::read(files, password)?;
    if certificates.is_empty() {
        return Err(StudioError::field("files", format!("No certificate found in {names}: add the CA certificate too.")));
    }
    if keys.is_empty() {
        // A key the studio can't use explains best why there is none.
        if !unreadable.is_empty() {
            return Err(unreadable.swap_remove(0));
        }
        return Err(StudioError::field(
            "files",
            format!("No private key found in {names}: a CA can only sign with its key; add the key file (or a PFX that holds it)."),
        ));
    }
    let mut cas = Vec::new();
    let mut first_problem = None;
    for Found { item: key, file: key_file, .. } in keys {
        let Some(found) = certificates.iter().find(|c| key_matches(&key, &c.certificate)) else {
            let cert_files: Vec<&str> = certificates.iter().map(|c| c.file.as_str()).collect();
            first_problem.get_or_insert_with(|| {
                StudioError::field(
                    "files",
                    format!("The private key in {key_file} does not match the certificate in {}.", dedup(&cert_files).join(", ")),
                )
            });
            continue;
        };
        if let Err(problem) = check_ca_certificate(&found.file, &found.certificate, now_unix) {
            first_problem.get_or_insert(problem);
            continue;
        }
        let pool: Vec<&ReadCertificate> = certificates.iter().collect();
        let above = chain_above(found, &pool);
        if let Some(problem) = broken_self_signature(found, &above) {
            first_problem.get_or_insert(problem);
            continue;
        }
        cas.push(ImportedCa {
            issuer: Issuer { certificate: found.certificate.clone(), key },
            as_read: found.clone(),
            chain: above.into_iter().cloned().collect(),
            key_file,
        });
    }
    if cas.is_empty() {
        return Err(first_problem.unwrap_or_else(|| StudioError::field("files", format!("No CA found in {names}."))));
    }
    // Roots first, then intermediates nearest the root: a chain read top-down.
    cas.sort_by_key(|ca| (!ca.is_root(), ca.chain.len()));
    Ok(cas)
}

/// A certificate that names itself as its issuer is a root; when its
/// signature (over the bytes as read) does not verify with its own key and no
/// other certificate in the files signed it, the file is damaged or altered.
fn broken_self_signature(found: &ReadCertificate, above: &[&ReadCertificate]) -> Option<StudioError> {
    let tbs = found.certificate.tbs_certificate();
    if tbs.subject() != tbs.issuer() || !above.is_empty() {
        return None;
    }
    let why = match verify_certificate(&found.der, tbs.subject_public_key_info()) {
        Ok(()) => return None,
        Err(SignatureProblem::AlgorithmMismatch) => {
            "its outer signature algorithm differs from the one its signed part names: it was altered after signing"
        }
        Err(_) => "its self-signature does not verify with its own public key: the certificate is damaged or was altered after signing",
    };
    let name = common_name_of(&found.certificate).unwrap_or_else(|| describe_name(tbs.subject()));
    Some(StudioError::field(
        "files",
        format!("{}: the root certificate \"{name}\" names itself as its issuer, but {why}, so it can't be imported.", found.file),
    ))
}

fn dedup<'a>(names: &[&'a str]) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for name in names {
        if !out.contains(name) {
            out.push(name);
        }
    }
    out
}

/// The CAs of one session (the binding's `CaSession`), each under the number
/// handed to JS: their keys never leave the instance that imported them.
#[derive(Default)]
pub struct ImportedCas {
    last_id: u32,
    cas: std::collections::BTreeMap<u32, ImportedCa>,
}

impl ImportedCas {
    /// Keeps `ca`; returns its id. The same certificate imported again keeps
    /// its first id (with the chain found this time), so a chain imported
    /// twice is held once.
    pub fn add(&mut self, ca: ImportedCa) -> u32 {
        let kept = self.cas.iter().find(|(_, kept)| kept.issuer.certificate == ca.issuer.certificate).map(|(&id, _)| id);
        let id = kept.unwrap_or_else(|| {
            self.last_id += 1;
            self.last_id
        });
        self.cas.insert(id, ca);
        id
    }

    pub fn get(&self, id: u32) -> Result<&ImportedCa> {
        self.cas.get(&id).ok_or_else(|| {
            StudioError::field("ca", "No CA has that id in this session (was it imported in another, or closed?); import it again.")
        })
    }
}
