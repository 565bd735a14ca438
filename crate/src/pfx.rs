//! PKCS#12 (`.pfx`) files: a private key with its whole chain, in the two
//! encryption profiles Windows, .NET, Java and OpenSSL read.

use der::Encode;
use sha1::{Digest, Sha1};
use x509_cert::Certificate;

use crate::error::{Result, StudioError};
use crate::key::PrivateKey;

/// OpenSSL 3's `PKCS12_DEFAULT_ITER`, for the key, the certificates and the MAC.
pub const PFX_ITERATIONS: u32 = 2048;

/// The tutorial's PFX password.
pub const DEFAULT_PFX_PASSWORD: &str = "1234";

/// How the PFX is encrypted and authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PfxProfile {
    /// PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) for key and certificates,
    /// HMAC-SHA256 MAC: what `openssl pkcs12 -export` writes in OpenSSL 3.
    Modern,
    /// pbeWithSHAAnd3-KeyTripleDES-CBC for key and certificates, HMAC-SHA1 MAC:
    /// for Windows Server 2016, older Java 8 and appliances.
    Legacy,
}

impl PfxProfile {
    pub fn id(self) -> &'static str {
        match self {
            Self::Modern => "modern",
            Self::Legacy => "legacy",
        }
    }

    pub fn parse(field: &str, id: &str) -> Result<Self> {
        match id {
            "modern" => Ok(Self::Modern),
            "legacy" => Ok(Self::Legacy),
            _ => Err(StudioError::field(field, format!("PFX profile \"{id}\" is not one of modern, legacy."))),
        }
    }

    fn algorithms(self) -> (p12_keystore::EncryptionAlgorithm, p12_keystore::MacAlgorithm) {
        use p12_keystore::{EncryptionAlgorithm, MacAlgorithm};
        match self {
            Self::Modern => (EncryptionAlgorithm::PbeWithHmacSha256AndAes256, MacAlgorithm::HmacSha256),
            Self::Legacy => (EncryptionAlgorithm::PbeWithShaAnd3KeyTripleDesCbc, MacAlgorithm::HmacSha1),
        }
    }
}

/// The PFX choices on the form. `Default` is the tutorial's: modern, `1234`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PfxOptions {
    pub profile: PfxProfile,
    pub password: String,
}

impl Default for PfxOptions {
    fn default() -> Self {
        Self { profile: PfxProfile::Modern, password: DEFAULT_PFX_PASSWORD.into() }
    }
}

impl PfxOptions {
    /// PKCS#12 turns the password into a BMPString for the MAC but PBES2 uses
    /// its UTF-8 bytes; readers disagree on anything beyond printable ASCII.
    pub fn validate(&self) -> Result<()> {
        if self.password.is_empty() {
            return Err(StudioError::field(
                "pfxPassword",
                "The PFX password is empty; Windows, .NET and keytool treat an empty PFX password differently, so give one.",
            ));
        }
        if let Some(bad) = self.password.chars().find(|c| !(' '..='~').contains(c)) {
            return Err(StudioError::field(
                "pfxPassword",
                format!(
                    "The PFX password contains {bad:?}; use printable ASCII only, so that Windows, Java and OpenSSL all read it alike."
                ),
            ));
        }
        Ok(())
    }
}

/// A PFX holding `key` and `chain` (its own certificate first, then its
/// issuers up to the root). The key and the first certificate share a
/// localKeyId (the SHA-1 of that certificate, as OpenSSL makes it), and the
/// key carries `friendly_name`, which keytool and Windows show as its alias.
pub fn pfx(key: &PrivateKey, chain: &[&Certificate], friendly_name: &str, options: &PfxOptions) -> Result<Vec<u8>> {
    options.validate()?;
    let failed = |e: &dyn std::fmt::Display| StudioError::internal("PFX writing", e);
    let leaf = chain.first().ok_or_else(|| StudioError::general("A PFX needs at least the key's own certificate."))?;
    let leaf_der = leaf.to_der().map_err(|e| failed(&e))?;
    let local_key_id = Sha1::digest(&leaf_der).to_vec();
    let certificates = chain
        .iter()
        .map(|c| {
            let der = c.to_der().map_err(|e| failed(&e))?;
            p12_keystore::Certificate::from_der(&der).map_err(|e| failed(&e))
        })
        .collect::<Result<Vec<_>>>()?;
    let key_der = key.to_pkcs8_der()?;
    let p12_key = p12_keystore::PrivateKey::from_der(&key_der).map_err(|e| failed(&e))?;
    let mut store = p12_keystore::KeyStore::new();
    store.add_entry(
        friendly_name,
        p12_keystore::KeyStoreEntry::PrivateKeyChain(p12_keystore::PrivateKeyChain::new(
            local_key_id,
            p12_key,
            certificates,
        )),
    );
    let (encryption, mac) = options.profile.algorithms();
    store
        .writer(&options.password)
        .encryption_algorithm(encryption)
        .encryption_iterations(PFX_ITERATIONS)
        .mac_algorithm(mac)
        .mac_iterations(PFX_ITERATIONS)
        .write()
        .map_err(|e| failed(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_name_the_field_and_rule() {
        let with = |p: &str| PfxOptions { password: p.into(), ..PfxOptions::default() }.validate();
        with("1234").unwrap();
        with("a b~!").unwrap();
        assert_eq!(with("").unwrap_err().field.as_deref(), Some("pfxPassword"));
        assert!(with("pässword").unwrap_err().message.contains("printable ASCII"));
        assert!(PfxProfile::parse("pfxProfile", "rc2").unwrap_err().message.contains("modern, legacy"));
    }
}
