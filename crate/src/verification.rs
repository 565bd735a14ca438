//! Proof of possession: the verification certificate the Azure portal asks
//! for. CN = the portal's code, a fresh key of the CA's type, `usr_cert`
//! extensions, 30 days, AKI = the CA's SKI, signed by the CA being verified.

use x509_cert::Certificate;

use crate::archive::OutputFile;
use crate::certificate::{self, CertificateParams, Issuer, SignedBy, ValidityWindow, certificate_pem};
use crate::error::{Result, StudioError};
use crate::key::{KeyEncoding, PrivateKey};
use crate::layout;
use crate::names::MAX_COMMON_NAME_CHARS;
use crate::profile::DEVICE;

/// Every script in the tutorial makes certificates valid for 30 days.
pub const VALIDITY_DAYS: u32 = 30;
const STEM: &str = "verification-code";

pub struct VerificationCertificate {
    pub code: String,
    pub certificate: Certificate,
    pub key: PrivateKey,
}

/// The portal's code: not empty, no spaces, at most 64 characters (a CN).
pub fn check_code(code: &str) -> Result<()> {
    let field = |message: String| StudioError::field("verificationCode", message);
    if code.is_empty() {
        return Err(field("The verification code is empty: paste the code the portal shows.".into()));
    }
    if code.chars().any(char::is_whitespace) {
        return Err(field(format!("The verification code \"{code}\" contains a space; paste it exactly as the portal shows it.")));
    }
    if code.chars().any(char::is_control) {
        return Err(field("The verification code contains a control character.".into()));
    }
    let n = code.chars().count();
    if n > MAX_COMMON_NAME_CHARS {
        return Err(field(format!(
            "The verification code is {n} characters long; as a certificate's common name it may have at most {MAX_COMMON_NAME_CHARS}."
        )));
    }
    Ok(())
}

impl VerificationCertificate {
    pub fn make(ca: &Issuer, code: &str, now_unix: u64) -> Result<Self> {
        check_code(code)?;
        let key = PrivateKey::generate(ca.key.algorithm())?;
        let params = CertificateParams {
            common_name: code,
            profile: &DEVICE,
            validity: ValidityWindow { not_before_unix: now_unix, days: VALIDITY_DAYS },
            dns_names: &[],
        };
        let certificate = certificate::issue(&params, &key.public_key_info()?, SignedBy::Ca(ca))?;
        Ok(Self { code: code.to_string(), certificate, key })
    }

    /// SHA-1, upper-case hex without colons: how the portal shows thumbprints.
    pub fn thumbprint_sha1(&self) -> Result<String> {
        certificate::thumbprint_sha1(&self.certificate)
    }

    /// `certs/verification-code.cert.pem` and `private/verification-code.key.pem`.
    pub fn files(&self) -> Result<Vec<OutputFile>> {
        Ok(vec![
            OutputFile {
                path: layout::cert(STEM),
                contents: certificate_pem(&self.certificate)?.into_bytes(),
                description: format!("Verification certificate (CN={}): upload it in the portal's Verify step.", self.code),
                secret: false,
            },
            OutputFile {
                path: layout::key(STEM),
                contents: self.key.to_pem(KeyEncoding::Pkcs8, None)?.as_bytes().to_vec(),
                description: "Private key of the verification certificate (not needed by the portal).".into(),
                secret: true,
            },
        ])
    }
}
