//! Each certificate, CSR, key and extension described as `openssl x509
//! -text` prints it.

use const_oid::ObjectIdentifier;
use der::asn1::{AnyRef, Ia5String, OctetString};
use der::{Decode, Encode, Tag, Tagged};
use serde::Serialize;
use spki::SubjectPublicKeyInfoOwned;
use x509_cert::Certificate;
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::crl::dp::DistributionPoint;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{
    AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints, CertificatePolicies, CrlDistributionPoints, ExtendedKeyUsage,
    KeyUsage, KeyUsages, SubjectAltName, SubjectKeyIdentifier,
};
use x509_cert::request::CertReq;

use crate::read::early_time::{self, shown_date};
use crate::read::material::public_key_matches;
use crate::x509::facts::{thumbprint_sha1_of_der, thumbprint_sha256_of_der};
use crate::x509::oid::{EXTENSION_REQUEST, ID_EC_PUBLIC_KEY, RSA_ENCRYPTION, RSASSA_PSS};
use crate::x509::text::{attribute_name, describe_name, oid_name, oneline_name, string_value};
use crate::x509::verify::{self, is_self_signed};

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateDescription {
    pub file: String,
    /// `3 (0x2)` in OpenSSL's words; here the number 3.
    pub version: u8,
    /// Lower-case hex with colons, as OpenSSL prints it; a negative serial
    /// (which RFC 5280 forbids, but some tools write) as `(Negative)01:02`.
    pub serial: String,
    /// OpenSSL prints a serial that fits a signed 64-bit long in decimal
    /// (`-128` for a negative one).
    pub serial_decimal: Option<String>,
    /// As `openssl x509 -serial` prints it: upper-case hex, `-01` for −1.
    pub serial_hex: String,
    pub signature_algorithm: String,
    pub issuer: String,
    pub subject: String,
    pub not_before: TimeDescription,
    pub not_after: TimeDescription,
    pub public_key: PublicKeyDescription,
    pub extensions: Vec<ExtensionDescription>,
    /// Upper-case hex, no colons (as the Azure portal shows it).
    pub thumbprint_sha1: String,
    pub thumbprint_sha256: String,
    pub self_signed: bool,
    pub is_ca: bool,
    /// Within notBefore..notAfter at the time given.
    pub valid_now: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TimeDescription {
    /// Seconds since 1970 (negative before it).
    pub unix: i64,
    /// `Nov 25 06:33:40 2026 GMT`, as OpenSSL prints it.
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicKeyDescription {
    /// `rsaEncryption` or `id-ecPublicKey` (or the OID).
    pub algorithm: String,
    pub bits: Option<u32>,
    /// `prime256v1` / `secp384r1`.
    pub curve: Option<String>,
    /// `P-256` / `P-384`.
    pub nist_curve: Option<String>,
    /// RSA public exponent, e.g. 65537.
    pub exponent: Option<u64>,
    /// How a person names it: `RSA 2048 bit`, `EC P-256`.
    pub summary: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExtensionDescription {
    pub oid: String,
    /// OpenSSL's name, e.g. `X509v3 Basic Constraints`, or the OID.
    pub name: String,
    pub critical: bool,
    /// The value as OpenSSL prints it, one entry per line (nested lines
    /// keep their two-space indent).
    pub lines: Vec<String>,
    /// The extension value's DER, lower-case hex.
    pub der_hex: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestDescription {
    pub file: String,
    pub subject: String,
    pub public_key: PublicKeyDescription,
    pub signature_algorithm: String,
    pub signature_valid: bool,
    /// Why the signature fails, when it does.
    pub signature_problem: Option<String>,
    /// Extensions asked for in an extensionRequest attribute.
    pub requested_extensions: Vec<ExtensionDescription>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyDescription {
    pub file: String,
    pub public_key: PublicKeyDescription,
    /// 1-based numbers of the certificates (in `certificates`) this key belongs to.
    pub matching_certificates: Vec<usize>,
    /// One sentence: which certificate the key matches, or that it matches none.
    pub match_summary: String,
}

/// `der` is the certificate as read: its thumbprints are over those bytes.
pub fn describe_certificate(file: &str, certificate: &Certificate, der: &[u8], now_unix: u64) -> CertificateDescription {
    let tbs = certificate.tbs_certificate();
    let (negative, serial) = signed_magnitude(tbs.serial_number().as_bytes());
    let sign = if negative { "-" } else { "" };
    let early = early_time::early_dates(der);
    let (not_before, not_before_text) = shown_date(&early.not_before, tbs.validity().not_before.to_unix_duration().as_secs());
    let (not_after, not_after_text) = shown_date(&early.not_after, tbs.validity().not_after.to_unix_duration().as_secs());
    let is_ca = tbs.get_extension::<BasicConstraints>().ok().flatten().is_some_and(|(_, b)| b.ca);
    CertificateDescription {
        file: file.to_string(),
        version: tbs.version() as u8 + 1,
        serial: format!("{}{}", if negative { "(Negative)" } else { "" }, colon_hex(&serial, false)),
        serial_decimal: serial_as_long(negative, &serial).map(|n| n.to_string()),
        serial_hex: format!("{sign}{}", colon_hex(&serial, true).replace(':', "")),
        signature_algorithm: oid_name(&certificate.signature_algorithm().oid),
        issuer: describe_name(tbs.issuer()),
        subject: describe_name(tbs.subject()),
        not_before: TimeDescription { unix: not_before, text: not_before_text },
        not_after: TimeDescription { unix: not_after, text: not_after_text },
        public_key: describe_public_key(tbs.subject_public_key_info()),
        extensions: tbs.extensions().map(|exts| exts.iter().map(describe_extension).collect()).unwrap_or_default(),
        thumbprint_sha1: thumbprint_sha1_of_der(der),
        thumbprint_sha256: thumbprint_sha256_of_der(der),
        self_signed: is_self_signed(certificate, der),
        is_ca,
        valid_now: (not_before..=not_after).contains(&(now_unix as i64)),
    }
}

pub fn requested_extensions(csr: &CertReq) -> Vec<Extension> {
    csr.info
        .attributes
        .iter()
        .filter(|a| a.oid == EXTENSION_REQUEST)
        .flat_map(|a| a.values.iter())
        .filter_map(|v| v.to_der().ok().and_then(|der| Vec::<Extension>::from_der(&der).ok()))
        .flatten()
        .collect()
}

/// `der` is the request as read: its signature is over those bytes.
pub fn describe_request(file: &str, csr: &CertReq, der: &[u8]) -> RequestDescription {
    let checked = verify::verify_csr(csr, der);
    RequestDescription {
        file: file.to_string(),
        subject: describe_name(&csr.info.subject),
        public_key: describe_public_key(&csr.info.public_key),
        signature_algorithm: oid_name(&csr.algorithm.oid),
        signature_valid: checked.is_ok(),
        signature_problem: checked.err().map(|p| p.describe()),
        requested_extensions: requested_extensions(csr).iter().map(describe_extension).collect(),
    }
}

/// A private key by its public half (`label` names it when that is unknown):
/// its type and size, and which certificates hold it.
pub fn describe_key(
    file: &str,
    public_key: Option<&SubjectPublicKeyInfoOwned>,
    label: &str,
    certificates: &[&Certificate],
) -> KeyDescription {
    let matching: Vec<usize> = certificates
        .iter()
        .enumerate()
        .filter(|(_, c)| public_key.is_some_and(|own| public_key_matches(own, c)))
        .map(|(i, _)| i + 1)
        .collect();
    let public_key = public_key.map(describe_public_key).unwrap_or_else(|| PublicKeyDescription::unknown(label));
    let match_summary = match (matching.first(), certificates.len()) {
        (_, 0) => format!("{file}: no certificate was given to match the key against."),
        (Some(&n), _) => format!(
            "The key in {file} matches certificate {n} ({}).",
            certificates.get(n - 1).map(|c| describe_name(c.tbs_certificate().subject())).unwrap_or_default()
        ),
        (None, 1) => format!("The key in {file} does not match the certificate."),
        (None, count) => format!("The key in {file} matches none of the {count} certificates."),
    };
    KeyDescription { file: file.to_string(), public_key, matching_certificates: matching, match_summary }
}

impl PublicKeyDescription {
    fn unknown(algorithm: &str) -> Self {
        Self { algorithm: algorithm.to_string(), bits: None, curve: None, nist_curve: None, exponent: None, summary: algorithm.to_string() }
    }
}

pub fn describe_public_key(spki: &SubjectPublicKeyInfoOwned) -> PublicKeyDescription {
    let algorithm = oid_name(&spki.algorithm.oid);
    let mut out = PublicKeyDescription::unknown(&algorithm);
    if spki.algorithm.oid == RSA_ENCRYPTION || spki.algorithm.oid == RSASSA_PSS {
        if let Ok(key) = rsa::pkcs1::RsaPublicKey::<der::asn1::UintRef<'_>>::from_der(spki.subject_public_key.raw_bytes()) {
            let modulus = magnitude(key.modulus.as_bytes());
            let bits = modulus.first().map_or(0, |&top| (modulus.len() as u32 - 1) * 8 + (8 - top.leading_zeros()));
            let exponent = magnitude(key.public_exponent.as_bytes());
            out.bits = Some(bits);
            out.exponent = (exponent.len() <= 8).then(|| exponent.iter().fold(0u64, |n, &b| (n << 8) | u64::from(b)));
            let kind = if spki.algorithm.oid == RSASSA_PSS { "RSA-PSS" } else { "RSA" };
            out.summary = format!("{kind} {bits} bit");
        }
    } else if spki.algorithm.oid == ID_EC_PUBLIC_KEY
        && let Some(curve) = verify::named_curve(&spki.algorithm)
    {
        let (name, nist, bits) = match curve.to_string().as_str() {
            "1.2.840.10045.3.1.7" => ("prime256v1", Some("P-256"), Some(256)),
            "1.3.132.0.34" => ("secp384r1", Some("P-384"), Some(384)),
            "1.3.132.0.35" => ("secp521r1", Some("P-521"), Some(521)),
            _ => ("", None, None),
        };
        out.curve = Some(if name.is_empty() { curve.to_string() } else { name.to_string() });
        out.nist_curve = nist.map(str::to_string);
        out.bits = bits;
        out.summary = format!("EC {}", nist.unwrap_or(out.curve.as_deref().unwrap_or_default()));
    }
    out
}

/// The serial as OpenSSL's ASN1_INTEGER_get sees it: a signed 64-bit long,
/// where −1 is its error value (so OpenSSL prints −1 in hex too).
fn serial_as_long(negative: bool, magnitude: &[u8]) -> Option<i64> {
    let value = (magnitude.len() <= 8).then(|| magnitude.iter().fold(0u64, |n, &b| (n << 8) | u64::from(b)))?;
    let long = if negative { 0i64.checked_sub_unsigned(value)? } else { i64::try_from(value).ok()? };
    (long != -1).then_some(long)
}

/// An INTEGER's sign and magnitude: DER INTEGERs are two's complement.
fn signed_magnitude(bytes: &[u8]) -> (bool, Vec<u8>) {
    if bytes.first().is_none_or(|&top| top < 0x80) {
        return (false, magnitude(bytes).to_vec());
    }
    // −x = !x + 1
    let mut negated: Vec<u8> = bytes.iter().map(|b| !b).collect();
    for byte in negated.iter_mut().rev() {
        let (sum, carry) = byte.overflowing_add(1);
        *byte = sum;
        if !carry {
            break;
        }
    }
    let start = negated.iter().position(|&b| b != 0).unwrap_or(negated.len().saturating_sub(1));
    (true, negated.split_off(start))
}

/// An INTEGER's content without its sign-padding zero octet.
fn magnitude(bytes: &[u8]) -> &[u8] {
    match bytes {
        [0, rest @ ..] if !rest.is_empty() => rest,
        _ => bytes,
    }
}

fn colon_hex(bytes: &[u8], upper: bool) -> String {
    bytes.iter().map(|b| if upper { format!("{b:02X}") } else { format!("{b:02x}") }).collect::<Vec<_>>().join(":")
}

fn extension_name(oid: &ObjectIdentifier) -> Option<&'static str> {
    Some(match oid.to_string().as_str() {
        "2.5.29.14" => "X509v3 Subject Key Identifier",
        "2.5.29.15" => "X509v3 Key Usage",
        "2.5.29.17" => "X509v3 Subject Alternative Name",
        "2.5.29.19" => "X509v3 Basic Constraints",
        "2.5.29.31" => "X509v3 CRL Distribution Points",
        "2.5.29.32" => "X509v3 Certificate Policies",
        "2.5.29.35" => "X509v3 Authority Key Identifier",
        "2.5.29.37" => "X509v3 Extended Key Usage",
        "1.3.6.1.5.5.7.1.1" => "Authority Information Access",
        "2.16.840.1.113730.1.1" => "Netscape Cert Type",
        "2.16.840.1.113730.1.13" => "Netscape Comment",
        _ => return None,
    })
}

pub fn describe_extension(ext: &Extension) -> ExtensionDescription {
    let value = ext.extn_value.as_bytes();
    let name = extension_name(&ext.extn_id);
    let lines = name.and_then(|_| decoded_lines(&ext.extn_id, value)).unwrap_or_else(|| raw_lines(value));
    ExtensionDescription {
        oid: ext.extn_id.to_string(),
        name: name.map_or_else(|| ext.extn_id.to_string(), str::to_string),
        critical: ext.critical,
        lines,
        der_hex: value.iter().map(|b| format!("{b:02x}")).collect(),
    }
}

/// What OpenSSL prints for an extension it can't decode: the bytes, with
/// everything outside printable ASCII as `.`.
fn raw_lines(value: &[u8]) -> Vec<String> {
    let text: String =
        value.iter().map(|&b| if (b' '..=b'~').contains(&b) || b == b'\n' || b == b'\r' { char::from(b) } else { '.' }).collect();
    text.split(['\n', '\r']).filter(|l| !l.is_empty()).map(str::to_string).collect()
}

fn decoded_lines(oid: &ObjectIdentifier, value: &[u8]) -> Option<Vec<String>> {
    Some(match oid.to_string().as_str() {
        "2.5.29.14" => vec![colon_hex(SubjectKeyIdentifier::from_der(value).ok()?.0.as_bytes(), true)],
        "2.5.29.15" => vec![key_usage_text(&KeyUsage::from_der(value).ok()?)],
        "2.5.29.17" => vec![general_names_text(&SubjectAltName::from_der(value).ok()?.0)],
        "2.5.29.19" => {
            let basic = BasicConstraints::from_der(value).ok()?;
            let mut text = if basic.ca { "CA:TRUE".to_string() } else { "CA:FALSE".to_string() };
            if let Some(n) = basic.path_len_constraint {
                text.push_str(&format!(", pathlen:{n}"));
            }
            vec![text]
        }
        "2.5.29.31" => crl_distribution_points(&CrlDistributionPoints::from_der(value).ok()?.0),
        "2.5.29.32" => certificate_policies(&CertificatePolicies::from_der(value).ok()?)?,
        "2.5.29.35" => authority_key_id(&AuthorityKeyIdentifier::from_der(value).ok()?),
        "2.5.29.37" => vec![ExtendedKeyUsage::from_der(value).ok()?.0.iter().map(extended_key_usage_name).collect::<Vec<_>>().join(", ")],
        "1.3.6.1.5.5.7.1.1" => AuthorityInfoAccessSyntax::from_der(value)
            .ok()?
            .0
            .iter()
            .map(|d| {
                let method = match d.access_method.to_string().as_str() {
                    "1.3.6.1.5.5.7.48.1" => "OCSP".to_string(),
                    "1.3.6.1.5.5.7.48.2" => "CA Issuers".to_string(),
                    other => other.to_string(),
                };
                format!("{method} - {}", general_name_text(&d.access_location))
            })
            .collect(),
        "2.16.840.1.113730.1.1" => {
            let bits = der::asn1::BitString::from_der(value).ok()?;
            const NAMES: [&str; 8] =
                ["SSL Client", "SSL Server", "S/MIME", "Object Signing", "Unused", "SSL CA", "S/MIME CA", "Object Signing CA"];
            let set: Vec<&str> = bits.bits().zip(NAMES).filter(|(on, _)| *on).map(|(_, n)| n).collect();
            vec![set.join(", ")]
        }
        "2.16.840.1.113730.1.13" => vec![Ia5String::from_der(value).ok()?.to_string()],
        _ => return None,
    })
}

fn key_usage_text(usage: &KeyUsage) -> String {
    use KeyUsages::*;
    let names = [
        (DigitalSignature, "Digital Signature"),
        (NonRepudiation, "Non Repudiation"),
        (KeyEncipherment, "Key Encipherment"),
        (DataEncipherment, "Data Encipherment"),
        (KeyAgreement, "Key Agreement"),
        (KeyCertSign, "Certificate Sign"),
        (CRLSign, "CRL Sign"),
        (EncipherOnly, "Encipher Only"),
        (DecipherOnly, "Decipher Only"),
    ];
    names.iter().filter(|(flag, _)| usage.0.contains(*flag)).map(|(_, n)| *n).collect::<Vec<_>>().join(", ")
}

pub fn extended_key_usage_name(oid: &ObjectIdentifier) -> String {
    let name = match oid.to_string().as_str() {
        "1.3.6.1.5.5.7.3.1" => "TLS Web Server Authentication",
        "1.3.6.1.5.5.7.3.2" => "TLS Web Client Authentication",
        "1.3.6.1.5.5.7.3.3" => "Code Signing",
        "1.3.6.1.5.5.7.3.4" => "E-mail Protection",
        "1.3.6.1.5.5.7.3.8" => "Time Stamping",
        "1.3.6.1.5.5.7.3.9" => "OCSP Signing",
        "1.3.6.1.5.5.7.3.17" => "ipsec Internet Key Exchange",
        "2.5.29.37.0" => "Any Extended Key Usage",
        _ => return oid.to_string(),
    };
    name.to_string()
}

fn general_name_text(name: &GeneralName) -> String {
    match name {
        GeneralName::DnsName(s) => format!("DNS:{s}"),
        GeneralName::Rfc822Name(s) => format!("email:{s}"),
        GeneralName::UniformResourceIdentifier(s) => format!("URI:{s}"),
        GeneralName::DirectoryName(n) => format!("DirName:{}", oneline_name(n)),
        GeneralName::RegisteredId(oid) => format!("Registered ID:{oid}"),
        GeneralName::IpAddress(ip) => format!("IP Address:{}", ip_text(ip)),
        GeneralName::OtherName(_) => "othername:<unsupported>".into(),
        GeneralName::EdiPartyName(_) => "EdiPartyName:<unsupported>".into(),
    }
}

/// IPv4 dotted; IPv6 as OpenSSL writes it: eight upper-case groups, no `::`.
fn ip_text(ip: &OctetString) -> String {
    match ip.as_bytes() {
        bytes @ [_, _, _, _] => bytes.iter().map(u8::to_string).collect::<Vec<_>>().join("."),
        bytes if bytes.len() == 16 => {
            bytes.chunks_exact(2).map(|p| format!("{:X}", u16::from_be_bytes([p[0], p[1]]))).collect::<Vec<_>>().join(":")
        }
        other => format!("<invalid length={}>", other.len()),
    }
}

fn general_names_text(names: &[GeneralName]) -> String {
    names.iter().map(general_name_text).collect::<Vec<_>>().join(", ")
}

fn crl_distribution_points(points: &[DistributionPoint]) -> Vec<String> {
    let mut lines = Vec::new();
    for point in points {
        match &point.distribution_point {
            Some(DistributionPointName::FullName(names)) => {
                lines.push("Full Name:".to_string());
                lines.extend(names.iter().map(|n| format!("  {}", general_name_text(n))));
            }
            Some(DistributionPointName::NameRelativeToCRLIssuer(rdn)) => {
                lines.push("Relative Name:".to_string());
                lines.extend(rdn.iter().map(|atv| format!("  {}={}", attribute_name(&atv.oid), string_value(AnyRef::from(&atv.value)))));
            }
            None => {}
        }
        if let Some(issuers) = &point.crl_issuer {
            lines.push("CRL Issuer:".to_string());
            lines.extend(issuers.iter().map(|n| format!("  {}", general_name_text(n))));
        }
    }
    lines
}

fn authority_key_id(aki: &AuthorityKeyIdentifier) -> Vec<String> {
    let key_id = aki.key_identifier.as_ref().map(|k| colon_hex(k.as_bytes(), true));
    let alone = aki.authority_cert_issuer.is_none() && aki.authority_cert_serial_number.is_none();
    let mut lines = Vec::new();
    match key_id {
        // OpenSSL 3 prints a lone key id bare, and labels it otherwise.
        Some(id) if alone => lines.push(id),
        Some(id) => lines.push(format!("keyid:{id}")),
        None => {}
    }
    for name in aki.authority_cert_issuer.iter().flatten() {
        lines.push(general_name_text(name));
    }
    if let Some(serial) = &aki.authority_cert_serial_number {
        lines.push(format!("serial:{}", colon_hex(magnitude(serial.as_bytes()), true)));
    }
    lines
}

const ANY_POLICY: &str = "2.5.29.32.0";
const QT_CPS: &str = "1.3.6.1.5.5.7.2.1";
const QT_UNOTICE: &str = "1.3.6.1.5.5.7.2.2";

fn certificate_policies(policies: &CertificatePolicies) -> Option<Vec<String>> {
    let mut lines = Vec::new();
    for policy in &policies.0 {
        let id = policy.policy_identifier.to_string();
        lines.push(if id == ANY_POLICY { "Policy: X509v3 Any Policy".into() } else { format!("Policy: {id}") });
        for qualifier in policy.policy_qualifiers.iter().flatten() {
            let value = qualifier.qualifier.as_ref().map(AnyRef::from);
            match qualifier.policy_qualifier_id.to_string().as_str() {
                QT_CPS => lines.push(format!("  CPS: {}", value.map(string_value).unwrap_or_default())),
                QT_UNOTICE => {
                    lines.push("  User Notice:".into());
                    lines.extend(user_notice(value?)?.into_iter().map(|l| format!("    {l}")));
                }
                other => lines.push(format!("  Unknown Qualifier: {other}")),
            }
        }
    }
    Some(lines)
}

/// The elements of a constructed value (SEQUENCE, SET).
fn elements(value: AnyRef<'_>) -> Option<Vec<AnyRef<'_>>> {
    let mut reader = der::SliceReader::new(value.value()).ok()?;
    let mut out = Vec::new();
    while !der::Reader::is_finished(&reader) {
        out.push(der::Reader::decode::<AnyRef<'_>>(&mut reader).ok()?);
    }
    Some(out)
}

/// UserNotice ::= SEQUENCE { noticeRef NoticeReference OPTIONAL, explicitText DisplayText OPTIONAL }
fn user_notice(value: AnyRef<'_>) -> Option<Vec<String>> {
    let mut lines = Vec::new();
    for part in elements(value)? {
        if part.tag() == Tag::Sequence {
            let reference = elements(part)?;
            let organization = reference.first()?;
            lines.push(format!("Organization: {}", string_value(*organization)));
            if let Some(numbers) = reference.get(1) {
                let numbers: Vec<String> = elements(*numbers)?
                    .iter()
                    .map(|n| magnitude(n.value()).iter().fold(0u128, |acc, &b| (acc << 8) | u128::from(b)).to_string())
                    .collect();
                let plural = if numbers.len() > 1 { "s" } else { "" };
                lines.push(format!("Number{plural}: {}", numbers.join(", ")));
            }
        } else {
            lines.push(format!("Explicit Text: {}", string_value(part)));
        }
    }
    Some(lines)
}
