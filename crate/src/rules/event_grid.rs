//! Event Grid namespaces' MQTT broker: its names (a client, a CA certificate,
//! the namespace and resource group the az script names), the forms an
//! authentication name takes in each validation scheme, the client list as a
//! person writes it (`name` or `name=authentication-name`, ranges), and the
//! preflight rules the broker applies to a client's certificate. Every check
//! is a pure function; an error names its field.

use std::collections::HashMap;
use std::net::IpAddr;

use x509_cert::Certificate;
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::ext::pkix::name::GeneralName;

use crate::error::{Result, StudioError};
use crate::rules::azure_preflight::{PreflightRule, PreflightRuleId};
use crate::rules::device_list::expand_range;
use crate::rules::names::MAX_COMMON_NAME_CHARS;
use crate::x509::facts::{common_name_of, thumbprint_sha256};
use crate::x509::text::visible;

/// The most clients one request may make (each gets its own key).
pub const MAX_CLIENTS: usize = 1_000;

/// Which certificate field the broker reads a client's authentication name
/// from (or, for a self-signed client, that it matches its thumbprint).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ValidationScheme {
    #[default]
    Subject,
    Dns,
    Uri,
    Ip,
    Email,
    Thumbprint,
}

impl ValidationScheme {
    pub const ALL: [Self; 6] = [Self::Subject, Self::Dns, Self::Uri, Self::Ip, Self::Email, Self::Thumbprint];

    /// The studio's id (`--validation`, the form's value).
    pub fn id(self) -> &'static str {
        match self {
            Self::Subject => "subject",
            Self::Dns => "dns",
            Self::Uri => "uri",
            Self::Ip => "ip",
            Self::Email => "email",
            Self::Thumbprint => "thumbprint",
        }
    }

    /// Event Grid's name for it (`validationScheme`).
    pub fn azure_name(self) -> &'static str {
        match self {
            Self::Subject => "SubjectMatchesAuthenticationName",
            Self::Dns => "DnsMatchesAuthenticationName",
            Self::Uri => "UriMatchesAuthenticationName",
            Self::Ip => "IpMatchesAuthenticationName",
            Self::Email => "EmailMatchesAuthenticationName",
            Self::Thumbprint => "ThumbprintMatch",
        }
    }

    /// The certificate field the name goes in, as a person reads it.
    pub fn field_label(self) -> &'static str {
        match self {
            Self::Subject => "the subject's CN",
            Self::Dns => "a subjectAltName DNS name",
            Self::Uri => "a subjectAltName URI",
            Self::Ip => "a subjectAltName IP address",
            Self::Email => "a subjectAltName email (rfc822Name)",
            Self::Thumbprint => "the certificate's SHA-256 thumbprint",
        }
    }

    pub fn parse(field: &str, id: &str) -> Result<Self> {
        Self::ALL.into_iter().find(|s| s.id() == id || s.azure_name() == id).ok_or_else(|| {
            StudioError::field(
                field,
                format!("\"{}\" is not a validation scheme; choose one of {}.", visible(id), Self::ALL.map(Self::id).join(", ")),
            )
        })
    }

    /// Clients of this scheme are issued by a CA uploaded to the namespace.
    pub fn uses_ca(self) -> bool {
        self != Self::Thumbprint
    }

    /// A client name can stand for the authentication name (subject, DNS, thumbprint).
    fn name_can_default(self) -> bool {
        matches!(self, Self::Subject | Self::Dns | Self::Thumbprint)
    }
}

fn show(text: &str) -> String {
    format!("\"{}\"", visible(text))
}

/// The first character outside `allowed`, as a message shows it.
fn first_outside(text: &str, allowed: impl Fn(char) -> bool) -> Option<String> {
    text.chars().find(|&c| !allowed(c)).map(|c| if c == ' ' { "a space".into() } else { format!("'{}'", visible(&c.to_string())) })
}

/// A client resource's name: 1–128 of letters, digits and `- : . _`
/// (Event Grid's rule), not starting with `-` (az would read it as a flag).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientName(String);

impl ClientName {
    pub fn parse(field: &str, name: &str) -> Result<Self> {
        let refuse = |why: String| Err(StudioError::field(field, format!("Client name {} {why}", show(name))));
        let n = name.chars().count();
        if !(1..=128).contains(&n) {
            return refuse(format!("has {n} characters; Event Grid takes 1 to 128."));
        }
        if let Some(bad) = first_outside(name, |c| c.is_ascii_alphanumeric() || matches!(c, '-' | ':' | '.' | '_')) {
            return refuse(format!("contains {bad}; Event Grid allows only letters, digits and - : . _"));
        }
        if name.starts_with('-') {
            return refuse("starts with -, which az would read as a flag; start it with a letter or digit.".into());
        }
        Ok(Self(name.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// As a file name: `:` becomes `_` (Windows can't hold it).
    pub fn stem(&self) -> String {
        self.0.replace(':', "_")
    }
}

impl std::fmt::Display for ClientName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The name a CA certificate is uploaded under: 3–50 letters, digits and `-`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaCertificateName(String);

impl CaCertificateName {
    pub fn parse(field: &str, name: &str) -> Result<Self> {
        let n = name.chars().count();
        let why = if !(3..=50).contains(&n) {
            Some(format!("has {n} characters; Event Grid takes 3 to 50"))
        } else {
            first_outside(name, |c| c.is_ascii_alphanumeric() || c == '-')
                .map(|bad| format!("contains {bad}; Event Grid allows only letters, digits and -"))
        };
        match why {
            Some(why) => Err(StudioError::field(field, format!("CA certificate name {} {why}.", show(name)))),
            None => Ok(Self(name.into())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The namespace the script names: 3–50 letters, digits and `-`, as Event Grid requires.
pub fn check_namespace_name(field: &str, name: &str) -> Result<()> {
    CaCertificateName::parse(field, name)
        .map(|_| ())
        .map_err(|e| StudioError::field(field, e.message.replace("CA certificate name", "Namespace name")))
}

/// A resource group: 1–90 letters, digits and `- _ . ( )`, not ending in `.` (Azure's rule).
pub fn check_resource_group(field: &str, name: &str) -> Result<()> {
    let n = name.chars().count();
    let why = if !(1..=90).contains(&n) {
        Some(format!("has {n} characters; Azure takes 1 to 90"))
    } else if let Some(bad) = first_outside(name, |c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '(' | ')')) {
        Some(format!("contains {bad}; Azure allows only letters, digits and - _ . ( )"))
    } else if name.ends_with('.') || name.starts_with('-') {
        Some("starts with - or ends with .; Azure refuses both".into())
    } else {
        None
    };
    match why {
        Some(why) => Err(StudioError::field(field, format!("Resource group {} {why}.", show(name)))),
        None => Ok(()),
    }
}

/// A DNS host name: labels of letters, digits and `-` (not at either end), joined by dots.
fn dns_problem(name: &str) -> Option<String> {
    if name.is_empty() || name.len() > 253 {
        return Some("must have 1 to 253 characters".into());
    }
    for label in name.split('.') {
        if label.is_empty() || label.len() > 63 {
            return Some("has an empty label or one longer than 63 characters".into());
        }
        if let Some(bad) = first_outside(label, |c| c.is_ascii_alphanumeric() || c == '-') {
            return Some(format!("contains {bad}; a DNS name holds letters, digits and - in labels joined by dots"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Some("has a label starting or ending with -".into());
        }
    }
    None
}

/// What RFC 3986 allows in a URI outside `%XX` escapes.
fn uri_character(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=".contains(c)
}

fn uri_problem(uri: &str) -> Option<String> {
    let Some((scheme, rest)) = uri.split_once(':') else {
        return Some("has no scheme; a URI starts with one, like urn:contoso:cam-2 or https://contoso.com/cam-2".into());
    };
    let mut scheme_chars = scheme.chars();
    let scheme_ok = scheme_chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme_chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok {
        return Some(format!(
            "has no valid scheme before its first ':' ({}); a scheme is a letter, then letters, digits, + - .",
            show(scheme)
        ));
    }
    if rest.is_empty() {
        return Some("has nothing after its scheme".into());
    }
    if let Some(bad) = first_outside(rest, |c| uri_character(c) || c == '%') {
        return Some(format!("contains {bad}, which a URI holds only %-encoded"));
    }
    let bytes = rest.as_bytes();
    for (i, _) in rest.match_indices('%') {
        if !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit) && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit)) {
            return Some("has a % not followed by two hexadecimal digits".into());
        }
    }
    None
}

fn email_problem(email: &str) -> Option<String> {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return Some("has no @; an email address is like hub-3@contoso.com".into());
    };
    if local.is_empty() || local.len() > 64 {
        return Some("has a part before @ that is empty or longer than 64 characters".into());
    }
    if let Some(bad) = first_outside(local, |c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '-')) {
        return Some(format!("contains {bad} before the @; the studio writes letters, digits and . _ + - there"));
    }
    dns_problem(domain).map(|p| format!("has a domain that {p}"))
}

/// A client's authentication name, checked for the form its scheme reads:
/// a CN (letters, digits and `- . _ : @`, at most 64), a DNS name, a URI
/// with a scheme, an IP address (written as it is canonically, since the
/// broker compares text), or an email address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthenticationName {
    pub scheme: ValidationScheme,
    value: String,
}

impl AuthenticationName {
    pub fn parse(field: &str, scheme: ValidationScheme, text: &str) -> Result<Self> {
        let refuse = |why: String| {
            Err(StudioError::field(
                field,
                format!("Authentication name {} {why} ({} reads it from {}).", show(text), scheme.id(), scheme.field_label()),
            ))
        };
        let problem = match scheme {
            ValidationScheme::Subject | ValidationScheme::Thumbprint => {
                let n = text.chars().count();
                if !(1..=MAX_COMMON_NAME_CHARS).contains(&n) {
                    Some(format!("has {n} characters; as a CN it takes 1 to {MAX_COMMON_NAME_CHARS}"))
                } else {
                    first_outside(text, |c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | ':' | '@'))
                        .map(|bad| format!("contains {bad}; the studio writes letters, digits and - . _ : @ there"))
                }
            }
            ValidationScheme::Dns => dns_problem(text).map(|p| format!("is not a DNS name: it {p}")),
            ValidationScheme::Uri => uri_problem(text).map(|p| format!("is not a URI: it {p}")),
            ValidationScheme::Email => email_problem(text).map(|p| format!("is not an email address: it {p}")),
            ValidationScheme::Ip => match text.parse::<IpAddr>() {
                Err(_) => Some("is not an IPv4 or IPv6 address (like 10.0.0.7 or 2001:db8::7)".into()),
                Ok(ip) if ip.to_string() != text => Some(format!("is written unlike the broker compares it: write {}", ip)),
                Ok(_) => None,
            },
        };
        match problem {
            Some(why) => refuse(why),
            None if text.starts_with('-') => refuse("starts with -, which az would read as a flag".into()),
            None => Ok(Self { scheme, value: text.into() }),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The address, for the IP scheme.
    pub fn ip(&self) -> Option<IpAddr> {
        (self.scheme == ValidationScheme::Ip).then(|| self.value.parse().ok()).flatten()
    }
}

/// One client as the list names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientEntry {
    pub name: ClientName,
    pub authentication_name: AuthenticationName,
}

/// The clients of `entries` (`name`, `name=authentication-name`, or a range
/// `meter-{01..20}` standing for names), checked for `scheme`; every problem
/// comes back at once, naming its entry.
pub fn parse_clients(field: &str, scheme: ValidationScheme, entries: &[String]) -> Result<Vec<ClientEntry>> {
    let entries: Vec<&str> = entries.iter().map(|e| e.trim()).filter(|e| !e.is_empty()).collect();
    if entries.is_empty() {
        return Err(StudioError::field(field, "Add at least one client name."));
    }
    let mut clients = Vec::new();
    let mut problems = Vec::new();
    let mut names_seen: HashMap<String, String> = HashMap::new();
    let mut authentication_seen: HashMap<String, String> = HashMap::new();
    for entry in entries {
        let (names, given) = match entry.split_once('=') {
            Some((name, authentication)) if !name.contains(['{', '}']) => (vec![name.trim().to_string()], Some(authentication.trim())),
            Some(_) => {
                problems.push(format!(
                    "{}: a range names several clients, which can't share one authentication name; list them one by one",
                    show(entry)
                ));
                continue;
            }
            None => match expand_range::<MAX_CLIENTS>(entry, MAX_CLIENTS.saturating_sub(clients.len())) {
                Ok(Some(names)) => (names, None),
                Ok(None) => (vec![entry.to_string()], None),
                Err(why) => {
                    problems.push(why.replace("devices", "clients"));
                    continue;
                }
            },
        };
        for name in names {
            let checked = ClientName::parse(field, &name).and_then(|name| {
                let text = match given {
                    Some(text) => text.to_string(),
                    None if scheme.name_can_default() => name.as_str().to_string(),
                    None => {
                        return Err(StudioError::field(
                            field,
                            format!(
                                "Client {} needs an authentication name: {} reads it from {}; write {}=<name>, e.g. {}.",
                                show(name.as_str()),
                                scheme.id(),
                                scheme.field_label(),
                                name,
                                example(scheme, &name)
                            ),
                        ));
                    }
                };
                Ok(ClientEntry { authentication_name: AuthenticationName::parse(field, scheme, &text)?, name })
            });
            match checked {
                Err(e) => problems.push(e.message),
                Ok(client) => {
                    let key = client.name.stem().to_lowercase();
                    if let Some(earlier) = names_seen.insert(key, client.name.to_string()) {
                        problems.push(format!(
                            "Client {} repeats {} (names that differ in case or in : and _ share files)",
                            show(client.name.as_str()),
                            show(&earlier)
                        ));
                    } else if let Some(earlier) =
                        authentication_seen.insert(client.authentication_name.as_str().to_lowercase(), client.name.to_string())
                    {
                        problems.push(format!(
                            "Client {} has the authentication name {} of client {}; each client needs its own",
                            show(client.name.as_str()),
                            show(client.authentication_name.as_str()),
                            show(&earlier)
                        ));
                    } else {
                        clients.push(client);
                    }
                }
            }
        }
        if clients.len() > MAX_CLIENTS {
            problems.push(format!("More than {MAX_CLIENTS} clients; make them in several runs"));
            break;
        }
    }
    if problems.is_empty() {
        return Ok(clients);
    }
    let shown: Vec<&str> = problems.iter().take(10).map(String::as_str).collect();
    let more = if problems.len() > 10 { format!(" (and {} more)", problems.len() - 10) } else { String::new() };
    Err(StudioError::field(field, format!("{}{more}", shown.join("; "))))
}

fn example(scheme: ValidationScheme, name: &ClientName) -> String {
    match scheme {
        ValidationScheme::Uri => format!("{name}=urn:contoso:{}", name.stem().replace('_', "-")),
        ValidationScheme::Ip => format!("{name}=10.0.0.7"),
        _ => format!("{name}={}@contoso.com", name.stem().replace(['_', ':'], "-")),
    }
}

/// A certificate's SHA-256 thumbprint as Event Grid's `allowedThumbprints`
/// holds it (and `step certificate fingerprint` prints it): 64 lower-case hex digits.
pub fn event_grid_thumbprint(upper_hex: &str) -> String {
    upper_hex.to_ascii_lowercase()
}

pub const AUTHENTICATION_NAME_IN_CERTIFICATE: PreflightRule = PreflightRule {
    id: PreflightRuleId::EventGridAuthenticationName,
    title: "The client's authentication name is where its validation scheme reads it (subject CN, SAN DNS, URI, IP or email), or its SHA-256 thumbprint is the registered one",
    applies_to: "Event Grid MQTT broker",
    azure_code: None,
    azure_error: "The broker refuses the CONNECT: MQTT v5 reason 0x86 Bad user name or password / 0x87 Not authorized (MQTT 3.1.1: return code 4 or 5)",
};

pub const UPLOADED_CA_IS_ISSUER: PreflightRule = PreflightRule {
    id: PreflightRuleId::EventGridImmediateIssuer,
    title: "The CA certificate uploaded to the namespace is the client certificate's immediate issuer",
    applies_to: "Event Grid MQTT broker",
    azure_code: None,
    azure_error: "The broker refuses the client certificate during the TLS handshake or the CONNECT (not authorized)",
};

/// What the preflight found for one Event Grid rule: `None` when it can't be told from what was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventGridCheck {
    pub rule: PreflightRule,
    pub passed: Option<bool>,
    pub detail: String,
}

/// The names a client certificate carries, read by the caller from it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CertificateNames {
    pub common_name: Option<String>,
    pub dns: Vec<String>,
    pub uris: Vec<String>,
    pub ips: Vec<IpAddr>,
    pub emails: Vec<String>,
    /// Upper-case hex, as the studio's thumbprints are.
    pub sha256: String,
}

impl CertificateNames {
    /// The CN, the subjectAltName entries the schemes read, and the SHA-256 thumbprint.
    pub fn read(certificate: &Certificate) -> Result<Self> {
        let mut names = Self { common_name: common_name_of(certificate), sha256: thumbprint_sha256(certificate)?, ..Self::default() };
        if let Ok(Some((_, SubjectAltName(entries)))) = certificate.tbs_certificate().get_extension::<SubjectAltName>() {
            for entry in entries {
                match entry {
                    GeneralName::DnsName(name) => names.dns.push(name.to_string()),
                    GeneralName::UniformResourceIdentifier(uri) => names.uris.push(uri.to_string()),
                    GeneralName::Rfc822Name(email) => names.emails.push(email.to_string()),
                    GeneralName::IpAddress(octets) => match octets.as_bytes() {
                        &[a, b, c, d] => names.ips.push(IpAddr::from([a, b, c, d])),
                        bytes => {
                            if let Ok(v6) = <[u8; 16]>::try_from(bytes) {
                                names.ips.push(IpAddr::from(v6));
                            }
                        }
                    },
                    _ => {}
                }
            }
        }
        Ok(names)
    }
}

/// What Inspect's preflight checks for an Event Grid client: its scheme and
/// the name (for the thumbprint scheme, the thumbprint) it is registered with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventGridScenario {
    pub scheme: ValidationScheme,
    pub registered: String,
}

impl EventGridScenario {
    pub fn parse(validation: &str, registered: &str) -> Result<Self> {
        let scheme = ValidationScheme::parse("eventGrid", validation)?;
        if scheme == ValidationScheme::Thumbprint {
            let hex = registered.replace(':', "");
            if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(StudioError::field(
                    "eventGrid",
                    format!("Thumbprint {} is not a SHA-256 thumbprint (64 hexadecimal digits).", show(registered)),
                ));
            }
            return Ok(Self { scheme, registered: hex });
        }
        AuthenticationName::parse("eventGrid", scheme, registered).map(|name| Self { scheme, registered: name.as_str().into() })
    }

    /// Both Event Grid rules for a client certificate with `names`; `issued_by_uploaded`: whether the
    /// uploaded CA (`uploaded`, as the preflight names it) signed it, when one was given.
    pub fn checks(&self, names: &CertificateNames, issued_by_uploaded: Option<bool>, uploaded: Option<&str>) -> Vec<EventGridCheck> {
        vec![
            check_authentication_name(self.scheme, &self.registered, names),
            check_immediate_issuer(self.scheme, issued_by_uploaded, uploaded),
        ]
    }
}

/// The authentication name `expected` is in the field `scheme` reads (for
/// the thumbprint scheme, `expected` is the registered thumbprint).
pub fn check_authentication_name(scheme: ValidationScheme, expected: &str, names: &CertificateNames) -> EventGridCheck {
    let (found, present): (Vec<String>, bool) = match scheme {
        ValidationScheme::Subject => {
            let cn: Vec<String> = names.common_name.iter().cloned().collect();
            let present = cn.iter().any(|c| c == expected);
            (cn, present)
        }
        ValidationScheme::Dns => (names.dns.clone(), names.dns.iter().any(|d| d.eq_ignore_ascii_case(expected))),
        ValidationScheme::Uri => (names.uris.clone(), names.uris.iter().any(|u| u == expected)),
        ValidationScheme::Email => (names.emails.clone(), names.emails.iter().any(|e| e.eq_ignore_ascii_case(expected))),
        ValidationScheme::Ip => {
            let wanted = expected.parse::<IpAddr>().ok();
            (names.ips.iter().map(IpAddr::to_string).collect(), wanted.is_some_and(|w| names.ips.contains(&w)))
        }
        ValidationScheme::Thumbprint => {
            let wanted = expected.replace(':', "");
            let present = names.sha256.eq_ignore_ascii_case(&wanted);
            (vec![event_grid_thumbprint(&names.sha256)], present)
        }
    };
    let shown = if found.is_empty() { "none".to_string() } else { found.iter().map(|f| show(f)).collect::<Vec<_>>().join(", ") };
    let detail = if present {
        format!("{} holds {}.", capitalized(scheme.field_label()), show(expected))
    } else {
        format!("{} is {}; the client is registered with {}.", capitalized(scheme.field_label()), shown, show(expected))
    };
    EventGridCheck { rule: AUTHENTICATION_NAME_IN_CERTIFICATE, passed: Some(present), detail }
}

/// The uploaded CA issued the client certificate itself; `uploaded` names it
/// as the preflight does ("the uploaded CA (CN = …)").
pub fn check_immediate_issuer(scheme: ValidationScheme, uploaded_issued_client: Option<bool>, uploaded: Option<&str>) -> EventGridCheck {
    let rule = UPLOADED_CA_IS_ISSUER;
    let (passed, detail) = match (scheme.uses_ca(), uploaded_issued_client, uploaded) {
        (false, _, _) => (Some(true), "A thumbprint client is self-signed: no CA is uploaded for it.".into()),
        (true, Some(true), Some(ca)) => (Some(true), format!("{} signed the client certificate.", capitalized(ca))),
        (true, Some(false), Some(ca)) => (
            Some(false),
            format!(
                "{} did not sign the client certificate: upload the certificate that did (its intermediate), not the root.",
                capitalized(ca)
            ),
        ),
        _ => (None, "Add the CA certificate uploaded to the namespace to check this.".into()),
    };
    EventGridCheck { rule, passed, detail }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn names_follow_event_grids_rules() {
        ClientName::parse("clients", "a:b.c_d-1").unwrap();
        ClientName::parse("clients", &"a".repeat(128)).unwrap();
        for bad in ["", "../x", "a\"b", "a&b", "50%", "a\nb", "a b", "-x", &"a".repeat(129)] {
            assert_eq!(ClientName::parse("clients", bad).unwrap_err().field.as_deref(), Some("clients"), "{bad}");
        }
        CaCertificateName::parse("caName", "event-grid-ca-1").unwrap();
        for bad in ["ab", "a_b_c", "a.b.c", &"a".repeat(51), "ca\n1"] {
            assert!(CaCertificateName::parse("caName", bad).is_err(), "{bad}");
        }
        check_resource_group("resourceGroup", "my-rg_(1).x").unwrap();
        assert!(check_resource_group("resourceGroup", "rg.").is_err());
        assert!(check_namespace_name("namespace", "ns_1").unwrap_err().message.starts_with("Namespace name"));
    }

    #[test]
    fn authentication_names_take_their_schemes_form() {
        use ValidationScheme::*;
        for (scheme, good) in [
            (Dns, "client-1.contoso.com"),
            (Uri, "urn:contoso:cam-2"),
            (Uri, "https://x.test/a%20b?q=1&r"),
            (Ip, "10.0.0.7"),
            (Ip, "2001:db8::7"),
            (Email, "hub-3@contoso.com"),
            (Subject, "client-1"),
        ] {
            AuthenticationName::parse("clients", scheme, good).unwrap();
        }
        for (scheme, bad, says) in [
            (Uri, "contoso/cam-2", "no scheme"),
            (Uri, "1x:y", "valid scheme"),
            (Uri, "urn:a b", "a space"),
            (Uri, "urn:50%", "%"),
            (Ip, "10.0.0.256", "IPv4 or IPv6"),
            (Ip, "2001:DB8::7", "write 2001:db8::7"),
            (Email, "hub-3.contoso.com", "no @"),
            (Dns, "a_b.com", "'_'"),
            (Subject, "a\"b", "'\"'"),
        ] {
            let e = AuthenticationName::parse("clients", scheme, bad).unwrap_err();
            assert!(e.message.contains(says), "{bad}: {}", e.message);
        }
    }

    #[test]
    fn the_list_defaults_names_where_the_scheme_allows() {
        let clients =
            parse_clients("clients", ValidationScheme::Dns, &entries(&["client-1=client-1.contoso.com", "meter-{1..3}"])).unwrap();
        assert_eq!(clients.len(), 4);
        assert_eq!(clients[3].authentication_name.as_str(), "meter-3");
        let e = parse_clients("clients", ValidationScheme::Ip, &entries(&["meter-7"])).unwrap_err();
        assert!(e.message.contains("needs an authentication name") && e.message.contains("meter-7=10.0.0.7"), "{}", e.message);
        let e = parse_clients("clients", ValidationScheme::Subject, &entries(&["a", "A", "b=x", "c=x", "../etc"])).unwrap_err();
        assert!(e.message.contains("repeats") && e.message.contains("authentication name") && e.message.contains("'/'"), "{}", e.message);
        assert!(parse_clients("clients", ValidationScheme::Subject, &entries(&[" "])).is_err());
    }

    #[test]
    fn preflight_checks_read_the_schemes_field() {
        let names = CertificateNames {
            common_name: Some("cam-2".into()),
            uris: vec!["urn:contoso:cam-2".into()],
            ips: vec!["10.0.0.7".parse().unwrap()],
            sha256: "AB".repeat(32),
            ..CertificateNames::default()
        };
        assert_eq!(check_authentication_name(ValidationScheme::Uri, "urn:contoso:cam-2", &names).passed, Some(true));
        assert_eq!(check_authentication_name(ValidationScheme::Ip, "10.0.0.7", &names).passed, Some(true));
        let missing = check_authentication_name(ValidationScheme::Dns, "cam-2.contoso.com", &names);
        assert_eq!(missing.passed, Some(false));
        assert!(missing.detail.contains("none"), "{}", missing.detail);
        assert_eq!(check_authentication_name(ValidationScheme::Thumbprint, &"ab".repeat(32), &names).passed, Some(true));
        assert_eq!(check_immediate_issuer(ValidationScheme::Subject, Some(false), Some("the uploaded CA (CN = root)")).passed, Some(false));
        assert_eq!(check_immediate_issuer(ValidationScheme::Subject, None, None).passed, None);
    }
}
