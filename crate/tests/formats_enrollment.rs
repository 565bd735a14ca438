//! Individual enrollment: the self-signed certificate against what `openssl
//! req -x509 -extensions usr_cert -addext extendedKeyUsage=clientAuth` makes
//! (as `002_*.txt` runs it), thumbprints against OpenSSL, primary/secondary.

mod support;

use cert_studio::Product;
use cert_studio::make::enrollment::{EnrollmentSpec, IndividualEnrollment};
use cert_studio::output::snippets::SnippetSettings;
use cert_studio::x509::key::KeyAlgorithm;
use support::{Scratch, extensions_text, now, python, run_ok, tool};

#[test]
fn self_signed_certificate_is_what_the_tutorial_makes() {
    let dir = Scratch::new("enroll");
    let spec = EnrollmentSpec { key_algorithm: KeyAlgorithm::Rsa2048, ..EnrollmentSpec::default() };
    let enrollment = IndividualEnrollment::generate(spec, now()).unwrap();
    dir.write_all(&enrollment.files().unwrap());
    let ours = "certs/raspberrypi-b.cert.pem";
    // The tutorial's command with the same key (the distribution's openssl.cnf).
    dir.openssl(&[
        "req",
        "-outform",
        "PEM",
        "-x509",
        "-sha256",
        "-key",
        "private/raspberrypi-b.key.pem",
        "-out",
        "reference.pem",
        "-days",
        "365",
        "-extensions",
        "usr_cert",
        "-addext",
        "extendedKeyUsage=clientAuth",
        "-subj",
        "/CN=raspberrypi-b",
    ]);
    // OpenSSL 3.0 writes a self-signed AKI as issuer name + serial, where the
    // studio (like OpenSSL 1.1 and 3.2+) writes the key id: compare the rest.
    let without_aki = |text: String| {
        let mut lines: Vec<String> = Vec::new();
        let mut in_aki = false;
        for line in text.lines() {
            if line.starts_with("X509v3 ") {
                in_aki = line.starts_with("X509v3 Authority Key Identifier");
            }
            if !in_aki {
                lines.push(line.to_string());
            }
        }
        lines.join("\n")
    };
    let ours_text = extensions_text(&dir.path(ours));
    assert_eq!(without_aki(ours_text.clone()), without_aki(extensions_text(&dir.path("reference.pem"))));
    assert!(ours_text.contains("X509v3 Authority Key Identifier"), "{ours_text}");
    assert!(!ours_text.contains("Key Usage: critical"), "{ours_text}");
    assert!(ours_text.contains("TLS Web Client Authentication"), "{ours_text}");
    // Signed by its own key; AKI = SKI.
    let script = r#"
import sys
from cryptography import x509
c = x509.load_pem_x509_certificate(open(sys.argv[1], 'rb').read())
c.verify_directly_issued_by(c)
ski = c.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
aki = c.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier
assert ski == aki
print(c.subject.rfc4514_string(), (c.not_valid_after_utc - c.not_valid_before_utc).days)
"#;
    assert_eq!(run_ok(python().arg("-c").arg(script).arg(dir.path(ours))).trim(), "CN=raspberrypi-b 365");

    // The thumbprints the page shows are OpenSSL's fingerprints.
    let entry = &enrollment.entries().unwrap()[0];
    for (digest, ours) in [("-sha1", &entry.thumbprint_sha1), ("-sha256", &entry.thumbprint_sha256)] {
        let out = dir.openssl(&["x509", "-noout", "-fingerprint", digest, "-in", "certs/raspberrypi-b.cert.pem"]);
        assert_eq!(&out.trim().split('=').nth(1).unwrap().replace(':', ""), ours);
    }
    assert_eq!(entry.thumbprint_sha1.len(), 40);
    assert_eq!(entry.thumbprint_sha256.len(), 64);
    let readme = dir.read_text("README.txt");
    assert!(readme.contains(&entry.thumbprint_sha1) && readme.contains(&entry.thumbprint_sha256));
    let info = dir.openssl(&["pkcs12", "-info", "-nodes", "-passin", "pass:1234", "-in", "certs/raspberrypi-b.cert.pfx"]);
    assert_eq!(info.matches("-----BEGIN CERTIFICATE-----").count(), 1, "{info}");
}

#[test]
fn primary_and_secondary_from_one_call() {
    let dir = Scratch::new("enroll-2");
    let spec = EnrollmentSpec {
        key_algorithm: KeyAlgorithm::EcP256,
        registration_id: "pi-07".into(),
        with_secondary: true,
        snippets: SnippetSettings { folder: Some(dir.folder()), ..Default::default() },
        ..EnrollmentSpec::default()
    };
    let files = IndividualEnrollment::generate(spec, now()).unwrap().files().unwrap();
    dir.write_all(&files);
    let mut public_keys = Vec::new();
    for slot in ["primary", "secondary"] {
        let cert = format!("certs/pi-07-{slot}.cert.pem");
        assert_eq!(dir.openssl(&["x509", "-noout", "-subject", "-in", &cert]).trim(), "subject=CN = pi-07");
        let from_cert = dir.openssl(&["x509", "-noout", "-pubkey", "-in", &cert]);
        let from_key = dir.openssl(&["pkey", "-pubout", "-in", &format!("private/pi-07-{slot}.key.pem")]);
        assert_eq!(from_cert, from_key, "{slot}");
        public_keys.push(from_cert);
        run_ok(tool("bash").arg("-c").arg(
            r#"set -eu; source "$1"; test "$DPS_X509_REGISTRATION_ID" = pi-07; test -f "$X509_CERT_FILE"; test -f "$X509_KEY_FILE""#,
        ).arg("bash").arg(dir.path(&format!("snippets/pi-07-{slot}.provision_x509.py.env.sh"))));
    }
    assert_ne!(public_keys[0], public_keys[1], "the two certificates must have their own keys");
    let ps = dir.read_text("snippets/pi-07.Add-AzIoTDeviceProvisioningServiceEnrollment.ps1");
    for (flag, slot) in [("-PrimaryCertificate", "primary"), ("-SecondaryCertificate", "secondary")] {
        let line = ps.lines().find(|l| l.starts_with(flag)).unwrap_or_else(|| panic!("{ps}"));
        let path = line.split('\'').nth(1).unwrap().replace('\\', "/");
        assert_eq!(path, format!("{}/certs/pi-07-{slot}.cert.pem", dir.folder()));
        assert!(std::path::Path::new(&path).is_file());
    }
    assert!(ps.contains("-RegistrationId 'pi-07' `\n-AttestationType X509 `\n"), "{ps}");
}
