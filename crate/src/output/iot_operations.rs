//! What Azure IoT Operations' MQTT broker is told about the client CA, as
//! text: the ConfigMap that holds it (`kubectl`), the BrokerAuthentication
//! with an X.509 method trusting it and mapping subjects to attributes
//! (YAML), the same method from the CLI (`az iot ops broker authn method
//! add`), and a `mosquitto_pub` line per client. Every value passes
//! `output::quote` for its language; names arrive as checked types.

use crate::output::quote::{sh, yaml};
use crate::rules::iot_operations::{AttributeValue, KubernetesName, MqttClientName, NAMESPACE};

/// The BrokerAuthentication resource as the broker's Kubernetes API takes it.
pub const API_VERSION: &str = "mqttbroker.iotoperations.azure.com/v1";
pub const KIND: &str = "BrokerAuthentication";
/// The broker `az iot ops` deploys, and the one the method is added to.
pub const BROKER: &str = "default";
/// The attribute key of the intermediate's entry: every client under it gets its attributes.
pub const INTERMEDIATE_KEY: &str = "intermediate";
/// The attribute the intermediate's entry sets.
pub const MANUFACTURER_ATTRIBUTE: &str = "manufacturer";
/// The attribute each client's entry sets.
pub const GROUP_ATTRIBUTE: &str = "group";

/// One `authorizationAttributes` entry: a subject and what it grants.
pub struct AttributeEntry<'a> {
    pub key: &'a str,
    /// As the broker compares it: `CN = thermostat`.
    pub subject: String,
    pub attributes: Vec<(&'static str, &'a AttributeValue)>,
}

/// The X.509 method: the ConfigMap it trusts and its attribute entries.
pub struct X509Method<'a> {
    pub authentication: &'a KubernetesName,
    pub config_map: &'a KubernetesName,
    pub entries: Vec<AttributeEntry<'a>>,
}

/// A client's files, for its `mosquitto_pub` line.
pub struct MqttClient<'a> {
    pub name: &'a MqttClientName,
    pub full_chain_path: &'a str,
    pub key_path: &'a str,
}

/// `kubectl create configmap` with the client root under the key the broker reads.
pub fn configmap_script(config_map: &KubernetesName, key: &str, root_path: &str) -> String {
    format!(
        "#!/bin/sh\n\
         # The client CA the MQTT broker trusts for X.509 authentication, as a ConfigMap.\n\
         # Run from the folder the studio's files were unpacked into, with kubectl pointed at the cluster.\n\
         set -eu\n\
         kubectl create configmap {} -n {} {}\n",
        sh(config_map.as_str()),
        sh(NAMESPACE),
        sh(&format!("--from-file={key}={root_path}")),
    )
}

impl X509Method<'_> {
    /// The BrokerAuthentication resource, for `kubectl apply -f`.
    pub fn yaml(&self) -> String {
        let mut out = format!(
            "# A BrokerAuthentication with an X.509 method: clients whose chain reaches the CA in ConfigMap\n\
             # {config_map} are authenticated, and get the attributes of the first subject that matches,\n\
             # from the client's own certificate up its chain. Link it to a TLS listener port (authenticationRef).\n\
             # kubectl apply -f snippets/iot-operations.broker-authentication.yaml\n\
             apiVersion: {API_VERSION}\n\
             kind: {KIND}\n\
             metadata:\n  name: {name}\n  namespace: {namespace}\n\
             spec:\n  authenticationMethods:\n    - method: X509\n      x509Settings:\n        trustedClientCaCert: {config_map}\n",
            config_map = yaml(self.config_map.as_str()),
            name = yaml(self.authentication.as_str()),
            namespace = yaml(NAMESPACE),
        );
        if !self.entries.is_empty() {
            out.push_str("        authorizationAttributes:\n");
        }
        for entry in &self.entries {
            out.push_str(&format!(
                "          {}:\n            subject: {}\n            attributes:\n",
                yaml(entry.key),
                yaml(&entry.subject)
            ));
            for (name, value) in &entry.attributes {
                out.push_str(&format!("              {}: {}\n", yaml(name), yaml(value.as_str())));
            }
        }
        out
    }

    /// `az iot ops broker authn method add` with the same method.
    pub fn az_script(&self) -> String {
        let mut out = format!(
            "#!/bin/sh\n\
             # The same X.509 method as broker-authentication.yaml, from the Azure CLI (extension azure-iot-ops).\n\
             # Set RESOURCE_GROUP and AIO_INSTANCE first; the ConfigMap must exist (client-ca.configmap.sh).\n\
             set -eu\n\
             : \"${{RESOURCE_GROUP:?set RESOURCE_GROUP to the resource group of the IoT Operations instance}}\"\n\
             : \"${{AIO_INSTANCE:?set AIO_INSTANCE to the name of the IoT Operations instance}}\"\n\
             az iot ops broker authn method add --authn {} --instance \"$AIO_INSTANCE\" -g \"$RESOURCE_GROUP\" --broker {} \\\n  --x509-client-ca-ref {}",
            sh(self.authentication.as_str()),
            sh(BROKER),
            sh(self.config_map.as_str()),
        );
        for entry in &self.entries {
            out.push_str(&format!(" \\\n  --x509-attr {}", sh(&format!("{}.subject={}", entry.key, entry.subject))));
            for (name, value) in &entry.attributes {
                out.push_str(&format!(" {}", sh(&format!("{}.attributes.{name}={}", entry.key, value.as_str()))));
            }
        }
        out.push('\n');
        out
    }
}

/// One `mosquitto_pub` per client, as the tutorial tests the broker: its
/// client ID, its full chain and key; the broker's address and server CA
/// from the environment.
pub fn mosquitto_script(clients: &[MqttClient<'_>]) -> String {
    let mut out = String::from(
        "#!/bin/sh\n\
         # Each client publishes one message over TLS with its certificate chain (MQTT 5, QoS 1).\n\
         # Run from the folder the studio's files were unpacked into. BROKER_CA_FILE: the CA of the broker's\n\
         # server certificate; BROKER_HOST (default localhost) and BROKER_PORT (default 8883): where it listens.\n\
         set -eu\n\
         : \"${BROKER_CA_FILE:?set BROKER_CA_FILE to the CA file of the broker's server certificate}\"\n",
    );
    for client in clients {
        out.push_str(&format!(
            "mosquitto_pub -h \"${{BROKER_HOST:-localhost}}\" -p \"${{BROKER_PORT:-8883}}\" -V mqttv5 -q 1 -i {} -t {} -m {} --cert {} --key {} --cafile \"$BROKER_CA_FILE\"\n",
            sh(client.name.as_str()),
            sh("example/topic"),
            sh(&format!("hello from {}", client.name)),
            sh(client.full_chain_path),
            sh(client.key_path),
        ));
    }
    out
}
