//! Individual enrollment: a self-signed device certificate, as `002_*.txt`
//! makes it with `openssl req -x509 … -extensions usr_cert -addext
//! extendedKeyUsage=clientAuth`, optionally with a second one for the
//! enrollment's secondary certificate (same CN, its own key).

use crate::error::{Result, StudioError};
use crate::make::{ChainEntry, Product, keys_or_generate};
use crate::output::bundle::{Bundle, OutputFile};
use crate::output::layout::{self, CertificateRole, role};
use crate::output::pfx::{PfxOptions, PfxWriter};
use crate::output::snippets::{SnippetSettings, check_pfx_password_for_cmd, powershell_enrollment};
use crate::output::writers::{DeviceMaterial, KeyedCertificateFiles, Role, write_device_snippets};
use crate::rules::names::RegistrationId;
use crate::rules::validity::{ValidityBounds, check_validity_days};
use crate::x509::issue::{CertificateParams, Issued, issue_self_signed};
use crate::x509::key::{KeyAlgorithm, KeyEncoding, PrivateKey};
use crate::x509::profile::SELF_SIGNED_DEVICE;
use crate::x509::signing::Signing;

/// `openssl req -x509 -days 365` in `002_*.txt`.
pub const SELF_SIGNED_VALIDITY_DAYS: u32 = 365;

/// The individual-enrollment form. `Default` is `002_*.txt`'s: RSA 4096, 365 days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollmentSpec {
    pub key_algorithm: KeyAlgorithm,
    /// The certificate's CN, which DPS takes as the registration ID.
    pub registration_id: String,
    pub validity_days: u32,
    /// A start and an end other than now and `validity_days` later.
    pub validity_bounds: ValidityBounds,
    /// Make a second certificate for the enrollment's secondary slot.
    pub with_secondary: bool,
    pub device_key_encoding: KeyEncoding,
    pub pfx: PfxOptions,
    pub snippets: SnippetSettings,
}

impl Default for EnrollmentSpec {
    fn default() -> Self {
        Self {
            key_algorithm: KeyAlgorithm::Rsa4096,
            registration_id: "raspberrypi-b".into(),
            validity_days: SELF_SIGNED_VALIDITY_DAYS,
            validity_bounds: ValidityBounds::default(),
            with_secondary: false,
            device_key_encoding: KeyEncoding::Pkcs8,
            pfx: PfxOptions::default(),
            snippets: SnippetSettings::default(),
        }
    }
}

impl EnrollmentSpec {
    pub fn validate(&self) -> Result<()> {
        self.checked_registration_id()?;
        check_validity_days(self.validity_days)?;
        self.pfx.validate()?;
        check_pfx_password_for_cmd(&self.pfx.password)?;
        self.snippets.validate()
    }

    /// The registration ID, checked by DPS's rules.
    pub fn checked_registration_id(&self) -> Result<RegistrationId> {
        RegistrationId::parse("registrationId", &self.registration_id)
    }

    pub fn key_count(&self) -> usize {
        if self.with_secondary { 2 } else { 1 }
    }
}

/// Which of the enrollment's certificate slots a certificate fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Primary,
    Secondary,
}

impl Slot {
    /// Its role, whose id also names its files.
    pub fn role(self) -> CertificateRole {
        match self {
            Self::Primary => role::PRIMARY,
            Self::Secondary => role::SECONDARY,
        }
    }
}

pub struct SelfSignedDevice {
    pub slot: Slot,
    pub issued: Issued,
}

/// Self-signed device certificates for a DPS individual enrollment (a
/// primary and, when asked, a secondary).
pub struct IndividualEnrollment {
    pub spec: EnrollmentSpec,
    /// The primary, then the secondary if asked for.
    pub devices: Vec<SelfSignedDevice>,
}

impl IndividualEnrollment {
    pub fn generate(spec: EnrollmentSpec, now_unix: u64) -> Result<Self> {
        Self::build(spec, None, now_unix)
    }

    /// From keys made elsewhere (one, or two with a secondary) or, with `None`, fresh ones.
    pub fn build(spec: EnrollmentSpec, keys: Option<Vec<PrivateKey>>, now_unix: u64) -> Result<Self> {
        spec.validate()?;
        let keys = keys_or_generate("The enrollment", keys, &vec![spec.key_algorithm; spec.key_count()])?;
        let params =
            CertificateParams::new(&spec.registration_id, &SELF_SIGNED_DEVICE, spec.validity_bounds.window(now_unix, spec.validity_days)?);
        let devices = keys
            .into_iter()
            .zip([Slot::Primary, Slot::Secondary])
            .map(|(key, slot)| Ok(SelfSignedDevice { slot, issued: issue_self_signed(&params, key, &mut Signing::here())? }))
            .collect::<Result<Vec<_>>>()?;
        Ok(Self { spec, devices })
    }

    /// `<id>` alone, or `<id>-primary` / `<id>-secondary`.
    fn stem(&self, id: &RegistrationId, device: &SelfSignedDevice) -> String {
        let stem = id.stem();
        if self.spec.with_secondary { format!("{stem}-{}", device.slot.role()) } else { stem }
    }
}

impl Product for IndividualEnrollment {
    fn files(&self) -> Result<Vec<OutputFile>> {
        let mut bundle = Bundle::default();
        let spec = &self.spec;
        let id = &spec.checked_registration_id()?;
        let pfx = PfxWriter::new(&spec.pfx)?;
        for device in &self.devices {
            let stem = self.stem(id, device);
            let key_pem = device.issued.key.to_pem(spec.device_key_encoding, None)?;
            let what = format!("{} certificate of {id} (self-signed)", device.slot.role());
            let files = KeyedCertificateFiles {
                stem: &stem,
                issued: &device.issued,
                issuers: &[],
                key_pem: &key_pem,
                pfx_path: layout::cert_pfx(&stem),
                friendly_name: id.as_str(),
                role: Role {
                    what: &what,
                    certificate_use: "upload to DPS as the individual enrollment's certificate; give to the device too.",
                    key_use: "give to the device.",
                },
            };
            let written = files.write(&mut bundle, &pfx)?;
            let cert_path = layout::cert(&stem);
            write_device_snippets(
                &mut bundle,
                &spec.snippets,
                &spec.pfx.password,
                &DeviceMaterial {
                    registration_id: id,
                    stem: &stem,
                    chain_path: &cert_path,
                    chain_pem: &written.full_chain_pem,
                    key_path: &layout::key(&stem),
                    key_pem: &key_pem,
                    pfx_path: &files.pfx_path,
                },
            )?;
        }
        let cert_paths: Vec<String> = self.devices.iter().map(|d| layout::cert(&self.stem(id, d))).collect();
        let primary = cert_paths.first().ok_or_else(|| StudioError::general("The enrollment has no certificate."))?;
        bundle.text(
            layout::snippet(&id.stem(), layout::POWERSHELL_ENROLLMENT),
            &powershell_enrollment(&spec.snippets, id, primary, cert_paths.get(1).map(String::as_str)),
            format!("PowerShell: creates the individual enrollment for {id} with its certificate(s)."),
        )?;
        bundle.finish(&format!(
            "DPS individual enrollment \"{id}\": {} self-signed device certificate(s), as the Raspberry Pi tutorial makes them.",
            self.devices.len()
        ))
    }

    fn entries(&self) -> Result<Vec<ChainEntry>> {
        let id = self.spec.checked_registration_id()?;
        self.devices
            .iter()
            .map(|d| ChainEntry::new(d.slot.role(), &d.issued.certificate, &d.issued.key, layout::cert(&self.stem(&id, d))))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primary_and_secondary_share_the_cn_not_the_key() {
        let spec = EnrollmentSpec { key_algorithm: KeyAlgorithm::EcP256, with_secondary: true, ..EnrollmentSpec::default() };
        let enrollment = IndividualEnrollment::generate(spec, 1_764_000_000).unwrap();
        let entries = enrollment.entries().unwrap();
        assert_eq!(entries.iter().map(|e| e.role.as_str()).collect::<Vec<_>>(), ["primary", "secondary"]);
        assert_eq!(entries[0].common_name, entries[1].common_name);
        assert_ne!(entries[0].thumbprint_sha1, entries[1].thumbprint_sha1);
        assert_eq!(entries[0].certificate_path, "certs/raspberrypi-b-primary.cert.pem");
        assert!(IndividualEnrollment::build(enrollment.spec.clone(), Some(vec![]), 0).is_err());
    }

    #[test]
    fn bad_registration_id_names_its_field() {
        let spec = EnrollmentSpec { registration_id: "pi 4".into(), ..EnrollmentSpec::default() };
        assert_eq!(spec.validate().unwrap_err().field.as_deref(), Some("registrationId"));
    }
}
