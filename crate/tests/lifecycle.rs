//! The certificate lifecycle, checked by OpenSSL: devices renewed with the
//! same key or a new one, a CA renewed with its own key, a backdated start,
//! a rollover to a new root, CSRs signed with their whole subject and SAN,
//! and the Azure Device Registry root (pkilint too).

mod support;

use cert_studio::ca_tools::pem_file::InputFile;
use cert_studio::ca_tools::renewal::{renew_ca, renew_devices};
use cert_studio::make::device_registry::{DeviceRegistryRoot, DeviceRegistryRootSpec};
use cert_studio::make::renewal::RenewalSpec;
use cert_studio::rules::validity::ValidityBounds;
use cert_studio::{ChainSpec, CsrProfile, CsrSigningSpec, ImportedCa, KeyAlgorithm, OutputFile, Product, TutorialChain, import_cas, sign_request};
use support::{ROOT_CERT, ROOT_KEY, Scratch, now, run_ok, tool};

const DAY: u64 = 86_400;

fn chain(algorithm: KeyAlgorithm, now: u64) -> Vec<OutputFile> {
    TutorialChain::generate(ChainSpec { key_algorithm: algorithm, ..ChainSpec::default() }, now).unwrap().files().unwrap()
}

fn file<'a>(files: &'a [OutputFile], path: &str) -> InputFile<'a> {
    let found = files.iter().find(|f| f.path == path).unwrap_or_else(|| panic!("no {path}"));
    InputFile { name: &found.path, contents: &found.contents }
}

const INTERMEDIATE: &str = "certs/azure-iot-test-only.intermediate.cert.pem";
const INTERMEDIATE_KEY: &str = "private/azure-iot-test-only.intermediate.key.pem";

fn import(files: &[OutputFile], paths: &[&str], now: u64) -> ImportedCa {
    let inputs: Vec<InputFile<'_>> = paths.iter().map(|p| file(files, p)).collect();
    import_cas(&inputs, Some("1234"), now).unwrap().remove(0)
}

fn public_key(dir: &Scratch, cert: &str) -> String {
    dir.openssl(&["x509", "-in", cert, "-noout", "-pubkey"])
}

fn verifies(dir: &Scratch, root: &str, chain: &str, cert: &str) -> (bool, String) {
    dir.openssl_status(&["verify", "-CAfile", root, "-untrusted", chain, cert])
}

#[test]
fn renewed_devices_keep_subject_and_key_or_get_new_keys() {
    let dir = Scratch::new("lifecycle");
    let made = chain(KeyAlgorithm::EcP256, now() - 20 * DAY);
    dir.write_all(&made);
    let ca = import(&made, &[INTERMEDIATE, INTERMEDIATE_KEY, ROOT_CERT], now());
    let old = [file(&made, "certs/device-01.cert.pem")];
    for (keep, keys) in [(true, vec![file(&made, "private/device-01.key.pem")]), (true, vec![]), (false, vec![])] {
        let spec = RenewalSpec { keep_keys: keep, validity_days: 90, ..RenewalSpec::default() };
        let renewed = renew_devices(&ca, &old, &keys, None, &spec, now()).unwrap();
        let rows = renewed.rows().unwrap();
        assert_eq!(rows[0].same_key, keep, "keep_keys {keep}");
        assert_ne!(rows[0].old_thumbprint_sha1, rows[0].new_thumbprint_sha1);
        let out = Scratch::new("lifecycle");
        out.write_all(&renewed.files().unwrap());
        std::fs::copy(dir.path(ROOT_CERT), out.path("root.pem")).unwrap();
        let cert = "certs/device-01.cert.pem";
        assert_eq!(
            out.openssl(&["x509", "-in", cert, "-noout", "-subject"]),
            dir.openssl(&["x509", "-in", "certs/device-01.cert.pem", "-noout", "-subject"])
        );
        assert_eq!(public_key(&out, cert) == public_key(&dir, "certs/device-01.cert.pem"), keep);
        let (ok, text) = verifies(&out, "root.pem", "certs/device-01-full-chain.cert.pem", cert);
        assert!(ok, "renewed device (keep {keep}): {text}");
        // Without the key file the key stays where it is: no key, no PFX.
        let has_key = out.path("private/device-01.key.pem").exists();
        assert_eq!(has_key, !(keep && keys.is_empty()));
        let csv = std::fs::read_to_string(out.path("renewed.csv")).unwrap();
        assert!(csv.contains(&rows[0].new_thumbprint_sha1), "{csv}");
    }
}

#[test]
fn a_ca_renewed_with_its_key_still_verifies_what_it_issued() {
    let dir = Scratch::new("lifecycle");
    let made = chain(KeyAlgorithm::EcP256, now() - 20 * DAY);
    dir.write_all(&made);
    let root = import(&made, &[ROOT_CERT, ROOT_KEY], now());
    let intermediate = import(&made, &[INTERMEDIATE, INTERMEDIATE_KEY, ROOT_CERT], now());
    let (renewed_root, _) = renew_ca(&root, None, 365, &ValidityBounds::default(), now()).unwrap();
    let (renewed_intermediate, _) = renew_ca(&intermediate, Some(&root), 365, &ValidityBounds::default(), now()).unwrap();
    let out = Scratch::new("lifecycle");
    for renewed in [renewed_root.files().unwrap(), renewed_intermediate.files().unwrap()] {
        out.write_all(&renewed);
    }
    let new_root = "certs/Azure_IoT_Hub_CA_Cert_Test_Only.cert.pem";
    let new_intermediate = "certs/Azure_IoT_Hub_Intermediate_Cert_Test_Only.cert.pem";
    for (old, new) in [(ROOT_CERT, new_root), (INTERMEDIATE, new_intermediate)] {
        let old_text = dir.openssl(&["x509", "-in", old, "-noout", "-subject", "-ext", "subjectKeyIdentifier", "-pubkey"]);
        let new_text = out.openssl(&["x509", "-in", new, "-noout", "-subject", "-ext", "subjectKeyIdentifier", "-pubkey"]);
        assert_eq!(old_text, new_text, "same subject, SKI and key");
    }
    std::fs::copy(dir.path("certs/device-02.cert.pem"), out.path("device-02.pem")).unwrap();
    let (ok, text) = verifies(&out, new_root, new_intermediate, "device-02.pem");
    assert!(ok, "a device issued before, under the renewed root and intermediate: {text}");
    assert_eq!(renew_ca(&intermediate, None, 365, &ValidityBounds::default(), now()).err().unwrap().field.as_deref(), Some("parentCaId"));
}

#[test]
fn a_backdated_start_passes_verify_a_day_before_now() {
    let dir = Scratch::new("lifecycle");
    let spec = ChainSpec {
        key_algorithm: KeyAlgorithm::EcP256,
        validity_bounds: ValidityBounds { starts_unix: Some(now() - 2 * DAY), ends_unix: None },
        ..ChainSpec::default()
    };
    dir.write_all(&TutorialChain::generate(spec, now()).unwrap().files().unwrap());
    let day_before = (now() - DAY).to_string();
    let args = |at: &str| {
        ["verify", "-attime", at, "-CAfile", ROOT_CERT, "-untrusted", "certs/device-01-full-chain.cert.pem", "certs/device-01.cert.pem"].map(str::to_string)
    };
    let (ok, text) = dir.openssl_status(&args(&day_before).each_ref().map(String::as_str));
    assert!(ok, "backdated: {text}");
    let (ok, _) = dir.openssl_status(&args(&(now() - 3 * DAY).to_string()).each_ref().map(String::as_str));
    assert!(!ok, "not valid before its start");
    let backwards = ChainSpec { validity_bounds: ValidityBounds { starts_unix: Some(now()), ends_unix: Some(now() - DAY) }, ..ChainSpec::default() };
    assert_eq!(TutorialChain::generate(backwards, now()).err().unwrap().field.as_deref(), Some("notAfterMs"));
}

#[test]
fn after_a_rollover_devices_verify_under_the_new_root_only() {
    let dir = Scratch::new("lifecycle");
    let old = chain(KeyAlgorithm::EcP256, now() - 20 * DAY);
    dir.write_all(&old);
    std::fs::rename(dir.path(ROOT_CERT), dir.path("old-root.pem")).unwrap();
    let new = chain(KeyAlgorithm::EcP256, now());
    let new_intermediate = import(&new, &[INTERMEDIATE, INTERMEDIATE_KEY, ROOT_CERT], now());
    let renewed = renew_devices(&new_intermediate, &[file(&old, "certs/device-01.cert.pem")], &[file(&old, "private/device-01.key.pem")], None, &RenewalSpec::default(), now()).unwrap();
    let out = Scratch::new("lifecycle");
    out.write_all(&new);
    out.write_all(&renewed.files().unwrap());
    std::fs::copy(dir.path("old-root.pem"), out.path("old-root.pem")).unwrap();
    let (ok, text) = verifies(&out, ROOT_CERT, "certs/device-01-full-chain.cert.pem", "certs/device-01.cert.pem");
    assert!(ok, "under the new root: {text}");
    let (ok, _) = verifies(&out, "old-root.pem", "certs/device-01-full-chain.cert.pem", "certs/device-01.cert.pem");
    assert!(!ok, "not under the old root");
}

#[test]
fn a_signed_csr_keeps_its_subject_and_san() {
    let dir = Scratch::new("lifecycle");
    let made = chain(KeyAlgorithm::EcP256, now() - DAY);
    dir.write_all(&made);
    let ca = import(&made, &[INTERMEDIATE, INTERMEDIATE_KEY, ROOT_CERT], now());
    dir.openssl(&["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "gw.key"]);
    dir.openssl(&[
        "req", "-new", "-key", "gw.key", "-subj", "/C=DE/O=Contoso/OU=Plant 7/CN=edge-gateway", "-addext",
        "subjectAltName=DNS:edge-gateway.local,IP:10.0.0.7", "-out", "gw.csr",
    ]);
    let csr = std::fs::read(dir.path("gw.csr")).unwrap();
    for profile in [CsrProfile::Device, CsrProfile::Server, CsrProfile::Intermediate { path_len: 0 }] {
        let spec = CsrSigningSpec { profile, ..CsrSigningSpec::default() };
        let signed = sign_request(&ca, &InputFile { name: "gw.csr", contents: &csr }, &spec, now()).unwrap();
        let out = Scratch::new("lifecycle");
        out.write_all(&signed.files);
        let cert = "certs/edge-gateway.cert.pem";
        let subject = |d: &Scratch, args: &[&str]| d.openssl(args).trim().trim_start_matches("subject=").to_string();
        assert_eq!(subject(&out, &["x509", "-in", cert, "-noout", "-subject"]), subject(&dir, &["req", "-in", "gw.csr", "-noout", "-subject"]));
        let san = out.openssl(&["x509", "-in", cert, "-noout", "-ext", "subjectAltName"]);
        assert!(san.contains("DNS:edge-gateway.local") && san.contains("IP Address:10.0.0.7"), "{profile:?}: {san}");
        let basic = out.openssl(&["x509", "-in", cert, "-noout", "-ext", "basicConstraints"]);
        assert_eq!(basic.contains("CA:TRUE, pathlen:0"), matches!(profile, CsrProfile::Intermediate { .. }), "{basic}");
    }
}

#[test]
fn the_device_registry_root_follows_its_rules() {
    let dir = Scratch::new("lifecycle");
    for algorithm in [KeyAlgorithm::EcP256, KeyAlgorithm::EcP384] {
        let root = DeviceRegistryRoot::build(DeviceRegistryRootSpec { key_algorithm: algorithm, ..DeviceRegistryRootSpec::default() }, None, now()).unwrap();
        dir.write_all(&root.files().unwrap());
        let cert = "certs/device-registry.root.ca.cert.pem";
        let text = dir.openssl(&["x509", "-in", cert, "-noout", "-text"]);
        for expected in ["X509v3 Basic Constraints: critical", "CA:TRUE, pathlen:1", "Digital Signature, Certificate Sign, CRL Sign", "X509v3 Subject Key Identifier", "ecdsa-with-SHA"] {
            assert!(text.contains(expected), "{algorithm:?}: {expected} missing from\n{text}");
        }
        let findings = run_ok(tool("lint_pkix_cert").args(["lint", "-s", "WARNING"]).arg(dir.path(cert)));
        assert!(findings.trim().is_empty(), "pkilint: {findings}");
    }
    let rsa = DeviceRegistryRootSpec { key_algorithm: KeyAlgorithm::Rsa2048, ..DeviceRegistryRootSpec::default() };
    assert_eq!(DeviceRegistryRoot::build(rsa, None, now()).err().unwrap().field.as_deref(), Some("keyAlgorithm"));
    let short = DeviceRegistryRootSpec { validity_days: 300, ..DeviceRegistryRootSpec::default() };
    assert_eq!(DeviceRegistryRoot::build(short, None, now()).err().unwrap().field.as_deref(), Some("validityDays"));
}

