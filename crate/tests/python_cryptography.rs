//! Python's `cryptography` (a second, independent X.509 stack with a strict
//! RFC 5280 path validator) reads every certificate, CSR and key; Python's
//! `zipfile` unpacks the ZIP download.

mod support;

use cert_studio::Product;
use cert_studio::make::chain::ChainSpec;
use cert_studio::output::zip::zip_files;
use cert_studio::x509::key::KeyAlgorithm::{self, EcP256, EcP384, Rsa2048};
use cert_studio::x509::key::KeyEncoding;
use support::{WrittenChain, fixture, python, run_ok, spec};

/// Runs the checker on a written chain; returns its counts line.
fn check(written: &WrittenChain) -> String {
    let password = written.chain.spec.ca_key_password.clone().unwrap_or_default();
    run_ok(python().arg(fixture("check_with_cryptography.py")).arg(written.dir.root()).arg(password)).trim().to_string()
}

/// What the checker must have seen: every file, none passed over.
fn expected_counts(intermediates: usize, devices: usize, ca_keys_encrypted: bool) -> String {
    let signers = intermediates + 1;
    // root, intermediates, the CA chain file, and per device its certificate and full chain.
    let certificates = 1 + intermediates + signers + devices * (1 + 1 + signers);
    let keys = signers + devices;
    let encrypted = if ca_keys_encrypted { signers } else { 0 };
    format!(
        "{{\"certificates\": {certificates}, \"csrs\": {}, \"encrypted_keys\": {encrypted}, \"full_chains\": {devices}, \"keys\": {keys}}}",
        intermediates + devices
    )
}

fn check_chain(algorithm: KeyAlgorithm, intermediates: usize) {
    let devices = ["device-01", "device-02"];
    let written = WrittenChain::generate(spec(algorithm, intermediates, &devices));
    assert_eq!(check(&written), expected_counts(intermediates, devices.len(), true));
}

#[test]
fn rsa_tutorial_chain() {
    check_chain(Rsa2048, 1);
}

#[test]
fn p256_chain_with_three_intermediates() {
    check_chain(EcP256, 3);
}

#[test]
fn p384_chain_signed_by_the_root() {
    check_chain(EcP384, 0);
}

#[test]
fn plain_ca_keys_and_traditional_device_keys() {
    for algorithm in [Rsa2048, EcP256] {
        let written = WrittenChain::generate(ChainSpec {
            ca_key_password: None,
            device_key_encoding: KeyEncoding::Traditional,
            ..spec(algorithm, 1, &["device-01"])
        });
        assert_eq!(check(&written), expected_counts(1, 1, false), "{algorithm:?}");
    }
}

/// The ZIP download unpacks with Python's zipfile: every file at its path,
/// byte for byte, private keys owner-read-only.
#[test]
fn zip_holds_every_file_with_its_permissions() {
    let written = WrittenChain::generate(spec(EcP256, 1, &["device-01"]));
    let files = written.chain.files().expect("files");
    let zip = written.dir.write("studio.zip", zip_files(&files).expect("zip"));
    let script = "import sys, zipfile\n\
                  z = zipfile.ZipFile(sys.argv[1])\n\
                  assert z.testzip() is None\n\
                  for i in z.infolist(): print(oct((i.external_attr >> 16) & 0o777), i.file_size, i.filename)";
    let listing = run_ok(python().args(["-c", script]).arg(&zip));
    let expected: Vec<String> =
        files.iter().map(|f| format!("{} {} {}", if f.secret { "0o600" } else { "0o644" }, f.contents.len(), f.path)).collect();
    assert_eq!(listing.lines().collect::<Vec<_>>(), expected);
    for f in files.iter().filter(|f| f.path.starts_with("private/")) {
        assert!(f.secret, "{} holds a private key but is not marked secret", f.path);
    }
    // And the unpacked bytes are the files themselves.
    let unpacked = written.dir.path("unpacked");
    run_ok(python().args(["-c", "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])"]).arg(&zip).arg(&unpacked));
    for f in &files {
        assert_eq!(std::fs::read(unpacked.join(&f.path)).expect("unpacked file"), f.contents, "{}", f.path);
    }
}
