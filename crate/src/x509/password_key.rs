//! A password stretched once (PBKDF2-HMAC-SHA256) into an AES-256 key that
//! encrypts several things of one download under PBES2: the CA keys, the
//! PFX bags. Stretching is nearly all the cost (600,000 rounds for a CA key),
//! so it runs once per download, not once per file. Every encryption gets a
//! fresh IV; the files share the salt, which tells an attacker nothing more,
//! as they share the password (cracking one file opens them all either way).

use aes::Aes256;
use cbc::cipher::{BlockModeEncrypt, InnerIvInit, KeyInit, block_padding::Pkcs7};
use pkcs8::pkcs5::pbes2;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::error::{Result, StudioError};
use crate::x509::random;

/// The stretched key is kept expanded (AES's round keys, wiped on drop):
/// expanding it again for every file cost a fifth of the encryption.
#[derive(Clone)]
pub struct PasswordKey {
    iterations: u32,
    salt: [u8; 16],
    cipher: Aes256,
}

impl PasswordKey {
    pub fn derive(password: &str, iterations: u32) -> Result<Self> {
        let mut salt = [0u8; 16];
        random::fill(&mut salt)?;
        let mut key = Zeroizing::new([0u8; 32]);
        pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), &salt, iterations, key.as_mut());
        Self::from_stretched(&salt, iterations, key.as_ref())
    }

    /// A key stretched elsewhere (the browser's native PBKDF2, several times
    /// faster than PBKDF2 in wasm) from the password with `salt` and `iterations`.
    pub fn from_stretched(salt: &[u8], iterations: u32, key: &[u8]) -> Result<Self> {
        let bad = || StudioError::general("A stretched password key needs a 16-byte salt and a 32-byte key.");
        Ok(Self {
            iterations,
            salt: salt.try_into().map_err(|_| bad())?,
            cipher: Aes256::new_from_slice(key).map_err(|_| bad())?,
        })
    }

    pub fn iterations(&self) -> u32 {
        self.iterations
    }

    /// AES-256-CBC under a fresh IV: the PBES2 parameters to store with the
    /// ciphertext (PBKDF2-SHA256 with this key's salt and rounds), and the ciphertext.
    pub fn encrypt(&self, data: &[u8]) -> Result<(pbes2::Parameters, Vec<u8>)> {
        let failed = |e: &dyn std::fmt::Display| StudioError::internal("PBES2 encryption", e);
        let mut iv = [0u8; 16];
        random::fill(&mut iv)?;
        let params = pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(self.iterations, &self.salt, iv).map_err(|e| failed(&e))?;
        let cipher = cbc::Encryptor::inner_iv_init(self.cipher.clone(), &iv.into());
        Ok((params, cipher.encrypt_padded_vec::<Pkcs7>(data)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decrypts_with_the_password_alone() {
        let key = PasswordKey::derive("1234", 2048).unwrap();
        let (params, a) = key.encrypt(b"first secret").unwrap();
        let (_, b) = key.encrypt(b"first secret").unwrap();
        assert_ne!(a, b, "a fresh IV each time");
        assert_eq!(params.decrypt("1234", &a).unwrap(), b"first secret");
        assert!(params.decrypt("4321", &a).is_err());
    }

    #[test]
    fn a_key_stretched_elsewhere_encrypts_the_same_way() {
        let mut salt = [7u8; 16];
        salt[0] = 1;
        let mut stretched = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<Sha256>(b"pw", &salt, 4096, &mut stretched);
        let key = PasswordKey::from_stretched(&salt, 4096, &stretched).unwrap();
        let (params, ciphertext) = key.encrypt(b"secret").unwrap();
        assert_eq!(params.decrypt("pw", &ciphertext).unwrap(), b"secret");
        assert!(PasswordKey::from_stretched(&salt[..8], 4096, &stretched).is_err());
    }
}
