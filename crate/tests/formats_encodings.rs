//! Key encodings through `openssl pkey`, DER `.cer` files through `openssl
//! x509 -inform DER`, and the README's thumbprints against OpenSSL's.

mod support;

use cert_studio::Product;
use cert_studio::make::chain::{ChainSpec, TutorialChain};
use cert_studio::x509::facts::pem_text;
use cert_studio::x509::key::{KeyAlgorithm, KeyEncoding, PrivateKey};
use support::{Scratch, file, now, run_failing, run_ok, tool};

#[test]
fn every_key_encoding_round_trips_through_openssl() {
    let dir = Scratch::new("keys");
    for algorithm in [KeyAlgorithm::Rsa2048, KeyAlgorithm::EcP256, KeyAlgorithm::EcP384] {
        let key = PrivateKey::generate(algorithm).unwrap();
        let spki = der::Encode::to_der(&key.public_key_info().unwrap()).unwrap();
        let expected = pem_text("PUBLIC KEY", &spki);
        let traditional_label = if algorithm.is_ec() { "EC PRIVATE KEY" } else { "RSA PRIVATE KEY" };
        for (encoding, password, label) in [
            (KeyEncoding::Pkcs8, None, "PRIVATE KEY"),
            (KeyEncoding::Pkcs8, Some("1234"), "ENCRYPTED PRIVATE KEY"),
            (KeyEncoding::Traditional, None, traditional_label),
        ] {
            let pem = key.to_pem(encoding, password).unwrap();
            assert!(pem.starts_with(&format!("-----BEGIN {label}-----\n")), "{}", &pem[..40]);
            let path = dir.write(&format!("{}-{label}.pem", algorithm.id()), pem.as_bytes());
            let mut command = tool("openssl");
            command.args(["pkey", "-pubout", "-in"]).arg(&path);
            if let Some(password) = password {
                command.args(["-passin", &format!("pass:{password}")]);
            }
            assert_eq!(run_ok(&mut command), expected, "{} {label}", algorithm.label());
            // And back: OpenSSL's re-encoding of the private key is our PKCS#8.
            let mut again = tool("openssl");
            again.args(["pkey", "-in"]).arg(&path);
            if let Some(password) = password {
                again.args(["-passin", &format!("pass:{password}")]);
            }
            assert_eq!(run_ok(&mut again), *key.to_pem(KeyEncoding::Pkcs8, None).unwrap(), "{} {label}", algorithm.label());
            if password.is_some() {
                run_failing(tool("openssl").args(["pkey", "-passin", "pass:wrong", "-in"]).arg(&path));
            }
        }
        // A password on a traditional key is refused by name, not silently dropped.
        let e = key.to_pem(KeyEncoding::Traditional, Some("1234")).err().unwrap();
        assert_eq!(e.field.as_deref(), Some("keyFormat"));
    }
}

#[test]
fn der_certificates_and_readme_thumbprints_match_openssl() {
    let spec = ChainSpec { key_algorithm: KeyAlgorithm::EcP256, devices: vec!["device-01".into()], ..ChainSpec::default() };
    let files = TutorialChain::generate(spec, now()).unwrap().files().unwrap();
    let dir = Scratch::new("der");
    dir.write_all(&files);
    let readme = dir.read_text("README.txt");
    assert_eq!(files.last().unwrap().path, "README.txt");
    for (cer, pem) in [
        ("certs/RootCA.cer", "certs/azure-iot-test-only.root.ca.cert.pem"),
        ("certs/azure-iot-test-only.intermediate.cer", "certs/azure-iot-test-only.intermediate.cert.pem"),
        ("certs/device-01.cer", "certs/device-01.cert.pem"),
    ] {
        let from_der = run_ok(tool("openssl").args(["x509", "-inform", "DER", "-in"]).arg(dir.path(cer)));
        assert_eq!(from_der, dir.read_text(pem), "{cer} is not {pem} as DER");
        for (digest, label) in [("-sha1", "SHA-1 thumbprint:"), ("-sha256", "SHA-256 thumbprint:")] {
            let out = run_ok(tool("openssl").args(["x509", "-noout", "-fingerprint", digest, "-in"]).arg(dir.path(pem)));
            let hex = out.trim().split('=').nth(1).unwrap().replace(':', "");
            // The README lists the thumbprint under both the PEM and the DER file.
            for path in [pem, cer] {
                let entry = readme.split(&format!("\r\n{path}\r\n")).nth(1).unwrap_or_else(|| panic!("{path} not in README"));
                let line = entry.lines().find(|l| l.contains(label)).unwrap();
                assert!(line.ends_with(&hex), "{path}: {line} vs {hex}");
            }
        }
    }
    // Where each file goes, in words a person acts on.
    for phrase in ["upload to DPS → Certificates and verify", "give to the device", "keep offline"] {
        assert!(readme.contains(phrase), "README lacks \"{phrase}\"");
    }
    for f in files.iter().filter(|f| f.path != "README.txt") {
        assert!(readme.contains(&f.path), "README does not list {}", f.path);
    }
    assert!(readme.contains("private/device-01.key.pem  [SECRET]"));
    assert!(file(&files, "certs/RootCA.cer").contents.starts_with(&[0x30, 0x82]));
}
