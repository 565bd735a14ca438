//! The files of one download, collected in order, with the snippets every
//! device gets and the README that closes the list.

use crate::error::Result;
pub use crate::output::file::OutputFile;
use crate::output::readme::readme;

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

    /// A certificate as DER (`.cer`), which Windows opens with a double-click.
    pub fn der_certificate(&mut self, path: String, der: Vec<u8>, description: String) {
        self.files.push(OutputFile { path, contents: der, description, secret: false });
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
