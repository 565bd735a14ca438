//! A certificate as read from someone's file: the one shape every reader
//! gives and everything after the readers takes.

use der::Decode;
use x509_cert::Certificate;

use crate::x509::facts::is_ca;
use crate::x509::verify::{is_self_signed, verify_certificate};

/// A certificate as read from a file: parsed, its bytes as read, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadCertificate {
    pub certificate: Certificate,
    /// The DER exactly as the file held it: signatures are over these bytes
    /// and thumbprints and copies use them, as a re-encoding may differ.
    pub der: Vec<u8>,
    /// Where it came from, for messages: `chain.pem`, `studio.zip › certs/…`.
    pub file: String,
}

impl ReadCertificate {
    /// Parses `der`, keeping the bytes as they are.
    pub fn parse(der: &[u8], file: &str) -> Result<Self, der::Error> {
        Ok(Self { certificate: Certificate::from_der(der)?, der: der.to_vec(), file: file.to_string() })
    }

    pub fn is_ca(&self) -> bool {
        is_ca(&self.certificate)
    }

    /// Subject = issuer, and the signature over the bytes as read verifies with its own key.
    pub fn is_self_signed(&self) -> bool {
        is_self_signed(&self.certificate, &self.der)
    }
}

/// Follows issuers upwards through `pool`: by name, confirmed by signature.
pub fn chain_above<'a>(start: &'a ReadCertificate, pool: &[&'a ReadCertificate]) -> Vec<&'a ReadCertificate> {
    let mut chain: Vec<&'a ReadCertificate> = Vec::new();
    let mut current = start;
    while !current.is_self_signed() && chain.len() <= pool.len() {
        let next = pool.iter().copied().find(|candidate| {
            candidate.der != current.der
                && !chain.iter().any(|c| c.der == candidate.der)
                && candidate.certificate.tbs_certificate().subject() == current.certificate.tbs_certificate().issuer()
                && verify_certificate(&current.der, candidate.certificate.tbs_certificate().subject_public_key_info()).is_ok()
        });
        let Some(next) = next else { break };
        chain.push(next);
        current = next;
    }
    chain
}
