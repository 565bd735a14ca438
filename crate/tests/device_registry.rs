//! Azure Device Registry, checked with tools nobody here wrote: every
//! device's `.csr.b64` decodes (OpenSSL's base64) to a DER CSR that `openssl
//! req -verify` accepts, with CN = its registration ID and a P-384 key; the
//! customer root passes pkilint and the service's rules as `openssl x509
//! -text` shows them; a CSR made by Python `cryptography` as the service
//! would send it becomes an intermediate that keeps its subject and key and
//! that `openssl verify` accepts under the root; a root or CSR outside the
//! rules is refused at its field; the preflight applies the device and root rules.

mod support;

use cert_studio::Product;
use cert_studio::RuleStatus;
use cert_studio::ca::device_registry::{IntermediateSigningSpec, device_registry_preflight, sign_intermediate};
use cert_studio::import_cas;
use cert_studio::make::device_registry::{DeviceRegistryCsrSpec, DeviceRegistryCsrs, DeviceRegistryRoot, DeviceRegistryRootSpec};
use cert_studio::make::iot_operations::{IotOperationsClients, IotOperationsSpec};
use cert_studio::{InputFile, KeyAlgorithm};
use support::{Scratch, now, python, run_ok, tool};

const ROOT_CERT: &str = "certs/device-registry.root.ca.cert.pem";
const ROOT_KEY: &str = "private/device-registry.root.ca.key.pem";

#[test]
fn device_csrs_are_one_line_of_base64_der_p384_with_the_id_as_cn() {
    let ids = ["sensor-1", "line:7", "PUMP_3"];
    let spec = DeviceRegistryCsrSpec { registration_ids: ids.iter().map(|s| s.to_string()).collect(), ..Default::default() };
    let made = DeviceRegistryCsrs::build(&spec, None).unwrap();
    let dir = Scratch::new("adr-csr");
    dir.write_all(&made.files().unwrap());
    for id in ids {
        let stem = id.replace(':', "_");
        let b64 = dir.read_text(&format!("csr/{stem}.csr.b64"));
        assert!(!b64.contains('\n') && !b64.contains("-----"), "{id}: not one line of bare base64: {b64:?}");
        dir.openssl(&["base64", "-d", "-A", "-in", &format!("csr/{stem}.csr.b64"), "-out", &format!("{stem}.der")]);
        // OpenSSL 3.0 exits 0 even when the signature fails: only "verify OK" counts.
        let (_, text) = dir.openssl_status(&["req", "-inform", "DER", "-in", &format!("{stem}.der"), "-verify", "-noout", "-text"]);
        assert!(text.contains("verify OK"), "{id}: {text}");
        assert!(text.contains(&format!("Subject: CN = {id}")), "{id}: {text}");
        assert!(text.contains("NIST CURVE: P-384") && text.contains("ecdsa-with-SHA384"), "{id}: {text}");
        // The PEM beside it is the same request.
        let pem_der = dir.openssl(&["req", "-in", &format!("csr/{stem}.csr.pem"), "-outform", "DER", "-out", &format!("{stem}.pem.der")]);
        assert!(pem_der.is_empty());
        assert_eq!(dir.read(&format!("{stem}.der")), dir.read(&format!("{stem}.pem.der")), "{id}");
        // And the key is the CSR's.
        let from_key = dir.openssl(&["pkey", "-in", &format!("private/{stem}.key.pem"), "-pubout"]);
        let from_csr = dir.openssl(&["req", "-inform", "DER", "-in", &format!("{stem}.der"), "-noout", "-pubkey"]);
        assert_eq!(from_key, from_csr, "{id}");
    }
    let script = dir.read_text("snippets/device-registry.enrollment.az-cli.sh");
    assert!(script.contains("--credential-policy 'external-ca'"), "{script}");
}

fn root(dir: &Scratch) -> Vec<u8> {
    let made =
        DeviceRegistryRoot::build(DeviceRegistryRootSpec { policy_name: "byor-1".into(), ..Default::default() }, None, now()).unwrap();
    dir.write_all(&made.files().unwrap());
    dir.read(ROOT_CERT)
}

#[test]
fn the_root_meets_the_services_rules() {
    let dir = Scratch::new("adr-root");
    root(&dir);
    let text = dir.openssl(&["x509", "-in", ROOT_CERT, "-noout", "-text"]);
    for expected in [
        "Version: 3 (0x2)",
        "NIST CURVE: P-384",
        "Signature Algorithm: ecdsa-with-SHA384",
        "X509v3 Basic Constraints: critical\n                CA:TRUE, pathlen:1",
        "X509v3 Key Usage: critical\n                Digital Signature, Certificate Sign, CRL Sign",
        "X509v3 Subject Key Identifier",
    ] {
        assert!(text.contains(expected), "{expected} missing from\n{text}");
    }
    assert!(!text.contains("Extended Key Usage"), "{text}");
    // At least 365 days left, as OpenSSL counts them.
    let (ok, _) = dir.openssl_status(&["x509", "-in", ROOT_CERT, "-noout", "-checkend", &(365 * 86_400 - 3600).to_string()]);
    assert!(ok, "the root ends within 365 days");
    let findings = run_ok(tool("lint_pkix_cert").args(["lint", "-s", "WARNING"]).arg(dir.path(ROOT_CERT)));
    assert!(findings.trim().is_empty(), "pkilint: {findings}");
    let script = dir.read_text("snippets/device-registry.policy.az-cli.sh");
    assert!(
        script.contains("policy create --namespace \"$ADR_NAMESPACE\" -g \"$RESOURCE_GROUP\" --name 'byor-1' --enable-byor"),
        "{script}"
    );
}

/// The service's CSR as Python `cryptography` makes one: P-384, a subject of several attributes.
const AZURE_CSR: &str = r#"
import sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
kind = sys.argv[2]
key = ec.generate_private_key(ec.SECP384R1()) if kind == "ec" else rsa.generate_private_key(public_exponent=65537, key_size=2048)
subject = x509.Name([
    x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Microsoft Corporation"),
    x509.NameAttribute(NameOID.COMMON_NAME, "ADR Issuing CA byor-1"),
])
csr = x509.CertificateSigningRequestBuilder().subject_name(subject).sign(key, hashes.SHA384())
open(sys.argv[1], "wb").write(csr.public_bytes(serialization.Encoding.PEM))
"#;

const SAME_SUBJECT_AND_KEY: &str = r#"
import sys
from cryptography import x509
from cryptography.hazmat.primitives import serialization
csr = x509.load_pem_x509_csr(open(sys.argv[1], "rb").read())
cert = x509.load_pem_x509_certificate(open(sys.argv[2], "rb").read())
assert cert.subject.public_bytes() == csr.subject.public_bytes(), (cert.subject, csr.subject)
spki = serialization.PublicFormat.SubjectPublicKeyInfo
assert cert.public_key().public_bytes(serialization.Encoding.DER, spki) == csr.public_key().public_bytes(serialization.Encoding.DER, spki)
bc = cert.extensions.get_extension_for_class(x509.BasicConstraints)
assert bc.critical and bc.value.ca and bc.value.path_length == 0, bc
print(cert.subject.rfc4514_string())
"#;

#[test]
fn the_services_csr_becomes_an_intermediate_under_the_root() {
    let dir = Scratch::new("adr-sign");
    let root_pem = root(&dir);
    let key_pem = dir.read(ROOT_KEY);
    run_ok(python().args(["-c", AZURE_CSR]).arg(dir.path("azure.csr.pem")).arg("ec"));
    let csr = dir.read("azure.csr.pem");
    let cas = import_cas(
        &[InputFile { name: "root.cert.pem", contents: &root_pem }, InputFile { name: "root.key.pem", contents: &key_pem }],
        Some("1234"),
        now(),
    )
    .unwrap();
    let spec = IntermediateSigningSpec { policy_name: "byor-1".into(), ..Default::default() };
    let signed = sign_intermediate(&cas[0], &InputFile { name: "azure.csr.pem", contents: &csr }, &spec, now()).unwrap();
    let out = Scratch::new("adr-signed");
    out.write_all(&signed.files);
    let cert = signed.files.iter().find(|f| f.path.ends_with(".cert.pem") && !f.path.contains("full-chain")).unwrap().path.clone();
    let chain = signed.files.iter().find(|f| f.path.ends_with("-full-chain.cert.pem")).unwrap().path.clone();
    let subject = run_ok(python().args(["-c", SAME_SUBJECT_AND_KEY]).arg(dir.path("azure.csr.pem")).arg(out.path(&cert)));
    assert_eq!(subject.trim(), "CN=ADR Issuing CA byor-1,O=Microsoft Corporation,C=US");
    let verified = out.openssl(&["verify", "-x509_strict", "-CAfile", dir.path(ROOT_CERT).to_str().unwrap(), &cert]);
    assert!(verified.trim().ends_with(": OK"), "{verified}");
    // The chain to upload: the intermediate, then the root; the activation script names it.
    let blocks = support::pem_blocks(&out.read_text(&chain));
    assert_eq!(blocks.len(), 2);
    assert_eq!(blocks[0], out.read_text(&cert));
    assert_eq!(blocks[1], String::from_utf8(root_pem.clone()).unwrap());
    let script = out.read_text("snippets/device-registry.activate-policy.az-cli.sh");
    assert!(script.contains(&format!("--policy-name 'byor-1' --certificate-chain-file '{chain}'")), "{script}");

    // An RSA CSR is not the service's.
    run_ok(python().args(["-c", AZURE_CSR]).arg(dir.path("rsa.csr.pem")).arg("rsa"));
    let rsa = dir.read("rsa.csr.pem");
    let e = sign_intermediate(&cas[0], &InputFile { name: "rsa.csr.pem", contents: &rsa }, &spec, now()).err().unwrap();
    assert_eq!(e.field.as_deref(), Some("csr"), "{}", e.message);
    // Longer than the root: refused at the validity.
    let long = IntermediateSigningSpec { validity_days: 3650, ..spec.clone() };
    let e = sign_intermediate(&cas[0], &InputFile { name: "azure.csr.pem", contents: &csr }, &long, now()).err().unwrap();
    assert_eq!(e.field.as_deref(), Some("validityDays"), "{}", e.message);
    // A hostile policy name: refused, nothing made.
    let hostile = IntermediateSigningSpec { policy_name: "p'; rm -rf ~ #".into(), ..spec.clone() };
    let e = sign_intermediate(&cas[0], &InputFile { name: "azure.csr.pem", contents: &csr }, &hostile, now()).err().unwrap();
    assert_eq!(e.field.as_deref(), Some("policyName"), "{}", e.message);

    // A tutorial-style root (pathLen unset, 100 days): refused before signing.
    let other = IotOperationsClients::build(
        IotOperationsSpec { key_algorithm: KeyAlgorithm::EcP384, ca_key_password: None, ..Default::default() },
        None,
        now(),
    )
    .unwrap();
    let files = other.files().unwrap();
    let pick = |p: &str| files.iter().find(|f| f.path == p).unwrap().contents.clone();
    let (cert_pem, key_pem) = (pick("certs/iot-operations-client.root.ca.cert.pem"), pick("private/iot-operations-client.root.ca.key.pem"));
    let cas = import_cas(&[InputFile { name: "r.pem", contents: &cert_pem }, InputFile { name: "k.pem", contents: &key_pem }], None, now())
        .unwrap();
    let e = sign_intermediate(&cas[0], &InputFile { name: "azure.csr.pem", contents: &csr }, &spec, now()).err().unwrap();
    assert_eq!(e.field.as_deref(), Some("ca"), "{}", e.message);
    assert!(e.message.contains("pathLen 1") && e.message.contains("days left"), "{}", e.message);
}

#[test]
fn the_preflight_knows_the_device_and_root_rules() {
    let dir = Scratch::new("adr-preflight");
    let root_pem = root(&dir);
    let made = DeviceRegistryCsrs::build(&DeviceRegistryCsrSpec { registration_ids: vec!["sensor-9".into()], ..Default::default() }, None)
        .unwrap();
    let files = made.files().unwrap();
    let csr = &files.iter().find(|f| f.path == "csr/sensor-9.csr.pem").unwrap().contents;
    let given = [InputFile { name: "sensor-9.csr.pem", contents: csr }];
    let uploaded = [InputFile { name: "root.pem", contents: &root_pem }];
    let status = |id: Option<&str>, uploaded: &[InputFile<'_>]| {
        let checked = device_registry_preflight(&given, uploaded, None, id, now()).unwrap();
        let of = |rule: &str| checked.rules.iter().find(|r| r.rule.id.as_str() == rule).unwrap().status;
        (of("device-registry-device"), of("device-registry-root"), checked.ok)
    };
    assert_eq!(status(Some("sensor-9"), &uploaded), (RuleStatus::Passed, RuleStatus::Passed, true));
    let named = device_registry_preflight(&given, &uploaded, None, Some("sensor-9"), now()).unwrap();
    assert_eq!(
        (named.device.as_str(), named.uploaded_ca.as_deref()),
        ("the CSR in sensor-9.csr.pem", Some("the uploaded CA (CN = Device Registry Root CA)"))
    );
    assert_eq!(status(Some("sensor-8"), &[]), (RuleStatus::Failed, RuleStatus::NotChecked, false));
    // A P-256 client certificate and the IoT Operations root (pathLen unset): both rules fail.
    let other = IotOperationsClients::build(IotOperationsSpec::default(), None, now()).unwrap();
    let other_files = other.files().unwrap();
    let pick = |p: &str| other_files.iter().find(|f| f.path == p).unwrap().contents.clone();
    let (chain, other_root) = (pick("certs/thermostat-full-chain.cert.pem"), pick("certs/iot-operations-client.root.ca.cert.pem"));
    let checked = device_registry_preflight(
        &[InputFile { name: "thermostat.pem", contents: &chain }],
        &[InputFile { name: "root.pem", contents: &other_root }],
        None,
        Some("thermostat"),
        now(),
    )
    .unwrap();
    let failed: Vec<&str> = checked.rules.iter().filter(|r| r.status == RuleStatus::Failed).map(|r| r.rule.id.as_str()).collect();
    assert_eq!(failed, ["device-registry-device", "device-registry-root"], "{:?}", checked.rules);
    assert!(checked.rules.iter().any(|r| r.rule.id.as_str() == "chain-to-uploaded-ca" && r.status == RuleStatus::Passed));
    let e = device_registry_preflight(&given, &[], None, Some("../x"), now()).err().unwrap();
    assert_eq!(e.field.as_deref(), Some("registrationId"));
}
