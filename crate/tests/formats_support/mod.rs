//! Shared by the formats_* tests: a scratch folder, the files written into
//! it, and running the outside tools that judge them.
#![allow(dead_code)] // each test file uses a different part

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use cert_studio::OutputFile;

/// 2025-11-24T16:00:00Z.
pub const NOW: u64 = 1_764_000_000;

/// A folder removed when the test ends.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "cert-studio-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.0.join(relative)
    }

    pub fn folder(&self) -> String {
        self.0.to_str().unwrap().to_string()
    }

    /// Writes every file at its ZIP path, as unzipping would.
    pub fn write_all(&self, files: &[OutputFile]) {
        for file in files {
            let path = self.path(&file.path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &file.contents).unwrap();
        }
    }

    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }

    pub fn read_text(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs a command and returns its stdout; fails the test with its stderr.
pub fn run(command: &mut Command) -> String {
    let output = command.output().unwrap_or_else(|e| panic!("{command:?}: {e}"));
    check(command, &output);
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Runs a command that must fail; returns its stderr.
pub fn run_failing(command: &mut Command) -> String {
    let output = command.output().unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(!output.status.success(), "{command:?} succeeded but should have failed");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn check(command: &Command, output: &Output) {
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

pub fn openssl(args: &[&str], dir: &Path) -> String {
    run(Command::new("openssl").args(args).current_dir(dir))
}

/// `openssl x509 -text`'s extensions, with key ids and serials blanked (they
/// are random) so two certificates made alike compare equal.
pub fn extensions_text(cert_pem_path: &Path) -> String {
    let text = run(Command::new("openssl").args(["x509", "-noout", "-text", "-in"]).arg(cert_pem_path));
    let start = text.find("X509v3 extensions:").expect("certificate has extensions");
    let end = text[start..].find("Signature Algorithm:").map_or(text.len(), |e| start + e);
    text[start..end]
        .lines()
        .map(|line| {
            let trimmed = line.trim();
            let is_hex = trimmed.len() > 2 && trimmed.trim_start_matches("serial:").trim_start_matches("keyid:").split(':').all(|b| b.len() == 2 && b.chars().all(|c| c.is_ascii_hexdigit()));
            if is_hex { "<hex>".to_string() } else { trimmed.to_string() }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn file<'a>(files: &'a [OutputFile], path: &str) -> &'a OutputFile {
    files.iter().find(|f| f.path == path).unwrap_or_else(|| {
        panic!("{path} missing from {:?}", files.iter().map(|f| &f.path).collect::<Vec<_>>())
    })
}
