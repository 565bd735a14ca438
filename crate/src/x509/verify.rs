//! Checking a signature on a certificate or CSR against a public key, for
//! the algorithms X.509 material in the wild uses: RSA PKCS#1 v1.5 with
//! SHA-1/256/384/512 and ECDSA on P-256 / P-384 with SHA-256/384/512.

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5912::{
    ECDSA_WITH_SHA_256, ECDSA_WITH_SHA_384, ECDSA_WITH_SHA_512, SHA_1_WITH_RSA_ENCRYPTION, SHA_256_WITH_RSA_ENCRYPTION,
    SHA_384_WITH_RSA_ENCRYPTION, SHA_512_WITH_RSA_ENCRYPTION,
};
use der::asn1::BitStringRef;
use der::{Decode, Encode, Reader, SliceReader, Tag, TagNumber};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384, Sha512};
use signature::hazmat::PrehashVerifier;
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::Certificate;

use const_oid::db::rfc5912::{ID_EC_PUBLIC_KEY, RSA_ENCRYPTION, SECP_256_R_1 as SECP256R1, SECP_384_R_1 as SECP384R1};

/// Why a signature doesn't check out, as a phrase for a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureProblem {
    /// The signature is there but wrong for this key and data.
    Invalid,
    /// The algorithm (or key / algorithm pairing) is one the studio can't check.
    Unsupported(String),
    /// A certificate's outer signatureAlgorithm differs from the one its
    /// signed part names (RFC 5280 4.1.1.2): the outer field is not signed,
    /// so it was changed afterwards.
    AlgorithmMismatch,
}

impl SignatureProblem {
    pub fn describe(&self) -> String {
        match self {
            Self::Invalid => "the signature does not verify with the issuer's public key".into(),
            Self::Unsupported(what) => format!("the signature algorithm {what} can't be checked here"),
            Self::AlgorithmMismatch => {
                "its signature algorithm differs from the one its signed part names, so it was altered after signing".into()
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Hash {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Self::Sha1 => Sha1::digest(data).to_vec(),
            Self::Sha256 => Sha256::digest(data).to_vec(),
            Self::Sha384 => Sha384::digest(data).to_vec(),
            Self::Sha512 => Sha512::digest(data).to_vec(),
        }
    }

    fn pkcs1v15(self) -> rsa::Pkcs1v15Sign {
        match self {
            Self::Sha1 => rsa::Pkcs1v15Sign::new::<Sha1>(),
            Self::Sha256 => rsa::Pkcs1v15Sign::new::<Sha256>(),
            Self::Sha384 => rsa::Pkcs1v15Sign::new::<Sha384>(),
            Self::Sha512 => rsa::Pkcs1v15Sign::new::<Sha512>(),
        }
    }
}

fn scheme(oid: ObjectIdentifier) -> Option<(bool, Hash)> {
    Some(match oid {
        SHA_1_WITH_RSA_ENCRYPTION => (false, Hash::Sha1),
        SHA_256_WITH_RSA_ENCRYPTION => (false, Hash::Sha256),
        SHA_384_WITH_RSA_ENCRYPTION => (false, Hash::Sha384),
        SHA_512_WITH_RSA_ENCRYPTION => (false, Hash::Sha512),
        ECDSA_WITH_SHA_256 => (true, Hash::Sha256),
        ECDSA_WITH_SHA_384 => (true, Hash::Sha384),
        ECDSA_WITH_SHA_512 => (true, Hash::Sha512),
        _ => return None,
    })
}

/// Checks `signature` over `signed` (the DER of a TBSCertificate or
/// CertificationRequestInfo) with the signer's public key.
pub fn verify(
    signer: &SubjectPublicKeyInfoOwned,
    algorithm: &AlgorithmIdentifierOwned,
    signed: &[u8],
    signature: &[u8],
) -> Result<(), SignatureProblem> {
    let name = crate::x509::text::oid_name(&algorithm.oid);
    let (ecdsa, hash) = scheme(algorithm.oid).ok_or_else(|| SignatureProblem::Unsupported(name.clone()))?;
    let key_oid = signer.algorithm.oid;
    let mismatch = || SignatureProblem::Unsupported(format!("{name} with a {} key", crate::x509::text::oid_name(&key_oid)));
    let digest = hash.digest(signed);
    let point = signer.subject_public_key.raw_bytes();
    if !ecdsa {
        if key_oid != RSA_ENCRYPTION {
            return Err(mismatch());
        }
        let der = signer.to_der().map_err(|_| SignatureProblem::Invalid)?;
        let key = <rsa::PublicKey as rsa::pkcs8::DecodePublicKey>::from_public_key_der(&der).map_err(|_| SignatureProblem::Invalid)?;
        return key.verify(hash.pkcs1v15(), &digest, signature).map_err(|_| SignatureProblem::Invalid);
    }
    if key_oid != ID_EC_PUBLIC_KEY {
        return Err(mismatch());
    }
    let curve = named_curve(&signer.algorithm).ok_or_else(mismatch)?;
    let checked = if curve == SECP256R1 {
        let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(|_| SignatureProblem::Invalid)?;
        let sig = p256::ecdsa::Signature::from_der(signature).map_err(|_| SignatureProblem::Invalid)?;
        key.verify_prehash(&digest, &sig).is_ok()
    } else if curve == SECP384R1 {
        let key = p384::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(|_| SignatureProblem::Invalid)?;
        let sig = p384::ecdsa::Signature::from_der(signature).map_err(|_| SignatureProblem::Invalid)?;
        key.verify_prehash(&digest, &sig).is_ok()
    } else {
        return Err(mismatch());
    };
    if checked { Ok(()) } else { Err(SignatureProblem::Invalid) }
}

/// The named curve in an EC public key's algorithm parameters.
pub fn named_curve(algorithm: &AlgorithmIdentifierOwned) -> Option<ObjectIdentifier> {
    algorithm.parameters.as_ref()?.decode_as::<ObjectIdentifier>().ok()
}

/// The parts of a signed certificate (or CSR) exactly as its DER holds them:
/// the signer signed these TBS bytes, which a re-encoding may not reproduce
/// (a non-canonical length, a default value written out).
struct SignedParts<'a> {
    tbs: &'a [u8],
    algorithm: AlgorithmIdentifierOwned,
    signature: &'a [u8],
}

fn signed_parts(der: &[u8]) -> Option<SignedParts<'_>> {
    let mut reader = SliceReader::new(der).ok()?;
    let parts = reader
        .sequence(|inner: &mut SliceReader<'_>| {
            let tbs = inner.tlv_bytes()?;
            let algorithm = AlgorithmIdentifierOwned::decode(inner)?;
            let signature = BitStringRef::decode(inner)?;
            Ok::<_, der::Error>((tbs, algorithm, signature))
        })
        .ok()?;
    reader.finish().ok()?;
    let (tbs, algorithm, signature) = parts;
    Some(SignedParts { tbs, algorithm, signature: signature.as_bytes()? })
}

/// The `signature` field inside a TBSCertificate: after the optional
/// version and the serial number. Read by hand so that a certificate with
/// dates x509-cert can't decode (before 1970) is checked too.
fn tbs_signature_algorithm(tbs: &[u8]) -> Option<AlgorithmIdentifierOwned> {
    let version = Tag::ContextSpecific { constructed: true, number: TagNumber(0) };
    let mut reader = SliceReader::new(tbs).ok()?;
    reader
        .sequence(|inner: &mut SliceReader<'_>| {
            if Tag::peek(inner)? == version {
                inner.tlv_bytes()?;
            }
            inner.tlv_bytes()?;
            let algorithm = AlgorithmIdentifierOwned::decode(inner)?;
            while !inner.is_finished() {
                inner.tlv_bytes()?;
            }
            Ok::<_, der::Error>(algorithm)
        })
        .ok()
}

/// Checks a certificate's signature with `issuer`'s public key, over the TBS
/// bytes of `der`, the certificate as it was read. Like OpenSSL, the outer
/// signatureAlgorithm must be the one the signed part names.
pub fn verify_certificate(der: &[u8], issuer: &SubjectPublicKeyInfoOwned) -> Result<(), SignatureProblem> {
    let parts = signed_parts(der).ok_or(SignatureProblem::Invalid)?;
    if tbs_signature_algorithm(parts.tbs).as_ref() != Some(&parts.algorithm) {
        return Err(SignatureProblem::AlgorithmMismatch);
    }
    verify(issuer, &parts.algorithm, parts.tbs, parts.signature)
}

/// Checks a CSR's self-signature with the public key it carries, over the
/// CertificationRequestInfo bytes of `der`, the request as it was read.
pub fn verify_csr(csr: &x509_cert::request::CertReq, der: &[u8]) -> Result<(), SignatureProblem> {
    let parts = signed_parts(der).ok_or(SignatureProblem::Invalid)?;
    verify(&csr.info.public_key, &parts.algorithm, parts.tbs, parts.signature)
}

/// Subject = issuer and the signature over `der` (the certificate as read)
/// verifies with its own key.
pub fn is_self_signed(certificate: &Certificate, der: &[u8]) -> bool {
    let tbs = certificate.tbs_certificate();
    tbs.subject() == tbs.issuer() && verify_certificate(der, tbs.subject_public_key_info()).is_ok()
}
