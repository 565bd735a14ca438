//! The signature algorithms the chain verdict hands to rustls-webpki, checked
//! by the studio's own RustCrypto code ([`crate::x509::verify`]) instead of
//! ring or aws-lc: RSA PKCS#1 v1.5 with SHA-1/256/384/512 and ECDSA on P-256 /
//! P-384 with SHA-256/384/512, the algorithms Inspect already checks.

use der::asn1::BitString;
use der::{Decode, Encode};
use rustls_pki_types::{AlgorithmIdentifier, InvalidSignature, SignatureVerificationAlgorithm, alg_id};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

use crate::x509::verify;

/// sha1WithRSAEncryption with its NULL parameters, the contents of the
/// AlgorithmIdentifier SEQUENCE (as rustls-pki-types writes the others).
const RSA_PKCS1_SHA1: AlgorithmIdentifier =
    AlgorithmIdentifier::from_slice(&[0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05, 0x05, 0x00]);

/// One (public key algorithm, signature algorithm) pairing webpki may meet.
#[derive(Debug)]
struct StudioSignature {
    public_key: AlgorithmIdentifier,
    signature: AlgorithmIdentifier,
}

/// `contents` is an AlgorithmIdentifier without its SEQUENCE tag and length.
fn algorithm_identifier(contents: &[u8]) -> Result<AlgorithmIdentifierOwned, InvalidSignature> {
    let mut der = vec![0x30];
    der.extend(der::Length::try_from(contents.len()).and_then(|l| l.to_der()).map_err(|_| InvalidSignature)?);
    der.extend_from_slice(contents);
    AlgorithmIdentifierOwned::from_der(&der).map_err(|_| InvalidSignature)
}

impl SignatureVerificationAlgorithm for StudioSignature {
    fn verify_signature(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature> {
        let signer = SubjectPublicKeyInfoOwned {
            algorithm: algorithm_identifier(&self.public_key)?,
            subject_public_key: BitString::from_bytes(public_key).map_err(|_| InvalidSignature)?,
        };
        verify::verify(&signer, &algorithm_identifier(&self.signature)?, message, signature).map_err(|_| InvalidSignature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        self.public_key
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.signature
    }
}

const fn pair(public_key: AlgorithmIdentifier, signature: AlgorithmIdentifier) -> StudioSignature {
    StudioSignature { public_key, signature }
}

static PAIRS: [StudioSignature; 10] = [
    pair(alg_id::RSA_ENCRYPTION, RSA_PKCS1_SHA1),
    pair(alg_id::RSA_ENCRYPTION, alg_id::RSA_PKCS1_SHA256),
    pair(alg_id::RSA_ENCRYPTION, alg_id::RSA_PKCS1_SHA384),
    pair(alg_id::RSA_ENCRYPTION, alg_id::RSA_PKCS1_SHA512),
    pair(alg_id::ECDSA_P256, alg_id::ECDSA_SHA256),
    pair(alg_id::ECDSA_P256, alg_id::ECDSA_SHA384),
    pair(alg_id::ECDSA_P256, alg_id::ECDSA_SHA512),
    pair(alg_id::ECDSA_P384, alg_id::ECDSA_SHA256),
    pair(alg_id::ECDSA_P384, alg_id::ECDSA_SHA384),
    pair(alg_id::ECDSA_P384, alg_id::ECDSA_SHA512),
];

/// Every pairing, as `EndEntityCert::verify_for_usage` takes them.
pub fn algorithms() -> [&'static dyn SignatureVerificationAlgorithm; 10] {
    PAIRS.each_ref().map(|p| p as &dyn SignatureVerificationAlgorithm)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_identifier_decodes_as_the_studio_reads_it() {
        for pair in &PAIRS {
            let key = algorithm_identifier(&pair.public_key).unwrap();
            let signature = algorithm_identifier(&pair.signature).unwrap();
            assert!(!crate::x509::text::oid_name(&key.oid).is_empty());
            // Each signature algorithm is one the studio checks: a wrong signature is Invalid, not Unsupported.
            let spki = crate::x509::key::PrivateKey::generate(if key.oid == const_oid::db::rfc5912::RSA_ENCRYPTION {
                crate::x509::key::KeyAlgorithm::Rsa2048
            } else if verify::named_curve(&key) == Some(const_oid::db::rfc5912::SECP_256_R_1) {
                crate::x509::key::KeyAlgorithm::EcP256
            } else {
                crate::x509::key::KeyAlgorithm::EcP384
            })
            .unwrap()
            .public_key_info()
            .unwrap();
            assert_eq!(verify::verify(&spki, &signature, b"data", &[0x30, 0x00]), Err(verify::SignatureProblem::Invalid), "{pair:?}");
        }
    }
}
