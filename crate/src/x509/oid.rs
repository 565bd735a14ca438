//! The object identifiers the studio names itself, in one table. The rest
//! come from `const_oid::db`; these are the ones it lacks or the studio
//! wants under a shorter name.

use const_oid::ObjectIdentifier;

const fn oid(dotted: &str) -> ObjectIdentifier {
    ObjectIdentifier::new_unwrap(dotted)
}

// Keys (RFC 8017, RFC 5480).
pub const RSA_ENCRYPTION: ObjectIdentifier = oid("1.2.840.113549.1.1.1");
pub const RSASSA_PSS: ObjectIdentifier = oid("1.2.840.113549.1.1.10");
pub const ID_EC_PUBLIC_KEY: ObjectIdentifier = oid("1.2.840.10045.2.1");
pub const SECP256R1: ObjectIdentifier = oid("1.2.840.10045.3.1.7");
pub const SECP384R1: ObjectIdentifier = oid("1.3.132.0.34");
/// ecdsa-with-SHA1 (RFC 3279), which `const_oid`'s database lacks.
pub const ECDSA_WITH_SHA_1: ObjectIdentifier = oid("1.2.840.10045.4.1");

// Digests.
pub const ID_SHA1: ObjectIdentifier = oid("1.3.14.3.2.26");
pub const ID_SHA256: ObjectIdentifier = oid("2.16.840.1.101.3.4.2.1");

// PKCS#7 content types (RFC 2315).
pub const ID_DATA: ObjectIdentifier = oid("1.2.840.113549.1.7.1");
pub const ID_SIGNED_DATA: ObjectIdentifier = oid("1.2.840.113549.1.7.2");
pub const ID_ENCRYPTED_DATA: ObjectIdentifier = oid("1.2.840.113549.1.7.6");

// PKCS#9 attributes.
/// emailAddress, the subject attribute rfc822Name constraints also bind.
pub const EMAIL_ADDRESS: ObjectIdentifier = oid("1.2.840.113549.1.9.1");
/// extensionRequest: the extensions a CSR asks for.
pub const EXTENSION_REQUEST: ObjectIdentifier = oid("1.2.840.113549.1.9.14");
pub const FRIENDLY_NAME: ObjectIdentifier = oid("1.2.840.113549.1.9.20");
pub const LOCAL_KEY_ID: ObjectIdentifier = oid("1.2.840.113549.1.9.21");

/// pkcs-12PbeIds (RFC 7292): every PKCS#12 PBE is one arc below it.
pub const PKCS12_PBE_IDS: ObjectIdentifier = oid("1.2.840.113549.1.12.1");

// Netscape extensions, which OpenSSL's tutorial config still adds.
pub const NETSCAPE_CERT_TYPE: ObjectIdentifier = oid("2.16.840.1.113730.1.1");
pub const NETSCAPE_COMMENT: ObjectIdentifier = oid("2.16.840.1.113730.1.13");
