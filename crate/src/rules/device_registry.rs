//! Azure Device Registry certificate management (preview): its published
//! rules, each a pure function of what a certificate or CSR holds, for the
//! products that make its material and for Inspect's preflight.
//!
//! - A customer root (for a policy with an external CA): an ECC key on a
//!   named curve (P-256, P-384, P-521), signed with ECDSA and SHA-256 or
//!   stronger, v3, basicConstraints critical CA:TRUE pathLen 1, keyUsage with
//!   digitalSignature, keyCertSign and cRLSign, an SKI, an EKU (if any) with
//!   clientAuth, valid now and for at least 365 more days.
//! - The service's intermediate that root signs keeps the CSR's subject.
//! - A device sends a CSR at provisioning: EC P-384, CN = its registration ID,
//!   as base64 DER without PEM armour.

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5280::ANY_EXTENDED_KEY_USAGE;
use const_oid::db::rfc5280::ID_KP_CLIENT_AUTH;
use const_oid::db::rfc5912::{
    ECDSA_WITH_SHA_256, ECDSA_WITH_SHA_384, ECDSA_WITH_SHA_512, ID_EC_PUBLIC_KEY, SECP_256_R_1, SECP_384_R_1, SECP_521_R_1,
};
use der::asn1::ObjectIdentifier as Oid;
use spki::SubjectPublicKeyInfoOwned;
use x509_cert::Certificate;
use x509_cert::certificate::Version;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages, SubjectKeyIdentifier};

use crate::error::{Result, StudioError};
use crate::rules::azure_preflight::{PreflightRule, PreflightRuleId};
use crate::rules::names::RegistrationId;
use crate::x509::text::visible;

/// The root must have at least this many days left.
pub const MIN_ROOT_DAYS_LEFT: u64 = 365;
/// The root's pathLen: only the service's intermediate below it.
pub const ROOT_PATH_LEN: u8 = 1;

const CURVES: [(ObjectIdentifier, &str); 3] = [(SECP_256_R_1, "P-256"), (SECP_384_R_1, "P-384"), (SECP_521_R_1, "P-521")];

/// The named curve of an EC key, or why it has none (RSA, explicit parameters).
fn named_curve(spki: &SubjectPublicKeyInfoOwned) -> std::result::Result<&'static str, String> {
    if spki.algorithm.oid != ID_EC_PUBLIC_KEY {
        return Err("its key is not an ECC key".into());
    }
    let curve = spki.algorithm.parameters.as_ref().and_then(|p| p.decode_as::<Oid>().ok());
    match curve.and_then(|oid| CURVES.iter().find(|(known, _)| *known == oid)) {
        Some((_, name)) => Ok(name),
        None => Err("its EC key has no named curve of P-256, P-384 or P-521 (explicit parameters are refused)".into()),
    }
}

/// Whether `spki` is an EC P-384 key, as the service wants a device's.
pub fn is_p384(spki: &SubjectPublicKeyInfoOwned) -> bool {
    named_curve(spki) == Ok("P-384")
}

/// What breaks the service's rules for a customer root (none: it may be
/// given to an external-CA policy), each as a clause for a sentence.
pub fn root_problems(root: &Certificate, now_unix: u64) -> Vec<String> {
    let tbs = root.tbs_certificate();
    let mut problems = Vec::new();
    if let Err(why) = named_curve(tbs.subject_public_key_info()) {
        problems.push(why);
    }
    if ![ECDSA_WITH_SHA_256, ECDSA_WITH_SHA_384, ECDSA_WITH_SHA_512].contains(&root.signature_algorithm().oid) {
        problems.push("it is not signed with ECDSA and SHA-256, SHA-384 or SHA-512".into());
    }
    if tbs.version() != Version::V3 {
        problems.push("it is not an X.509 v3 certificate".into());
    }
    match tbs.get_extension::<BasicConstraints>() {
        Ok(Some((critical, bc))) if critical && bc.ca && bc.path_len_constraint == Some(ROOT_PATH_LEN) => {}
        Ok(Some((critical, bc))) => problems.push(format!(
            "its basicConstraints are {}CA:{}{}, not critical CA:TRUE with pathLen {ROOT_PATH_LEN}",
            if critical { "critical " } else { "" },
            if bc.ca { "TRUE" } else { "FALSE" },
            bc.path_len_constraint.map(|n| format!(" pathLen {n}")).unwrap_or_default()
        )),
        _ => problems.push(format!("it has no basicConstraints (critical CA:TRUE with pathLen {ROOT_PATH_LEN} is needed)")),
    }
    let needed = [KeyUsages::DigitalSignature, KeyUsages::KeyCertSign, KeyUsages::CRLSign];
    match tbs.get_extension::<KeyUsage>() {
        Ok(Some((_, usage))) if needed.iter().all(|u| usage.0.contains(*u)) => {}
        _ => problems.push("its keyUsage lacks digitalSignature, keyCertSign or cRLSign".into()),
    }
    if let Ok(Some((_, eku))) = tbs.get_extension::<ExtendedKeyUsage>()
        && !eku.0.iter().any(|oid| *oid == ID_KP_CLIENT_AUTH || *oid == ANY_EXTENDED_KEY_USAGE)
    {
        problems.push("its extendedKeyUsage does not include clientAuth".into());
    }
    if !matches!(tbs.get_extension::<SubjectKeyIdentifier>(), Ok(Some(_))) {
        problems.push("it has no Subject Key Identifier".into());
    }
    let validity = tbs.validity();
    let (not_before, not_after) = (validity.not_before.to_unix_duration().as_secs(), validity.not_after.to_unix_duration().as_secs());
    if not_before > now_unix {
        problems.push("it is not valid yet".into());
    } else if not_after < now_unix + MIN_ROOT_DAYS_LEFT * 86_400 {
        problems.push(format!("it has {} days left, fewer than {MIN_ROOT_DAYS_LEFT}", not_after.saturating_sub(now_unix) / 86_400));
    }
    problems
}

/// A device's CSR or certificate against the service's device rules: its
/// key EC P-384 and its CN the registration ID (`expected`, when known; DPS
/// compares IDs without regard to case).
pub fn device_problems(spki: &SubjectPublicKeyInfoOwned, common_name: Option<&str>, expected: Option<&RegistrationId>) -> Vec<String> {
    let mut problems = Vec::new();
    match named_curve(spki) {
        Ok("P-384") => {}
        Ok(other) => problems.push(format!("its key is EC {other}, not P-384")),
        Err(why) => problems.push(format!("{why}; the service issues only for EC P-384 keys")),
    }
    match (common_name, expected) {
        (None, _) => problems.push("it has no CN; the CN must be the registration ID".into()),
        (Some(cn), Some(id)) if !cn.eq_ignore_ascii_case(id.as_str()) => {
            problems.push(format!("its CN \"{}\" is not the registration ID \"{id}\"", visible(cn)))
        }
        (Some(cn), _) => {
            if let Err(e) = RegistrationId::parse("files", cn) {
                problems.push(format!("its CN is not a registration ID: {}", e.message));
            }
        }
    }
    problems
}

/// A Device Registry policy's name: letters, digits and `-`, starting and
/// ending with a letter or digit, 1 to 63 characters (stricter than the
/// service may be, so it is a plain word in every script).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyName(String);

impl PolicyName {
    pub fn parse(field: &str, name: &str) -> Result<Self> {
        let refuse = |why: &str| Err(StudioError::field(field, format!("Policy name \"{}\" {why}", visible(name))));
        if name.is_empty() {
            return Err(StudioError::field(field, "The policy name is empty."));
        }
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return refuse("may hold only letters, digits and -.");
        }
        if name.starts_with('-') || name.ends_with('-') || name.len() > 63 {
            return refuse("must start and end with a letter or digit and have at most 63 characters.");
        }
        Ok(Self(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why a CA key (the service's intermediate's, in its CSR) is not one the
/// service uses: an ECC key on a named curve.
pub fn ca_key_problem(spki: &SubjectPublicKeyInfoOwned) -> Option<String> {
    named_curve(spki).err()
}

/// `problems` as one refusal at `field`, naming `what`.
pub fn refuse(field: &str, what: &str, problems: &[String]) -> Result<()> {
    if problems.is_empty() {
        return Ok(());
    }
    Err(StudioError::field(field, format!("{what} does not meet Azure Device Registry's rules: {}.", problems.join("; "))))
}

pub const DEVICE_KEY: PreflightRule = PreflightRule {
    id: PreflightRuleId::DeviceRegistryDevice,
    title: "Azure Device Registry: the device's key is EC P-384 and its CN is its registration ID",
    applies_to: "Azure Device Registry",
    azure_code: None,
    azure_error: "The service issues no certificate for the device's CSR, and provisioning with certificate issuance fails",
};

pub const CUSTOMER_ROOT: PreflightRule = PreflightRule {
    id: PreflightRuleId::DeviceRegistryRoot,
    title: "Azure Device Registry: the customer root is ECC, ECDSA SHA-256+, v3, critical CA:TRUE pathLen 1, keyUsage digitalSignature + keyCertSign + cRLSign, an SKI, clientAuth if it has an EKU, and 365 days left",
    applies_to: "Azure Device Registry",
    azure_code: None,
    azure_error: "The policy with an external CA is not activated: the uploaded chain is refused",
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x509::issue::{CertificateParams, SignedBy, ValidityWindow, issue};
    use crate::x509::key::{KeyAlgorithm, PrivateKey};
    use crate::x509::profile::{DEVICE_REGISTRY_ROOT, ROOT_CA};
    use crate::x509::signing::Signing;

    const NOW: u64 = 1_764_000_000;

    fn root(alg: KeyAlgorithm, profile: &crate::x509::profile::CertificateProfile, days: u32) -> Certificate {
        let key = PrivateKey::generate(alg).unwrap();
        let params = CertificateParams::new("ADR Root", profile, ValidityWindow::days(NOW, days));
        issue(&params, &key.public_key_info().unwrap(), SignedBy::Itself(&key), &mut Signing::here()).unwrap()
    }

    #[test]
    fn the_registry_root_passes_and_the_tutorial_root_does_not() {
        assert_eq!(root_problems(&root(KeyAlgorithm::EcP384, &DEVICE_REGISTRY_ROOT, 400), NOW), Vec::<String>::new());
        let tutorial = root_problems(&root(KeyAlgorithm::EcP256, &ROOT_CA, 30), NOW);
        assert!(tutorial.iter().any(|p| p.contains("pathLen 1")), "{tutorial:?}");
        assert!(tutorial.iter().any(|p| p.contains("days left")), "{tutorial:?}");
        let rsa = root_problems(&root(KeyAlgorithm::Rsa2048, &DEVICE_REGISTRY_ROOT, 400), NOW);
        assert!(rsa.iter().any(|p| p.contains("not an ECC key")) && rsa.iter().any(|p| p.contains("ECDSA")), "{rsa:?}");
    }

    #[test]
    fn devices_need_p384_and_their_id_as_cn() {
        let p384 = PrivateKey::generate(KeyAlgorithm::EcP384).unwrap().public_key_info().unwrap();
        let p256 = PrivateKey::generate(KeyAlgorithm::EcP256).unwrap().public_key_info().unwrap();
        let id = RegistrationId::parse("devices", "sensor-1").unwrap();
        assert!(device_problems(&p384, Some("SENSOR-1"), Some(&id)).is_empty());
        assert!(device_problems(&p384, Some("sensor-1"), None).is_empty());
        assert!(device_problems(&p256, Some("sensor-1"), Some(&id))[0].contains("P-256"));
        assert!(device_problems(&p384, Some("sensor-2"), Some(&id))[0].contains("not the registration ID"));
        assert!(device_problems(&p384, Some("a b"), None)[0].contains("not a registration ID"));
        assert_eq!(refuse("csr", "The CSR", &["x".into()]).unwrap_err().field.as_deref(), Some("csr"));
        PolicyName::parse("policyName", "external-ca-1").unwrap();
        for bad in ["", "../p", "a b", "p\"", "a&b", "50%", "a\nb", "-p"] {
            assert_eq!(PolicyName::parse("policyName", bad).unwrap_err().field.as_deref(), Some("policyName"), "{bad:?}");
        }
    }
}
