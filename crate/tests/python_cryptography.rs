//! Python's `cryptography` (a second, independent X.509 stack with a strict
//! RFC 5280 path validator) reads every certificate, CSR and key.

mod interop;

use cert_studio::chain::ChainSpec;
use cert_studio::key::KeyAlgorithm::{self, EcP256, EcP384, Rsa2048};
use cert_studio::key::KeyEncoding;
use interop::*;

/// Runs the checker on a written chain; returns its counts line.
fn check(written: &WrittenChain) -> String {
    let password = written.chain.spec.ca_key_password.clone().unwrap_or_default();
    run_ok(python().arg(fixture("check_with_cryptography.py")).arg(written.dir.path()).arg(password)).trim().to_string()
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
