//! Reading PFX (PKCS#12) files as OpenSSL (default and `-legacy`), Windows,
//! Java and the studio write them.

use cbc::cipher::{KeyIvInit, block_padding::Pkcs7};
use cms::encrypted_data::EncryptedData;
use der::asn1::OctetString;
use der::{Decode, Encode};
use hmac::{Hmac, KeyInit, Mac};
use pkcs12::kdf::{Pkcs12KeyType, derive_key_utf8};
use pkcs12::pbe_params::{EncryptedPrivateKeyInfo, Pkcs12PbeParams};
use pkcs12::{AuthenticatedSafe, CertBag, MacData, Pfx, SafeBag};
use sha1::Sha1;
use sha2::Sha256;
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use zeroize::Zeroizing;

use crate::output::pfx::{ID_DATA, ID_ENCRYPTED_DATA, ID_SHA1, ID_SHA256};

/// What a PFX held: its certificates (in file order) and its private keys as
/// unencrypted PKCS#8 DER.
pub struct PfxContents {
    pub certificates: Vec<Certificate>,
    pub keys: Vec<Zeroizing<Vec<u8>>>,
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
}

/// Reads a PFX as OpenSSL (default and `-legacy`), Windows, Java and the studio
/// write it: checks the MAC, decrypts PBES2 (PBKDF2), PKCS#12 3DES and RC2-40
/// contents, and returns certificate bags and (shrouded) key bags.
pub fn read(der: &[u8], password: &str) -> std::result::Result<PfxContents, PfxReadError> {
    let damaged = |what: &str| PfxReadError::Damaged(what.to_string());
    let pfx = Pfx::from_der(der).map_err(|e| damaged(&format!("it is not a PKCS#12 file ({e})")))?;
    if pfx.auth_safe.content_type != ID_DATA {
        return Err(PfxReadError::Unsupported("public-key integrity mode (signed PFX)".into()));
    }
    let safes: OctetString = pfx.auth_safe.content.decode_as().map_err(|e| damaged(&format!("its content does not decode ({e})")))?;
    if let Some(mac_data) = &pfx.mac_data {
        verify_mac(mac_data, password, safes.as_bytes())?;
    }
    let safes = AuthenticatedSafe::from_der(safes.as_bytes()).map_err(|e| damaged(&format!("its safes do not decode ({e})")))?;
    let mut contents = PfxContents { certificates: Vec::new(), keys: Vec::new() };
    for safe in &safes {
        let bags_der = if safe.content_type == ID_DATA {
            let data: OctetString = safe.content.decode_as().map_err(|e| damaged(&format!("a safe does not decode ({e})")))?;
            Zeroizing::new(data.as_bytes().to_vec())
        } else if safe.content_type == ID_ENCRYPTED_DATA {
            let data: EncryptedData = safe.content.decode_as().map_err(|e| damaged(&format!("an encrypted safe does not decode ({e})")))?;
            let info = data.enc_content_info;
            let ciphertext = info.encrypted_content.ok_or_else(|| damaged("an encrypted safe is empty"))?;
            decrypt(&info.content_enc_alg, password, ciphertext.as_bytes())?
        } else {
            return Err(PfxReadError::Unsupported(format!("a safe of type {} (enveloped for a recipient)", safe.content_type)));
        };
        let bags = <Vec<SafeBag>>::from_der(&bags_der).map_err(|e| damaged(&format!("its bags do not decode ({e})")))?;
        for bag in bags {
            if bag.bag_id == pkcs12::PKCS_12_CERT_BAG_OID {
                let cert_bag = CertBag::from_der(bag_content(&bag)).map_err(|e| damaged(&format!("a certificate bag does not decode ({e})")))?;
                if cert_bag.cert_id == pkcs12::PKCS_12_X509_CERT_OID {
                    let certificate = Certificate::from_der(cert_bag.cert_value.as_bytes())
                        .map_err(|e| damaged(&format!("a certificate in it does not decode ({e})")))?;
                    contents.certificates.push(certificate);
                }
            } else if bag.bag_id == pkcs12::PKCS_12_PKCS8_KEY_BAG_OID {
                let shrouded = EncryptedPrivateKeyInfo::from_der(bag_content(&bag))
                    .map_err(|e| damaged(&format!("a key bag does not decode ({e})")))?;
                contents.keys.push(decrypt(&shrouded.encryption_algorithm, password, shrouded.encrypted_data.as_bytes())?);
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

fn verify_mac(mac_data: &MacData, password: &str, data: &[u8]) -> std::result::Result<(), PfxReadError> {
    let iterations = check_rounds(mac_data.iterations)?;
    let salt = mac_data.mac_salt.as_bytes();
    let expected = mac_data.mac.digest.as_bytes();
    let ok = match mac_data.mac.algorithm.oid {
        ID_SHA1 => derive_key_utf8::<Sha1>(password, salt, Pkcs12KeyType::Mac, iterations, 20).ok().map(Zeroizing::new).is_some_and(|key| {
            <Hmac<Sha1> as KeyInit>::new_from_slice(&key).is_ok_and(|mut mac| {
                mac.update(data);
                mac.verify_slice(expected).is_ok()
            })
        }),
        ID_SHA256 => derive_key_utf8::<Sha256>(password, salt, Pkcs12KeyType::Mac, iterations, 32).ok().map(Zeroizing::new).is_some_and(|key| {
            <Hmac<Sha256> as KeyInit>::new_from_slice(&key).is_ok_and(|mut mac| {
                mac.update(data);
                mac.verify_slice(expected).is_ok()
            })
        }),
        oid => return Err(PfxReadError::Unsupported(format!("a MAC with digest {oid}"))),
    };
    if ok { Ok(()) } else { Err(PfxReadError::WrongPassword) }
}

/// KDF rounds a file may ask for before it is hostile or broken.
fn check_rounds(iterations: i32) -> std::result::Result<i32, PfxReadError> {
    match u32::try_from(iterations) {
        Ok(n) if (1..=crate::ca_tools::legacy_pem::MAX_KDF_ITERATIONS).contains(&n) => Ok(iterations),
        _ => Err(PfxReadError::Unsupported(format!("{iterations} key-derivation rounds"))),
    }
}

/// Decrypts PFX content: PBES2 (PBKDF2) or the PKCS#12 PBEs OpenSSL writes
/// (3DES for keys, RC2-40 for `-legacy` certificates).
fn decrypt(algorithm: &AlgorithmIdentifierOwned, password: &str, data: &[u8]) -> std::result::Result<Zeroizing<Vec<u8>>, PfxReadError> {
    use pkcs8::pkcs5::{EncryptionScheme, pbes2::Kdf};
    let damaged = |e: &dyn std::fmt::Display| PfxReadError::Damaged(format!("its encryption parameters do not decode ({e})"));
    let oid = algorithm.oid;
    if oid == pkcs12::PKCS_12_PBE_WITH_SHAAND3_KEY_TRIPLE_DES_CBC || oid == pkcs12::PKCS_12_PBEWITH_SHAAND40_BIT_RC2_CBC {
        let params: Pkcs12PbeParams = algorithm.parameters.as_ref().ok_or_else(|| damaged(&"none"))?.decode_as().map_err(|e| damaged(&e))?;
        let iterations = check_rounds(params.iterations)?;
        let salt = params.salt.as_bytes();
        let key_len = if oid == pkcs12::PKCS_12_PBEWITH_SHAAND40_BIT_RC2_CBC { 5 } else { 24 };
        let derive = |kind, len| derive_key_utf8::<Sha1>(password, salt, kind, iterations, len).map(Zeroizing::new).map_err(|e| damaged(&e));
        let key = derive(Pkcs12KeyType::EncryptionKey, key_len)?;
        let iv = derive(Pkcs12KeyType::Iv, 8)?;
        let plain = if key_len == 5 {
            cbc_decrypt::<rc2::Rc2>(&key, &iv, data)
        } else {
            cbc_decrypt::<des::TdesEde3>(&key, &iv, data)
        };
        return plain.ok_or(PfxReadError::WrongPassword);
    }
    let scheme = EncryptionScheme::from_der(&algorithm.to_der().map_err(|e| damaged(&e))?).map_err(|_| {
        PfxReadError::Unsupported(format!("the encryption {oid}"))
    })?;
    match &scheme {
        EncryptionScheme::Pbes2(params) => match &params.kdf {
            Kdf::Pbkdf2(kdf) => {
                check_rounds(i32::try_from(kdf.iteration_count).unwrap_or(i32::MAX))?;
            }
            _ => return Err(PfxReadError::Unsupported("a key derivation other than PBKDF2".into())),
        },
        _ => return Err(PfxReadError::Unsupported(format!("the encryption {oid}"))),
    }
    scheme.decrypt(password, data).map(Zeroizing::new).map_err(|_| PfxReadError::WrongPassword)
}

fn cbc_decrypt<C: cbc::cipher::BlockCipherDecrypt + cbc::cipher::KeyInit>(key: &[u8], iv: &[u8], data: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    use cbc::cipher::BlockModeDecrypt;
    let decryptor = cbc::Decryptor::<C>::new_from_slices(key, iv).ok()?;
    decryptor.decrypt_padded_vec::<Pkcs7>(data).ok().map(Zeroizing::new)
}

