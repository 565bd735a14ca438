//! EC keys written with explicit curve parameters (`openssl ecparam
//! -param_enc explicit`, some HSM and Java exports) instead of a curve name.
//! The studio uses them when the parameters are those of P-256 or P-384.

use der::asn1::{Any, OctetString};
use der::{Decode, Encode, Tag, TagNumber, Tagged};
use p256::elliptic_curve::sec1::ToSec1Point;
use zeroize::Zeroizing;

use crate::x509::key::PrivateKey;

/// The NIST curve whose domain `parameters` (the DER of a SpecifiedECDomain)
/// describe, known by its base point; `None` for any other curve.
fn nist_curve(parameters: &[u8]) -> Option<&'static str> {
    // SpecifiedECDomain ::= SEQUENCE { version, fieldID, curve, base ECPoint, order, cofactor OPTIONAL }
    let domain = Vec::<Any>::from_der(parameters).ok()?;
    let base = OctetString::from_der(&domain.get(3)?.to_der().ok()?).ok()?;
    let is_base = |point: &[u8]| base.as_bytes() == point;
    let p256_base = p256::AffinePoint::GENERATOR;
    let p384_base = p384::AffinePoint::GENERATOR;
    if is_base(p256_base.to_sec1_point(false).as_bytes()) || is_base(p256_base.to_sec1_point(true).as_bytes()) {
        return Some("P-256");
    }
    if is_base(p384_base.to_sec1_point(false).as_bytes()) || is_base(p384_base.to_sec1_point(true).as_bytes()) {
        return Some("P-384");
    }
    None
}

/// What the studio needs of a SEC1 ECPrivateKey:
/// `SEQUENCE { version, privateKey OCTET STRING, [0] ECParameters OPTIONAL, [1] publicKey OPTIONAL }`.
pub struct Sec1Parts {
    pub scalar: Zeroizing<Vec<u8>>,
    /// The DER of its explicit domain parameters, when it carries them.
    pub explicit_parameters: Option<Vec<u8>>,
}

pub fn sec1_parts(der: &[u8]) -> Option<Sec1Parts> {
    let fields = Vec::<Any>::from_der(der).ok()?;
    let scalar = OctetString::from_der(&fields.get(1)?.to_der().ok()?).ok()?;
    let parameters_tag = Tag::ContextSpecific { constructed: true, number: TagNumber(0) };
    let explicit = fields
        .iter()
        .find(|field| field.tag() == parameters_tag)
        .and_then(|field| Any::from_der(field.value()).ok())
        .filter(|parameters| parameters.tag() == Tag::Sequence)
        .and_then(|parameters| parameters.to_der().ok());
    Some(Sec1Parts { scalar: Zeroizing::new(scalar.as_bytes().to_vec()), explicit_parameters: explicit })
}

/// The key with the `scalar` on the curve `parameters` describe: `Ok` for
/// P-256 and P-384, else `Err` with why the studio can't use it.
pub fn key_on(parameters: &[u8], scalar: &[u8]) -> std::result::Result<PrivateKey, &'static str> {
    match nist_curve(parameters) {
        Some("P-256") => p256::SecretKey::from_slice(scalar)
            .map(|key| PrivateKey::P256(key.into()))
            .map_err(|_| "its P-256 private value is out of range"),
        Some(_) => p384::SecretKey::from_slice(scalar)
            .map(|key| PrivateKey::P384(key.into()))
            .map_err(|_| "its P-384 private value is out of range"),
        None => Err("its explicit curve parameters are not those of P-256 or P-384"),
    }
}
