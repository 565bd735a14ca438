//! Facts read off a certificate or key: its CN, key identifiers,
//! thumbprints, expiry, and its PEM text.

use const_oid::{AssociatedOid, db::rfc4519::CN};
use der::asn1::SetOfVec;
use der::pem::LineEnding;
use der::{Any, Decode, Encode, Tag};
use sha1::{Digest, Sha1};
use spki::SubjectPublicKeyInfoOwned;
use x509_cert::Certificate;
use x509_cert::ext::pkix::SubjectKeyIdentifier;
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::request::CertReq;

use crate::error::{Result, StudioError};

/// A subject DN holding only a CN, as a UTF8String (`string_mask = utf8only`).
pub fn common_name(cn: &str) -> Result<Name> {
    let value = Any::new(Tag::Utf8String, cn.as_bytes()).map_err(|e| StudioError::internal("Name encoding", e))?;
    let mut rdn = SetOfVec::new();
    rdn.insert(x509_cert::attr::AttributeTypeAndValue { oid: CN, value }).map_err(|e| StudioError::internal("Name encoding", e))?;
    let rdn = RelativeDistinguishedName::from(rdn);
    let mut sequence = RdnSequence::default();
    sequence.push(rdn);
    let der = sequence.to_der().map_err(|e| StudioError::internal("Name encoding", e))?;
    Name::from_der(&der).map_err(|e| StudioError::internal("Name encoding", e))
}

pub fn common_name_of(certificate: &Certificate) -> Option<String> {
    let cn = certificate.tbs_certificate().subject().common_name().ok()??;
    Some(cn.value().into_owned())
}

/// RFC 5280 method 1: SHA-1 of the subjectPublicKey BIT STRING's bytes.
pub fn key_identifier(spki: &SubjectPublicKeyInfoOwned) -> Vec<u8> {
    Sha1::digest(spki.subject_public_key.raw_bytes()).to_vec()
}

pub fn subject_key_identifier(certificate: &Certificate) -> Option<Vec<u8>> {
    let extensions = certificate.tbs_certificate().extensions()?;
    let ext = extensions.iter().find(|e| e.extn_id == SubjectKeyIdentifier::OID)?;
    let ski = SubjectKeyIdentifier::from_der(ext.extn_value.as_bytes()).ok()?;
    Some(ski.0.as_bytes().to_vec())
}

pub fn certificate_pem(certificate: &Certificate) -> Result<String> {
    Ok(pem_text("CERTIFICATE", &certificate.to_der().map_err(|e| StudioError::internal("Certificate encoding", e))?))
}

pub fn csr_pem(csr: &CertReq) -> Result<String> {
    Ok(pem_text("CERTIFICATE REQUEST", &csr.to_der().map_err(|e| StudioError::internal("CSR encoding", e))?))
}

/// Thumbprint as the Azure portal writes it: upper-case hex, no colons.
pub fn thumbprint_sha1(certificate: &Certificate) -> Result<String> {
    let der = certificate.to_der().map_err(|e| StudioError::internal("Certificate encoding", e))?;
    Ok(thumbprint_sha1_of_der(&der))
}

pub fn thumbprint_sha256(certificate: &Certificate) -> Result<String> {
    let der = certificate.to_der().map_err(|e| StudioError::internal("Certificate encoding", e))?;
    Ok(thumbprint_sha256_of_der(&der))
}

/// The thumbprints of a certificate's DER bytes, without parsing them.
pub fn thumbprint_sha1_of_der(der: &[u8]) -> String {
    upper_hex(&Sha1::digest(der))
}

pub fn thumbprint_sha256_of_der(der: &[u8]) -> String {
    upper_hex(&sha2::Sha256::digest(der))
}

fn upper_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// The certificate's notAfter as seconds since the Unix epoch.
pub fn not_after_unix(certificate: &Certificate) -> u64 {
    certificate.tbs_certificate().validity().not_after.to_unix_duration().as_secs()
}

pub fn pem_text(label: &str, der: &[u8]) -> String {
    der::pem::encode_string(label, LineEnding::LF, der).expect("PEM labels here are static ASCII")
}

/// The issuer's CN, as the page shows it beside the subject's.
pub fn issuer_common_name_of(certificate: &Certificate) -> String {
    let cn = certificate.tbs_certificate().issuer().common_name().ok().flatten();
    cn.map(|cn| cn.value().into_owned()).unwrap_or_default()
}

/// A certificate's DER encoding.
pub fn certificate_der(certificate: &Certificate) -> Result<Vec<u8>> {
    certificate.to_der().map_err(|e| StudioError::internal("Certificate encoding", e))
}

/// basicConstraints says CA:TRUE (an extension that can't be read says nothing).
pub fn is_ca(certificate: &Certificate) -> bool {
    certificate.tbs_certificate().get_extension::<x509_cert::ext::pkix::BasicConstraints>().ok().flatten().is_some_and(|(_, b)| b.ca)
}
