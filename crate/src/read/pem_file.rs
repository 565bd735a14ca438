//! Reading what a person drops on the page: PEM text (possibly several
//! blocks, possibly with OpenSSL's legacy encryption headers) or raw DER.

use base64ct::{Base64, Encoding};
use zeroize::Zeroize;

use crate::error::{Result, StudioError};

/// A file as it arrives: its name (for messages) and its bytes.
#[derive(Debug, Clone, Copy)]
pub struct InputFile<'a> {
    pub name: &'a str,
    pub contents: &'a [u8],
}

/// One `-----BEGIN <label>-----` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PemBlock {
    pub label: String,
    /// RFC 1421 headers such as `Proc-Type` and `DEK-Info` (legacy encrypted keys).
    pub headers: Vec<(String, String)>,
    pub der: Vec<u8>,
}

/// A key block's DER is the unencrypted key: wiped when the block goes.
impl Drop for PemBlock {
    fn drop(&mut self) {
        self.der.zeroize();
    }
}

impl PemBlock {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

const BEGIN: &str = "-----BEGIN ";
const DASHES: &str = "-----";

/// Whether the bytes are PEM text at all (as opposed to DER or a ZIP).
pub fn is_pem(contents: &[u8]) -> bool {
    std::str::from_utf8(contents).is_ok_and(|text| text.contains(BEGIN))
}

/// Every PEM block in `file`, in order. Text outside blocks (OpenSSL's
/// `Bag Attributes`, comments) is ignored; a block without its END line or
/// with broken base64 is an error naming the file.
pub fn pem_blocks(file: &InputFile<'_>) -> Result<Vec<PemBlock>> {
    let name = file.name;
    let text = std::str::from_utf8(file.contents)
        .map_err(|_| StudioError::field("files", format!("{name} is not PEM text: it contains bytes that are not UTF-8.")))?;
    let mut lines = text.lines().map(str::trim);
    let mut blocks = Vec::new();
    while let Some(line) = lines.next() {
        let Some(label) = line.strip_prefix(BEGIN).and_then(|rest| rest.strip_suffix(DASHES)) else { continue };
        let end = format!("-----END {label}-----");
        let mut headers = Vec::new();
        let mut body = String::new();
        let mut closed = false;
        for line in lines.by_ref() {
            if line == end {
                closed = true;
                break;
            }
            if line.starts_with(DASHES) {
                break;
            }
            match line.split_once(':') {
                Some((key, value)) if body.is_empty() => headers.push((key.trim().to_string(), value.trim().to_string())),
                _ => body.push_str(line),
            }
        }
        if !closed {
            return Err(StudioError::field(
                "files",
                format!("{name} is truncated or damaged: its \"{label}\" block has no matching END line."),
            ));
        }
        let der = Base64::decode_vec(&body).map_err(|_| {
            StudioError::field("files", format!("{name} is damaged: the base64 text of its \"{label}\" block is not valid."))
        })?;
        if der.is_empty() {
            return Err(StudioError::field("files", format!("{name} is damaged: its \"{label}\" block is empty.")));
        }
        blocks.push(PemBlock { label: label.to_string(), headers, der });
    }
    if blocks.is_empty() {
        return Err(StudioError::field("files", format!("{name} holds no PEM block (no \"-----BEGIN …-----\" line).")));
    }
    Ok(blocks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_and_several_blocks() {
        let text = "junk\n-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00FF\n\nAAEC\n-----END RSA PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----\r\nAQID\r\n-----END CERTIFICATE-----\r\n";
        let blocks = pem_blocks(&InputFile { name: "a.pem", contents: text.as_bytes() }).unwrap();
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].header("dek-info"), Some("AES-256-CBC,00FF"));
        assert_eq!(blocks[0].der, [0, 1, 2]);
        assert_eq!(blocks[1].label, "CERTIFICATE");
        assert_eq!(blocks[1].der, [1, 2, 3]);
    }

    #[test]
    fn truncation_names_the_file() {
        let text = "-----BEGIN CERTIFICATE-----\nAQID\n";
        let e = pem_blocks(&InputFile { name: "root.pem", contents: text.as_bytes() }).unwrap_err();
        assert!(e.message.contains("root.pem") && e.message.contains("truncated"), "{}", e.message);
    }
}
