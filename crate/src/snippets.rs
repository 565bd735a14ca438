//! Quoted-string snippets for the SDK samples. Each constant, once the
//! compiler joins its string literals, is the PEM file's text: every line but
//! the last ends in `\n`, exactly as the tutorial's `sed` writes it.

/// PEM text as adjacent string literals, one per line, each line but the last
/// ending in `\n`; `joiner` goes between literals (`""` for C, `" +"` for Java).
fn string_literal_lines(pem: &str, joiner: &str) -> String {
    let lines: Vec<&str> = pem.lines().collect();
    let mut out = String::with_capacity(pem.len() + lines.len() * 8);
    for (i, line) in lines.iter().enumerate() {
        let escaped = line.replace('\\', "\\\\").replace('"', "\\\"");
        if i + 1 < lines.len() {
            out.push_str(&format!("\"{escaped}\\n\"{joiner}\n"));
        } else {
            out.push_str(&format!("\"{escaped}\""));
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
}
