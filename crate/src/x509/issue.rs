//! Issuing certificates and CSRs: names, serials, validity and the extensions
//! a [`CertificateProfile`] asks for, signed with a [`PrivateKey`] through a
//! [`Signing`].

use std::time::Duration;

use const_oid::{AssociatedOid, ObjectIdentifier};
use der::Encode;
use der::asn1::{BitString, GeneralizedTime, Ia5String, OctetString};
use spki::{DynSignatureAlgorithmIdentifier, SubjectPublicKeyInfoOwned};
use x509_cert::builder::{Builder, CertificateBuilder, profile::BuilderProfile};
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAltName, SubjectKeyIdentifier};
use x509_cert::name::Name;
use x509_cert::request::{CertReq, CertReqInfo, Version as CsrVersion};
use x509_cert::time::{Time, Validity};
use x509_cert::{Certificate, TbsCertificate};

use crate::error::{Result, StudioError};
use crate::x509::facts::{common_name, common_name_of, key_identifier, subject_key_identifier};
use crate::x509::key::PrivateKey;
use crate::x509::oid::{NETSCAPE_CERT_TYPE, NETSCAPE_COMMENT};
use crate::x509::profile::{AuthorityKeyId, CertificateProfile};
use crate::x509::signing::Signing;

const SECONDS_PER_DAY: u64 = 86_400;

/// A CA that signs: its certificate and its private key.
pub struct Issuer {
    pub certificate: Certificate,
    pub key: PrivateKey,
}

impl Issuer {
    pub fn common_name(&self) -> String {
        common_name_of(&self.certificate).unwrap_or_default()
    }

    /// The issuer's key identifier: its SKI extension when it has one (so the
    /// AKI of what it signs always matches, even for an imported CA), else the
    /// SHA-1 of its public key.
    pub fn key_identifier(&self) -> Vec<u8> {
        subject_key_identifier(&self.certificate)
            .unwrap_or_else(|| key_identifier(self.certificate.tbs_certificate().subject_public_key_info()))
    }
}

/// A certificate with its subject's key, and the CSR it was issued from
/// (none for a self-signed one).
pub struct Issued {
    pub certificate: Certificate,
    pub key: PrivateKey,
    pub csr: Option<CertReq>,
}

/// Who signs a new certificate.
#[derive(Clone, Copy)]
pub enum SignedBy<'a> {
    /// The subject's own key: a self-signed root.
    Itself(&'a PrivateKey),
    Ca(&'a Issuer),
    /// A CA of the studio's own, known by its subject and key: what a batch's
    /// chunk workers get (its SKI is the SHA-1 of that key, as `issue` writes
    /// it), so they need not parse its certificate. It signs only profiles
    /// whose AKI is the key id alone.
    OwnCa {
        subject: &'a Name,
        key: &'a PrivateKey,
    },
}

/// The window a certificate is valid in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidityWindow {
    pub not_before_unix: u64,
    pub not_after_unix: u64,
}

impl ValidityWindow {
    /// `days` days from `not_before_unix`.
    pub fn days(not_before_unix: u64, days: u32) -> Self {
        Self { not_before_unix, not_after_unix: not_before_unix + u64::from(days) * SECONDS_PER_DAY }
    }

    /// UTCTime up to 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5).
    fn to_validity(self) -> Result<Validity> {
        let time = |unix: u64| {
            GeneralizedTime::from_unix_duration(Duration::from_secs(unix))
                .map(Time::GeneralTime)
                .map_err(|_| StudioError::field("validityDays", "The validity runs past the year 9999."))
        };
        Ok(Validity::new(time(self.not_before_unix)?, time(self.not_after_unix)?))
    }
}

/// What a new certificate says about its subject.
pub struct CertificateParams<'a> {
    pub common_name: &'a str,
    pub profile: &'a CertificateProfile,
    pub validity: ValidityWindow,
    /// subjectAltName DNS names (server certificates).
    pub dns_names: &'a [String],
    /// The whole subject, when it is more than the CN (a CSR's, a renewed certificate's).
    pub subject: Option<&'a Name>,
    /// A subjectAltName extension copied as it is (OpenSSL's `copy_extensions` for a CSR's SAN).
    pub subject_alt_name: Option<&'a Extension>,
    /// The SKI to keep (a renewed CA's), instead of the SHA-1 of the key.
    pub subject_key_id: Option<&'a [u8]>,
}

impl<'a> CertificateParams<'a> {
    /// A certificate for `common_name` under `profile`; nothing more in its subject or SAN.
    pub fn new(common_name: &'a str, profile: &'a CertificateProfile, validity: ValidityWindow) -> Self {
        Self { common_name, profile, validity, dns_names: &[], subject: None, subject_alt_name: None, subject_key_id: None }
    }
}

fn extension(oid: ObjectIdentifier, critical: bool, value: &impl Encode) -> Result<Extension> {
    let der = value.to_der().map_err(|e| StudioError::internal("Extension encoding", e))?;
    let extn_value = OctetString::new(der).map_err(|e| StudioError::internal("Extension encoding", e))?;
    Ok(Extension { extn_id: oid, critical, extn_value })
}

/// The profile's extensions, in the order OpenSSL writes the same config section.
fn profile_extensions(
    params: &CertificateParams<'_>,
    subject_spki: &SubjectPublicKeyInfoOwned,
    ec_subject: bool,
    signer: &SignedBy<'_>,
) -> Result<Vec<Extension>> {
    let profile = params.profile;
    let ski = params.subject_key_id.map_or_else(|| key_identifier(subject_spki), <[u8]>::to_vec);
    let ski = OctetString::new(ski).map_err(|e| StudioError::internal("SKI", e))?;
    let issuer_key_id = match signer {
        SignedBy::Itself(_) => ski.as_bytes().to_vec(),
        SignedBy::Ca(issuer) => issuer.key_identifier(),
        SignedBy::OwnCa { key, .. } => key_identifier(&key.public_key_info()?),
    };
    let mut aki = AuthorityKeyIdentifier {
        key_identifier: Some(OctetString::new(issuer_key_id).map_err(|e| StudioError::internal("AKI", e))?),
        authority_cert_issuer: None,
        authority_cert_serial_number: None,
    };
    match (profile.authority_key_id, signer) {
        (AuthorityKeyId::KeyIdIssuerAndSerial, SignedBy::Ca(issuer)) => {
            let tbs = issuer.certificate.tbs_certificate();
            aki.authority_cert_issuer = Some(vec![GeneralName::DirectoryName(tbs.issuer().clone())]);
            aki.authority_cert_serial_number = Some(tbs.serial_number().clone());
        }
        (AuthorityKeyId::KeyIdIssuerAndSerial, SignedBy::OwnCa { .. }) => {
            return Err(StudioError::general(format!(
                "The {} profile names its issuer's certificate, which this signer does not have.",
                profile.section
            )));
        }
        _ => {}
    }
    let basic = BasicConstraints { ca: profile.ca, path_len_constraint: profile.path_len };
    let key_usage = KeyUsage(profile.key_usage(ec_subject).iter().fold(Default::default(), |set, &u| set | u));

    let mut out = Vec::new();
    if profile.ca {
        out.push(extension(SubjectKeyIdentifier::OID, false, &ski)?);
        out.push(extension(AuthorityKeyIdentifier::OID, false, &aki)?);
        out.push(extension(BasicConstraints::OID, profile.basic_constraints_critical, &basic)?);
    } else {
        out.push(extension(BasicConstraints::OID, profile.basic_constraints_critical, &basic)?);
        if !profile.netscape_cert_type.is_empty() {
            out.push(extension(NETSCAPE_CERT_TYPE, false, &netscape_cert_type_bits(profile)?)?);
        }
        if let Some(comment) = profile.netscape_comment {
            let comment = Ia5String::new(comment).map_err(|e| StudioError::internal("nsComment", e))?;
            out.push(extension(NETSCAPE_COMMENT, false, &comment)?);
        }
        out.push(extension(SubjectKeyIdentifier::OID, false, &ski)?);
        out.push(extension(AuthorityKeyIdentifier::OID, false, &aki)?);
    }
    // A profile without key usages (the self-signed `usr_cert`) writes no keyUsage at all.
    if !profile.key_usage(ec_subject).is_empty() {
        out.push(extension(KeyUsage::OID, true, &key_usage)?);
    }
    if !profile.extended_key_usage.is_empty() {
        out.push(extension(ExtendedKeyUsage::OID, false, &ExtendedKeyUsage(profile.extended_key_usage.to_vec()))?);
    }
    if let Some(san) = params.subject_alt_name {
        out.push(san.clone());
    } else if !params.dns_names.is_empty() {
        let names = params
            .dns_names
            .iter()
            .map(|n| Ia5String::new(n).map(GeneralName::DnsName))
            .collect::<der::Result<Vec<_>>>()
            .map_err(|_| StudioError::field("dnsNames", "A DNS name may hold only ASCII characters."))?;
        out.push(extension(SubjectAltName::OID, false, &SubjectAltName(names))?);
    }
    Ok(out)
}

/// nsCertType as a minimal DER BIT STRING (no trailing zero bits or bytes).
fn netscape_cert_type_bits(profile: &CertificateProfile) -> Result<BitString> {
    let byte = profile.netscape_cert_type.iter().fold(0u8, |b, &t| b | (0x80 >> t as u8));
    let unused = byte.trailing_zeros() as u8;
    BitString::new(unused, vec![byte]).map_err(|e| StudioError::internal("nsCertType", e))
}

/// Hands x509-cert's builder the subject, issuer and extensions computed above.
struct FixedProfile {
    subject: Name,
    issuer: Name,
    extensions: Vec<Extension>,
}

impl BuilderProfile for FixedProfile {
    fn get_issuer(&self, _subject: &Name) -> Name {
        self.issuer.clone()
    }

    fn get_subject(&self) -> Name {
        self.subject.clone()
    }

    fn build_extensions(
        &self,
        _spk: spki::SubjectPublicKeyInfoRef<'_>,
        _issuer_spk: spki::SubjectPublicKeyInfoRef<'_>,
        _tbs: &TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        Ok(self.extensions.clone())
    }
}

/// Issues a certificate for `subject_spki` under `params.profile`.
pub fn issue(
    params: &CertificateParams<'_>,
    subject_spki: &SubjectPublicKeyInfoOwned,
    signer: SignedBy<'_>,
    signing: &mut Signing,
) -> Result<Certificate> {
    let failed = |e: &dyn std::fmt::Display| StudioError::internal("Certificate signing", e);
    let subject = match params.subject {
        Some(name) => name.clone(),
        None => common_name(params.common_name)?,
    };
    let ec_subject = subject_spki.algorithm.oid == elliptic_curve_oid();
    let extensions = profile_extensions(params, subject_spki, ec_subject, &signer)?;
    let (issuer_name, key) = match &signer {
        SignedBy::Itself(key) => (subject.clone(), *key),
        SignedBy::Ca(issuer) => (issuer.certificate.tbs_certificate().subject().clone(), &issuer.key),
        SignedBy::OwnCa { subject, key } => ((*subject).clone(), *key),
    };
    let profile = FixedProfile { subject, issuer: issuer_name, extensions };
    let mut builder = CertificateBuilder::new(profile, signing.serial()?, params.validity.to_validity()?, subject_spki.clone())
        .map_err(|e| failed(&e))?;
    let tbs = builder.finalize(key).map_err(|e| failed(&e))?;
    let signature = signing.sign(key, &tbs)?;
    builder.assemble(signature, key).map_err(|e| failed(&e))
}

/// A key's CSR, then its certificate from that CSR: `openssl req` then `openssl ca`.
pub fn issue_with_request(params: &CertificateParams<'_>, key: PrivateKey, signer: SignedBy<'_>, signing: &mut Signing) -> Result<Issued> {
    let csr = certificate_request(params.common_name, &key, signing)?;
    let certificate = issue(params, &csr.info.public_key, signer, signing)?;
    Ok(Issued { certificate, key, csr: Some(csr) })
}

/// A self-signed certificate of `key` (a root, or a device for an individual enrollment).
pub fn issue_self_signed(params: &CertificateParams<'_>, key: PrivateKey, signing: &mut Signing) -> Result<Issued> {
    let certificate = issue(params, &key.public_key_info()?, SignedBy::Itself(&key), signing)?;
    Ok(Issued { certificate, key, csr: None })
}

/// One subjectAltName entry of a client certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AltName<'a> {
    Dns(&'a str),
    Uri(&'a str),
    Ip(std::net::IpAddr),
    Email(&'a str),
}

/// A subjectAltName extension (not critical: the subject has a CN) holding `names`.
pub fn subject_alt_name_extension(names: &[AltName<'_>]) -> Result<Extension> {
    let ascii =
        |text: &str| Ia5String::new(text).map_err(|_| StudioError::general(format!("A subjectAltName may hold only ASCII: \"{text}\".")));
    let names = names
        .iter()
        .map(|name| {
            Ok(match name {
                AltName::Dns(text) => GeneralName::DnsName(ascii(text)?),
                AltName::Uri(text) => GeneralName::UniformResourceIdentifier(ascii(text)?),
                AltName::Email(text) => GeneralName::Rfc822Name(ascii(text)?),
                AltName::Ip(ip) => {
                    let octets = match ip {
                        std::net::IpAddr::V4(v4) => v4.octets().to_vec(),
                        std::net::IpAddr::V6(v6) => v6.octets().to_vec(),
                    };
                    GeneralName::IpAddress(OctetString::new(octets).map_err(|e| StudioError::internal("IP address", e))?)
                }
            })
        })
        .collect::<Result<Vec<_>>>()?;
    extension(SubjectAltName::OID, false, &SubjectAltName(names))
}

fn elliptic_curve_oid() -> ObjectIdentifier {
    ObjectIdentifier::new_unwrap("1.2.840.10045.2.1")
}

/// A PKCS#10 request with the subject CN, signed by the subject's key, and no
/// attributes (as `openssl req -new` writes without a req_extensions section).
pub fn certificate_request(cn: &str, key: &PrivateKey, signing: &mut Signing) -> Result<CertReq> {
    let failed = |e: &dyn std::fmt::Display| StudioError::internal("CSR", e);
    let info = CertReqInfo {
        version: CsrVersion::V1,
        subject: common_name(cn)?,
        public_key: key.public_key_info()?,
        attributes: Default::default(),
    };
    let tbs = info.to_der().map_err(|e| failed(&e))?;
    let signature = signing.sign(key, &tbs)?;
    Ok(CertReq { info, algorithm: key.signature_algorithm_identifier().map_err(|e| failed(&e))?, signature })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x509::key::KeyAlgorithm;
    use crate::x509::profile::{DEVICE, ROOT_CA};
    use der::Decode;

    const NOW: u64 = 1_764_000_000; // 2025-11-24

    fn root(alg: KeyAlgorithm, days: u32) -> Issuer {
        let key = PrivateKey::generate(alg).unwrap();
        let params = CertificateParams::new("Test Root", &ROOT_CA, ValidityWindow::days(NOW, days));
        let certificate = issue(&params, &key.public_key_info().unwrap(), SignedBy::Itself(&key), &mut Signing::here()).unwrap();
        Issuer { certificate, key }
    }

    #[test]
    fn serials_are_positive_minimal_and_sixteen_octets() {
        for _ in 0..64 {
            let serial = Signing::here().serial().unwrap();
            let der = serial.to_der().unwrap();
            assert_eq!(der[1], 16, "{der:02x?}");
            assert!(der[2] & 0x80 == 0 && der[2] != 0);
        }
    }

    #[test]
    fn times_switch_to_generalized_in_2050() {
        let ca = root(KeyAlgorithm::EcP256, 30);
        assert!(matches!(ca.certificate.tbs_certificate().validity().not_after, Time::UtcTime(_)));
        let long = root(KeyAlgorithm::EcP256, 365 * 30);
        assert!(matches!(long.certificate.tbs_certificate().validity().not_before, Time::UtcTime(_)));
        assert!(matches!(long.certificate.tbs_certificate().validity().not_after, Time::GeneralTime(_)));
    }

    #[test]
    fn leaf_aki_is_the_issuer_ski() {
        let ca = root(KeyAlgorithm::EcP256, 30);
        let key = PrivateKey::generate(KeyAlgorithm::EcP256).unwrap();
        let params = CertificateParams::new("device-01", &DEVICE, ValidityWindow::days(NOW, 30));
        let leaf = issue(&params, &key.public_key_info().unwrap(), SignedBy::Ca(&ca), &mut Signing::here()).unwrap();
        let aki_ext = leaf.tbs_certificate().extensions().unwrap().iter().find(|e| e.extn_id == AuthorityKeyIdentifier::OID).unwrap();
        let aki = AuthorityKeyIdentifier::from_der(aki_ext.extn_value.as_bytes()).unwrap();
        assert_eq!(aki.key_identifier.unwrap().as_bytes(), subject_key_identifier(&ca.certificate).unwrap());
        assert_eq!(common_name_of(&leaf).unwrap(), "device-01");
    }

    #[test]
    fn netscape_cert_type_is_minimal() {
        let bits = netscape_cert_type_bits(&DEVICE).unwrap();
        assert_eq!(bits.to_der().unwrap(), [0x03, 0x02, 0x05, 0xa0]);
    }
}
