//! Private keys: the five algorithms the studio offers, their generation,
//! their encodings, and signing with them.

use der::{Decode, Encode, asn1::BitString, referenced::RefToOwned};
use p256::elliptic_curve::Generate;
use pkcs8::{DecodePrivateKey, EncodePrivateKey, PrivateKeyInfoRef};
use sha2::Sha256;
use signature::{Keypair, Signer};
use spki::{AlgorithmIdentifierOwned, DynSignatureAlgorithmIdentifier, EncodePublicKey, ObjectIdentifier, SubjectPublicKeyInfoOwned};
use zeroize::Zeroizing;

use crate::error::{Result, StudioError};
use crate::x509::facts::pem_text;
use crate::x509::oid::{ID_EC_PUBLIC_KEY, RSA_ENCRYPTION, SECP256R1, SECP384R1};
use crate::x509::password_key::PasswordKey;
use crate::x509::random;

/// PBKDF2-HMAC-SHA256 rounds for encrypted PKCS#8 keys. OpenSSL 3 writes 2048;
/// CA keys deserve OWASP's current figure, and every reader accepts any count.
pub const PKCS8_PBKDF2_ITERATIONS: u32 = 600_000;

/// The key types the studio makes and signs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyAlgorithm {
    Rsa2048,
    Rsa3072,
    Rsa4096,
    EcP256,
    EcP384,
}

impl KeyAlgorithm {
    pub const ALL: [KeyAlgorithm; 5] = [Self::Rsa2048, Self::Rsa3072, Self::Rsa4096, Self::EcP256, Self::EcP384];

    /// The identifier the JS API and the form use.
    pub fn id(self) -> &'static str {
        match self {
            Self::Rsa2048 => "rsa-2048",
            Self::Rsa3072 => "rsa-3072",
            Self::Rsa4096 => "rsa-4096",
            Self::EcP256 => "ec-p256",
            Self::EcP384 => "ec-p384",
        }
    }

    /// How a person names it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Rsa2048 => "RSA 2048",
            Self::Rsa3072 => "RSA 3072",
            Self::Rsa4096 => "RSA 4096",
            Self::EcP256 => "ECDSA P-256",
            Self::EcP384 => "ECDSA P-384",
        }
    }

    pub fn parse(field: &str, id: &str) -> Result<Self> {
        Self::ALL.into_iter().find(|a| a.id() == id).ok_or_else(|| {
            let known: Vec<&str> = Self::ALL.iter().map(|a| a.id()).collect();
            StudioError::field(field, format!("Key type \"{id}\" is not one of {}.", known.join(", ")))
        })
    }

    /// The algorithm of a certificate's public key, when it is one of the five.
    pub fn from_public_key(spki: &SubjectPublicKeyInfoOwned) -> Result<Self> {
        let unusable = |what: String| {
            StudioError::field("certificates", format!("A {what} key is not one the studio makes (RSA 2048/3072/4096, ECDSA P-256/P-384)."))
        };
        if spki.algorithm.oid == RSA_ENCRYPTION {
            let key = rsa::pkcs1::RsaPublicKey::<der::asn1::UintRef<'_>>::from_der(spki.subject_public_key.raw_bytes())
                .map_err(|e| unusable(format!("damaged RSA ({e})")))?;
            let modulus = key.modulus.as_bytes();
            let bits = modulus.iter().skip_while(|&&b| b == 0).count() * 8;
            return Self::ALL.into_iter().find(|a| a.rsa_bits() == Some(bits)).ok_or_else(|| unusable(format!("RSA {bits}")));
        }
        match crate::x509::verify::named_curve(&spki.algorithm) {
            Some(curve) if spki.algorithm.oid == ID_EC_PUBLIC_KEY && curve == SECP256R1 => Ok(Self::EcP256),
            Some(curve) if spki.algorithm.oid == ID_EC_PUBLIC_KEY && curve == SECP384R1 => Ok(Self::EcP384),
            _ => Err(unusable(spki.algorithm.oid.to_string())),
        }
    }

    pub fn is_ec(self) -> bool {
        matches!(self, Self::EcP256 | Self::EcP384)
    }

    pub fn rsa_bits(self) -> Option<usize> {
        match self {
            Self::Rsa2048 => Some(2048),
            Self::Rsa3072 => Some(3072),
            Self::Rsa4096 => Some(4096),
            Self::EcP256 | Self::EcP384 => None,
        }
    }
}

/// How a private key is written out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum KeyEncoding {
    /// `BEGIN PRIVATE KEY`, as OpenSSL 3 writes and the Java sample wants.
    #[default]
    Pkcs8,
    /// `BEGIN RSA PRIVATE KEY` (PKCS#1) or `BEGIN EC PRIVATE KEY` (SEC1), as OpenSSL 1.1 wrote.
    Traditional,
}

impl KeyEncoding {
    pub fn parse(field: &str, id: &str) -> Result<Self> {
        match id {
            "pkcs8" => Ok(Self::Pkcs8),
            "traditional" => Ok(Self::Traditional),
            _ => Err(StudioError::field(field, format!("Key format \"{id}\" is not one of pkcs8, traditional."))),
        }
    }
}

/// A private key the studio signs with (zeroized when dropped), or one held
/// and used by the caller.
#[derive(Clone)]
pub enum PrivateKey {
    Rsa(Box<rsa::pkcs1v15::SigningKey<Sha256>>),
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    /// Held and signed with by the caller ([`Signing::outside`](crate::x509::signing::Signing::outside)).
    Outside(Box<OutsideKey>),
}

/// A key the caller holds and signs with (Node's OpenSSL in the command's
/// workers), known here by its PKCS#8, which goes into files, and the public
/// key that PKCS#8 carries. Reading an EC key into the curve crates costs two
/// scalar multiplications (checking the public point, then deriving it again):
/// more than the rest of a device's work when the caller signs anyway.
#[derive(Clone)]
pub struct OutsideKey {
    /// The caller's name for the key, passed back with each message to sign.
    pub handle: usize,
    algorithm: KeyAlgorithm,
    pkcs8: Zeroizing<Vec<u8>>,
    public_key: SubjectPublicKeyInfoOwned,
}

impl PrivateKey {
    /// A fresh key from the platform's CSPRNG (`crypto.getRandomValues` in a browser).
    pub fn generate(algorithm: KeyAlgorithm) -> Result<Self> {
        let mut rng = random::SystemRandom;
        let failed = |e: &dyn std::fmt::Display| StudioError::internal("Key generation", e);
        Ok(match algorithm.rsa_bits() {
            Some(bits) => {
                let key = rsa::PrivateKey::new(&mut rng, bits).map_err(|e| failed(&e))?;
                Self::Rsa(Box::new(rsa::pkcs1v15::SigningKey::new(key)))
            }
            None if algorithm == KeyAlgorithm::EcP256 => {
                Self::P256(<p256::ecdsa::SigningKey as Generate>::try_generate_from_rng(&mut rng).map_err(|e| failed(&e))?)
            }
            None => Self::P384(<p384::ecdsa::SigningKey as Generate>::try_generate_from_rng(&mut rng).map_err(|e| failed(&e))?),
        })
    }

    /// Reads an unencrypted PKCS#8 key of any of the five algorithms.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self> {
        let bad = |why: String| StudioError::general(format!("The private key is not a usable PKCS#8 key: {why}."));
        let info = PrivateKeyInfoRef::from_der(der).map_err(|e| bad(e.to_string()))?;
        let algorithm = info.algorithm.oid;
        if algorithm == RSA_ENCRYPTION {
            let key = rsa::PrivateKey::from_pkcs8_der(der).map_err(|e| bad(e.to_string()))?;
            return Ok(Self::Rsa(Box::new(rsa::pkcs1v15::SigningKey::new(key))));
        }
        if algorithm == ID_EC_PUBLIC_KEY {
            let curve = info.algorithm.parameters_oid().map_err(|e| bad(e.to_string()))?;
            if curve == SECP256R1 {
                return p256::ecdsa::SigningKey::from_pkcs8_der(der).map(Self::P256).map_err(|e| bad(e.to_string()));
            }
            if curve == SECP384R1 {
                return p384::ecdsa::SigningKey::from_pkcs8_der(der).map(Self::P384).map_err(|e| bad(e.to_string()));
            }
            return Err(bad(format!("the curve {curve} is not P-256 or P-384")));
        }
        Err(bad(format!("the algorithm {algorithm} is not RSA or EC")))
    }

    /// An unencrypted key the caller signs with, called `handle`: PKCS#8 DER,
    /// or for an EC key SEC1 DER naming its curve (OpenSSL 3 exports that in
    /// half the time), kept as PKCS#8. An EC key must carry its point, and
    /// the point must be its scalar's (one multiplication a key), so the
    /// certificate is always for the key written beside it.
    pub fn outside(handle: usize, der: &[u8]) -> Result<Self> {
        let bad = |why: String| StudioError::general(format!("The private key is not a usable PKCS#8 key: {why}."));
        let pkcs8 = match sec1::EcPrivateKey::from_der(der) {
            Ok(sec1) => {
                pkcs8_of_sec1(&sec1).map_err(|why| StudioError::general(format!("The private key is not a usable SEC1 key: {why}.")))?
            }
            Err(_) => Zeroizing::new(der.to_vec()),
        };
        let der = pkcs8.as_slice();
        let info = PrivateKeyInfoRef::from_der(der).map_err(|e| bad(e.to_string()))?;
        let (algorithm, public_key) = if info.algorithm.oid == RSA_ENCRYPTION {
            let key = rsa::pkcs1::RsaPrivateKey::<der::asn1::UintRef<'_>>::from_der(info.private_key.as_bytes())
                .map_err(|e| bad(e.to_string()))?;
            let public = rsa::pkcs1::RsaPublicKey { modulus: key.modulus, public_exponent: key.public_exponent };
            let bits = BitString::from_bytes(&public.to_der().map_err(|e| bad(e.to_string()))?).map_err(|e| bad(e.to_string()))?;
            let public_key = SubjectPublicKeyInfoOwned { algorithm: rsa::pkcs1::ALGORITHM_ID.ref_to_owned(), subject_public_key: bits };
            let algorithm =
                KeyAlgorithm::from_public_key(&public_key).map_err(|_| bad("an RSA key must have 2048, 3072 or 4096 bits".into()))?;
            (algorithm, public_key)
        } else if info.algorithm.oid == ID_EC_PUBLIC_KEY {
            let curve = info.algorithm.parameters_oid().map_err(|e| bad(e.to_string()))?;
            let key = sec1::EcPrivateKey::from_der(info.private_key.as_bytes()).map_err(|e| bad(e.to_string()))?;
            let point = key.public_key.ok_or_else(|| bad("it does not carry its public key".into()))?;
            // The point must be the scalar's: the certificate gets the point,
            // the key file the scalar, and they must be one key.
            let scalar = key.private_key;
            let own_point = match curve {
                SECP256R1 => p256::SecretKey::from_slice(scalar)
                    .is_ok_and(|k| p256::PublicKey::from_sec1_bytes(point).is_ok_and(|p| p == k.public_key())),
                SECP384R1 => p384::SecretKey::from_slice(scalar)
                    .is_ok_and(|k| p384::PublicKey::from_sec1_bytes(point).is_ok_and(|p| p == k.public_key())),
                _ => return Err(bad(format!("the curve {curve} is not P-256 or P-384"))),
            };
            if !own_point {
                return Err(bad("the public key it carries is not its private key's".into()));
            }
            let public_key = SubjectPublicKeyInfoOwned {
                algorithm: AlgorithmIdentifierOwned { oid: ID_EC_PUBLIC_KEY, parameters: Some(curve.into()) },
                subject_public_key: BitString::from_bytes(point).map_err(|e| bad(e.to_string()))?,
            };
            (if curve == SECP256R1 { KeyAlgorithm::EcP256 } else { KeyAlgorithm::EcP384 }, public_key)
        } else {
            return Err(bad(format!("the algorithm {} is not RSA or EC", info.algorithm.oid)));
        };
        Ok(Self::Outside(Box::new(OutsideKey { handle, algorithm, pkcs8, public_key })))
    }

    /// How a person names this key: an RSA key of a size the studio does not
    /// make (1024, 8192 bits) by its real size, not the nearest it makes.
    pub fn label(&self) -> String {
        match self {
            Self::Rsa(key) => {
                use rsa::traits::PublicKeyParts;
                format!("RSA {}", key.as_ref().as_ref().n().bit_width())
            }
            _ => self.algorithm().label().to_string(),
        }
    }

    pub fn algorithm(&self) -> KeyAlgorithm {
        match self {
            Self::Rsa(key) => {
                use rsa::traits::PublicKeyParts;
                match key.as_ref().as_ref().size() * 8 {
                    2048 => KeyAlgorithm::Rsa2048,
                    3072 => KeyAlgorithm::Rsa3072,
                    _ => KeyAlgorithm::Rsa4096,
                }
            }
            Self::P256(_) => KeyAlgorithm::EcP256,
            Self::P384(_) => KeyAlgorithm::EcP384,
            Self::Outside(key) => key.algorithm,
        }
    }

    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>> {
        match self {
            Self::Rsa(key) => {
                let doc = key.to_pkcs8_der().map_err(|e| StudioError::internal("PKCS#8 encoding", e))?;
                Ok(Zeroizing::new(doc.as_bytes().to_vec()))
            }
            Self::P256(key) => {
                ec_pkcs8_der(SECP256R1, &key.as_nonzero_scalar().to_bytes(), key.verifying_key().to_sec1_point(false).as_bytes())
            }
            Self::P384(key) => {
                ec_pkcs8_der(SECP384R1, &key.as_nonzero_scalar().to_bytes(), key.verifying_key().to_sec1_point(false).as_bytes())
            }
            Self::Outside(key) => Ok(key.pkcs8.clone()),
        }
    }

    /// `ENCRYPTED PRIVATE KEY` (PKCS#8, PBES2) under a key already stretched
    /// from the password, so several keys of one download share the cost.
    pub fn to_encrypted_pem(&self, key: &PasswordKey) -> Result<Zeroizing<String>> {
        let failed = |e: &dyn std::fmt::Display| StudioError::internal("Private key encryption", e);
        let (params, ciphertext) = key.encrypt(&self.to_pkcs8_der()?)?;
        let info = pkcs8::EncryptedPrivateKeyInfo {
            encryption_algorithm: params.into(),
            encrypted_data: der::asn1::OctetString::new(ciphertext).map_err(|e| failed(&e))?,
        };
        Ok(Zeroizing::new(pem_text("ENCRYPTED PRIVATE KEY", &info.to_der().map_err(|e| failed(&e))?)))
    }

    /// The key as PEM text: PKCS#8 (encrypted with PBES2 when a password is
    /// given) or the traditional per-algorithm form.
    pub fn to_pem(&self, encoding: KeyEncoding, password: Option<&str>) -> Result<Zeroizing<String>> {
        match (encoding, password) {
            (KeyEncoding::Pkcs8, None) => Ok(pkcs8_pem(&self.to_pkcs8_der()?)),
            (KeyEncoding::Pkcs8, Some(password)) => self.to_encrypted_pem(&PasswordKey::derive(password, PKCS8_PBKDF2_ITERATIONS)?),
            (KeyEncoding::Traditional, None) => traditional_pem(&self.to_pkcs8_der()?),
            (KeyEncoding::Traditional, Some(_)) => Err(StudioError::field(
                "keyFormat",
                "A traditional (PKCS#1/SEC1) key can't carry a password here; choose PKCS#8 for encrypted keys.",
            )),
        }
    }

    /// A signature as it goes into a certificate or CSR: PKCS#1 v1.5 with
    /// SHA-256 for RSA, a DER `Ecdsa-Sig-Value` for ECDSA.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        use signature::SignatureEncoding;
        let failed = |e: signature::Error| StudioError::internal("Signing", e);
        Ok(match self {
            Self::Rsa(key) => Signer::<rsa::pkcs1v15::Signature>::try_sign(key.as_ref(), message).map_err(failed)?.to_vec(),
            Self::P256(key) => Signer::<p256::ecdsa::DerSignature>::try_sign(key, message).map_err(failed)?.to_vec(),
            Self::P384(key) => Signer::<p384::ecdsa::DerSignature>::try_sign(key, message).map_err(failed)?.to_vec(),
            Self::Outside(_) => return Err(StudioError::general("A key the caller holds signs only through the caller.")),
        })
    }

    /// The public key as SPKI DER.
    pub fn public_key_der(&self) -> Result<Vec<u8>> {
        self.public_key_info()?.to_der().map_err(|e| StudioError::internal("Public key encoding", e))
    }

    pub fn public_key_info(&self) -> Result<SubjectPublicKeyInfoOwned> {
        let der = match self {
            Self::Rsa(key) => key.verifying_key().to_public_key_der(),
            Self::P256(key) => key.verifying_key().to_public_key_der(),
            Self::P384(key) => key.verifying_key().to_public_key_der(),
            Self::Outside(key) => return Ok(key.public_key.clone()),
        }
        .map_err(|e| StudioError::internal("Public key encoding", e))?;
        SubjectPublicKeyInfoOwned::from_der(der.as_bytes()).map_err(|e| StudioError::internal("Public key encoding", e))
    }
}

/// Checks keys made elsewhere (in parallel workers) against what `what` (e.g.
/// "the chain") needs: as many as `wanted`, each of the algorithm in its place.
pub fn check_supplied_keys(what: &str, keys: &[PrivateKey], wanted: &[KeyAlgorithm]) -> Result<()> {
    if keys.len() != wanted.len() {
        return Err(StudioError::general(format!("{what} needs {} key(s) but {} were given.", wanted.len(), keys.len())));
    }
    if let Some((key, want)) = keys.iter().zip(wanted).find(|(k, w)| k.algorithm() != **w) {
        return Err(StudioError::general(format!("A {} key was given where {what} needs {}.", key.algorithm().label(), want.label())));
    }
    Ok(())
}

/// PEM with LF line endings and 64-character lines, as OpenSSL writes it.
/// An EC key's PKCS#8, as the curve crates write it (ECPrivateKey with the
/// public point, the curve in the algorithm), but from the public point the
/// signing key already holds: theirs computes it again, a scalar
/// multiplication per encoding.
fn ec_pkcs8_der(curve: ObjectIdentifier, secret: &[u8], public_point: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let failed = |e: &dyn std::fmt::Display| StudioError::internal("PKCS#8 encoding", e);
    let secret = Zeroizing::new(secret.to_vec());
    let ec_key = sec1::EcPrivateKey { private_key: &secret, parameters: None, public_key: Some(public_point) };
    let ec_der = Zeroizing::new(ec_key.to_der().map_err(|e| failed(&e))?);
    let info = PrivateKeyInfoRef::new(
        spki::AlgorithmIdentifierRef { oid: ID_EC_PUBLIC_KEY, parameters: Some((&curve).into()) },
        der::asn1::OctetStringRef::new(&ec_der).map_err(|e| failed(&e))?,
    );
    Ok(Zeroizing::new(info.to_der().map_err(|e| failed(&e))?))
}

/// The traditional form of an unencrypted PKCS#8 key, from the bytes it
/// wraps: PKCS#1 `RSA PRIVATE KEY`, or SEC1 `EC PRIVATE KEY` naming its curve
/// (as OpenSSL 1.1 and the curve crates write it).
fn traditional_pem(pkcs8: &[u8]) -> Result<Zeroizing<String>> {
    let failed = |e: &dyn std::fmt::Display| StudioError::internal("Private key encoding", e);
    let info = PrivateKeyInfoRef::from_der(pkcs8).map_err(|e| failed(&e))?;
    if info.algorithm.oid == RSA_ENCRYPTION {
        return Ok(Zeroizing::new(pem_text("RSA PRIVATE KEY", info.private_key.as_bytes())));
    }
    let curve = info.algorithm.parameters_oid().map_err(|e| failed(&e))?;
    let mut key = sec1::EcPrivateKey::from_der(info.private_key.as_bytes()).map_err(|e| failed(&e))?;
    key.parameters = Some(sec1::EcParameters::NamedCurve(curve));
    Ok(Zeroizing::new(pem_text("EC PRIVATE KEY", &Zeroizing::new(key.to_der().map_err(|e| failed(&e))?))))
}

/// Unencrypted PKCS#8 DER as `PRIVATE KEY` PEM. (An EC key's DER carries its
/// public key, which costs a scalar multiplication to make: encode once, reuse.)
pub fn pkcs8_pem(der: &[u8]) -> Zeroizing<String> {
    Zeroizing::new(pem_text("PRIVATE KEY", der))
}

/// The public half of a [`PrivateKey`], as the x509-cert builders want it.
#[derive(Clone)]
pub struct PublicKeyInfo(SubjectPublicKeyInfoOwned);

impl EncodePublicKey for PublicKeyInfo {
    fn to_public_key_der(&self) -> spki::Result<der::Document> {
        Ok(der::Document::try_from(self.0.to_der()?)?)
    }
}

impl Keypair for PrivateKey {
    type VerifyingKey = PublicKeyInfo;

    fn verifying_key(&self) -> PublicKeyInfo {
        PublicKeyInfo(self.public_key_info().expect("a generated key always encodes"))
    }
}

impl DynSignatureAlgorithmIdentifier for PrivateKey {
    fn signature_algorithm_identifier(&self) -> spki::Result<AlgorithmIdentifierOwned> {
        use spki::SignatureAlgorithmIdentifier;
        Ok(match self.algorithm() {
            KeyAlgorithm::EcP256 => p256::ecdsa::SigningKey::SIGNATURE_ALGORITHM_IDENTIFIER,
            KeyAlgorithm::EcP384 => p384::ecdsa::SigningKey::SIGNATURE_ALGORITHM_IDENTIFIER,
            _ => rsa::pkcs1v15::SigningKey::<Sha256>::SIGNATURE_ALGORITHM_IDENTIFIER,
        }
        .ref_to_owned())
    }
}

/// The PKCS#8 of a SEC1 EC key, as OpenSSL writes it: the curve moves to the
/// algorithm identifier, the inner ECPrivateKey keeps the key and its point.
fn pkcs8_of_sec1(key: &sec1::EcPrivateKey<'_>) -> std::result::Result<Zeroizing<Vec<u8>>, String> {
    let curve = key.parameters.and_then(|p| p.named_curve()).ok_or("it does not name its curve")?;
    let inner = Zeroizing::new(sec1::EcPrivateKey { parameters: None, ..key.clone() }.to_der().map_err(|e| e.to_string())?);
    let algorithm = spki::AlgorithmIdentifierRef { oid: ID_EC_PUBLIC_KEY, parameters: Some((&curve).into()) };
    let info = PrivateKeyInfoRef::new(algorithm, der::asn1::OctetStringRef::new(&inner).map_err(|e| e.to_string())?);
    info.to_der().map(Zeroizing::new).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_algorithm_round_trips_through_pkcs8() {
        for alg in [KeyAlgorithm::Rsa2048, KeyAlgorithm::EcP256, KeyAlgorithm::EcP384] {
            let key = PrivateKey::generate(alg).unwrap();
            assert_eq!(key.algorithm(), alg);
            let again = PrivateKey::from_pkcs8_der(&key.to_pkcs8_der().unwrap()).unwrap();
            assert_eq!(again.public_key_info().unwrap(), key.public_key_info().unwrap());
        }
    }

    #[test]
    fn ec_pkcs8_is_byte_for_byte_the_curve_crates_encoding() {
        for alg in [KeyAlgorithm::EcP256, KeyAlgorithm::EcP384] {
            let key = PrivateKey::generate(alg).unwrap();
            let theirs = match &key {
                PrivateKey::P256(k) => k.to_pkcs8_der().unwrap(),
                PrivateKey::P384(k) => k.to_pkcs8_der().unwrap(),
                _ => unreachable!(),
            };
            assert_eq!(key.to_pkcs8_der().unwrap().as_slice(), theirs.as_bytes());
        }
    }

    #[test]
    fn traditional_pem_is_byte_for_byte_the_crates_encoding() {
        use rsa::pkcs1::EncodeRsaPrivateKey;
        let lf = der::pem::LineEnding::LF;
        for alg in [KeyAlgorithm::Rsa2048, KeyAlgorithm::EcP256, KeyAlgorithm::EcP384] {
            let key = PrivateKey::generate(alg).unwrap();
            let theirs = match &key {
                PrivateKey::Rsa(k) => k.as_ref().as_ref().to_pkcs1_pem(lf).unwrap().to_string(),
                PrivateKey::P256(k) => p256::SecretKey::from(k.as_nonzero_scalar()).to_sec1_pem(lf).unwrap().to_string(),
                PrivateKey::P384(k) => p384::SecretKey::from(k.as_nonzero_scalar()).to_sec1_pem(lf).unwrap().to_string(),
                PrivateKey::Outside(_) => unreachable!(),
            };
            assert_eq!(*key.to_pem(KeyEncoding::Traditional, None).unwrap(), theirs, "{alg:?}");
        }
    }

    #[test]
    fn a_key_held_outside_is_known_by_its_pkcs8_alone() {
        for alg in [KeyAlgorithm::Rsa2048, KeyAlgorithm::EcP256, KeyAlgorithm::EcP384] {
            let key = PrivateKey::generate(alg).unwrap();
            let der = key.to_pkcs8_der().unwrap();
            let outside = PrivateKey::outside(7, &der).unwrap();
            assert_eq!(outside.algorithm(), alg);
            assert_eq!(outside.public_key_info().unwrap(), key.public_key_info().unwrap());
            assert_eq!(outside.signature_algorithm_identifier().unwrap(), key.signature_algorithm_identifier().unwrap());
            assert_eq!(*outside.to_pkcs8_der().unwrap(), *der);
            assert_eq!(outside.to_pem(KeyEncoding::Traditional, None).unwrap(), key.to_pem(KeyEncoding::Traditional, None).unwrap());
            assert!(outside.sign(b"message").unwrap_err().message.contains("through the caller"));
        }
        // An EC key without its public point, with another key's, or with one off the curve.
        let PrivateKey::P256(key) = PrivateKey::generate(KeyAlgorithm::EcP256).unwrap() else { unreachable!() };
        let scalar = key.as_nonzero_scalar().to_bytes();
        let mut point = key.verifying_key().to_sec1_point(false).as_bytes().to_vec();
        let without = |public_key: Option<&[u8]>| {
            let ec = sec1::EcPrivateKey { private_key: &scalar, parameters: None, public_key }.to_der().unwrap();
            let curve = SECP256R1;
            let info = PrivateKeyInfoRef::new(
                spki::AlgorithmIdentifierRef { oid: ID_EC_PUBLIC_KEY, parameters: Some((&curve).into()) },
                der::asn1::OctetStringRef::new(&ec).unwrap(),
            );
            PrivateKey::outside(0, &info.to_der().unwrap()).err().unwrap().message
        };
        assert!(without(None).contains("does not carry its public key"));
        let other = PrivateKey::generate(KeyAlgorithm::EcP256).unwrap().public_key_info().unwrap();
        assert!(without(Some(other.subject_public_key.raw_bytes())).contains("not its private key's"), "another key's point");
        point[40] ^= 1;
        assert!(without(Some(&point)).contains("not its private key's"), "a point off the curve");
        // SEC1 without its curve can't say which curve it is on.
        let sec1 = sec1::EcPrivateKey { private_key: &scalar, parameters: None, public_key: Some(&point) }.to_der().unwrap();
        assert!(PrivateKey::outside(0, &sec1).err().unwrap().message.contains("does not name its curve"));
    }

    #[test]
    fn a_key_held_outside_may_come_as_sec1_and_is_kept_as_its_pkcs8() {
        for alg in [KeyAlgorithm::EcP256, KeyAlgorithm::EcP384] {
            let key = PrivateKey::generate(alg).unwrap();
            let traditional = key.to_pem(KeyEncoding::Traditional, None).unwrap();
            let (label, sec1) = der::pem::decode_vec(traditional.as_bytes()).unwrap();
            assert_eq!(label, "EC PRIVATE KEY");
            let outside = PrivateKey::outside(3, &sec1).unwrap();
            assert_eq!(*outside.to_pkcs8_der().unwrap(), *key.to_pkcs8_der().unwrap(), "{alg:?}");
            assert_eq!(outside.public_key_info().unwrap(), key.public_key_info().unwrap());
        }
    }

    #[test]
    fn pem_labels_follow_the_encoding() {
        let rsa = PrivateKey::generate(KeyAlgorithm::Rsa2048).unwrap();
        assert!(rsa.to_pem(KeyEncoding::Pkcs8, None).unwrap().starts_with("-----BEGIN PRIVATE KEY-----\n"));
        assert!(rsa.to_pem(KeyEncoding::Traditional, None).unwrap().starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
        let ec = PrivateKey::generate(KeyAlgorithm::EcP256).unwrap();
        assert!(ec.to_pem(KeyEncoding::Traditional, None).unwrap().starts_with("-----BEGIN EC PRIVATE KEY-----\n"));
        let enc = ec.to_pem(KeyEncoding::Pkcs8, Some("1234")).unwrap();
        assert!(enc.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(PrivateKey::from_pkcs8_der(b"not a key").is_err());
        assert!(KeyAlgorithm::parse("keyAlgorithm", "rsa-1024").unwrap_err().message.contains("rsa-4096"));
    }
}
