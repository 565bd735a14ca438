//! Devices signed by a CA the studio did not make (an imported one): the
//! same devices, files and snippets as the tutorial chain's.

use crate::error::Result;
use crate::make::{ChainEntry, Device, Product, issue_device, keys_or_generate};
use crate::output::bundle::{Bundle, OutputFile};
use crate::output::layout::{self, role};
use crate::output::writers::{DeviceSettings, DeviceWriter};
use crate::rules::device_list::check_device_ids;
use crate::rules::validity::{TUTORIAL_VALIDITY_DAYS, ValidityBounds};
use crate::x509::issue::{Issuer, SignedBy};
use crate::x509::key::{KeyAlgorithm, PrivateKey};
use crate::x509::signing::Signing;

/// What to sign with a CA of someone else's (imported): the devices, their key type and
/// validity, and how their files are written (as the chain form says).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceSigningSpec {
    pub registration_ids: Vec<String>,
    /// `None`: the CA's own key type.
    pub key_algorithm: Option<KeyAlgorithm>,
    pub validity_days: u32,
    /// A start and an end other than now and `validity_days` later.
    pub validity_bounds: ValidityBounds,
    pub settings: DeviceSettings,
}

impl Default for DeviceSigningSpec {
    fn default() -> Self {
        Self {
            registration_ids: Vec::new(),
            key_algorithm: None,
            validity_days: TUTORIAL_VALIDITY_DAYS,
            validity_bounds: ValidityBounds::default(),
            settings: DeviceSettings::default(),
        }
    }
}

/// Devices signed by a CA the studio did not make, with its chain up to the root.
pub struct SignedDevices {
    pub ca_common_name: String,
    /// The CA certificates (DER) from the root down; the last signed the devices.
    pub ca_certificates: Vec<Vec<u8>>,
    pub settings: DeviceSettings,
    pub devices: Vec<Device>,
}

impl SignedDevices {
    /// New devices signed by `ca`, whose chain from the root down (DER) is
    /// `ca_certificates`, with fresh keys (or `keys`, one per device).
    pub fn issue(
        ca: &Issuer,
        ca_certificates: Vec<Vec<u8>>,
        spec: &DeviceSigningSpec,
        keys: Option<Vec<PrivateKey>>,
        now_unix: u64,
    ) -> Result<Self> {
        let ids = check_device_ids("devices", &spec.registration_ids)?;
        spec.settings.validate()?;
        let algorithm = spec.key_algorithm.unwrap_or_else(|| ca.key.algorithm());
        let keys = keys_or_generate("The devices", keys, &vec![algorithm; spec.registration_ids.len()])?;
        let validity = spec.validity_bounds.window(now_unix, spec.validity_days)?;
        let devices = ids
            .iter()
            .zip(keys)
            .map(|(id, key)| issue_device(SignedBy::Ca(ca), id, key, validity, &mut Signing::here()))
            .collect::<Result<_>>()?;
        Ok(Self { ca_common_name: ca.common_name(), ca_certificates, settings: spec.settings.clone(), devices })
    }
}

impl Product for SignedDevices {
    fn files(&self) -> Result<Vec<OutputFile>> {
        let mut bundle = Bundle::default();
        let writer = DeviceWriter::new(self.settings.clone(), self.ca_certificates.clone())?;
        for device in &self.devices {
            writer.write(&mut bundle, &device.registration_id, &device.issued)?;
        }
        bundle.finish(&format!("{} device(s) signed by the imported CA \"{}\".", self.devices.len(), self.ca_common_name))
    }

    fn entries(&self) -> Result<Vec<ChainEntry>> {
        self.devices
            .iter()
            .map(|d| ChainEntry::new(role::DEVICE, &d.issued.certificate, &d.issued.key, layout::cert(&d.registration_id.stem())))
            .collect()
    }
}
