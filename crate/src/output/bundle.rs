//! The files of one download, collected in order, with the snippets every
//! device gets and the README that closes the list. Every path is checked
//! here, as it is added, against the one path rule.

use crate::error::Result;
pub use crate::output::file::OutputFile;
use crate::output::file::check_output_path;
use crate::output::readme::readme;

#[derive(Default)]
pub struct Bundle {
    files: Vec<OutputFile>,
}

impl Bundle {
    fn push(&mut self, path: String, contents: Vec<u8>, description: String, secret: bool) -> Result<()> {
        check_output_path(&path)?;
        self.files.push(OutputFile { path, contents, description, secret });
        Ok(())
    }

    /// A file another bundle made (its path checked again here).
    pub fn push_file(&mut self, file: OutputFile) -> Result<()> {
        self.push(file.path, file.contents, file.description, file.secret)
    }

    pub fn text(&mut self, path: String, contents: &str, description: String) -> Result<()> {
        self.push(path, contents.as_bytes().to_vec(), description, false)
    }

    /// A file holding a private key or a password (a key file, a PFX, a
    /// snippet that embeds a key): written owner-read-only, marked SECRET.
    pub fn secret(&mut self, path: String, contents: Vec<u8>, description: String) -> Result<()> {
        self.push(path, contents, description, true)
    }

    /// A certificate as DER (`.cer`), which Windows opens with a double-click.
    pub fn der_certificate(&mut self, path: String, der: Vec<u8>, description: String) -> Result<()> {
        self.push(path, der, description, false)
    }

    /// A file another writer made (its path checked again here).
    pub fn file(&mut self, file: OutputFile) -> Result<()> {
        self.push(file.path, file.contents, file.description, file.secret)
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
