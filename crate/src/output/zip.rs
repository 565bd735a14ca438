//! The ZIP download: every file at its tutorial path, deflated.

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

use zip::CompressionMethod;
use zip::write::{SimpleFileOptions, StreamWriter, ZipWriter};

use crate::error::{Result, StudioError};
use crate::output::file::{OutputFile, check_output_path};

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

/// Where a streamed ZIP's bytes collect until they are taken.
#[derive(Clone, Default)]
struct Sink(Rc<RefCell<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn zip_failed(e: &dyn std::fmt::Display) -> StudioError {
    StudioError::internal("ZIP writing", e)
}

/// A ZIP written front to back, never seeking back: its bytes can be taken
/// as they are written ([`StreamedZip::take_output`]), so a batch's ZIP goes
/// to the page piece by piece. The one ZIP writer of the studio (one copy of
/// the zip crate's code in the wasm).
pub struct StreamedZip {
    zip: ZipWriter<StreamWriter<Sink>>,
    sink: Sink,
    files: usize,
}

impl Default for StreamedZip {
    fn default() -> Self {
        let sink = Sink::default();
        Self { zip: ZipWriter::new_stream(sink.clone()), sink, files: 0 }
    }
}

impl StreamedZip {
    pub fn add(&mut self, file: &OutputFile) -> Result<()> {
        check_output_path(&file.path)?;
        self.zip.start_file(file.path.as_str(), zip_options(file)).map_err(|e| zip_failed(&e))?;
        self.files += 1;
        self.zip.write_all(&file.contents).map_err(|e| zip_failed(&e))
    }

    /// Files in the ZIP so far.
    pub fn file_count(&self) -> usize {
        self.files
    }

    /// The bytes written since the last call.
    pub fn take_output(&mut self) -> Vec<u8> {
        std::mem::take(&mut *self.sink.0.borrow_mut())
    }

    /// Writes the directory: the last bytes.
    pub fn finish(self) -> Result<Vec<u8>> {
        self.zip.finish().map_err(|e| zip_failed(&e))?;
        Ok(std::mem::take(&mut *self.sink.0.borrow_mut()))
    }
}

/// The files as one ZIP, paths checked by the path rule and secret files marked.
pub fn zip_files(files: &[OutputFile]) -> Result<Vec<u8>> {
    let mut zip = StreamedZip::default();
    for file in files {
        zip.add(file)?;
    }
    zip.finish()
}
