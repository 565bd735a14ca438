//! Inspect's Azure preflight on chains OpenSSL makes (Python `cryptography`
//! only for a CN longer than OpenSSL will write): a leaf sent alone fails
//! 401002 where `openssl verify` with only the uploaded root fails too, the
//! full chain passes every rule, and each broken rule (registration ID,
//! dates, EKU, RSA-1024, SHA-1, IoT Edge 1.1's 2038) is named on its own.

mod support;

use cert_studio::judge::preflight::{Preflight, RuleStatus, preflight};
use support::{CaKey, Files, INTERMEDIATE_CN, Scratch, now, openssl_ca, python, run_ok};

const SECTIONS: &str = "
[ server_only ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth

[ dated_ca ]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = any_name
[ any_name ]
commonName = supplied
";

/// Root → intermediate (RSA-2048, as the tutorial's OpenSSL commands make
/// them) and the extra sections the devices below use.
fn ca() -> Scratch {
    let dir = Scratch::new("preflight");
    openssl_ca(&dir, CaKey::Rsa);
    let extensions = dir.read_text("ext.cnf");
    dir.write("ext.cnf", format!("{extensions}{SECTIONS}"));
    dir.write("index.txt", "");
    dir.write("serial", "1000\n");
    dir
}

/// `name.key.pem` (P-256, or `openssl genrsa BITS`) and `name.csr.pem` for `cn`.
fn key_and_csr(dir: &Scratch, name: &str, cn: &str, rsa_bits: Option<&str>) {
    let key = format!("{name}.key.pem");
    match rsa_bits {
        Some(bits) => dir.openssl(&["genrsa", "-out", &key, bits]),
        None => dir.openssl(&["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", &key]),
    };
    dir.openssl(&["req", "-new", "-config", "ext.cnf", "-key", &key, "-subj", &format!("/CN={cn}"), "-out", &format!("{name}.csr.pem")]);
}

/// Signs `name.csr.pem` with the intermediate (`openssl x509 -req`), then
/// writes `name.cert.pem` and `name-full-chain.cert.pem` (device,
/// intermediate, root).
fn sign(dir: &Scratch, name: &str, section: &str, extra: &[&str]) {
    let csr = format!("{name}.csr.pem");
    let cert = format!("{name}.cert.pem");
    let mut args = vec![
        "x509",
        "-req",
        "-in",
        &csr,
        "-CA",
        "intermediate.cert.pem",
        "-CAkey",
        "intermediate.key.pem",
        "-passin",
        "pass:1234",
        "-CAcreateserial",
        "-extfile",
        "ext.cnf",
        "-extensions",
        section,
        "-out",
        &cert,
    ];
    args.extend_from_slice(extra);
    if !extra.contains(&"-days") {
        args.extend_from_slice(&["-days", "30"]);
    }
    if !extra.contains(&"-sha1") {
        args.push("-sha256");
    }
    dir.openssl(&args);
    full_chain(dir, name);
}

fn full_chain(dir: &Scratch, name: &str) {
    let chain = [format!("{name}.cert.pem"), "intermediate.cert.pem".into(), "root.cert.pem".into()].map(|f| dir.read_text(&f)).concat();
    dir.write(&format!("{name}-full-chain.cert.pem"), chain);
}

/// A device made with `openssl ca`, for dates `x509 -req` can't set.
fn sign_dated(dir: &Scratch, name: &str, start: &str, end: &str) {
    dir.openssl(&[
        "ca",
        "-batch",
        "-config",
        "ext.cnf",
        "-name",
        "dated_ca",
        "-cert",
        "intermediate.cert.pem",
        "-keyfile",
        "intermediate.key.pem",
        "-passin",
        "pass:1234",
        "-extfile",
        "ext.cnf",
        "-extensions",
        "usr_cert",
        "-startdate",
        start,
        "-enddate",
        end,
        "-notext",
        "-in",
        &format!("{name}.csr.pem"),
        "-out",
        &format!("{name}.cert.pem"),
    ]);
    full_chain(dir, name);
}

fn device(dir: &Scratch, name: &str) {
    key_and_csr(dir, name, name, None);
    sign(dir, name, "usr_cert", &[]);
}

fn check(dir: &Scratch, files: &[&str], uploaded: Option<&str>) -> Preflight {
    let sent = Files::from_dir(dir, files);
    let uploaded = Files::from_dir(dir, uploaded.as_slice());
    preflight(&sent.inputs(), &uploaded.inputs(), None, now()).unwrap_or_else(|e| panic!("preflight of {files:?}: {e}"))
}

fn rule<'a>(report: &'a Preflight, id: &str) -> &'a cert_studio::judge::preflight::RuleResult {
    report.rules.iter().find(|r| r.rule.id.as_str() == id).unwrap_or_else(|| panic!("no rule {id} in {report:#?}"))
}

fn expect(report: &Preflight, id: &str, status: RuleStatus, detail_has: &str) {
    let found = rule(report, id);
    assert_eq!(found.status, status, "{id}: {found:#?}");
    assert!(found.detail.contains(detail_has), "{id}: {:?} lacks {detail_has:?}", found.detail);
}

/// Every rule but those named passed.
fn only_failing(report: &Preflight, failing: &[&str]) {
    for result in &report.rules {
        let want = if failing.contains(&result.rule.id.as_str()) { RuleStatus::Failed } else { RuleStatus::Passed };
        assert_eq!(result.status, want, "{}: {result:#?}", result.rule.id.as_str());
    }
    assert_eq!(report.ok, failing.is_empty());
}

#[test]
fn a_leaf_alone_fails_401002_and_the_full_chain_passes_every_rule() {
    let dir = ca();
    device(&dir, "device-01");
    // OpenSSL agrees: trusting only the uploaded root, the leaf alone does not verify, the chain does.
    let (alone, why) = dir.openssl_status(&["verify", "-CAfile", "root.cert.pem", "device-01.cert.pem"]);
    assert!(!alone, "{why}");
    assert!(
        dir.openssl(&["verify", "-CAfile", "root.cert.pem", "-untrusted", "device-01-full-chain.cert.pem", "device-01.cert.pem"])
            .contains(": OK")
    );

    let leaf = check(&dir, &["device-01.cert.pem"], Some("root.cert.pem"));
    let chain = rule(&leaf, "chain-to-uploaded-ca");
    assert_eq!(chain.status, RuleStatus::Failed, "{chain:#?}");
    assert_eq!(chain.rule.azure_code, Some("401002"));
    assert!(chain.rule.azure_error.contains("CA certificate not found."), "{}", chain.rule.azure_error);
    assert!(chain.detail.contains(INTERMEDIATE_CN) && chain.detail.contains("certificate 1 (CN = device-01)"), "{}", chain.detail);
    expect(&leaf, "issued-under-uploaded-ca", RuleStatus::NotChecked, "can't be told");
    assert!(!leaf.ok);

    let full = check(&dir, &["device-01-full-chain.cert.pem"], Some("root.cert.pem"));
    only_failing(&full, &[]);
    expect(&full, "chain-to-uploaded-ca", RuleStatus::Passed, "certificate 3 (CN = Azure IoT Hub CA Cert Test Only)");
    assert_eq!(full.device, "certificate 1 (CN = device-01)");
    assert_eq!(full.uploaded_ca.as_deref(), Some("the uploaded CA (CN = Azure IoT Hub CA Cert Test Only)"));

    // With the intermediate uploaded (IoT Hub's tutorial does so), the leaf alone is enough.
    let under_intermediate = check(&dir, &["device-01.cert.pem"], Some("intermediate.cert.pem"));
    only_failing(&under_intermediate, &[]);
    assert!(dir.openssl(&["verify", "-partial_chain", "-CAfile", "intermediate.cert.pem", "device-01.cert.pem"]).contains(": OK"));

    // The leaf and the intermediate as separate files, in any order, reach the root too.
    let separate = check(&dir, &["intermediate.cert.pem", "device-01.cert.pem"], Some("root.cert.pem"));
    only_failing(&separate, &[]);
}

#[test]
fn a_device_under_another_root_fails_and_without_the_uploaded_ca_only_the_chain_is_judged() {
    let dir = ca();
    device(&dir, "device-02");
    dir.openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "other.key.pem",
        "-subj",
        "/CN=Another Root",
        "-days",
        "30",
        "-out",
        "other.cert.pem",
    ]);
    let other = check(&dir, &["device-02-full-chain.cert.pem"], Some("other.cert.pem"));
    expect(&other, "issued-under-uploaded-ca", RuleStatus::Failed, "CN = Another Root");
    expect(&other, "chain-to-uploaded-ca", RuleStatus::NotChecked, "not under the uploaded CA");
    assert!(!other.ok);

    let full = check(&dir, &["device-02-full-chain.cert.pem"], None);
    expect(&full, "chain-to-uploaded-ca", RuleStatus::Passed, "self-signed root");
    expect(&full, "issued-under-uploaded-ca", RuleStatus::NotChecked, "Add the certificate of the CA uploaded");
    assert!(full.ok && full.uploaded_ca.is_none());
    let leaf = check(&dir, &["device-02.cert.pem"], None);
    expect(&leaf, "chain-to-uploaded-ca", RuleStatus::NotChecked, INTERMEDIATE_CN);

    // A password-less PFX of the full chain (openssl pkcs12 -export -passout pass:) reads the same.
    dir.openssl(&[
        "pkcs12",
        "-export",
        "-in",
        "device-02-full-chain.cert.pem",
        "-inkey",
        "device-02.key.pem",
        "-passout",
        "pass:",
        "-out",
        "device-02.pfx",
    ]);
    only_failing(&check(&dir, &["device-02.pfx"], Some("root.cert.pem")), &[]);
}

#[test]
fn a_cn_that_is_no_registration_id_fails() {
    let dir = ca();
    key_and_csr(&dir, "spaced", "my device", None);
    sign(&dir, "spaced", "usr_cert", &[]);
    let report = check(&dir, &["spaced-full-chain.cert.pem"], Some("root.cert.pem"));
    only_failing(&report, &["registration-id"]);
    expect(&report, "registration-id", RuleStatus::Failed, "a space");
    assert_eq!(rule(&report, "registration-id").rule.azure_code, Some("400"));

    // OpenSSL won't write a 65-character CN; Python's cryptography asks for the CSR, OpenSSL signs it.
    let long = "d".repeat(65);
    dir.openssl(&["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "long.key.pem"]);
    run_ok(python().current_dir(dir.root()).args(["-W", "ignore", "-c", LONG_CN_CSR, &long]));
    sign(&dir, "long", "usr_cert", &[]);
    assert!(dir.openssl(&["x509", "-in", "long.cert.pem", "-noout", "-subject"]).contains(&long));
    let report = check(&dir, &["long-full-chain.cert.pem"], Some("root.cert.pem"));
    only_failing(&report, &["registration-id"]);
    expect(&report, "registration-id", RuleStatus::Failed, "65 characters");
}

const LONG_CN_CSR: &str = "
import sys
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization
key = serialization.load_pem_private_key(open('long.key.pem', 'rb').read(), None)
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, sys.argv[1], _validate=False)])
csr = x509.CertificateSigningRequestBuilder().subject_name(name).sign(key, hashes.SHA256())
open('long.csr.pem', 'wb').write(csr.public_bytes(serialization.Encoding.PEM))
";

#[test]
fn expired_and_not_yet_valid_devices_fail_validity() {
    let dir = ca();
    key_and_csr(&dir, "expired", "expired", None);
    sign_dated(&dir, "expired", "20200101000000Z", "20200201000000Z");
    let (valid, why) =
        dir.openssl_status(&["verify", "-CAfile", "root.cert.pem", "-untrusted", "intermediate.cert.pem", "expired.cert.pem"]);
    assert!(!valid && why.contains("expired"), "{why}");
    let report = check(&dir, &["expired-full-chain.cert.pem"], Some("root.cert.pem"));
    only_failing(&report, &["validity"]);
    expect(&report, "validity", RuleStatus::Failed, "Certificate 1 (CN = expired) expired on Feb  1 00:00:00 2020 GMT");
    assert_eq!(rule(&report, "validity").rule.azure_code, Some("401002"));

    key_and_csr(&dir, "early", "early", None);
    sign_dated(&dir, "early", "20350101000000Z", "20360101000000Z");
    let report = check(&dir, &["early-full-chain.cert.pem"], Some("root.cert.pem"));
    only_failing(&report, &["validity"]);
    expect(&report, "validity", RuleStatus::Failed, "is not valid until Jan  1 00:00:00 2035 GMT");
}

#[test]
fn a_device_without_client_auth_fails() {
    let dir = ca();
    key_and_csr(&dir, "server", "server-01", None);
    sign(&dir, "server", "server_only", &[]);
    assert!(
        dir.openssl(&["x509", "-in", "server.cert.pem", "-noout", "-ext", "extendedKeyUsage"]).contains("TLS Web Server Authentication")
    );
    let report = check(&dir, &["server-full-chain.cert.pem"], Some("root.cert.pem"));
    only_failing(&report, &["client-auth"]);
    expect(&report, "client-auth", RuleStatus::Failed, "TLS Web Server Authentication without clientAuth");
}

#[test]
fn rsa_1024_and_sha1_signatures_fail() {
    let dir = ca();
    key_and_csr(&dir, "small", "small-key", Some("1024"));
    sign(&dir, "small", "usr_cert", &[]);
    let report = check(&dir, &["small-full-chain.cert.pem"], Some("root.cert.pem"));
    only_failing(&report, &["rsa-key-size"]);
    expect(&report, "rsa-key-size", RuleStatus::Failed, "Certificate 1 (CN = small-key) has an RSA key of 1024 bits");

    device_sha1(&dir);
    let report = check(&dir, &["sha1-full-chain.cert.pem"], Some("root.cert.pem"));
    only_failing(&report, &["sha2-signatures"]);
    expect(&report, "sha2-signatures", RuleStatus::Failed, "Certificate 1 (CN = sha1-signed) is signed with sha1WithRSAEncryption");
}

fn device_sha1(dir: &Scratch) {
    key_and_csr(dir, "sha1", "sha1-signed", None);
    sign(dir, "sha1", "usr_cert", &["-sha1"]);
    assert!(dir.openssl(&["x509", "-in", "sha1.cert.pem", "-noout", "-text"]).contains("Signature Algorithm: sha1WithRSAEncryption"));
}

#[test]
fn iot_edge_1_1_refuses_2038() {
    let dir = ca();
    key_and_csr(&dir, "edge", "edge-device", None);
    sign(&dir, "edge", "usr_cert", &["-days", "6000"]);
    let end = dir.openssl(&["x509", "-in", "edge.cert.pem", "-noout", "-enddate"]);
    let year: u32 = end.trim().rsplit(' ').nth(1).and_then(|y| y.parse().ok()).unwrap_or_else(|| panic!("{end}"));
    assert!(year >= 2038, "{end}");
    let report = check(&dir, &["edge-full-chain.cert.pem"], Some("root.cert.pem"));
    only_failing(&report, &["iot-edge-1-1-expiry"]);
    expect(&report, "iot-edge-1-1-expiry", RuleStatus::Failed, "Certificate 1 (CN = edge-device) expires on");
    assert_eq!(rule(&report, "iot-edge-1-1-expiry").rule.applies_to, "IoT Edge 1.1");
}

#[test]
fn bad_inputs_name_their_field() {
    let dir = ca();
    let only_cas = Files::from_dir(&dir, &["intermediate.cert.pem", "root.cert.pem"]);
    let none = Files(Vec::new());
    let e = preflight(&only_cas.inputs(), &none.inputs(), None, now()).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("files"), "{e}");
    device(&dir, "device-03");
    let sent = Files::from_dir(&dir, &["device-03.cert.pem"]);
    let two = Files(vec![("chain.pem".into(), [dir.read("intermediate.cert.pem"), dir.read("root.cert.pem")].concat())]);
    let e = preflight(&sent.inputs(), &two.inputs(), None, now()).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("uploadedCa"), "{e}");
    assert!(e.message.contains("holds 2 certificates"), "{e}");
}

/// Inspect judges once: its chain verdict and preflight agree that a TLS
/// server refuses a root with pathLen 0 above an intermediate, a device
/// with serverAuth only and a leaf sent alone, and accepts the full chain.
#[test]
fn inspect_gives_one_verdict_and_preflight_for_refused_and_good_chains() {
    use cert_studio::judge::inspect::inspect_against;
    let dir = ca();
    device(&dir, "good");
    key_and_csr(&dir, "server", "server-02", None);
    sign(&dir, "server", "server_only", &[]);
    // The same intermediate key under a root that allows no CA below it.
    dir.write("ext.cnf", format!("{}\n[ no_ca_below ]\nbasicConstraints = critical, CA:true, pathlen:0\nkeyUsage = critical, keyCertSign, cRLSign\nsubjectKeyIdentifier = hash\n", dir.read_text("ext.cnf")));
    dir.openssl(&[
        "req",
        "-new",
        "-x509",
        "-config",
        "ext.cnf",
        "-passin",
        "pass:1234",
        "-key",
        "root.key.pem",
        "-subj",
        "/CN=Azure IoT Hub CA Cert Test Only",
        "-days",
        "30",
        "-sha256",
        "-extensions",
        "no_ca_below",
        "-out",
        "strict-root.cert.pem",
    ]);
    let (accepted, why) =
        dir.openssl_status(&["verify", "-CAfile", "strict-root.cert.pem", "-untrusted", "intermediate.cert.pem", "good.cert.pem"]);
    assert!(!accepted && why.contains("path length"), "OpenSSL takes the pathLen 0 root: {why}");

    let judge = |files: &[&str], uploaded: Option<&str>| {
        let sent = Files::from_dir(&dir, files);
        let uploaded = Files::from_dir(&dir, uploaded.as_slice());
        let inspection = inspect_against(&sent.inputs(), &uploaded.inputs(), None, now()).unwrap();
        let (chain, preflight) = (inspection.chain.expect("a verdict"), inspection.preflight.expect("a preflight"));
        (chain.ok, preflight.ok, chain, preflight)
    };
    let (chain_ok, preflight_ok, chain, preflight) =
        judge(&["good.cert.pem", "intermediate.cert.pem", "strict-root.cert.pem"], Some("strict-root.cert.pem"));
    assert!(!chain_ok && !preflight_ok, "{chain:#?}\n{preflight:#?}");
    assert_eq!(chain.problems[0].rule.as_str(), "pathlen");
    expect(&preflight, "chain-accepted", RuleStatus::Failed, "pathLenConstraint 0");

    let (chain_ok, preflight_ok, chain, preflight) = judge(&["server-full-chain.cert.pem"], Some("root.cert.pem"));
    assert!(!chain_ok && !preflight_ok);
    assert!(chain.problems.iter().any(|p| p.rule.as_str() == "eku"), "{chain:#?}");
    only_failing(&preflight, &["client-auth"]);

    let (chain_ok, preflight_ok, chain, preflight) = judge(&["good.cert.pem"], None);
    assert!(!chain_ok && !preflight_ok);
    assert!(chain.summary.contains(INTERMEDIATE_CN), "{}", chain.summary);
    expect(&preflight, "chain-accepted", RuleStatus::Failed, "are missing");

    for uploaded in [None, Some("root.cert.pem")] {
        let (chain_ok, preflight_ok, chain, preflight) = judge(&["good-full-chain.cert.pem"], uploaded);
        assert!(chain_ok && preflight_ok, "{chain:#?}\n{preflight:#?}");
    }
}
