//! Where each file goes: the folder layout and names of the tutorial
//! (`certs/`, `private/`, `csr/`) plus the studio's `snippets/`.

pub const ROOT_STEM: &str = "azure-iot-test-only.root.ca";
pub const CHAIN_CA_CERT: &str = "certs/azure-iot-test-only.chain.ca.cert.pem";

/// The first line of a batch's `devices.csv` (CRLF: spreadsheets on Windows read it).
pub const DEVICES_CSV_HEADER: &str = "registrationId,thumbprintSha1,thumbprintSha256,notAfter\r\n";

/// `azure-iot-test-only.intermediate`, or `…intermediate-N` (1 = signed by the
/// root) when the chain has several.
pub fn intermediate_stem(index: usize, count: usize) -> String {
    if count == 1 { "azure-iot-test-only.intermediate".into() } else { format!("azure-iot-test-only.intermediate-{}", index + 1) }
}

use crate::rules::names::RegistrationId;

/// Any name as a file stem: what Windows and shells take without quoting
/// (letters, digits, `-`, `.`, `_`; anything else becomes `_`).
pub fn file_stem(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_') { c } else { '_' }).collect()
}

/// The folders a device's files go to (its certificates, key, CSR and snippets).
pub const DEVICE_FOLDERS: [&str; 4] = ["certs", "private", "csr", "snippets"];

pub fn cert(stem: &str) -> String {
    format!("certs/{stem}.cert.pem")
}

pub fn full_chain(stem: &str) -> String {
    format!("certs/{stem}-full-chain.cert.pem")
}

pub fn key(stem: &str) -> String {
    format!("private/{stem}.key.pem")
}

pub fn csr(stem: &str) -> String {
    format!("csr/{stem}.csr.pem")
}

/// A CSR as Azure Device Registry takes it from a device: one line of base64 DER.
pub fn csr_base64(stem: &str) -> String {
    format!("csr/{stem}.csr.b64")
}

/// A CA chain file: the certificate, then its issuers up to the root.
pub fn chain(stem: &str) -> String {
    format!("certs/{stem}.chain.cert.pem")
}

pub fn snippet(stem: &str, sample_file: &str) -> String {
    format!("snippets/{stem}.{sample_file}")
}

/// The root as DER, named as the PowerShell tutorial names it.
pub const ROOT_CER: &str = "certs/RootCA.cer";
/// The tutorial's PFX of the root's key and certificate, for the Windows store.
pub const ROOT_PFX: &str = "certs/root.pfx";

/// Any certificate as DER, for Windows.
pub fn der_cert(stem: &str) -> String {
    format!("certs/{stem}.cer")
}

/// `intermediate.pfx`, or `intermediate-N.pfx` when the chain has several.
pub fn intermediate_pfx(index: usize, count: usize) -> String {
    if count == 1 { "certs/intermediate.pfx".into() } else { format!("certs/intermediate-{}.pfx", index + 1) }
}

/// The device's key and full chain as PKCS#12 (the C# sample).
pub fn full_chain_pfx(stem: &str) -> String {
    format!("certs/{stem}-full-chain.cert.pfx")
}

/// iotedge `certGen.sh`'s PFX of a key with its certificate and issuers.
pub fn cert_pfx(stem: &str) -> String {
    format!("certs/{stem}.cert.pfx")
}

/// iotedge `certGen.sh` prefixes.
pub const EDGE_INTERMEDIATE_STEM: &str = "azure-iot-test-only.intermediate";

pub const EDGE_DEVICE_CA_PREFIX: &str = "iot-edge-device-ca-";
pub const EDGE_IDENTITY_PREFIX: &str = "iot-edge-device-identity-";
pub const EDGE_SERVER_PREFIX: &str = "iot-edge-server-";

pub fn edge_device_ca_stem(device: &RegistrationId) -> String {
    format!("{EDGE_DEVICE_CA_PREFIX}{}", device.stem())
}

pub fn edge_identity_stem(device: &RegistrationId) -> String {
    format!("{EDGE_IDENTITY_PREFIX}{}", device.stem())
}

/// A DNS name (checked) as a stem: a wildcard's `*` becomes `_`.
pub fn edge_server_stem(host_name: &str) -> String {
    format!("{EDGE_SERVER_PREFIX}{}", file_stem(host_name))
}

/// The stem of an IoT Edge device's `config.toml` snippet.
pub fn edge_config_stem(device: &RegistrationId) -> String {
    format!("iot-edge-{}", device.stem())
}

/// Event Grid's MQTT broker: the CA pair's stems (the intermediate is the
/// certificate uploaded to the namespace), each client's files at its
/// client name's stem, and the az script that registers them.
pub const EVENT_GRID_ROOT_STEM: &str = "event-grid.root.ca";
pub const EVENT_GRID_INTERMEDIATE_STEM: &str = "event-grid.intermediate.ca";
pub const EVENT_GRID_AZ_CLI: &str = "snippets/event-grid.az-cli.sh";
pub const MOSQUITTO_PUB: &str = "mosquitto_pub.sh";
pub const PAHO_CLIENT: &str = "paho_client.py";

/// `certs/<client>.cert.pem` and the rest of a client's files take this stem.
pub fn event_grid_client_stem(client: &crate::rules::event_grid::ClientName) -> String {
    client.stem()
}

/// `README.txt` at the ZIP's root: every file, what it is, where it goes.
pub const README: &str = "README.txt";
/// A batch's list of devices and thumbprints.
pub const DEVICES_CSV: &str = "devices.csv";
/// Renewed devices: old → new thumbprints.
pub const RENEWED_CSV: &str = "renewed.csv";
/// certGen.sh's name for the proof-of-possession certificate.
pub const VERIFICATION_STEM: &str = "verification-code";

/// The SDK sample each snippet file is for: `snippets/<stem>.<sample>`.
pub const CUSTOM_HSM_SAMPLE: &str = "custom_hsm_example.c";
pub const IOTHUB_X509_SAMPLE: &str = "iothub_ll_client_x509_sample.c";
pub const JAVA_SAMPLE: &str = "ProvisioningX509Sample.java";
pub const PYTHON_ENV_SH: &str = "provision_x509.py.env.sh";
pub const PYTHON_ENV_CMD: &str = "provision_x509.py.env.cmd";
pub const NODE_ENV_SH: &str = "register_x509.js.env.sh";
pub const NODE_ENV_CMD: &str = "register_x509.js.env.cmd";
pub const DOTNET_RUN_SH: &str = "dotnet-run.sh";
pub const DOTNET_RUN_CMD: &str = "dotnet-run.cmd";
pub const POWERSHELL_ENROLLMENT: &str = "Add-AzIoTDeviceProvisioningServiceEnrollment.ps1";
pub const EDGE_CONFIG: &str = "config.toml";
/// The enrollment group's commands: `snippets/enrollment-group.<sample>`.
pub const ENROLLMENT_GROUP_STEM: &str = "enrollment-group";
pub const ENROLLMENT_GROUP_AZ: &str = "az-cli.sh";
pub const ENROLLMENT_GROUP_POWERSHELL: &str = "Add-AzIoTDeviceProvisioningServiceEnrollmentGroup.ps1";

/// Azure IoT Operations' MQTT broker: the client CA chain's stems and the
/// snippets, `snippets/iot-operations.<sample>`.
pub const IOT_OPERATIONS_ROOT_STEM: &str = "iot-operations-client.root.ca";
pub const IOT_OPERATIONS_INTERMEDIATE_STEM: &str = "iot-operations-client.intermediate";
pub const IOT_OPERATIONS_STEM: &str = "iot-operations";
pub const IOT_OPERATIONS_CONFIGMAP: &str = "client-ca.configmap.sh";
pub const IOT_OPERATIONS_BROKER_AUTHENTICATION: &str = "broker-authentication.yaml";
pub const IOT_OPERATIONS_AZ: &str = "az-cli.sh";
pub const IOT_OPERATIONS_MOSQUITTO: &str = "mosquitto_pub.sh";
/// The key the client CA has in its ConfigMap, as the tutorial names it.
pub const IOT_OPERATIONS_CONFIGMAP_KEY: &str = "client_ca.pem";

/// Azure Device Registry: `snippets/device-registry.<sample>`.
pub const DEVICE_REGISTRY_STEM: &str = "device-registry";
pub const DEVICE_REGISTRY_ROOT_STEM: &str = "device-registry.root.ca";
pub const DEVICE_REGISTRY_POLICY_AZ: &str = "policy.az-cli.sh";
pub const DEVICE_REGISTRY_ACTIVATE_AZ: &str = "activate-policy.az-cli.sh";
pub const DEVICE_REGISTRY_ENROLLMENT_AZ: &str = "enrollment.az-cli.sh";

/// Every snippet file's sample, as the page's snippet tabs show them:
/// `(id, tab label, sample file)`, in the tabs' order.
pub const SNIPPET_SAMPLES: [(&str, &str, &str); 13] = [
    ("c", "C", CUSTOM_HSM_SAMPLE),
    ("c-hub", "C IoT Hub", IOTHUB_X509_SAMPLE),
    ("java", "Java", JAVA_SAMPLE),
    ("python-sh", "Python · bash", PYTHON_ENV_SH),
    ("python-cmd", "Python · cmd", PYTHON_ENV_CMD),
    ("node-sh", "Node · bash", NODE_ENV_SH),
    ("node-cmd", "Node · cmd", NODE_ENV_CMD),
    ("dotnet-sh", "C# · bash", DOTNET_RUN_SH),
    ("dotnet-cmd", "C# · cmd", DOTNET_RUN_CMD),
    ("powershell", "PowerShell", POWERSHELL_ENROLLMENT),
    ("edge", "IoT Edge config.toml", EDGE_CONFIG),
    ("group-az", "Enrollment group · az", ENROLLMENT_GROUP_AZ),
    ("group-powershell", "Enrollment group · PowerShell", ENROLLMENT_GROUP_POWERSHELL),
];

/// [`SNIPPET_SAMPLES`] as JSON: `[{"id":…,"tab":…,"sample":…}]`.
pub fn snippet_samples_json() -> String {
    use crate::output::quote::json;
    let items: Vec<String> = SNIPPET_SAMPLES
        .iter()
        .map(|(id, tab, sample)| format!(r#"{{"id":{},"tab":{},"sample":{}}}"#, json(id), json(tab), json(sample)))
        .collect();
    format!("[{}]", items.join(","))
}

/// What a certificate is for in what the studio makes, as JS and the files' README name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CertificateRole {
    Root,
    Intermediate,
    Device,
    EdgeCa,
    EdgeIdentity,
    EdgeServer,
    Primary,
    Secondary,
    Verification,
    /// An MQTT broker's client (IoT Operations, Event Grid).
    Client,
}

impl CertificateRole {
    /// Every role, for the check that the TypeScript union lists the same.
    pub const ALL: [CertificateRole; 10] = [
        Self::Root,
        Self::Intermediate,
        Self::Device,
        Self::EdgeCa,
        Self::EdgeIdentity,
        Self::EdgeServer,
        Self::Primary,
        Self::Secondary,
        Self::Verification,
        Self::Client,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Root => "root",
            Self::Intermediate => "intermediate",
            Self::Device => "device",
            Self::EdgeCa => "edge-ca",
            Self::EdgeIdentity => "edge-identity",
            Self::EdgeServer => "edge-server",
            Self::Primary => "primary",
            Self::Secondary => "secondary",
            Self::Verification => "verification",
            Self::Client => "client",
        }
    }

    /// The role JS names, or an error naming `field`.
    pub fn parse(field: &str, text: &str) -> crate::error::Result<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text).ok_or_else(|| {
            crate::error::StudioError::field(field, format!("\"{}\" is not a certificate role.", crate::x509::text::visible(text)))
        })
    }
}

impl std::fmt::Display for CertificateRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for CertificateRole {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for CertificateRole {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse("role", &text).map_err(|e| serde::de::Error::custom(e.message))
    }
}

/// The roles by short names, as products write them.
pub mod role {
    use super::CertificateRole;

    pub const ROOT: CertificateRole = CertificateRole::Root;
    pub const INTERMEDIATE: CertificateRole = CertificateRole::Intermediate;
    pub const DEVICE: CertificateRole = CertificateRole::Device;
    pub const EDGE_CA: CertificateRole = CertificateRole::EdgeCa;
    pub const EDGE_IDENTITY: CertificateRole = CertificateRole::EdgeIdentity;
    pub const EDGE_SERVER: CertificateRole = CertificateRole::EdgeServer;
    pub const PRIMARY: CertificateRole = CertificateRole::Primary;
    pub const SECONDARY: CertificateRole = CertificateRole::Secondary;
    pub const VERIFICATION: CertificateRole = CertificateRole::Verification;
    pub const CLIENT: CertificateRole = CertificateRole::Client;
}
