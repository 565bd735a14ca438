//! Proof of possession: the verification certificate the Azure portal asks
//! for. CN = the portal's code, a fresh key of the CA's type, `usr_cert`
//! extensions, 30 days, AKI = the CA's SKI, signed by the CA being verified.

use crate::error::Result;
use crate::make::{ChainEntry, Product};
use crate::output::bundle::{Bundle, OutputFile};
use crate::output::layout::{self, VERIFICATION_STEM, role};
use crate::output::pfx::{PfxOptions, PfxWriter};
use crate::output::writers::{KeyedCertificateFiles, Role};
use crate::rules::names::{check_verification_code, verification_code_warning};
use crate::rules::validity::TUTORIAL_VALIDITY_DAYS;
use crate::x509::facts::thumbprint_sha1;
use crate::x509::issue::{CertificateParams, Issued, Issuer, SignedBy, ValidityWindow, issue};
use crate::x509::key::{KeyEncoding, PrivateKey};
use crate::x509::profile::DEVICE;
use crate::x509::signing::Signing;

/// The proof-of-possession certificate the portal asks for: CN = the
/// verification code, signed by the CA being verified.
pub struct VerificationCertificate {
    pub code: String,
    /// The CA it proves possession of.
    pub ca_common_name: String,
    pub issued: Issued,
    /// Said of a code that is valid but of an unusual length.
    pub warning: Option<String>,
}

impl VerificationCertificate {
    pub fn make(ca: &Issuer, code: &str, now_unix: u64) -> Result<Self> {
        check_verification_code(code)?;
        let key = PrivateKey::generate(ca.key.algorithm())?;
        let params = CertificateParams::new(code, &DEVICE, ValidityWindow::days(now_unix, TUTORIAL_VALIDITY_DAYS));
        let certificate = issue(&params, &key.public_key_info()?, SignedBy::Ca(ca), &mut Signing::here())?;
        let issued = Issued { certificate, key, csr: None };
        Ok(Self { code: code.to_string(), ca_common_name: ca.common_name(), issued, warning: verification_code_warning(code) })
    }

    /// SHA-1, upper-case hex without colons: how the portal shows thumbprints.
    pub fn thumbprint_sha1(&self) -> Result<String> {
        thumbprint_sha1(&self.issued.certificate)
    }
}

impl Product for VerificationCertificate {
    /// certGen.sh's `verification-code.cert.pem` (what the portal takes),
    /// its DER, key and PFX (password `1234`), then `README.txt`.
    fn files(&self) -> Result<Vec<OutputFile>> {
        let mut bundle = Bundle::default();
        let key_pem = self.issued.key.to_pem(KeyEncoding::Pkcs8, None)?;
        let what = format!("verification certificate (CN={})", self.code);
        KeyedCertificateFiles {
            stem: VERIFICATION_STEM,
            issued: &self.issued,
            issuers: &[],
            key_pem: &key_pem,
            pfx_path: layout::cert_pfx(VERIFICATION_STEM),
            friendly_name: VERIFICATION_STEM,
            role: Role { what: &what, certificate_use: "upload it in the portal's Verify step.", key_use: "not needed by the portal." },
        }
        .write(&mut bundle, &PfxWriter::new(&PfxOptions::default())?)?;
        bundle.finish(&format!("Proof of possession of \"{}\": the verification certificate for code {}.", self.ca_common_name, self.code))
    }

    fn entries(&self) -> Result<Vec<ChainEntry>> {
        Ok(vec![ChainEntry::new(role::VERIFICATION, &self.issued.certificate, &self.issued.key, layout::cert(VERIFICATION_STEM))?])
    }
}
