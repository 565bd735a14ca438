//! Verifying a bundle as a device would present it (leaf first, each
//! certificate followed by its issuer, root last): every link's names,
//! AKI/SKI, signature, the issuer's CA flag, keyUsage and pathlen, and every
//! certificate's validity. Each problem names the link and the rule.

use serde::Serialize;
use x509_cert::Certificate;
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, BasicConstraints, KeyUsage, KeyUsages};

use crate::x509::facts::subject_key_identifier;
use crate::x509::text::{describe_name, openssl_time};
use crate::x509::verify::{self, is_self_signed};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainProblem {
    /// The rule that fails: `order`, `issuer-name`, `missing-issuer`,
    /// `aki-ski`, `signature`, `basic-constraints`, `key-usage`, `pathlen`,
    /// `validity`, `root`.
    pub rule: &'static str,
    /// 1-based numbers of the certificates concerned: `[child, issuer]` for a
    /// link, one number for a single certificate.
    pub certificates: Vec<usize>,
    /// One sentence naming the link (`certificate 2 (CN = …) → certificate 3 (CN = …)`) and the rule.
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainReport {
    pub ok: bool,
    /// `OK: …` or the first problem.
    pub summary: String,
    pub problems: Vec<ChainProblem>,
}

fn label(index: usize, certificate: &Certificate) -> String {
    format!("certificate {} ({})", index + 1, describe_name(certificate.tbs_certificate().subject()))
}

fn aki_key_id(certificate: &Certificate) -> Option<Vec<u8>> {
    let (_, aki) = certificate.tbs_certificate().get_extension::<AuthorityKeyIdentifier>().ok()??;
    aki.key_identifier.map(|k| k.as_bytes().to_vec())
}

fn self_issued(certificate: &Certificate) -> bool {
    let tbs = certificate.tbs_certificate();
    tbs.subject() == tbs.issuer()
}

/// Checks `certificates` in the order given.
pub fn check_chain(certificates: &[Certificate], now_unix: u64) -> ChainReport {
    let mut problems = Vec::new();
    for (i, certificate) in certificates.iter().enumerate() {
        let validity = certificate.tbs_certificate().validity();
        let not_before = validity.not_before.to_unix_duration().as_secs();
        let not_after = validity.not_after.to_unix_duration().as_secs();
        if now_unix > not_after {
            problems.push(ChainProblem {
                rule: "validity",
                certificates: vec![i + 1],
                message: format!("{} expired on {}.", label(i, certificate), openssl_time(not_after)),
            });
        } else if now_unix < not_before {
            problems.push(ChainProblem {
                rule: "validity",
                certificates: vec![i + 1],
                message: format!("{} is not valid until {}.", label(i, certificate), openssl_time(not_before)),
            });
        }
    }
    for (i, pair) in certificates.windows(2).enumerate() {
        let [child, issuer] = pair else { continue };
        check_link(certificates, i, child, issuer, &mut problems);
    }
    if let Some(last) = certificates.last() {
        let n = certificates.len() - 1;
        if !self_issued(last) {
            problems.push(ChainProblem {
                rule: "root",
                certificates: vec![n + 1],
                message: format!(
                    "The bundle ends at {}, which is issued by {}: the certificates above it, up to the root, are missing.",
                    label(n, last),
                    describe_name(last.tbs_certificate().issuer())
                ),
            });
        } else if !is_self_signed(last) {
            problems.push(ChainProblem {
                rule: "signature",
                certificates: vec![n + 1],
                message: format!("{}: the root's self-signature does not verify.", label(n, last)),
            });
        }
    }
    problems.sort_by_key(|p| p.certificates.first().copied().unwrap_or(0));
    let summary = match problems.first() {
        Some(first) => first.message.clone(),
        None => format!(
            "OK: {} certificates chain to the self-signed root {}.",
            certificates.len(),
            certificates.last().map(|c| describe_name(c.tbs_certificate().subject())).unwrap_or_default()
        ),
    };
    ChainReport { ok: problems.is_empty(), summary, problems }
}

fn check_link(certificates: &[Certificate], i: usize, child: &Certificate, issuer: &Certificate, problems: &mut Vec<ChainProblem>) {
    let link = format!("{} → {}", label(i, child), label(i + 1, issuer));
    let mut fail = |rule: &'static str, why: String| {
        problems.push(ChainProblem { rule, certificates: vec![i + 1, i + 2], message: format!("{link}: {why}") })
    };
    let child_tbs = child.tbs_certificate();
    let issuer_tbs = issuer.tbs_certificate();
    if child_tbs.issuer() != issuer_tbs.subject() {
        let wanted = describe_name(child_tbs.issuer());
        let elsewhere = certificates.iter().position(|c| c.tbs_certificate().subject() == child_tbs.issuer());
        match elsewhere {
            Some(k) if k == i => fail(
                "order",
                format!(
                    "certificate {} is a self-signed root but is followed by another certificate: the bundle is in the wrong order (leaf first, each certificate followed by its issuer, root last).",
                    i + 1
                ),
            ),
            Some(k) => fail(
                "order",
                format!(
                    "certificate {} is issued by {wanted}, which is certificate {}: the bundle is in the wrong order (each certificate must be followed by its issuer).",
                    i + 1,
                    k + 1
                ),
            ),
            None => fail(
                "missing-issuer",
                format!(
                    "certificate {} is issued by {wanted}, but certificate {} is {}: the certificate of {wanted} is missing between them.",
                    i + 1,
                    i + 2,
                    describe_name(issuer_tbs.subject())
                ),
            ),
        }
        return;
    }
    if let (Some(aki), Some(ski)) = (aki_key_id(child), subject_key_identifier(issuer))
        && aki != ski
    {
        fail(
            "aki-ski",
            format!("the Authority Key Identifier of certificate {} is not the Subject Key Identifier of certificate {}.", i + 1, i + 2),
        );
    }
    if let Err(problem) = verify::verify_certificate(child, issuer_tbs.subject_public_key_info()) {
        fail("signature", format!("the signature of certificate {}: {}.", i + 1, problem.describe()));
    }
    let basic = issuer_tbs.get_extension::<BasicConstraints>().ok().flatten().map(|(_, b)| b);
    match basic {
        Some(b) if b.ca => {
            // pathlen counts the non-self-issued CA certificates below the issuer, the leaf excluded.
            if let Some(limit) = b.path_len_constraint {
                let below = certificates.iter().take(i + 1).skip(1).filter(|c| !self_issued(c)).count();
                if below > usize::from(limit) {
                    fail(
                        "pathlen",
                        format!("certificate {} allows pathlen:{limit} CA certificates below it, but {below} follow.", i + 2),
                    );
                }
            }
        }
        _ => fail(
            "basic-constraints",
            format!("certificate {} is not a CA (basicConstraints CA:TRUE is missing), so it can't issue certificates.", i + 2),
        ),
    }
    let usage = issuer_tbs.get_extension::<KeyUsage>().ok().flatten().map(|(_, u)| u);
    if usage.is_some_and(|u| !u.0.contains(KeyUsages::KeyCertSign)) {
        fail("key-usage", format!("the keyUsage of certificate {} lacks keyCertSign, so it may not sign certificates.", i + 2));
    }
}
