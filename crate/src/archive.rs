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

/// Text is deflated. DER and PFX are stored, as deflate can't shrink them
/// (PFX contents are encrypted), and so are files under 1 KiB, where starting
/// a compressor costs more than the bytes saved (thousands of snippets in a
/// batch). A file holding a private key is owner-read-only.
pub fn zip_options(file: &OutputFile) -> SimpleFileOptions {
    let mode = if file.secret { 0o600 } else { 0o644 };
    let binary = file.path.ends_with(".pfx") || file.path.ends_with(".cer");
    let options = SimpleFileOptions::default().unix_permissions(mode);
    if binary || file.contents.len() < 1024 {
        options.compression_method(CompressionMethod::Stored)
    } else {
        options.compression_method(CompressionMethod::Deflated).compression_level(Some(1))
    }
}

pub fn zip_files(files: &[OutputFile]) -> Result<Vec<u8>> {
    let failed = |e: &dyn std::fmt::Display| StudioError::internal("ZIP writing", e);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for file in files {
        zip.start_file(file.path.as_str(), zip_options(file)).map_err(|e| failed(&e))?;
        zip.write_all(&file.contents).map_err(|e| failed(&e))?;
    }
    Ok(zip.finish().map_err(|e| failed(&e))?.into_inner())
}
