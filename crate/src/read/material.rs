//! Everything dropped on the page, read into certificates, CSRs and private
//! keys: PEM (any number of blocks, every key encoding OpenSSL writes), DER,
//! PFX/PKCS#12 (OpenSSL 3's AES form and the legacy 3DES/RC2 form), PKCS#7
//! certificate bundles (`.p7b`) and a ZIP
//! the studio made earlier (its CA files, found by the tutorial's paths).

use std::io::{Cursor, Read};

use der::{Decode, Encode, Tagged};
use pkcs8::EncryptedPrivateKeyInfoRef;
use rsa::pkcs1::DecodeRsaPrivateKey;
use spki::SubjectPublicKeyInfoOwned;
use x509_cert::Certificate;
use x509_cert::request::CertReq;
use zeroize::Zeroizing;

use crate::error::{Result, StudioError};
use crate::output::layout;
use crate::read::budget::{OverBudget, ReadBudget};
use crate::read::pem_file::{InputFile, PemBlock, is_pem, pem_blocks};
use crate::read::{early_time, ec_explicit, legacy_pem, p7b, pfx_read};
use crate::rules::chain_shape::MAX_INTERMEDIATES;
use crate::x509::key::PrivateKey;
use crate::x509::oid::RSASSA_PSS;
use crate::x509::read_certificate::ReadCertificate;
use crate::x509::text::{encryption_scheme_name, key_type_name, oid_name};

/// Something read from a file, with the file's name for messages.
pub struct Found<T> {
    pub item: T,
    /// A certificate's or CSR's DER exactly as the file held it: thumbprints
    /// and copies must use these bytes, as a re-encoding may differ. Empty
    /// for keys, whose bytes stay secret.
    pub der: Vec<u8>,
    pub file: String,
}

/// What the files held, in the order they came.
#[derive(Default)]
pub struct Material {
    pub certificates: Vec<ReadCertificate>,
    pub requests: Vec<Found<CertReq>>,
    pub keys: Vec<Found<PrivateKey>>,
    /// Keys the studio reads but can't sign with (RSA-PSS), by their public
    /// half; why is in `unreadable`.
    pub show_only_keys: Vec<Found<SubjectPublicKeyInfoOwned>>,
    /// The parts of otherwise usable files that the studio can't use (a key
    /// of a type it can't sign with, a damaged block), each naming its file.
    pub unreadable: Vec<StudioError>,
}

/// A private key as read: one the studio signs with, or one it can only
/// show by its public half, with why it can't sign with it.
pub enum ReadKey {
    Signing(PrivateKey),
    ShowOnly(SubjectPublicKeyInfoOwned, StudioError),
}

/// A ZIP entry larger than this is not one of the studio's PEM files.
pub const MAX_ZIP_ENTRY_BYTES: u64 = 1 << 20;
pub const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

const REEXPORT_PFX: &str = "re-export it with OpenSSL 3's default or -legacy.";

pub fn damaged(file: &str, what: &str) -> StudioError {
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
        Self::read_within(files, password, &ReadBudget::default())
    }

    /// [`Material::read`], spending from a budget the caller holds for all its files.
    pub fn read_within(files: &[InputFile<'_>], password: Option<&str>, budget: &ReadBudget) -> Result<Self> {
        let mut material = Self::default();
        for file in files {
            material.read_file(file, password, budget)?;
        }
        Ok(material)
    }

    fn read_file(&mut self, file: &InputFile<'_>, password: Option<&str>, budget: &ReadBudget) -> Result<()> {
        let name = file.name;
        if file.contents.is_empty() {
            return Err(StudioError::field("files", format!("{name} is empty.")));
        }
        if file.contents.starts_with(ZIP_MAGIC) {
            return self.read_studio_zip(file, password, budget);
        }
        if is_pem(file.contents) {
            let before = self.tally();
            for block in pem_blocks(file)? {
                let read = self.read_pem_block(name, &block, password, budget);
                self.set_aside(read)?;
            }
            return self.check_usable_since(before);
        }
        self.read_der(name, file.contents, password, budget)
    }

    /// Keeps a part's problem for the report, unless the password is at fault
    /// (the person must act on that before anything else).
    fn set_aside(&mut self, read: Result<()>) -> Result<()> {
        match read {
            Err(problem) if problem.field.as_deref() != Some("password") => {
                self.unreadable.push(problem);
                Ok(())
            }
            other => other,
        }
    }

    /// How many usable items and set-aside problems there are so far.
    fn tally(&self) -> (usize, usize) {
        let usable = self.certificates.len() + self.requests.len() + self.keys.len() + self.show_only_keys.len();
        (usable, self.unreadable.len())
    }

    /// A file that gave nothing usable since `before` fails with its first problem.
    fn check_usable_since(&mut self, before: (usize, usize)) -> Result<()> {
        let (usable, problems) = self.tally();
        if usable == before.0 && problems > before.1 {
            return Err(self.unreadable.swap_remove(before.1));
        }
        Ok(())
    }

    /// A certificate's DER as read; `Err` holds why it does not decode.
    fn push_certificate(&mut self, file: &str, der: &[u8]) -> std::result::Result<(), der::Error> {
        let certificate = early_time::decode_certificate(der)?;
        // A bundle, a chain file and a PFX often repeat the same certificate.
        if !self.certificates.iter().any(|c| c.der == der) {
            self.certificates.push(ReadCertificate { certificate, der: der.to_vec(), file: file.to_string() });
        }
        Ok(())
    }

    fn push_key(&mut self, file: &str, key: ReadKey) {
        match key {
            ReadKey::Signing(key) => self.keys.push(Found { item: key, der: Vec::new(), file: file.to_string() }),
            ReadKey::ShowOnly(public_key, problem) => {
                self.show_only_keys.push(Found { item: public_key, der: Vec::new(), file: file.to_string() });
                self.unreadable.push(problem);
            }
        }
    }

    fn read_pem_block(&mut self, file: &str, block: &PemBlock, password: Option<&str>, budget: &ReadBudget) -> Result<()> {
        match block.label.as_str() {
            "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => {
                self.push_certificate(file, &block.der).map_err(|e| damaged(file, &format!("its certificate does not decode ({e})")))?;
            }
            "PKCS7" => self.read_p7b(file, &block.der)?,
            // `openssl ecparam -genkey` writes the curve before the key, which names it too.
            "EC PARAMETERS" => {}
            "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST" => {
                let csr =
                    CertReq::from_der(&block.der).map_err(|e| damaged(file, &format!("its certificate request does not decode ({e})")))?;
                self.requests.push(Found { item: csr, der: block.der.clone(), file: file.to_string() });
            }
            "PRIVATE KEY" | "RSA PRIVATE KEY" | "EC PRIVATE KEY" | "ENCRYPTED PRIVATE KEY" => {
                let key = private_key_from_pem(file, block, password, budget)?;
                self.push_key(file, key);
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

    /// DER: a certificate, a CSR, a PFX, a PKCS#7 bundle, or a key (PKCS#8
    /// plain or encrypted, PKCS#1, SEC1).
    fn read_der(&mut self, file: &str, der: &[u8], password: Option<&str>, budget: &ReadBudget) -> Result<()> {
        if self.push_certificate(file, der).is_ok() {
            return Ok(());
        }
        if let Ok(csr) = CertReq::from_der(der) {
            self.requests.push(Found { item: csr, der: der.to_vec(), file: file.to_string() });
            return Ok(());
        }
        if looks_like_pfx(der) {
            return self.read_pfx(file, der, password, budget);
        }
        if p7b::is_p7b(der) {
            return self.read_p7b(file, der);
        }
        // A key's DER is read as the PEM block it would have been.
        let label = if pkcs8::PrivateKeyInfoRef::from_der(der).is_ok() {
            Some("PRIVATE KEY")
        } else if pkcs12::pbe_params::EncryptedPrivateKeyInfo::from_der(der).is_ok() {
            Some("ENCRYPTED PRIVATE KEY")
        } else if rsa::pkcs1::RsaPrivateKey::<der::asn1::UintRef<'_>>::from_der(der).is_ok() {
            Some("RSA PRIVATE KEY")
        } else if ec_explicit::sec1_parts(der).is_some() {
            Some("EC PRIVATE KEY")
        } else {
            None
        };
        if let Some(label) = label {
            let block = PemBlock { label: label.into(), headers: Vec::new(), der: der.to_vec() };
            let key = private_key_from_pem(file, &block, password, budget)?;
            self.push_key(file, key);
            return Ok(());
        }
        Err(StudioError::field(
            "files",
            format!(
                "{file} is not a certificate, certificate request, private key or PFX (neither PEM nor DER of one), or it is truncated."
            ),
        ))
    }

    fn read_pfx(&mut self, file: &str, der: &[u8], password: Option<&str>, budget: &ReadBudget) -> Result<()> {
        use crate::read::pfx_read::{PfxReadError, Rounds, read};
        let given = password.filter(|p| !p.is_empty());
        let rounds = Rounds { budget, file };
        // A PFX may have no password: it opens without one, even when a
        // password was typed for another file.
        let mut result = read(der, given.unwrap_or(""), rounds);
        if given.is_some() && result.as_ref().err() == Some(&PfxReadError::WrongPassword) {
            result = read(der, "", rounds).or(result);
        }
        let contents = match result {
            Ok(contents) => contents,
            Err(PfxReadError::WrongPassword) if given.is_none() => return Err(password_needed(file)),
            Err(PfxReadError::WrongPassword) => return Err(password_wrong(file)),
            Err(PfxReadError::Unsupported(what)) => {
                return Err(StudioError::field(
                    "files",
                    format!("{file} is a PFX that uses {what}, which the studio can't read; {REEXPORT_PFX}"),
                ));
            }
            Err(PfxReadError::Damaged(what)) => return Err(damaged(file, &what)),
            Err(PfxReadError::OverBudget(over)) => return Err(over.into_error()),
        };
        let before = self.tally();
        for certificate in contents.certificates {
            self.push_certificate(file, &certificate).map_err(|e| damaged(file, &format!("a certificate in it does not decode ({e})")))?;
        }
        for key in contents.keys {
            let key = key_from_pkcs8(file, &key).map(|key| self.push_key(file, key));
            self.set_aside(key)?;
        }
        for what in contents.unreadable_keys {
            let problem = StudioError::field("files", format!("{file} holds {what}, which the studio can't read; {REEXPORT_PFX}"));
            self.set_aside(Err(problem))?;
        }
        self.check_usable_since(before)
    }

    fn read_p7b(&mut self, file: &str, der: &[u8]) -> Result<()> {
        let bundle_damaged = |e: der::Error| damaged(file, &format!("its PKCS#7 bundle does not decode ({e})"));
        for certificate in p7b::certificates(der).map_err(bundle_damaged)? {
            self.push_certificate(file, &certificate).map_err(bundle_damaged)?;
        }
        Ok(())
    }

    /// A studio ZIP: the CA certificates and keys at the tutorial's paths
    /// (a ZIP in their place is read once more, not deeper).
    fn read_studio_zip(&mut self, file: &InputFile<'_>, password: Option<&str>, budget: &ReadBudget) -> Result<()> {
        let name = file.name;
        let _level = budget.enter_zip(name).map_err(OverBudget::into_error)?;
        let mut zip =
            zip::ZipArchive::new(Cursor::new(file.contents)).map_err(|e| damaged(name, &format!("it is not a readable ZIP ({e})")))?;
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
            budget.spend_bytes(name, contents.len() as u64).map_err(OverBudget::into_error)?;
            let contents = Zeroizing::new(contents);
            let inner_name = format!("{name} › {path}");
            self.read_file(&InputFile { name: &inner_name, contents: &contents }, password, budget)?;
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
/// PKCS#1, SEC1, and the last two with legacy `Proc-Type` encryption. The
/// password is blamed only when a scheme the studio runs fails.
pub fn private_key_from_pem(file: &str, block: &PemBlock, password: Option<&str>, budget: &ReadBudget) -> Result<ReadKey> {
    let not_a_key = |why: &dyn std::fmt::Display| damaged(file, &format!("its {} does not decode ({why})", block.label));
    match block.label.as_str() {
        "PRIVATE KEY" => key_from_pkcs8(file, &block.der),
        "ENCRYPTED PRIVATE KEY" => {
            if let Some(der) = legacy_pem::decrypt_pkcs12_pbe(file, &block.der, password, budget) {
                return key_from_decrypted(file, &der?, password);
            }
            let info = EncryptedPrivateKeyInfoRef::from_der(&block.der)
                .map_err(|e| unreadable_scheme(file, &block.der).unwrap_or_else(|| not_a_key(&e)))?;
            let rounds = check_key_derivation(file, &info)?;
            let password = password_for(file, password)?;
            budget.spend_kdf_rounds(file, rounds).map_err(OverBudget::into_error)?;
            match info.decrypt(password) {
                Ok(der) => key_from_decrypted(file, der.as_bytes(), Some(password)),
                Err(pkcs8::Error::EncryptedPrivateKey(pkcs8::pkcs5::Error::DecryptFailed)) => Err(password_wrong(file)),
                Err(pkcs8::Error::EncryptedPrivateKey(e)) => {
                    Err(reencrypt(file, &format!("is encrypted in a way the studio can't read ({e})")))
                }
                // It decrypted to something that isn't DER: the padding held by chance, the password is wrong.
                Err(_) => Err(password_wrong(file)),
            }
        }
        "RSA PRIVATE KEY" | "EC PRIVATE KEY" => {
            let encrypted = legacy_pem::is_encrypted(block);
            let der = if encrypted {
                legacy_pem::decrypt(file, block, password_for(file, password)?)?
            } else {
                Zeroizing::new(block.der.clone())
            };
            let key = if block.label == "RSA PRIVATE KEY" { rsa_from_pkcs1(&der) } else { ec_from_sec1(file, &der) };
            match key {
                Some(key) => key.map(ReadKey::Signing),
                None if encrypted => Err(password_wrong(file)),
                None => Err(not_a_key(&"not a usable RSA / P-256 / P-384 key")),
            }
        }
        "DSA PRIVATE KEY" => Err(cannot_sign_with(file, "DSA")),
        other => Err(StudioError::field("files", format!("{file} holds a \"{other}\" block, not a private key."))),
    }
}

fn reencrypt(file: &str, why: &str) -> StudioError {
    StudioError::field("files", format!("{file} {why}; re-encrypt it with openssl pkcs8 -topk8 -v2 aes-256-cbc."))
}

fn cannot_sign_with(file: &str, key_type: &str) -> StudioError {
    StudioError::field("files", format!("{file} holds a {key_type} private key; the studio signs only with RSA, P-256 and P-384 keys."))
}

fn cannot_sign_with_because(file: &str, why: &str) -> StudioError {
    StudioError::field("files", format!("{file} holds an EC private key the studio can't use: {why}."))
}

/// The key of a decrypted PKCS#8: a result that is no PrivateKeyInfo means
/// the password was wrong (or missing); a key of a type the studio can't use is named.
fn key_from_decrypted(file: &str, der: &[u8], password: Option<&str>) -> Result<ReadKey> {
    if pkcs8::PrivateKeyInfoRef::from_der(der).is_err() {
        return Err(if password.is_some_and(|p| !p.is_empty()) { password_wrong(file) } else { password_needed(file) });
    }
    key_from_pkcs8(file, der)
}

/// An unencrypted PKCS#8 key; one the studio can't sign with is named by its
/// type (and an RSA-PSS key kept by its public half, to be shown).
fn key_from_pkcs8(file: &str, der: &[u8]) -> Result<ReadKey> {
    let problem = match PrivateKey::from_pkcs8_der(der) {
        Ok(key) => return Ok(ReadKey::Signing(key)),
        Err(e) => StudioError::field("files", format!("{file}: {}", e.message)),
    };
    let Ok(info) = pkcs8::PrivateKeyInfoRef::from_der(der) else { return Err(problem) };
    let algorithm = info.algorithm.oid;
    if algorithm == RSASSA_PSS {
        let public_key = rsa_pss_public_key(&info).ok_or(problem)?;
        return Ok(ReadKey::ShowOnly(public_key, cannot_sign_with(file, "RSA-PSS")));
    }
    if algorithm != rsa::pkcs1::ALGORITHM_OID && algorithm != p256::elliptic_curve::ALGORITHM_OID {
        return Err(cannot_sign_with(file, &key_type_name(&algorithm)));
    }
    if algorithm == p256::elliptic_curve::ALGORITHM_OID {
        if let Ok(curve) = info.algorithm.parameters_oid() {
            return Err(cannot_sign_with(file, &format!("EC ({})", oid_name(&curve))));
        }
        // Explicit parameters: in the algorithm, the SEC1 key inside holds the scalar.
        let explicit = info.algorithm.parameters.and_then(|p| p.to_der().ok());
        if let (Some(parameters), Some(sec1)) = (explicit, ec_explicit::sec1_parts(info.private_key.as_bytes())) {
            return ec_explicit::key_on(&parameters, &sec1.scalar).map(ReadKey::Signing).map_err(|why| cannot_sign_with_because(file, why));
        }
    }
    Err(problem)
}

/// An RSA-PSS key's public half: its modulus and exponent under the key's
/// own algorithm identifier (with any PSS restrictions), as its certificate has it.
fn rsa_pss_public_key(info: &pkcs8::PrivateKeyInfoRef<'_>) -> Option<SubjectPublicKeyInfoOwned> {
    let private = rsa::pkcs1::RsaPrivateKey::<der::asn1::UintRef<'_>>::from_der(info.private_key.as_bytes()).ok()?;
    let public = rsa::pkcs1::RsaPublicKey { modulus: private.modulus, public_exponent: private.public_exponent }.to_der().ok()?;
    Some(SubjectPublicKeyInfoOwned {
        algorithm: spki::AlgorithmIdentifierOwned { oid: info.algorithm.oid, parameters: info.algorithm.parameters.map(der::Any::from) },
        subject_public_key: der::asn1::BitString::from_bytes(&public).ok()?,
    })
}

/// Why an encrypted PKCS#8 that pkcs8 can't parse is refused, naming its
/// scheme (`None` when it is not even an EncryptedPrivateKeyInfo).
fn unreadable_scheme(file: &str, der: &[u8]) -> Option<StudioError> {
    let info = pkcs12::pbe_params::EncryptedPrivateKeyInfo::from_der(der).ok()?;
    let name = encryption_scheme_name(&info.encryption_algorithm);
    Some(reencrypt(file, &format!("is encrypted with {name}, which the studio can't read")))
}

/// The rounds a PBES2 key asks for, within the cap; other schemes refused by name.
fn check_key_derivation(file: &str, info: &EncryptedPrivateKeyInfoRef<'_>) -> Result<u64> {
    use pkcs8::pkcs5::{EncryptionScheme, pbes2::Kdf};
    match &info.encryption_algorithm {
        EncryptionScheme::Pbes2(params) => match &params.kdf {
            Kdf::Pbkdf2(kdf) if kdf.iteration_count > pfx_read::MAX_KDF_ITERATIONS => Err(reencrypt(
                file,
                &format!(
                    "asks for {} PBKDF2 rounds, more than the {} the studio will run",
                    kdf.iteration_count,
                    pfx_read::MAX_KDF_ITERATIONS
                ),
            )),
            Kdf::Pbkdf2(kdf) => Ok(u64::from(kdf.iteration_count)),
            Kdf::Scrypt(_) => Err(reencrypt(file, "is encrypted with scrypt, which the studio does not run in the page")),
            _ => Err(reencrypt(file, "uses a key derivation the studio can't read")),
        },
        EncryptionScheme::Pbes1(_) => {
            Err(reencrypt(file, "is encrypted with an old PBES1 scheme (DES or RC2 with MD5 or SHA-1) the studio can't read"))
        }
        _ => Err(reencrypt(file, "uses an encryption scheme the studio can't read")),
    }
}

fn rsa_from_pkcs1(der: &[u8]) -> Option<Result<PrivateKey>> {
    let key = rsa::PrivateKey::from_pkcs1_der(der).ok()?;
    Some(Ok(PrivateKey::Rsa(Box::new(rsa::pkcs1v15::SigningKey::new(key)))))
}

/// A SEC1 key on P-256 or P-384, named or with explicit parameters; on
/// another curve, named.
fn ec_from_sec1(file: &str, der: &[u8]) -> Option<Result<PrivateKey>> {
    if let Ok(key) = p256::SecretKey::from_sec1_der(der) {
        return Some(Ok(PrivateKey::P256(key.into())));
    }
    if let Ok(key) = p384::SecretKey::from_sec1_der(der) {
        return Some(Ok(PrivateKey::P384(key.into())));
    }
    if let Some(ec_explicit::Sec1Parts { scalar, explicit_parameters: Some(parameters) }) = ec_explicit::sec1_parts(der) {
        return Some(ec_explicit::key_on(&parameters, &scalar).map_err(|why| cannot_sign_with_because(file, why)));
    }
    let curve = sec1::EcPrivateKey::from_der(der).ok()?.parameters?.named_curve()?;
    Some(Err(cannot_sign_with(file, &format!("EC ({})", oid_name(&curve)))))
}

/// Whether `key` is the private half of the certificate's public key.
pub fn key_matches(key: &PrivateKey, certificate: &Certificate) -> bool {
    key.public_key_info().is_ok_and(|own| public_key_matches(&own, certificate))
}

/// Whether the certificate holds this public key.
pub fn public_key_matches(own: &SubjectPublicKeyInfoOwned, certificate: &Certificate) -> bool {
    let spki = certificate.tbs_certificate().subject_public_key_info();
    own.algorithm.oid == spki.algorithm.oid && own.subject_public_key.raw_bytes() == spki.subject_public_key.raw_bytes()
}
