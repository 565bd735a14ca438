//! One file the studio made: every product's output, before it is zipped or downloaded.

/// One file the studio made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path inside the ZIP, e.g. `certs/device-01.cert.pem`.
    pub path: String,
    pub contents: Vec<u8>,
    /// One line for a person: what the file is and what to do with it.
    pub description: String,
    /// Holds a private key: written owner-read-only.
    pub secret: bool,
}
