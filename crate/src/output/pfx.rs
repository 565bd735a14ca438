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
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::attr::{Attribute, Attributes};
use zeroize::Zeroizing;

use crate::error::{Result, StudioError};
use crate::x509::key::PrivateKey;
use crate::x509::oid::{FRIENDLY_NAME, ID_DATA, ID_ENCRYPTED_DATA, ID_SHA1, ID_SHA256, LOCAL_KEY_ID};
use crate::x509::password_key::{OutsideAes, PasswordKey};
use crate::x509::random;

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

    pub fn profile(&self) -> PfxProfile {
        self.profile
    }

    /// The modern profile's AES-256-CBC done by the caller (the legacy
    /// profile's 3DES stays here).
    pub fn with_outside_aes(mut self, aes: OutsideAes) -> Self {
        self.modern = self.modern.map(|key| key.with_outside_aes(aes));
        self
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
            derive_key_utf8::<Sha1>(&self.password, &salt, kind, PFX_ITERATIONS as i32, len).map(Zeroizing::new).map_err(|e| failed(&e))
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
        let chain_der = chain
            .iter()
            .map(|c| c.to_der())
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| StudioError::internal("PFX writing", e))?;
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
            let bag =
                CertBag { cert_id: pkcs12::PKCS_12_X509_CERT_OID, cert_value: OctetString::new(*certificate).map_err(|e| failed(&e))? };
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
        let key = PrivateKey::generate(crate::x509::key::KeyAlgorithm::EcP256).unwrap();
        let params = crate::x509::issue::CertificateParams::new(
            "Root 🔐",
            &crate::x509::profile::ROOT_CA,
            crate::x509::issue::ValidityWindow::days(1_764_000_000, 1),
        );
        let cert = crate::x509::issue::issue(
            &params,
            &key.public_key_info().unwrap(),
            crate::x509::issue::SignedBy::Itself(&key),
            &mut crate::x509::signing::Signing::here(),
        )
        .unwrap();
        for profile in [PfxProfile::Modern, PfxProfile::Legacy] {
            let der = PfxWriter::new(&PfxOptions { profile, ..PfxOptions::default() }).unwrap().write(&key, &[&cert], "Root 🔐").unwrap();
            let parsed = Pfx::from_der(&der).unwrap();
            assert_eq!(parsed.mac_data.unwrap().iterations, PFX_ITERATIONS as i32);
        }
    }
}
