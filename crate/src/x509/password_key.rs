//! A password stretched once (PBKDF2-HMAC-SHA256) into an AES-256 key that
//! encrypts several things of one download under PBES2: the CA keys, the
//! PFX bags. Stretching is nearly all the cost (600,000 rounds for a CA key),
//! so it runs once per download, not once per file. Every encryption gets a
//! fresh IV; the files share the salt, which tells an attacker nothing more,
//! as they share the password (cracking one file opens them all either way).

use std::rc::Rc;

use aes::Aes256;
use cbc::cipher::{BlockCipherDecrypt, BlockModeEncrypt, InnerIvInit, KeyInit, block_padding::Pkcs7};
use pkcs8::pkcs5::pbes2;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::error::{Result, StudioError};
use crate::x509::random;

/// AES-256-CBC with PKCS#7 padding done by the caller: key, IV, plaintext →
/// ciphertext. Node's OpenSSL (AES-NI) encrypts a device's PFX about twenty
/// times faster than the portable AES here, which was an eighth of a batch's time.
pub type OutsideAes = Rc<dyn Fn(&[u8; 32], &[u8; 16], &[u8]) -> Result<Vec<u8>>>;

/// The stretched key, also kept expanded (AES's round keys, wiped on drop):
/// expanding it again for every file cost a fifth of the encryption.
#[derive(Clone)]
pub struct PasswordKey {
    iterations: u32,
    salt: [u8; 16],
    key: Zeroizing<[u8; 32]>,
    cipher: Aes256,
    outside: Option<OutsideAes>,
}

/// `aes`, a caller's AES for [`PasswordKey::with_outside_aes`], with every
/// ciphertext checked here: its length is the padded plaintext's, and its
/// first and last blocks decrypt to the plaintext's (two AES blocks, against
/// the whole file the caller encrypted). A caller with the wrong key, IV,
/// mode or padding fails at the file it got wrong, never writing it.
pub fn checked_each(aes: OutsideAes) -> OutsideAes {
    Rc::new(move |key: &[u8; 32], iv: &[u8; 16], plaintext: &[u8]| {
        let ciphertext = aes(key, iv, plaintext)?;
        if !first_and_last_blocks_match(key, iv, plaintext, &ciphertext) {
            return Err(StudioError::general(
                "The caller's AES-256-CBC is wrong: its ciphertext is not AES-256-CBC with PKCS#7 padding of the plaintext it was given.",
            ));
        }
        Ok(ciphertext)
    })
}

/// Whether `ciphertext` has the length of PKCS#7-padded `plaintext` and its
/// first and last blocks decrypt (CBC, under `key` and `iv`) to its blocks.
fn first_and_last_blocks_match(key: &[u8; 32], iv: &[u8; 16], plaintext: &[u8], ciphertext: &[u8]) -> bool {
    let pad = 16 - plaintext.len() % 16;
    let mut padded = plaintext.to_vec();
    padded.resize(plaintext.len() + pad, pad as u8);
    if ciphertext.len() != padded.len() {
        return false;
    }
    let cipher = Aes256::new(key.into());
    let block_matches = |index: usize, chained: &[u8]| {
        let mut block = aes::Block::try_from(&ciphertext[index * 16..index * 16 + 16]).expect("16 bytes");
        cipher.decrypt_block(&mut block);
        block.iter().zip(chained).map(|(b, c)| b ^ c).eq(padded[index * 16..index * 16 + 16].iter().copied())
    };
    let last = padded.len() / 16 - 1;
    block_matches(0, iv) && (last == 0 || block_matches(last, &ciphertext[(last - 1) * 16..last * 16]))
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
        let key: [u8; 32] = key.try_into().map_err(|_| bad())?;
        Ok(Self {
            iterations,
            salt: salt.try_into().map_err(|_| bad())?,
            cipher: Aes256::new(&key.into()),
            key: Zeroizing::new(key),
            outside: None,
        })
    }

    /// Encrypts through the caller's `aes` from now on.
    pub fn with_outside_aes(mut self, aes: OutsideAes) -> Self {
        self.outside = Some(aes);
        self
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
        let ciphertext = match &self.outside {
            Some(aes) => aes(&self.key, &iv, data)?,
            None => cbc::Encryptor::inner_iv_init(self.cipher.clone(), &iv.into()).encrypt_padded_vec::<Pkcs7>(data),
        };
        Ok((params, ciphertext))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cbc::cipher::KeyIvInit;
    use std::cell::Cell;

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

    #[test]
    fn the_callers_aes_encrypts_and_each_result_is_checked() {
        let calls = Rc::new(Cell::new(0));
        let counted = calls.clone();
        let aes: OutsideAes = Rc::new(move |key: &[u8; 32], iv: &[u8; 16], plaintext: &[u8]| {
            counted.set(counted.get() + 1);
            Ok(cbc::Encryptor::<Aes256>::new(key.into(), iv.into()).encrypt_padded_vec::<Pkcs7>(plaintext))
        });
        let key = PasswordKey::derive("1234", 2048).unwrap().with_outside_aes(checked_each(aes));
        for secret in [&b"first"[..], b"second, longer than one block"] {
            let (params, ciphertext) = key.clone().encrypt(secret).unwrap();
            assert_eq!(params.decrypt("1234", &ciphertext).unwrap(), secret);
        }
        assert_eq!(calls.get(), 2, "both went through the caller");

        // Without padding, or failing: an error at the first file, naming the caller's AES.
        let unpadded: OutsideAes = Rc::new(|key: &[u8; 32], iv: &[u8; 16], plaintext: &[u8]| {
            let mut block = [0u8; 16];
            block[..plaintext.len()].copy_from_slice(plaintext);
            Ok(cbc::Encryptor::<Aes256>::new(key.into(), iv.into()).encrypt_padded_vec::<cbc::cipher::block_padding::NoPadding>(&block))
        });
        let wrong = PasswordKey::derive("1234", 2048).unwrap().with_outside_aes(checked_each(unpadded));
        assert!(wrong.encrypt(b"short").unwrap_err().message.contains("AES-256-CBC is wrong"));
        let failing: OutsideAes =
            Rc::new(|_: &[u8; 32], _: &[u8; 16], _: &[u8]| Err(StudioError::general("The caller's AES-256-CBC failed: offline")));
        let failed = PasswordKey::derive("1234", 2048).unwrap().with_outside_aes(checked_each(failing));
        assert!(failed.encrypt(b"x").unwrap_err().message.contains("offline"));

        // Right at first, then a wrong IV, a wrong key, a flipped last block: each refused when it happens.
        for fault in 0..3 {
            let calls = Cell::new(0);
            let faulty: OutsideAes = Rc::new(move |key: &[u8; 32], iv: &[u8; 16], plaintext: &[u8]| {
                calls.set(calls.get() + 1);
                let (mut key, mut iv) = (*key, *iv);
                if calls.get() == 3 && fault == 0 {
                    iv[0] ^= 1;
                }
                if calls.get() == 3 && fault == 1 {
                    key[5] ^= 1;
                }
                let mut out = cbc::Encryptor::<Aes256>::new((&key).into(), (&iv).into()).encrypt_padded_vec::<Pkcs7>(plaintext);
                if calls.get() == 3 && fault == 2 {
                    *out.last_mut().unwrap() ^= 1;
                }
                Ok(out)
            });
            let key = PasswordKey::derive("1234", 2048).unwrap().with_outside_aes(checked_each(faulty));
            let secret = b"a PFX bag longer than two blocks of AES";
            assert!(key.encrypt(secret).is_ok() && key.encrypt(secret).is_ok(), "fault {fault}");
            assert!(key.encrypt(secret).unwrap_err().message.contains("AES-256-CBC is wrong"), "fault {fault}");
        }
    }
}
