//! Azure IoT Operations' MQTT broker with X.509 client authentication, as
//! its TLS/X.509/ABAC tutorial sets it up (client side): a client root and
//! intermediate, a certificate per client (key, certificate, full chain),
//! the ConfigMap of the client root, the BrokerAuthentication trusting it
//! with each client's subject (and the intermediate's) mapped to
//! attributes, the same from `az`, and a `mosquitto_pub` line per client.

use crate::error::{Result, StudioError};
use crate::make::{ChainEntry, Product, keys_or_generate};
use crate::output::bundle::{Bundle, OutputFile};
use crate::output::iot_operations::{
    AttributeEntry, GROUP_ATTRIBUTE, INTERMEDIATE_KEY, MANUFACTURER_ATTRIBUTE, MqttClient, X509Method, configmap_script, mosquitto_script,
};
use crate::output::layout::{self, role};
use crate::output::writers::{CaKeyWriter, write_client};
use crate::rules::iot_operations::{AttributeValue, KubernetesName, MqttClientName, broker_subject, check_subject_common_name};
use crate::rules::validity::{ValidityBounds, check_validity_days};
use crate::x509::facts::{certificate_der, certificate_pem};
use crate::x509::issue::{CertificateParams, Issued, Issuer, SignedBy, issue, issue_self_signed};
use crate::x509::key::{KeyAlgorithm, PrivateKey};
use crate::x509::profile::{DEVICE, INTERMEDIATE_CA, ROOT_CA};
use crate::x509::signing::Signing;

/// `--not-after 2400h`, as the tutorial makes its client certificates.
pub const TUTORIAL_VALIDITY_DAYS: u32 = 100;
/// The most clients one press makes: each is a handful of files and a line in every snippet.
pub const MAX_CLIENTS: usize = 500;

/// The IoT Operations form. `Default` is the tutorial's client side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IotOperationsSpec {
    pub key_algorithm: KeyAlgorithm,
    pub root_common_name: String,
    pub intermediate_common_name: String,
    /// `name` or `name=group`: the client's CN and client ID, and the value
    /// of its `group` attribute (`<name>_group` when not given).
    pub clients: Vec<String>,
    /// The `manufacturer` attribute every client under the intermediate gets.
    pub manufacturer: String,
    /// The ConfigMap holding the client root.
    pub config_map: String,
    /// The BrokerAuthentication resource's name.
    pub authentication_name: String,
    pub validity_days: u32,
    pub validity_bounds: ValidityBounds,
    /// `None` or empty: the CA keys are written unencrypted.
    pub ca_key_password: Option<String>,
}

impl Default for IotOperationsSpec {
    fn default() -> Self {
        Self {
            key_algorithm: KeyAlgorithm::EcP256,
            root_common_name: "Fabrikam Root CA".into(),
            intermediate_common_name: "Fabrikam Intermediate CA 1".into(),
            clients: vec!["thermostat".into(), "hygrometer".into()],
            manufacturer: "fabrikam".into(),
            config_map: "client-ca".into(),
            authentication_name: "x509-auth".into(),
            validity_days: TUTORIAL_VALIDITY_DAYS,
            validity_bounds: ValidityBounds::default(),
            ca_key_password: Some("1234".into()),
        }
    }
}

/// A client as checked: its name and its group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSpec {
    pub name: MqttClientName,
    pub group: AttributeValue,
}

/// Every name of the spec, checked.
pub struct CheckedNames {
    pub clients: Vec<ClientSpec>,
    pub manufacturer: AttributeValue,
    pub config_map: KubernetesName,
    pub authentication: KubernetesName,
}

impl IotOperationsSpec {
    /// Checks every field; an error names the first field at fault.
    pub fn validate(&self) -> Result<CheckedNames> {
        check_subject_common_name("rootCn", "The root CA name", &self.root_common_name)?;
        check_subject_common_name("intermediateCn", "The intermediate CA name", &self.intermediate_common_name)?;
        if self.root_common_name == self.intermediate_common_name {
            return Err(StudioError::field("intermediateCn", "The intermediate CA needs a name of its own, not the root's."));
        }
        check_validity_days(self.validity_days)?;
        let names = CheckedNames {
            clients: self.checked_clients()?,
            manufacturer: AttributeValue::parse("manufacturer", "The manufacturer attribute", &self.manufacturer)?,
            config_map: KubernetesName::parse("configMap", "The ConfigMap name", &self.config_map)?,
            authentication: KubernetesName::parse("authenticationName", "The BrokerAuthentication name", &self.authentication_name)?,
        };
        CaKeyWriter::new(self.ca_key_password.as_deref(), None)?;
        Ok(names)
    }

    fn checked_clients(&self) -> Result<Vec<ClientSpec>> {
        if self.clients.is_empty() {
            return Err(StudioError::field(
                "clients",
                "No clients: name at least one (like thermostat, or thermostat=sensors for its group).",
            ));
        }
        if self.clients.len() > MAX_CLIENTS {
            return Err(StudioError::field("clients", format!("{} clients; one press makes at most {MAX_CLIENTS}.", self.clients.len())));
        }
        let mut seen = std::collections::BTreeSet::new();
        self.clients
            .iter()
            .map(|entry| {
                let (name, group) = match entry.split_once('=') {
                    Some((name, group)) => (name.trim(), Some(group.trim())),
                    None => (entry.trim(), None),
                };
                let name = MqttClientName::parse("clients", name)?;
                if name.as_str() == INTERMEDIATE_KEY {
                    return Err(StudioError::field(
                        "clients",
                        format!("A client can't be named \"{INTERMEDIATE_KEY}\": that key holds the intermediate's attributes."),
                    ));
                }
                if !seen.insert(name.as_str().to_ascii_lowercase()) {
                    return Err(StudioError::field(
                        "clients",
                        format!("Client \"{name}\" is listed twice (names are compared ignoring case)."),
                    ));
                }
                let group = AttributeValue::parse("clients", &format!("The group of {name}"), group.unwrap_or(&format!("{name}_group")))?;
                Ok(ClientSpec { name, group })
            })
            .collect()
    }

    /// Root, intermediate, then one per client.
    pub fn key_count(&self) -> usize {
        2 + self.clients.len()
    }
}

pub struct IotOperationsClients {
    pub spec: IotOperationsSpec,
    names: CheckedNames,
    pub root: Issuer,
    pub intermediate: Issuer,
    /// In the spec's order.
    pub clients: Vec<Issued>,
}

impl IotOperationsClients {
    /// From keys made elsewhere (root, intermediate, clients) or, with `None`, fresh ones.
    pub fn build(spec: IotOperationsSpec, keys: Option<Vec<PrivateKey>>, now_unix: u64) -> Result<Self> {
        let names = spec.validate()?;
        let validity = spec.validity_bounds.window(now_unix, spec.validity_days)?;
        let mut keys = keys_or_generate("The IoT Operations clients", keys, &vec![spec.key_algorithm; spec.key_count()])?.into_iter();
        let mut next_key = || keys.next().ok_or_else(|| StudioError::general("A key is missing."));
        let signing = &mut Signing::here();
        let root = issue_self_signed(&CertificateParams::new(&spec.root_common_name, &ROOT_CA, validity), next_key()?, signing)?;
        let root = Issuer { certificate: root.certificate, key: root.key };
        let intermediate_key = next_key()?;
        let intermediate = Issuer {
            certificate: issue(
                &CertificateParams::new(&spec.intermediate_common_name, &INTERMEDIATE_CA, validity),
                &intermediate_key.public_key_info()?,
                SignedBy::Ca(&root),
                signing,
            )?,
            key: intermediate_key,
        };
        let clients = names
            .clients
            .iter()
            .map(|client| {
                let key = next_key()?;
                let params = CertificateParams::new(client.name.as_str(), &DEVICE, validity);
                let certificate = issue(&params, &key.public_key_info()?, SignedBy::Ca(&intermediate), signing)?;
                Ok(Issued { certificate, key, csr: None })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self { spec, names, root, intermediate, clients })
    }

    fn method(&self) -> X509Method<'_> {
        let mut entries: Vec<AttributeEntry<'_>> = self
            .names
            .clients
            .iter()
            .map(|c| AttributeEntry {
                key: c.name.as_str(),
                subject: broker_subject(c.name.as_str()),
                attributes: vec![(GROUP_ATTRIBUTE, &c.group)],
            })
            .collect();
        entries.push(AttributeEntry {
            key: INTERMEDIATE_KEY,
            subject: broker_subject(&self.spec.intermediate_common_name),
            attributes: vec![(MANUFACTURER_ATTRIBUTE, &self.names.manufacturer)],
        });
        X509Method { authentication: &self.names.authentication, config_map: &self.names.config_map, entries }
    }
}

impl Product for IotOperationsClients {
    fn files(&self) -> Result<Vec<OutputFile>> {
        let mut bundle = Bundle::default();
        let ca_keys = CaKeyWriter::new(self.spec.ca_key_password.as_deref(), None)?;
        let root_path = layout::cert(layout::IOT_OPERATIONS_ROOT_STEM);
        bundle.text(
            root_path.clone(),
            &certificate_pem(&self.root.certificate)?,
            format!(
                "Client root CA: goes into the ConfigMap {} the broker trusts (client-ca.configmap.sh).",
                self.names.config_map.as_str()
            ),
        )?;
        bundle.secret(
            layout::key(layout::IOT_OPERATIONS_ROOT_STEM),
            ca_keys.pem(&self.root.key)?.as_bytes().to_vec(),
            format!("Client root CA private key ({}): keep offline.", ca_keys.note()),
        )?;
        bundle.text(
            layout::cert(layout::IOT_OPERATIONS_INTERMEDIATE_STEM),
            &certificate_pem(&self.intermediate.certificate)?,
            "Client intermediate CA: it signs the clients; its subject carries the manufacturer attribute.".into(),
        )?;
        bundle.secret(
            layout::key(layout::IOT_OPERATIONS_INTERMEDIATE_STEM),
            ca_keys.pem(&self.intermediate.key)?.as_bytes().to_vec(),
            format!("Client intermediate CA private key ({}): keep offline; it signs more clients.", ca_keys.note()),
        )?;
        let issuers = vec![certificate_der(&self.root.certificate)?, certificate_der(&self.intermediate.certificate)?];
        let paths: Vec<(String, String)> =
            self.names.clients.iter().map(|c| (layout::full_chain(c.name.as_str()), layout::key(c.name.as_str()))).collect();
        for (client, issued) in self.names.clients.iter().zip(&self.clients) {
            write_client(&mut bundle, client.name.as_str(), issued, &issuers, &format!("MQTT client {}", client.name))?;
        }
        let snippet = |sample| layout::snippet(layout::IOT_OPERATIONS_STEM, sample);
        bundle.text(
            snippet(layout::IOT_OPERATIONS_CONFIGMAP),
            &configmap_script(&self.names.config_map, layout::IOT_OPERATIONS_CONFIGMAP_KEY, &root_path),
            "kubectl: the ConfigMap with the client root, in the azure-iot-operations namespace.".into(),
        )?;
        let method = self.method();
        bundle.text(
            snippet(layout::IOT_OPERATIONS_BROKER_AUTHENTICATION),
            &method.yaml(),
            "The BrokerAuthentication: X.509 trusting that ConfigMap, subjects mapped to attributes (kubectl apply -f).".into(),
        )?;
        bundle.text(
            snippet(layout::IOT_OPERATIONS_AZ),
            &method.az_script(),
            "Azure CLI: the same X.509 method (az iot ops broker authn method add).".into(),
        )?;
        let clients: Vec<MqttClient<'_>> = self
            .names
            .clients
            .iter()
            .zip(&paths)
            .map(|(c, (chain, key))| MqttClient { name: &c.name, full_chain_path: chain, key_path: key })
            .collect();
        bundle.text(
            snippet(layout::IOT_OPERATIONS_MOSQUITTO),
            &mosquitto_script(&clients),
            "mosquitto_pub: each client publishes over TLS with its chain (set BROKER_CA_FILE, BROKER_HOST, BROKER_PORT).".into(),
        )?;
        bundle.finish(&format!(
            "Azure IoT Operations MQTT broker, X.509 clients: root \"{}\" → intermediate \"{}\" → {} client(s).",
            self.spec.root_common_name,
            self.spec.intermediate_common_name,
            self.clients.len()
        ))
    }

    fn entries(&self) -> Result<Vec<ChainEntry>> {
        let mut entries = vec![
            ChainEntry::new(role::ROOT, &self.root.certificate, &self.root.key, layout::cert(layout::IOT_OPERATIONS_ROOT_STEM))?,
            ChainEntry::new(
                role::INTERMEDIATE,
                &self.intermediate.certificate,
                &self.intermediate.key,
                layout::cert(layout::IOT_OPERATIONS_INTERMEDIATE_STEM),
            )?,
        ];
        for (client, issued) in self.names.clients.iter().zip(&self.clients) {
            entries.push(ChainEntry::new(role::CLIENT, &issued.certificate, &issued.key, layout::cert(client.name.as_str()))?);
        }
        Ok(entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_764_000_000;

    #[test]
    fn the_tutorials_clients_and_their_files() {
        let made = IotOperationsClients::build(IotOperationsSpec::default(), None, NOW).unwrap();
        let files = made.files().unwrap();
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        for path in [
            "certs/thermostat-full-chain.cert.pem",
            "private/hygrometer.key.pem",
            "snippets/iot-operations.client-ca.configmap.sh",
            "snippets/iot-operations.broker-authentication.yaml",
            "README.txt",
        ] {
            assert!(paths.contains(&path), "{path} in {paths:?}");
        }
        let yaml = String::from_utf8(files.iter().find(|f| f.path.ends_with(".yaml")).unwrap().contents.clone()).unwrap();
        assert!(yaml.contains("trustedClientCaCert: \"client-ca\"") && yaml.contains("\"CN = thermostat\""), "{yaml}");
        assert_eq!(
            made.entries().unwrap().iter().map(|e| e.role.as_str()).collect::<Vec<_>>(),
            ["root", "intermediate", "client", "client"]
        );
    }

    #[test]
    fn every_name_is_checked_at_its_field() {
        let cases: [(&str, IotOperationsSpec); 7] = [
            ("clients", IotOperationsSpec { clients: vec!["../evil".into()], ..Default::default() }),
            ("clients", IotOperationsSpec { clients: vec!["a".into(), "A".into()], ..Default::default() }),
            ("clients", IotOperationsSpec { clients: vec!["a=x y".into()], ..Default::default() }),
            ("configMap", IotOperationsSpec { config_map: "client\"ca".into(), ..Default::default() }),
            ("authenticationName", IotOperationsSpec { authentication_name: "a&b".into(), ..Default::default() }),
            ("intermediateCn", IotOperationsSpec { intermediate_common_name: "50% \n".into(), ..Default::default() }),
            ("manufacturer", IotOperationsSpec { manufacturer: "'x'".into(), ..Default::default() }),
        ];
        for (field, spec) in cases {
            assert_eq!(spec.validate().err().and_then(|e| e.field).as_deref(), Some(field), "{spec:?}");
        }
    }
}
