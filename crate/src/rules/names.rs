//! The naming rules of DPS, IoT Hub and X.509 that a name must pass before it
//! goes into a certificate.

use crate::error::{Result, StudioError};
use crate::x509::text::visible;

/// RFC 5280 `ub-common-name`: a CN holds at most 64 characters.
pub const MAX_COMMON_NAME_CHARS: usize = 64;

/// A CA's common name: not empty, no surrounding spaces, at most 64 characters.
pub fn check_common_name(field: &str, label: &str, cn: &str) -> Result<()> {
    if cn.trim().is_empty() {
        return Err(StudioError::field(field, format!("{label} is empty: a certificate needs a common name.")));
    }
    if cn.trim() != cn {
        return Err(StudioError::field(field, format!("{label} \"{cn}\" starts or ends with a space; remove it.")));
    }
    if cn.chars().any(char::is_control) {
        return Err(StudioError::field(field, format!("{label} contains a control character.")));
    }
    let n = cn.chars().count();
    if n > MAX_COMMON_NAME_CHARS {
        return Err(StudioError::field(
            field,
            format!("{label} is {n} characters long; an X.509 common name holds at most {MAX_COMMON_NAME_CHARS}."),
        ));
    }
    Ok(())
}

/// A DPS registration ID that passed [`RegistrationId::parse`], the only way
/// to make one: letters, digits and `- . _ :`, ending in a letter, digit or
/// `-`, at most 64 characters (it is the device certificate's CN). So it is
/// safe as a file name stem and in every snippet; every file path and snippet
/// takes this type, never a bare string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegistrationId(String);

impl RegistrationId {
    /// Checks `id` against DPS's rules; an error names `field` and the rule.
    pub fn parse(field: &str, id: &str) -> Result<Self> {
        check_registration_id(field, id)?;
        Ok(Self(id.to_string()))
    }

    /// The registration ID a device certificate from someone else's file
    /// carries as its CN, checked before anything is named after it. The
    /// error names the file, the CN (control characters shown escaped) and the rule.
    pub fn from_certificate(field: &str, file: &str, common_name: Option<&str>) -> Result<Self> {
        let Some(cn) = common_name else {
            return Err(StudioError::field(field, format!("{file}: the certificate has no common name, so it names no registration ID.")));
        };
        Self::parse(field, cn).map_err(|e| {
            StudioError::field(
                field,
                format!("{file}: the certificate's common name \"{}\" is not a DPS registration ID, so the studio won't name files or snippets after it. {}", visible(cn), e.message),
            )
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// As a file name: `:` is legal in an ID but not in a Windows file name,
    /// so it becomes `_` (the tutorial asks the user to do so). Two IDs with
    /// the same stem (ignoring case) would overwrite each other's files.
    pub fn stem(&self) -> String {
        self.0.replace(':', "_")
    }
}

impl std::fmt::Display for RegistrationId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A DPS registration ID, which X.509 attestation uses as the device
/// certificate's CN: letters, digits and `- . _ :`, ending in a letter, digit
/// or `-`, and (as a CN) at most 64 characters. Messages show the ID with
/// control characters escaped.
fn check_registration_id(field: &str, id: &str) -> Result<()> {
    if id.is_empty() {
        return Err(StudioError::field(field, "A registration ID is empty: each device needs one."));
    }
    let shown_id = visible(id);
    if let Some(bad) = id.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | ':'))) {
        let shown = if bad == ' ' { "a space".to_string() } else { format!("'{}'", visible(&bad.to_string())) };
        return Err(StudioError::field(
            field,
            format!("Registration ID \"{shown_id}\" contains {shown}; DPS allows only letters, digits and - . _ :"),
        ));
    }
    let last = id.chars().last().unwrap_or('-');
    if !(last.is_ascii_alphanumeric() || last == '-') {
        return Err(StudioError::field(
            field,
            format!("Registration ID \"{id}\" ends with '{last}'; DPS requires the last character to be a letter, digit or -."),
        ));
    }
    let n = id.chars().count();
    if n > MAX_COMMON_NAME_CHARS {
        return Err(StudioError::field(
            field,
            format!(
                "Registration ID \"{id}\" is {n} characters long; as the certificate's common name it may have at most {MAX_COMMON_NAME_CHARS}."
            ),
        ));
    }
    Ok(())
}

/// A DNS name for a subjectAltName: labels of letters, digits and `-`, an
/// optional leading `*.` wildcard.
pub fn check_dns_name(name: &str) -> Result<()> {
    let bad = |rule: &str| Err(StudioError::field("dnsNames", format!("DNS name \"{name}\" {rule}")));
    let host = name.strip_prefix("*.").unwrap_or(name);
    if host.is_empty() || name.len() > 253 {
        return bad("must have 1 to 253 characters.");
    }
    for label in host.split('.') {
        if label.is_empty() || label.len() > 63 {
            return bad("has an empty label or one longer than 63 characters.");
        }
        if !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') || label.starts_with('-') || label.ends_with('-') {
            return bad("may hold only letters, digits and - (not at a label's start or end), in labels joined by dots.");
        }
    }
    Ok(())
}

/// How many hexadecimal digits the portal's verification codes have.
pub const VERIFICATION_CODE_DIGITS: usize = 48;

/// The portal's verification code: hexadecimal digits (48 of them, like
/// `1B1F84DE…`), which become the certificate's CN.
pub fn check_verification_code(code: &str) -> Result<()> {
    let field = |message: String| StudioError::field("verificationCode", message);
    let looks_like = format!(
        "a verification code is {VERIFICATION_CODE_DIGITS} hexadecimal digits (0-9, A-F), like 1B1F84DE79B9BD5F16D71E92709917C2A1CA19D5A156CB9F"
    );
    if code.is_empty() {
        return Err(field(format!("The verification code is empty: paste the code the portal shows; {looks_like}.")));
    }
    if let Some(bad) = code.chars().find(|c| !c.is_ascii_hexdigit()) {
        let shown = if bad.is_whitespace() { "a space".to_string() } else { format!("{bad:?}") };
        return Err(field(format!("The verification code \"{code}\" contains {shown}; {looks_like}. Copy it whole from the portal.")));
    }
    let n = code.len();
    if n > MAX_COMMON_NAME_CHARS {
        return Err(field(format!(
            "The verification code is {n} characters long; as a certificate's common name it may have at most {MAX_COMMON_NAME_CHARS}."
        )));
    }
    Ok(())
}

/// A valid code of an unusual length: made, but worth a second look.
pub fn verification_code_warning(code: &str) -> Option<String> {
    (code.len() != VERIFICATION_CODE_DIGITS).then(|| {
        format!("The code has {} digits; the portal's codes have {VERIFICATION_CODE_DIGITS}. Check that it was copied whole.", code.len())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tutorial_ids_pass() {
        for id in ["device-01", "custom-hsm-device-02", "a:b.c_d-", "X"] {
            check_registration_id("devices", id).unwrap();
        }
    }

    #[test]
    fn names_from_certificates_are_checked_and_shown_escaped() {
        let hostile = [
            "../../escaped\" & echo PWNED & rem \"",
            "..",
            "a/b",
            "C:\\Windows\\x",
            "$(touch x)",
            "`id`",
            "a\nb",
            "ab\u{202E}c",
            &"a".repeat(200),
        ];
        for cn in hostile {
            let e = RegistrationId::from_certificate("certificates", "evil.pem", Some(cn)).unwrap_err();
            assert_eq!(e.field.as_deref(), Some("certificates"));
            assert!(e.message.starts_with("evil.pem: the certificate's common name"), "{}", e.message);
            assert!(!e.message.contains('\n') && !e.message.contains('\u{202E}'), "{}", e.message);
        }
        let e = RegistrationId::from_certificate("certificates", "x.pem", Some("a\nb")).unwrap_err();
        assert!(e.message.contains("a\\x0Ab"), "{}", e.message);
        assert!(RegistrationId::from_certificate("certificates", "x.pem", None).unwrap_err().message.contains("no common name"));
        let id = RegistrationId::from_certificate("certificates", "x.pem", Some("dev:01")).unwrap();
        assert_eq!((id.as_str(), id.stem().as_str()), ("dev:01", "dev_01"));
    }

    #[test]
    fn broken_ids_name_the_rule() {
        let e = check_registration_id("devices", "my device").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("devices"));
        assert!(e.message.contains("a space"), "{}", e.message);
        let e = check_registration_id("devices", &"a".repeat(65)).unwrap_err();
        assert!(e.message.contains("65 characters") && e.message.contains("64"), "{}", e.message);
        check_registration_id("devices", &"a".repeat(64)).unwrap();
        let e = check_registration_id("devices", "dev.").unwrap_err();
        assert!(e.message.contains("last character"), "{}", e.message);
        let e = check_registration_id("devices", "dév").unwrap_err();
        assert!(e.message.contains("'é'"), "{}", e.message);
        assert!(check_registration_id("devices", "").is_err());
    }

    #[test]
    fn verification_codes_are_hexadecimal() {
        check_verification_code("1B1F84DE79B9BD5F16D71E92709917C2A1CA19D5A156CB9F").unwrap();
        let dots = check_verification_code("9D4A1C...").unwrap_err();
        assert_eq!(dots.field.as_deref(), Some("verificationCode"));
        assert!(dots.message.contains("'.'") && dots.message.contains("hexadecimal"), "{}", dots.message);
        assert!(check_verification_code("9D4A 1C").unwrap_err().message.contains("a space"));
        check_verification_code("9D4A1C").unwrap();
        assert!(verification_code_warning("9D4A1C").unwrap().contains("48"));
        assert_eq!(verification_code_warning("1B1F84DE79B9BD5F16D71E92709917C2A1CA19D5A156CB9F"), None);
    }

    #[test]
    fn common_name_limits() {
        check_common_name("rootCn", "Root CA name", "Azure IoT Hub CA Cert Test Only").unwrap();
        let e = check_common_name("rootCn", "Root CA name", &"é".repeat(65)).unwrap_err();
        assert!(e.message.contains("65 characters"), "{}", e.message);
        assert!(check_common_name("rootCn", "Root CA name", "  ").is_err());
        assert!(check_common_name("rootCn", "Root CA name", " x").is_err());
    }
}
