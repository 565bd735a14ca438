//! Where a build's serial numbers and signatures come from: plan → sign →
//! assemble, passed explicitly to every `issue`. In the browser WebCrypto
//! signs with RSA-4096 about eight times faster than RSA in wasm, and all of
//! a chain's signatures can be made at once (none signs another's). So a
//! chain can be built twice: [`Signing::planning`] records what each RSA key
//! would sign (with placeholder signatures) and the serial numbers it drew;
//! the caller signs every message; [`Signing::assembling`] builds it again
//! with the same serials, so every to-be-signed structure is byte-identical,
//! and takes each RSA signature from the caller. EC keys sign here, except
//! in [`Signing::outside`]: keys the caller holds (the command's, in Node's
//! OpenSSL) sign through the caller's function as the build goes.

use std::collections::VecDeque;

use der::asn1::BitString;
use sha2::Sha256;
use spki::DynSignatureAlgorithmIdentifier;
use x509_cert::serial_number::SerialNumber;

use crate::error::{Result, StudioError};
use crate::x509::key::PrivateKey;
use crate::x509::random;
use crate::x509::verify::{SignatureProblem, verify};

/// One signature a build needs: whose key (its public key, as SPKI DER) and over what.
pub struct SignatureRequest {
    pub public_key: Vec<u8>,
    pub message: Vec<u8>,
}

/// What a planning build recorded: the messages to sign, in signing order, and the serial numbers drawn.
#[derive(Default)]
pub struct SigningPlan {
    pub requests: Vec<SignatureRequest>,
    pub serials: Vec<Vec<u8>>,
}

/// How a build signs. Most builds sign [`Signing::here`].
pub enum Signing {
    /// Each key signs here; serials are fresh random numbers.
    Here,
    /// RSA signing is recorded, not done; the serials drawn are recorded too.
    Planning(SigningPlan),
    /// The planned serials, and the caller's RSA signatures of the planned messages.
    Assembling { serials: VecDeque<Vec<u8>>, signatures: VecDeque<(Vec<u8>, Vec<u8>)> },
    /// Keys the caller holds ([`PrivateKey::Outside`]) sign through its
    /// function, given the key's handle and the message, as it happens; other
    /// keys sign here. Serials are fresh random numbers.
    Outside(OutsideSigner),
}

/// The caller's signer, checked: the key and a message → the signature.
pub type OutsideSigner = Box<dyn FnMut(&PrivateKey, usize, &[u8]) -> Result<Vec<u8>>>;

/// `signature`, once it verifies under `key`'s public key over `message`.
fn verified(key: &PrivateKey, made_where: &str, message: &[u8], signature: Vec<u8>) -> Result<Vec<u8>> {
    if let PrivateKey::Outside(outside) = key
        && let Some(verifies) = outside.ecdsa_verifies(message, &signature)
    {
        return match verifies {
            true => Ok(signature),
            false => Err(StudioError::general(format!(
                "A signature {made_where} does not verify under its key: {}. Nothing was made with it.",
                SignatureProblem::Invalid.describe()
            ))),
        };
    }
    let algorithm = key.signature_algorithm_identifier().map_err(|e| StudioError::internal("Signature algorithm", e))?;
    verify(&key.public_key_info()?, &algorithm, message, &signature).map_err(|problem| {
        StudioError::general(format!(
            "A signature {made_where} does not verify under its key: {}. Nothing was made with it.",
            problem.describe()
        ))
    })?;
    Ok(signature)
}

/// `signature` by WebCrypto, once it verifies under the RSA key (PKCS#1 v1.5,
/// SHA-256) over `message`: RSA alone, as the page's module has no other
/// verification to spare room for.
fn rsa_verified(key: &rsa::pkcs1v15::SigningKey<Sha256>, message: &[u8], signature: Vec<u8>) -> Result<Vec<u8>> {
    use signature::{Keypair, Verifier};
    let checked = rsa::pkcs1v15::Signature::try_from(signature.as_slice()).ok().filter(|s| key.verifying_key().verify(message, s).is_ok());
    match checked {
        Some(_) => Ok(signature),
        None => Err(StudioError::general("A signature made by the browser does not verify under its key. Nothing was made with it.")),
    }
}

impl Signing {
    pub fn here() -> Self {
        Self::Here
    }

    /// Signs with the caller's keys through `sign(handle, message)`. Every
    /// signature the caller makes is verified before it is placed: a caller
    /// that signs with another key, or returns nothing, fails at that device.
    /// (The check is made here, where a signer outside is made, so only the
    /// module that has one carries ECDSA verification.)
    pub fn outside(mut sign: impl FnMut(usize, &[u8]) -> Result<Vec<u8>> + 'static) -> Self {
        Self::Outside(Box::new(move |key: &PrivateKey, handle: usize, message: &[u8]| {
            let signature = sign(handle, message)?;
            verified(key, &format!("made outside with key {handle}"), message, signature)
        }))
    }

    pub fn planning() -> Self {
        Self::Planning(SigningPlan::default())
    }

    /// A build that takes `plan`'s serials and `signatures` (one per planned request, in order).
    pub fn assembling(plan: SigningPlan, signatures: Vec<Vec<u8>>) -> Result<Self> {
        if signatures.len() != plan.requests.len() {
            return Err(StudioError::general(format!(
                "The build needs {} signatures, and {} were given.",
                plan.requests.len(),
                signatures.len()
            )));
        }
        let signatures = plan.requests.into_iter().map(|r| r.message).zip(signatures).collect();
        Ok(Self::Assembling { serials: plan.serials.into(), signatures })
    }

    /// What a planning build recorded.
    pub fn into_plan(self) -> Result<SigningPlan> {
        match self {
            Self::Planning(plan) => Ok(plan),
            _ => Err(StudioError::general("Only a planning build has a signing plan.")),
        }
    }

    /// A random positive serial of exactly 16 octets (126 random bits): never
    /// negative, never padded, well under RFC 5280's 20-octet limit. The
    /// planned one when assembling.
    pub fn serial(&mut self) -> Result<SerialNumber> {
        let bytes = match self {
            Self::Assembling { serials, .. } => {
                serials.pop_front().ok_or_else(|| StudioError::general("The build drew more serial numbers than it planned."))?
            }
            Self::Here | Self::Planning(_) | Self::Outside(_) => {
                let mut bytes = [0u8; 16];
                random::fill(&mut bytes)?;
                bytes[0] = (bytes[0] & 0x7f) | 0x40;
                if let Self::Planning(plan) = self {
                    plan.serials.push(bytes.to_vec());
                }
                bytes.to_vec()
            }
        };
        SerialNumber::new(&bytes).map_err(|e| StudioError::internal("Serial number", e))
    }

    /// `key`'s signature over `message`, as it goes into a certificate or CSR.
    pub fn sign(&mut self, key: &PrivateKey, message: &[u8]) -> Result<BitString> {
        let signature = match (self, key) {
            (Self::Planning(plan), PrivateKey::Rsa(_)) => {
                plan.requests.push(SignatureRequest { public_key: key.public_key_der()?, message: message.to_vec() });
                vec![0; key.algorithm().rsa_bits().unwrap_or(0) / 8]
            }
            // The caller's (WebCrypto's) signature is verified before it is placed.
            (Self::Assembling { signatures, .. }, PrivateKey::Rsa(rsa_key)) => match signatures.pop_front() {
                Some((planned, signature)) if planned == message => rsa_verified(rsa_key, message, signature)?,
                _ => return Err(StudioError::general("The build signed something other than what it planned.")),
            },
            (Self::Outside(sign), PrivateKey::Outside(outside)) => sign(key, outside.handle, message)?,
            _ => key.sign(message)?,
        };
        BitString::from_bytes(&signature).map_err(|e| StudioError::internal("Signature encoding", e))
    }
}

impl SigningPlan {
    /// For each request, the index of the key that must sign it, given the
    /// keys' public keys (SPKI DER, see [`PrivateKey::public_key_der`]).
    pub fn key_indices(&self, public_keys: &[Vec<u8>]) -> Result<Vec<usize>> {
        self.requests
            .iter()
            .map(|r| {
                public_keys.iter().position(|k| *k == r.public_key).ok_or_else(|| StudioError::general("A planned signature has no key."))
            })
            .collect()
    }
}
