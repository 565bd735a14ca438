//! Azure preflight: given a device's certificate or full chain and,
//! optionally, the CA uploaded to Azure, each rule DPS, IoT Hub and IoT Edge
//! 1.1 apply (`rules::azure_preflight`), passed, failed or not checkable from
//! what was given, with what was found and the error a person would see.

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5280::{ANY_EXTENDED_KEY_USAGE, ID_CE_EXT_KEY_USAGE, ID_KP_CLIENT_AUTH};
use const_oid::db::rfc5912::{DSA_WITH_SHA_1, RSA_ENCRYPTION, SHA_1_WITH_RSA_ENCRYPTION};
use serde::Serialize;
use x509_cert::Certificate;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage};

use crate::ca_tools::budget::ReadBudget;
use crate::ca_tools::inspect::{describe_extension, describe_public_key};
use crate::ca_tools::material::Material;
use crate::ca_tools::pem_file::InputFile;
use crate::error::{Result, StudioError};
use crate::rules::azure_preflight::{self as rule, MIN_RSA_BITS, PREFLIGHT_RULES, PreflightRule};
use crate::rules::event_grid::{CertificateNames, EventGridScenario};
use crate::rules::names::RegistrationId;
use crate::rules::validity::IOT_EDGE_1_1_EXPIRY_LIMIT_UNIX;
use crate::x509::facts::common_name_of;
use crate::x509::text::{describe_name, oid_name, openssl_time};
use crate::x509::verify::{ReadCertificate, chain_above, is_self_signed};

/// ecdsa-with-SHA1 (RFC 3279), which `const_oid`'s database lacks.
const ECDSA_WITH_SHA_1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.1");

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preflight {
    /// The certificate checked as the device's.
    pub device: String,
    /// The CA uploaded to Azure, when one was given.
    pub uploaded_ca: Option<String>,
    /// Every rule, in `PREFLIGHT_RULES`' order.
    pub rules: Vec<RuleResult>,
    /// No rule failed.
    pub ok: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleStatus {
    Passed,
    Failed,
    /// What was given can't tell (e.g. no uploaded CA); `detail` says what to add.
    NotChecked,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleResult {
    #[serde(flatten)]
    pub rule: PreflightRule,
    pub status: RuleStatus,
    /// What was found, naming the certificates concerned.
    pub detail: String,
}

/// How the device's certificate reaches the uploaded CA through the
/// certificates it sends. Links are by name and signature
/// (`x509::verify::chain_above`); full path validation can replace this one
/// function.
#[derive(Debug)]
pub enum UploadedCaLink<'a> {
    /// From the device up to the uploaded CA (the sent copy, or the uploaded one).
    Reached(Vec<&'a Certificate>),
    /// The chain ends at a self-signed root that is not the uploaded CA.
    OtherRoot(Vec<&'a Certificate>),
    /// The chain stops at a certificate whose issuer is neither sent nor the uploaded CA.
    Incomplete(Vec<&'a Certificate>),
}

/// The same CA: same subject and same public key (a renewed copy counts).
fn same_ca(a: &Certificate, b: &Certificate) -> bool {
    a.tbs_certificate().subject() == b.tbs_certificate().subject()
        && a.tbs_certificate().subject_public_key_info() == b.tbs_certificate().subject_public_key_info()
}

pub fn link_to_uploaded_ca<'a>(
    device: &'a Certificate,
    sent: &[&'a Certificate],
    uploaded: &'a Certificate,
    given: &Given<'a>,
) -> UploadedCaLink<'a> {
    let pool: Vec<&Certificate> = sent.iter().copied().chain([uploaded]).collect();
    let mut path = vec![device];
    path.extend(given.above(device, &pool));
    if let Some(at) = path.iter().position(|c| same_ca(c, uploaded)) {
        path.truncate(at + 1);
        return UploadedCaLink::Reached(path);
    }
    if path.last().is_some_and(|top| given.self_signed(top)) { UploadedCaLink::OtherRoot(path) } else { UploadedCaLink::Incomplete(path) }
}

/// The certificates given, each with the DER it was read from (signatures
/// are checked over those bytes); names them as Inspect numbers them, and the
/// uploaded CA as such.
pub struct Given<'a> {
    sent: Vec<ReadCertificate<'a>>,
    uploaded: Option<ReadCertificate<'a>>,
}

impl<'a> Given<'a> {
    fn read(&self, certificate: &'a Certificate) -> ReadCertificate<'a> {
        self.sent
            .iter()
            .chain(&self.uploaded)
            .copied()
            .find(|r| std::ptr::eq(r.certificate, certificate))
            .expect("every certificate checked is one given")
    }

    fn self_signed(&self, certificate: &'a Certificate) -> bool {
        is_self_signed(certificate, self.read(certificate).der)
    }

    /// The issuers above `start` found in `pool`, by name and signature.
    fn above(&self, start: &'a Certificate, pool: &[&'a Certificate]) -> Vec<&'a Certificate> {
        let pool: Vec<ReadCertificate<'a>> = pool.iter().map(|c| self.read(c)).collect();
        chain_above(self.read(start), &pool).into_iter().map(|r| r.certificate).collect()
    }

    fn of(&self, certificate: &Certificate) -> String {
        let subject = describe_name(certificate.tbs_certificate().subject());
        if let Some(n) = self.sent.iter().position(|c| std::ptr::eq(c.certificate, certificate)) {
            format!("certificate {} ({subject})", n + 1)
        } else {
            format!("the uploaded CA ({subject})")
        }
    }

    /// As the start of a sentence: `Certificate 2 (…)`.
    fn starting(&self, certificate: &Certificate) -> String {
        let label = self.of(certificate);
        let mut chars = label.chars();
        chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
    }

    fn path(&self, path: &[&Certificate]) -> String {
        path.iter().map(|c| self.of(c)).collect::<Vec<_>>().join(" → ")
    }
}

fn result(rule: PreflightRule, status: RuleStatus, detail: String) -> RuleResult {
    RuleResult { rule, status, detail }
}

fn is_ca(certificate: &Certificate) -> bool {
    certificate.tbs_certificate().get_extension::<BasicConstraints>().ok().flatten().is_some_and(|(_, b)| b.ca)
}

/// Checks `files` (the device's certificate or chain, PEM/DER/PFX) against
/// every rule; `uploaded_ca` is the file of the CA uploaded to Azure (none:
/// the rules that need it are not checked). `password` opens either.
pub fn preflight(files: &[InputFile<'_>], uploaded_ca: &[InputFile<'_>], password: Option<&str>, now_unix: u64) -> Result<Preflight> {
    preflight_for(files, uploaded_ca, password, now_unix, None)
}

/// [`preflight`], then Event Grid's rules (`rules::event_grid`) when the device is a client registered as `event_grid` says.
pub fn preflight_for(
    files: &[InputFile<'_>],
    uploaded_ca: &[InputFile<'_>],
    password: Option<&str>,
    now_unix: u64,
    event_grid: Option<&EventGridScenario>,
) -> Result<Preflight> {
    let budget = ReadBudget::default();
    let material = Material::read_within(files, password, &budget)?;
    let sent: Vec<&Certificate> = material.certificates.iter().map(|c| &c.item).collect();
    let device = *sent.iter().find(|c| !is_ca(c)).ok_or_else(|| {
        StudioError::field(
            "files",
            "No device certificate among the files (every certificate is a CA): add the device's certificate or its full chain.",
        )
    })?;
    let uploaded_material = if uploaded_ca.is_empty() { None } else { Some(Material::read_within(uploaded_ca, password, &budget)?) };
    let uploaded = match &uploaded_material {
        None => None,
        Some(m) => match m.certificates.as_slice() {
            [one] => Some(&one.item),
            [] => return Err(StudioError::field("uploadedCa", "The file given as the CA uploaded to Azure holds no certificate.")),
            many => {
                return Err(StudioError::field(
                    "uploadedCa",
                    format!(
                        "The file given as the CA uploaded to Azure holds {} certificates; the portal takes one CA certificate: choose the one you uploaded.",
                        many.len()
                    ),
                ));
            }
        },
    };
    let given = Given {
        sent: material.certificates.iter().map(|c| ReadCertificate { certificate: &c.item, der: &c.der }).collect(),
        uploaded: uploaded_material
            .as_ref()
            .and_then(|m| m.certificates.first())
            .map(|c| ReadCertificate { certificate: &c.item, der: &c.der }),
    };
    let others: Vec<&Certificate> = sent.iter().copied().filter(|c| !std::ptr::eq(*c, device)).collect();

    let (link, mut checked) = match uploaded {
        Some(ca) => {
            let link = link_to_uploaded_ca(device, &others, ca, &given);
            let mut checked = match &link {
                UploadedCaLink::Reached(p) | UploadedCaLink::OtherRoot(p) | UploadedCaLink::Incomplete(p) => p.clone(),
            };
            if !checked.iter().any(|c| same_ca(c, ca)) {
                checked.push(ca);
            }
            (Some(link), checked)
        }
        None => {
            let mut path = vec![device];
            path.extend(given.above(device, &others));
            (None, path)
        }
    };
    checked.dedup_by(|a, b| std::ptr::eq(*a, *b));

    let mut rules = vec![
        issued_under(&link, uploaded, &given),
        chain_sent(&link, &checked, &given),
        registration_id(device),
        validity(&checked, &given, now_unix),
        client_auth(device),
        rsa_key_size(&checked, &given),
        sha2_signatures(&checked, uploaded, &given),
        iot_edge_1_1_expiry(&checked, &given),
    ];
    rules.sort_by_key(|r| PREFLIGHT_RULES.iter().position(|p| p.id == r.rule.id));
    if let Some(scenario) = event_grid {
        let issued = uploaded.map(|ca| given.above(device, &[ca]).first().is_some_and(|c| same_ca(c, ca)));
        let checks = scenario.checks(&CertificateNames::read(device)?, issued, uploaded.map(|ca| given.of(ca)).as_deref());
        let status = |passed| match passed {
            Some(true) => RuleStatus::Passed,
            Some(false) => RuleStatus::Failed,
            None => RuleStatus::NotChecked,
        };
        rules.extend(checks.into_iter().map(|c| result(c.rule, status(c.passed), c.detail)));
    }
    Ok(Preflight {
        device: given.of(device),
        uploaded_ca: uploaded.map(|ca| given.of(ca)),
        ok: rules.iter().all(|r| r.status != RuleStatus::Failed),
        rules,
    })
}

fn issued_under(link: &Option<UploadedCaLink<'_>>, uploaded: Option<&Certificate>, given: &Given<'_>) -> RuleResult {
    let rule = rule::ISSUED_UNDER_UPLOADED_CA;
    let (Some(link), Some(ca)) = (link, uploaded) else {
        return result(rule, RuleStatus::NotChecked, "Add the certificate of the CA uploaded to Azure to check this.".into());
    };
    match link {
        UploadedCaLink::Reached(path) => result(rule, RuleStatus::Passed, format!("Issued under the uploaded CA: {}.", given.path(path))),
        UploadedCaLink::OtherRoot(path) => result(
            rule,
            RuleStatus::Failed,
            format!(
                "The chain {} ends at another root, not at the uploaded CA ({}): upload and verify that root, or issue the device under the uploaded CA.",
                given.path(path),
                describe_name(ca.tbs_certificate().subject())
            ),
        ),
        UploadedCaLink::Incomplete(path) => {
            let top = path.last().copied().unwrap_or(ca);
            if top.tbs_certificate().issuer() == ca.tbs_certificate().subject() {
                result(
                    rule,
                    RuleStatus::Failed,
                    format!(
                        "{} names the uploaded CA as its issuer, but its signature does not verify with the uploaded CA's key: it was issued by another CA of the same name.",
                        given.starting(top)
                    ),
                )
            } else {
                result(
                    rule,
                    RuleStatus::NotChecked,
                    format!(
                        "{} is issued by {}, which is not among the files: with the certificates between it and the uploaded CA missing, which CA issued the device can't be told.",
                        given.starting(top),
                        describe_name(top.tbs_certificate().issuer())
                    ),
                )
            }
        }
    }
}

fn chain_sent(link: &Option<UploadedCaLink<'_>>, checked: &[&Certificate], given: &Given<'_>) -> RuleResult {
    let rule = rule::CHAIN_TO_UPLOADED_CA;
    let missing = |top: &Certificate| {
        format!(
            "The files stop at {}, which is issued by {}: the device must send every certificate up to the CA uploaded to Azure (its full-chain file).",
            given.of(top),
            describe_name(top.tbs_certificate().issuer())
        )
    };
    match link {
        Some(UploadedCaLink::Reached(path)) => {
            result(rule, RuleStatus::Passed, format!("The chain reaches the uploaded CA: {}.", given.path(path)))
        }
        Some(UploadedCaLink::OtherRoot(_)) => result(
            rule,
            RuleStatus::NotChecked,
            "The device is not under the uploaded CA (see the next rule), so no chain it sends can reach it.".into(),
        ),
        Some(UploadedCaLink::Incomplete(path)) => result(rule, RuleStatus::Failed, missing(path.last().copied().unwrap_or(checked[0]))),
        None => {
            let top = checked.last().copied().unwrap_or(checked[0]);
            if given.self_signed(top) {
                result(
                    rule,
                    RuleStatus::Passed,
                    format!(
                        "The files chain up to a self-signed root ({}); sent whole, they reach whichever of these CAs was uploaded.",
                        given.path(checked)
                    ),
                )
            } else {
                result(
                    rule,
                    RuleStatus::NotChecked,
                    format!(
                        "{} That passes only if its issuer is the CA uploaded to Azure: add that CA's certificate to check.",
                        missing(top)
                    ),
                )
            }
        }
    }
}

fn registration_id(device: &Certificate) -> RuleResult {
    let rule = rule::REGISTRATION_ID;
    let Some(cn) = common_name_of(device) else {
        return result(
            rule,
            RuleStatus::Failed,
            "The device certificate has no CN; with X.509 attestation DPS takes the registration ID from it.".into(),
        );
    };
    match RegistrationId::parse("files", &cn) {
        Ok(id) => result(rule, RuleStatus::Passed, format!("CN \"{id}\" is a valid registration ID.")),
        Err(problem) => result(rule, RuleStatus::Failed, format!("The device's CN: {}", problem.message)),
    }
}

fn validity(checked: &[&Certificate], given: &Given<'_>, now_unix: u64) -> RuleResult {
    let rule = rule::VALIDITY;
    let mut problems = Vec::new();
    for certificate in checked {
        let window = certificate.tbs_certificate().validity();
        let (not_before, not_after) = (window.not_before.to_unix_duration().as_secs(), window.not_after.to_unix_duration().as_secs());
        if now_unix > not_after {
            problems.push(format!("{} expired on {}", given.starting(certificate), openssl_time(not_after)));
        } else if now_unix < not_before {
            problems.push(format!("{} is not valid until {}", given.starting(certificate), openssl_time(not_before)));
        }
    }
    if problems.is_empty() {
        let first_end =
            checked.iter().map(|c| c.tbs_certificate().validity().not_after.to_unix_duration().as_secs()).min().unwrap_or(now_unix);
        let which = if checked.len() == 1 { "The certificate is".to_string() } else { format!("All {} certificates are", checked.len()) };
        result(rule, RuleStatus::Passed, format!("{which} valid now; the first to expire does so on {}.", openssl_time(first_end)))
    } else {
        result(rule, RuleStatus::Failed, format!("{}.", problems.join("; ")))
    }
}

fn client_auth(device: &Certificate) -> RuleResult {
    let rule = rule::CLIENT_AUTH;
    let tbs = device.tbs_certificate();
    let shown = || {
        tbs.extensions()
            .and_then(|exts| exts.iter().find(|e| e.extn_id == ID_CE_EXT_KEY_USAGE))
            .map(|e| describe_extension(e).lines.join(", "))
            .unwrap_or_default()
    };
    match tbs.get_extension::<ExtendedKeyUsage>() {
        Ok(None) => result(rule, RuleStatus::Passed, "The device certificate has no extendedKeyUsage, which allows any use.".into()),
        Ok(Some((_, usage))) if usage.0.iter().any(|oid| *oid == ID_KP_CLIENT_AUTH || *oid == ANY_EXTENDED_KEY_USAGE) => {
            result(rule, RuleStatus::Passed, format!("extendedKeyUsage: {}.", shown()))
        }
        Ok(Some(_)) => result(
            rule,
            RuleStatus::Failed,
            format!("The device certificate's extendedKeyUsage is {}, without TLS Web Client Authentication (clientAuth).", shown()),
        ),
        Err(_) => result(rule, RuleStatus::Failed, "The device certificate's extendedKeyUsage can't be decoded.".into()),
    }
}

fn rsa_key_size(checked: &[&Certificate], given: &Given<'_>) -> RuleResult {
    let rule = rule::RSA_KEY_SIZE;
    let small: Vec<String> = checked
        .iter()
        .filter(|c| c.tbs_certificate().subject_public_key_info().algorithm.oid == RSA_ENCRYPTION)
        .filter_map(|c| {
            let bits = describe_public_key(c.tbs_certificate().subject_public_key_info()).bits?;
            (bits < MIN_RSA_BITS).then(|| format!("{} has an RSA key of {bits} bits", given.starting(c)))
        })
        .collect();
    if small.is_empty() {
        let keys: Vec<String> =
            checked.iter().map(|c| describe_public_key(c.tbs_certificate().subject_public_key_info()).summary).collect();
        result(rule, RuleStatus::Passed, format!("Keys: {}.", keys.join(", ")))
    } else {
        result(rule, RuleStatus::Failed, format!("{}; Azure needs at least {MIN_RSA_BITS}.", small.join("; ")))
    }
}

/// The signatures a verifier checks: each certificate's but a trust anchor's
/// (the uploaded CA, or a self-signed root), whose own signature nobody checks.
fn sha2_signatures(checked: &[&Certificate], uploaded: Option<&Certificate>, given: &Given<'_>) -> RuleResult {
    let rule = rule::SHA2_SIGNATURES;
    let verified: Vec<&&Certificate> =
        checked.iter().filter(|c| !given.self_signed(c) && !uploaded.is_some_and(|ca| same_ca(c, ca))).collect();
    let sha1: Vec<String> = verified
        .iter()
        .filter(|c| [SHA_1_WITH_RSA_ENCRYPTION, ECDSA_WITH_SHA_1, DSA_WITH_SHA_1].contains(&c.signature_algorithm().oid))
        .map(|c| format!("{} is signed with {}", given.starting(c), oid_name(&c.signature_algorithm().oid)))
        .collect();
    if sha1.is_empty() {
        let algorithms: Vec<String> = verified.iter().map(|c| oid_name(&c.signature_algorithm().oid)).collect();
        let shown = if algorithms.is_empty() { "none below the trust anchor".to_string() } else { algorithms.join(", ") };
        result(rule, RuleStatus::Passed, format!("Signatures checked: {shown}."))
    } else {
        result(rule, RuleStatus::Failed, format!("{}.", sha1.join("; ")))
    }
}

fn iot_edge_1_1_expiry(checked: &[&Certificate], given: &Given<'_>) -> RuleResult {
    let rule = rule::IOT_EDGE_1_1_EXPIRY;
    let not_after = |c: &Certificate| c.tbs_certificate().validity().not_after.to_unix_duration().as_secs();
    let late: Vec<String> = checked
        .iter()
        .filter(|c| not_after(c) >= IOT_EDGE_1_1_EXPIRY_LIMIT_UNIX)
        .map(|c| format!("{} expires on {}", given.starting(c), openssl_time(not_after(c))))
        .collect();
    if late.is_empty() {
        let last = checked.iter().map(|c| not_after(c)).max().unwrap_or(0);
        result(rule, RuleStatus::Passed, format!("The last certificate to expire does so on {}, before 2038.", openssl_time(last)))
    } else {
        result(rule, RuleStatus::Failed, format!("{}.", late.join("; ")))
    }
}
