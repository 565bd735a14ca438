//! OpenSSL's legacy encrypted PEM (`Proc-Type: 4,ENCRYPTED` + `DEK-Info`), as
//! `openssl genrsa -aes256` wrote before 3.0 and `-traditional` still writes:
//! the key is EVP_BytesToKey(MD5, password, salt = first 8 IV bytes, 1 round),
//! the body is the PKCS#1 / SEC1 DER under CBC with PKCS#7 padding.
//! Also OpenSSL 1.0's default for `pkcs8 -topk8`: PKCS#8 encrypted with
//! pbeWithSHA1And3-KeyTripleDES-CBC (or 2-key 3DES), decrypted as a PFX's
//! key bags are (pfx_read).

use cbc::cipher::{BlockCipherDecrypt, BlockModeDecrypt, KeyInit, KeyIvInit, block_padding::Pkcs7};
use md5::{Digest, Md5};
use zeroize::Zeroizing;

use crate::error::{Result, StudioError};
use crate::read::budget::ReadBudget;
use crate::read::pem_file::PemBlock;
use crate::x509::oid::PKCS12_PBE_IDS;

/// The DEK-Info ciphers OpenSSL writes for keys, all in CBC mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DekCipher {
    Aes128,
    Aes192,
    Aes256,
    DesEde3,
}

impl DekCipher {
    fn parse(name: &str) -> Option<Self> {
        match name.to_ascii_uppercase().as_str() {
            "AES-128-CBC" => Some(Self::Aes128),
            "AES-192-CBC" => Some(Self::Aes192),
            "AES-256-CBC" => Some(Self::Aes256),
            "DES-EDE3-CBC" => Some(Self::DesEde3),
            _ => None,
        }
    }

    fn key_len(self) -> usize {
        match self {
            Self::Aes128 => 16,
            Self::Aes192 | Self::DesEde3 => 24,
            Self::Aes256 => 32,
        }
    }

    fn iv_len(self) -> usize {
        if self == Self::DesEde3 { 8 } else { 16 }
    }
}

/// Whether the block carries `Proc-Type: 4,ENCRYPTED`.
pub fn is_encrypted(block: &PemBlock) -> bool {
    block.header("Proc-Type").is_some_and(|v| v.replace(' ', "").eq_ignore_ascii_case("4,ENCRYPTED"))
}

/// Decrypts a legacy encrypted block to the DER of its key. A wrong password
/// almost always breaks the padding; the caller's DER parse catches the rest.
pub fn decrypt(file_name: &str, block: &PemBlock, password: &str) -> Result<Zeroizing<Vec<u8>>> {
    let damaged = |why: &str| StudioError::field("files", format!("{file_name} has a damaged encryption header: {why}."));
    let dek = block.header("DEK-Info").ok_or_else(|| damaged("DEK-Info is missing"))?;
    let (cipher_name, iv_hex) = dek.split_once(',').ok_or_else(|| damaged("DEK-Info has no IV"))?;
    let cipher = DekCipher::parse(cipher_name.trim()).ok_or_else(|| {
        StudioError::field(
            "files",
            format!(
                "{file_name} is encrypted with {}, which the studio can't read; re-encrypt it with AES-256 (openssl pkey -aes256).",
                cipher_name.trim()
            ),
        )
    })?;
    let iv = hex_bytes(iv_hex.trim())
        .filter(|iv| iv.len() == cipher.iv_len())
        .ok_or_else(|| damaged("the IV is not valid hex of the right length"))?;
    let salt = iv.get(..8).ok_or_else(|| damaged("the IV is too short"))?;
    let key = bytes_to_key(password.as_bytes(), salt, cipher.key_len());
    let wrong = || StudioError::field("password", format!("The password for {file_name} is wrong."));
    let der = match cipher {
        DekCipher::Aes128 => cbc_decrypt::<aes::Aes128>(&key, &iv, &block.der),
        DekCipher::Aes192 => cbc_decrypt::<aes::Aes192>(&key, &iv, &block.der),
        DekCipher::Aes256 => cbc_decrypt::<aes::Aes256>(&key, &iv, &block.der),
        DekCipher::DesEde3 => cbc_decrypt::<des::TdesEde3>(&key, &iv, &block.der),
    };
    der.ok_or_else(wrong)
}

/// Decrypts an `ENCRYPTED PRIVATE KEY` under a PKCS#12 PBE to its PKCS#8
/// DER; `None` when the block uses another scheme (PBES2 is pkcs8's job).
pub fn decrypt_pkcs12_pbe(file_name: &str, der: &[u8], password: Option<&str>, budget: &ReadBudget) -> Option<Result<Zeroizing<Vec<u8>>>> {
    use crate::read::pfx_read::{self, PfxReadError};
    use der::Decode;
    let info = pkcs12::pbe_params::EncryptedPrivateKeyInfo::from_der(der).ok()?;
    let scheme = &info.encryption_algorithm;
    if scheme.oid.parent() != Some(PKCS12_PBE_IDS) {
        return None;
    }
    // Tried without a password too: an unsupported scheme is named before a password is asked for.
    let given = password.filter(|p| !p.is_empty());
    // RC2 is for the certificates of `-legacy` PFX files; a key under it stays refused as obsolete.
    let rc2 = [pkcs12::PKCS_12_PBEWITH_SHAAND40_BIT_RC2_CBC, pkcs12::PKCS_12_PBE_WITH_SHAAND128_BIT_RC2_CBC];
    let plain = match pfx_read::kdf_passwords(given.unwrap_or_default()) {
        _ if rc2.contains(&scheme.oid) => None,
        Ok(mut forms) => pfx_read::decrypt_pkcs12_pbe(
            scheme,
            &forms.swap_remove(0),
            info.encrypted_data.as_bytes(),
            pfx_read::Rounds { budget, file: file_name },
        ),
        Err(e) => Some(Err(e)),
    };
    let plain = plain.unwrap_or_else(|| Err(PfxReadError::Unsupported(crate::x509::text::oid_name(&scheme.oid))));
    Some(plain.map_err(|e| match e {
        PfxReadError::WrongPassword if given.is_none() => StudioError::field("password", format!("{file_name} is encrypted; enter its password.")),
        PfxReadError::WrongPassword => StudioError::field("password", format!("The password for {file_name} is wrong.")),
        PfxReadError::Unsupported(what) => StudioError::field(
            "files",
            format!("{file_name} is encrypted with {what}, which the studio can't read; re-encrypt it with openssl pkcs8 -topk8 -v2 aes-256-cbc."),
        ),
        PfxReadError::Damaged(what) => StudioError::field("files", format!("{file_name} is truncated or damaged: {what}.")),
        PfxReadError::OverBudget(over) => over.into_error(),
    }))
}

fn cbc_decrypt<C: BlockCipherDecrypt + KeyInit>(key: &[u8], iv: &[u8], data: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let decryptor = cbc::Decryptor::<C>::new_from_slices(key, iv).ok()?;
    decryptor.decrypt_padded_vec::<Pkcs7>(data).ok().map(Zeroizing::new)
}

/// EVP_BytesToKey with MD5 and one round: D_i = MD5(D_{i-1} ‖ password ‖ salt).
fn bytes_to_key(password: &[u8], salt: &[u8], len: usize) -> Zeroizing<Vec<u8>> {
    let mut key = Zeroizing::new(Vec::with_capacity(len + 16));
    let mut previous: Vec<u8> = Vec::new();
    while key.len() < len {
        let mut md5 = Md5::new();
        md5.update(&previous);
        md5.update(password);
        md5.update(salt);
        previous = md5.finalize().to_vec();
        key.extend_from_slice(&previous);
    }
    key.truncate(len);
    key
}

fn hex_bytes(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) || !hex.is_ascii() {
        return None;
    }
    (0..hex.len()).step_by(2).map(|i| hex.get(i..i + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_to_key_matches_openssl() {
        // `openssl enc -aes-256-cbc -P -md md5 -pass pass:1234 -S 0001020304050607`
        // prints key=693DB016…612D; the IV it prints is the next 16 bytes of the same stream.
        let stream = bytes_to_key(b"1234", &[0, 1, 2, 3, 4, 5, 6, 7], 48);
        let hex: String = stream.iter().map(|b| format!("{b:02X}")).collect();
        assert_eq!(hex, "693DB01693CA4E83FB30FAF1A596C87CC97F9222C383D6256E0D6306A47D612D6D7409CD0849431623F50C45A5DCADD9");
    }

    #[test]
    fn odd_hex_is_refused() {
        assert_eq!(hex_bytes("0F1"), None);
        assert_eq!(hex_bytes("0f10"), Some(vec![15, 16]));
        assert_eq!(hex_bytes("zz"), None);
    }
}
