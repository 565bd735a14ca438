//! Certificates as OpenSSL prints them: names, times and OIDs in its own words,
//! so a person can compare the studio's text with `openssl x509 -text`.

use std::time::Duration;

use const_oid::ObjectIdentifier;
use der::asn1::AnyRef;
use der::{Tag, Tagged};
use x509_cert::name::Name;

/// OpenSSL's names for the algorithms and attributes the studio meets.
pub fn oid_name(oid: &ObjectIdentifier) -> String {
    let name = match oid.to_string().as_str() {
        "1.2.840.113549.1.1.1" => "rsaEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "rsassaPss",
        "1.2.840.10045.2.1" => "id-ecPublicKey",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.3.101.112" => "ED25519",
        "1.3.101.113" => "ED448",
        "1.3.101.110" => "X25519",
        "1.3.101.111" => "X448",
        "1.2.840.10040.4.1" => "dsaEncryption",
        "1.2.840.10045.3.1.7" => "prime256v1",
        "1.3.132.0.34" => "secp384r1",
        "1.3.132.0.35" => "secp521r1",
        "1.3.132.0.10" => "secp256k1",
        // Digests, MACs, ciphers and password-based schemes, for files the studio refuses.
        "1.3.14.3.2.26" => "SHA-1",
        "2.16.840.1.101.3.4.2.4" => "SHA-224",
        "2.16.840.1.101.3.4.2.1" => "SHA-256",
        "2.16.840.1.101.3.4.2.2" => "SHA-384",
        "2.16.840.1.101.3.4.2.3" => "SHA-512",
        "1.2.840.113549.2.5" => "MD5",
        "1.2.840.113549.2.7" => "hmacWithSHA1",
        "1.2.840.113549.2.8" => "hmacWithSHA224",
        "1.2.840.113549.2.9" => "hmacWithSHA256",
        "1.2.840.113549.2.10" => "hmacWithSHA384",
        "1.2.840.113549.2.11" => "hmacWithSHA512",
        "1.2.840.113549.3.2" => "RC2-CBC",
        "1.2.840.113549.3.4" => "RC4",
        "1.2.840.113549.3.7" => "DES-EDE3-CBC",
        "1.3.14.3.2.7" => "DES-CBC",
        "2.16.840.1.101.3.4.1.2" => "AES-128-CBC",
        "2.16.840.1.101.3.4.1.22" => "AES-192-CBC",
        "2.16.840.1.101.3.4.1.42" => "AES-256-CBC",
        "2.16.840.1.101.3.4.1.6" => "AES-128-GCM",
        "2.16.840.1.101.3.4.1.46" => "AES-256-GCM",
        "1.2.840.113549.1.5.3" => "PBE-MD5-DES",
        "1.2.840.113549.1.5.10" => "PBE-SHA1-DES",
        "1.2.840.113549.1.5.12" => "PBKDF2",
        "1.2.840.113549.1.5.13" => "PBES2",
        "1.3.6.1.4.1.11591.4.11" => "scrypt",
        "1.2.840.113549.1.12.1.1" => "PBE-SHA1-RC4-128",
        "1.2.840.113549.1.12.1.2" => "PBE-SHA1-RC4-40",
        "1.2.840.113549.1.12.1.3" => "PBE-SHA1-3DES",
        "1.2.840.113549.1.12.1.4" => "PBE-SHA1-2DES",
        "1.2.840.113549.1.12.1.5" => "PBE-SHA1-RC2-128",
        "1.2.840.113549.1.12.1.6" => "PBE-SHA1-RC2-40",
        _ => return oid.to_string(),
    };
    name.to_string()
}

/// A password-based encryption as a person names it: `PBE-SHA1-3DES`, or
/// PBES2 with its key derivation and cipher: `PBES2 (scrypt, AES-256-CBC)`.
pub fn encryption_scheme_name(algorithm: &spki::AlgorithmIdentifierOwned) -> String {
    let name = oid_name(&algorithm.oid);
    match algorithm.parameters.as_ref().map(|p| p.decode_as::<Vec<spki::AlgorithmIdentifierOwned>>()) {
        Some(Ok(inner)) => format!("{name} ({})", inner.iter().map(|p| oid_name(&p.oid)).collect::<Vec<_>>().join(", ")),
        _ => name,
    }
}

/// A private key's type as a person names it: `RSA-PSS`, `Ed25519`, `DSA`.
pub fn key_type_name(oid: &ObjectIdentifier) -> String {
    let name = match oid.to_string().as_str() {
        "1.2.840.113549.1.1.1" => "RSA",
        "1.2.840.113549.1.1.10" => "RSA-PSS",
        "1.2.840.10045.2.1" => "EC",
        "1.3.101.112" => "Ed25519",
        "1.3.101.113" => "Ed448",
        "1.3.101.110" => "X25519",
        "1.3.101.111" => "X448",
        "1.2.840.10040.4.1" => "DSA",
        "1.2.840.113549.1.3.1" | "1.2.840.10046.2.1" => "DH",
        _ => return oid_name(oid),
    };
    name.to_string()
}

/// Attribute short names as OpenSSL prints them in a name.
pub fn attribute_name(oid: &ObjectIdentifier) -> String {
    let name = match oid.to_string().as_str() {
        "2.5.4.3" => "CN",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.9" => "street",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.4" => "SN",
        "2.5.4.5" => "serialNumber",
        "2.5.4.12" => "title",
        "2.5.4.42" => "GN",
        "2.5.4.43" => "initials",
        "2.5.4.46" => "dnQualifier",
        "2.5.4.17" => "postalCode",
        "2.5.4.15" => "businessCategory",
        "2.5.4.65" => "pseudonym",
        "1.2.840.113549.1.9.1" => "emailAddress",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "UID",
        "2.5.4.44" => "generationQualifier",
        "2.5.4.97" => "organizationIdentifier",
        "1.3.6.1.4.1.311.60.2.1.1" => "jurisdictionL",
        "1.3.6.1.4.1.311.60.2.1.2" => "jurisdictionST",
        "1.3.6.1.4.1.311.60.2.1.3" => "jurisdictionC",
        _ => return oid.to_string(),
    };
    name.to_string()
}

/// A directory string's text (UTF8, Printable, IA5, Teletex, BMP, Visible).
pub fn string_value(value: AnyRef<'_>) -> String {
    let bytes = value.value();
    match value.tag() {
        Tag::BmpString => {
            let units: Vec<u16> = bytes.chunks_exact(2).map(|p| u16::from_be_bytes([p[0], p[1]])).collect();
            String::from_utf16_lossy(&units)
        }
        Tag::TeletexString => bytes.iter().map(|&b| char::from(b)).collect(),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// A name as `openssl x509 -text` prints it: `C = US, O = Org, CN = Name`,
/// multi-valued RDNs joined with ` + `, RFC 2253 specials escaped.
pub fn describe_name(name: &Name) -> String {
    name.iter_rdn()
        .map(|rdn| {
            rdn.iter()
                .map(|atv| {
                    let value = der::asn1::AnyRef::from(&atv.value);
                    format!("{} = {}", attribute_name(&atv.oid), escape_2253(&string_value(value)))
                })
                .collect::<Vec<_>>()
                .join(" + ")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Text from someone else's file as it may be shown on a terminal or the
/// page: control characters as `\xNN` and the invisible characters that
/// reorder or hide text (bidi overrides, zero-width marks) as `\u{XXXX}`, so
/// a name can't move the cursor, start a new line or read backwards.
pub fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let code = u32::from(c);
        if c.is_control() {
            out.push_str(&format!("\\x{code:02X}"));
        } else if matches!(code, 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2069 | 0xFEFF) {
            out.push_str(&format!("\\u{{{code:04X}}}"));
        } else {
            out.push(c);
        }
    }
    out
}

/// OpenSSL's `oneline` quoting: a value holding an RFC 2253 special (or a
/// leading `#`/space, a trailing space) is put in double quotes, with `\`
/// and `"` escaped by a backslash; control characters are shown [`visible`].
fn escape_2253(value: &str) -> String {
    let special = value.contains([',', '+', '"', '\\', '<', '>', ';']) || value.starts_with(['#', ' ']) || value.ends_with(' ');
    let escaped: String =
        value.chars().map(|c| if matches!(c, '"' | '\\') { format!("\\{c}") } else { visible(c.encode_utf8(&mut [0; 4])) }).collect();
    if special { format!("\"{escaped}\"") } else { escaped }
}

/// A name as X509_NAME_oneline writes it (in SAN / AKI DirName): `/C=US/CN=x`.
pub fn oneline_name(name: &Name) -> String {
    name.iter().map(|atv| format!("/{}={}", attribute_name(&atv.oid), visible(&string_value(AnyRef::from(&atv.value))))).collect()
}

/// `Nov 25 06:33:40 2026 GMT` (day padded with a space), as OpenSSL prints times.
pub fn openssl_time(unix: u64) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    match der::DateTime::from_unix_duration(Duration::from_secs(unix)) {
        Ok(t) => format!(
            "{} {:>2} {:02}:{:02}:{:02} {} GMT",
            MONTHS.get(usize::from(t.month().saturating_sub(1))).unwrap_or(&"???"),
            t.day(),
            t.hour(),
            t.minutes(),
            t.seconds(),
            t.year()
        ),
        Err(_) => format!("{unix} seconds after 1970"),
    }
}

/// `2026-12-02T07:05:00.000Z`: a time as JavaScript's `toISOString` writes it.
pub fn iso_time(unix: u64) -> String {
    match der::DateTime::from_unix_duration(Duration::from_secs(unix)) {
        Ok(t) => format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.000Z", t.year(), t.month(), t.day(), t.hour(), t.minutes(), t.seconds()),
        Err(_) => format!("{unix} seconds after 1970"),
    }
}
