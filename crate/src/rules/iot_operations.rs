//! The names Azure IoT Operations' MQTT broker takes, each made only by its
//! rule: Kubernetes resource names (the ConfigMap of the trusted client CA,
//! the BrokerAuthentication), MQTT client names (a client certificate's CN,
//! its client ID and its key under `authorizationAttributes`), attribute
//! values, and the CA names the broker matches as `CN = …` text.
//!
//! Each is stricter than the service where the service is vague, so every
//! name is also a plain word in YAML, in `az`'s `a.b.c=value` notation, in a
//! file name and on a shell line.

use crate::error::{Result, StudioError};
use crate::rules::names::{MAX_COMMON_NAME_CHARS, check_common_name};
use crate::x509::text::visible;

/// Kubernetes' DNS label, which ARM's `^[a-z0-9][a-z0-9-]*[a-z0-9]$` for
/// IoT Operations resources also is: at most 63 characters.
pub const MAX_KUBERNETES_NAME_CHARS: usize = 63;

/// Where the broker's resources and the client CA's ConfigMap live.
pub const NAMESPACE: &str = "azure-iot-operations";

fn shown(c: char) -> String {
    if c == ' ' { "a space".into() } else { format!("'{}'", visible(&c.to_string())) }
}

/// A ConfigMap or BrokerAuthentication name: lower-case letters, digits and
/// `-`, starting and ending with a letter or digit, 1 to 63 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubernetesName(String);

impl KubernetesName {
    pub fn parse(field: &str, label: &str, name: &str) -> Result<Self> {
        let refuse = |why: String| Err(StudioError::field(field, format!("{label} \"{}\" {why}", visible(name))));
        if name.is_empty() {
            return Err(StudioError::field(field, format!("{label} is empty.")));
        }
        if let Some(bad) = name.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')) {
            return refuse(format!(
                "contains {}; Kubernetes names hold only lower-case letters, digits and - (like client-ca).",
                shown(bad)
            ));
        }
        if name.starts_with('-') || name.ends_with('-') {
            return refuse("starts or ends with -; Kubernetes names start and end with a letter or digit.".into());
        }
        let n = name.chars().count();
        if n > MAX_KUBERNETES_NAME_CHARS {
            return refuse(format!("is {n} characters long; at most {MAX_KUBERNETES_NAME_CHARS}."));
        }
        Ok(Self(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An MQTT client's name: its certificate's CN, the client ID it connects
/// with and its key in `authorizationAttributes` (which `az` addresses as
/// `<name>.subject`, so no `.`): letters, digits, `-` and `_`, starting with
/// a letter or digit, at most 64 characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct MqttClientName(String);

impl MqttClientName {
    pub fn parse(field: &str, name: &str) -> Result<Self> {
        word(field, "Client name", name)?;
        Ok(Self(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for MqttClientName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An authorization attribute's value (`group: thermostat_group`): the same
/// characters as a client name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeValue(String);

impl AttributeValue {
    pub fn parse(field: &str, label: &str, value: &str) -> Result<Self> {
        word(field, label, value)?;
        Ok(Self(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn word(field: &str, label: &str, text: &str) -> Result<()> {
    let refuse = |why: String| Err(StudioError::field(field, format!("{label} \"{}\" {why}", visible(text))));
    if text.is_empty() {
        return Err(StudioError::field(field, format!("{label} is empty.")));
    }
    if let Some(bad) = text.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))) {
        return refuse(format!("contains {}; use only letters, digits, - and _.", shown(bad)));
    }
    if !text.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return refuse("must start with a letter or digit.".into());
    }
    let n = text.chars().count();
    if n > MAX_COMMON_NAME_CHARS {
        return refuse(format!("is {n} characters long; at most {MAX_COMMON_NAME_CHARS}."));
    }
    Ok(())
}

/// A CA's common name that the broker matches as the subject text
/// `CN = <name>`: a common name (at most 64 characters, no surrounding
/// space) of letters, digits, spaces and `- _ . ( ) :`, so the text needs no
/// distinguished-name escaping (`,` `+` `=` `"` `\` …).
pub fn check_subject_common_name(field: &str, label: &str, cn: &str) -> Result<()> {
    check_common_name(field, label, cn)?;
    if let Some(bad) = cn.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | '(' | ')' | ':'))) {
        return Err(StudioError::field(
            field,
            format!(
                "{label} \"{}\" contains {}; the broker matches it as the text \"CN = …\", so use only letters, digits, spaces and - _ . ( ) :",
                visible(cn),
                shown(bad)
            ),
        ));
    }
    Ok(())
}

/// The subject text the broker compares with a certificate's (as OpenSSL's
/// one-line form writes a CN-only subject).
pub fn broker_subject(common_name: &str) -> String {
    format!("CN = {common_name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubernetes_names() {
        for good in ["client-ca", "x509-auth", "a", "fabrikam-ca-2"] {
            KubernetesName::parse("configMap", "ConfigMap name", good).unwrap();
        }
        for bad in ["", "Client-CA", "-ca", "ca-", "../ca", "client_ca", "a.b", "c\"a", "a&b", "50%", "a\nb", &"a".repeat(64)] {
            let e = KubernetesName::parse("configMap", "ConfigMap name", bad).unwrap_err();
            assert_eq!(e.field.as_deref(), Some("configMap"), "{bad:?}");
            assert!(!e.message.contains('\n'), "{}", e.message);
        }
    }

    #[test]
    fn client_names_and_values_are_plain_words() {
        MqttClientName::parse("clients", "thermostat").unwrap();
        AttributeValue::parse("clients", "Group", "thermostat_group").unwrap();
        for bad in ["", "../x", "a.b", "it's", "a\"b", "a&b", "50%", "a\nb", "-x", "a b", &"a".repeat(65)] {
            assert_eq!(MqttClientName::parse("clients", bad).unwrap_err().field.as_deref(), Some("clients"), "{bad:?}");
        }
    }

    #[test]
    fn subject_names_need_no_escaping() {
        check_subject_common_name("rootCn", "Root CA name", "Fabrikam Intermediate CA 1").unwrap();
        for bad in ["A, B", "A=B", "A\"B", "A & B", "50%", "A\nB", "A+B", "../x/y"] {
            assert_eq!(check_subject_common_name("rootCn", "Root CA name", bad).unwrap_err().field.as_deref(), Some("rootCn"), "{bad:?}");
        }
        assert_eq!(broker_subject("thermostat"), "CN = thermostat");
    }
}
