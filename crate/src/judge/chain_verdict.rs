//! The chain verdict, as a TLS server such as DPS or IoT Hub judges a
//! client's chain: the path is built from the certificates given (any
//! order, extra ones ignored) and validated per RFC 5280 §6 by rustls-webpki
//! (the validator rustls uses; signatures through the studio's RustCrypto
//! code, [`super::webpki_signatures`]). On top of it the studio checks the
//! profile rules webpki leaves out (keyCertSign, AKI/SKI, duplicate and
//! wrongly critical extensions, serial numbers, names, the root itself) and
//! explains every failure link by link, naming the link and the rule.
//!
//! A leaf webpki can't take as an end entity (a CA certificate, or a version
//! 1 certificate as `openssl x509 -req` writes without extensions) is judged
//! by the studio's rules alone, as is a bundle of CA certificates only.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::time::Duration;

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5280::{
    ID_CE_AUTHORITY_KEY_IDENTIFIER, ID_CE_BASIC_CONSTRAINTS, ID_CE_CRL_DISTRIBUTION_POINTS, ID_CE_EXT_KEY_USAGE, ID_CE_KEY_USAGE,
    ID_CE_NAME_CONSTRAINTS, ID_CE_POLICY_CONSTRAINTS, ID_CE_SUBJECT_ALT_NAME, ID_CE_SUBJECT_KEY_IDENTIFIER, ID_KP_CLIENT_AUTH,
    ID_KP_SERVER_AUTH, ID_PE_AUTHORITY_INFO_ACCESS,
};
use der::{Decode, Encode};
use rustls_pki_types::{CertificateDer, TrustAnchor, UnixTime};
use serde::Serialize;
use webpki::{EndEntityCert, KeyUsage, anchor_from_trusted_cert};
use x509_cert::certificate::Version;
use x509_cert::ext::pkix::KeyUsage as KeyUsageExtension;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsages, NameConstraints, SubjectAltName,
    SubjectKeyIdentifier,
};
use x509_cert::{Certificate, name::Name};

use crate::judge::describe::extended_key_usage_name;
use crate::judge::{name_constraints, webpki_signatures};
use crate::x509::facts::is_ca;
use crate::x509::name_syntax::dns_name_syntax_ok;
use crate::x509::text::{describe_name, oid_name, openssl_time};
use crate::x509::verify::{self, is_self_signed};

/// What the leaf certificate is for: the extended key usage a server asks of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A device's TLS client certificate (clientAuth), as DPS and IoT Hub take it.
    Device,
    /// A TLS server certificate (serverAuth), as an IoT Edge gateway presents it.
    Server,
}

impl Purpose {
    fn usage(self) -> KeyUsage {
        match self {
            Self::Device => KeyUsage::client_auth(),
            Self::Server => KeyUsage::server_auth(),
        }
    }

    fn key_purpose(self) -> ObjectIdentifier {
        match self {
            Self::Device => ID_KP_CLIENT_AUTH,
            Self::Server => ID_KP_SERVER_AUTH,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Device => "clientAuth",
            Self::Server => "serverAuth",
        }
    }
}

/// A rule of the chain verdict, as JS and `inspect --json` name it (kebab-case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChainRule {
    MissingIssuer,
    Root,
    Signature,
    Validity,
    BasicConstraints,
    KeyUsage,
    Pathlen,
    Eku,
    NameConstraints,
    AkiSki,
    CriticalExtension,
    Criticality,
    DuplicateExtension,
    Extension,
    Serial,
    Names,
    SubjectAltName,
    Depth,
    Encoding,
    Path,
}

impl ChainRule {
    /// Every rule, for the check that the TypeScript union lists the same.
    pub const ALL: [ChainRule; 20] = [
        Self::MissingIssuer,
        Self::Root,
        Self::Signature,
        Self::Validity,
        Self::BasicConstraints,
        Self::KeyUsage,
        Self::Pathlen,
        Self::Eku,
        Self::NameConstraints,
        Self::AkiSki,
        Self::CriticalExtension,
        Self::Criticality,
        Self::DuplicateExtension,
        Self::Extension,
        Self::Serial,
        Self::Names,
        Self::SubjectAltName,
        Self::Depth,
        Self::Encoding,
        Self::Path,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::MissingIssuer => "missing-issuer",
            Self::Root => "root",
            Self::Signature => "signature",
            Self::Validity => "validity",
            Self::BasicConstraints => "basic-constraints",
            Self::KeyUsage => "key-usage",
            Self::Pathlen => "pathlen",
            Self::Eku => "eku",
            Self::NameConstraints => "name-constraints",
            Self::AkiSki => "aki-ski",
            Self::CriticalExtension => "critical-extension",
            Self::Criticality => "criticality",
            Self::DuplicateExtension => "duplicate-extension",
            Self::Extension => "extension",
            Self::Serial => "serial",
            Self::Names => "names",
            Self::SubjectAltName => "subject-alt-name",
            Self::Depth => "depth",
            Self::Encoding => "encoding",
            Self::Path => "path",
        }
    }

    /// Whether a TLS server refuses the chain for it. The others are RFC
    /// 5280's profile rules (identifiers, serials, names, criticality of
    /// informational extensions) that OpenSSL, rustls and Azure's endpoints
    /// don't enforce: worth fixing, but the device still connects.
    pub fn server_refuses(self) -> bool {
        !matches!(self, Self::AkiSki | Self::Serial | Self::Names | Self::SubjectAltName | Self::Criticality)
    }
}

impl Serialize for ChainRule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One broken rule of the chain verdict, on a link or a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainProblem {
    /// The rule that fails.
    pub rule: ChainRule,
    /// 1-based numbers of the certificates concerned (in the order given):
    /// `[child, issuer]` for a link, one number for a single certificate.
    pub certificates: Vec<usize>,
    /// One sentence naming the link (`certificate 2 (CN = …) → certificate 3 (CN = …)`) or certificate, and the rule.
    pub message: String,
}

/// The chain verdict: the path a TLS server builds and every rule it breaks.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainReport {
    pub ok: bool,
    /// `OK: …` or the first problem.
    pub summary: String,
    pub problems: Vec<ChainProblem>,
    /// 1-based numbers of the certificates on the path judged, leaf first.
    pub path: Vec<usize>,
}

/// The certificates to judge, as read (DER), and which is which.
pub struct ChainQuestion<'a> {
    pub certificates: &'a [&'a [u8]],
    /// Index of the certificate presented (the device's).
    pub leaf: usize,
    /// Indexes of the certificates the server trusts (the roots uploaded to it).
    pub trusted: &'a [usize],
    pub now_unix: u64,
    pub purpose: Purpose,
    /// Index of the CA uploaded to Azure, when it is not one of the files
    /// sent: messages name it "the uploaded CA" rather than by number.
    pub uploaded_ca: Option<usize>,
}

/// webpki's limit: at most 6 CA certificates between the leaf and the root.
const MOST_INTERMEDIATES: usize = 6;

/// Judges a bundle as Inspect reads it: the leaf is the first certificate that
/// issued none of the others, the trusted roots are the self-signed ones.
pub fn judge_bundle(certificates: &[&[u8]], now_unix: u64) -> ChainReport {
    let parsed: Vec<Option<Certificate>> = certificates.iter().map(|der| Certificate::from_der(der).ok()).collect();
    let issued_another = |i: usize| {
        let Some(candidate) = &parsed[i] else { return false };
        let subject = candidate.tbs_certificate().subject();
        parsed.iter().enumerate().any(|(j, other)| {
            j != i && other.as_ref().is_some_and(|o| o.tbs_certificate().issuer() == subject && o.tbs_certificate().subject() != subject)
        })
    };
    // A root that issued nothing here is an unrelated root, not a leaf.
    let leaf_like = |i: usize| parsed[i].as_ref().is_some_and(|c| !self_issued(c)) && !issued_another(i);
    let leaf = (0..certificates.len())
        .find(|&i| leaf_like(i))
        .or_else(|| (0..certificates.len()).find(|&i| parsed[i].is_some() && !issued_another(i)))
        .unwrap_or(0);
    let trusted: Vec<usize> =
        (0..certificates.len()).filter(|&i| parsed[i].as_ref().is_some_and(|c| is_self_signed(c, certificates[i]))).collect();
    judge(&ChainQuestion { certificates, leaf, trusted: &trusted, now_unix, purpose: Purpose::Device, uploaded_ca: None })
}

/// The verdict on `question`.
pub fn judge(question: &ChainQuestion<'_>) -> ChainReport {
    let held = Held::read(question.certificates, question.uploaded_ca);
    let Some(leaf) = held.get(question.leaf) else {
        let message = format!("certificate {} can't be read as an X.509 certificate, so no path can start from it.", question.leaf + 1);
        let problems = vec![ChainProblem { rule: ChainRule::Encoding, certificates: vec![question.leaf + 1], message: message.clone() }];
        return ChainReport { ok: false, summary: message, problems, path: vec![question.leaf + 1] };
    };
    let by_webpki = webpki_applies(leaf).then(|| webpki_path(question));
    let path = match &by_webpki {
        Some(Ok(path)) => path.clone(),
        _ => studio_path(&held, question),
    };
    let judged = Judged { held: &held, question, path: &path };
    let mut problems = judged.problems();
    match by_webpki {
        Some(Err(error)) if !webpki_defers(&error, &judged, &problems) => {
            let problem = judged.explain_webpki(&error);
            if !problems.iter().any(|p| p.rule == problem.rule) {
                problems.push(problem);
            }
        }
        _ => {}
    }
    let summary = match problems.first() {
        Some(first) => first.message.clone(),
        None => judged.ok_summary(),
    };
    ChainReport { ok: problems.is_empty(), summary, problems, path: path.iter().map(|i| i + 1).collect() }
}

/// Every certificate given, parsed where it parses, and the signatures
/// checked while building the studio's path.
struct Held<'a> {
    ders: &'a [&'a [u8]],
    parsed: Vec<Option<Certificate>>,
    signatures: RefCell<BTreeMap<(usize, usize), bool>>,
    uploaded_ca: Option<usize>,
}

/// As webpki bounds its path building: at most 100 signature checks, so a
/// pathological bundle (dozens of CAs of one name) is judged in moments.
const MOST_SIGNATURE_CHECKS: usize = 100;

impl<'a> Held<'a> {
    fn read(ders: &'a [&'a [u8]], uploaded_ca: Option<usize>) -> Self {
        let parsed = ders.iter().map(|der| Certificate::from_der(der).ok()).collect();
        Self { ders, parsed, signatures: RefCell::new(BTreeMap::new()), uploaded_ca }
    }

    fn get(&self, i: usize) -> Option<&Certificate> {
        self.parsed.get(i)?.as_ref()
    }

    fn label(&self, i: usize) -> String {
        certificate_label(i, self.get(i), self.uploaded_ca == Some(i))
    }

    /// `child`'s signature verifies with `issuer`'s key, over `child`'s bytes
    /// as read; once the checks run out, an unchecked pair counts as not signed.
    fn signed_by(&self, child: usize, issuer: usize) -> bool {
        let mut checked = self.signatures.borrow_mut();
        if let Some(known) = checked.get(&(child, issuer)) {
            return *known;
        }
        if checked.len() >= MOST_SIGNATURE_CHECKS {
            return false;
        }
        let good = self
            .get(issuer)
            .is_some_and(|i| verify::verify_certificate(self.ders[child], i.tbs_certificate().subject_public_key_info()).is_ok());
        checked.insert((child, issuer), good);
        good
    }
}

/// How the verdict and the preflight name certificate `i` (0-based, in the
/// order given): `certificate 2 (CN = …)`, or `the uploaded CA (CN = …)`.
pub fn certificate_label(i: usize, certificate: Option<&Certificate>, uploaded: bool) -> String {
    let number = if uploaded { "the uploaded CA".to_string() } else { format!("certificate {}", i + 1) };
    match certificate {
        Some(c) => {
            // A subject of thousands of attributes (limbo's denial-of-service cases) is named by its start.
            let name = describe_name(c.tbs_certificate().subject());
            let short: String = name.chars().take(120).collect();
            let more = if short.len() < name.len() { "…" } else { "" };
            format!("{number} ({short}{more})")
        }
        None => number,
    }
}

/// webpki takes only a version 3 end entity that is not a CA.
fn webpki_applies(leaf: &Certificate) -> bool {
    leaf.tbs_certificate().version() == Version::V3 && !basic_constraints(leaf).is_some_and(|b| b.ca)
}

/// webpki's path (indexes, leaf first, trust anchor last) or its refusal.
fn webpki_path(question: &ChainQuestion<'_>) -> Result<Vec<usize>, webpki::Error> {
    let ders: Vec<CertificateDer<'_>> = question.certificates.iter().map(|d| CertificateDer::from(*d)).collect();
    let anchors: Vec<(usize, TrustAnchor<'_>)> =
        question.trusted.iter().filter_map(|&i| Some((i, anchor_from_trusted_cert(ders.get(i)?).ok()?))).collect();
    let anchor_list: Vec<TrustAnchor<'_>> = anchors.iter().map(|(_, a)| a.clone()).collect();
    let intermediates: Vec<CertificateDer<'_>> =
        (0..ders.len()).filter(|i| *i != question.leaf && !question.trusted.contains(i)).map(|i| ders[i].clone()).collect();
    let leaf = EndEntityCert::try_from(&ders[question.leaf])?;
    let algorithms = webpki_signatures::algorithms();
    let time = UnixTime::since_unix_epoch(Duration::from_secs(question.now_unix));
    let verified = leaf.verify_for_usage(&algorithms, &anchor_list, &intermediates, time, question.purpose.usage(), None, None)?;
    let mut path = vec![question.leaf];
    for intermediate in verified.intermediate_certificates() {
        let der = intermediate.der();
        if let Some(i) = question.certificates.iter().position(|d| *d == der.as_ref()) {
            path.push(i);
        }
    }
    let anchor = verified.anchor();
    if let Some((i, _)) = anchors.iter().zip(&anchor_list).find(|(_, a)| std::ptr::eq(*a, anchor)).map(|(pair, _)| pair) {
        path.push(*i);
    }
    Ok(path)
}

/// Where webpki is stricter than RFC 5280 §6 and the studio checks the rule
/// itself, a path to a trusted root that passes every studio rule stands:
/// webpki counts self-issued CA certificates against pathLenConstraint
/// (§6.1.4 (l) does not), refuses every directoryName and email name
/// constraint it does not compare, and gives up on a path of a self-issued
/// CA under a root of the same name (a signature error); the studio's path
/// has every signature checked over the bytes as read.
fn webpki_defers(error: &webpki::Error, judged: &Judged<'_>, problems: &[ChainProblem]) -> bool {
    use webpki::Error as E;
    matches!(error, E::PathLenConstraintViolated | E::NameConstraintViolation | E::InvalidSignatureForPublicKey)
        && problems.is_empty()
        && judged.reaches_trust()
}

/// The studio's own path: up from the leaf by issuer name, preferring
/// issuers whose signature verifies and trusted ones; the first path to a
/// trusted certificate with every signature good, else the best it reaches.
fn studio_path(held: &Held<'_>, question: &ChainQuestion<'_>) -> Vec<usize> {
    let mut steps = 0;
    let mut path = vec![question.leaf];
    if search(held, question, &mut path, &mut steps) {
        return path;
    }
    let mut path = vec![question.leaf];
    while let Some(&current) = path.last() {
        if question.trusted.contains(&current) || path.len() > held.ders.len() {
            break;
        }
        let Some(next) = issuers_of(held, question, current, &path).into_iter().next() else { break };
        path.push(next);
    }
    path
}

/// Candidate issuers of `current`, best first.
fn issuers_of(held: &Held<'_>, question: &ChainQuestion<'_>, current: usize, path: &[usize]) -> Vec<usize> {
    let Some(child) = held.get(current) else { return Vec::new() };
    let mut candidates: Vec<(bool, bool, usize)> = (0..held.ders.len())
        .filter(|i| !path.contains(i))
        .filter(|&i| held.get(i).is_some_and(|c| c.tbs_certificate().subject() == child.tbs_certificate().issuer()))
        .map(|i| (!held.signed_by(current, i), !question.trusted.contains(&i), i))
        .collect();
    candidates.sort();
    candidates.into_iter().map(|(_, _, i)| i).collect()
}

/// Depth-first search for a path of good signatures to a trusted certificate (bounded work).
fn search(held: &Held<'_>, question: &ChainQuestion<'_>, path: &mut Vec<usize>, steps: &mut usize) -> bool {
    let Some(&current) = path.last() else { return false };
    if question.trusted.contains(&current) {
        return true;
    }
    if path.len() > MOST_INTERMEDIATES + 1 {
        return false;
    }
    for next in issuers_of(held, question, current, path) {
        *steps += 1;
        if *steps > 2_000 || !held.signed_by(current, next) {
            return false;
        }
        path.push(next);
        if search(held, question, path, steps) {
            return true;
        }
        path.pop();
    }
    false
}

fn extensions(certificate: &Certificate) -> &[x509_cert::ext::Extension] {
    certificate.tbs_certificate().extensions().map(|e| e.as_slice()).unwrap_or_default()
}

fn extension<'c, T: Decode<'c>>(certificate: &'c Certificate, oid: ObjectIdentifier) -> Option<(bool, T)> {
    let found = extensions(certificate).iter().find(|e| e.extn_id == oid)?;
    Some((found.critical, T::from_der(found.extn_value.as_bytes()).ok()?))
}

fn basic_constraints(certificate: &Certificate) -> Option<BasicConstraints> {
    extension::<BasicConstraints>(certificate, ID_CE_BASIC_CONSTRAINTS).map(|(_, b)| b)
}

fn self_issued(certificate: &Certificate) -> bool {
    certificate.tbs_certificate().subject() == certificate.tbs_certificate().issuer()
}

fn empty_name(name: &Name) -> bool {
    name.to_der().map(|d| d.len() <= 2).unwrap_or(false)
}

/// `local@host` with a host name (RFC 5280 §4.2.1.6 takes RFC 5322's addr-spec).
fn mailbox_syntax_ok(mail: &str) -> bool {
    mail.split_once('@').is_some_and(|(local, host)| !local.is_empty() && !local.contains(' ') && dns_name_syntax_ok(host))
}

/// Extensions the studio or webpki process, so they may be critical.
const UNDERSTOOD: [ObjectIdentifier; 6] = [
    ID_CE_BASIC_CONSTRAINTS,
    ID_CE_KEY_USAGE,
    ID_CE_EXT_KEY_USAGE,
    ID_CE_SUBJECT_ALT_NAME,
    ID_CE_NAME_CONSTRAINTS,
    ID_CE_CRL_DISTRIBUTION_POINTS,
];

struct Judged<'a> {
    held: &'a Held<'a>,
    question: &'a ChainQuestion<'a>,
    path: &'a [usize],
}

impl Judged<'_> {
    fn reaches_trust(&self) -> bool {
        self.path.last().is_some_and(|i| self.question.trusted.contains(i))
    }

    fn link(&self, k: usize) -> String {
        format!("{} → {}", self.held.label(self.path[k]), self.held.label(self.path[k + 1]))
    }

    fn problems(&self) -> Vec<ChainProblem> {
        let mut problems = Vec::new();
        for k in 0..self.path.len() {
            self.certificate_rules(k, &mut problems);
            if k + 1 < self.path.len() {
                self.link_rules(k, &mut problems);
            }
        }
        self.name_constraint_rules(&mut problems);
        self.top_rules(&mut problems);
        let intermediates = self.path.len().saturating_sub(if self.reaches_trust() { 2 } else { 1 });
        if intermediates > MOST_INTERMEDIATES {
            let leaf = self.held.label(self.path[0]);
            problems.push(ChainProblem {
                rule: ChainRule::Depth,
                certificates: self.path.iter().map(|i| i + 1).collect(),
                message: format!(
                    "The path from {leaf} has {intermediates} CA certificates between the leaf and the root; TLS servers (rustls-webpki) stop at {MOST_INTERMEDIATES}."
                ),
            });
        }
        problems
    }

    /// Rules on the certificate at path position `k` alone.
    fn certificate_rules(&self, k: usize, problems: &mut Vec<ChainProblem>) {
        let index = self.path[k];
        let Some(certificate) = self.held.get(index) else { return };
        let label = self.held.label(index);
        let mut fail = |rule: ChainRule, why: String| {
            problems.push(ChainProblem { rule, certificates: vec![index + 1], message: format!("{label} {why}") })
        };
        let tbs = certificate.tbs_certificate();
        let anchor = k + 1 == self.path.len() && self.reaches_trust();
        let now = self.question.now_unix;
        let not_before = tbs.validity().not_before.to_unix_duration().as_secs();
        let not_after = tbs.validity().not_after.to_unix_duration().as_secs();
        if now > not_after {
            fail(ChainRule::Validity, format!("expired on {}.", openssl_time(not_after)));
        } else if now < not_before {
            fail(ChainRule::Validity, format!("is not valid until {}.", openssl_time(not_before)));
        }
        let serial = tbs.serial_number().as_bytes();
        let magnitude = serial.strip_prefix(&[0]).unwrap_or(serial);
        if serial.first().is_some_and(|b| b & 0x80 != 0) {
            fail(ChainRule::Serial, "has a negative serial number; RFC 5280 §4.1.2.2 requires a positive one.".into());
        } else if magnitude.iter().all(|b| *b == 0) {
            fail(ChainRule::Serial, "has serial number 0; RFC 5280 §4.1.2.2 requires a positive one.".into());
        } else if magnitude.len() > 20 {
            fail(ChainRule::Serial, format!("has a {}-octet serial number; RFC 5280 §4.1.2.2 allows at most 20.", magnitude.len()));
        }
        if empty_name(tbs.issuer()) {
            fail(ChainRule::Names, "has an empty issuer name; RFC 5280 §4.1.2.4 requires one.".into());
        }
        let ca = is_ca(certificate);
        if ca && empty_name(tbs.subject()) {
            fail(ChainRule::Names, "is a CA with an empty subject name; RFC 5280 §4.1.2.6 requires one.".into());
        }
        let list = extensions(certificate);
        for (i, ext) in list.iter().enumerate() {
            if list[..i].iter().any(|e| e.extn_id == ext.extn_id) {
                fail(
                    ChainRule::DuplicateExtension,
                    format!("has the {} extension twice; RFC 5280 §4.2 allows each once.", oid_name(&ext.extn_id)),
                );
                continue;
            }
            if let Err(why) = decodes(ext) {
                fail(ChainRule::Extension, format!("has a {} extension that can't be read ({why}).", oid_name(&ext.extn_id)));
            }
            let name = oid_name(&ext.extn_id);
            let must_not_be_critical = [ID_CE_AUTHORITY_KEY_IDENTIFIER, ID_CE_SUBJECT_KEY_IDENTIFIER, ID_PE_AUTHORITY_INFO_ACCESS];
            if ext.critical && must_not_be_critical.contains(&ext.extn_id) {
                fail(ChainRule::Criticality, format!("marks its {name} extension critical; RFC 5280 requires it non-critical."));
            } else if ext.critical && !UNDERSTOOD.contains(&ext.extn_id) && !must_not_be_critical.contains(&ext.extn_id) {
                fail(
                    ChainRule::CriticalExtension,
                    format!(
                        "has a critical extension a TLS server does not understand ({name}), so it must refuse the certificate (RFC 5280 §4.2)."
                    ),
                );
            } else if !ext.critical && [ID_CE_NAME_CONSTRAINTS, ID_CE_POLICY_CONSTRAINTS].contains(&ext.extn_id) {
                fail(ChainRule::Criticality, format!("marks its {name} extension non-critical; RFC 5280 requires it critical."));
            } else if !ext.critical && ext.extn_id == ID_CE_BASIC_CONSTRAINTS && ca {
                fail(
                    ChainRule::Criticality,
                    "is a CA whose basicConstraints is not critical; RFC 5280 §4.2.1.9 requires it critical.".into(),
                );
            }
        }
        if !ca && list.iter().any(|e| e.extn_id == ID_CE_NAME_CONSTRAINTS) {
            fail(
                ChainRule::NameConstraints,
                "has nameConstraints but is not a CA; RFC 5280 §4.2.1.10 allows them only in CA certificates.".into(),
            );
        }
        let usage = extension::<KeyUsageExtension>(certificate, ID_CE_KEY_USAGE).map(|(_, u)| u);
        if !ca && usage.is_some_and(|u| u.0.contains(KeyUsages::KeyCertSign)) {
            fail(ChainRule::KeyUsage, "asserts keyCertSign without basicConstraints CA:TRUE; RFC 5280 §4.2.1.3 forbids that.".into());
        }
        let san = extension::<SubjectAltName>(certificate, ID_CE_SUBJECT_ALT_NAME);
        if empty_name(tbs.subject()) && !san.as_ref().is_some_and(|(critical, _)| *critical) {
            fail(ChainRule::SubjectAltName, "has an empty subject without a critical subjectAltName (RFC 5280 §4.2.1.6).".into());
        }
        for name in san.iter().flat_map(|(_, s)| s.0.iter()) {
            match name {
                GeneralName::DnsName(dns) if !dns_name_syntax_ok(dns.as_str()) => {
                    fail(
                        ChainRule::SubjectAltName,
                        format!("has the DNS name \"{}\", which is not a host name (RFC 5280 §4.2.1.6).", dns.as_str()),
                    );
                }
                GeneralName::IpAddress(ip) if !matches!(ip.as_bytes().len(), 4 | 16) => {
                    fail(
                        ChainRule::SubjectAltName,
                        format!("has an IP address of {} octets; RFC 5280 §4.2.1.6 allows 4 or 16.", ip.as_bytes().len()),
                    );
                }
                GeneralName::Rfc822Name(mail) if !mailbox_syntax_ok(mail.as_str()) => {
                    fail(
                        ChainRule::SubjectAltName,
                        format!("has the email address \"{}\", which is not a mailbox (RFC 5280 §4.2.1.6).", mail.as_str()),
                    );
                }
                _ => {}
            }
        }
        if let Some((_, eku)) = extension::<ExtendedKeyUsage>(certificate, ID_CE_EXT_KEY_USAGE) {
            let wanted = self.question.purpose.key_purpose();
            if eku.0.is_empty() {
                fail(ChainRule::Eku, "has an empty extendedKeyUsage; RFC 5280 §4.2.1.12 requires at least one purpose.".into());
            } else if !anchor && !eku.0.contains(&wanted) {
                let what = if k == 0 { "the certificate" } else { "the certificates below this CA" };
                fail(
                    ChainRule::Eku,
                    format!(
                        "has extendedKeyUsage {} without {}, so {what} can't be used for TLS {} authentication.",
                        eku.0.iter().map(extended_key_usage_name).collect::<Vec<_>>().join(", "),
                        self.question.purpose.name(),
                        if self.question.purpose == Purpose::Device { "client" } else { "server" }
                    ),
                );
            }
        }
        // Profile rules on extensions exist only from version 3 on.
        if tbs.version() != Version::V3 {
            return;
        }
        let self_signed = self_issued(certificate) && is_self_signed(certificate, self.held.ders[index]);
        let aki = extension::<AuthorityKeyIdentifier>(certificate, ID_CE_AUTHORITY_KEY_IDENTIFIER);
        let own_ski = extension::<SubjectKeyIdentifier>(certificate, ID_CE_SUBJECT_KEY_IDENTIFIER).map(|(_, s)| s.0);
        if let (true, Some(Some(aki)), Some(ski)) = (self_signed, aki.as_ref().map(|(_, a)| a.key_identifier.as_ref()), &own_ski)
            && aki.as_bytes() != ski.as_bytes()
        {
            fail(ChainRule::AkiSki, "is self-signed, but its Authority Key Identifier is not its own Subject Key Identifier.".into());
        }
        if !self_signed && aki.is_none_or(|(_, a)| a.key_identifier.is_none()) {
            fail(
                ChainRule::AkiSki,
                "has no Authority Key Identifier (keyIdentifier); RFC 5280 §4.2.1.1 requires one in every certificate not self-signed."
                    .into(),
            );
        }
        if ca && !list.iter().any(|e| e.extn_id == ID_CE_SUBJECT_KEY_IDENTIFIER) {
            fail(ChainRule::AkiSki, "is a CA without a Subject Key Identifier; RFC 5280 §4.2.1.2 requires one.".into());
        }
    }

    /// Rules on the link from path position `k` to its issuer at `k + 1`.
    fn link_rules(&self, k: usize, problems: &mut Vec<ChainProblem>) {
        let (child_index, issuer_index) = (self.path[k], self.path[k + 1]);
        let (Some(child), Some(issuer)) = (self.held.get(child_index), self.held.get(issuer_index)) else { return };
        let link = self.link(k);
        let (c, i) = (child_index + 1, issuer_index + 1);
        let mut fail = |rule: ChainRule, why: String| {
            problems.push(ChainProblem { rule, certificates: vec![c, i], message: format!("{link}: {why}") })
        };
        let child_aki = extension::<AuthorityKeyIdentifier>(child, ID_CE_AUTHORITY_KEY_IDENTIFIER).and_then(|(_, a)| a.key_identifier);
        let issuer_ski = extension::<SubjectKeyIdentifier>(issuer, ID_CE_SUBJECT_KEY_IDENTIFIER).map(|(_, s)| s.0);
        if let (Some(aki), Some(ski)) = (child_aki, issuer_ski)
            && aki.as_bytes() != ski.as_bytes()
        {
            fail(
                ChainRule::AkiSki,
                format!("the Authority Key Identifier of certificate {c} is not the Subject Key Identifier of certificate {i}."),
            );
        }
        if let Err(problem) = verify::verify_certificate(self.held.ders[child_index], issuer.tbs_certificate().subject_public_key_info()) {
            fail(ChainRule::Signature, format!("the signature of certificate {c}: {}.", problem.describe()));
        }
        let anchor = k + 2 == self.path.len() && self.reaches_trust();
        let v1_anchor = anchor && issuer.tbs_certificate().version() == Version::V1;
        match basic_constraints(issuer) {
            Some(b) if b.ca => {
                if let Some(limit) = b.path_len_constraint {
                    // Non-self-issued CA certificates below the issuer, the leaf excluded (RFC 5280 §6.1.4 (l)).
                    let below = self.path[1..=k].iter().filter(|&&j| self.held.get(j).is_some_and(|x| !self_issued(x))).count();
                    if below > usize::from(limit) {
                        fail(
                            ChainRule::Pathlen,
                            format!("certificate {i} allows pathLenConstraint {limit} CA certificates below it, but {below} follow."),
                        );
                    }
                }
            }
            _ if v1_anchor => {}
            _ => fail(
                ChainRule::BasicConstraints,
                format!("certificate {i} is not a CA (basicConstraints CA:TRUE is missing), so it can't issue certificates."),
            ),
        }
        let usage = extension::<KeyUsageExtension>(issuer, ID_CE_KEY_USAGE).map(|(_, u)| u);
        if usage.is_some_and(|u| !u.0.contains(KeyUsages::KeyCertSign)) {
            fail(ChainRule::KeyUsage, format!("the keyUsage of certificate {i} lacks keyCertSign, so it may not sign certificates."));
        }
    }

    /// Each CA's nameConstraints over every certificate below it on the path
    /// (self-issued intermediates excepted, RFC 5280 §6.1.4 (g)).
    fn name_constraint_rules(&self, problems: &mut Vec<ChainProblem>) {
        let mut comparisons = 0;
        for (j, &ca_index) in self.path.iter().enumerate().skip(1) {
            let Some(ca) = self.held.get(ca_index) else { continue };
            let Some((_, constraints)) = extension::<NameConstraints>(ca, ID_CE_NAME_CONSTRAINTS) else { continue };
            let ca_label = self.held.label(ca_index);
            if let Some(why) = name_constraints::malformed(&constraints) {
                problems.push(ChainProblem {
                    rule: ChainRule::NameConstraints,
                    certificates: vec![ca_index + 1],
                    message: format!("{ca_label} has name constraints no server can apply: {why}."),
                });
                continue;
            }
            for (i, &below) in self.path[..j].iter().enumerate() {
                let Some(certificate) = self.held.get(below) else { continue };
                if i > 0 && self_issued(certificate) {
                    continue;
                }
                if let Some(why) = name_constraints::first_violation(&constraints, certificate, &mut comparisons) {
                    problems.push(ChainProblem {
                        rule: ChainRule::NameConstraints,
                        certificates: vec![below + 1, ca_index + 1],
                        message: format!(
                            "{} under {ca_label}: {why} of the nameConstraints of certificate {}.",
                            self.held.label(below),
                            ca_index + 1
                        ),
                    });
                }
            }
        }
    }

    /// Where the path stops when it does not reach a trusted certificate.
    fn top_rules(&self, problems: &mut Vec<ChainProblem>) {
        if self.reaches_trust() {
            return;
        }
        let Some(&top) = self.path.last() else { return };
        let Some(certificate) = self.held.get(top) else { return };
        let label = self.held.label(top);
        let issuer = describe_name(certificate.tbs_certificate().issuer());
        let problem = |rule, message| ChainProblem { rule, certificates: vec![top + 1], message };
        if self_issued(certificate) {
            problems.push(if is_self_signed(certificate, self.held.ders[top]) {
                problem(ChainRule::Root, format!("{label} is a self-signed root the server does not trust."))
            } else {
                problem(ChainRule::Signature, format!("{label}: the root's self-signature does not verify."))
            });
        } else if self.question.trusted.is_empty() {
            problems.push(problem(
                ChainRule::Root,
                format!("The path ends at {label}, which is issued by {issuer}: the certificates above it, up to the self-signed root, are missing."),
            ));
        } else {
            let roots = self.question.trusted.iter().map(|&i| self.held.label(i)).collect::<Vec<_>>().join(", ");
            problems.push(problem(
                ChainRule::MissingIssuer,
                format!("{label} is issued by {issuer}, whose certificate is missing (the root given is {roots}): add it, and any above it up to the root."),
            ));
        }
    }

    /// A problem from webpki's refusal, placed on the path as well as it can be.
    fn explain_webpki(&self, error: &webpki::Error) -> ChainProblem {
        use webpki::Error as E;
        let leaf = self.held.label(self.path[0]);
        let everyone: Vec<usize> = self.path.iter().map(|i| i + 1).collect();
        let (rule, certificates, why) = match error {
            E::NameConstraintViolation | E::InvalidNetworkMaskConstraint | E::MalformedNameConstraint => {
                let constraining: Vec<usize> = self.path[1..]
                    .iter()
                    .filter(|&&i| self.held.get(i).is_some_and(|c| extensions(c).iter().any(|e| e.extn_id == ID_CE_NAME_CONSTRAINTS)))
                    .copied()
                    .collect();
                let names = constraining.iter().map(|&i| self.held.label(i)).collect::<Vec<_>>().join(", ");
                let mut numbers = vec![self.path[0] + 1];
                numbers.extend(constraining.iter().map(|i| i + 1));
                let why = if matches!(error, E::NameConstraintViolation) {
                    format!("a name in {leaf} or a CA below {names} is outside the name constraints of {names}")
                } else {
                    format!("the name constraints of {names} are malformed")
                };
                (ChainRule::NameConstraints, numbers, why)
            }
            E::UnknownIssuer => (ChainRule::MissingIssuer, everyone, format!("no path leads from {leaf} to a trusted root")),
            E::CertExpired { .. } | E::CertNotValidYet { .. } | E::InvalidCertValidity => {
                (ChainRule::Validity, everyone, format!("a certificate on the path from {leaf} is outside its validity"))
            }
            E::InvalidSignatureForPublicKey
            | E::UnsupportedSignatureAlgorithmContext(_)
            | E::UnsupportedSignatureAlgorithmForPublicKeyContext(_)
            | E::SignatureAlgorithmMismatch => (
                ChainRule::Signature,
                everyone,
                format!("a signature on the path from {leaf} does not verify, or its algorithm is not one a server accepts"),
            ),
            E::EndEntityUsedAsCa | E::CaUsedAsEndEntity => {
                (ChainRule::BasicConstraints, everyone, "a certificate is used against its basicConstraints".into())
            }
            E::PathLenConstraintViolated => (ChainRule::Pathlen, everyone, "a pathLenConstraint on the path is exceeded".into()),
            E::RequiredEkuNotFoundContext(_) | E::EmptyEkuExtension => {
                (ChainRule::Eku, everyone, format!("a certificate's extendedKeyUsage on the path lacks {}", self.question.purpose.name()))
            }
            E::UnsupportedCriticalExtension => (
                ChainRule::CriticalExtension,
                everyone,
                "a certificate on the path has a critical extension the server does not understand".into(),
            ),
            E::MaximumPathDepthExceeded => {
                (ChainRule::Depth, everyone, format!("the path has more than {MOST_INTERMEDIATES} CA certificates"))
            }
            E::MaximumSignatureChecksExceeded | E::MaximumPathBuildCallsExceeded | E::MaximumNameConstraintComparisonsExceeded => (
                ChainRule::Path,
                everyone,
                "building the path takes more work than a server allows (too many candidate issuers or names)".into(),
            ),
            E::UnsupportedCertVersion
            | E::BadDer
            | E::BadDerTime
            | E::TrailingData(_)
            | E::ExtensionValueInvalid
            | E::MalformedExtensions
            | E::InvalidSerialNumber
            | E::MalformedDnsIdentifier
            | E::UnsupportedNameType => {
                (ChainRule::Encoding, everyone, "a certificate on the path is not encoded as RFC 5280 requires".into())
            }
            _ => (ChainRule::Path, everyone, "the path is refused".into()),
        };
        ChainProblem {
            rule,
            certificates,
            message: format!("{leaf}: a TLS server refuses the path because {why} (rustls-webpki: {error})."),
        }
    }

    fn ok_summary(&self) -> String {
        let path = self.path.iter().map(|&i| self.held.label(i)).collect::<Vec<_>>().join(" → ");
        let off_path: Vec<String> = (0..self.held.ders.len()).filter(|i| !self.path.contains(i)).map(|i| (i + 1).to_string()).collect();
        let extra = match off_path.len() {
            0 => String::new(),
            1 => format!(" Certificate {} is not on the path.", off_path[0]),
            _ => format!(" Certificates {} are not on the path.", off_path.join(", ")),
        };
        format!(
            "OK: {path} is a valid path for TLS {} authentication ({}) at {}.{extra}",
            if self.question.purpose == Purpose::Device { "client" } else { "server" },
            self.question.purpose.name(),
            openssl_time(self.question.now_unix)
        )
    }
}

/// Whether an extension the studio knows decodes; unknown ones pass.
fn decodes(ext: &x509_cert::ext::Extension) -> Result<(), der::Error> {
    let value = ext.extn_value.as_bytes();
    match ext.extn_id {
        ID_CE_BASIC_CONSTRAINTS => BasicConstraints::from_der(value).map(drop),
        ID_CE_KEY_USAGE => KeyUsageExtension::from_der(value).map(drop),
        ID_CE_EXT_KEY_USAGE => ExtendedKeyUsage::from_der(value).map(drop),
        ID_CE_SUBJECT_ALT_NAME => SubjectAltName::from_der(value).map(drop),
        ID_CE_NAME_CONSTRAINTS => NameConstraints::from_der(value).map(drop),
        ID_CE_AUTHORITY_KEY_IDENTIFIER => AuthorityKeyIdentifier::from_der(value).map(drop),
        ID_CE_SUBJECT_KEY_IDENTIFIER => SubjectKeyIdentifier::from_der(value).map(drop),
        ID_PE_AUTHORITY_INFO_ACCESS => AuthorityInfoAccessSyntax::from_der(value).map(drop),
        _ => Ok(()),
    }
}
