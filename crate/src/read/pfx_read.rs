//! Reading PFX (PKCS#12) files as OpenSSL (default and `-legacy`), Windows,
//! Java and the studio write them.

use cbc::cipher::{KeyIvInit, block_padding::Pkcs7};
use cms::encrypted_data::EncryptedData;
use const_oid::db::rfc5912::{ID_SHA_384, ID_SHA_512};
use der::asn1::BmpString;
use der::asn1::OctetString;
use der::{Decode, Encode};
use hmac::{Hmac, KeyInit, Mac};
use pkcs12::kdf::{Pkcs12KeyType, derive_key};
use pkcs12::pbe_params::{EncryptedPrivateKeyInfo, Pkcs12PbeParams};
use pkcs12::{AuthenticatedSafe, CertBag, MacData, Pfx, SafeBag};
use sha1::Sha1;
use sha1::digest::{Digest, FixedOutputReset, block_api::BlockSizeUser};
use sha2::{Sha256, Sha384, Sha512};
use spki::AlgorithmIdentifierOwned;
use zeroize::Zeroizing;

use crate::read::budget::{OverBudget, ReadBudget};
use crate::x509::oid::{ID_DATA, ID_ENCRYPTED_DATA, ID_SHA1, ID_SHA256};
use crate::x509::text::{encryption_scheme_name, oid_name};

/// PBKDF2 / PKCS#12 rounds beyond this would freeze the page for minutes: a
/// file asking for more is hostile or broken (OpenSSL writes 2048, the studio 600,000).
pub const MAX_KDF_ITERATIONS: u32 = 10_000_000;

/// What a PFX held: its certificates' DER as stored (in file order), its
/// private keys as unencrypted PKCS#8 DER, and what the studio can't
/// decrypt of the keys (`a key encrypted with …`).
pub struct PfxContents {
    pub certificates: Vec<Vec<u8>>,
    pub keys: Vec<Zeroizing<Vec<u8>>>,
    pub unreadable_keys: Vec<String>,
}

/// Why a PFX could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PfxReadError {
    /// The MAC or a decryption failed: the password is wrong (or missing).
    WrongPassword,
    /// Well-formed, but uses something the studio does not read.
    Unsupported(String),
    /// Not a PFX, or truncated.
    Damaged(String),
    /// Reading it would pass the call's [`ReadBudget`].
    OverBudget(OverBudget),
}

/// Where a file's key-derivation rounds are spent: the call's budget, and
/// the file's name for the message.
#[derive(Clone, Copy)]
pub struct Rounds<'b> {
    pub budget: &'b ReadBudget,
    pub file: &'b str,
}

impl Rounds<'_> {
    /// `iterations`, once within the per-derivation cap and spent from the budget.
    fn spend(&self, iterations: i32) -> std::result::Result<i32, PfxReadError> {
        let iterations = check_rounds(iterations)?;
        self.budget.spend_kdf_rounds(self.file, iterations as u64).map_err(PfxReadError::OverBudget)?;
        Ok(iterations)
    }
}

/// Reads a PFX as OpenSSL (default and `-legacy`), Windows, Java and the studio
/// write it: checks the MAC (SHA-1/256/384/512, or none), decrypts PBES2
/// (PBKDF2 with any HMAC, AES or DES-EDE3) and the PKCS#12 PBEs (3DES, 2DES,
/// RC2), and returns certificate bags and (shrouded) key bags.
pub fn read(der: &[u8], password: &str, rounds: Rounds<'_>) -> std::result::Result<PfxContents, PfxReadError> {
    let damaged = |what: &str| PfxReadError::Damaged(what.to_string());
    let pfx = Pfx::from_der(der).map_err(|e| damaged(&format!("it is not a PKCS#12 file ({e})")))?;
    if pfx.auth_safe.content_type != ID_DATA {
        return Err(PfxReadError::Unsupported("public-key integrity mode (signed PFX)".into()));
    }
    let safes: OctetString = pfx.auth_safe.content.decode_as().map_err(|e| damaged(&format!("its content does not decode ({e})")))?;
    // Without a MAC (`-nomac`), a wrong password shows only as a failed decryption.
    let kdf_password = match &pfx.mac_data {
        Some(mac_data) => verify_mac(mac_data, password, safes.as_bytes(), rounds)?,
        None => kdf_passwords(password)?.swap_remove(0),
    };
    let secret = Secret { text: password, kdf: &kdf_password, rounds };
    let safes = AuthenticatedSafe::from_der(safes.as_bytes()).map_err(|e| damaged(&format!("its safes do not decode ({e})")))?;
    let mut contents = PfxContents { certificates: Vec::new(), keys: Vec::new(), unreadable_keys: Vec::new() };
    for safe in &safes {
        let encrypted = safe.content_type == ID_ENCRYPTED_DATA;
        let bags_der = if safe.content_type == ID_DATA {
            let data: OctetString = safe.content.decode_as().map_err(|e| damaged(&format!("a safe does not decode ({e})")))?;
            Zeroizing::new(data.as_bytes().to_vec())
        } else if safe.content_type == ID_ENCRYPTED_DATA {
            let data: EncryptedData = safe.content.decode_as().map_err(|e| damaged(&format!("an encrypted safe does not decode ({e})")))?;
            let info = data.enc_content_info;
            let ciphertext = info.encrypted_content.ok_or_else(|| damaged("an encrypted safe is empty"))?;
            decrypt(&info.content_enc_alg, secret, ciphertext.as_bytes())?
        } else {
            return Err(PfxReadError::Unsupported(format!("a safe of type {} (enveloped for a recipient)", oid_name(&safe.content_type))));
        };
        let bags = <Vec<SafeBag>>::from_der(&bags_der).map_err(|e| {
            // Unchecked by a MAC, a wrong key can decrypt to well-padded garbage.
            if encrypted && pfx.mac_data.is_none() {
                PfxReadError::WrongPassword
            } else {
                damaged(&format!("its bags do not decode ({e})"))
            }
        })?;
        for bag in bags {
            if bag.bag_id == pkcs12::PKCS_12_CERT_BAG_OID {
                let cert_bag =
                    CertBag::from_der(bag_content(&bag)).map_err(|e| damaged(&format!("a certificate bag does not decode ({e})")))?;
                if cert_bag.cert_id == pkcs12::PKCS_12_X509_CERT_OID {
                    contents.certificates.push(cert_bag.cert_value.as_bytes().to_vec());
                }
            } else if bag.bag_id == pkcs12::PKCS_12_PKCS8_KEY_BAG_OID {
                let shrouded = EncryptedPrivateKeyInfo::from_der(bag_content(&bag))
                    .map_err(|e| damaged(&format!("a key bag does not decode ({e})")))?;
                let key = match decrypt(&shrouded.encryption_algorithm, secret, shrouded.encrypted_data.as_bytes()) {
                    Err(PfxReadError::Unsupported(what)) => {
                        contents.unreadable_keys.push(format!("a private key under {what}"));
                        continue;
                    }
                    other => other?,
                };
                if pkcs8::PrivateKeyInfoRef::from_der(&key).is_err() {
                    return Err(PfxReadError::WrongPassword);
                }
                contents.keys.push(key);
            } else if bag.bag_id == pkcs12::PKCS_12_KEY_BAG_OID {
                contents.keys.push(Zeroizing::new(bag_content(&bag).to_vec()));
            }
        }
    }
    Ok(contents)
}

/// A bag's value without the `[0] EXPLICIT` wrapper that the pkcs12 crate
/// leaves on it when decoding (it adds the wrapper itself when encoding).
fn bag_content(bag: &SafeBag) -> &[u8] {
    match der::asn1::AnyRef::from_der(&bag.bag_value) {
        Ok(any) if der::Tagged::tag(&any) == (der::Tag::ContextSpecific { constructed: true, number: der::TagNumber(0) }) => any.value(),
        _ => &bag.bag_value,
    }
}

/// The password as the PKCS#12 KDF takes it: UTF-16BE with a two-zero
/// terminator. For no password, OpenSSL may instead have used no bytes at
/// all (its NULL password), so both are tried.
pub fn kdf_passwords(password: &str) -> std::result::Result<Vec<Zeroizing<Vec<u8>>>, PfxReadError> {
    let bmp = BmpString::from_utf8(password)
        .map_err(|_| PfxReadError::Unsupported("a password with characters PKCS#12 can't encode (outside Unicode's basic plane)".into()))?;
    let mut terminated = Zeroizing::new(bmp.into_bytes().to_vec());
    terminated.extend([0, 0]);
    let mut forms = vec![terminated];
    if password.is_empty() {
        forms.push(Zeroizing::new(Vec::new()));
    }
    Ok(forms)
}

/// Whether the MAC over `data` matches `expected`, keyed from the password, salt and rounds.
type MacCheck = fn(password: &[u8], salt: &[u8], iterations: i32, data: &[u8], expected: &[u8]) -> bool;

/// Checks the MAC; returns the KDF password form that matched.
fn verify_mac(
    mac_data: &MacData,
    password: &str,
    data: &[u8],
    rounds: Rounds<'_>,
) -> std::result::Result<Zeroizing<Vec<u8>>, PfxReadError> {
    let iterations = check_rounds(mac_data.iterations)?;
    let salt = mac_data.mac_salt.as_bytes();
    let expected = mac_data.mac.digest.as_bytes();
    let matches: MacCheck = match mac_data.mac.algorithm.oid {
        ID_SHA1 => mac_matches::<Sha1>,
        ID_SHA256 => mac_matches::<Sha256>,
        ID_SHA_384 => mac_matches::<Sha384>,
        ID_SHA_512 => mac_matches::<Sha512>,
        oid => return Err(PfxReadError::Unsupported(format!("a MAC with the digest {}", oid_name(&oid)))),
    };
    for form in kdf_passwords(password)? {
        rounds.spend(iterations)?;
        if matches(&form, salt, iterations, data, expected) {
            return Ok(form);
        }
    }
    Err(PfxReadError::WrongPassword)
}

fn mac_matches<D>(password: &[u8], salt: &[u8], iterations: i32, data: &[u8], expected: &[u8]) -> bool
where
    D: hmac::EagerHash + Digest + FixedOutputReset + BlockSizeUser,
{
    let key = Zeroizing::new(derive_key::<D>(password, salt, Pkcs12KeyType::Mac, iterations, <D as Digest>::output_size()));
    <Hmac<D> as KeyInit>::new_from_slice(&key).is_ok_and(|mut mac| {
        mac.update(data);
        mac.verify_slice(expected).is_ok()
    })
}

/// KDF rounds a file may ask for before it is hostile or broken.
fn check_rounds(iterations: i32) -> std::result::Result<i32, PfxReadError> {
    match u32::try_from(iterations) {
        Ok(n) if (1..=MAX_KDF_ITERATIONS).contains(&n) => Ok(iterations),
        _ => Err(PfxReadError::Unsupported(format!("{iterations} key-derivation rounds"))),
    }
}

fn bad_parameters(e: &dyn std::fmt::Display) -> PfxReadError {
    PfxReadError::Damaged(format!("its encryption parameters do not decode ({e})"))
}

/// The password as PBES2 takes it (UTF-8) and as the PKCS#12 KDF does.
#[derive(Clone, Copy)]
struct Secret<'a> {
    text: &'a str,
    kdf: &'a [u8],
    rounds: Rounds<'a>,
}

/// Decrypts PFX content: PBES2 (PBKDF2) or a PKCS#12 PBE.
fn decrypt(algorithm: &AlgorithmIdentifierOwned, secret: Secret<'_>, data: &[u8]) -> std::result::Result<Zeroizing<Vec<u8>>, PfxReadError> {
    use pkcs8::pkcs5::{EncryptionScheme, pbes2::Kdf};
    let damaged = bad_parameters;
    if let Some(plain) = decrypt_pkcs12_pbe(algorithm, secret.kdf, data, secret.rounds) {
        return plain;
    }
    let unsupported = || PfxReadError::Unsupported(format!("the encryption {}", encryption_scheme_name(algorithm)));
    let scheme = EncryptionScheme::from_der(&algorithm.to_der().map_err(|e| damaged(&e))?).map_err(|_| unsupported())?;
    match &scheme {
        EncryptionScheme::Pbes2(params) => match &params.kdf {
            Kdf::Pbkdf2(kdf) => {
                secret.rounds.spend(i32::try_from(kdf.iteration_count).unwrap_or(i32::MAX))?;
            }
            _ => return Err(unsupported()),
        },
        _ => return Err(unsupported()),
    }
    scheme.decrypt(secret.text, data).map(Zeroizing::new).map_err(|e| match e {
        pkcs8::pkcs5::Error::DecryptFailed => PfxReadError::WrongPassword,
        _ => unsupported(),
    })
}

/// Decrypts under a PKCS#12 PBE (RFC 7292 appendix C: SHA-1 KDF with 3DES,
/// 2DES, RC2-128 or RC2-40), given the password in the KDF's form;
/// `None` when `algorithm` is no PKCS#12 PBE.
pub fn decrypt_pkcs12_pbe(
    algorithm: &AlgorithmIdentifierOwned,
    kdf_password: &[u8],
    data: &[u8],
    rounds: Rounds<'_>,
) -> Option<std::result::Result<Zeroizing<Vec<u8>>, PfxReadError>> {
    let key_len = match algorithm.oid {
        pkcs12::PKCS_12_PBE_WITH_SHAAND3_KEY_TRIPLE_DES_CBC => 24,
        pkcs12::PKCS_12_PBE_WITH_SHAAND2_KEY_TRIPLE_DES_CBC | pkcs12::PKCS_12_PBE_WITH_SHAAND128_BIT_RC2_CBC => 16,
        pkcs12::PKCS_12_PBEWITH_SHAAND40_BIT_RC2_CBC => 5,
        pkcs12::PKCS_12_PBE_WITH_SHAAND128_BIT_RC4 | pkcs12::PKCS_12_PBE_WITH_SHAAND40_BIT_RC4 => {
            return Some(Err(PfxReadError::Unsupported(oid_name(&algorithm.oid))));
        }
        _ => return None,
    };
    Some((|| {
        let damaged = bad_parameters;
        let params: Pkcs12PbeParams =
            algorithm.parameters.as_ref().ok_or_else(|| damaged(&"none"))?.decode_as().map_err(|e| damaged(&e))?;
        // Two derivations: the key and the IV.
        let iterations = rounds.spend(params.iterations)?;
        rounds.spend(iterations)?;
        let derive = |kind, len| Zeroizing::new(derive_key::<Sha1>(kdf_password, params.salt.as_bytes(), kind, iterations, len));
        let key = derive(Pkcs12KeyType::EncryptionKey, key_len);
        let iv = derive(Pkcs12KeyType::Iv, 8);
        let plain = match algorithm.oid {
            pkcs12::PKCS_12_PBE_WITH_SHAAND3_KEY_TRIPLE_DES_CBC => cbc_decrypt::<des::TdesEde3>(&key, &iv, data),
            pkcs12::PKCS_12_PBE_WITH_SHAAND2_KEY_TRIPLE_DES_CBC => cbc_decrypt::<des::TdesEde2>(&key, &iv, data),
            // RC2's effective key bits are its key length's: 128 or 40.
            _ => cbc_decrypt::<rc2::Rc2>(&key, &iv, data),
        };
        plain.ok_or(PfxReadError::WrongPassword)
    })())
}

fn cbc_decrypt<C: cbc::cipher::BlockCipherDecrypt + cbc::cipher::KeyInit>(
    key: &[u8],
    iv: &[u8],
    data: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    use cbc::cipher::BlockModeDecrypt;
    let decryptor = cbc::Decryptor::<C>::new_from_slices(key, iv).ok()?;
    decryptor.decrypt_padded_vec::<Pkcs7>(data).ok().map(Zeroizing::new)
}
