//! Bring your own CA, with OpenSSL as the other party: a CA made by the
//! tutorial's commands is imported from every form OpenSSL writes, the
//! verification certificate and new devices it signs pass `openssl verify`,
//! and a device it signs passes a mutual-TLS handshake, from every form.

mod support;

use cert_studio::Product;
use cert_studio::ca::import::{ImportedCa, import_cas};
use cert_studio::ca::signing::{self, CsrProfile};
use cert_studio::make::chain::{ChainSpec, TutorialChain};
use cert_studio::make::verification::VerificationCertificate;
use cert_studio::read::pem_file::InputFile;
use cert_studio::x509::facts::{self, certificate_pem, subject_key_identifier};
use cert_studio::x509::key::KeyAlgorithm;
use cert_studio::{DeviceSigningSpec, OutputFile, zip_files};
use support::{CaKey, EXTENSIONS, Files, Handshake, INTERMEDIATE_CN, ROOT_CN, Scratch, TlsServer, mutual_tls, now, openssl_ca};

const CODE: &str = "0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F6071";

fn import_one(dir: &Scratch, names: &[&str], password: Option<&str>) -> ImportedCa {
    let files = Files::from_dir(dir, names);
    let mut cas = import_cas(&files.inputs(), password, now()).unwrap_or_else(|e| panic!("{names:?}: {}", e.message));
    assert_eq!(cas.len(), 1, "{names:?}");
    cas.remove(0)
}

/// Devices signed by `ca` with EC P-256 keys and the tutorial's settings: every file.
fn sign(ca: &ImportedCa, extra: &[x509_cert::Certificate], ids: &[String]) -> cert_studio::Result<Vec<OutputFile>> {
    let spec = DeviceSigningSpec { registration_ids: ids.to_vec(), key_algorithm: Some(KeyAlgorithm::EcP256), ..Default::default() };
    signing::sign_devices(ca, extra, &spec, None, now())?.files()
}

fn write(dir: &Scratch, file: &OutputFile) -> String {
    let name = file.path.replace('/', "_");
    dir.write(&name, &file.contents);
    name
}

/// The verification certificate made with `ca` passes `openssl verify`
/// against `root`, has CN = the code and AKI = the CA's SKI.
fn check_verification(dir: &Scratch, ca: &ImportedCa, trust: &[&str]) {
    let made = VerificationCertificate::make(&ca.issuer, CODE, now()).unwrap();
    let files = made.files().unwrap();
    assert_eq!(files[0].path, "certs/verification-code.cert.pem");
    assert!(files.iter().any(|f| f.path == "private/verification-code.key.pem"));
    let cert = write(dir, &files[0]);
    let mut args = vec!["verify", "-CAfile", trust[0]];
    for untrusted in &trust[1..] {
        args.extend(["-untrusted", untrusted]);
    }
    args.push(&cert);
    let (ok, out) = dir.openssl_status(&args);
    assert!(ok, "openssl verify refused the verification certificate: {out}");
    let subject = dir.openssl(&["x509", "-in", &cert, "-noout", "-subject", "-nameopt", "RFC2253"]);
    assert_eq!(subject.trim(), format!("subject=CN={CODE}"));
    let aki = dir.openssl(&["x509", "-in", &cert, "-noout", "-ext", "authorityKeyIdentifier"]);
    let ski: String =
        subject_key_identifier(&ca.issuer.certificate).unwrap().iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":");
    assert!(aki.contains(&ski), "AKI {aki} is not the CA's SKI {ski}");
    let fingerprint = dir.openssl(&["x509", "-in", &cert, "-noout", "-fingerprint", "-sha1"]);
    assert_eq!(fingerprint.trim().rsplit('=').next().unwrap().replace(':', ""), made.thumbprint_sha1().unwrap());
    assert_eq!(made.issued.key.algorithm(), ca.issuer.key.algorithm(), "fresh key of the CA's type");
}

/// Devices signed by the imported intermediate verify, and their full chain
/// is device, intermediate, root.
fn check_devices(dir: &Scratch, intermediate: &ImportedCa, extra_chain: Option<&[u8]>) {
    let extra = match extra_chain {
        Some(pem) => signing::extra_chain(&[InputFile { name: "root.cert.pem", contents: pem }]).unwrap(),
        None => Vec::new(),
    };
    let ids = vec!["device-01".to_string(), "device-02".to_string()];
    let files = sign(intermediate, &extra, &ids).unwrap();
    let chain = files.iter().find(|f| f.path == "certs/device-01-full-chain.cert.pem").expect("full chain");
    let cert = files.iter().find(|f| f.path == "certs/device-01.cert.pem").expect("device cert");
    assert!(files.iter().any(|f| f.path == "private/device-02.key.pem" && f.secret));
    let chain_name = write(dir, chain);
    let cert_name = write(dir, cert);
    let (ok, out) = dir.openssl_status(&["verify", "-CAfile", "root.cert.pem", "-untrusted", &chain_name, &cert_name]);
    assert!(ok, "device refused: {out}");
    let text = String::from_utf8(chain.contents.clone()).unwrap();
    assert_eq!(text.matches("BEGIN CERTIFICATE").count(), 3, "device, intermediate, root");
    assert!(text.ends_with(&String::from_utf8(dir.read("root.cert.pem")).unwrap()));
}

/// Mutual TLS on loopback, both sides requiring the other's chain to reach
/// `root`: `openssl s_server` holds a certificate `ca` signed for an
/// OpenSSL-made CSR and sends the CA's chain; the device presents the full
/// chain `ca` made for it.
fn check_mutual_tls(dir: &Scratch, ca: &ImportedCa, root: &str) {
    let files = sign(ca, &[], &["device-01".into()]).unwrap();
    for file in &files {
        write(dir, file);
    }
    dir.write("tls.cnf", EXTENSIONS);
    dir.openssl(&["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "server.key"]);
    dir.openssl(&[
        "req",
        "-new",
        "-config",
        "tls.cnf",
        "-key",
        "server.key",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost",
        "-out",
        "server.csr",
    ]);
    let csr = dir.read("server.csr");
    let server = signing::sign_request(
        ca,
        &InputFile { name: "server.csr", contents: &csr },
        &cert_studio::CsrSigningSpec { profile: CsrProfile::Server, ..Default::default() },
        now(),
    )
    .unwrap();
    let signers = ca.chain_to_root(&[]).unwrap();
    let endpoint = TlsServer {
        cert: &dir.write("server.pem", &server.files[0].contents),
        key: &dir.path("server.key"),
        chain: Some(&dir.write("signers.pem", signers.iter().map(|c| certificate_pem(&c.certificate).unwrap()).collect::<String>())),
        client_root: &dir.path(root),
    };
    let Handshake { client, server } =
        mutual_tls(&endpoint, &dir.path(root), &dir.path("certs_device-01-full-chain.cert.pem"), &dir.path("private_device-01.key.pem"));
    let from = format!("{} ({}, {})", ca.common_name(), ca.as_read.file, ca.key_file);
    assert_eq!(client, "ACCEPTED gnip", "{from}: the handshake failed:\nserver:\n{server}");
    // In TLS 1.3 the client finishes before the server checks its chain:
    // the server's own log shows it verified the device up to the root.
    assert!(server.contains("depth=0 CN = device-01\nverify return:1"), "{from}: {server}");
    assert!(server.contains(&format!("depth={} CN = {ROOT_CN}\nverify return:1", signers.len())), "{from}: {server}");
}

fn round_trip(kind: CaKey) {
    let dir = Scratch::new("import-rt");
    openssl_ca(&dir, kind);
    let root = import_one(&dir, &["root.cert.pem", "root.key.pem"], Some("1234"));
    assert!(root.is_root());
    assert_eq!(root.common_name(), ROOT_CN);
    check_verification(&dir, &root, &["root.cert.pem"]);

    let intermediate = import_one(&dir, &["intermediate.cert.pem", "intermediate.key.pem"], Some("1234"));
    assert!(!intermediate.is_root());
    assert_eq!(intermediate.common_name(), INTERMEDIATE_CN);
    // Only the intermediate was imported: the chain must be completed.
    let missing = sign(&intermediate, &[], &["d".into()]).unwrap_err();
    assert_eq!(missing.field.as_deref(), Some("chain"));
    assert!(missing.message.contains(ROOT_CN), "{}", missing.message);
    check_verification(&dir, &intermediate, &["root.cert.pem", "intermediate.cert.pem"]);
    check_devices(&dir, &intermediate, Some(&dir.read("root.cert.pem")));

    // Imported together, the root comes along as the intermediate's chain.
    let files = Files::from_dir(&dir, &["intermediate.cert.pem", "intermediate.key.pem", "root.cert.pem"]);
    let cas = import_cas(&files.inputs(), Some("1234"), now()).unwrap();
    assert_eq!(cas.len(), 1);
    assert_eq!(cas[0].chain.len(), 1);
    assert_eq!(cas[0].chain_to_root(&[]).unwrap().len(), 2);
    check_mutual_tls(&dir, &cas[0], "root.cert.pem");
}

#[test]
fn tutorial_rsa_ca_round_trip() {
    round_trip(CaKey::Rsa);
}

#[test]
fn tutorial_ec_ca_round_trip() {
    round_trip(CaKey::Ec);
}

#[test]
fn pfx_default_and_legacy_import() {
    let dir = Scratch::new("import-pfx");
    openssl_ca(&dir, CaKey::Rsa);
    let export = |extra: &[&str], out: &str| {
        let mut args = vec![
            "pkcs12",
            "-export",
            "-inkey",
            "intermediate.key.pem",
            "-passin",
            "pass:1234",
            "-in",
            "intermediate.cert.pem",
            "-certfile",
            "root.cert.pem",
            "-passout",
            "pass:1234",
            "-out",
            out,
        ];
        args.extend(extra);
        dir.openssl(&args);
    };
    export(&[], "default.pfx");
    export(&["-legacy"], "legacy.pfx");
    let (_, info) = dir.openssl_status(&["pkcs12", "-in", "legacy.pfx", "-info", "-noout", "-legacy", "-passin", "pass:1234"]);
    assert!(info.contains("pbeWithSHA1And40BitRC2-CBC") && info.contains("MAC: sha1"), "{info}");
    for pfx in ["default.pfx", "legacy.pfx"] {
        let ca = import_one(&dir, &[pfx], Some("1234"));
        assert_eq!(ca.common_name(), INTERMEDIATE_CN);
        assert_eq!(ca.chain.len(), 1, "{pfx}: the root travels in the PFX");
        check_verification(&dir, &ca, &["root.cert.pem", "intermediate.cert.pem"]);
        check_devices(&dir, &ca, None);
        check_mutual_tls(&dir, &ca, "root.cert.pem");
        let files = Files::from_dir(&dir, &[pfx]);
        let asked = import_cas(&files.inputs(), None, now()).unwrap_err();
        assert_eq!(asked.field.as_deref(), Some("password"));
        assert_eq!(asked.message, format!("{pfx} is encrypted; enter its password."));
        let wrong = import_cas(&files.inputs(), Some("4321"), now()).unwrap_err();
        assert_eq!(wrong.message, format!("The password for {pfx} is wrong."));
    }
}

#[test]
fn every_key_encoding_openssl_writes() {
    let dir = Scratch::new("import-keys");
    openssl_ca(&dir, CaKey::Rsa);
    let root = |args: &[&str]| {
        let mut all = vec!["rsa", "-in", "root.key.pem", "-passin", "pass:1234"];
        all.extend(args);
        dir.openssl(&all);
    };
    // OpenSSL 1.1's `genrsa -aes256` form: PKCS#1 with Proc-Type / DEK-Info.
    root(&["-aes256", "-traditional", "-passout", "pass:1234", "-out", "legacy-aes256.key"]);
    root(&["-aes128", "-traditional", "-passout", "pass:1234", "-out", "legacy-aes128.key"]);
    root(&["-des3", "-traditional", "-passout", "pass:1234", "-out", "legacy-des3.key"]);
    root(&["-traditional", "-out", "pkcs1.key"]);
    root(&["-out", "pkcs8.key"]);
    // OpenSSL 1.0's `pkcs8 -topk8` default: PKCS#12 PBE with SHA-1 and 3DES.
    dir.openssl(&[
        "pkcs8",
        "-topk8",
        "-in",
        "root.key.pem",
        "-passin",
        "pass:1234",
        "-v1",
        "PBE-SHA1-3DES",
        "-passout",
        "pass:1234",
        "-out",
        "pbe-3des.key",
    ]);
    root(&["-outform", "DER", "-out", "pkcs8.der"]);
    dir.openssl(&["x509", "-in", "root.cert.pem", "-outform", "DER", "-out", "root.cer"]);
    let legacy = String::from_utf8(dir.read("legacy-aes256.key")).unwrap();
    assert!(legacy.starts_with("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,"), "{legacy}");
    for key in ["legacy-aes256.key", "legacy-aes128.key", "legacy-des3.key", "pbe-3des.key", "pkcs1.key", "pkcs8.key", "pkcs8.der"] {
        for cert in ["root.cert.pem", "root.cer"] {
            let ca = import_one(&dir, &[cert, key], Some("1234"));
            assert!(ca.is_root(), "{key} + {cert}");
        }
        // OpenSSL, not only the studio's parser, accepts what the key signs.
        check_verification(&dir, &import_one(&dir, &["root.cert.pem", key], Some("1234")), &["root.cert.pem"]);
    }
    let legacy_ca = import_one(&dir, &["root.cert.pem", "legacy-aes256.key"], Some("1234"));
    check_mutual_tls(&dir, &legacy_ca, "root.cert.pem");
    // Unencrypted keys need no password at all.
    let ca = import_one(&dir, &["root.cert.pem", "pkcs1.key"], None);
    assert_eq!(ca.common_name(), ROOT_CN);
    let files = Files::from_dir(&dir, &["root.cert.pem", "legacy-aes256.key"]);
    let asked = import_cas(&files.inputs(), None, now()).unwrap_err();
    assert_eq!((asked.field.as_deref(), asked.message.as_str()), (Some("password"), "legacy-aes256.key is encrypted; enter its password."));
    let wrong = import_cas(&files.inputs(), Some("12345"), now()).unwrap_err();
    assert_eq!(wrong.message, "The password for legacy-aes256.key is wrong.");
    let files = Files::from_dir(&dir, &["root.cert.pem", "pbe-3des.key"]);
    let wrong = import_cas(&files.inputs(), Some("12345"), now()).unwrap_err();
    assert_eq!(wrong.message, "The password for pbe-3des.key is wrong.");
}

#[test]
fn ec_keys_in_sec1_with_and_without_proc_type() {
    let dir = Scratch::new("import-ec");
    openssl_ca(&dir, CaKey::Ec);
    dir.openssl(&["ec", "-in", "root.key.pem", "-passin", "pass:1234", "-aes256", "-passout", "pass:1234", "-out", "legacy.key"]);
    dir.openssl(&["ec", "-in", "root.key.pem", "-passin", "pass:1234", "-out", "sec1.key"]);
    let legacy = String::from_utf8(dir.read("legacy.key")).unwrap();
    assert!(legacy.starts_with("-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"), "{legacy}");
    for key in ["legacy.key", "sec1.key"] {
        let ca = import_one(&dir, &["root.cert.pem", key], Some("1234"));
        assert_eq!(ca.issuer.key.algorithm(), KeyAlgorithm::EcP256);
        check_verification(&dir, &ca, &["root.cert.pem"]);
        check_mutual_tls(&dir, &ca, "root.cert.pem");
    }
}

#[test]
fn studio_zip_offers_its_cas_back() {
    let dir = Scratch::new("import-zip");
    let spec = ChainSpec { key_algorithm: KeyAlgorithm::EcP256, ..ChainSpec::default() };
    let chain = TutorialChain::generate(spec, now()).unwrap();
    let zip = zip_files(&chain.files().unwrap()).unwrap();
    let input = [InputFile { name: "azure-iot-certs.zip", contents: &zip }];
    let asked = import_cas(&input, None, now()).unwrap_err();
    assert_eq!(asked.field.as_deref(), Some("password"));
    assert!(asked.message.contains("azure-iot-certs.zip") && asked.message.contains("root.ca.key.pem"), "{}", asked.message);
    let cas = import_cas(&input, Some("1234"), now()).unwrap();
    assert_eq!(cas.iter().map(ImportedCa::common_name).collect::<Vec<_>>(), [ROOT_CN, INTERMEDIATE_CN]);
    assert!(cas[1].chain_to_root(&[]).is_ok(), "the ZIP's root completes the intermediate's chain");
    dir.write("root.cert.pem", certificate_pem(&cas[0].issuer.certificate).unwrap());
    dir.write("intermediate.cert.pem", certificate_pem(&cas[1].issuer.certificate).unwrap());
    check_devices(&dir, &cas[1], None);
    check_verification(&dir, &cas[0], &["root.cert.pem"]);
    check_mutual_tls(&dir, &cas[1], "root.cert.pem");
}

#[test]
fn external_csr_signed_under_either_profile() {
    let dir = Scratch::new("import-csr");
    openssl_ca(&dir, CaKey::Ec);
    let ca = import_one(&dir, &["intermediate.cert.pem", "intermediate.key.pem", "root.cert.pem"], Some("1234"));
    dir.openssl(&["ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", "edge.key"]);
    dir.openssl(&[
        "req",
        "-new",
        "-config",
        "ext.cnf",
        "-key",
        "edge.key",
        "-subj",
        "/CN=edge-gateway",
        "-addext",
        "subjectAltName=DNS:edge-gateway.local",
        "-out",
        "edge.csr.pem",
    ]);
    dir.openssl(&["genrsa", "-out", "dev.key", "2048"]);
    dir.openssl(&["req", "-new", "-config", "ext.cnf", "-key", "dev.key", "-subj", "/CN=device-07", "-outform", "DER", "-out", "dev.csr"]);
    let pem = dir.read("edge.csr.pem");
    let server = signing::sign_request(
        &ca,
        &InputFile { name: "edge.csr.pem", contents: &pem },
        &cert_studio::CsrSigningSpec { profile: CsrProfile::Server, ..Default::default() },
        now(),
    )
    .unwrap();
    assert_eq!(server.files[0].path, "certs/edge-gateway.cert.pem");
    let der = dir.read("dev.csr");
    let device = signing::sign_request(
        &ca,
        &InputFile { name: "dev.csr", contents: &der },
        &cert_studio::CsrSigningSpec { profile: CsrProfile::Device, ..Default::default() },
        now(),
    )
    .unwrap();
    dir.write("chain.pem", [dir.read("intermediate.cert.pem"), dir.read("root.cert.pem")].concat());
    for (signed, purpose, expect) in
        [(&server, "sslserver", "TLS Web Server Authentication"), (&device, "sslclient", "TLS Web Client Authentication")]
    {
        let name = write(&dir, &signed.files[0]);
        let (ok, out) = dir.openssl_status(&["verify", "-CAfile", "root.cert.pem", "-untrusted", "chain.pem", "-purpose", purpose, &name]);
        assert!(ok, "{purpose}: {out}");
        let text = dir.openssl(&["x509", "-in", &name, "-noout", "-text"]);
        assert!(text.contains(expect), "{text}");
        assert_eq!(facts::common_name_of(&signed.certificate).as_deref(), Some(signed.common_name.as_str()));
    }
    let text = dir.openssl(&["x509", "-in", "certs_edge-gateway.cert.pem", "-noout", "-ext", "subjectAltName"]);
    assert!(text.contains("DNS:edge-gateway.local"), "{text}");
}
