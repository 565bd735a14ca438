//! PKCS#12 (`.pfx`) files: a private key with its whole chain, in the two
//! encryption profiles Windows, .NET, Java and OpenSSL read. Laid out as
//! `openssl pkcs12 -export -name <id>` lays it out: an encrypted SafeContents
//! of certificate bags (leaf first), then a plain one holding the shrouded
//! key bag; key and leaf share a localKeyId and the friendly name.

use cbc::cipher::{BlockModeEncrypt, KeyIvInit, block_padding::Pkcs7};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::encrypted_data::EncryptedData;
use cms::enveloped_data::EncryptedContentInfo;
use der::asn1::{BmpString, OctetString, SetOfVec};
use der::{Any, Decode, Encode};
use hmac::{Hmac, KeyInit, Mac};
use pkcs12::kdf::{Pkcs12KeyType, derive_key_utf8};
use pkcs12::pbe_params::{EncryptedPrivateKeyInfo, Pkcs12PbeParams};
use pkcs12::pfx::Version as PfxVersion;
use pkcs12::{AuthenticatedSafe, CertBag, DigestInfo, MacData, Pfx, SafeBag};
use sha1::{Digest, Sha1};
use sha2::Sha256;
use spki::{AlgorithmIdentifierOwned, ObjectIdentifier};
use x509_cert::Certificate;
use x509_cert::attr::{Attribute, Attributes};
use zeroize::Zeroizing;

use crate::error::{Result, StudioError};
use crate::key::PrivateKey;
use crate::password_key::PasswordKey;
use crate::random;

const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_ENCRYPTED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.6");
const FRIENDLY_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.20");
const LOCAL_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.21");
const ID_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
const ID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");

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

/// friendlyName (a BMPString) and localKeyId bag attributes.
fn bag_attributes(friendly_name: &str, local_key_id: &[u8]) -> Result<Attributes> {
    let failed = |e: &dyn std::fmt::Display| StudioError::internal("PFX attributes", e);
    // A BMPString holds only the Basic Multilingual Plane; the name is a label, so an emoji in a CA's CN becomes U+FFFD.
    let shown: String = friendly_name.chars().map(|c| if u32::from(c) > 0xFFFF { char::REPLACEMENT_CHARACTER } else { c }).collect();
    let name = BmpString::from_utf8(&shown).map_err(|e| failed(&e))?;
    let attribute = |oid, value: Any| -> Result<Attribute> {
        let values = SetOfVec::try_from(vec![value]).map_err(|e| failed(&e))?;
        Ok(Attribute { oid, values })
    };
    let id = OctetString::new(local_key_id.to_vec()).map_err(|e| failed(&e))?;
    let attributes = vec![
        attribute(FRIENDLY_NAME, Any::encode_from(&name).map_err(|e| failed(&e))?)?,
        attribute(LOCAL_KEY_ID, Any::encode_from(&id).map_err(|e| failed(&e))?)?,
    ];
    SetOfVec::try_from(attributes).map_err(|e| failed(&e))
}

/// The MAC key of every PFX a [`PfxWriter`] writes, with the salt it came from.
struct MacKey {
    salt: [u8; 8],
    key: Zeroizing<Vec<u8>>,
}

/// Writes PFX files under one password. Key derivation (2048 rounds for the
/// encryption key and 2048 for the MAC key) is nearly all of a PFX's cost, so a
/// writer derives once and every file it writes shares those salts (see
/// [`PasswordKey`]); each encryption still gets a fresh IV.
pub struct PfxWriter {
    profile: PfxProfile,
    password: String,
    mac: MacKey,
    /// `None` for the legacy profile: RFC 7292's 3DES derives its IV from the
    /// salt too, so a shared salt would mean a shared IV; it derives per file.
    modern: Option<PasswordKey>,
}

impl PfxWriter {
    pub fn new(options: &PfxOptions) -> Result<Self> {
        options.validate()?;
        let failed = |e: &dyn std::fmt::Display| StudioError::internal("PFX key derivation", e);
        let password = options.password.as_str();
        let mut mac_salt = [0u8; 8];
        random::fill(&mut mac_salt)?;
        let mac_key = match options.profile {
            PfxProfile::Modern => derive_key_utf8::<Sha256>(password, &mac_salt, Pkcs12KeyType::Mac, PFX_ITERATIONS as i32, 32),
            PfxProfile::Legacy => derive_key_utf8::<Sha1>(password, &mac_salt, Pkcs12KeyType::Mac, PFX_ITERATIONS as i32, 20),
        }
        .map_err(|e| failed(&e))?;
        let modern = match options.profile {
            PfxProfile::Modern => Some(PasswordKey::derive(password, PFX_ITERATIONS)?),
            PfxProfile::Legacy => None,
        };
        Ok(Self {
            profile: options.profile,
            password: options.password.clone(),
            mac: MacKey { salt: mac_salt, key: Zeroizing::new(mac_key) },
            modern,
        })
    }

    /// Encrypts `data`: the AlgorithmIdentifier to store with it, and the ciphertext.
    fn encrypt(&self, data: &[u8]) -> Result<(AlgorithmIdentifierOwned, Vec<u8>)> {
        let failed = |e: &dyn std::fmt::Display| StudioError::internal("PFX encryption", e);
        if let Some(modern) = &self.modern {
            let (params, ciphertext) = modern.encrypt(data)?;
            let scheme = pkcs8::pkcs5::EncryptionScheme::from(params).to_der().map_err(|e| failed(&e))?;
            return Ok((AlgorithmIdentifierOwned::from_der(&scheme).map_err(|e| failed(&e))?, ciphertext));
        }
        // RFC 7292 appendix B: key and IV from the password, salt and count, SHA-1.
        let mut salt = [0u8; 8];
        random::fill(&mut salt)?;
        let derive = |kind, len| {
            derive_key_utf8::<Sha1>(&self.password, &salt, kind, PFX_ITERATIONS as i32, len)
                .map(Zeroizing::new)
                .map_err(|e| failed(&e))
        };
        let key = derive(Pkcs12KeyType::EncryptionKey, 24)?;
        let iv = derive(Pkcs12KeyType::Iv, 8)?;
        let cipher = cbc::Encryptor::<des::TdesEde3>::new_from_slices(&key, &iv).map_err(|e| failed(&e))?;
        let ciphertext = cipher.encrypt_padded_vec::<Pkcs7>(data);
        let params = Pkcs12PbeParams { salt: OctetString::new(salt.to_vec()).map_err(|e| failed(&e))?, iterations: PFX_ITERATIONS as i32 };
        let algorithm = AlgorithmIdentifierOwned {
            oid: pkcs12::PKCS_12_PBE_WITH_SHAAND3_KEY_TRIPLE_DES_CBC,
            parameters: Some(Any::encode_from(&params).map_err(|e| failed(&e))?),
        };
        Ok((algorithm, ciphertext))
    }

    /// MacData over the AuthenticatedSafe: HMAC keyed by the RFC 7292 KDF.
    fn mac(&self, data: &[u8]) -> Result<MacData> {
        let failed = |e: &dyn std::fmt::Display| StudioError::internal("PFX MAC", e);
        let (oid, digest) = match self.profile {
            PfxProfile::Modern => {
                let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.mac.key).map_err(|e| failed(&e))?;
                mac.update(data);
                (ID_SHA256, mac.finalize().into_bytes().to_vec())
            }
            PfxProfile::Legacy => {
                let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(&self.mac.key).map_err(|e| failed(&e))?;
                mac.update(data);
                (ID_SHA1, mac.finalize().into_bytes().to_vec())
            }
        };
        Ok(MacData {
            mac: DigestInfo {
                algorithm: AlgorithmIdentifierOwned { oid, parameters: Some(Any::null()) },
                digest: OctetString::new(digest).map_err(|e| failed(&e))?,
            },
            mac_salt: OctetString::new(self.mac.salt.to_vec()).map_err(|e| failed(&e))?,
            iterations: PFX_ITERATIONS as i32,
        })
    }

    /// A PFX holding `key` and `chain` (its own certificate first, then its
    /// issuers up to the root). The key and the first certificate share a
    /// localKeyId (the SHA-1 of that certificate, as OpenSSL makes it) and
    /// `friendly_name`, which keytool and Windows show as its alias.
    pub fn write(&self, key: &PrivateKey, chain: &[&Certificate], friendly_name: &str) -> Result<Vec<u8>> {
        let chain_der = chain.iter().map(|c| c.to_der()).collect::<std::result::Result<Vec<_>, _>>().map_err(|e| StudioError::internal("PFX writing", e))?;
        let chain_der: Vec<&[u8]> = chain_der.iter().map(Vec::as_slice).collect();
        self.write_der(&key.to_pkcs8_der()?, &chain_der, friendly_name)
    }

    /// [`PfxWriter::write`] with the key as unencrypted PKCS#8 DER and the
    /// certificates as DER.
    pub fn write_der(&self, key_der: &[u8], chain: &[&[u8]], friendly_name: &str) -> Result<Vec<u8>> {
        let failed = |e: &dyn std::fmt::Display| StudioError::internal("PFX writing", e);
        let leaf = chain.first().ok_or_else(|| StudioError::general("A PFX needs at least the key's own certificate."))?;
        let local_key_id = Sha1::digest(leaf).to_vec();
        let attributes = bag_attributes(friendly_name, &local_key_id)?;

        let mut cert_bags = Vec::with_capacity(chain.len());
        for (i, certificate) in chain.iter().enumerate() {
            let bag = CertBag { cert_id: pkcs12::PKCS_12_X509_CERT_OID, cert_value: OctetString::new(*certificate).map_err(|e| failed(&e))? };
            cert_bags.push(SafeBag {
                bag_id: pkcs12::PKCS_12_CERT_BAG_OID,
                bag_value: bag.to_der().map_err(|e| failed(&e))?,
                bag_attributes: (i == 0).then(|| attributes.clone()),
            });
        }
        let (algorithm, ciphertext) = self.encrypt(&cert_bags.to_der().map_err(|e| failed(&e))?)?;
        let encrypted_certs = EncryptedData {
            version: CmsVersion::V0,
            enc_content_info: EncryptedContentInfo {
                content_type: ID_DATA,
                content_enc_alg: algorithm,
                encrypted_content: Some(OctetString::new(ciphertext).map_err(|e| failed(&e))?),
            },
            unprotected_attrs: None,
        };

        let (algorithm, ciphertext) = self.encrypt(key_der)?;
        let shrouded_key = EncryptedPrivateKeyInfo {
            encryption_algorithm: algorithm,
            encrypted_data: OctetString::new(ciphertext).map_err(|e| failed(&e))?,
        };
        let key_bags = vec![SafeBag {
            bag_id: pkcs12::PKCS_12_PKCS8_KEY_BAG_OID,
            bag_value: shrouded_key.to_der().map_err(|e| failed(&e))?,
            bag_attributes: Some(attributes),
        }];
        let plain_keys = OctetString::new(key_bags.to_der().map_err(|e| failed(&e))?).map_err(|e| failed(&e))?;

        let safes: AuthenticatedSafe = vec![
            ContentInfo { content_type: ID_ENCRYPTED_DATA, content: Any::encode_from(&encrypted_certs).map_err(|e| failed(&e))? },
            ContentInfo { content_type: ID_DATA, content: Any::encode_from(&plain_keys).map_err(|e| failed(&e))? },
        ];
        let safes_der = safes.to_der().map_err(|e| failed(&e))?;
        let mac_data = self.mac(&safes_der)?;
        let auth_safe = OctetString::new(safes_der).map_err(|e| failed(&e))?;
        Pfx {
            version: PfxVersion::V3,
            auth_safe: ContentInfo { content_type: ID_DATA, content: Any::encode_from(&auth_safe).map_err(|e| failed(&e))? },
            mac_data: Some(mac_data),
        }
        .to_der()
        .map_err(|e| failed(&e))
    }
}

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
        Ok(n) if (1..=crate::legacy_pem::MAX_KDF_ITERATIONS).contains(&n) => Ok(iterations),
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

    #[test]
    fn friendly_names_outside_the_bmp_still_make_a_pfx() {
        let key = PrivateKey::generate(crate::key::KeyAlgorithm::EcP256).unwrap();
        let params = crate::certificate::CertificateParams {
            common_name: "Root 🔐",
            profile: &crate::profile::ROOT_CA,
            validity: crate::certificate::ValidityWindow { not_before_unix: 1_764_000_000, days: 1 },
            dns_names: &[],
        };
        let cert = crate::certificate::issue(&params, &key.public_key_info().unwrap(), crate::certificate::SignedBy::Itself(&key)).unwrap();
        for profile in [PfxProfile::Modern, PfxProfile::Legacy] {
            let der = PfxWriter::new(&PfxOptions { profile, ..PfxOptions::default() }).unwrap().write(&key, &[&cert], "Root 🔐").unwrap();
            let parsed = Pfx::from_der(&der).unwrap();
            assert_eq!(parsed.mac_data.unwrap().iterations, PFX_ITERATIONS as i32);
        }
    }
}
