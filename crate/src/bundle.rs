//! The files of one download, collected in order, with the snippets every
//! device gets and the README that closes the list.

use der::Encode;
use x509_cert::Certificate;

use crate::archive::OutputFile;
use crate::error::{Result, StudioError};
use crate::readme::readme;
use crate::snippets::{self, SnippetSettings};

#[derive(Default)]
pub struct Bundle {
    files: Vec<OutputFile>,
}

impl Bundle {
    pub fn text(&mut self, path: String, contents: &str, description: String) {
        self.files.push(OutputFile { path, contents: contents.as_bytes().to_vec(), description, secret: false });
    }

    /// A file holding a private key: written owner-read-only.
    pub fn secret(&mut self, path: String, contents: Vec<u8>, description: String) {
        self.files.push(OutputFile { path, contents, description, secret: true });
    }

    /// The certificate as DER (`.cer`), which Windows opens with a double-click.
    pub fn der_certificate(&mut self, path: String, certificate: &Certificate, description: String) -> Result<()> {
        let der = certificate.to_der().map_err(|e| StudioError::internal("Certificate encoding", e))?;
        self.files.push(OutputFile { path, contents: der, description, secret: false });
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The files added after the first `count`.
    pub fn files_since(&self, count: usize) -> &[OutputFile] {
        &self.files[count..]
    }

    /// The files, without a README.
    pub fn into_files(self) -> Vec<OutputFile> {
        self.files
    }

    /// Every file, then `README.txt` describing them.
    pub fn finish(mut self, title: &str) -> Result<Vec<OutputFile>> {
        let readme = readme(title, &self.files)?;
        self.files.push(readme);
        Ok(self.files)
    }
}

/// Where one device's material lies in the ZIP, and its PEM text.
pub struct DeviceMaterial<'a> {
    pub registration_id: &'a str,
    /// The stem the snippet files are named after.
    pub stem: &'a str,
    /// What the device presents: its full chain (or its own certificate when self-signed).
    pub chain_path: &'a str,
    pub chain_pem: &'a str,
    pub key_path: &'a str,
    /// Unencrypted, as the samples need it.
    pub key_pem: &'a str,
    pub pfx_path: &'a str,
}

/// The snippets for the C, Python, Node and C# samples.
pub fn device_snippets(bundle: &mut Bundle, settings: &SnippetSettings, pfx_password: &str, device: &DeviceMaterial<'_>) {
    let id = device.registration_id;
    let path = |sample: &str| crate::layout::snippet(device.stem, sample);
    bundle.text(
        path("custom_hsm_example.c"),
        &snippets::custom_hsm_example_c(id, device.chain_pem, device.key_pem),
        format!("C constants for the DPS sample custom_hsm_example.c ({id}): paste over the sample's."),
    );
    bundle.text(
        path("iothub_ll_client_x509_sample.c"),
        &snippets::iothub_ll_client_x509_sample_c(settings, id, device.chain_pem, device.key_pem),
        format!("C declarations for the IoT Hub sample iothub_ll_client_x509_sample.c ({id}): paste over the sample's."),
    );
    let python = snippets::python_env(settings, id, device.chain_path, device.key_path);
    bundle.text(path("provision_x509.py.env.sh"), &python.bash, format!("bash exports for the Python sample provision_x509.py ({id})."));
    bundle.text(path("provision_x509.py.env.cmd"), &python.cmd, format!("Windows cmd settings for the Python sample provision_x509.py ({id})."));
    let node = snippets::node_env(settings, id, device.chain_path, device.key_path);
    bundle.text(path("register_x509.js.env.sh"), &node.bash, format!("bash exports for the Node sample register_x509.js ({id})."));
    bundle.text(path("register_x509.js.env.cmd"), &node.cmd, format!("Windows cmd settings for the Node sample register_x509.js ({id})."));
    let dotnet = snippets::dotnet_run(settings, device.pfx_path, pfx_password);
    bundle.text(path("dotnet-run.sh"), &dotnet.bash, format!("The C# X509Sample command line, bash ({id})."));
    bundle.text(path("dotnet-run.cmd"), &dotnet.cmd, format!("The C# X509Sample command line, Windows cmd ({id})."));
}
