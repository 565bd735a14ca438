//! `openssl verify` accepts every chain the studio makes, and the chain files
//! hold their certificates in the order a device presents them.

mod support;

use cert_studio::x509::key::KeyAlgorithm::{self, EcP256, EcP384, Rsa2048, Rsa4096};
use support::{
    CHAIN_CA_CERT, ROOT_CERT, WrittenChain, device_cert, device_full_chain, openssl_verify, pem_blocks, run_ok, spec, subject_of, tool,
};

/// Verifies every device of a fresh chain the way the tutorial does, then
/// checks the full-chain and CA-chain files.
fn check_chain(algorithm: KeyAlgorithm, intermediates: usize) {
    let written = WrittenChain::generate(spec(algorithm, intermediates, &["device-01", "device-02"]));
    let root = written.path(ROOT_CERT);
    let intermediate_certs = written.intermediate_certs();

    // Untrusted intermediates as one file, as `-untrusted` wants them.
    let joined: String = intermediate_certs.iter().map(|c| written.text(c)).collect();
    let untrusted = written.dir.write("untrusted.pem", joined);

    for id in written.devices() {
        let device = written.path(&device_cert(&id));
        let output = openssl_verify(&root, (intermediates > 0).then_some(untrusted.as_path()), &device);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && stdout.trim_end().ends_with(": OK"),
            "openssl verify refused {id} of a {algorithm:?} chain with {intermediates} intermediates:\n{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        // The same chain, taken from the CA-chain file the studio writes.
        let output = openssl_verify(&root, Some(&written.path(CHAIN_CA_CERT)), &device);
        assert!(output.status.success(), "verify with {CHAIN_CA_CERT} failed: {}", String::from_utf8_lossy(&output.stdout));
        check_full_chain_order(&written, &id);
    }
    check_ca_chain_order(&written);

    // Without its intermediates the device does not verify (the chain is really needed).
    if intermediates > 0 {
        let output = openssl_verify(&root, None, &written.path(&device_cert("device-01")));
        assert!(!output.status.success(), "a device verified without its intermediates");
    }
    // Each intermediate verifies against the root with the ones above it.
    for (i, cert) in intermediate_certs.iter().enumerate() {
        let above =
            written.dir.write(&format!("above-{i}.pem"), intermediate_certs[..i].iter().map(|c| written.text(c)).collect::<String>());
        let output = openssl_verify(&root, (i > 0).then_some(above.as_path()), &written.path(cert));
        assert!(output.status.success(), "intermediate {cert} does not verify: {}", String::from_utf8_lossy(&output.stdout));
    }
}

/// `<id>-full-chain.cert.pem` = device, intermediates nearest the device first, root.
fn check_full_chain_order(written: &WrittenChain, id: &str) {
    let blocks = pem_blocks(&written.text(&device_full_chain(id)));
    let mut expected = vec![written.text(&device_cert(id))];
    expected.extend(written.intermediate_certs().iter().rev().map(|c| written.text(c)));
    expected.push(written.text(ROOT_CERT));
    assert_eq!(blocks, expected, "{id}-full-chain.cert.pem is not device, intermediates (nearest first), root");
    check_each_issued_by_next(written, &blocks);
}

/// `azure-iot-test-only.chain.ca.cert.pem` = intermediates nearest the devices first, root.
fn check_ca_chain_order(written: &WrittenChain) {
    let blocks = pem_blocks(&written.text(CHAIN_CA_CERT));
    let mut expected: Vec<String> = written.intermediate_certs().iter().rev().map(|c| written.text(c)).collect();
    expected.push(written.text(ROOT_CERT));
    assert_eq!(blocks, expected, "{CHAIN_CA_CERT} is not intermediates (nearest first), root");
    check_each_issued_by_next(written, &blocks);
}

/// OpenSSL's reading of the names: each certificate's issuer is the next one's subject.
fn check_each_issued_by_next(written: &WrittenChain, blocks: &[String]) {
    let dir = written.dir.root();
    for pair in blocks.windows(2) {
        let file = tempfile::NamedTempFile::new_in(dir).expect("temporary file");
        std::fs::write(file.path(), &pair[0]).expect("write");
        let issuer =
            run_ok(tool("openssl").args(["x509", "-noout", "-issuer", "-nameopt", "utf8,sep_comma_plus,space_eq", "-in"]).arg(file.path()));
        let subject = subject_of(dir, &pair[1]);
        assert_eq!(issuer.trim().trim_start_matches("issuer="), subject.trim_start_matches("subject="), "chain out of order");
    }
}

#[test]
fn rsa_2048_without_intermediates() {
    check_chain(Rsa2048, 0);
}

#[test]
fn rsa_2048_with_one_intermediate() {
    check_chain(Rsa2048, 1);
}

#[test]
fn rsa_2048_with_three_intermediates() {
    check_chain(Rsa2048, 3);
}

/// The tutorial's own key size, in the tutorial's shape.
#[test]
fn rsa_4096_with_one_intermediate() {
    check_chain(Rsa4096, 1);
}

#[test]
fn p256_without_intermediates() {
    check_chain(EcP256, 0);
}

#[test]
fn p256_with_one_intermediate() {
    check_chain(EcP256, 1);
}

#[test]
fn p256_with_three_intermediates() {
    check_chain(EcP256, 3);
}

#[test]
fn p384_without_intermediates() {
    check_chain(EcP384, 0);
}

#[test]
fn p384_with_one_intermediate() {
    check_chain(EcP384, 1);
}

#[test]
fn p384_with_three_intermediates() {
    check_chain(EcP384, 3);
}

/// The signature algorithm OpenSSL reads matches the key type.
#[test]
fn signature_algorithms_follow_the_key() {
    for (algorithm, expected) in [(Rsa2048, "sha256WithRSAEncryption"), (EcP256, "ecdsa-with-SHA256"), (EcP384, "ecdsa-with-SHA384")] {
        let written = WrittenChain::generate(spec(algorithm, 1, &["device-01"]));
        for cert in [ROOT_CERT.to_string(), written.intermediate_certs()[0].clone(), device_cert("device-01")] {
            let text = run_ok(tool("openssl").args(["x509", "-noout", "-text", "-in"]).arg(written.path(&cert)));
            let algorithms: Vec<&str> = text.lines().filter_map(|l| l.trim().strip_prefix("Signature Algorithm: ")).collect();
            assert_eq!(algorithms, [expected, expected], "{cert} of a {algorithm:?} chain");
        }
    }
}

/// RFC 5480: an EC device key can't do key encipherment, so an EC device
/// certificate leaves it out of keyUsage; an RSA one keeps the tutorial's.
#[test]
fn device_key_usage_follows_the_key_type() {
    for (algorithm, expected) in
        [(Rsa2048, "Digital Signature, Non Repudiation, Key Encipherment"), (EcP256, "Digital Signature, Non Repudiation")]
    {
        let written = WrittenChain::generate(spec(algorithm, 0, &["device-01"]));
        let text = run_ok(tool("openssl").args(["x509", "-noout", "-ext", "keyUsage", "-in"]).arg(written.path(&device_cert("device-01"))));
        assert_eq!(text.lines().map(str::trim).collect::<Vec<_>>(), ["X509v3 Key Usage: critical", expected], "{algorithm:?}");
    }
}
