//! Every certificate among the files a person drops, studio ZIPs expanded
//! (all their certificates, not only the CA's, and a batch's `devices.csv`),
//! each with where it came from, its role and where its private key is:
//! what the expiry view lists and what a renewal picks its devices from.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use der::Decode;
use x509_cert::Certificate;
use zeroize::Zeroizing;

use crate::error::{Result, StudioError};
use crate::output::layout::{self, CertificateRole, DEVICES_CSV_HEADER, role};
use crate::output::quote;
use crate::read::budget::{OverBudget, ReadBudget};
use crate::read::early_time;
use crate::read::material::{MAX_ZIP_ENTRY_BYTES, Material, ZIP_MAGIC, damaged, key_matches};
use crate::read::pem_file::{InputFile, is_pem, pem_blocks};
use crate::x509::facts::{is_ca, thumbprint_sha1_of_der};
use crate::x509::key::PrivateKey;
use crate::x509::text::visible;
use crate::x509::verify::is_self_signed;

/// A 10,000-device batch's `devices.csv` is about 1.2 MB.
const MAX_CSV_BYTES: u64 = 16 << 20;
/// Between a ZIP's name and a path inside it, as messages and the page show it.
const INSIDE: &str = " › ";

/// One certificate found, once however many files repeat it.
pub struct Held {
    pub certificate: Certificate,
    /// Its DER as the file held it (thumbprints are of these bytes).
    pub der: Vec<u8>,
    pub thumbprint_sha1: String,
    /// The first file it came from, e.g. `studio.zip › certs/device-01.cert.pem`.
    pub file: String,
    /// One of [`role`].
    pub role: CertificateRole,
    /// The file holding its private key, when it is among the files.
    pub key_file: Option<String>,
}

/// A device listed in a batch's `devices.csv`.
pub struct ListedDevice {
    pub registration_id: String,
    pub thumbprint_sha1: String,
    pub not_after_unix: u64,
    pub file: String,
}

/// Everything found in the files.
#[derive(Default)]
pub struct Holdings<'a> {
    pub certificates: Vec<Held>,
    /// `devices.csv` rows, whether or not their certificates came too.
    pub listed: Vec<ListedDevice>,
    /// Key files inside ZIPs by their shown name (which of `archives`, and
    /// the entry's index): read and decrypted only for the devices a renewal picks.
    zip_keys: HashMap<String, (usize, usize)>,
    /// Each ZIP's directory, read once (a 10,000-device ZIP has 160,000 entries).
    archives: Vec<zip::ZipArchive<Cursor<&'a [u8]>>>,
    /// What the whole call may still read.
    budget: ReadBudget,
    /// Keys read from loose files.
    loose_keys: Vec<(PrivateKey, String)>,
    by_der: HashMap<Vec<u8>, usize>,
}

/// The role the studio's layout gives a file holding one certificate:
/// `certs/<stem>.cert.pem` or `certs/<stem>.cer` named as Generate, IoT Edge
/// or a verification certificate names them. Devices' names are their own
/// registration IDs, so a device is known by its certificate instead.
fn role_from_path(path: &str) -> Option<CertificateRole> {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let stem = name.strip_suffix(".cert.pem").or_else(|| name.strip_suffix(".cer"))?;
    if stem == layout::ROOT_STEM || name == "RootCA.cer" {
        Some(role::ROOT)
    } else if stem.starts_with(layout::EDGE_INTERMEDIATE_STEM) {
        Some(role::INTERMEDIATE)
    } else if stem == layout::VERIFICATION_STEM {
        Some(role::VERIFICATION)
    } else if stem.starts_with(layout::EDGE_DEVICE_CA_PREFIX) {
        Some(role::EDGE_CA)
    } else if stem.starts_with(layout::EDGE_IDENTITY_PREFIX) {
        Some(role::EDGE_IDENTITY)
    } else if stem.starts_with(layout::EDGE_SERVER_PREFIX) {
        Some(role::EDGE_SERVER)
    } else {
        None
    }
}

/// Without a layout name: a self-signed CA is a root, another CA an
/// intermediate, anything else a device.
fn role_from_certificate(certificate: &Certificate, der: &[u8]) -> CertificateRole {
    match (is_ca(certificate), is_ca(certificate) && is_self_signed(certificate, der)) {
        (true, true) => role::ROOT,
        (true, false) => role::INTERMEDIATE,
        _ => role::DEVICE,
    }
}

/// `2026-01-01T00:00:00Z` (as `devices.csv` writes expiry) in seconds since 1970.
fn rfc3339_unix(text: &str) -> Option<u64> {
    let b = text.trim().as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' || b[19] != b'Z' {
        return None;
    }
    let number = |from: usize, to: usize| std::str::from_utf8(&b[from..to]).ok()?.parse::<u16>().ok();
    let (month, day, hour, minute, second) = (number(5, 7)?, number(8, 10)?, number(11, 13)?, number(14, 16)?, number(17, 19)?);
    let time = der::DateTime::new(number(0, 4)?, month as u8, day as u8, hour as u8, minute as u8, second as u8).ok()?;
    Some(time.unix_duration().as_secs())
}

fn is_devices_csv(contents: &[u8]) -> bool {
    contents.starts_with(DEVICES_CSV_HEADER.trim_end().as_bytes())
}

/// One ZIP entry's bytes, refused when larger than `limit`, spent from `budget`.
fn read_entry(name: &str, path: &str, entry: impl Read, limit: u64, budget: &ReadBudget) -> Result<Zeroizing<Vec<u8>>> {
    let mut contents = Zeroizing::new(Vec::new());
    entry.take(limit + 1).read_to_end(&mut contents).map_err(|e| damaged(name, &format!("{path} in it can't be read ({e})")))?;
    if contents.len() as u64 > limit {
        return Err(damaged(name, &format!("{path} in it is far larger than the studio's files")));
    }
    budget.spend_bytes(name, contents.len() as u64).map_err(OverBudget::into_error)?;
    Ok(contents)
}

impl<'a> Holdings<'a> {
    /// Reads every file: PEM, DER, PFX (with `password`), a studio ZIP (every
    /// certificate in it, its `devices.csv`, and where each key file is) or a
    /// `devices.csv` on its own. An encrypted key in a loose PEM file is
    /// passed over without a password: the certificates are what count here.
    pub fn read(files: &[InputFile<'a>], password: Option<&str>) -> Result<Self> {
        if files.is_empty() {
            return Err(StudioError::field("files", "Add the certificates: a studio ZIP, PEM or DER files, or a PFX."));
        }
        let mut holdings = Self::default();
        for file in files {
            if file.contents.starts_with(ZIP_MAGIC) {
                holdings.read_zip(file)?;
            } else if is_devices_csv(file.contents) {
                holdings.read_csv(file.name, file.contents)?;
            } else {
                holdings.read_loose(file, password)?;
            }
        }
        if holdings.certificates.is_empty() && holdings.listed.is_empty() {
            let names: Vec<&str> = files.iter().map(|f| f.name).collect();
            return Err(StudioError::field("files", format!("No certificate found in {}.", names.join(", "))));
        }
        holdings.find_loose_keys();
        Ok(holdings)
    }

    fn add(&mut self, der: &[u8], file: &str, named_role: Option<CertificateRole>) -> std::result::Result<(), der::Error> {
        if let Some(&index) = self.by_der.get(der) {
            // A certificate seen in a chain file first gets its role when its own file comes.
            if let (Some(role), Some(held)) = (named_role, self.certificates.get_mut(index)) {
                held.role = role;
                held.file = file.to_string();
            }
            return Ok(());
        }
        let certificate = early_time::decode_certificate(der)?;
        let role = named_role.unwrap_or_else(|| role_from_certificate(&certificate, der));
        self.by_der.insert(der.to_vec(), self.certificates.len());
        self.certificates.push(Held {
            certificate,
            der: der.to_vec(),
            thumbprint_sha1: thumbprint_sha1_of_der(der),
            file: file.to_string(),
            role,
            key_file: None,
        });
        Ok(())
    }

    /// A loose file, read as the CA import reads it.
    fn read_loose(&mut self, file: &InputFile<'_>, password: Option<&str>) -> Result<()> {
        let material = match Material::read_within(std::slice::from_ref(file), password, &self.budget) {
            Ok(material) => material,
            Err(e) if e.field.as_deref() == Some("password") && is_pem(file.contents) => {
                return self.read_pem_certificates(file.name, file.contents);
            }
            Err(e) => return Err(e),
        };
        let single = material.certificates.len() == 1;
        for found in &material.certificates {
            let role = if single { role_from_path(file.name) } else { None };
            self.add(&found.der, &found.file, role).map_err(|e| damaged(file.name, &e.to_string()))?;
        }
        self.loose_keys.extend(material.keys.into_iter().map(|k| (k.item, k.file)));
        Ok(())
    }

    /// The certificate blocks of a PEM file (its keys left alone).
    fn read_pem_certificates(&mut self, name: &str, contents: &[u8]) -> Result<()> {
        let blocks = pem_blocks(&InputFile { name, contents })?;
        let certificates: Vec<_> = blocks.iter().filter(|b| b.label.ends_with("CERTIFICATE") && !b.label.contains("REQUEST")).collect();
        let single = certificates.len() == 1;
        for block in certificates {
            self.add(&block.der, name, if single { role_from_path(name) } else { None })
                .map_err(|e| damaged(name, &format!("its certificate does not decode ({e})")))?;
        }
        Ok(())
    }

    /// Every certificate file of a ZIP (full-chain files only repeat the
    /// certificates that have their own), its key files and `devices.csv`.
    fn read_zip(&mut self, file: &InputFile<'a>) -> Result<()> {
        let name = file.name;
        let mut zip =
            zip::ZipArchive::new(Cursor::new(file.contents)).map_err(|e| damaged(name, &format!("it is not a readable ZIP ({e})")))?;
        let archive = self.archives.len();
        for index in 0..zip.len() {
            let entry = zip.by_index(index).map_err(|e| damaged(name, &format!("entry {index} can't be read ({e})")))?;
            let path = entry.name().map_err(|e| damaged(name, &format!("entry {index} has no readable name ({e})")))?.to_string();
            let lower = path.to_ascii_lowercase();
            let is_csv = lower == layout::DEVICES_CSV || lower.ends_with(&format!("/{}", layout::DEVICES_CSV));
            let is_key = lower.ends_with(".key.pem");
            let is_certificate =
                [".pem", ".crt", ".cer", ".der"].iter().any(|ext| lower.ends_with(ext)) && !lower.ends_with("-full-chain.cert.pem");
            if entry.is_dir() || !(is_csv || is_key || is_certificate) {
                continue;
            }
            let shown = format!("{name}{INSIDE}{path}");
            if is_key {
                self.zip_keys.insert(shown, (archive, index));
                continue;
            }
            let contents = read_entry(name, &path, entry, if is_csv { MAX_CSV_BYTES } else { MAX_ZIP_ENTRY_BYTES }, &self.budget)?;
            if is_csv {
                self.read_csv(&shown, &contents)?;
            } else if is_pem(&contents) {
                self.read_pem_certificates(&shown, &contents)?;
            } else if Certificate::from_der(&contents).is_ok() {
                self.add(&contents, &shown, role_from_path(&path)).map_err(|e| damaged(&shown, &e.to_string()))?;
            }
        }
        self.archives.push(zip);
        // The studio keeps `private/<stem>.key.pem` beside `certs/<stem>.cert.pem`.
        for held in &mut self.certificates {
            let Some((zip_name, path)) = held.file.split_once(INSIDE) else { continue };
            let Some(stem) = path.strip_prefix("certs/").and_then(|p| p.strip_suffix(".cert.pem")) else { continue };
            let key = format!("{zip_name}{INSIDE}{}", layout::key(stem));
            if held.key_file.is_none() && self.zip_keys.contains_key(&key) {
                held.key_file = Some(key);
            }
        }
        Ok(())
    }

    fn read_csv(&mut self, name: &str, contents: &[u8]) -> Result<()> {
        let text = std::str::from_utf8(contents).map_err(|_| damaged(name, "it is not UTF-8 text"))?;
        for (number, line) in text.lines().enumerate().skip(1).filter(|(_, l)| !l.trim().is_empty()) {
            let bad = || {
                StudioError::field(
                    "files",
                    format!("{name}, line {}: expected registrationId,thumbprintSha1,thumbprintSha256,notAfter.", number + 1),
                )
            };
            let fields = quote::csv_unquoted(line).ok_or_else(bad)?;
            let [id, sha1, _sha256, not_after] = &fields[..] else { return Err(bad()) };
            // A name for display only: nothing is named after a listed device that has no certificate.
            self.listed.push(ListedDevice {
                registration_id: visible(id.trim()),
                thumbprint_sha1: sha1.to_ascii_uppercase(),
                not_after_unix: rfc3339_unix(not_after).ok_or_else(bad)?,
                file: name.to_string(),
            });
        }
        Ok(())
    }

    /// Keys in loose files, matched to certificates by public key.
    fn find_loose_keys(&mut self) {
        for held in self.certificates.iter_mut().filter(|h| h.key_file.is_none()) {
            held.key_file = self.loose_keys.iter().find(|(key, _)| key_matches(key, &held.certificate)).map(|(_, file)| file.clone());
        }
    }

    /// The budget the reading spent from, for the files read after it in the same call.
    pub fn budget(&self) -> &ReadBudget {
        &self.budget
    }

    /// The device certificates to renew: those whose SHA-1 thumbprints are
    /// `chosen` (any case, colons or spaces allowed), or every device when
    /// none is. A chosen CA or a thumbprint not found is refused.
    pub fn devices(&self, chosen: &[String]) -> Result<Vec<&Held>> {
        if chosen.is_empty() {
            return Ok(self.certificates.iter().filter(|h| h.role == role::DEVICE).collect());
        }
        let by_thumbprint: HashMap<&str, &Held> = self.certificates.iter().map(|h| (h.thumbprint_sha1.as_str(), h)).collect();
        chosen
            .iter()
            .map(|wanted| {
                let clean: String = wanted.chars().filter(char::is_ascii_hexdigit).collect::<String>().to_ascii_uppercase();
                let held = *by_thumbprint.get(clean.as_str()).ok_or_else(|| {
                    StudioError::field("thumbprints", format!("No certificate among the files has the SHA-1 thumbprint {wanted}."))
                })?;
                if is_ca(&held.certificate) {
                    return Err(StudioError::field(
                        "thumbprints",
                        format!("{} is a CA ({}): renew it as a CA.", held.thumbprint_sha1, held.file),
                    ));
                }
                Ok(held)
            })
            .collect()
    }

    /// The private keys of `devices` found among the files: ZIP key files
    /// are read now (opened with `password` when encrypted).
    pub fn keys_of(&self, devices: &[&Held], password: Option<&str>) -> Result<Vec<PrivateKey>> {
        let mut keys = Vec::new();
        for file in devices.iter().filter_map(|d| d.key_file.as_deref()) {
            if let Some(&(archive, index)) = self.zip_keys.get(file) {
                let (zip_name, path) = file.split_once(INSIDE).unwrap_or((file, file));
                // A clone shares the directory read once; it only has its own position.
                let mut archive = self.archives[archive].clone();
                let entry = archive.by_index(index).map_err(|e| damaged(zip_name, &format!("{path} in it can't be read ({e})")))?;
                let contents = read_entry(zip_name, path, entry, MAX_ZIP_ENTRY_BYTES, &self.budget)?;
                keys.extend(
                    Material::read_within(&[InputFile { name: file, contents: &contents }], password, &self.budget)?
                        .keys
                        .into_iter()
                        .map(|k| k.item),
                );
            } else if let Some((key, _)) = self.loose_keys.iter().find(|(_, f)| f == file) {
                keys.push(key.clone());
            }
        }
        Ok(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_names_give_roles() {
        assert_eq!(role_from_path("studio.zip › certs/azure-iot-test-only.root.ca.cert.pem"), Some(role::ROOT));
        assert_eq!(role_from_path("certs/azure-iot-test-only.intermediate-2.cert.pem"), Some(role::INTERMEDIATE));
        assert_eq!(role_from_path("verification-code.cert.pem"), Some(role::VERIFICATION));
        assert_eq!(role_from_path("certs/iot-edge-device-identity-gw.cert.pem"), Some(role::EDGE_IDENTITY));
        assert_eq!(role_from_path("certs/device-01.cert.pem"), None);
    }

    #[test]
    fn csv_expiry_is_read() {
        assert_eq!(rfc3339_unix("2026-01-01T00:00:00Z"), Some(1_767_225_600));
        assert_eq!(rfc3339_unix("2026-01-01"), None);
    }
}
