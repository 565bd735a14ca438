//! The certificate lifecycle: devices renewed (same subject, the same key or
//! a new one) and a CA renewed with its own key, subject and SKI, so that
//! everything it issued before still verifies.

use std::collections::HashMap;

use der::Encode;
use serde::Serialize;
use x509_cert::Certificate;
use x509_cert::ext::pkix::BasicConstraints;

use crate::error::{Result, StudioError};
use crate::make::{ChainEntry, Product};
use crate::output::bundle::{Bundle, OutputFile};
use crate::output::layout::{self, role};
use crate::output::quote;
use crate::output::readme::{readme_entries, readme_header};
use crate::output::writers::{DeviceSettings, DeviceWriter, write_signed_request};
use crate::rules::names::RegistrationId;
use crate::rules::validity::{TUTORIAL_VALIDITY_DAYS, ValidityBounds};
use crate::x509::facts::{common_name_of, not_after_unix, subject_key_identifier, thumbprint_sha1};
use crate::x509::issue::{CertificateParams, Issued, Issuer, SignedBy, issue, issue_with_request};
use crate::x509::key::{KeyAlgorithm, PrivateKey};
use crate::x509::profile::{CertificateProfile, DEVICE, INTERMEDIATE_CA, ROOT_CA};
use crate::x509::signing::Signing;
use crate::x509::text::{iso_time, visible};

/// How devices are renewed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenewalSpec {
    /// The same key (certified again from the old certificate when no key
    /// file is given), or new keys of the same type (re-key).
    pub keep_keys: bool,
    pub validity_days: u32,
    pub validity_bounds: ValidityBounds,
    pub settings: DeviceSettings,
}

impl Default for RenewalSpec {
    fn default() -> Self {
        Self {
            keep_keys: true,
            validity_days: TUTORIAL_VALIDITY_DAYS,
            validity_bounds: ValidityBounds::default(),
            settings: DeviceSettings::default(),
        }
    }
}

/// A renewed device's new certificate, with its key when the studio has it.
pub enum Renewed {
    WithKey(Box<Issued>),
    /// The key stayed where it is (an HSM): only the certificate is new.
    KeyElsewhere(Box<Certificate>),
}

/// A device certificate to renew, and the file it came from (for messages).
pub struct OldCertificate<'a> {
    pub certificate: &'a Certificate,
    pub file: &'a str,
}

/// One renewed device, and what its old certificate was.
pub struct RenewedDevice {
    pub registration_id: RegistrationId,
    pub renewed: Renewed,
    pub same_key: bool,
    pub old_thumbprint_sha1: String,
    pub old_not_after_unix: u64,
}

impl Renewed {
    pub fn certificate(&self) -> &Certificate {
        match self {
            Self::WithKey(issued) => &issued.certificate,
            Self::KeyElsewhere(certificate) => certificate,
        }
    }

    fn key_algorithm(&self) -> Result<KeyAlgorithm> {
        match self {
            Self::WithKey(issued) => Ok(issued.key.algorithm()),
            Self::KeyElsewhere(certificate) => KeyAlgorithm::from_public_key(certificate.tbs_certificate().subject_public_key_info()),
        }
    }
}

/// Devices renewed under one CA.
pub struct RenewedDevices {
    pub ca_common_name: String,
    /// The CA certificates (DER) from the root down; the last signs the devices.
    pub ca_certificates: Vec<Vec<u8>>,
    pub settings: DeviceSettings,
    pub devices: Vec<RenewedDevice>,
}

impl RenewedDevices {
    /// Renews each of `old` (device certificates, any issuer) under `ca`.
    /// `keys`: private keys the user gave, matched to certificates by public
    /// key. Every certificate's CN is checked as a registration ID first: one
    /// that breaks DPS's rules is refused before anything is made.
    pub fn renew(
        ca: &Issuer,
        ca_certificates: Vec<Vec<u8>>,
        old: &[OldCertificate<'_>],
        keys: Vec<PrivateKey>,
        spec: &RenewalSpec,
        now_unix: u64,
    ) -> Result<Self> {
        if old.is_empty() {
            return Err(StudioError::field("certificates", "Add the device certificates to renew (PEM, DER, a PFX or a studio ZIP)."));
        }
        spec.settings.validate()?;
        let ids = old
            .iter()
            .map(|o| RegistrationId::from_certificate("certificates", o.file, common_name_of(o.certificate).as_deref()))
            .collect::<Result<Vec<_>>>()?;
        let validity = spec.validity_bounds.window(now_unix, spec.validity_days)?;
        // The keys by public key, derived once each (10,000 devices: a search per device was quadratic).
        let mut keys: HashMap<Vec<u8>, PrivateKey> = keys.into_iter().filter_map(|k| Some((k.public_key_der().ok()?, k))).collect();
        let signing = &mut Signing::here();
        let mut devices = Vec::new();
        for (OldCertificate { certificate, .. }, registration_id) in old.iter().zip(ids) {
            let tbs = certificate.tbs_certificate();
            let old_key = tbs.subject_public_key_info();
            let given = old_key.to_der().ok().and_then(|der| keys.remove(&der));
            let key = match (spec.keep_keys, given) {
                (true, key) => key,
                (false, _) => Some(PrivateKey::generate(KeyAlgorithm::from_public_key(old_key)?)?),
            };
            let params =
                CertificateParams { subject: Some(tbs.subject()), ..CertificateParams::new(registration_id.as_str(), &DEVICE, validity) };
            let renewed = match key {
                Some(key) => Renewed::WithKey(Box::new(issue_with_request(&params, key, SignedBy::Ca(ca), signing)?)),
                None => Renewed::KeyElsewhere(Box::new(issue(&params, old_key, SignedBy::Ca(ca), signing)?)),
            };
            devices.push(RenewedDevice {
                same_key: renewed.certificate().tbs_certificate().subject_public_key_info() == old_key,
                old_thumbprint_sha1: thumbprint_sha1(certificate)?,
                old_not_after_unix: not_after_unix(certificate),
                registration_id,
                renewed,
            });
        }
        Ok(Self { ca_common_name: ca.common_name(), ca_certificates, settings: spec.settings.clone(), devices })
    }

    /// What changed for each device, as the page and `renewed.csv` show it.
    pub fn rows(&self) -> Result<Vec<RenewalRow>> {
        self.devices
            .iter()
            .map(|d| {
                Ok(RenewalRow {
                    registration_id: d.registration_id.to_string(),
                    old_thumbprint_sha1: d.old_thumbprint_sha1.clone(),
                    new_thumbprint_sha1: thumbprint_sha1(d.renewed.certificate())?,
                    old_not_after: iso_time(d.old_not_after_unix),
                    new_not_after: iso_time(not_after_unix(d.renewed.certificate())),
                    same_key: d.same_key,
                })
            })
            .collect()
    }

    /// `renewed.csv`'s rows for these devices (its header is [`RENEWED_CSV_HEADER`]).
    pub fn csv_rows(&self) -> Result<String> {
        let mut csv = String::new();
        for r in self.rows()? {
            csv.push_str(&quote::csv_row(&[
                r.registration_id,
                r.old_thumbprint_sha1,
                r.new_thumbprint_sha1,
                r.old_not_after,
                r.new_not_after,
                r.same_key.to_string(),
            ]));
        }
        Ok(csv)
    }

    /// Every renewed device's files, without `renewed.csv` and README.txt:
    /// what a chunk of a renewal split across workers gives back.
    pub fn device_files(&self) -> Result<Vec<OutputFile>> {
        let mut bundle = Bundle::default();
        let writer = DeviceWriter::new(self.settings.clone(), self.ca_certificates.clone())?;
        for d in &self.devices {
            match &d.renewed {
                Renewed::WithKey(issued) => {
                    writer.write(&mut bundle, &d.registration_id, issued)?;
                }
                Renewed::KeyElsewhere(certificate) => {
                    let what = format!("Renewed certificate of {} (the same key, kept where it is)", d.registration_id);
                    write_signed_request(&mut bundle, &d.registration_id.stem(), certificate, &self.ca_certificates, &what)?;
                }
            }
        }
        Ok(bundle.into_files())
    }
}

/// `renewed.csv`'s first line.
pub fn renewed_csv_header() -> String {
    quote::csv_row(&["registrationId", "oldThumbprintSha1", "newThumbprintSha1", "oldNotAfter", "newNotAfter", "sameKey"])
}

const RENEWED_CSV_DESCRIPTION: &str =
    "Each renewed device: its old and new SHA-1 thumbprints and expiry. An individual enrollment pins the thumbprint: update it.";

/// What a renewal made in chunks needs around them, the same as one made at
/// once: `renewed.csv`'s header, README.txt's opening (`renewed` devices under
/// `ca_common_name`) and its last entry (`renewed.csv`); the chunks' README
/// entries go between those two, in order.
pub struct RenewalSummary {
    pub csv_header: String,
    pub readme_header: String,
    pub readme_tail: String,
}

impl RenewalSummary {
    pub fn new(ca_common_name: &str, renewed: usize) -> Result<Self> {
        let csv = OutputFile {
            path: layout::RENEWED_CSV.into(),
            contents: Vec::new(),
            description: RENEWED_CSV_DESCRIPTION.into(),
            secret: false,
        };
        Ok(Self {
            csv_header: renewed_csv_header(),
            readme_header: readme_header(&renewal_title(ca_common_name, renewed)),
            readme_tail: readme_entries(std::slice::from_ref(&csv))?,
        })
    }
}

fn renewal_title(ca_common_name: &str, renewed: usize) -> String {
    format!("{renewed} device(s) renewed under \"{ca_common_name}\".")
}

/// One renewed device: its old and new thumbprints and expiry, and whether the key stayed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RenewalRow {
    pub registration_id: String,
    pub old_thumbprint_sha1: String,
    pub new_thumbprint_sha1: String,
    pub old_not_after: String,
    pub new_not_after: String,
    pub same_key: bool,
}

impl Product for RenewedDevices {
    fn files(&self) -> Result<Vec<OutputFile>> {
        let mut bundle = Bundle::default();
        for file in self.device_files()? {
            bundle.push_file(file)?;
        }
        bundle.text(layout::RENEWED_CSV.into(), &(renewed_csv_header() + &self.csv_rows()?), RENEWED_CSV_DESCRIPTION.into())?;
        bundle.finish(&renewal_title(&self.ca_common_name, self.devices.len()))
    }

    fn entries(&self) -> Result<Vec<ChainEntry>> {
        self.devices
            .iter()
            .map(|d| {
                let path = layout::cert(&d.registration_id.stem());
                ChainEntry::for_algorithm(role::DEVICE, d.renewed.certificate(), d.renewed.key_algorithm()?, path)
            })
            .collect()
    }
}

/// A CA certificate renewed: the same key, subject and SKI (so everything it
/// issued still verifies), signed by itself (a root) or by `parent`.
pub struct RenewedCa {
    pub issuer: Issuer,
    /// The parent's certificates (DER) from the root down; empty for a root.
    pub parent_certificates: Vec<Vec<u8>>,
}

impl RenewedCa {
    /// `root`: the CA is self-signed (checked over its certificate as read, which only the caller holds).
    pub fn renew(
        ca: &Issuer,
        root: bool,
        parent: Option<(&Issuer, Vec<Vec<u8>>)>,
        validity_days: u32,
        bounds: &ValidityBounds,
        now_unix: u64,
    ) -> Result<Self> {
        let old = &ca.certificate;
        if root == parent.is_some() {
            return Err(StudioError::field(
                "parentCaId",
                if root {
                    "A root renews itself: give no parent CA."
                } else {
                    "An intermediate is renewed by its parent: import the CA above it and choose it."
                },
            ));
        }
        let path_len = old.tbs_certificate().get_extension::<BasicConstraints>().ok().flatten().and_then(|(_, b)| b.path_len_constraint);
        let profile = CertificateProfile { path_len, ..if root { ROOT_CA } else { INTERMEDIATE_CA } };
        let subject_key_id = subject_key_identifier(old);
        let common_name = ca.common_name();
        let params = CertificateParams {
            subject: Some(old.tbs_certificate().subject()),
            subject_key_id: subject_key_id.as_deref(),
            ..CertificateParams::new(&common_name, &profile, bounds.window(now_unix, validity_days)?)
        };
        let key = ca.key.clone();
        let signer = match &parent {
            Some((parent, _)) => SignedBy::Ca(parent),
            None => SignedBy::Itself(&ca.key),
        };
        let certificate = issue(&params, old.tbs_certificate().subject_public_key_info(), signer, &mut Signing::here())?;
        Ok(Self { issuer: Issuer { certificate, key }, parent_certificates: parent.map(|(_, chain)| chain).unwrap_or_default() })
    }
}

impl Product for RenewedCa {
    fn files(&self) -> Result<Vec<OutputFile>> {
        let mut bundle = Bundle::default();
        let stem = layout::file_stem(&self.issuer.common_name());
        let what = format!(
            "CA \"{}\" renewed: the same key, subject and SKI. Replace the certificate uploaded to DPS or IoT Hub (Certificates) with this one and verify it again (proof of possession); devices issued before still verify",
            visible(&self.issuer.common_name())
        );
        write_signed_request(&mut bundle, &stem, &self.issuer.certificate, &self.parent_certificates, &what)?;
        bundle.finish(&format!(
            "CA \"{}\" renewed until {}. Upload it in place of the old one, then make a verification certificate with the portal's new code.",
            visible(&self.issuer.common_name()),
            iso_time(not_after_unix(&self.issuer.certificate))
        ))
    }

    fn entries(&self) -> Result<Vec<ChainEntry>> {
        let role = if self.parent_certificates.is_empty() { role::ROOT } else { role::INTERMEDIATE };
        let path = layout::cert(&layout::file_stem(&self.issuer.common_name()));
        Ok(vec![ChainEntry::new(role, &self.issuer.certificate, &self.issuer.key, path)?])
    }
}
