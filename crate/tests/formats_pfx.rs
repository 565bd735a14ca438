//! PFX files as OpenSSL, Python `cryptography` and Java's keytool read them.

mod support;

use std::path::Path;

use cert_studio::Product;
use cert_studio::make::chain::{ChainSpec, TutorialChain};
use cert_studio::output::pfx::{PfxOptions, PfxProfile};
use cert_studio::x509::key::KeyAlgorithm;
use support::{Scratch, file, now, python, run, run_failing, run_ok, tool};

fn chain(algorithm: KeyAlgorithm, profile: PfxProfile) -> TutorialChain {
    let spec = ChainSpec {
        key_algorithm: algorithm,
        devices: vec!["device-01".into()],
        pfx: PfxOptions { profile, password: "1234".into() },
        ..ChainSpec::default()
    };
    TutorialChain::generate(spec, now()).unwrap()
}

fn openssl_info(path: &Path, legacy: bool) -> String {
    let mut command = tool("openssl");
    command.args(["pkcs12", "-info", "-nodes", "-passin", "pass:1234", "-in"]).arg(path);
    if legacy {
        command.arg("-legacy");
    }
    let output = run(&mut command);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    // -info writes the algorithms to stderr and the PEM to stdout.
    String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
}

fn check_device_pfx(algorithm: KeyAlgorithm, profile: PfxProfile) {
    let chain = chain(algorithm, profile);
    let files = chain.files().unwrap();
    let dir = Scratch::new("pfx");
    dir.write_all(&files);
    let pfx = dir.path("certs/device-01-full-chain.cert.pfx");
    assert!(file(&files, "certs/device-01-full-chain.cert.pfx").secret);

    let info = openssl_info(&pfx, profile == PfxProfile::Legacy);
    assert_eq!(info.matches("-----BEGIN CERTIFICATE-----").count(), 3, "{info}");
    assert_eq!(info.matches("-----BEGIN PRIVATE KEY-----").count(), 1, "{info}");
    // Key and leaf both carry the registration ID (Windows shows the certificate's), and no other bag does.
    assert_eq!(info.matches("friendlyName: device-01").count(), 2, "{info}");
    assert_eq!(info.matches("friendlyName:").count(), 2, "{info}");
    assert_eq!(info.matches("localKeyID:").count(), 2, "{info}");
    assert!(info.contains("subject=CN = device-01"), "{info}");
    match profile {
        PfxProfile::Modern => {
            assert!(info.contains("MAC: sha256, Iteration 2048"), "{info}");
            assert!(info.contains("PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256"), "{info}");
            assert!(!info.contains("TripleDES"), "{info}");
        }
        PfxProfile::Legacy => {
            assert!(info.contains("MAC: sha1, Iteration 2048"), "{info}");
            assert!(info.contains("Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048"), "{info}");
            assert!(info.contains("PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048"), "{info}");
            assert!(!info.contains("AES"), "{info}");
        }
    }
    // The MAC really is keyed by the password.
    let stderr = run_failing(tool("openssl").args(["pkcs12", "-info", "-nodes", "-legacy", "-passin", "pass:4321", "-in"]).arg(&pfx));
    assert!(stderr.contains("Mac verify error"), "{stderr}");

    // Python: the key matches the leaf and the two signers come along.
    let script = r#"
import sys
from cryptography.hazmat.primitives.serialization import pkcs12, Encoding, PublicFormat
key, cert, extra = pkcs12.load_key_and_certificates(open(sys.argv[1], 'rb').read(), b'1234')
pub = lambda k: k.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
assert pub(key.public_key()) == pub(cert.public_key()), 'key does not match the leaf'
assert len(extra) == 2, extra
print(cert.subject.rfc4514_string())
print(';'.join(c.subject.rfc4514_string() for c in extra))
p = pkcs12.load_pkcs12(open(sys.argv[1], 'rb').read(), b'1234')
print(p.cert.friendly_name.decode())
"#;
    let out = run_ok(python().arg("-c").arg(script).arg(&pfx));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines, ["CN=device-01", "CN=Azure IoT Hub Intermediate Cert Test Only;CN=Azure IoT Hub CA Cert Test Only", "device-01"]);

    // keytool: one key entry, aliased by the registration ID, with the whole chain.
    let out = run_ok(tool("keytool").args(["-list", "-v", "-storetype", "PKCS12", "-storepass", "1234", "-keystore"]).arg(&pfx));
    assert!(out.contains("Your keystore contains 1 entry"), "{out}");
    assert!(out.contains("Alias name: device-01"), "{out}");
    assert!(out.contains("Entry type: PrivateKeyEntry"), "{out}");
    assert!(out.contains("Certificate chain length: 3"), "{out}");
    // -list never opens the key bag: copying the entry into a fresh store under
    // another password makes Java decrypt the key and write it anew.
    let fresh = dir.path("fresh.p12");
    let copied = run(tool("keytool")
        .args(["-importkeystore", "-noprompt", "-srcstoretype", "PKCS12", "-srcstorepass", "1234", "-srckeystore"])
        .arg(&pfx)
        .args(["-deststoretype", "PKCS12", "-deststorepass", "fresh-pass", "-destkeystore"])
        .arg(&fresh));
    let said = String::from_utf8_lossy(&copied.stdout).into_owned() + &String::from_utf8_lossy(&copied.stderr);
    assert!(
        copied.status.success() && said.contains("1 entries successfully imported, 0 entries failed"),
        "keytool -importkeystore: {said}"
    );
    let key = dir.write(
        "fresh-key.pem",
        run_ok(tool("openssl").args(["pkcs12", "-nocerts", "-nodes", "-passin", "pass:fresh-pass", "-in"]).arg(&fresh)),
    );
    let from_java = run_ok(tool("openssl").args(["pkey", "-pubout", "-in"]).arg(&key));
    let from_leaf = run_ok(tool("openssl").args(["x509", "-noout", "-pubkey", "-in"]).arg(dir.path("certs/device-01.cert.pem")));
    assert_eq!(from_java, from_leaf, "the key Java decrypted from the PFX is not the leaf's");

    // The CA PFX files of the tutorial: key and certificate, for the Windows store.
    for (pfx, cert, cn) in [
        ("certs/root.pfx", "certs/azure-iot-test-only.root.ca.cert.pem", "Azure IoT Hub CA Cert Test Only"),
        ("certs/intermediate.pfx", "certs/azure-iot-test-only.intermediate.cert.pem", "Azure IoT Hub Intermediate Cert Test Only"),
    ] {
        let info = openssl_info(&dir.path(pfx), profile == PfxProfile::Legacy);
        assert_eq!(info.matches("-----BEGIN CERTIFICATE-----").count(), 1, "{pfx}: {info}");
        assert!(info.contains(&format!("friendlyName: {cn}")), "{pfx}: {info}");
        let key = dir.path("ca-key.pem");
        run_ok(
            tool("openssl")
                .args(["pkcs12", "-nocerts", "-nodes", "-legacy", "-passin", "pass:1234", "-in"])
                .arg(dir.path(pfx))
                .arg("-out")
                .arg(&key),
        );
        let from_pfx = run_ok(tool("openssl").args(["pkey", "-pubout", "-in"]).arg(&key));
        let from_cert = run_ok(tool("openssl").args(["x509", "-noout", "-pubkey", "-in"]).arg(dir.path(cert)));
        assert_eq!(from_pfx, from_cert, "{pfx} holds another key than {cert}");
    }
}

#[test]
fn modern_pfx_with_ec_keys_reads_everywhere() {
    check_device_pfx(KeyAlgorithm::EcP256, PfxProfile::Modern);
}

#[test]
fn legacy_pfx_with_rsa_keys_reads_everywhere() {
    check_device_pfx(KeyAlgorithm::Rsa2048, PfxProfile::Legacy);
}

#[test]
fn another_password_opens_it_and_the_tutorials_does_not() {
    let spec = ChainSpec {
        key_algorithm: KeyAlgorithm::EcP256,
        devices: vec!["dev:1".into()],
        pfx: PfxOptions { profile: PfxProfile::Legacy, password: "s3cret pass".into() },
        ..ChainSpec::default()
    };
    let files = TutorialChain::generate(spec, now()).unwrap().files().unwrap();
    let dir = Scratch::new("pfx-password");
    dir.write_all(&files);
    // ':' becomes '_' in file names but the friendly name keeps the ID.
    let pfx = dir.path("certs/dev_1-full-chain.cert.pfx");
    let out = run_ok(tool("openssl").args(["pkcs12", "-info", "-nodes", "-passin", "pass:s3cret pass", "-in"]).arg(&pfx));
    assert_eq!(out.matches("-----BEGIN CERTIFICATE-----").count(), 3);
    assert!(out.contains("friendlyName: dev:1"), "{out}");
    run_failing(tool("openssl").args(["pkcs12", "-info", "-nodes", "-passin", "pass:1234", "-in"]).arg(&pfx));
}
