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

/// One rule: what is checked, where, and what Azure says when it fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PreflightRule {
    /// Stable id, e.g. `chain-to-uploaded-ca`.
    pub id: &'static str,
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
    id: "chain-to-uploaded-ca",
    title: "The device sends its certificate chain up to the CA uploaded to Azure (every intermediate in between)",
    applies_to: "DPS and IoT Hub",
    azure_code: Some("401002"),
    azure_error: "DPS: 401002 Unauthorized, \"CA certificate not found.\" (the certificate chain is not complete up to the uploaded CA); IoT Hub: 401002 IotHubUnauthorizedAccess",
};

pub const ISSUED_UNDER_UPLOADED_CA: PreflightRule = PreflightRule {
    id: "issued-under-uploaded-ca",
    title: "The device certificate is issued under the CA uploaded to Azure",
    applies_to: "DPS and IoT Hub",
    azure_code: Some("401002"),
    azure_error: "DPS: 401002 Unauthorized, \"CA certificate not found.\"; IoT Hub: 401002 IotHubUnauthorizedAccess",
};

pub const REGISTRATION_ID: PreflightRule = PreflightRule {
    id: "registration-id",
    title: "The device's CN is a valid registration ID: letters, digits and - . _ : only, ending in a letter, digit or -, at most 64 characters",
    applies_to: "DPS",
    azure_code: Some("400"),
    azure_error: "DPS: 400 Bad format (the registration request can't be validated); the portal, for an individual enrollment: \"The CN (common name) in the primary certificate is invalid.\"",
};

pub const VALIDITY: PreflightRule = PreflightRule {
    id: "validity",
    title: "Every certificate in the chain is valid now (not expired, not yet to come)",
    applies_to: "DPS and IoT Hub",
    azure_code: Some("401002"),
    azure_error: "DPS: 401002 Unauthorized, \"Invalid certificate.\"; IoT Hub: 401002 IotHubUnauthorizedAccess, \"Authentication failed for this device, renew token or certificate and reconnect\"",
};

pub const CLIENT_AUTH: PreflightRule = PreflightRule {
    id: "client-auth",
    title: "The device certificate may authenticate a TLS client (its extendedKeyUsage, when present, holds clientAuth)",
    applies_to: "DPS and IoT Hub",
    azure_code: Some("401002"),
    azure_error: "The client certificate is refused: DPS 401002 Unauthorized, \"Invalid certificate.\"; IoT Hub 401002 IotHubUnauthorizedAccess",
};

/// The smallest RSA modulus Azure's TLS endpoints accept.
pub const MIN_RSA_BITS: u32 = 2048;

pub const RSA_KEY_SIZE: PreflightRule = PreflightRule {
    id: "rsa-key-size",
    title: "Every RSA key in the chain has at least 2048 bits",
    applies_to: "DPS and IoT Hub",
    azure_code: None,
    azure_error: "The TLS handshake fails before DPS or IoT Hub answer: the device's SDK reports a TLS / connection error, with no Azure error code",
};

pub const SHA2_SIGNATURES: PreflightRule = PreflightRule {
    id: "sha2-signatures",
    title: "No certificate in the chain is signed with SHA-1",
    applies_to: "DPS and IoT Hub",
    azure_code: None,
    azure_error: "The TLS handshake fails before DPS or IoT Hub answer: the device's SDK reports a TLS / connection error, with no Azure error code",
};

pub const IOT_EDGE_1_1_EXPIRY: PreflightRule = PreflightRule {
    id: "iot-edge-1-1-expiry",
    title: "For IoT Edge 1.1: no certificate in the chain expires on or after 2038-01-01",
    applies_to: "IoT Edge 1.1",
    azure_code: None,
    azure_error: "IoT Edge 1.1's libiothsm can't use a certificate that expires on or after January 1, 2038: the security daemon fails to load it and the edge runtime does not start",
};

/// Every rule, in the order the preflight lists them.
pub const PREFLIGHT_RULES: [PreflightRule; 8] = [
    CHAIN_TO_UPLOADED_CA,
    ISSUED_UNDER_UPLOADED_CA,
    REGISTRATION_ID,
    VALIDITY,
    CLIENT_AUTH,
    RSA_KEY_SIZE,
    SHA2_SIGNATURES,
    IOT_EDGE_1_1_EXPIRY,
];

const _: () = assert!(MAX_COMMON_NAME_CHARS == 64, "REGISTRATION_ID's title says 64");
