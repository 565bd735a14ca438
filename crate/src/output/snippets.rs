//! Snippets for the SDK samples and tools. Quoted-string constants (C, Java)
//! join, once the compiler concatenates their literals, to the PEM file's
//! text: every line but the last ends in `\n`, exactly as the tutorial's `sed`
//! writes it. File paths (Python, Node, C#, IoT Edge, PowerShell) are the
//! ZIP's paths under the folder the user names, or a plain placeholder.

use crate::error::{Result, StudioError};

/// PEM text as adjacent string literals, one per line, each line but the last
/// ending in `\n`; `joiner` goes between literals (`""` for C, `" +"` for Java).
fn string_literal_lines(pem: &str, joiner: &str) -> String {
    let mut out = String::with_capacity(pem.len() * 9 / 8 + 8);
    let mut lines = pem.lines().peekable();
    while let Some(line) = lines.next() {
        out.push('"');
        let mut rest = line;
        // A byte search: both are ASCII, so any index found is a char boundary (and str's char-set find is slow).
        while let Some(at) = rest.bytes().position(|b| b == b'\\' || b == b'"') {
            out.push_str(&rest[..at]);
            out.push('\\');
            out.push_str(&rest[at..=at]);
            rest = &rest[at + 1..];
        }
        out.push_str(rest);
        if lines.peek().is_some() {
            out.push_str("\\n\"");
            out.push_str(joiner);
            out.push('\n');
        } else {
            out.push('"');
        }
    }
    out
}

/// The `custom_hsm_example.c` constants for one device.
pub fn custom_hsm_example_c(registration_id: &str, full_chain_pem: &str, private_key_pem: &str) -> String {
    format!(
        "// Constants for azure-iot-sdk-c provisioning_client/samples/custom_hsm_example/custom_hsm_example.c\n\
         // CERTIFICATE is the full chain: device, intermediate(s), root.\n\
         static const char* const COMMON_NAME = \"{registration_id}\";\n\
         static const char* const CERTIFICATE = {};\n\
         static const char* const PRIVATE_KEY = {};\n",
        string_literal_lines(full_chain_pem, ""),
        string_literal_lines(private_key_pem, ""),
    )
}

/// The Java name of the n-th signer (nearest the device first).
pub fn java_intermediate_name(index_from_root: usize, count: usize) -> String {
    if count == 1 { "intermediatePublicPem".into() } else { format!("intermediate{}PublicPem", index_from_root + 1) }
}

/// `ProvisioningX509Sample.java`: the string constants, and the
/// `signerCertificatePemList` lines that go into `main()`.
pub struct JavaSnippet {
    pub constants: String,
    pub signer_list: String,
}

impl JavaSnippet {
    /// `intermediates` run from the root down (the one the root signed first).
    pub fn new(device_pem: &str, private_key_pem: &str, root_pem: &str, intermediates: &[&str]) -> Self {
        let constant = |name: &str, pem: &str| {
            format!("private static final String {name} = {};\n", string_literal_lines(pem, " +"))
        };
        let mut constants = constant("leafPublicPem", device_pem);
        constants.push_str(&constant("leafPrivateKeyPem", private_key_pem));
        constants.push_str(&constant("rootPublicPem", root_pem));
        for (i, pem) in intermediates.iter().enumerate() {
            constants.push_str(&constant(&java_intermediate_name(i, intermediates.len()), pem));
        }
        let mut signer_list = String::new();
        for i in (0..intermediates.len()).rev() {
            signer_list.push_str(&format!(
                "signerCertificatePemList.add({});\n",
                java_intermediate_name(i, intermediates.len())
            ));
        }
        signer_list.push_str("signerCertificatePemList.add(rootPublicPem);\n");
        Self { constants, signer_list }
    }

    /// The whole snippet as one file.
    pub fn text(&self) -> String {
        format!(
            "// Constants for azure-iot-sdk-java provisioning-samples/provisioning-X509-sample/ProvisioningX509Sample.java\n\
             {}\n\
             // In main(), for an enrollment group: the signers, nearest the device first.\n\
             {}",
            self.constants, self.signer_list
        )
    }
}

pub const ID_SCOPE_PLACEHOLDER: &str = "<your-id-scope>";
pub const HUB_NAME_PLACEHOLDER: &str = "<your-hub-name>";
pub const FOLDER_PLACEHOLDER: &str = "<your-certificate-folder>";
pub const DPS_NAME_PLACEHOLDER: &str = "<your-dps-name>";
pub const RESOURCE_GROUP_PLACEHOLDER: &str = "<your-resource-group>";
pub const ENROLLMENT_GROUP_PLACEHOLDER: &str = "<your-enrollment-group>";
pub const VERIFIED_CA_NAME_PLACEHOLDER: &str = "<name-of-the-verified-root-in-dps>";
pub const PROVISIONING_HOST: &str = "global.azure-devices-provisioning.net";

/// The page's fields the snippets need; an empty one shows its placeholder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SnippetSettings {
    pub id_scope: Option<String>,
    /// An IoT Hub name (`my-hub`) or its host name (`my-hub.azure-devices.net`).
    pub hub_name: Option<String>,
    /// Where the ZIP is unpacked on the machine that runs the sample.
    pub folder: Option<String>,
    pub dps_name: Option<String>,
    pub resource_group: Option<String>,
}

fn filled(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn check_chars(field: &str, label: &str, value: &str, allowed: fn(char) -> bool, rule: &str) -> Result<()> {
    match value.chars().find(|&c| !allowed(c)) {
        Some(bad) => Err(StudioError::field(field, format!("{label} \"{value}\" contains {bad:?}; {rule}"))),
        None => Ok(()),
    }
}

impl SnippetSettings {
    /// Every filled field must be safe to paste into a shell, TOML or C.
    pub fn validate(&self) -> Result<()> {
        if let Some(scope) = filled(&self.id_scope) {
            check_chars("idScope", "The ID scope", scope, |c| c.is_ascii_alphanumeric(), "a DPS ID scope (like 0ne00000A0A) has only letters and digits.")?;
        }
        if let Some(hub) = filled(&self.hub_name) {
            check_chars("hubName", "The IoT hub name", hub, |c| c.is_ascii_alphanumeric() || c == '-' || c == '.', "an IoT hub name has only letters, digits and -.")?;
        }
        if let Some(dps) = filled(&self.dps_name) {
            check_chars("dpsName", "The DPS name", dps, |c| c.is_ascii_alphanumeric() || c == '-', "a DPS name has only letters, digits and -.")?;
        }
        if let Some(group) = filled(&self.resource_group) {
            check_chars(
                "resourceGroup",
                "The resource group",
                group,
                |c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '(' | ')'),
                "a resource group name has only letters, digits and - _ . ( ).",
            )?;
        }
        if let Some(folder) = filled(&self.folder) {
            check_chars(
                "folder",
                "The folder",
                folder,
                |c| !c.is_control() && c != '"' && c != '%',
                "a folder for the snippets may not hold control characters, \" or %, which break the command lines.",
            )?;
        }
        Ok(())
    }

    pub fn id_scope(&self) -> &str {
        filled(&self.id_scope).unwrap_or(ID_SCOPE_PLACEHOLDER)
    }

    /// `<hub>.azure-devices.net`, or the host name as given.
    pub fn hub_host_name(&self) -> String {
        match filled(&self.hub_name) {
            Some(hub) if hub.contains('.') => hub.to_string(),
            Some(hub) => format!("{hub}.azure-devices.net"),
            None => format!("{HUB_NAME_PLACEHOLDER}.azure-devices.net"),
        }
    }

    fn folder(&self) -> &str {
        filled(&self.folder).map_or(FOLDER_PLACEHOLDER, |f| f.trim_end_matches(['/', '\\']))
    }

    /// A ZIP path under the folder, with `/` (bash, Linux).
    pub fn posix_path(&self, zip_path: &str) -> String {
        format!("{}/{zip_path}", self.folder())
    }

    /// A ZIP path under the folder, with `\` (Windows `cmd`).
    pub fn windows_path(&self, zip_path: &str) -> String {
        format!("{}\\{}", self.folder(), zip_path.replace('/', "\\"))
    }

    /// An absolute `file://` URI for a ZIP path (IoT Edge on Linux).
    pub fn file_uri(&self, zip_path: &str) -> String {
        let path = self.posix_path(zip_path).replace('\\', "/");
        let path = if path.starts_with('/') { path } else { format!("/{path}") };
        let mut uri = String::from("file://");
        for c in path.chars() {
            match c {
                ' ' => uri.push_str("%20"),
                '#' => uri.push_str("%23"),
                '?' => uri.push_str("%3F"),
                _ => uri.push(c),
            }
        }
        uri
    }
}

/// `'text'` for bash: nothing inside single quotes is special but `'`.
fn bash_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// `"text"` for a C# argument in `cmd`: .NET reads `\"` as a quote.
fn cmd_argument(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\\\""))
}

/// `'text'` for PowerShell: inside single quotes only `'` is special, doubled.
fn powershell_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// One environment variable of a sample: a value, a path in the ZIP, or unset.
enum EnvValue<'a> {
    Text(&'a str),
    ZipPath(&'a str),
    /// Cleared, with the reason as a comment.
    Unset(&'a str),
}

/// The same variables as a bash `export` block and a Windows `set` block.
pub struct EnvBlocks {
    pub bash: String,
    pub cmd: String,
}

fn env_blocks(settings: &SnippetSettings, sample: &str, vars: &[(&str, EnvValue<'_>)]) -> EnvBlocks {
    let mut bash = format!("# Environment for {sample} (bash; source this file or paste it)\n");
    let mut cmd = format!("rem Environment for {sample} (Windows cmd)\n");
    for (name, value) in vars {
        match value {
            EnvValue::Text(text) => {
                bash.push_str(&format!("export {name}={}\n", bash_quoted(text)));
                cmd.push_str(&format!("set \"{name}={text}\"\n"));
            }
            EnvValue::ZipPath(path) => {
                bash.push_str(&format!("export {name}={}\n", bash_quoted(&settings.posix_path(path))));
                cmd.push_str(&format!("set \"{name}={}\"\n", settings.windows_path(path)));
            }
            EnvValue::Unset(why) => {
                bash.push_str(&format!("unset {name}  # {why}\n"));
                cmd.push_str(&format!("rem {why}\nset \"{name}=\"\n"));
            }
        }
    }
    EnvBlocks { bash, cmd }
}

/// azure-iot-sdk-python `provision_x509.py`.
pub fn python_env(settings: &SnippetSettings, registration_id: &str, full_chain_path: &str, key_path: &str) -> EnvBlocks {
    env_blocks(
        settings,
        "azure-iot-sdk-python samples/async-hub-scenarios/provision_x509.py",
        &[
            ("PROVISIONING_HOST", EnvValue::Text(PROVISIONING_HOST)),
            ("PROVISIONING_IDSCOPE", EnvValue::Text(settings.id_scope())),
            ("DPS_X509_REGISTRATION_ID", EnvValue::Text(registration_id)),
            ("X509_CERT_FILE", EnvValue::ZipPath(full_chain_path)),
            ("X509_KEY_FILE", EnvValue::ZipPath(key_path)),
            ("X509_PASS_PHRASE", EnvValue::Unset("the key file is not encrypted, so there is no pass phrase")),
        ],
    )
}

/// azure-iot-sdk-node `register_x509.js`.
pub fn node_env(settings: &SnippetSettings, registration_id: &str, full_chain_path: &str, key_path: &str) -> EnvBlocks {
    env_blocks(
        settings,
        "azure-iot-sdk-node provisioning/device/samples/register_x509.js",
        &[
            ("PROVISIONING_HOST", EnvValue::Text(PROVISIONING_HOST)),
            ("PROVISIONING_IDSCOPE", EnvValue::Text(settings.id_scope())),
            ("PROVISIONING_REGISTRATION_ID", EnvValue::Text(registration_id)),
            ("CERTIFICATE_FILE", EnvValue::ZipPath(full_chain_path)),
            ("KEY_FILE", EnvValue::ZipPath(key_path)),
        ],
    )
}

/// The C# sample's command line, for bash and for Windows `cmd`.
pub fn dotnet_run(settings: &SnippetSettings, pfx_path: &str, pfx_password: &str) -> EnvBlocks {
    let sample = "azure-iot-sdk-csharp provisioning/device/samples/how to guides/X509Sample";
    EnvBlocks {
        bash: format!(
            "# {sample} (bash)\ndotnet run -- -s {} -c {} -p {}\n",
            bash_quoted(settings.id_scope()),
            bash_quoted(&settings.posix_path(pfx_path)),
            bash_quoted(pfx_password)
        ),
        cmd: format!(
            "rem {sample} (Windows cmd)\ndotnet run -- -s {} -c {} -p {}\n",
            cmd_argument(settings.id_scope()),
            cmd_argument(&settings.windows_path(pfx_path)),
            cmd_argument(pfx_password)
        ),
    }
}

/// Az.DeviceProvisioningServices: an individual enrollment for `registration_id`.
pub fn powershell_enrollment(
    settings: &SnippetSettings,
    registration_id: &str,
    primary_cert_path: &str,
    secondary_cert_path: Option<&str>,
) -> String {
    let mut text = format!(
        "# Individual enrollment with X.509 attestation (Az.DeviceProvisioningServices)\n\
         Add-AzIoTDeviceProvisioningServiceEnrollment `\n\
         -ResourceGroupName {} `\n\
         -DpsName {} `\n\
         -RegistrationId {} `\n\
         -AttestationType X509 `\n\
         -PrimaryCertificate {}",
        powershell_quoted(filled(&settings.resource_group).unwrap_or(RESOURCE_GROUP_PLACEHOLDER)),
        powershell_quoted(filled(&settings.dps_name).unwrap_or(DPS_NAME_PLACEHOLDER)),
        powershell_quoted(registration_id),
        powershell_quoted(&settings.windows_path(primary_cert_path)),
    );
    if let Some(secondary) = secondary_cert_path {
        text.push_str(&format!(" `\n-SecondaryCertificate {}", powershell_quoted(&settings.windows_path(secondary))));
    }
    text.push('\n');
    text
}

/// An enrollment group for every device of a chain, with the Azure CLI
/// (`az iot dps enrollment-group create`, bash) and with PowerShell
/// (Az.DeviceProvisioningServices): either with the root uploaded and
/// verified in DPS (as the tutorial does), or with the intermediate's
/// certificate file.
pub struct EnrollmentGroupCommands {
    pub az: String,
    pub powershell: String,
}

pub fn enrollment_group_commands(settings: &SnippetSettings, intermediate_cert_path: Option<&str>) -> EnrollmentGroupCommands {
    let group = ENROLLMENT_GROUP_PLACEHOLDER;
    let resource_group = filled(&settings.resource_group).unwrap_or(RESOURCE_GROUP_PLACEHOLDER);
    let dps = filled(&settings.dps_name).unwrap_or(DPS_NAME_PLACEHOLDER);
    let mut az = format!(
        "# An enrollment group with X.509 attestation (az iot dps, azure-iot extension).\n\
         # With the root CA uploaded to DPS -> Certificates and verified (proof of possession):\n\
         az iot dps enrollment-group create --resource-group {} --dps-name {} --enrollment-id {} --ca-name {}\n",
        bash_quoted(resource_group),
        bash_quoted(dps),
        bash_quoted(group),
        bash_quoted(VERIFIED_CA_NAME_PLACEHOLDER),
    );
    let mut powershell = format!(
        "# An enrollment group with X.509 attestation (Az.DeviceProvisioningServices).\n\
         # With the root CA uploaded to DPS -> Certificates and verified (proof of possession):\n\
         Add-AzIoTDeviceProvisioningServiceEnrollmentGroup `\n\
         -ResourceGroupName {} `\n\
         -DpsName {} `\n\
         -Name {} `\n\
         -AttestationType X509 `\n\
         -RootCertificate `\n\
         -PrimaryCAName {}\n",
        powershell_quoted(resource_group),
        powershell_quoted(dps),
        powershell_quoted(group),
        powershell_quoted(VERIFIED_CA_NAME_PLACEHOLDER),
    );
    if let Some(intermediate) = intermediate_cert_path {
        az.push_str(&format!(
            "# Or with the intermediate CA's certificate:\n\
             # az iot dps enrollment-group create --resource-group {} --dps-name {} --enrollment-id {} --certificate-path {}\n",
            bash_quoted(resource_group),
            bash_quoted(dps),
            bash_quoted(group),
            bash_quoted(&settings.posix_path(intermediate)),
        ));
        powershell.push_str(&format!(
            "# Or with the intermediate CA's certificate:\n\
             # Add-AzIoTDeviceProvisioningServiceEnrollmentGroup -ResourceGroupName {} -DpsName {} -Name {} -AttestationType X509 -PrimaryCertificate {}\n",
            powershell_quoted(resource_group),
            powershell_quoted(dps),
            powershell_quoted(group),
            powershell_quoted(&settings.windows_path(intermediate)),
        ));
    }
    EnrollmentGroupCommands { az, powershell }
}

/// The declarations of azure-iot-sdk-c `iothub_ll_client_x509_sample.c`.
pub fn iothub_ll_client_x509_sample_c(
    settings: &SnippetSettings,
    device_id: &str,
    full_chain_pem: &str,
    private_key_pem: &str,
) -> String {
    format!(
        "// Declarations for azure-iot-sdk-c iothub_client/samples/iothub_ll_client_x509_sample/iothub_ll_client_x509_sample.c\n\
         // x509certificate is the full chain: device, intermediate(s), root.\n\
         static const char* connectionString = \"HostName={};DeviceId={device_id};x509=true\";\n\
         static const char* x509certificate = {};\n\
         static const char* x509privatekey = {};\n",
        settings.hub_host_name(),
        string_literal_lines(full_chain_pem, ""),
        string_literal_lines(private_key_pem, ""),
    )
}

/// The paths an IoT Edge `config.toml` names.
pub struct EdgeConfigFiles<'a> {
    pub identity_full_chain: &'a str,
    pub identity_key: &'a str,
    /// The device CA's full chain and key, for `[edge_ca]`.
    pub edge_ca: Option<(&'a str, &'a str)>,
}

/// The `[provisioning]` section of `/etc/aziot/config.toml` (IoT Edge 1.2+).
pub fn edge_config_toml(settings: &SnippetSettings, registration_id: &str, files: &EdgeConfigFiles<'_>) -> String {
    let mut text = format!(
        "# /etc/aziot/config.toml: DPS provisioning with an X.509 certificate.\n\
         # Copy the files to these paths on the device, then run: sudo iotedge config apply\n\
         [provisioning]\n\
         source = \"dps\"\n\
         global_endpoint = \"https://{PROVISIONING_HOST}\"\n\
         id_scope = {}\n\
         \n\
         [provisioning.attestation]\n\
         method = \"x509\"\n\
         registration_id = {}\n\
         identity_cert = {}\n\
         identity_pk = {}\n",
        toml_string(settings.id_scope()),
        toml_string(registration_id),
        toml_string(&settings.file_uri(files.identity_full_chain)),
        toml_string(&settings.file_uri(files.identity_key)),
    );
    if let Some((cert, key)) = files.edge_ca {
        text.push_str(&format!(
            "\n# The edge CA that issues the modules' server certificates.\n[edge_ca]\ncert = {}\npk = {}\n",
            toml_string(&settings.file_uri(cert)),
            toml_string(&settings.file_uri(key)),
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a C or Java compiler makes of adjacent literals (no escapes but \n in PEM).
    fn joined(literals: &str) -> String {
        let mut out = String::new();
        for part in literals.split('"').skip(1).step_by(2) {
            out.push_str(&part.replace("\\n", "\n"));
        }
        out
    }

    #[test]
    fn c_literals_join_to_the_pem_without_its_last_newline() {
        let pem = "-----BEGIN X-----\nAAAA\nBBBB\n-----END X-----\n";
        let text = string_literal_lines(pem, "");
        assert_eq!(text, "\"-----BEGIN X-----\\n\"\n\"AAAA\\n\"\n\"BBBB\\n\"\n\"-----END X-----\"");
        assert_eq!(joined(&text) + "\n", pem);
        // Quotes and backslashes (never in PEM, but in anything else quoted) are escaped.
        assert_eq!(string_literal_lines("a\"b\\c\nd", " +"), "\"a\\\"b\\\\c\\n\" +\n\"d\"");
    }

    #[test]
    fn java_signers_are_nearest_first_then_root() {
        let s = JavaSnippet::new("D\n", "K\n", "R\n", &["I1\n", "I2\n"]);
        assert_eq!(
            s.signer_list,
            "signerCertificatePemList.add(intermediate2PublicPem);\nsignerCertificatePemList.add(intermediate1PublicPem);\nsignerCertificatePemList.add(rootPublicPem);\n"
        );
        let one = JavaSnippet::new("D\n", "K\n", "R\n", &["I\n"]);
        assert!(one.constants.contains("private static final String intermediatePublicPem = \"I\";"));
        assert!(one.constants.contains("private static final String leafPrivateKeyPem = \"K\";"));
    }

    #[test]
    fn placeholders_until_filled() {
        let empty = SnippetSettings::default();
        assert_eq!(empty.id_scope(), "<your-id-scope>");
        assert_eq!(empty.hub_host_name(), "<your-hub-name>.azure-devices.net");
        assert_eq!(empty.posix_path("certs/a.pem"), "<your-certificate-folder>/certs/a.pem");
        let set = SnippetSettings {
            id_scope: Some("0ne00000A0A".into()),
            hub_name: Some("my-hub".into()),
            folder: Some("C:\\certs\\".into()),
            ..Default::default()
        };
        set.validate().unwrap();
        assert_eq!(set.windows_path("certs/a.pem"), "C:\\certs\\certs\\a.pem");
        assert_eq!(set.hub_host_name(), "my-hub.azure-devices.net");
        assert_eq!(set.file_uri("certs/a b.pem"), "file:///C:/certs/certs/a%20b.pem");
    }

    #[test]
    fn unsafe_fields_are_refused_by_name() {
        let with = |f: fn(&mut SnippetSettings)| {
            let mut s = SnippetSettings::default();
            f(&mut s);
            s.validate().unwrap_err().field.unwrap()
        };
        assert_eq!(with(|s| s.id_scope = Some("0ne 1".into())), "idScope");
        assert_eq!(with(|s| s.hub_name = Some("hub;x509=false".into())), "hubName");
        assert_eq!(with(|s| s.folder = Some("/tmp/\"x".into())), "folder");
        assert_eq!(with(|s| s.dps_name = Some("a'b".into())), "dpsName");
    }

    #[test]
    fn shell_quoting_survives_quotes() {
        assert_eq!(bash_quoted("it's"), "'it'\\''s'");
        assert_eq!(powershell_quoted("it's"), "'it''s'");
        assert_eq!(toml_string("a\"b\\"), "\"a\\\"b\\\\\"");
    }
}
