//! The forms as the page and the JS API send them (camelCase, every field
//! optional): a missing field takes the tutorial's value from the product's
//! `Default`, and a bad one is refused naming its field.

use serde::Deserialize;

use crate::error::Result;
use crate::make::chain::ChainSpec;
use crate::make::device_registry::{DeviceRegistryCsrSpec, DeviceRegistryRootSpec};
use crate::make::edge::EdgeSpec;
use crate::make::enrollment::EnrollmentSpec;
use crate::make::event_grid::EventGridSpec;
use crate::make::iot_operations::IotOperationsSpec;
use crate::make::renewal::RenewalSpec;
use crate::make::signed_devices::DeviceSigningSpec;
use crate::output::pfx::{PfxOptions, PfxProfile};
use crate::output::snippets::SnippetSettings;
use crate::output::writers::DeviceSettings;
use crate::rules::event_grid::ValidationScheme;
use crate::rules::validity::ValidityBounds;
use crate::x509::key::{KeyAlgorithm, KeyEncoding};

fn key_algorithm(field: &str, id: Option<String>, default: KeyAlgorithm) -> Result<KeyAlgorithm> {
    id.map_or(Ok(default), |id| KeyAlgorithm::parse(field, &id))
}

/// A text field: empty or blank is not filled in.
fn filled(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// The fields every form that makes devices shares: key format, PFX, sample
/// settings, and a start and end other than now and a number of days later.
/// (One flattened struct rather than two: each flatten costs the page's wasm.)
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DeviceSettingsForm {
    not_before_ms: Option<f64>,
    not_after_ms: Option<f64>,
    key_format: Option<String>,
    pfx_profile: Option<String>,
    pfx_password: Option<String>,
    id_scope: Option<String>,
    hub_name: Option<String>,
    folder: Option<String>,
    dps_name: Option<String>,
    resource_group: Option<String>,
}

impl DeviceSettingsForm {
    pub fn validity_bounds(&self) -> ValidityBounds {
        ValidityBoundsForm { not_before_ms: self.not_before_ms, not_after_ms: self.not_after_ms }.into_bounds()
    }

    /// The sample settings alone (no choice in them can be refused).
    pub fn snippet_settings(&self) -> SnippetSettings {
        SnippetSettings {
            id_scope: filled(self.id_scope.clone()),
            hub_name: filled(self.hub_name.clone()),
            folder: filled(self.folder.clone()),
            dps_name: filled(self.dps_name.clone()),
            resource_group: filled(self.resource_group.clone()),
        }
    }

    pub fn into_settings(self) -> Result<DeviceSettings> {
        let default = DeviceSettings::default();
        let snippets = self.snippet_settings();
        Ok(DeviceSettings {
            key_encoding: self.key_format.map_or(Ok(default.key_encoding), |id| KeyEncoding::parse("keyFormat", &id))?,
            pfx: PfxOptions {
                profile: self.pfx_profile.map_or(Ok(default.pfx.profile), |id| PfxProfile::parse("pfxProfile", &id))?,
                password: self.pfx_password.unwrap_or(default.pfx.password),
            },
            snippets,
        })
    }
}

/// A start and an end other than now and a number of days later, in
/// milliseconds since 1970 as JavaScript counts them.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ValidityBoundsForm {
    not_before_ms: Option<f64>,
    not_after_ms: Option<f64>,
}

impl ValidityBoundsForm {
    pub fn into_bounds(self) -> ValidityBounds {
        let seconds = |ms: f64| (ms / 1000.0).floor().max(0.0) as u64;
        ValidityBounds { starts_unix: self.not_before_ms.map(seconds), ends_unix: self.not_after_ms.map(seconds) }
    }
}

/// The chain form (also a batch's).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ChainForm {
    key_algorithm: Option<String>,
    root_cn: Option<String>,
    intermediate_cns: Option<Vec<String>>,
    devices: Option<Vec<String>>,
    validity_days: Option<u32>,
    /// Empty: the CA keys are written unencrypted.
    ca_key_password: Option<String>,
    #[serde(flatten)]
    device_files: DeviceSettingsForm,
}

impl ChainForm {
    /// The spec, not yet checked (a batch checks its device list on its own).
    pub fn into_spec(self) -> Result<ChainSpec> {
        let validity_bounds = self.device_files.validity_bounds();
        let default = ChainSpec::default();
        let settings = self.device_files.into_settings()?;
        Ok(ChainSpec {
            key_algorithm: key_algorithm("keyAlgorithm", self.key_algorithm, default.key_algorithm)?,
            root_common_name: self.root_cn.unwrap_or(default.root_common_name),
            intermediate_common_names: self.intermediate_cns.unwrap_or(default.intermediate_common_names),
            devices: self.devices.unwrap_or(default.devices),
            validity_days: self.validity_days.unwrap_or(default.validity_days),
            validity_bounds,
            ca_key_password: self.ca_key_password.or(default.ca_key_password),
            device_key_encoding: settings.key_encoding,
            pfx: settings.pfx,
            snippets: settings.snippets,
        })
    }
}

/// The IoT Edge form.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EdgeForm {
    ca_key_algorithm: Option<String>,
    leaf_key_algorithm: Option<String>,
    root_cn: Option<String>,
    intermediate_cn: Option<String>,
    device_name: Option<String>,
    dns_names: Option<Vec<String>>,
    validity_days: Option<u32>,
    iot_edge11: Option<bool>,
    ca_key_password: Option<String>,
    #[serde(flatten)]
    device_files: DeviceSettingsForm,
}

impl EdgeForm {
    pub fn into_spec(self) -> Result<EdgeSpec> {
        let validity_bounds = self.device_files.validity_bounds();
        let default = EdgeSpec::default();
        let settings = self.device_files.into_settings()?;
        let dns_names = self.dns_names.map(|names| names.iter().map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).collect());
        Ok(EdgeSpec {
            ca_key_algorithm: key_algorithm("caKeyAlgorithm", self.ca_key_algorithm, default.ca_key_algorithm)?,
            leaf_key_algorithm: key_algorithm("leafKeyAlgorithm", self.leaf_key_algorithm, default.leaf_key_algorithm)?,
            root_common_name: self.root_cn.unwrap_or(default.root_common_name),
            intermediate_common_name: self.intermediate_cn.unwrap_or(default.intermediate_common_name),
            device_name: self.device_name.unwrap_or(default.device_name),
            server_dns_names: dns_names.unwrap_or(default.server_dns_names),
            validity_days: self.validity_days.unwrap_or(default.validity_days),
            validity_bounds,
            iot_edge_1_1: self.iot_edge11.unwrap_or(default.iot_edge_1_1),
            ca_key_password: self.ca_key_password.or(default.ca_key_password),
            pfx: settings.pfx,
            snippets: settings.snippets,
        })
    }
}

/// The individual-enrollment form.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EnrollmentForm {
    key_algorithm: Option<String>,
    registration_id: Option<String>,
    validity_days: Option<u32>,
    with_secondary: Option<bool>,
    #[serde(flatten)]
    device_files: DeviceSettingsForm,
}

impl EnrollmentForm {
    pub fn into_spec(self) -> Result<EnrollmentSpec> {
        let validity_bounds = self.device_files.validity_bounds();
        let default = EnrollmentSpec::default();
        let settings = self.device_files.into_settings()?;
        Ok(EnrollmentSpec {
            key_algorithm: key_algorithm("keyAlgorithm", self.key_algorithm, default.key_algorithm)?,
            registration_id: self.registration_id.unwrap_or(default.registration_id),
            validity_days: self.validity_days.unwrap_or(default.validity_days),
            validity_bounds,
            with_secondary: self.with_secondary.unwrap_or(default.with_secondary),
            device_key_encoding: settings.key_encoding,
            pfx: settings.pfx,
            snippets: settings.snippets,
        })
    }
}

/// Devices to sign with an imported CA, with the chain form's settings.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DeviceSigningForm {
    devices: Vec<String>,
    key_algorithm: Option<String>,
    validity_days: Option<u32>,
    #[serde(flatten)]
    device_files: DeviceSettingsForm,
}

impl DeviceSigningForm {
    pub fn into_spec(self) -> Result<DeviceSigningSpec> {
        let validity_bounds = self.device_files.validity_bounds();
        let default = DeviceSigningSpec::default();
        Ok(DeviceSigningSpec {
            registration_ids: self.devices,
            key_algorithm: self.key_algorithm.map(|id| KeyAlgorithm::parse("keyAlgorithm", &id)).transpose()?,
            validity_days: self.validity_days.unwrap_or(default.validity_days),
            validity_bounds,
            settings: self.device_files.into_settings()?,
        })
    }
}

/// Renewing devices: keep the keys or make new ones, a validity, and how
/// the files are written.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RenewalForm {
    keep_keys: Option<bool>,
    validity_days: Option<u32>,
    #[serde(flatten)]
    device_files: DeviceSettingsForm,
}

impl RenewalForm {
    pub fn into_spec(self) -> Result<RenewalSpec> {
        let validity_bounds = self.device_files.validity_bounds();
        let default = RenewalSpec::default();
        Ok(RenewalSpec {
            keep_keys: self.keep_keys.unwrap_or(default.keep_keys),
            validity_days: self.validity_days.unwrap_or(default.validity_days),
            validity_bounds,
            settings: self.device_files.into_settings()?,
        })
    }
}

/// The Azure Device Registry root form.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DeviceRegistryRootForm {
    key_algorithm: Option<String>,
    root_cn: Option<String>,
    validity_days: Option<u32>,
    #[serde(flatten)]
    validity_bounds: ValidityBoundsForm,
    ca_key_password: Option<String>,
    policy_name: Option<String>,
}

impl DeviceRegistryRootForm {
    pub fn into_spec(self) -> Result<DeviceRegistryRootSpec> {
        let default = DeviceRegistryRootSpec::default();
        Ok(DeviceRegistryRootSpec {
            key_algorithm: key_algorithm("keyAlgorithm", self.key_algorithm, default.key_algorithm)?,
            common_name: self.root_cn.unwrap_or(default.common_name),
            validity_days: self.validity_days.unwrap_or(default.validity_days),
            validity_bounds: self.validity_bounds.into_bounds(),
            ca_key_password: self.ca_key_password.or(default.ca_key_password),
            policy_name: self.policy_name.unwrap_or(default.policy_name),
        })
    }
}

/// Azure Device Registry's device keys and CSRs.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DeviceRegistryCsrForm {
    devices: Option<Vec<String>>,
    policy_name: Option<String>,
    enrollment_id: Option<String>,
}

impl DeviceRegistryCsrForm {
    pub fn into_spec(self) -> DeviceRegistryCsrSpec {
        let default = DeviceRegistryCsrSpec::default();
        DeviceRegistryCsrSpec {
            registration_ids: self.devices.unwrap_or(default.registration_ids),
            policy_name: self.policy_name.unwrap_or(default.policy_name),
            enrollment_id: self.enrollment_id.unwrap_or(default.enrollment_id),
        }
    }
}

/// The IoT Operations MQTT broker's clients.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IotOperationsForm {
    key_algorithm: Option<String>,
    root_cn: Option<String>,
    intermediate_cn: Option<String>,
    clients: Option<Vec<String>>,
    manufacturer: Option<String>,
    config_map: Option<String>,
    authentication_name: Option<String>,
    validity_days: Option<u32>,
    #[serde(flatten)]
    validity_bounds: ValidityBoundsForm,
    ca_key_password: Option<String>,
}

impl IotOperationsForm {
    pub fn into_spec(self) -> Result<IotOperationsSpec> {
        let default = IotOperationsSpec::default();
        Ok(IotOperationsSpec {
            key_algorithm: key_algorithm("keyAlgorithm", self.key_algorithm, default.key_algorithm)?,
            root_common_name: self.root_cn.unwrap_or(default.root_common_name),
            intermediate_common_name: self.intermediate_cn.unwrap_or(default.intermediate_common_name),
            clients: self.clients.unwrap_or(default.clients),
            manufacturer: self.manufacturer.unwrap_or(default.manufacturer),
            config_map: self.config_map.unwrap_or(default.config_map),
            authentication_name: self.authentication_name.unwrap_or(default.authentication_name),
            validity_days: self.validity_days.unwrap_or(default.validity_days),
            validity_bounds: self.validity_bounds.into_bounds(),
            ca_key_password: self.ca_key_password.or(default.ca_key_password),
        })
    }
}

/// The Event Grid form.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EventGridForm {
    key_algorithm: Option<String>,
    validation: Option<String>,
    clients: Option<Vec<String>>,
    root_cn: Option<String>,
    intermediate_cn: Option<String>,
    ca_certificate_name: Option<String>,
    validity_days: Option<u32>,
    not_before_ms: Option<f64>,
    not_after_ms: Option<f64>,
    ca_key_password: Option<String>,
    pfx_profile: Option<String>,
    pfx_password: Option<String>,
    namespace: Option<String>,
    resource_group: Option<String>,
    mqtt_hostname: Option<String>,
}

impl EventGridForm {
    pub fn into_spec(self) -> Result<EventGridSpec> {
        let default = EventGridSpec::default();
        Ok(EventGridSpec {
            key_algorithm: key_algorithm("keyAlgorithm", self.key_algorithm, default.key_algorithm)?,
            validation: self.validation.map_or(Ok(default.validation), |id| ValidationScheme::parse("validation", &id))?,
            clients: self.clients.unwrap_or(default.clients),
            root_common_name: self.root_cn.unwrap_or(default.root_common_name),
            intermediate_common_name: self.intermediate_cn.unwrap_or(default.intermediate_common_name),
            ca_certificate_name: self.ca_certificate_name.unwrap_or(default.ca_certificate_name),
            validity_days: self.validity_days.unwrap_or(default.validity_days),
            validity_bounds: ValidityBoundsForm { not_before_ms: self.not_before_ms, not_after_ms: self.not_after_ms }.into_bounds(),
            ca_key_password: self.ca_key_password.or(default.ca_key_password),
            pfx: PfxOptions {
                profile: self.pfx_profile.map_or(Ok(default.pfx.profile), |id| PfxProfile::parse("pfxProfile", &id))?,
                password: self.pfx_password.unwrap_or(default.pfx.password),
            },
            namespace: filled(self.namespace),
            resource_group: filled(self.resource_group),
            mqtt_hostname: filled(self.mqtt_hostname),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_forms_are_the_tutorials_defaults() {
        assert_eq!(ChainForm::default().into_spec().unwrap(), ChainSpec::default());
        assert_eq!(EdgeForm::default().into_spec().unwrap(), EdgeSpec::default());
        assert_eq!(EnrollmentForm::default().into_spec().unwrap(), EnrollmentSpec::default());
        assert_eq!(DeviceSigningForm::default().into_spec().unwrap(), DeviceSigningSpec::default());
        assert_eq!(RenewalForm::default().into_spec().unwrap(), RenewalSpec::default());
        assert_eq!(DeviceRegistryRootForm::default().into_spec().unwrap(), DeviceRegistryRootSpec::default());
        assert_eq!(DeviceRegistryCsrForm::default().into_spec(), DeviceRegistryCsrSpec::default());
        assert_eq!(IotOperationsForm::default().into_spec().unwrap(), IotOperationsSpec::default());
        assert_eq!(EventGridForm::default().into_spec().unwrap(), EventGridSpec::default());
    }

    #[test]
    fn bad_choices_name_their_field() {
        let form = ChainForm { key_algorithm: Some("rsa-1024".into()), ..ChainForm::default() };
        assert_eq!(form.into_spec().unwrap_err().field.as_deref(), Some("keyAlgorithm"));
        let form =
            EdgeForm { device_files: DeviceSettingsForm { pfx_profile: Some("rc2".into()), ..Default::default() }, ..EdgeForm::default() };
        assert_eq!(form.into_spec().unwrap_err().field.as_deref(), Some("pfxProfile"));
    }
}
