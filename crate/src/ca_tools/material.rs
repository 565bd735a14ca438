//! Everything dropped on the page, read into certificates, CSRs and private
//! keys: PEM (any number of blocks, every key encoding OpenSSL writes), DER,
//! PFX/PKCS#12 (OpenSSL 3's AES form and the legacy 3DES/RC2 form) and a ZIP
//! the studio made earlier (its CA files, found by the tutorial's paths).

use std::io::{Cursor, Read};

use der::{Decode, Tagged};
use pkcs8::EncryptedPrivateKeyInfoRef;
use rsa::pkcs1::DecodeRsaPrivateKey;
use x509_cert::Certificate;
use x509_cert::request::CertReq;
use zeroize::Zeroizing;

use crate::make::chain::MAX_INTERMEDIATES;
use crate::error::{Result, StudioError};
use crate::x509::key::PrivateKey;
use crate::output::layout;
use crate::ca_tools::legacy_pem;
use crate::ca_tools::pem_file::{InputFile, PemBlock, is_pem, pem_blocks};

/// Something read from a file, with the file's name for messages.
pub struct Found<T> {
    pub item: T,
    pub file: String,
}

/// What the files held, in the order they came.
#[derive(Default)]
pub struct Material {
    pub certificates: Vec<Found<Certificate>>,
    pub requests: Vec<Found<CertReq>>,
    pub keys: Vec<Found<PrivateKey>>,
}

/// A ZIP entry larger than this is not one of the studio's PEM files.
const MAX_ZIP_ENTRY_BYTES: u64 = 1 << 20;
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

fn damaged(file: &str, what: &str) -> StudioError {
    StudioError::field("files", format!("{file} is truncated or damaged: {what}."))
}

fn password_needed(file: &str) -> StudioError {
    StudioError::field("password", format!("{file} is encrypted; enter its password."))
}

fn password_wrong(file: &str) -> StudioError {
    StudioError::field("password", format!("The password for {file} is wrong."))
}

/// The password to use for an encrypted `file`, or the error that asks for one.
fn password_for<'p>(file: &str, password: Option<&'p str>) -> Result<&'p str> {
    password.filter(|p| !p.is_empty()).ok_or_else(|| password_needed(file))
}

impl Material {
    /// Reads every file. `password` opens encrypted keys and PFX files; when
    /// one is needed and missing, the error has field `password`.
    pub fn read(files: &[InputFile<'_>], password: Option<&str>) -> Result<Self> {
        let mut material = Self::default();
        for file in files {
            material.read_file(file, password)?;
        }
        Ok(material)
    }

    fn read_file(&mut self, file: &InputFile<'_>, password: Option<&str>) -> Result<()> {
        let name = file.name;
        if file.contents.is_empty() {
            return Err(StudioError::field("files", format!("{name} is empty.")));
        }
        if file.contents.starts_with(ZIP_MAGIC) {
            return self.read_studio_zip(file, password);
        }
        if is_pem(file.contents) {
            for block in pem_blocks(file)? {
                self.read_pem_block(name, &block, password)?;
            }
            return Ok(());
        }
        self.read_der(name, file.contents, password)
    }

    fn push_certificate(&mut self, file: &str, certificate: Certificate) {
        // A bundle, a chain file and a PFX often repeat the same certificate.
        if !self.certificates.iter().any(|c| c.item == certificate) {
            self.certificates.push(Found { item: certificate, file: file.to_string() });
        }
    }

    fn read_pem_block(&mut self, file: &str, block: &PemBlock, password: Option<&str>) -> Result<()> {
        match block.label.as_str() {
            "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => {
                let certificate = Certificate::from_der(&block.der)
                    .map_err(|e| damaged(file, &format!("its certificate does not decode ({e})")))?;
                self.push_certificate(file, certificate);
            }
            "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST" => {
                let csr = CertReq::from_der(&block.der)
                    .map_err(|e| damaged(file, &format!("its certificate request does not decode ({e})")))?;
                self.requests.push(Found { item: csr, file: file.to_string() });
            }
            "PRIVATE KEY" | "RSA PRIVATE KEY" | "EC PRIVATE KEY" | "ENCRYPTED PRIVATE KEY" => {
                let key = private_key_from_pem(file, block, password)?;
                self.keys.push(Found { item: key, file: file.to_string() });
            }
            other => {
                return Err(StudioError::field(
                    "files",
                    format!(
                        "{file} holds a \"{other}\" PEM block; the studio reads certificates, certificate requests, private keys and PFX files."
                    ),
                ));
            }
        }
        Ok(())
    }

    /// DER: a certificate, a CSR, a PKCS#8 key (plain or encrypted) or a PFX.
    fn read_der(&mut self, file: &str, der: &[u8], password: Option<&str>) -> Result<()> {
        if let Ok(certificate) = Certificate::from_der(der) {
            self.push_certificate(file, certificate);
            return Ok(());
        }
        if let Ok(csr) = CertReq::from_der(der) {
            self.requests.push(Found { item: csr, file: file.to_string() });
            return Ok(());
        }
        if looks_like_pfx(der) {
            return self.read_pfx(file, der, password);
        }
        let label = if pkcs8::PrivateKeyInfoRef::from_der(der).is_ok() {
            Some("PRIVATE KEY")
        } else if EncryptedPrivateKeyInfoRef::from_der(der).is_ok() {
            Some("ENCRYPTED PRIVATE KEY")
        } else {
            None
        };
        if let Some(label) = label {
            let block = PemBlock { label: label.into(), headers: Vec::new(), der: der.to_vec() };
            let key = private_key_from_pem(file, &block, password)?;
            self.keys.push(Found { item: key, file: file.to_string() });
            return Ok(());
        }
        Err(StudioError::field(
            "files",
            format!(
                "{file} is not a certificate, certificate request, private key or PFX (neither PEM nor DER of one), or it is truncated."
            ),
        ))
    }

    fn read_pfx(&mut self, file: &str, der: &[u8], password: Option<&str>) -> Result<()> {
        use crate::ca_tools::pfx_read::PfxReadError;
        // A PFX may have an empty password: try that before asking for one.
        let given = password.filter(|p| !p.is_empty());
        let contents = match crate::ca_tools::pfx_read::read(der, given.unwrap_or("")) {
            Ok(contents) => contents,
            Err(PfxReadError::WrongPassword) if given.is_none() => return Err(password_needed(file)),
            Err(PfxReadError::WrongPassword) => return Err(password_wrong(file)),
            Err(PfxReadError::Unsupported(what)) => {
                return Err(StudioError::field(
                    "files",
                    format!("{file} uses {what}, which the studio can't read; re-export it with OpenSSL 3's default or -legacy."),
                ));
            }
            Err(PfxReadError::Damaged(what)) => return Err(damaged(file, &what)),
        };
        for certificate in contents.certificates {
            self.push_certificate(file, certificate);
        }
        for key in contents.keys {
            let key = PrivateKey::from_pkcs8_der(&key).map_err(|e| StudioError::field("files", format!("{file}: {}", e.message)))?;
            self.keys.push(Found { item: key, file: file.to_string() });
        }
        Ok(())
    }

    /// A studio ZIP: the CA certificates and keys at the tutorial's paths.
    fn read_studio_zip(&mut self, file: &InputFile<'_>, password: Option<&str>) -> Result<()> {
        let name = file.name;
        let mut zip = zip::ZipArchive::new(Cursor::new(file.contents))
            .map_err(|e| damaged(name, &format!("it is not a readable ZIP ({e})")))?;
        let mut found_any = false;
        for path in studio_ca_paths() {
            let Ok(entry) = zip.by_name(&path) else { continue };
            let mut contents = Vec::new();
            entry
                .take(MAX_ZIP_ENTRY_BYTES + 1)
                .read_to_end(&mut contents)
                .map_err(|e| damaged(name, &format!("{path} in it can't be read ({e})")))?;
            if contents.len() as u64 > MAX_ZIP_ENTRY_BYTES {
                return Err(damaged(name, &format!("{path} in it is far larger than a PEM file")));
            }
            let contents = Zeroizing::new(contents);
            let inner_name = format!("{name} › {path}");
            self.read_file(&InputFile { name: &inner_name, contents: &contents }, password)?;
            found_any = true;
        }
        if !found_any {
            return Err(StudioError::field(
                "files",
                format!("{name} is not a ZIP made by the studio: it has no {} or other CA file.", layout::cert(layout::ROOT_STEM)),
            ));
        }
        Ok(())
    }
}

/// Where a studio ZIP keeps CA material: the root, every intermediate naming
/// scheme (`…intermediate`, `…intermediate-N`) and the CA chain file.
fn studio_ca_paths() -> Vec<String> {
    let mut stems = vec![layout::ROOT_STEM.to_string()];
    for count in 1..=MAX_INTERMEDIATES {
        for index in 0..count {
            let stem = layout::intermediate_stem(index, count);
            if !stems.contains(&stem) {
                stems.push(stem);
            }
        }
    }
    let mut paths: Vec<String> = stems.iter().flat_map(|s| [layout::cert(s), layout::key(s)]).collect();
    paths.push(layout::CHAIN_CA_CERT.to_string());
    paths
}

/// PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo, … }
fn looks_like_pfx(der: &[u8]) -> bool {
    let Ok(outer) = der::asn1::AnyRef::from_der(der) else { return false };
    if outer.tag() != der::Tag::Sequence {
        return false;
    }
    let mut reader = match der::SliceReader::new(outer.value()) {
        Ok(reader) => reader,
        Err(_) => return false,
    };
    matches!(der::Reader::decode::<u8>(&mut reader), Ok(3))
}

/// Any private key PEM block OpenSSL writes: PKCS#8, encrypted PKCS#8,
/// PKCS#1, SEC1, and the last two with legacy `Proc-Type` encryption.
pub fn private_key_from_pem(file: &str, block: &PemBlock, password: Option<&str>) -> Result<PrivateKey> {
    let not_a_key = |why: &dyn std::fmt::Display| damaged(file, &format!("its {} does not decode ({why})", block.label));
    match block.label.as_str() {
        "PRIVATE KEY" => {
            PrivateKey::from_pkcs8_der(&block.der).map_err(|e| StudioError::field("files", format!("{file}: {}", e.message)))
        }
        "ENCRYPTED PRIVATE KEY" => {
            if let Some(der) = legacy_pem::decrypt_pkcs12_pbe(file, &block.der, password) {
                return PrivateKey::from_pkcs8_der(&der?).map_err(|_| password_wrong(file));
            }
            let info = EncryptedPrivateKeyInfoRef::from_der(&block.der).map_err(|e| not_a_key(&e))?;
            check_key_derivation(file, &info)?;
            let password = password_for(file, password)?;
            let der = match info.decrypt(password) {
                Ok(doc) => doc,
                Err(pkcs8::Error::EncryptedPrivateKey(pkcs8::pkcs5::Error::DecryptFailed)) => return Err(password_wrong(file)),
                Err(pkcs8::Error::EncryptedPrivateKey(e)) => {
                    return Err(StudioError::field(
                        "files",
                        format!("{file} is encrypted with a scheme the studio can't read ({e}); re-encrypt it with openssl pkcs8 -topk8 -v2 aes-256-cbc."),
                    ));
                }
                // It decrypted to something that isn't a key: almost surely a wrong password.
                Err(_) => return Err(password_wrong(file)),
            };
            PrivateKey::from_pkcs8_der(der.as_bytes()).map_err(|_| password_wrong(file))
        }
        "RSA PRIVATE KEY" | "EC PRIVATE KEY" => {
            let encrypted = legacy_pem::is_encrypted(block);
            let der = if encrypted {
                legacy_pem::decrypt(file, block, password_for(file, password)?)?
            } else {
                Zeroizing::new(block.der.clone())
            };
            let key = if block.label == "RSA PRIVATE KEY" { rsa_from_pkcs1(&der) } else { ec_from_sec1(&der) };
            match key {
                Some(key) => Ok(key),
                None if encrypted => Err(password_wrong(file)),
                None => Err(not_a_key(&"not a usable RSA / P-256 / P-384 key")),
            }
        }
        other => Err(StudioError::field("files", format!("{file} holds a \"{other}\" block, not a private key."))),
    }
}

fn check_key_derivation(file: &str, info: &EncryptedPrivateKeyInfoRef<'_>) -> Result<()> {
    use pkcs8::pkcs5::{EncryptionScheme, pbes2::Kdf};
    let refuse = |why: String| StudioError::field("files", format!("{file} {why}; re-encrypt it with openssl pkcs8 -topk8 -v2 aes-256-cbc."));
    match &info.encryption_algorithm {
        EncryptionScheme::Pbes2(params) => match &params.kdf {
            Kdf::Pbkdf2(kdf) if kdf.iteration_count > legacy_pem::MAX_KDF_ITERATIONS => Err(refuse(format!(
                "asks for {} PBKDF2 rounds, more than the {} the studio will run",
                kdf.iteration_count,
                legacy_pem::MAX_KDF_ITERATIONS
            ))),
            Kdf::Pbkdf2(_) => Ok(()),
            Kdf::Scrypt(_) => Err(refuse("is encrypted with scrypt, which the studio does not run in the page".into())),
            _ => Err(refuse("uses a key derivation the studio can't read".into())),
        },
        EncryptionScheme::Pbes1(_) => Err(refuse("is encrypted with an old PBES1 scheme the studio can't read".into())),
        _ => Err(refuse("uses an encryption scheme the studio can't read".into())),
    }
}

fn rsa_from_pkcs1(der: &[u8]) -> Option<PrivateKey> {
    let key = rsa::PrivateKey::from_pkcs1_der(der).ok()?;
    Some(PrivateKey::Rsa(Box::new(rsa::pkcs1v15::SigningKey::new(key))))
}

fn ec_from_sec1(der: &[u8]) -> Option<PrivateKey> {
    if let Ok(key) = p256::SecretKey::from_sec1_der(der) {
        return Some(PrivateKey::P256(key.into()));
    }
    p384::SecretKey::from_sec1_der(der).ok().map(|key| PrivateKey::P384(key.into()))
}

/// Whether `key` is the private half of the certificate's public key.
pub fn key_matches(key: &PrivateKey, certificate: &Certificate) -> bool {
    let spki = certificate.tbs_certificate().subject_public_key_info();
    key.public_key_info().is_ok_and(|own| {
        own.algorithm.oid == spki.algorithm.oid && own.subject_public_key.raw_bytes() == spki.subject_public_key.raw_bytes()
    })
}

