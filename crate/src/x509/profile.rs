//! The certificate profiles of the tutorial's OpenSSL configuration, as data.
//! Every extension the studio writes comes from a row here; nothing else in
//! the crate decides what goes into a certificate.

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5280::{ID_KP_CLIENT_AUTH, ID_KP_EMAIL_PROTECTION, ID_KP_SERVER_AUTH};
use x509_cert::ext::pkix::KeyUsages::{self, CRLSign, DigitalSignature, KeyCertSign, KeyEncipherment, NonRepudiation};

/// Netscape certificate type bits (`nsCertType`), as OpenSSL numbers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetscapeCertType {
    Client = 0,
    Server = 1,
    Email = 2,
}

/// What sits in the Authority Key Identifier besides the issuer's key id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthorityKeyId {
    /// `keyid` / `keyid:always,issuer`: OpenSSL 3 writes only the key id.
    KeyId,
    /// `keyid,issuer:always`: key id plus the issuer's issuer name and serial.
    KeyIdIssuerAndSerial,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateProfile {
    /// The OpenSSL config section the profile reproduces.
    pub section: &'static str,
    pub ca: bool,
    pub basic_constraints_critical: bool,
    /// basicConstraints pathLenConstraint: how many CAs may stand below.
    pub path_len: Option<u8>,
    pub netscape_cert_type: &'static [NetscapeCertType],
    pub netscape_comment: Option<&'static str>,
    pub authority_key_id: AuthorityKeyId,
    pub key_usage_rsa: &'static [KeyUsages],
    /// RFC 5480: an EC key can't do key encipherment.
    pub key_usage_ec: &'static [KeyUsages],
    pub extended_key_usage: &'static [ObjectIdentifier],
}

const CA_KEY_USAGE: &[KeyUsages] = &[DigitalSignature, KeyCertSign, CRLSign];

/// `v3_ca`: the self-signed root.
pub const ROOT_CA: CertificateProfile = CertificateProfile {
    section: "v3_ca",
    ca: true,
    basic_constraints_critical: true,
    path_len: None,
    netscape_cert_type: &[],
    netscape_comment: None,
    authority_key_id: AuthorityKeyId::KeyId,
    key_usage_rsa: CA_KEY_USAGE,
    key_usage_ec: CA_KEY_USAGE,
    extended_key_usage: &[],
};

/// `v3_intermediate_ca`: intermediates and the IoT Edge device CA.
pub const INTERMEDIATE_CA: CertificateProfile = CertificateProfile { section: "v3_intermediate_ca", ..ROOT_CA };

/// A customer root for Azure Device Registry's certificate management: its
/// published rules (ECC key, basicConstraints critical CA:TRUE pathLen 1,
/// keyUsage digitalSignature + keyCertSign + cRLSign, an SKI). It differs
/// from `v3_ca` only in the pathLen, which lets it sign just the service's
/// intermediate.
pub const DEVICE_REGISTRY_ROOT: CertificateProfile =
    CertificateProfile { section: "Azure Device Registry root", path_len: Some(1), ..ROOT_CA };

/// A CA certificate for someone else's CSR (an intermediate that will sign
/// devices, as the Device Registry's), allowing `path_len` CAs below it.
pub const fn intermediate_with_path_len(path_len: u8) -> CertificateProfile {
    CertificateProfile { section: "v3_intermediate_ca with pathlen", path_len: Some(path_len), ..INTERMEDIATE_CA }
}

/// `usr_cert`: devices, verification certificates, IoT Edge identities.
pub const DEVICE: CertificateProfile = CertificateProfile {
    section: "usr_cert",
    ca: false,
    basic_constraints_critical: false,
    path_len: None,
    netscape_cert_type: &[NetscapeCertType::Client, NetscapeCertType::Email],
    netscape_comment: Some("OpenSSL Generated Client Certificate"),
    authority_key_id: AuthorityKeyId::KeyId,
    key_usage_rsa: &[NonRepudiation, DigitalSignature, KeyEncipherment],
    key_usage_ec: &[NonRepudiation, DigitalSignature],
    extended_key_usage: &[ID_KP_CLIENT_AUTH, ID_KP_EMAIL_PROTECTION],
};

/// `server_cert`: IoT Edge server / gateway certificates.
pub const SERVER: CertificateProfile = CertificateProfile {
    section: "server_cert",
    ca: false,
    basic_constraints_critical: false,
    path_len: None,
    netscape_cert_type: &[NetscapeCertType::Server],
    netscape_comment: Some("OpenSSL Generated Server Certificate"),
    authority_key_id: AuthorityKeyId::KeyIdIssuerAndSerial,
    key_usage_rsa: &[DigitalSignature, KeyEncipherment],
    key_usage_ec: &[DigitalSignature],
    extended_key_usage: &[ID_KP_SERVER_AUTH],
};

impl CertificateProfile {
    pub fn key_usage(&self, ec_key: bool) -> &'static [KeyUsages] {
        if ec_key { self.key_usage_ec } else { self.key_usage_rsa }
    }
}

/// iotedge `certGen.sh`'s `openssl_root_ca.cnf` writes
/// `authorityKeyIdentifier = keyid:always,issuer:always` in every section, so
/// what an intermediate signs names the issuer's issuer and serial too.
/// `v3_intermediate_ca` there: the intermediate and the IoT Edge device CA.
pub const EDGE_CA: CertificateProfile =
    CertificateProfile { section: "v3_intermediate_ca", authority_key_id: AuthorityKeyId::KeyIdIssuerAndSerial, ..INTERMEDIATE_CA };

/// `usr_cert` of iotedge's config: the IoT Edge device identity.
pub const EDGE_IDENTITY: CertificateProfile = CertificateProfile { authority_key_id: AuthorityKeyId::KeyIdIssuerAndSerial, ..DEVICE };

/// `server_cert` of iotedge's config (same as the DPS tutorial's); the
/// studio adds DNS subject alternative names.
pub const EDGE_SERVER: CertificateProfile = SERVER;

/// `openssl req -x509 -extensions usr_cert -addext extendedKeyUsage=clientAuth`
/// with the distribution's `openssl.cnf` (as `002_*.txt` runs it): its
/// `usr_cert` has only basicConstraints, SKI and AKI, and no keyUsage.
pub const SELF_SIGNED_DEVICE: CertificateProfile = CertificateProfile {
    section: "usr_cert (openssl.cnf) + extendedKeyUsage=clientAuth",
    ca: false,
    basic_constraints_critical: false,
    path_len: None,
    netscape_cert_type: &[],
    netscape_comment: None,
    authority_key_id: AuthorityKeyId::KeyId,
    key_usage_rsa: &[],
    key_usage_ec: &[],
    extended_key_usage: &[ID_KP_CLIENT_AUTH],
};
