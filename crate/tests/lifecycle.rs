//! The certificate lifecycle, checked by OpenSSL: devices renewed with the
//! same key or a new one, a CA renewed with its own key, a backdated start,
//! a rollover to a new root, CSRs signed with their whole subject and SAN,
//! the Azure Device Registry root (pkilint too), and the expiry view of a
//! studio ZIP with the renewal and rollover that start from it.

mod support;

use cert_studio::ca::expiry::expiry_report;
use cert_studio::ca::renewal::{make_rollover, renew_ca, renew_devices};
use cert_studio::make::device_registry::{DeviceRegistryRoot, DeviceRegistryRootSpec};
use cert_studio::make::renewal::RenewalSpec;
use cert_studio::output::layout::DEVICES_CSV_HEADER;
use cert_studio::read::pem_file::InputFile;
use cert_studio::rules::validity::ValidityBounds;
use cert_studio::{
    ChainSpec, CsrProfile, CsrSigningSpec, ImportedCa, KeyAlgorithm, OutputFile, Product, TutorialChain, import_cas, sign_request,
    zip_files,
};
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
        let renewed = renew_devices(&ca, &old, &keys, None, &[], &spec, now()).unwrap();
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
        ["verify", "-attime", at, "-CAfile", ROOT_CERT, "-untrusted", "certs/device-01-full-chain.cert.pem", "certs/device-01.cert.pem"]
            .map(str::to_string)
    };
    let (ok, text) = dir.openssl_status(&args(&day_before).each_ref().map(String::as_str));
    assert!(ok, "backdated: {text}");
    let (ok, _) = dir.openssl_status(&args(&(now() - 3 * DAY).to_string()).each_ref().map(String::as_str));
    assert!(!ok, "not valid before its start");
    let backwards =
        ChainSpec { validity_bounds: ValidityBounds { starts_unix: Some(now()), ends_unix: Some(now() - DAY) }, ..ChainSpec::default() };
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
    let renewed = renew_devices(
        &new_intermediate,
        &[file(&old, "certs/device-01.cert.pem")],
        &[file(&old, "private/device-01.key.pem")],
        None,
        &[],
        &RenewalSpec::default(),
        now(),
    )
    .unwrap();
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
        "req",
        "-new",
        "-key",
        "gw.key",
        "-subj",
        "/C=DE/O=Contoso/OU=Plant 7/CN=edge-gateway",
        "-addext",
        "subjectAltName=DNS:edge-gateway.local,IP:10.0.0.7",
        "-out",
        "gw.csr",
    ]);
    let csr = std::fs::read(dir.path("gw.csr")).unwrap();
    for profile in [CsrProfile::Device, CsrProfile::Server, CsrProfile::Intermediate { path_len: 0 }] {
        let spec = CsrSigningSpec { profile, ..CsrSigningSpec::default() };
        let signed = sign_request(&ca, &InputFile { name: "gw.csr", contents: &csr }, &spec, now()).unwrap();
        let out = Scratch::new("lifecycle");
        out.write_all(&signed.files);
        let cert = "certs/edge-gateway.cert.pem";
        let subject = |d: &Scratch, args: &[&str]| d.openssl(args).trim().trim_start_matches("subject=").to_string();
        assert_eq!(
            subject(&out, &["x509", "-in", cert, "-noout", "-subject"]),
            subject(&dir, &["req", "-in", "gw.csr", "-noout", "-subject"])
        );
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
        let root = DeviceRegistryRoot::build(
            DeviceRegistryRootSpec { key_algorithm: algorithm, ..DeviceRegistryRootSpec::default() },
            None,
            now(),
        )
        .unwrap();
        dir.write_all(&root.files().unwrap());
        let cert = "certs/device-registry.root.ca.cert.pem";
        let text = dir.openssl(&["x509", "-in", cert, "-noout", "-text"]);
        for expected in [
            "X509v3 Basic Constraints: critical",
            "CA:TRUE, pathlen:1",
            "Digital Signature, Certificate Sign, CRL Sign",
            "X509v3 Subject Key Identifier",
            "ecdsa-with-SHA",
        ] {
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

fn fingerprint(dir: &Scratch, cert: &str) -> String {
    let line = dir.openssl(&["x509", "-in", cert, "-noout", "-fingerprint", "-sha1"]);
    line.trim().split_once('=').unwrap().1.replace(':', "").to_uppercase()
}

/// Made 20 days ago for 30 days: everything in it ends in 10 days. Also the
/// second it was made at, for expiry checks that must not depend on the clock.
fn zipped_chain(dir: &Scratch) -> (Vec<OutputFile>, Vec<u8>, u64) {
    let made_at = now() - 20 * DAY;
    let made = chain(KeyAlgorithm::EcP256, made_at);
    dir.write_all(&made);
    let zip = zip_files(&made).unwrap();
    (made, zip, made_at)
}

#[test]
fn the_expiry_view_of_a_studio_zip_agrees_with_openssl_checkend() {
    let dir = Scratch::new("lifecycle");
    let (_, zip, made_at) = zipped_chain(&dir);
    // The report's clock: 20 days to the second after the chain was made, so 10 whole days are left, whenever the test runs.
    let report_at = made_at + 20 * DAY;
    let listed_only = "device-99";
    let csv = format!(
        "{DEVICES_CSV_HEADER}device-01,{},X,2020-01-01T00:00:00Z\r\n{listed_only},{},Y,2030-01-01T00:00:00Z\r\n",
        fingerprint(&dir, "certs/device-01.cert.pem"),
        "AB".repeat(20)
    );
    let files = [InputFile { name: "studio.zip", contents: &zip }, InputFile { name: "devices.csv", contents: csv.as_bytes() }];
    for within in [30, 5] {
        let report = expiry_report(&files, None, within, report_at).unwrap();
        let roles: Vec<(&str, &str)> = report.certificates.iter().map(|r| (r.role.as_str(), r.common_name.as_str())).collect();
        assert_eq!(
            roles,
            [
                ("root", "Azure IoT Hub CA Cert Test Only"),
                ("intermediate", "Azure IoT Hub Intermediate Cert Test Only"),
                ("device", "device-01"),
                ("device", "device-02"),
                ("device", listed_only)
            ],
            "soonest first, roles from the layout and the certificates"
        );
        for row in report.certificates.iter().filter(|r| r.common_name != listed_only) {
            let path = row.file.strip_prefix("studio.zip › ").unwrap();
            assert_eq!(row.thumbprint_sha1, fingerprint(&dir, path));
            let (ok, text) = dir.openssl_status(&["x509", "-in", path, "-noout", "-checkend", &(u64::from(within) * DAY).to_string()]);
            assert_eq!(row.flagged, !ok, "{path} within {within} days: openssl says {text}");
            assert_eq!(row.days_left, 10, "{path}");
        }
        // One second later a whole day is no longer left.
        let later = expiry_report(&files, None, within, report_at + 1).unwrap();
        assert!(later.certificates.iter().filter(|r| r.common_name != listed_only).all(|r| r.days_left == 9), "{later:?}");
        let device = report.certificates.iter().find(|r| r.common_name == "device-01").unwrap();
        assert_eq!(device.key_file.as_deref(), Some("studio.zip › private/device-01.key.pem"));
        assert!(device.renewable && device.certificate_pem.is_some());
        let listed = report.certificates.last().unwrap();
        assert!(!listed.renewable && !listed.flagged && listed.file == "devices.csv", "{listed:?}");
    }
    assert_eq!(expiry_report(&files, None, 40_000, now()).err().unwrap().field.as_deref(), Some("withinDays"));
    let text = InputFile { name: "notes.txt", contents: b"no certificate here" };
    assert_eq!(expiry_report(&[text], None, 30, now()).err().unwrap().field.as_deref(), Some("files"));
    let cut = InputFile { name: "cut.zip", contents: &zip[..zip.len() / 2] };
    let problem = expiry_report(&[cut], None, 30, now()).err().unwrap();
    assert!(problem.field.as_deref() == Some("files") && problem.message.contains("cut.zip"), "{problem:?}");
    let bad_csv = format!("{DEVICES_CSV_HEADER}device-01,AB,CD,next week\r\n");
    let problem = expiry_report(&[InputFile { name: "devices.csv", contents: bad_csv.as_bytes() }], None, 30, now()).err().unwrap();
    assert!(problem.message.contains("devices.csv, line 2"), "{problem:?}");
}

#[test]
fn device_01_renewed_from_the_zip_keeps_its_key_and_verifies() {
    let dir = Scratch::new("lifecycle");
    let (made, zip, _) = zipped_chain(&dir);
    let zip_file = [InputFile { name: "studio.zip", contents: &zip }];
    // The CA comes from the same ZIP.
    let ca = import_cas(&zip_file, Some("1234"), now()).unwrap().pop().unwrap();
    assert_eq!(ca.common_name(), "Azure IoT Hub Intermediate Cert Test Only");
    let chosen = [fingerprint(&dir, "certs/device-01.cert.pem")];
    let spec = RenewalSpec { validity_days: 90, ..RenewalSpec::default() };
    let renewed = renew_devices(&ca, &zip_file, &[], Some("1234"), &chosen, &spec, now()).unwrap();
    assert_eq!(renewed.rows().unwrap().iter().map(|r| r.registration_id.as_str()).collect::<Vec<_>>(), ["device-01"]);
    let out = Scratch::new("lifecycle");
    out.write_all(&renewed.files().unwrap());
    let cert = "certs/device-01.cert.pem";
    assert_eq!(public_key(&out, cert), public_key(&dir, cert));
    // The key came from the ZIP: written again, and it is the certificate's.
    let key_public = out.openssl(&["pkey", "-in", "private/device-01.key.pem", "-pubout"]);
    assert_eq!(key_public, public_key(&dir, cert));
    let (ok, text) = verifies(&out, &dir.path(ROOT_CERT).display().to_string(), "certs/device-01-full-chain.cert.pem", cert);
    assert!(ok, "{text}");
    let end = |d: &Scratch| d.openssl(&["x509", "-in", cert, "-noout", "-enddate"]);
    assert_ne!(end(&out), end(&dir));
    let (still, _) = out.openssl_status(&["x509", "-in", cert, "-noout", "-checkend", &(80 * DAY).to_string()]);
    assert!(still, "the renewed certificate lasts 90 days");
    let wrong = renew_devices(&ca, &zip_file, &[], Some("1234"), &["00".repeat(20)], &spec, now()).err().unwrap();
    assert_eq!(wrong.field.as_deref(), Some("thumbprints"));
    let a_ca = [fingerprint(&dir, ROOT_CERT)];
    assert_eq!(renew_devices(&ca, &zip_file, &[], Some("1234"), &a_ca, &spec, now()).err().unwrap().field.as_deref(), Some("thumbprints"));
    drop(made);
}

#[test]
fn a_rollover_plan_names_both_roots_and_its_devices_verify_under_the_new_root_only() {
    let dir = Scratch::new("lifecycle");
    let (_, zip, _) = zipped_chain(&dir);
    let zip_file = [InputFile { name: "studio.zip", contents: &zip }];
    let old = import_cas(&zip_file, Some("1234"), now()).unwrap().pop().unwrap();
    let spec = ChainSpec {
        key_algorithm: KeyAlgorithm::EcP256,
        root_common_name: "Azure IoT Hub CA Cert Test Only 2027".into(),
        validity_days: 365,
        ..ChainSpec::default()
    };
    let (rollover, cas) = make_rollover(Some(&old), spec, now()).unwrap();
    let out = Scratch::new("lifecycle");
    let files = rollover.files().unwrap();
    out.write_all(&files);
    let readme = out.read_text("README.txt");
    for expected in
        [fingerprint(&dir, ROOT_CERT), fingerprint(&out, ROOT_CERT), "1. Upload the new root".into(), "6. Retire the old root".into()]
    {
        assert!(readme.contains(&expected), "{expected} missing from\n{readme}");
    }
    let new_ca = cas.last().unwrap();
    assert_eq!(new_ca.common_name(), "Azure IoT Hub Intermediate Cert Test Only");
    let renewed = renew_devices(new_ca, &zip_file, &[], None, &[], &RenewalSpec::default(), now()).unwrap();
    assert_eq!(renewed.devices.len(), 2);
    out.write_all(&renewed.files().unwrap());
    let old_root = dir.path(ROOT_CERT).display().to_string();
    for id in ["device-01", "device-02"] {
        let (cert, full) = (format!("certs/{id}.cert.pem"), format!("certs/{id}-full-chain.cert.pem"));
        let (ok, text) = verifies(&out, ROOT_CERT, &full, &cert);
        assert!(ok, "{id} under the new root: {text}");
        let (ok, _) = verifies(&out, &old_root, &full, &cert);
        assert!(!ok, "{id} not under the old root");
        assert_eq!(public_key(&out, &cert), public_key(&dir, &cert), "{id} keeps its key");
    }
    // The new root signs its verification certificate at once.
    let verification =
        cert_studio::VerificationCertificate::make(&cas[0].issuer, "1B1F84DE79B9BD5F16D71E92709917C2A1CA19D5A156CB9F", now()).unwrap();
    out.write_all(&verification.files().unwrap());
    let (ok, text) = out.openssl_status(&["verify", "-CAfile", ROOT_CERT, "certs/verification-code.cert.pem"]);
    assert!(ok, "{text}");
}

#[test]
fn the_expiry_view_of_openssl_files_and_a_pfx_takes_roles_from_the_certificates() {
    let dir = Scratch::new("lifecycle");
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"];
    let ca_ext = ["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"];
    dir.openssl(
        &[
            &["req", "-x509", "-noenc", "-keyout", "root.key", "-subj", "/CN=OpenSSL Root", "-days", "400", "-out", "root.pem"][..],
            &ec,
            &ca_ext,
        ]
        .concat(),
    );
    dir.openssl(
        &[
            &["req", "-new", "-noenc", "-keyout", "intermediate.key", "-subj", "/CN=OpenSSL Intermediate", "-out", "intermediate.csr"][..],
            &ec,
        ]
        .concat(),
    );
    dir.write("ca.ext", "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n");
    dir.openssl(&[
        "x509",
        "-req",
        "-in",
        "intermediate.csr",
        "-CA",
        "root.pem",
        "-CAkey",
        "root.key",
        "-days",
        "100",
        "-extfile",
        "ca.ext",
        "-out",
        "intermediate.pem",
    ]);
    dir.openssl(
        &[&["req", "-new", "-keyout", "leaf.key", "-passout", "pass:1234", "-subj", "/CN=sensor-7", "-out", "leaf.csr"][..], &ec].concat(),
    );
    dir.openssl(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "intermediate.pem",
        "-CAkey",
        "intermediate.key",
        "-days",
        "3",
        "-out",
        "leaf.pem",
    ]);
    dir.openssl(&[
        "pkcs12",
        "-export",
        "-in",
        "leaf.pem",
        "-inkey",
        "leaf.key",
        "-passin",
        "pass:1234",
        "-passout",
        "pass:pfx-pass",
        "-out",
        "leaf.pfx",
    ]);
    let contents: Vec<(&str, Vec<u8>)> =
        ["root.pem", "intermediate.pem", "leaf.key", "leaf.pfx"].iter().map(|n| (*n, dir.read(n))).collect();
    let files: Vec<InputFile<'_>> = contents.iter().map(|(name, bytes)| InputFile { name, contents: bytes }).collect();
    // The PFX needs its password; the encrypted key alone is passed over.
    assert_eq!(expiry_report(&files, None, 30, now()).err().unwrap().field.as_deref(), Some("password"));
    let report = expiry_report(&files, Some("pfx-pass"), 30, now()).unwrap();
    let rows: Vec<(&str, &str, bool)> = report.certificates.iter().map(|r| (r.role.as_str(), r.common_name.as_str(), r.flagged)).collect();
    assert_eq!(rows, [("device", "sensor-7", true), ("intermediate", "OpenSSL Intermediate", false), ("root", "OpenSSL Root", false)]);
    for (row, path) in report.certificates.iter().zip(["leaf.pem", "intermediate.pem", "root.pem"]) {
        assert_eq!(row.thumbprint_sha1, fingerprint(&dir, path));
        let (lasts, _) = dir.openssl_status(&["x509", "-in", path, "-noout", "-checkend", &(30 * DAY).to_string()]);
        assert_eq!(row.flagged, !lasts, "{path}");
    }
    assert!((2..=3).contains(&report.certificates[0].days_left));
    assert_eq!(report.certificates[0].key_file.as_deref(), Some("leaf.pfx"));
}
