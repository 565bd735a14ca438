//! Event Grid namespaces' MQTT broker: a root and an intermediate (the CA
//! certificate uploaded to the namespace, which must be the clients'
//! immediate issuer) and a certificate per client with its authentication
//! name where the chosen validation scheme reads it; or, for the thumbprint
//! scheme, self-signed clients and no CA. Beside the files: the az script
//! that uploads the CA and registers each client, and a `mosquitto_pub` line
//! and a paho-mqtt program per client.

use serde::Serialize;

use crate::error::{Result, StudioError};
use crate::make::{ChainEntry, Product, keys_or_generate};
use crate::output::bundle::{Bundle, OutputFile};
use crate::output::layout::{self, role};
use crate::output::pfx::{PfxOptions, PfxWriter};
use crate::output::quote::{python, sh};
use crate::output::writers::{CaKeyWriter, KeyedCertificateFiles, Role};
use crate::rules::event_grid::{
    AuthenticationName, CaCertificateName, ClientEntry, ValidationScheme, check_namespace_name, check_resource_group,
    event_grid_thumbprint, parse_clients,
};
use crate::rules::names::{MAX_COMMON_NAME_CHARS, check_common_name, check_dns_name};
use crate::rules::validity::ValidityBounds;
use crate::x509::facts::{certificate_der, certificate_pem, csr_pem, thumbprint_sha256};
use crate::x509::issue::{
    AltName, CertificateParams, Issued, Issuer, SignedBy, ValidityWindow, issue_self_signed, issue_with_request, subject_alt_name_extension,
};
use crate::x509::key::{KeyAlgorithm, KeyEncoding, PrivateKey};
use crate::x509::password_key::PasswordKey;
use crate::x509::profile::{DEVICE, INTERMEDIATE_CA, ROOT_CA, SELF_SIGNED_DEVICE};
use crate::x509::signing::Signing;

/// `step certificate create … --not-after 2400h`, as Event Grid's docs make client certificates.
pub const EVENT_GRID_VALIDITY_DAYS: u32 = 100;
/// The topic the docs' quickstart publishes on (its topic space's template).
const QUICKSTART_TOPIC: &str = "contosotopics/topic1";

/// The Event Grid form. `Default`: P-256 keys (as `step` makes them), the
/// subject scheme, clients `client-1` and `client-2`, 100 days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventGridSpec {
    pub key_algorithm: KeyAlgorithm,
    pub validation: ValidationScheme,
    /// `name` or `name=authentication-name`, or a range of names (`meter-{01..20}`).
    pub clients: Vec<String>,
    pub root_common_name: String,
    pub intermediate_common_name: String,
    /// The name the intermediate is uploaded under.
    pub ca_certificate_name: String,
    pub validity_days: u32,
    pub validity_bounds: ValidityBounds,
    /// Encrypts the root and intermediate keys; `None` or empty leaves them clear.
    pub ca_key_password: Option<String>,
    pub pfx: PfxOptions,
    /// What the az script and the snippets name; unset, they ask for it when run.
    pub namespace: Option<String>,
    pub resource_group: Option<String>,
    pub mqtt_hostname: Option<String>,
}

impl Default for EventGridSpec {
    fn default() -> Self {
        Self {
            key_algorithm: KeyAlgorithm::EcP256,
            validation: ValidationScheme::Subject,
            clients: vec!["client-1".into(), "client-2".into()],
            root_common_name: "Event Grid MQTT Root CA Test Only".into(),
            intermediate_common_name: "Event Grid MQTT Intermediate CA Test Only".into(),
            ca_certificate_name: "event-grid-intermediate".into(),
            validity_days: EVENT_GRID_VALIDITY_DAYS,
            validity_bounds: ValidityBounds::default(),
            ca_key_password: Some("1234".into()),
            pfx: PfxOptions::default(),
            namespace: None,
            resource_group: None,
            mqtt_hostname: None,
        }
    }
}

/// The spec's names, checked.
pub struct CheckedNames {
    pub clients: Vec<ClientEntry>,
    /// `None` for thumbprint clients, which have no CA.
    pub ca_certificate_name: Option<CaCertificateName>,
}

impl EventGridSpec {
    pub fn validate(&self, now_unix: u64) -> Result<CheckedNames> {
        let clients = parse_clients("clients", self.validation, &self.clients)?;
        let ca_certificate_name = if self.validation.uses_ca() {
            check_common_name("rootCn", "The root CA name", &self.root_common_name)?;
            check_common_name("intermediateCn", "The intermediate CA name", &self.intermediate_common_name)?;
            // Outside the subject scheme the client name is the certificate's CN.
            let over_long = clients.iter().find(|c| c.name.as_str().chars().count() > MAX_COMMON_NAME_CHARS);
            if let (true, Some(long)) = (self.validation != ValidationScheme::Subject, over_long) {
                return Err(StudioError::field(
                    "clients",
                    format!(
                        "Client name \"{}\" is the certificate's CN, which holds at most {MAX_COMMON_NAME_CHARS} characters.",
                        long.name
                    ),
                ));
            }
            Some(CaCertificateName::parse("caCertificateName", &self.ca_certificate_name)?)
        } else {
            None
        };
        if let Some(namespace) = &self.namespace {
            check_namespace_name("namespace", namespace)?;
        }
        if let Some(group) = &self.resource_group {
            check_resource_group("resourceGroup", group)?;
        }
        if let Some(host) = &self.mqtt_hostname {
            check_dns_name(host).map_err(|e| StudioError::field("mqttHostname", e.message.replace("DNS name", "MQTT hostname")))?;
        }
        self.validity(now_unix)?;
        self.pfx.validate()?;
        Ok(CheckedNames { clients, ca_certificate_name })
    }

    /// Keys in [`EventGridClients::build`] order: root and intermediate (CA schemes), then each client.
    pub fn key_algorithms(&self, names: &CheckedNames) -> Vec<KeyAlgorithm> {
        let cas = if self.validation.uses_ca() { 2 } else { 0 };
        vec![self.key_algorithm; cas + names.clients.len()]
    }

    fn validity(&self, now_unix: u64) -> Result<ValidityWindow> {
        self.validity_bounds.window(now_unix, self.validity_days)
    }
}

/// The root and the intermediate the clients are issued under.
pub struct EventGridCa {
    pub root: Issuer,
    pub intermediate: Issuer,
    pub intermediate_csr: x509_cert::request::CertReq,
    pub name: CaCertificateName,
}

pub struct EventGridClient {
    pub entry: ClientEntry,
    pub issued: Issued,
}

pub struct EventGridClients {
    pub spec: EventGridSpec,
    pub ca: Option<EventGridCa>,
    pub clients: Vec<EventGridClient>,
    /// The CA key password as the caller stretched it; `None`: stretched here.
    pub stretched_ca_password: Option<PasswordKey>,
}

/// One client's registration, as the az script makes it (for the page and `--json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientRegistration {
    pub client_name: String,
    pub authentication_name: String,
    pub validation_scheme: &'static str,
    /// For thumbprint clients: the SHA-256 as `allowedThumbprints` holds it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumbprint: Option<String>,
    pub certificate_path: String,
    pub full_chain_path: String,
    pub key_path: String,
}

impl EventGridClients {
    /// From keys made elsewhere (in [`EventGridSpec::key_algorithms`] order) or, with `None`, fresh ones.
    pub fn build(spec: EventGridSpec, keys: Option<Vec<PrivateKey>>, now_unix: u64) -> Result<Self> {
        let names = spec.validate(now_unix)?;
        let keys = keys_or_generate("The Event Grid clients", keys, &spec.key_algorithms(&names))?;
        let validity = spec.validity(now_unix)?;
        let signing = &mut Signing::here();
        let mut keys = keys.into_iter();
        let mut next_key = || keys.next().ok_or_else(|| StudioError::general("The Event Grid clients ran out of keys."));
        let ca = match names.ca_certificate_name {
            Some(name) => {
                let root = issue_self_signed(&CertificateParams::new(&spec.root_common_name, &ROOT_CA, validity), next_key()?, signing)?;
                let root = Issuer { certificate: root.certificate, key: root.key };
                let params = CertificateParams::new(&spec.intermediate_common_name, &INTERMEDIATE_CA, validity);
                let intermediate = issue_with_request(&params, next_key()?, SignedBy::Ca(&root), signing)?;
                let intermediate_csr = intermediate.csr.ok_or_else(|| StudioError::general("The intermediate lost its CSR."))?;
                Some(EventGridCa {
                    root,
                    intermediate: Issuer { certificate: intermediate.certificate, key: intermediate.key },
                    intermediate_csr,
                    name,
                })
            }
            None => None,
        };
        let mut clients = Vec::with_capacity(names.clients.len());
        for entry in names.clients {
            let issued = issue_client(&entry, ca.as_ref(), validity, next_key()?, signing)?;
            clients.push(EventGridClient { entry, issued });
        }
        Ok(Self { spec, ca, clients, stretched_ca_password: None })
    }

    pub fn registrations(&self) -> Result<Vec<ClientRegistration>> {
        self.clients
            .iter()
            .map(|client| {
                let stem = layout::event_grid_client_stem(&client.entry.name);
                let thumbprint = match self.spec.validation {
                    ValidationScheme::Thumbprint => Some(event_grid_thumbprint(&thumbprint_sha256(&client.issued.certificate)?)),
                    _ => None,
                };
                Ok(ClientRegistration {
                    client_name: client.entry.name.to_string(),
                    authentication_name: client.entry.authentication_name.as_str().into(),
                    validation_scheme: self.spec.validation.azure_name(),
                    thumbprint,
                    certificate_path: layout::cert(&stem),
                    full_chain_path: self.presented_path(&stem),
                    key_path: layout::key(&stem),
                })
            })
            .collect()
    }

    /// What a client presents: its full chain, or its own certificate when self-signed.
    fn presented_path(&self, stem: &str) -> String {
        if self.ca.is_some() { layout::full_chain(stem) } else { layout::cert(stem) }
    }

    fn az_script(&self, registrations: &[ClientRegistration]) -> String {
        let spec = &self.spec;
        let variable = |name: &str, value: &Option<String>, what: &str| match value {
            Some(value) => format!("{name}={}\n", sh(value)),
            None => format!("{name}=\"${{{name}:?set {name} to {what}}}\"\n"),
        };
        let mut script = String::from(
            "#!/bin/sh\n\
             # Uploads the CA certificate to the Event Grid namespace and registers each client with its\n\
             # authentication name and validation scheme (Azure CLI with the eventgrid extension; az login first).\n\
             set -eu\n\
             cd \"$(dirname \"$0\")/..\"\n",
        );
        script.push_str(&variable("RESOURCE_GROUP", &spec.resource_group, "the namespace's resource group"));
        script.push_str(&variable("NAMESPACE", &spec.namespace, "the Event Grid namespace's name"));
        let target = "--resource-group \"$RESOURCE_GROUP\" --namespace-name \"$NAMESPACE\"";
        if let Some(ca) = &self.ca {
            script.push_str(&format!(
                "\n# The clients' immediate issuer (the intermediate, not the root): Event Grid checks the CA that signed each client.\n\
                 az eventgrid namespace ca-certificate create {target} --name {} --certificate {}\n",
                sh(ca.name.as_str()),
                sh(&layout::cert(layout::EVENT_GRID_INTERMEDIATE_STEM)),
            ));
        }
        script
            .push_str(&format!("\n# One client each: the broker reads the authentication name from {}.\n", spec.validation.field_label()));
        for registration in registrations {
            let authentication = match &registration.thumbprint {
                Some(thumbprint) => format!("{{validationScheme:{},allowed-thumbprints:[{thumbprint}]}}", registration.validation_scheme),
                None => format!("{{validationScheme:{}}}", registration.validation_scheme),
            };
            script.push_str(&format!(
                "az eventgrid namespace client create {target} --name {} --authentication-name {} --client-certificate-authentication {}\n",
                sh(&registration.client_name),
                sh(&registration.authentication_name),
                sh(&authentication),
            ));
        }
        script
    }

    fn hostname_sh(&self) -> String {
        match &self.spec.mqtt_hostname {
            Some(host) => sh(host),
            None => "\"${MQTT_HOSTNAME:?set MQTT_HOSTNAME to the namespace's MQTT hostname (its Overview page)}\"".into(),
        }
    }

    fn mosquitto_pub(&self, registration: &ClientRegistration) -> String {
        format!(
            "#!/bin/sh\n\
             # Publishes one message as client {name} over MQTT 5 on port 8883 (TLS 1.2+), presenting its certificate;\n\
             # the user name is the client's authentication name. The topic must be in a topic space the client may publish to.\n\
             cd \"$(dirname \"$0\")/..\" || exit 1\n\
             mosquitto_pub -h {host} -p 8883 -V mqttv5 --capath /etc/ssl/certs --cert {cert} --key {key} -i {session} -u {user} -t \"${{MQTT_TOPIC:-{topic}}}\" -m {message}\n",
            name = registration.client_name,
            host = self.hostname_sh(),
            cert = sh(&registration.full_chain_path),
            key = sh(&registration.key_path),
            session = sh(&format!("{}-session1", registration.client_name)),
            user = sh(&registration.authentication_name),
            topic = QUICKSTART_TOPIC,
            message = sh(&format!("Hello from {}", registration.client_name)),
        )
    }

    fn paho_client(&self, registration: &ClientRegistration) -> String {
        let hostname = match &self.spec.mqtt_hostname {
            Some(host) => python(host),
            None => "os.environ[\"MQTT_HOSTNAME\"]  # the namespace's MQTT hostname (its Overview page)".into(),
        };
        format!(
            "# Client {name} on Event Grid's MQTT broker with paho-mqtt 2.x (pip install paho-mqtt): TLS 1.2+ on port 8883,\n\
             # its certificate chain and key, its authentication name as the user name; publishes one message.\n\
             import os\n\
             import ssl\n\
             \n\
             import paho.mqtt.client as mqtt\n\
             \n\
             HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), \"..\")\n\
             HOSTNAME = {hostname}\n\
             CLIENT_ID = {session}\n\
             USERNAME = {user}\n\
             CERT_FILE = {cert}\n\
             KEY_FILE = {key}\n\
             TOPIC = os.environ.get(\"MQTT_TOPIC\", {topic})\n\
             \n\
             context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)\n\
             context.minimum_version = ssl.TLSVersion.TLSv1_2\n\
             context.load_cert_chain(os.path.join(HERE, CERT_FILE), os.path.join(HERE, KEY_FILE))\n\
             client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=CLIENT_ID, protocol=mqtt.MQTTv5)\n\
             client.username_pw_set(USERNAME)\n\
             client.tls_set_context(context)\n\
             client.connect(HOSTNAME, 8883)\n\
             client.loop_start()\n\
             client.publish(TOPIC, {message}, qos=1).wait_for_publish()\n\
             client.loop_stop()\n\
             client.disconnect()\n",
            name = registration.client_name,
            session = python(&format!("{}-session1", registration.client_name)),
            user = python(&registration.authentication_name),
            cert = python(&registration.full_chain_path),
            key = python(&registration.key_path),
            topic = python(QUICKSTART_TOPIC),
            message = python(&format!("Hello from {}", registration.client_name)),
        )
    }

    /// README's opening: what was made and how it is registered (the page adds its numbered steps).
    fn title(&self) -> String {
        let scheme = self.spec.validation;
        let made = if self.ca.is_some() { "root → intermediate → " } else { "self-signed " };
        let upload = match &self.ca {
            Some(ca) => format!(
                "Upload {} to the namespace (MQTT broker → CA certificates) as \"{}\": it is the clients' immediate issuer, not the root. ",
                layout::cert(layout::EVENT_GRID_INTERMEDIATE_STEM),
                ca.name.as_str()
            ),
            None => String::new(),
        };
        format!(
            "Event Grid MQTT broker: {made}{} client(s), validation scheme {} (the authentication name in {}).\r\n\r\n\
             {upload}Register each client (MQTT broker → Clients) with its authentication name and this scheme; {} does both with az. \
             Each client connects on port 8883 with its certificate{} and key, its authentication name as the MQTT user name \
             (snippets/<client>.mosquitto_pub.sh, snippets/<client>.paho_client.py).\r\n",
            self.clients.len(),
            scheme.azure_name(),
            scheme.field_label(),
            layout::EVENT_GRID_AZ_CLI,
            if self.ca.is_some() { " chain" } else { "" },
        )
    }
}

/// A client's certificate: under the intermediate with its authentication
/// name in the field its scheme reads, or self-signed for the thumbprint scheme.
fn issue_client(
    entry: &ClientEntry,
    ca: Option<&EventGridCa>,
    validity: ValidityWindow,
    key: PrivateKey,
    signing: &mut Signing,
) -> Result<Issued> {
    let name: &AuthenticationName = &entry.authentication_name;
    let Some(ca) = ca else {
        return issue_self_signed(&CertificateParams::new(name.as_str(), &SELF_SIGNED_DEVICE, validity), key, signing);
    };
    let alt_name = match name.scheme {
        ValidationScheme::Dns => Some(AltName::Dns(name.as_str())),
        ValidationScheme::Uri => Some(AltName::Uri(name.as_str())),
        ValidationScheme::Email => Some(AltName::Email(name.as_str())),
        ValidationScheme::Ip => name.ip().map(AltName::Ip),
        ValidationScheme::Subject | ValidationScheme::Thumbprint => None,
    };
    let extension = alt_name.map(|n| subject_alt_name_extension(&[n])).transpose()?;
    let common_name = if name.scheme == ValidationScheme::Subject { name.as_str() } else { entry.name.as_str() };
    let params = CertificateParams { subject_alt_name: extension.as_ref(), ..CertificateParams::new(common_name, &DEVICE, validity) };
    issue_with_request(&params, key, SignedBy::Ca(&ca.intermediate), signing)
}

impl Product for EventGridClients {
    fn files(&self) -> Result<Vec<OutputFile>> {
        let mut bundle = Bundle::default();
        let spec = &self.spec;
        let mut issuers = Vec::new();
        if let Some(ca) = &self.ca {
            let ca_keys = CaKeyWriter::new(spec.ca_key_password.as_deref(), self.stretched_ca_password.as_ref())?;
            let note = ca_keys.note();
            let (root, intermediate) = (layout::EVENT_GRID_ROOT_STEM, layout::EVENT_GRID_INTERMEDIATE_STEM);
            bundle.text(
                layout::cert(root),
                &certificate_pem(&ca.root.certificate)?,
                "Root CA certificate: it signed the intermediate; Event Grid does not need it.".into(),
            )?;
            bundle.secret(
                layout::key(root),
                ca_keys.pem(&ca.root.key)?.as_bytes().to_vec(),
                format!("Root CA private key ({note}): keep offline."),
            )?;
            bundle.text(
                layout::cert(intermediate),
                &certificate_pem(&ca.intermediate.certificate)?,
                format!(
                    "Intermediate CA certificate, the clients' immediate issuer: upload it to the namespace as CA certificate \"{}\".",
                    ca.name.as_str()
                ),
            )?;
            bundle.secret(
                layout::key(intermediate),
                ca_keys.pem(&ca.intermediate.key)?.as_bytes().to_vec(),
                format!("Intermediate CA private key ({note}): keep offline; it signs clients."),
            )?;
            bundle.text(
                layout::csr(intermediate),
                &csr_pem(&ca.intermediate_csr)?,
                "Certificate signing request of the intermediate.".into(),
            )?;
            issuers = vec![certificate_der(&ca.root.certificate)?, certificate_der(&ca.intermediate.certificate)?];
        }
        let pfx = PfxWriter::new(&spec.pfx)?;
        let registrations = self.registrations()?;
        for (client, registration) in self.clients.iter().zip(&registrations) {
            let stem = layout::event_grid_client_stem(&client.entry.name);
            let key_pem = client.issued.key.to_pem(KeyEncoding::Pkcs8, None)?;
            let what =
                format!("Event Grid client {} (authentication name {})", client.entry.name, client.entry.authentication_name.as_str());
            let certificate_use = match &registration.thumbprint {
                Some(thumbprint) => format!("register the client with thumbprint {thumbprint}; give it to the client."),
                None => "give it to the client.".into(),
            };
            KeyedCertificateFiles {
                stem: &stem,
                issued: &client.issued,
                issuers: &issuers,
                key_pem: &key_pem,
                pfx_path: layout::full_chain_pfx(&stem),
                friendly_name: client.entry.name.as_str(),
                role: Role { what: &what, certificate_use: &certificate_use, key_use: "give it to the client." },
            }
            .write(&mut bundle, &pfx)?;
            bundle.text(
                layout::snippet(&stem, layout::MOSQUITTO_PUB),
                &self.mosquitto_pub(registration),
                format!("mosquitto_pub as client {}: one message to the broker.", client.entry.name),
            )?;
            bundle.text(
                layout::snippet(&stem, layout::PAHO_CLIENT),
                &self.paho_client(registration),
                format!("Python paho-mqtt program for client {}: connects and publishes one message.", client.entry.name),
            )?;
        }
        bundle.text(
            layout::EVENT_GRID_AZ_CLI.into(),
            &self.az_script(&registrations),
            "Azure CLI: uploads the CA certificate and registers every client with its authentication name.".into(),
        )?;
        bundle.finish(&self.title())
    }

    fn entries(&self) -> Result<Vec<ChainEntry>> {
        let mut out = Vec::new();
        if let Some(ca) = &self.ca {
            out.push(ChainEntry::new(role::ROOT, &ca.root.certificate, &ca.root.key, layout::cert(layout::EVENT_GRID_ROOT_STEM))?);
            out.push(ChainEntry::new(
                role::INTERMEDIATE,
                &ca.intermediate.certificate,
                &ca.intermediate.key,
                layout::cert(layout::EVENT_GRID_INTERMEDIATE_STEM),
            )?);
        }
        for client in &self.clients {
            let path = layout::cert(&layout::event_grid_client_stem(&client.entry.name));
            out.push(ChainEntry::new(role::CLIENT, &client.issued.certificate, &client.issued.key, path)?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_764_000_000;

    fn spec(validation: ValidationScheme, clients: &[&str]) -> EventGridSpec {
        EventGridSpec {
            validation,
            clients: clients.iter().map(|c| c.to_string()).collect(),
            ca_key_password: None,
            ..EventGridSpec::default()
        }
    }

    #[test]
    fn thumbprint_clients_have_no_ca() {
        let made = EventGridClients::build(spec(ValidationScheme::Thumbprint, &["meter-1"]), None, NOW).unwrap();
        assert!(made.ca.is_none());
        let files = made.files().unwrap();
        assert!(files.iter().all(|f| !f.path.contains("event-grid.root")));
        let script = String::from_utf8(files.iter().find(|f| f.path == layout::EVENT_GRID_AZ_CLI).unwrap().contents.clone()).unwrap();
        let thumbprint = made.registrations().unwrap()[0].thumbprint.clone().unwrap();
        assert_eq!(thumbprint.len(), 64);
        assert!(script.contains(&format!("allowed-thumbprints:[{thumbprint}]")) && !script.contains("ca-certificate"), "{script}");
    }

    #[test]
    fn fields_are_checked_by_name() {
        let field = |s: EventGridSpec| EventGridClients::build(s, None, NOW).err().unwrap().field.unwrap();
        assert_eq!(
            field(EventGridSpec { ca_certificate_name: "a b".into(), ..spec(ValidationScheme::Subject, &["x"]) }),
            "caCertificateName"
        );
        assert_eq!(field(EventGridSpec { namespace: Some("ns'; rm".into()), ..spec(ValidationScheme::Subject, &["x"]) }), "namespace");
        assert_eq!(
            field(EventGridSpec { resource_group: Some("rg\n".into()), ..spec(ValidationScheme::Subject, &["x"]) }),
            "resourceGroup"
        );
        assert_eq!(field(EventGridSpec { mqtt_hostname: Some("a_b".into()), ..spec(ValidationScheme::Subject, &["x"]) }), "mqttHostname");
        assert_eq!(field(spec(ValidationScheme::Uri, &[&"a".repeat(65)])), "clients");
    }
}
