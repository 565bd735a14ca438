//! Snippets for the SDK samples and tools. Quoted-string constants (C, Java)
//! join, once the compiler concatenates their literals, to the PEM file's
//! text: every line but the last ends in `\n`, exactly as the tutorial's `sed`
//! writes it. File paths (Python, Node, C#, IoT Edge, PowerShell) are the
//! ZIP's paths under the folder the user names, or a plain placeholder.

use crate::error::{Result, StudioError};
use crate::output::quote::{self, Unquotable, c_string, java_string, literal_lines};
use crate::rules::names::RegistrationId;

/// The `custom_hsm_example.c` constants for one device.
pub fn custom_hsm_example_c(registration_id: &RegistrationId, full_chain_pem: &str, private_key_pem: &str) -> String {
    format!(
        "// Constants for azure-iot-sdk-c provisioning_client/samples/custom_hsm_example/custom_hsm_example.c\n\
         // CERTIFICATE is the full chain: device, intermediate(s), root.\n\
         static const char* const COMMON_NAME = {};\n\
         static const char* const CERTIFICATE = {};\n\
         static const char* const PRIVATE_KEY = {};\n",
        c_string(registration_id.as_str()),
        literal_lines(full_chain_pem, c_string, ""),
        literal_lines(private_key_pem, c_string, ""),
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
        let constant = |name: &str, pem: &str| format!("private static final String {name} = {};\n", literal_lines(pem, java_string, " +"));
        let mut constants = constant("leafPublicPem", device_pem);
        constants.push_str(&constant("leafPrivateKeyPem", private_key_pem));
        constants.push_str(&constant("rootPublicPem", root_pem));
        for (i, pem) in intermediates.iter().enumerate() {
            constants.push_str(&constant(&java_intermediate_name(i, intermediates.len()), pem));
        }
        let mut signer_list = String::new();
        for i in (0..intermediates.len()).rev() {
            signer_list.push_str(&format!("signerCertificatePemList.add({});\n", java_intermediate_name(i, intermediates.len())));
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

/// The error for a value a Windows `cmd` snippet can't hold, naming the
/// field and the files.
pub fn cmd_cannot_hold(field: &str, label: &str, bad: &Unquotable) -> StudioError {
    StudioError::field(
        field,
        format!(
            "{label} contains {}, which the Windows cmd snippets (snippets/<registration-id>.*.cmd) can't hold safely: cmd has no way to quote \" % ! or control characters. Choose one without them.",
            bad.shown()
        ),
    )
}

/// The PFX password as the C# sample's Windows `cmd` line must hold it.
pub fn check_pfx_password_for_cmd(password: &str) -> Result<()> {
    quote::cmd_check(password).map_err(|bad| cmd_cannot_hold("pfxPassword", "The PFX password", &bad))
}

impl SnippetSettings {
    /// Every filled field must be safe to paste into a shell, TOML or C.
    pub fn validate(&self) -> Result<()> {
        if let Some(scope) = filled(&self.id_scope) {
            check_chars(
                "idScope",
                "The ID scope",
                scope,
                |c| c.is_ascii_alphanumeric(),
                "a DPS ID scope (like 0ne00000A0A) has only letters and digits.",
            )?;
        }
        if let Some(hub) = filled(&self.hub_name) {
            check_chars(
                "hubName",
                "The IoT hub name",
                hub,
                |c| c.is_ascii_alphanumeric() || c == '-' || c == '.',
                "an IoT hub name has only letters, digits and -.",
            )?;
        }
        if let Some(dps) = filled(&self.dps_name) {
            check_chars(
                "dpsName",
                "The DPS name",
                dps,
                |c| c.is_ascii_alphanumeric() || c == '-',
                "a DPS name has only letters, digits and -.",
            )?;
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
            quote::cmd_check(folder).map_err(|bad| cmd_cannot_hold("folder", "The folder", &bad))?;
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

    /// An absolute `file://` URI for a ZIP path (IoT Edge on Linux): every
    /// byte but letters, digits and `- . _ ~ / :` percent-encoded.
    pub fn file_uri(&self, zip_path: &str) -> String {
        let path = self.posix_path(zip_path).replace('\\', "/");
        let path = if path.starts_with('/') { path } else { format!("/{path}") };
        let mut uri = String::from("file://");
        for byte in path.bytes() {
            // `<` `>` stay as they are, so a placeholder reads as one.
            if byte.is_ascii_alphanumeric() || b"-._~/:<>".contains(&byte) {
                uri.push(char::from(byte));
            } else {
                uri.push_str(&format!("%{byte:02X}"));
            }
        }
        uri
    }
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

fn env_blocks(settings: &SnippetSettings, sample: &str, vars: &[(&str, EnvValue<'_>)]) -> Result<EnvBlocks> {
    let cmd_set = |name: &str, value: &str| quote::cmd_set(name, value).map_err(|bad| cmd_cannot_hold(name, name, &bad));
    let mut bash = format!("# Environment for {sample} (bash; source this file or paste it)\n");
    let mut cmd = format!("rem Environment for {sample} (Windows cmd)\n");
    for (name, value) in vars {
        match value {
            EnvValue::Text(text) => {
                bash.push_str(&format!("export {name}={}\n", quote::sh(text)));
                cmd.push_str(&cmd_set(name, text)?);
                cmd.push('\n');
            }
            EnvValue::ZipPath(path) => {
                bash.push_str(&format!("export {name}={}\n", quote::sh(&settings.posix_path(path))));
                cmd.push_str(&cmd_set(name, &settings.windows_path(path))?);
                cmd.push('\n');
            }
            EnvValue::Unset(why) => {
                bash.push_str(&format!("unset {name}  # {why}\n"));
                cmd.push_str(&format!("rem {why}\n{}\n", cmd_set(name, "")?));
            }
        }
    }
    Ok(EnvBlocks { bash, cmd })
}

/// azure-iot-sdk-python `provision_x509.py`.
pub fn python_env(
    settings: &SnippetSettings,
    registration_id: &RegistrationId,
    full_chain_path: &str,
    key_path: &str,
) -> Result<EnvBlocks> {
    env_blocks(
        settings,
        "azure-iot-sdk-python samples/async-hub-scenarios/provision_x509.py",
        &[
            ("PROVISIONING_HOST", EnvValue::Text(PROVISIONING_HOST)),
            ("PROVISIONING_IDSCOPE", EnvValue::Text(settings.id_scope())),
            ("DPS_X509_REGISTRATION_ID", EnvValue::Text(registration_id.as_str())),
            ("X509_CERT_FILE", EnvValue::ZipPath(full_chain_path)),
            ("X509_KEY_FILE", EnvValue::ZipPath(key_path)),
            ("X509_PASS_PHRASE", EnvValue::Unset("the key file is not encrypted, so there is no pass phrase")),
        ],
    )
}

/// azure-iot-sdk-node `register_x509.js`.
pub fn node_env(settings: &SnippetSettings, registration_id: &RegistrationId, full_chain_path: &str, key_path: &str) -> Result<EnvBlocks> {
    env_blocks(
        settings,
        "azure-iot-sdk-node provisioning/device/samples/register_x509.js",
        &[
            ("PROVISIONING_HOST", EnvValue::Text(PROVISIONING_HOST)),
            ("PROVISIONING_IDSCOPE", EnvValue::Text(settings.id_scope())),
            ("PROVISIONING_REGISTRATION_ID", EnvValue::Text(registration_id.as_str())),
            ("CERTIFICATE_FILE", EnvValue::ZipPath(full_chain_path)),
            ("KEY_FILE", EnvValue::ZipPath(key_path)),
        ],
    )
}

/// The C# sample's command line, for bash and for Windows `cmd`.
pub fn dotnet_run(settings: &SnippetSettings, pfx_path: &str, pfx_password: &str) -> Result<EnvBlocks> {
    let sample = "azure-iot-sdk-csharp provisioning/device/samples/how to guides/X509Sample";
    let argument = |field: &str, label: &str, value: &str| quote::cmd_argument(value).map_err(|bad| cmd_cannot_hold(field, label, &bad));
    Ok(EnvBlocks {
        bash: format!(
            "# {sample} (bash)\ndotnet run -- -s {} -c {} -p {}\n",
            quote::sh(settings.id_scope()),
            quote::sh(&settings.posix_path(pfx_path)),
            quote::sh(pfx_password)
        ),
        cmd: format!(
            "rem {sample} (Windows cmd)\ndotnet run -- -s {} -c {} -p {}\n",
            argument("idScope", "The ID scope", settings.id_scope())?,
            argument("folder", "The folder", &settings.windows_path(pfx_path))?,
            argument("pfxPassword", "The PFX password", pfx_password)?
        ),
    })
}

/// Az.DeviceProvisioningServices: an individual enrollment for `registration_id`.
pub fn powershell_enrollment(
    settings: &SnippetSettings,
    registration_id: &RegistrationId,
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
        quote::powershell(filled(&settings.resource_group).unwrap_or(RESOURCE_GROUP_PLACEHOLDER)),
        quote::powershell(filled(&settings.dps_name).unwrap_or(DPS_NAME_PLACEHOLDER)),
        quote::powershell(registration_id.as_str()),
        quote::powershell(&settings.windows_path(primary_cert_path)),
    );
    if let Some(secondary) = secondary_cert_path {
        text.push_str(&format!(" `\n-SecondaryCertificate {}", quote::powershell(&settings.windows_path(secondary))));
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
        quote::sh(resource_group),
        quote::sh(dps),
        quote::sh(group),
        quote::sh(VERIFIED_CA_NAME_PLACEHOLDER),
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
        quote::powershell(resource_group),
        quote::powershell(dps),
        quote::powershell(group),
        quote::powershell(VERIFIED_CA_NAME_PLACEHOLDER),
    );
    if let Some(intermediate) = intermediate_cert_path {
        az.push_str(&format!(
            "# Or with the intermediate CA's certificate:\n\
             # az iot dps enrollment-group create --resource-group {} --dps-name {} --enrollment-id {} --certificate-path {}\n",
            quote::sh(resource_group),
            quote::sh(dps),
            quote::sh(group),
            quote::sh(&settings.posix_path(intermediate)),
        ));
        powershell.push_str(&format!(
            "# Or with the intermediate CA's certificate:\n\
             # Add-AzIoTDeviceProvisioningServiceEnrollmentGroup -ResourceGroupName {} -DpsName {} -Name {} -AttestationType X509 -PrimaryCertificate {}\n",
            quote::powershell(resource_group),
            quote::powershell(dps),
            quote::powershell(group),
            quote::powershell(&settings.windows_path(intermediate)),
        ));
    }
    EnrollmentGroupCommands { az, powershell }
}

/// The declarations of azure-iot-sdk-c `iothub_ll_client_x509_sample.c`.
pub fn iothub_ll_client_x509_sample_c(
    settings: &SnippetSettings,
    device_id: &RegistrationId,
    full_chain_pem: &str,
    private_key_pem: &str,
) -> String {
    format!(
        "// Declarations for azure-iot-sdk-c iothub_client/samples/iothub_ll_client_x509_sample/iothub_ll_client_x509_sample.c\n\
         // x509certificate is the full chain: device, intermediate(s), root.\n\
         static const char* connectionString = {};\n\
         static const char* x509certificate = {};\n\
         static const char* x509privatekey = {};\n",
        c_string(&format!("HostName={};DeviceId={device_id};x509=true", settings.hub_host_name())),
        literal_lines(full_chain_pem, c_string, ""),
        literal_lines(private_key_pem, c_string, ""),
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
pub fn edge_config_toml(settings: &SnippetSettings, registration_id: &RegistrationId, files: &EdgeConfigFiles<'_>) -> String {
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
        quote::toml(settings.id_scope()),
        quote::toml(registration_id.as_str()),
        quote::toml(&settings.file_uri(files.identity_full_chain)),
        quote::toml(&settings.file_uri(files.identity_key)),
    );
    if let Some((cert, key)) = files.edge_ca {
        text.push_str(&format!(
            "\n# The edge CA that issues the modules' server certificates.\n[edge_ca]\ncert = {}\npk = {}\n",
            quote::toml(&settings.file_uri(cert)),
            quote::toml(&settings.file_uri(key)),
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
        let text = literal_lines(pem, c_string, "");
        assert_eq!(text, "\"-----BEGIN X-----\\n\"\n\"AAAA\\n\"\n\"BBBB\\n\"\n\"-----END X-----\"");
        assert_eq!(joined(&text) + "\n", pem);
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
        assert_eq!(with(|s| s.folder = Some("C:\\50%".into())), "folder");
        assert_eq!(with(|s| s.folder = Some("C:\\hi!".into())), "folder");
    }

    #[test]
    fn a_pfx_password_cmd_cannot_hold_is_refused_at_its_field() {
        let error = dotnet_run(&SnippetSettings::default(), "certs/d.pfx", "p\"a&b%PATH%").err().unwrap();
        assert_eq!(error.field.as_deref(), Some("pfxPassword"));
        assert!(error.message.contains("'\"'") && error.message.contains(".cmd"), "{}", error.message);
        let fine = dotnet_run(&SnippetSettings::default(), "certs/d.pfx", "it's a&b").unwrap();
        assert!(fine.cmd.ends_with("-p \"it's a&b\"\n"), "{}", fine.cmd);
        assert!(fine.bash.ends_with("-p 'it'\\''s a&b'\n"), "{}", fine.bash);
    }
}
