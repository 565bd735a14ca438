//! The ZIP download: every file at its tutorial path, deflated.

use std::io::{Cursor, Write};

use zip::CompressionMethod;
use zip::write::{SimpleFileOptions, ZipWriter};

use crate::error::{Result, StudioError};

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

/// Deflated; a file holding a private key is owner-read-only.
pub fn zip_options(secret: bool) -> SimpleFileOptions {
    let mode = if secret { 0o600 } else { 0o644 };
    SimpleFileOptions::default().compression_method(CompressionMethod::Deflated).unix_permissions(mode)
}

pub fn zip_files(files: &[OutputFile]) -> Result<Vec<u8>> {
    let failed = |e: &dyn std::fmt::Display| StudioError::internal("ZIP writing", e);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for file in files {
        zip.start_file(file.path.as_str(), zip_options(file.secret)).map_err(|e| failed(&e))?;
        zip.write_all(&file.contents).map_err(|e| failed(&e))?;
    }
    Ok(zip.finish().map_err(|e| failed(&e))?.into_inner())
}
