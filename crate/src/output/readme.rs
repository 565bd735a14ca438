//! `README.txt` at the ZIP's root: each file, what it is, where it goes, and
//! the thumbprints a person compares with the Azure portal.

use std::borrow::Cow;

use crate::error::Result;
use crate::output::file::OutputFile;
use crate::output::layout::README;
use crate::x509::facts::{thumbprint_sha1_of_der, thumbprint_sha256_of_der};
use crate::x509::text::visible;

/// The DER of the certificate a file holds on its own (`*.cert.pem` or DER
/// `*.cer`); chain files and bundles get no thumbprint, their first member has
/// its own file. A thumbprint is a hash of the DER, so nothing is parsed.
fn single_certificate_der(file: &OutputFile) -> Option<Cow<'_, [u8]>> {
    if file.path.ends_with(".cer") {
        return Some(Cow::Borrowed(&file.contents));
    }
    let text = std::str::from_utf8(&file.contents).ok()?;
    if !(file.path.ends_with(".cert.pem") && text.matches("-----BEGIN CERTIFICATE-----").count() == 1) {
        return None;
    }
    let (label, der) = der::pem::decode_vec(text.as_bytes()).ok()?;
    (label == "CERTIFICATE").then_some(Cow::Owned(der))
}

/// The README for `files`, which it lists in their order. `title` says what
/// was made (e.g. "DPS enrollment group: root → intermediate → 2 devices").
pub fn readme(title: &str, files: &[OutputFile]) -> Result<OutputFile> {
    let mut text = readme_header(title);
    text.push_str(&readme_entries(files)?);
    Ok(OutputFile {
        path: README.into(),
        contents: text.into_bytes(),
        description: "This file: what each file is and where it goes.".into(),
        secret: false,
    })
}

/// The README's opening: `title`, where it was made, how to read it.
pub fn readme_header(title: &str) -> String {
    format!(
        "{title}\r\n\
         Made by the certificate studio on this machine (the page or its command); no key left it.\r\n\
         \r\n\
         Thumbprints are as the Azure portal shows them: SHA-1 (and SHA-256), upper-case hex.\r\n\
         Keys marked SECRET belong on the device that uses them or offline, never in a repository.\r\n\
         \r\n"
    )
}

/// Each file's lines: its path, what it is, and a certificate's thumbprints.
pub fn readme_entries(files: &[OutputFile]) -> Result<String> {
    let mut text = String::new();
    for file in files {
        text.push_str(&file.path);
        if file.secret {
            text.push_str("  [SECRET]");
        }
        text.push_str("\r\n    ");
        // Descriptions quote names from certificates: no control character may start a line of its own.
        text.push_str(&visible(&file.description));
        text.push_str("\r\n");
        if let Some(der) = single_certificate_der(file) {
            text.push_str(&format!(
                "    SHA-1 thumbprint:   {}\r\n    SHA-256 thumbprint: {}\r\n",
                thumbprint_sha1_of_der(&der),
                thumbprint_sha256_of_der(&der)
            ));
        }
    }
    Ok(text)
}
