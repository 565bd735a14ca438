//! Azure preflight: given a device's certificate or full chain and,
//! optionally, the CA uploaded to Azure, each rule DPS, IoT Hub and IoT Edge
//! 1.1 apply (`rules::azure_preflight`), passed, failed or not checkable from
//! what was given, with what was found and the error a person would see.

use const_oid::db::rfc5280::ID_CE_EXT_KEY_USAGE;
use const_oid::db::rfc5912::{DSA_WITH_SHA_1, RSA_ENCRYPTION, SHA_1_WITH_RSA_ENCRYPTION};
use serde::Serialize;
use x509_cert::Certificate;

use crate::error::{Result, StudioError};
use crate::judge::chain_verdict::{ChainProblem, ChainQuestion, ChainReport, ChainRule, Purpose, certificate_label, judge};
use crate::judge::describe::{describe_extension, describe_public_key};
use crate::read::budget::ReadBudget;
use crate::read::material::Material;
use crate::read::pem_file::InputFile;
use crate::rules::azure_preflight::{self as rule, MIN_RSA_BITS, PREFLIGHT_RULES, PreflightRule};
use crate::rules::event_grid::{CertificateNames, EventGridScenario};
use crate::rules::names::RegistrationId;
use crate::rules::validity::IOT_EDGE_1_1_EXPIRY_LIMIT_UNIX;
use crate::x509::facts::{common_name_of, is_ca, not_after_unix};
use crate::x509::oid::ECDSA_WITH_SHA_1;
use crate::x509::read_certificate::ReadCertificate;
use crate::x509::text::{describe_name, oid_name, openssl_time};
use crate::x509::verify::{is_self_signed, verify_certificate};

/// The Azure preflight: each rule DPS, IoT Hub and IoT Edge 1.1 apply to a
/// device's chain, on the chain verdict's path.
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

/// What the preflight found for one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleStatus {
    Passed,
    Failed,
    /// What was given can't tell (e.g. no uploaded CA); `detail` says what to add.
    NotChecked,
}

impl RuleStatus {
    /// Every status, for the check that the TypeScript union lists the same.
    pub const ALL: [RuleStatus; 3] = [Self::Passed, Self::Failed, Self::NotChecked];
}

/// One preflight rule with its status and what was found.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleResult {
    #[serde(flatten)]
    pub rule: PreflightRule,
    pub status: RuleStatus,
    /// What was found, naming the certificates concerned.
    pub detail: String,
}

/// How the device's certificate reaches the uploaded CA, read off the
/// verdict's path (built by rustls-webpki, or the studio's search).
#[derive(Debug)]
enum UploadedCaLink {
    /// From the device up to the uploaded CA (the sent copy, or the uploaded one).
    Reached,
    /// The path ends at a self-signed root that is not the uploaded CA.
    OtherRoot,
    /// The path stops at a certificate whose issuer is neither sent nor the uploaded CA.
    Incomplete,
}

/// The same CA: same subject and same public key (a renewed copy counts).
fn same_ca(a: &Certificate, b: &Certificate) -> bool {
    a.tbs_certificate().subject() == b.tbs_certificate().subject()
        && a.tbs_certificate().subject_public_key_info() == b.tbs_certificate().subject_public_key_info()
}

/// The certificates judged (those sent, then the uploaded CA unless one of
/// them is it), the verdict on them, and how to name each.
struct Judged<'a> {
    certificates: Vec<&'a ReadCertificate>,
    /// Index of the uploaded CA among `certificates`.
    uploaded: Option<usize>,
    /// How many of `certificates` were sent (the uploaded CA may follow).
    sent: usize,
    trusted: Vec<usize>,
    verdict: ChainReport,
}

impl<'a> Judged<'a> {
    fn certificate(&self, i: usize) -> &'a Certificate {
        &self.certificates[i].certificate
    }

    /// The verdict's path, 0-based, leaf first.
    fn path(&self) -> Vec<usize> {
        self.verdict.path.iter().map(|n| n - 1).collect()
    }

    fn reaches_trust(&self) -> bool {
        self.path().last().is_some_and(|top| self.trusted.contains(top))
    }

    /// The path, then the uploaded CA if it is not on it: what the Azure rules look at.
    fn checked(&self) -> Vec<usize> {
        let mut checked = self.path();
        if let Some(uploaded) = self.uploaded
            && !checked.iter().any(|&i| same_ca(self.certificate(i), self.certificate(uploaded)))
        {
            checked.push(uploaded);
        }
        checked
    }

    fn self_signed(&self, i: usize) -> bool {
        is_self_signed(self.certificate(i), &self.certificates[i].der)
    }

    fn of(&self, i: usize) -> String {
        certificate_label(i, Some(self.certificate(i)), i >= self.sent)
    }

    /// As the start of a sentence: `Certificate 2 (…)`.
    fn starting(&self, i: usize) -> String {
        capitalised(&self.of(i))
    }

    fn path_text(&self, path: &[usize]) -> String {
        path.iter().map(|&i| self.of(i)).collect::<Vec<_>>().join(" → ")
    }

    fn problems(&self, rule: ChainRule) -> impl Iterator<Item = &ChainProblem> {
        self.verdict.problems.iter().filter(move |p| p.rule == rule)
    }

    fn link(&self) -> Option<UploadedCaLink> {
        self.uploaded?;
        let top = *self.path().last()?;
        Some(if self.reaches_trust() && self.problems(ChainRule::Signature).next().is_none() {
            UploadedCaLink::Reached
        } else if self.self_signed(top) && !self.trusted.contains(&top) {
            UploadedCaLink::OtherRoot
        } else {
            UploadedCaLink::Incomplete
        })
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn result(rule: PreflightRule, status: RuleStatus, detail: String) -> RuleResult {
    RuleResult { rule, status, detail }
}

/// Checks `files` (the device's certificate or chain, PEM/DER/PFX) against
/// every rule; `uploaded_ca` is the file of the CA uploaded to Azure (none:
/// the rules that need it are not checked). `password` opens either.
pub fn preflight(files: &[InputFile<'_>], uploaded_ca: &[InputFile<'_>], password: Option<&str>, now_unix: u64) -> Result<Preflight> {
    let budget = ReadBudget::default();
    let material = Material::read_within(files, password, &budget)?;
    let uploaded = if uploaded_ca.is_empty() { None } else { Some(Material::read_within(uploaded_ca, password, &budget)?) };
    let uploaded = match &uploaded {
        None => None,
        Some(m) => Some(the_uploaded_ca(&m.certificates)?),
    };
    Ok(assess(&material.certificates, uploaded, now_unix)?.1)
}

/// Event Grid's rules (`rules::event_grid`) for the client among `files`,
/// after the Azure rules `preflight` holds: its name where `scenario`'s scheme
/// reads it, and the uploaded CA its immediate issuer.
pub fn add_event_grid_rules(
    preflight: &mut Preflight,
    files: &[InputFile<'_>],
    uploaded_ca: &[InputFile<'_>],
    password: Option<&str>,
    scenario: &EventGridScenario,
) -> Result<()> {
    let budget = ReadBudget::default();
    let material = Material::read_within(files, password, &budget)?;
    let Some(client) = material.certificates.iter().find(|c| !is_ca(&c.certificate)) else {
        return Ok(());
    };
    let uploaded = if uploaded_ca.is_empty() { None } else { Some(Material::read_within(uploaded_ca, password, &budget)?) };
    let issued = match &uploaded {
        Some(m) => Some(same_signer(client, the_uploaded_ca(&m.certificates)?)),
        None => None,
    };
    let checks = scenario.checks(&CertificateNames::read(&client.certificate)?, issued, preflight.uploaded_ca.as_deref());
    for check in checks {
        let status = match check.passed {
            Some(true) => RuleStatus::Passed,
            Some(false) => RuleStatus::Failed,
            None => RuleStatus::NotChecked,
        };
        preflight.rules.push(result(check.rule, status, check.detail));
    }
    preflight.ok = preflight.rules.iter().all(|r| r.status != RuleStatus::Failed);
    Ok(())
}

/// `ca` signed `client`: its name is the client's issuer and its key verifies the signature.
fn same_signer(client: &ReadCertificate, ca: &ReadCertificate) -> bool {
    client.certificate.tbs_certificate().issuer() == ca.certificate.tbs_certificate().subject()
        && verify_certificate(&client.der, ca.certificate.tbs_certificate().subject_public_key_info()).is_ok()
}

/// The one certificate of the uploaded CA's file, or the error naming `uploadedCa`.
pub fn the_uploaded_ca(certificates: &[ReadCertificate]) -> Result<&ReadCertificate> {
    match certificates {
        [one] => Ok(one),
        [] => Err(StudioError::field("uploadedCa", "The file given as the CA uploaded to Azure holds no certificate.")),
        many => Err(StudioError::field(
            "uploadedCa",
            format!(
                "The file given as the CA uploaded to Azure holds {} certificates; the portal takes one CA certificate: choose the one you uploaded.",
                many.len()
            ),
        )),
    }
}

/// The one judgement on certificates already read (Inspect reads them once):
/// the chain verdict with the uploaded CA as the trust anchor (or the
/// self-signed roots sent, without one), then each Azure rule on its path
/// and findings.
pub fn assess(sent: &[ReadCertificate], uploaded: Option<&ReadCertificate>, now_unix: u64) -> Result<(ChainReport, Preflight)> {
    let device = sent.iter().position(|c| !is_ca(&c.certificate)).ok_or_else(|| {
        StudioError::field(
            "files",
            "No device certificate among the files (every certificate is a CA): add the device's certificate or its full chain.",
        )
    })?;
    let mut certificates: Vec<&ReadCertificate> = sent.iter().collect();
    let uploaded_index = uploaded.map(|ca| match sent.iter().position(|c| c.der == ca.der) {
        Some(i) => i,
        None => {
            certificates.push(ca);
            certificates.len() - 1
        }
    });
    let trusted: Vec<usize> = match uploaded_index {
        Some(u) => (0..certificates.len()).filter(|&i| same_ca(&certificates[i].certificate, &certificates[u].certificate)).collect(),
        None => (0..certificates.len()).filter(|&i| is_self_signed(&certificates[i].certificate, &certificates[i].der)).collect(),
    };
    let ders: Vec<&[u8]> = certificates.iter().map(|c| c.der.as_slice()).collect();
    let verdict = judge(&ChainQuestion {
        certificates: &ders,
        leaf: device,
        trusted: &trusted,
        now_unix,
        purpose: Purpose::Device,
        uploaded_ca: uploaded_index.filter(|&u| u >= sent.len()),
    });
    let judged = Judged { certificates, uploaded: uploaded_index, sent: sent.len(), trusted, verdict };

    let sha2 = sha2_signatures(&judged);
    let mut rules = vec![
        issued_under(&judged),
        chain_sent(&judged),
        chain_accepted(&judged, sha2.status == RuleStatus::Failed),
        registration_id(judged.certificate(device)),
        validity(&judged),
        client_auth(&judged, device),
        rsa_key_size(&judged),
        sha2,
        iot_edge_1_1_expiry(&judged),
    ];
    rules.sort_by_key(|r| PREFLIGHT_RULES.iter().position(|p| p.id == r.rule.id));
    let preflight = Preflight {
        device: judged.of(device),
        uploaded_ca: uploaded_index
            .map(|u| format!("the uploaded CA ({})", describe_name(judged.certificate(u).tbs_certificate().subject()))),
        ok: rules.iter().all(|r| r.status != RuleStatus::Failed),
        rules,
    };
    Ok((judged.verdict, preflight))
}

fn issued_under(judged: &Judged<'_>) -> RuleResult {
    let rule = rule::ISSUED_UNDER_UPLOADED_CA;
    let (Some(link), Some(ca)) = (judged.link(), judged.uploaded) else {
        return result(rule, RuleStatus::NotChecked, "Add the certificate of the CA uploaded to Azure to check this.".into());
    };
    let path = judged.path();
    let top = *path.last().unwrap_or(&ca);
    match link {
        UploadedCaLink::Reached => result(rule, RuleStatus::Passed, format!("Issued under the uploaded CA: {}.", judged.path_text(&path))),
        UploadedCaLink::OtherRoot => result(
            rule,
            RuleStatus::Failed,
            format!(
                "The chain {} ends at another root, not at the uploaded CA ({}): upload and verify that root, or issue the device under the uploaded CA.",
                judged.path_text(&path),
                describe_name(judged.certificate(ca).tbs_certificate().subject())
            ),
        ),
        UploadedCaLink::Incomplete => {
            // The link whose signature fails, or the top naming the uploaded CA as its issuer.
            let forged = judged.problems(ChainRule::Signature).find_map(|p| p.certificates.first().map(|n| n - 1)).or_else(|| {
                (judged.certificate(top).tbs_certificate().issuer() == judged.certificate(ca).tbs_certificate().subject()).then_some(top)
            });
            match forged {
                Some(child) => result(
                    rule,
                    RuleStatus::Failed,
                    format!(
                        "{} names the uploaded CA as its issuer, but its signature does not verify with the uploaded CA's key: it was issued by another CA of the same name.",
                        judged.starting(child)
                    ),
                ),
                None => result(
                    rule,
                    RuleStatus::NotChecked,
                    format!(
                        "{} is issued by {}, which is not among the files: with the certificates between it and the uploaded CA missing, which CA issued the device can't be told.",
                        judged.starting(top),
                        describe_name(judged.certificate(top).tbs_certificate().issuer())
                    ),
                ),
            }
        }
    }
}

fn chain_sent(judged: &Judged<'_>) -> RuleResult {
    let rule = rule::CHAIN_TO_UPLOADED_CA;
    let path = judged.path();
    let top = *path.last().unwrap_or(&0);
    let missing = format!(
        "The files stop at {}, which is issued by {}: the device must send every certificate up to the CA uploaded to Azure (its full-chain file).",
        judged.of(top),
        describe_name(judged.certificate(top).tbs_certificate().issuer())
    );
    match judged.link() {
        Some(UploadedCaLink::Reached) => {
            result(rule, RuleStatus::Passed, format!("The chain reaches the uploaded CA: {}.", judged.path_text(&path)))
        }
        Some(UploadedCaLink::OtherRoot) => result(
            rule,
            RuleStatus::NotChecked,
            "The device is not under the uploaded CA (see the next rule), so no chain it sends can reach it.".into(),
        ),
        Some(UploadedCaLink::Incomplete) if judged.reaches_trust() => result(
            rule,
            RuleStatus::NotChecked,
            "The path reaches the uploaded CA's name, but a signature on it does not verify (see the next rule).".into(),
        ),
        Some(UploadedCaLink::Incomplete) => result(rule, RuleStatus::Failed, missing),
        None if judged.self_signed(top) => result(
            rule,
            RuleStatus::Passed,
            format!(
                "The files chain up to a self-signed root ({}); sent whole, they reach whichever of these CAs was uploaded.",
                judged.path_text(&path)
            ),
        ),
        None if path.len() == 1 => result(
            rule,
            RuleStatus::NotChecked,
            format!(
                "Sent alone, this certificate is refused with DPS 401002 \"CA certificate not found.\" unless the CA uploaded to Azure is its direct issuer, {}. If the uploaded CA is a root with intermediates below it, the device must send its full chain (its certificate, the intermediates, then the root: the studio's <id>-full-chain.cert.pem). Add the uploaded CA's certificate to check.",
                describe_name(judged.certificate(top).tbs_certificate().issuer())
            ),
        ),
        None => result(
            rule,
            RuleStatus::NotChecked,
            format!("{missing} That passes only if its issuer is the CA uploaded to Azure: add that CA's certificate to check."),
        ),
    }
}

/// The verdict's findings that a TLS server refuses and no other rule here
/// names: where the path ends is the two rules above's (when the uploaded CA
/// is given), dates are `validity`'s, extendedKeyUsage `client-auth`'s, and a
/// SHA-1 signature `sha2-signatures`'.
fn chain_accepted(judged: &Judged<'_>, sha1_failed: bool) -> RuleResult {
    let rule = rule::CHAIN_ACCEPTED;
    let named_elsewhere = |p: &ChainProblem| match p.rule {
        ChainRule::Validity | ChainRule::Eku => true,
        ChainRule::MissingIssuer | ChainRule::Root => judged.uploaded.is_some(),
        ChainRule::Signature => sha1_failed || judged.uploaded.is_some(),
        _ => false,
    };
    let refused: Vec<&ChainProblem> = judged.verdict.problems.iter().filter(|p| p.rule.server_refuses() && !named_elsewhere(p)).collect();
    if let Some(first) = refused.first() {
        let more = match refused.len() {
            1 => String::new(),
            n => format!(" ({} more in the chain verdict)", n - 1),
        };
        return result(rule, RuleStatus::Failed, format!("{}{more}", capitalised(&first.message)));
    }
    let profile: Vec<&str> = judged.verdict.problems.iter().filter(|p| !p.rule.server_refuses()).map(|p| p.rule.as_str()).collect();
    let note = if profile.is_empty() {
        String::new()
    } else {
        format!(" The chain verdict also lists RFC 5280 profile findings servers don't enforce ({}).", profile.join(", "))
    };
    result(rule, RuleStatus::Passed, format!("Path: {}.{note}", judged.path_text(&judged.path())))
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

/// The verdict's date findings on the path (checked there once).
fn validity(judged: &Judged<'_>) -> RuleResult {
    let rule = rule::VALIDITY;
    let problems: Vec<String> = judged.problems(ChainRule::Validity).map(|p| capitalised(p.message.trim_end_matches('.'))).collect();
    if !problems.is_empty() {
        return result(rule, RuleStatus::Failed, format!("{}.", problems.join("; ")));
    }
    let path = judged.path();
    let first_end = path.iter().map(|&i| not_after_unix(judged.certificate(i))).min().unwrap_or_default();
    let which = if path.len() == 1 { "The certificate is".to_string() } else { format!("All {} certificates are", path.len()) };
    result(rule, RuleStatus::Passed, format!("{which} valid now; the first to expire does so on {}.", openssl_time(first_end)))
}

/// The verdict's extendedKeyUsage findings: the device's, and a CA's above it that leaves clientAuth out.
fn client_auth(judged: &Judged<'_>, device: usize) -> RuleResult {
    let rule = rule::CLIENT_AUTH;
    let problems: Vec<String> = judged.problems(ChainRule::Eku).map(|p| capitalised(p.message.trim_end_matches('.'))).collect();
    if !problems.is_empty() {
        return result(rule, RuleStatus::Failed, format!("{}.", problems.join("; ")));
    }
    let tbs = judged.certificate(device).tbs_certificate();
    match tbs.extensions().and_then(|exts| exts.iter().find(|e| e.extn_id == ID_CE_EXT_KEY_USAGE)) {
        None => result(rule, RuleStatus::Passed, "The device certificate has no extendedKeyUsage, which allows any use.".into()),
        Some(e) => result(rule, RuleStatus::Passed, format!("extendedKeyUsage: {}.", describe_extension(e).lines.join(", "))),
    }
}

fn rsa_key_size(judged: &Judged<'_>) -> RuleResult {
    let rule = rule::RSA_KEY_SIZE;
    let checked = judged.checked();
    let spki = |i: usize| judged.certificate(i).tbs_certificate().subject_public_key_info();
    let small: Vec<String> = checked
        .iter()
        .filter(|&&i| spki(i).algorithm.oid == RSA_ENCRYPTION)
        .filter_map(|&i| {
            let bits = describe_public_key(spki(i)).bits?;
            (bits < MIN_RSA_BITS).then(|| format!("{} has an RSA key of {bits} bits", judged.starting(i)))
        })
        .collect();
    if small.is_empty() {
        let keys: Vec<String> = checked.iter().map(|&i| describe_public_key(spki(i)).summary).collect();
        result(rule, RuleStatus::Passed, format!("Keys: {}.", keys.join(", ")))
    } else {
        result(rule, RuleStatus::Failed, format!("{}; Azure needs at least {MIN_RSA_BITS}.", small.join("; ")))
    }
}

/// The signatures a verifier checks: each certificate's but a trust anchor's
/// (the uploaded CA, or a self-signed root), whose own signature nobody checks.
fn sha2_signatures(judged: &Judged<'_>) -> RuleResult {
    let rule = rule::SHA2_SIGNATURES;
    let verified: Vec<usize> = judged.checked().into_iter().filter(|&i| !judged.self_signed(i) && !judged.trusted.contains(&i)).collect();
    let algorithm = |i: usize| judged.certificate(i).signature_algorithm().oid;
    let sha1: Vec<String> = verified
        .iter()
        .filter(|&&i| [SHA_1_WITH_RSA_ENCRYPTION, ECDSA_WITH_SHA_1, DSA_WITH_SHA_1].contains(&algorithm(i)))
        .map(|&i| format!("{} is signed with {}", judged.starting(i), oid_name(&algorithm(i))))
        .collect();
    if sha1.is_empty() {
        let algorithms: Vec<String> = verified.iter().map(|&i| oid_name(&algorithm(i))).collect();
        let shown = if algorithms.is_empty() { "none below the trust anchor".to_string() } else { algorithms.join(", ") };
        result(rule, RuleStatus::Passed, format!("Signatures checked: {shown}."))
    } else {
        result(rule, RuleStatus::Failed, format!("{}.", sha1.join("; ")))
    }
}

fn iot_edge_1_1_expiry(judged: &Judged<'_>) -> RuleResult {
    let rule = rule::IOT_EDGE_1_1_EXPIRY;
    let checked = judged.checked();
    let not_after = |i: usize| not_after_unix(judged.certificate(i));
    let late: Vec<String> = checked
        .iter()
        .filter(|&&i| not_after(i) >= IOT_EDGE_1_1_EXPIRY_LIMIT_UNIX)
        .map(|&i| format!("{} expires on {}", judged.starting(i), openssl_time(not_after(i))))
        .collect();
    if late.is_empty() {
        let last = checked.iter().map(|&i| not_after(i)).max().unwrap_or(0);
        result(rule, RuleStatus::Passed, format!("The last certificate to expire does so on {}, before 2038.", openssl_time(last)))
    } else {
        result(rule, RuleStatus::Failed, format!("{}.", late.join("; ")))
    }
}
