//! OpenSSL reads every key and CSR the studio writes: CSR self-signatures
//! verify, CA keys are PBES2-encrypted PKCS#8 that opens with the password,
//! device keys open without one, and each key belongs to its certificate.

mod support;

use std::path::Path;

use cert_studio::make::chain::ChainSpec;
use cert_studio::x509::key::KeyAlgorithm::{EcP256, EcP384, Rsa2048};
use cert_studio::x509::key::KeyEncoding;
use support::{ROOT_CERT, ROOT_KEY, WrittenChain, device_cert, device_csr, device_key, run, run_ok, spec, tool};

const PASSWORD: &str = "1234";

fn openssl_text(args: &[&str], file: &Path) -> String {
    run_ok(tool("openssl").args(args).arg(file))
}

/// `openssl req -verify` passes and the subject is the CN the studio was asked for.
fn check_csr(written: &WrittenChain, csr: &str, common_name: &str) {
    let output =
        run(tool("openssl").args(["req", "-verify", "-noout", "-subject", "-nameopt", "utf8,space_eq", "-in"]).arg(written.path(csr)));
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(
        output.status.success() && stderr.contains("verify OK") && !stderr.contains("failure"),
        "openssl req -verify refused {csr}:\n{stdout}{stderr}"
    );
    assert_eq!(stdout.trim(), format!("subject=CN = {common_name}"), "{csr}");
}

/// The public key of the private key equals the one in the certificate.
fn check_key_matches(written: &WrittenChain, key: &str, cert: &str, passin: &str) {
    let from_key = run_ok(tool("openssl").args(["pkey", "-pubout", "-passin", passin, "-in"]).arg(written.path(key)));
    let from_cert = openssl_text(&["x509", "-noout", "-pubkey", "-in"], &written.path(cert));
    assert_eq!(from_key, from_cert, "{key} is not the key of {cert}");
}

/// The OBJECT names `openssl asn1parse` shows, in order.
fn asn1_objects(file: &Path) -> Vec<String> {
    openssl_text(&["asn1parse", "-in"], file)
        .lines()
        .filter(|l| l.contains("prim: OBJECT"))
        .filter_map(|l| l.rsplit_once(':').map(|(_, name)| name.trim().to_string()))
        .collect()
}

fn first_line(written: &WrittenChain, file: &str) -> String {
    written.text(file).lines().next().unwrap_or_default().to_string()
}

/// A CA key encrypted as the tutorial's: PKCS#8 with PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC.
fn check_encrypted_ca_key(written: &WrittenChain, key: &str, cert: &str) {
    assert_eq!(first_line(written, key), "-----BEGIN ENCRYPTED PRIVATE KEY-----", "{key}");
    assert_eq!(asn1_objects(&written.path(key)), ["PBES2", "PBKDF2", "hmacWithSHA256", "aes-256-cbc"], "{key}");
    let output = run(tool("openssl").args(["pkey", "-noout", "-passin", "pass:not-the-password", "-in"]).arg(written.path(key)));
    assert!(!output.status.success(), "{key} opened with a wrong password");
    run_ok(tool("openssl").args(["pkey", "-check", "-noout", "-passin", &format!("pass:{PASSWORD}"), "-in"]).arg(written.path(key)));
    check_key_matches(written, key, cert, &format!("pass:{PASSWORD}"));
}

/// An unencrypted key: opens whatever password is offered, as nothing asks for one.
fn check_plain_key(written: &WrittenChain, key: &str, cert: &str, header: &str) {
    assert_eq!(first_line(written, key), format!("-----BEGIN {header}-----"), "{key}");
    run_ok(tool("openssl").args(["pkey", "-check", "-noout", "-passin", "pass:not-asked-for", "-in"]).arg(written.path(key)));
    check_key_matches(written, key, cert, "pass:not-asked-for");
}

fn ca_files(written: &WrittenChain) -> Vec<(String, String)> {
    let mut files = vec![(ROOT_KEY.to_string(), ROOT_CERT.to_string())];
    files.extend(written.intermediate_keys().into_iter().zip(written.intermediate_certs()));
    files
}

fn check_every_csr(written: &WrittenChain) {
    for (csr, cn) in written.intermediate_csrs().iter().zip(&written.chain.spec.intermediate_common_names) {
        check_csr(written, csr, cn);
    }
    for id in written.devices() {
        check_csr(written, &device_csr(&id), &id);
    }
}

#[test]
fn rsa_tutorial_chain_keys_and_csrs() {
    let written = WrittenChain::generate(spec(Rsa2048, 1, &["device-01", "device-02"]));
    check_every_csr(&written);
    for (key, cert) in ca_files(&written) {
        check_encrypted_ca_key(&written, &key, &cert);
    }
    for id in written.devices() {
        check_plain_key(&written, &device_key(&id), &device_cert(&id), "PRIVATE KEY");
    }
}

#[test]
fn ec_chain_with_three_intermediates_keys_and_csrs() {
    let written = WrittenChain::generate(spec(EcP256, 3, &["device-01", "sensor.a_b:c-"]));
    check_every_csr(&written);
    for (key, cert) in ca_files(&written) {
        check_encrypted_ca_key(&written, &key, &cert);
    }
    // A `:` in the registration ID becomes `_` in the file name, as the tutorial asks.
    check_plain_key(&written, "private/sensor.a_b_c-.key.pem", "certs/sensor.a_b_c-.cert.pem", "PRIVATE KEY");
    check_csr(&written, "csr/sensor.a_b_c-.csr.pem", "sensor.a_b:c-");
}

#[test]
fn without_a_password_ca_keys_are_plain_pkcs8() {
    let written = WrittenChain::generate(ChainSpec { ca_key_password: None, ..spec(EcP384, 1, &["device-01"]) });
    for (key, cert) in ca_files(&written) {
        check_plain_key(&written, &key, &cert, "PRIVATE KEY");
        assert_eq!(asn1_objects(&written.path(&key)), ["id-ecPublicKey", "secp384r1"], "{key} is not plain PKCS#8");
    }
    // An empty password is no password.
    let written = WrittenChain::generate(ChainSpec { ca_key_password: Some(String::new()), ..spec(EcP256, 0, &["device-01"]) });
    check_plain_key(&written, ROOT_KEY, ROOT_CERT, "PRIVATE KEY");
}

#[test]
fn traditional_device_keys_open() {
    for (algorithm, header) in [(Rsa2048, "RSA PRIVATE KEY"), (EcP256, "EC PRIVATE KEY"), (EcP384, "EC PRIVATE KEY")] {
        let written =
            WrittenChain::generate(ChainSpec { device_key_encoding: KeyEncoding::Traditional, ..spec(algorithm, 0, &["device-01"]) });
        check_plain_key(&written, &device_key("device-01"), &device_cert("device-01"), header);
        // CA keys stay encrypted PKCS#8 whatever the device key format.
        check_encrypted_ca_key(&written, ROOT_KEY, ROOT_CERT);
        check_csr(&written, &device_csr("device-01"), "device-01");
    }
}
