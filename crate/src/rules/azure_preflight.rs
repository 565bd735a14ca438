//! What DPS, IoT Hub and IoT Edge 1.1 check on a device's certificate chain
//! when it connects, one row per rule, with the error a person sees when it
//! fails. The rows are data; `judge::preflight` evaluates them.
//!
//! Error texts are the services' own: DPS answers a refused X.509
//! registration with `{"errorCode":401002, "message":"CA certificate not
//! found."}` (or `"Invalid certificate."` / `"Unauthorized"`), IoT Hub with
//! 401002 `IotHubUnauthorizedAccess`; DPS's troubleshooting table gives 400
//! for a request it can't validate; the portal names an invalid CN itself.
//! Checks done in the TLS handshake itself (key size, signature hash, key
//! usage) end the connection before any code is sent.

use serde::Serialize;

use crate::rules::names::MAX_COMMON_NAME_CHARS;

/// A rule's stable id, as JS and `inspect --json` name it (kebab-case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PreflightRuleId {
    ChainToUploadedCa,
    IssuedUnderUploadedCa,
    ChainAccepted,
    RegistrationId,
    Validity,
    ClientAuth,
    RsaKeySize,
    Sha2Signatures,
    IotEdge11Expiry,
    /// Azure Device Registry's device rule (`rules::device_registry`).
    DeviceRegistryDevice,
    /// Azure Device Registry's customer-root rule.
    DeviceRegistryRoot,
    /// Event Grid's MQTT broker (`rules::event_grid`), checked for a client registered there.
    EventGridAuthenticationName,
    EventGridImmediateIssuer,
}

impl PreflightRuleId {
    /// Every rule id: [`PREFLIGHT_RULES`]' order, then the scenarios' rules.
    pub const ALL: [PreflightRuleId; 13] = [
        Self::ChainToUploadedCa,
        Self::IssuedUnderUploadedCa,
        Self::ChainAccepted,
        Self::RegistrationId,
        Self::Validity,
        Self::ClientAuth,
        Self::RsaKeySize,
        Self::Sha2Signatures,
        Self::IotEdge11Expiry,
        Self::DeviceRegistryDevice,
        Self::DeviceRegistryRoot,
        Self::EventGridAuthenticationName,
        Self::EventGridImmediateIssuer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ChainToUploadedCa => "chain-to-uploaded-ca",
            Self::IssuedUnderUploadedCa => "issued-under-uploaded-ca",
            Self::ChainAccepted => "chain-accepted",
            Self::RegistrationId => "registration-id",
            Self::Validity => "validity",
            Self::ClientAuth => "client-auth",
            Self::RsaKeySize => "rsa-key-size",
            Self::Sha2Signatures => "sha2-signatures",
            Self::IotEdge11Expiry => "iot-edge-1-1-expiry",
            Self::DeviceRegistryDevice => "device-registry-device",
            Self::DeviceRegistryRoot => "device-registry-root",
            Self::EventGridAuthenticationName => "event-grid-authentication-name",
            Self::EventGridImmediateIssuer => "event-grid-immediate-issuer",
        }
    }
}

impl Serialize for PreflightRuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One rule: what is checked, where, and what Azure says when it fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PreflightRule {
    pub id: PreflightRuleId,
    /// The rule, as a person reads it.
    pub title: &'static str,
    /// Which services apply it: `DPS and IoT Hub`, `IoT Edge 1.1`.
    pub applies_to: &'static str,
    /// The error code a person sees, when there is one (`401002`).
    pub azure_code: Option<&'static str>,
    /// What the person sees when it fails.
    pub azure_error: &'static str,
}

pub const CHAIN_TO_UPLOADED_CA: PreflightRule = PreflightRule {
    id: PreflightRuleId::ChainToUploadedCa,
    title: "The device sends its certificate chain up to the CA uploaded to Azure (every intermediate in between)",
    applies_to: "DPS and IoT Hub",
    azure_code: Some("401002"),
    azure_error: "DPS: 401002 Unauthorized, \"CA certificate not found.\" (the certificate chain is not complete up to the uploaded CA); IoT Hub: 401002 IotHubUnauthorizedAccess",
};

pub const ISSUED_UNDER_UPLOADED_CA: PreflightRule = PreflightRule {
    id: PreflightRuleId::IssuedUnderUploadedCa,
    title: "The device certificate is issued under the CA uploaded to Azure",
    applies_to: "DPS and IoT Hub",
    azure_code: Some("401002"),
    azure_error: "DPS: 401002 Unauthorized, \"CA certificate not found.\"; IoT Hub: 401002 IotHubUnauthorizedAccess",
};

pub const CHAIN_ACCEPTED: PreflightRule = PreflightRule {
    id: PreflightRuleId::ChainAccepted,
    title: "A TLS server accepts the chain: every link's signature verifies and is allowed by basicConstraints, keyUsage, pathLenConstraint and name constraints (RFC 5280 §6), up to a CA the server trusts",
    applies_to: "DPS and IoT Hub",
    azure_code: None,
    azure_error: "The TLS handshake fails before DPS or IoT Hub answer (the SDK reports a TLS / certificate error), or DPS answers 401002 Unauthorized, \"Invalid certificate.\"",
};

pub const REGISTRATION_ID: PreflightRule = PreflightRule {
    id: PreflightRuleId::RegistrationId,
    title: "The device's CN is a valid registration ID: letters, digits and - . _ : only, ending in a letter, digit or -, at most 64 characters",
    applies_to: "DPS",
    azure_code: Some("400"),
    azure_error: "DPS: 400 Bad format (the registration request can't be validated); the portal, for an individual enrollment: \"The CN (common name) in the primary certificate is invalid.\"",
};

pub const VALIDITY: PreflightRule = PreflightRule {
    id: PreflightRuleId::Validity,
    title: "Every certificate in the chain is valid now (not expired, not yet to come)",
    applies_to: "DPS and IoT Hub",
    azure_code: Some("401002"),
    azure_error: "DPS: 401002 Unauthorized, \"Invalid certificate.\"; IoT Hub: 401002 IotHubUnauthorizedAccess, \"Authentication failed for this device, renew token or certificate and reconnect\"",
};

pub const CLIENT_AUTH: PreflightRule = PreflightRule {
    id: PreflightRuleId::ClientAuth,
    title: "The device certificate may authenticate a TLS client (its extendedKeyUsage, when present, holds clientAuth)",
    applies_to: "DPS and IoT Hub",
    azure_code: Some("401002"),
    azure_error: "The client certificate is refused: DPS 401002 Unauthorized, \"Invalid certificate.\"; IoT Hub 401002 IotHubUnauthorizedAccess",
};

/// The smallest RSA modulus Azure's TLS endpoints accept.
pub const MIN_RSA_BITS: u32 = 2048;

pub const RSA_KEY_SIZE: PreflightRule = PreflightRule {
    id: PreflightRuleId::RsaKeySize,
    title: "Every RSA key in the chain has at least 2048 bits",
    applies_to: "DPS and IoT Hub",
    azure_code: None,
    azure_error: "The TLS handshake fails before DPS or IoT Hub answer: the device's SDK reports a TLS / connection error, with no Azure error code",
};

pub const SHA2_SIGNATURES: PreflightRule = PreflightRule {
    id: PreflightRuleId::Sha2Signatures,
    title: "No certificate in the chain is signed with SHA-1",
    applies_to: "DPS and IoT Hub",
    azure_code: None,
    azure_error: "The TLS handshake fails before DPS or IoT Hub answer: the device's SDK reports a TLS / connection error, with no Azure error code",
};

pub const IOT_EDGE_1_1_EXPIRY: PreflightRule = PreflightRule {
    id: PreflightRuleId::IotEdge11Expiry,
    title: "For IoT Edge 1.1: no certificate in the chain expires on or after 2038-01-01",
    applies_to: "IoT Edge 1.1",
    azure_code: None,
    azure_error: "IoT Edge 1.1's libiothsm can't use a certificate that expires on or after January 1, 2038: the security daemon fails to load it and the edge runtime does not start",
};

/// Every rule, in the order the preflight lists them.
pub const PREFLIGHT_RULES: [PreflightRule; 9] = [
    CHAIN_TO_UPLOADED_CA,
    ISSUED_UNDER_UPLOADED_CA,
    CHAIN_ACCEPTED,
    REGISTRATION_ID,
    VALIDITY,
    CLIENT_AUTH,
    RSA_KEY_SIZE,
    SHA2_SIGNATURES,
    IOT_EDGE_1_1_EXPIRY,
];

const _: () = assert!(MAX_COMMON_NAME_CHARS == 64, "REGISTRATION_ID's title says 64");
