//! Individual enrollment: a self-signed device certificate, as `002_*.txt`
//! makes it with `openssl req -x509 … -extensions usr_cert -addext
//! extendedKeyUsage=clientAuth`, optionally with a second one for the
//! enrollment's secondary certificate (same CN, its own key).

use x509_cert::Certificate;

use crate::archive::OutputFile;
use crate::bundle::{Bundle, DeviceMaterial, device_snippets};
use crate::certificate::{self, CertificateParams, SignedBy, ValidityWindow, certificate_pem};
use crate::chain::{ChainEntry, MAX_VALIDITY_DAYS, chain_entry};
use crate::error::{Result, StudioError};
use crate::key::{KeyAlgorithm, KeyEncoding, PrivateKey};
use crate::layout;
use crate::names::check_registration_id;
use crate::pfx::{PfxOptions, PfxWriter};
use crate::profile::SELF_SIGNED_DEVICE;
use crate::snippets::{SnippetSettings, powershell_enrollment};

/// The individual-enrollment form. `Default` is `002_*.txt`'s: RSA 4096, 365 days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollmentSpec {
    pub key_algorithm: KeyAlgorithm,
    /// The certificate's CN, which DPS takes as the registration ID.
    pub registration_id: String,
    pub validity_days: u32,
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
            validity_days: 365,
            with_secondary: false,
            device_key_encoding: KeyEncoding::Pkcs8,
            pfx: PfxOptions::default(),
            snippets: SnippetSettings::default(),
        }
    }
}

impl EnrollmentSpec {
    pub fn validate(&self) -> Result<()> {
        check_registration_id("registrationId", &self.registration_id)?;
        if !(1..=MAX_VALIDITY_DAYS).contains(&self.validity_days) {
            return Err(StudioError::field(
                "validityDays",
                format!("Validity must be a whole number of days from 1 to {MAX_VALIDITY_DAYS}."),
            ));
        }
        self.pfx.validate()?;
        self.snippets.validate()
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
    pub fn id(self) -> &'static str {
        match self {
            Self::Primary => "primary",
            Self::Secondary => "secondary",
        }
    }
}

pub struct SelfSignedDevice {
    pub slot: Slot,
    pub certificate: Certificate,
    pub key: PrivateKey,
}

pub struct IndividualEnrollment {
    pub spec: EnrollmentSpec,
    /// The primary, then the secondary if asked for.
    pub devices: Vec<SelfSignedDevice>,
}

impl IndividualEnrollment {
    pub fn generate(spec: EnrollmentSpec, now_unix: u64) -> Result<Self> {
        spec.validate()?;
        let keys = (0..spec.key_count()).map(|_| PrivateKey::generate(spec.key_algorithm)).collect::<Result<Vec<_>>>()?;
        Self::build(spec, keys, now_unix)
    }

    /// From keys made elsewhere: one, or two with a secondary.
    pub fn build(spec: EnrollmentSpec, keys: Vec<PrivateKey>, now_unix: u64) -> Result<Self> {
        spec.validate()?;
        crate::key::check_supplied_keys("The enrollment", &keys, &vec![spec.key_algorithm; spec.key_count()])?;
        let params = CertificateParams {
            common_name: &spec.registration_id,
            profile: &SELF_SIGNED_DEVICE,
            validity: ValidityWindow { not_before_unix: now_unix, days: spec.validity_days },
            dns_names: &[],
        };
        let devices = keys
            .into_iter()
            .zip([Slot::Primary, Slot::Secondary])
            .map(|(key, slot)| {
                let certificate = certificate::issue(&params, &key.public_key_info()?, SignedBy::Itself(&key))?;
                Ok(SelfSignedDevice { slot, certificate, key })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self { spec, devices })
    }

    /// `<id>` alone, or `<id>-primary` / `<id>-secondary`.
    fn stem(&self, device: &SelfSignedDevice) -> String {
        let stem = layout::device_stem(&self.spec.registration_id);
        if self.spec.with_secondary { format!("{stem}-{}", device.slot.id()) } else { stem }
    }

    pub fn files(&self) -> Result<Vec<OutputFile>> {
        let mut bundle = Bundle::default();
        let spec = &self.spec;
        let id = &spec.registration_id;
        let pfx = PfxWriter::new(&spec.pfx)?;
        for device in &self.devices {
            let stem = self.stem(device);
            let slot = device.slot.id();
            let cert_path = layout::cert(&stem);
            let key_path = layout::key(&stem);
            let pfx_path = layout::cert_pfx(&stem);
            let cert_pem = certificate_pem(&device.certificate)?;
            let key_pem = device.key.to_pem(spec.device_key_encoding, None)?;
            bundle.text(
                cert_path.clone(),
                &cert_pem,
                format!("Self-signed certificate of {id}: upload to DPS as the individual enrollment's {slot} certificate; give to the device too."),
            );
            bundle.der_certificate(layout::der_cert(&stem), &device.certificate, format!("The {slot} certificate as DER, for Windows or the portal."))?;
            bundle.secret(key_path.clone(), key_pem.as_bytes().to_vec(), format!("Private key of the {slot} certificate (unencrypted, as the samples need): give to the device."));
            bundle.secret(
                pfx_path.clone(),
                pfx.write(&device.key, &[&device.certificate], id)?,
                format!("Key and {slot} certificate ({} PFX, friendly name {id}): give to the device (C# sample, Windows store).", spec.pfx.profile.id()),
            );
            device_snippets(
                &mut bundle,
                &spec.snippets,
                &spec.pfx.password,
                &DeviceMaterial {
                    registration_id: id,
                    stem: &stem,
                    chain_path: &cert_path,
                    chain_pem: &cert_pem,
                    key_path: &key_path,
                    key_pem: &key_pem,
                    pfx_path: &pfx_path,
                },
            );
        }
        let cert_paths: Vec<String> = self.devices.iter().map(|d| layout::cert(&self.stem(d))).collect();
        let primary = cert_paths.first().ok_or_else(|| StudioError::general("The enrollment has no certificate."))?;
        bundle.text(
            layout::snippet(&layout::device_stem(id), "Add-AzIoTDeviceProvisioningServiceEnrollment.ps1"),
            &powershell_enrollment(&spec.snippets, id, primary, cert_paths.get(1).map(String::as_str)),
            format!("PowerShell: creates the individual enrollment for {id} with its certificate(s)."),
        );
        bundle.finish(&format!(
            "DPS individual enrollment \"{id}\": {} self-signed device certificate(s), as the Raspberry Pi tutorial makes them.",
            self.devices.len()
        ))
    }

    pub fn entries(&self) -> Result<Vec<ChainEntry>> {
        self.devices
            .iter()
            .map(|d| chain_entry(d.slot.id(), &d.certificate, &d.key, layout::cert(&self.stem(d))))
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
        assert_eq!(entries.iter().map(|e| e.role).collect::<Vec<_>>(), ["primary", "secondary"]);
        assert_eq!(entries[0].common_name, entries[1].common_name);
        assert_ne!(entries[0].thumbprint_sha1, entries[1].thumbprint_sha1);
        assert_eq!(entries[0].certificate_path, "certs/raspberrypi-b-primary.cert.pem");
        assert!(IndividualEnrollment::build(enrollment.spec.clone(), vec![], 0).is_err());
    }

    #[test]
    fn bad_registration_id_names_its_field() {
        let spec = EnrollmentSpec { registration_id: "pi 4".into(), ..EnrollmentSpec::default() };
        assert_eq!(spec.validate().unwrap_err().field.as_deref(), Some("registrationId"));
    }
}
