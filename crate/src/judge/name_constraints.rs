//! Name constraints (RFC 5280 §4.2.1.10, §6.1.4 (g)) as the chain verdict
//! explains them: which name of which certificate falls outside which CA's
//! permitted or excluded subtrees. DNS names, IP addresses, email addresses
//! and directory names are compared; a constraint on any other name form is
//! honoured by refusing the names of that form, as webpki does.

use std::mem::discriminant;

use der::Encode;
use x509_cert::Certificate;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{NameConstraints, SubjectAltName};
use x509_cert::name::Name;

use crate::x509::name_syntax::dns_name_syntax_ok;
use crate::x509::oid::EMAIL_ADDRESS;
use crate::x509::text::describe_name;

/// webpki's bound on name / constraint comparisons for one path.
pub const MOST_COMPARISONS: usize = 250_000;

/// A constraint that can't be honoured as written, as a phrase: `None` when it is well formed.
pub fn malformed(constraints: &NameConstraints) -> Option<String> {
    let empty = |subtrees: &Option<x509_cert::ext::pkix::constraints::name::GeneralSubtrees>| subtrees.as_ref().is_none_or(Vec::is_empty);
    if empty(&constraints.permitted_subtrees) && empty(&constraints.excluded_subtrees) {
        return Some("they hold neither permitted nor excluded subtrees (RFC 5280 §4.2.1.10 requires one)".into());
    }
    let subtrees = constraints.permitted_subtrees.iter().chain(&constraints.excluded_subtrees).flatten();
    subtrees.map(|s| &s.base).find_map(|base| match base {
        GeneralName::DnsName(dns) if !constraint_dns_ok(dns.as_str()) => {
            Some(format!("the DNS name constraint \"{}\" is not a domain name (RFC 5280 §4.2.1.10)", dns.as_str()))
        }
        GeneralName::IpAddress(ip) if !ip_constraint_ok(ip.as_bytes()) => {
            Some(format!("the IP address constraint {} is not an address and a contiguous mask of the same family", hex(ip.as_bytes())))
        }
        GeneralName::Rfc822Name(mail) if !email_constraint_ok(mail.as_str()) => {
            Some(format!("the email constraint \"{}\" is not a mailbox, host or domain", mail.as_str()))
        }
        _ => None,
    })
}

/// The first name of `certificate` outside `constraints`, as a phrase
/// (`the DNS name "x" is outside the permitted subtrees`); `comparisons` counts
/// the work done so far on the path.
pub fn first_violation(constraints: &NameConstraints, certificate: &Certificate, comparisons: &mut usize) -> Option<String> {
    for name in presented_names(certificate) {
        for (subtrees, permitted) in [(&constraints.permitted_subtrees, true), (&constraints.excluded_subtrees, false)] {
            let Some(subtrees) = subtrees else { continue };
            let same_form: Vec<&GeneralName> =
                subtrees.iter().map(|s| &s.base).filter(|b| discriminant(*b) == discriminant(&name)).collect();
            if same_form.is_empty() {
                continue;
            }
            *comparisons += same_form.len();
            if *comparisons > MOST_COMPARISONS {
                return Some(format!(
                    "its names and the constraints above it need more than {MOST_COMPARISONS} comparisons, more than a TLS server does"
                ));
            }
            let Some(matched) = same_form.iter().map(|base| matches(&name, base, permitted)).collect::<Option<Vec<bool>>>() else {
                return Some(format!("{} is under a name constraint of a form the studio and TLS servers don't compare", describe(&name)));
            };
            let any = matched.iter().any(|m| *m);
            if permitted && !any {
                return Some(format!("{} is outside the permitted subtrees", describe(&name)));
            }
            if !permitted && any {
                return Some(format!("{} is inside the excluded subtrees", describe(&name)));
            }
        }
    }
    None
}

/// The names a certificate presents: its subject, the subject's
/// emailAddress attributes, and every subjectAltName.
fn presented_names(certificate: &Certificate) -> Vec<GeneralName> {
    let tbs = certificate.tbs_certificate();
    let mut names = Vec::new();
    if tbs.subject().to_der().is_ok_and(|d| d.len() > 2) {
        names.push(GeneralName::DirectoryName(tbs.subject().clone()));
    }
    for attribute in tbs.subject().iter().filter(|a| a.oid == EMAIL_ADDRESS) {
        if let Ok(mail) = attribute.value.decode_as::<der::asn1::Ia5String>() {
            names.push(GeneralName::Rfc822Name(mail));
        }
    }
    if let Ok(Some((_, san))) = tbs.get_extension::<SubjectAltName>() {
        names.extend(san.0);
    }
    names
}

/// Whether `name` falls in the subtree `base` (same form); `None` for a form
/// not compared. For an excluded subtree a wildcard name matches when any name
/// it stands for would.
fn matches(name: &GeneralName, base: &GeneralName, permitted: bool) -> Option<bool> {
    Some(match (name, base) {
        (GeneralName::DnsName(n), GeneralName::DnsName(b)) => {
            let (n, b) = (n.as_str().to_ascii_lowercase(), b.as_str().to_ascii_lowercase());
            let wildcard_reaches = !permitted && n.strip_prefix("*.").is_some_and(|domain| dns_within(&b, domain));
            dns_within(&n, &b) || wildcard_reaches
        }
        (GeneralName::IpAddress(n), GeneralName::IpAddress(b)) => {
            let (n, b) = (n.as_bytes(), b.as_bytes());
            let (address, mask) = b.split_at(b.len() / 2);
            n.len() == address.len() && n.iter().zip(address).zip(mask).all(|((n, a), m)| n & m == a & m)
        }
        (GeneralName::Rfc822Name(n), GeneralName::Rfc822Name(b)) => email_within(n.as_str(), b.as_str()),
        (GeneralName::DirectoryName(n), GeneralName::DirectoryName(b)) => dn_within(n, b),
        _ => return None,
    })
}

/// `name` is `base` or below it (`base` empty: every name).
fn dns_within(name: &str, base: &str) -> bool {
    base.is_empty() || name == base || name.strip_suffix(base).is_some_and(|rest| rest.ends_with('.'))
}

/// RFC 5280 §4.2.1.10: `user@host` is one mailbox, `host` every mailbox on
/// that host, `.domain` every mailbox on a host below the domain.
fn email_within(name: &str, base: &str) -> bool {
    let Some((local, host)) = name.rsplit_once('@') else { return false };
    let host = host.to_ascii_lowercase();
    match base.rsplit_once('@') {
        Some((base_local, base_host)) => local == base_local && host == base_host.to_ascii_lowercase(),
        None => match base.strip_prefix('.') {
            Some(domain) => host.strip_suffix(&domain.to_ascii_lowercase()).is_some_and(|rest| rest.ends_with('.')),
            None => host == base.to_ascii_lowercase(),
        },
    }
}

/// The constraint's RDNs begin the name's.
fn dn_within(name: &Name, base: &Name) -> bool {
    let (name, base): (Vec<_>, Vec<_>) = (name.iter_rdn().collect(), base.iter_rdn().collect());
    base.len() <= name.len() && base.iter().zip(&name).all(|(b, n)| b == n)
}

fn constraint_dns_ok(base: &str) -> bool {
    base.is_empty() || dns_name_syntax_ok(base) && !base.starts_with('*')
}

fn ip_constraint_ok(bytes: &[u8]) -> bool {
    let (_, mask) = bytes.split_at(bytes.len() / 2);
    let bits: Vec<bool> = mask.iter().flat_map(|m| (0..8).rev().map(move |i| m >> i & 1 == 1)).collect();
    matches!(bytes.len(), 8 | 32) && bits.windows(2).all(|w| w[0] || !w[1])
}

fn email_constraint_ok(base: &str) -> bool {
    match base.rsplit_once('@') {
        Some((local, host)) => !local.is_empty() && !local.contains('@') && dns_name_syntax_ok(host),
        None => dns_name_syntax_ok(base.strip_prefix('.').unwrap_or(base)),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":")
}

fn describe(name: &GeneralName) -> String {
    match name {
        GeneralName::DnsName(n) => format!("the DNS name \"{}\"", n.as_str()),
        GeneralName::Rfc822Name(n) => format!("the email address \"{}\"", n.as_str()),
        GeneralName::IpAddress(n) => match n.as_bytes() {
            [a, b, c, d] => format!("the IP address {a}.{b}.{c}.{d}"),
            other => format!("the IP address {}", hex(other)),
        },
        GeneralName::DirectoryName(n) => format!("the name \"{}\"", describe_name(n)),
        GeneralName::UniformResourceIdentifier(n) => format!("the URI \"{}\"", n.as_str()),
        GeneralName::OtherName(n) => format!("the otherName {}", n.type_id),
        GeneralName::RegisteredId(oid) => format!("the registeredID {oid}"),
        GeneralName::EdiPartyName(_) => "an ediPartyName".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_their_subtrees() {
        assert!(dns_within("a.example.com", "example.com") && dns_within("example.com", "example.com"));
        assert!(!dns_within("badexample.com", "example.com") && dns_within("anything", ""));
        assert!(email_within("user@example.com", "example.com") && !email_within("user@sub.example.com", "example.com"));
        assert!(email_within("user@sub.example.com", ".example.com") && !email_within("user@example.com", ".example.com"));
        assert!(email_within("*@example.com", "*@example.com") && !email_within("foo@example.com", "*@example.com"));
        assert!(ip_constraint_ok(&[10, 0, 0, 0, 255, 0, 0, 0]) && !ip_constraint_ok(&[10, 0, 0, 0, 255, 0, 255, 0]));
        assert!(!ip_constraint_ok(&[10, 0, 0, 0]));
        assert!(!constraint_dns_ok(".example.com") && !constraint_dns_ok("*.example.com") && constraint_dns_ok("example.com"));
    }
}
