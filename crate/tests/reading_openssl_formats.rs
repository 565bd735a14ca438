//! Reading what other tools write: files made here by `openssl`, opened with
//! the studio's reader, import and inspect. Every thumbprint the studio shows
//! equals `openssl x509 -fingerprint -sha1`, serials print as OpenSSL prints
//! them, and a wrong password is named at the password field.

use std::path::PathBuf;
use std::process::Command;

use cert_studio::read::material::Material;
use cert_studio::{InputFile, import_cas, inspect};
use der::asn1::GeneralizedTime;
use der::{Any, Decode, Encode, Tagged};

const PASSWORD: &str = "s3cret pass";

/// A temporary folder where `openssl` makes the files.
struct Workshop {
    dir: tempfile::TempDir,
}

impl Workshop {
    fn new() -> Self {
        Self { dir: tempfile::tempdir().expect("temp dir") }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs a tool in the folder; panics with its stderr when it fails.
    fn run(&self, tool: &str, args: &[&str]) -> String {
        let out = Command::new(tool).args(args).current_dir(self.dir.path()).output().expect(tool);
        assert!(out.status.success(), "{tool} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn openssl(&self, args: &[&str]) -> String {
        self.run("openssl", args)
    }

    fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path(name)).expect(name)
    }

    fn write(&self, name: &str, contents: &[u8]) {
        std::fs::write(self.path(name), contents).expect(name);
    }

    /// A P-256 CA (`ca.key`, `ca.pem`) that may sign certificates.
    fn ca(&self) {
        self.openssl(&["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ca.key"]);
        self.openssl(&[
            "req",
            "-x509",
            "-new",
            "-key",
            "ca.key",
            "-subj",
            "/CN=Reading Test CA",
            "-days",
            "30",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
            "-out",
            "ca.pem",
        ]);
    }

    /// The CA certificate's DER, as `openssl x509 -outform DER` writes it to `ca.der`.
    fn ca_der(&self) -> Vec<u8> {
        self.openssl(&["x509", "-in", "ca.pem", "-outform", "DER", "-out", "ca.der"]);
        self.read("ca.der")
    }

    /// `openssl x509 -fingerprint -sha1` of a PEM or DER certificate, as the portal writes it.
    fn fingerprint(&self, name: &str) -> String {
        let form = if self.read(name).windows(10).any(|w| w == b"-----BEGIN") { "PEM" } else { "DER" };
        let out = self.openssl(&["x509", "-in", name, "-inform", form, "-noout", "-fingerprint", "-sha1"]);
        out.trim().rsplit('=').next().unwrap_or_default().replace(':', "")
    }

    fn material(&self, name: &str, password: Option<&str>) -> cert_studio::Result<Material> {
        let contents = self.read(name);
        Material::read(&[InputFile { name, contents: &contents }], password)
    }
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs()
}

/// The certificate's DER with its validity re-encoded as two GeneralizedTimes
/// (legal BER, and what some CAs write even before 2050), not yet signed
/// again ([`signed_again`]).
fn with_generalized_validity(der: &[u8]) -> Vec<u8> {
    let mut outer = Vec::<Any>::from_der(der).expect("certificate");
    let mut tbs = Vec::<Any>::from_der(&outer[0].to_der().expect("tbs")).expect("tbs fields");
    let validity = Vec::<Any>::from_der(&tbs[4].to_der().expect("validity")).expect("validity times");
    let general: Vec<Any> = validity
        .iter()
        .map(|time| {
            let utc = der::asn1::UtcTime::from_der(&time.to_der().expect("time")).expect("UTCTime");
            Any::encode_from(&GeneralizedTime::from_date_time(utc.to_date_time())).expect("GeneralizedTime")
        })
        .collect();
    tbs[4] = Any::from_der(&general.to_der().expect("validity")).expect("validity");
    outer[0] = Any::from_der(&tbs.to_der().expect("tbs")).expect("tbs");
    outer.to_der().expect("certificate")
}

/// The certificate as x509-cert decodes and encodes it again.
fn reencoded(der: &[u8]) -> Vec<u8> {
    x509_cert::Certificate::from_der(der).expect("certificate").to_der().expect("DER")
}

fn field_of(result: cert_studio::Result<Material>) -> (String, String) {
    match result {
        Ok(material) => {
            panic!("read {} certificates and {} keys where an error was expected", material.certificates.len(), material.keys.len())
        }
        Err(e) => (e.field.unwrap_or_default().to_string(), e.message),
    }
}

#[test]
fn thumbprints_are_over_the_bytes_as_read() {
    let shop = Workshop::new();
    shop.ca();
    let ca_der = shop.ca_der();
    let general = signed_again(&shop, &with_generalized_validity(&ca_der), "ca.key");
    assert_ne!(general, ca_der);
    assert_ne!(reencoded(&general), general, "a thumbprint over the re-encoding would differ");
    shop.write("general.der", &general);
    shop.openssl(&["x509", "-in", "general.der", "-inform", "DER", "-out", "general.pem"]);
    // Signed over the bytes as read, which the re-encoding does not give back (OpenSSL checks those too).
    let verified = shop.openssl(&["verify", "-check_ss_sig", "-CAfile", "general.pem", "general.pem"]);
    assert!(verified.contains("OK"), "{verified}");
    let expected = shop.fingerprint("general.der");
    assert_eq!(expected, shop.fingerprint("general.pem"));

    for name in ["general.der", "general.pem"] {
        let contents = shop.read(name);
        let files = [InputFile { name, contents: &contents }];
        let seen = inspect(&files, None, now()).expect("inspect");
        assert_eq!(seen.certificates[0].thumbprint_sha1, expected, "{name}");

        let key = shop.read("ca.key");
        let with_key = [InputFile { name, contents: &contents }, InputFile { name: "ca.key", contents: &key }];
        let cas = import_cas(&with_key, None, now()).expect("import");
        assert!(cas[0].is_root(), "{name}: its self-signature verifies over the bytes as read");
        let summary = cas[0].summary().expect("summary");
        assert_eq!(summary.thumbprint_sha1, expected, "{name}");
        // The page's copy of the certificate is the one that was read.
        shop.write("copy.pem", summary.certificate_pem.as_bytes());
        assert_eq!(shop.fingerprint("copy.pem"), expected);
    }
}

#[test]
fn negative_serials_keep_their_sign() {
    let shop = Workshop::new();
    shop.ca();
    for serial in ["-1", "-128", "-0x0102030405060708090a", "0x7fffffffffffffff", "1"] {
        shop.openssl(&["req", "-x509", "-key", "ca.key", "-subj", "/CN=serial", "-set_serial", serial, "-days", "3", "-out", "s.pem"]);
        let contents = shop.read("s.pem");
        let seen = inspect(&[InputFile { name: "s.pem", contents: &contents }], None, now()).expect("inspect");
        let certificate = &seen.certificates[0];
        let openssl_serial = shop.openssl(&["x509", "-in", "s.pem", "-noout", "-serial"]);
        assert_eq!(format!("serial={}", certificate.serial_hex), openssl_serial.trim(), "{serial}");
        // `-text` prints `Serial Number: -128 (-0x80)`, or the hex on the next line.
        let text = shop.openssl(&["x509", "-in", "s.pem", "-noout", "-text"]);
        let line = text.lines().skip_while(|l| !l.contains("Serial Number:")).take(2).collect::<Vec<_>>().join(" ");
        match &certificate.serial_decimal {
            Some(decimal) => assert!(line.contains(&format!("Serial Number: {decimal} (")), "{serial}: {line}"),
            None => assert!(line.trim_end().ends_with(&certificate.serial), "{serial}: {line} vs {}", certificate.serial),
        }
    }
}

/// Reads `name` with the right password, a wrong one and none: the key opens
/// with the first, the others are named at the password field.
fn opens_only_with_its_password(shop: &Workshop, name: &str, password: &str) -> Material {
    let material = shop.material(name, Some(password)).unwrap_or_else(|e| panic!("{name}: {}", e.message));
    for wrong in [Some("not the password"), None] {
        let (field, message) = field_of(shop.material(name, wrong));
        assert_eq!(field, "password", "{name} with {wrong:?}: {message}");
    }
    material
}

#[test]
fn pkcs8_in_every_scheme_openssl_writes() {
    let shop = Workshop::new();
    shop.openssl(&["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "rsa.key"]);
    let pass = format!("pass:{PASSWORD}");
    let mut variants: Vec<Vec<&str>> = Vec::new();
    for cipher in ["aes-128-cbc", "aes-256-cbc", "des3"] {
        for prf in ["hmacWithSHA1", "hmacWithSHA256", "hmacWithSHA512"] {
            variants.push(vec!["-v2", cipher, "-v2prf", prf]);
        }
    }
    for pbe in ["PBE-SHA1-3DES", "PBE-SHA1-2DES"] {
        variants.push(vec!["-v1", pbe, "-provider", "legacy", "-provider", "default"]);
    }
    for variant in &variants {
        for form in ["PEM", "DER"] {
            let scheme: Vec<&str> = variant.iter().copied().take_while(|a| *a != "-provider").collect();
            let name = format!("{}.{}", scheme.join("_"), form.to_lowercase());
            let mut args = vec!["pkcs8", "-topk8", "-in", "rsa.key", "-passout", &pass, "-outform", form, "-out", &name];
            args.extend(variant.iter().copied());
            shop.openssl(&args);
            let material = opens_only_with_its_password(&shop, &name, PASSWORD);
            assert_eq!(material.keys.len(), 1, "{name}");
        }
    }
}

#[test]
fn unencrypted_keys_in_every_encoding() {
    let shop = Workshop::new();
    shop.openssl(&["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "rsa.key"]);
    shop.openssl(&["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", "ec.key"]);
    shop.openssl(&["rsa", "-in", "rsa.key", "-traditional", "-outform", "DER", "-out", "rsa-pkcs1.der"]);
    shop.openssl(&["ec", "-in", "ec.key", "-outform", "DER", "-out", "ec-sec1.der"]);
    // `ecparam -genkey` without -noout: an EC PARAMETERS block before the key.
    shop.openssl(&["ecparam", "-name", "prime256v1", "-genkey", "-out", "ecparam.key"]);
    shop.openssl(&["pkey", "-in", "ec.key", "-outform", "DER", "-out", "ec-pkcs8.der"]);
    for name in ["rsa-pkcs1.der", "ec-sec1.der", "ec-pkcs8.der", "ecparam.key"] {
        let material = shop.material(name, None).unwrap_or_else(|e| panic!("{name}: {}", e.message));
        assert_eq!((material.keys.len(), material.unreadable.len()), (1, 0), "{name}");
    }
}

/// Opens `name` with `password`: one key, and every certificate's thumbprint
/// is OpenSSL's thumbprint of `ca.pem`.
fn pfx_holds_the_ca(shop: &Workshop, name: &str, password: Option<&str>) {
    let contents = shop.read(name);
    let seen = inspect(&[InputFile { name, contents: &contents }], password, now()).unwrap_or_else(|e| panic!("{name}: {}", e.message));
    assert_eq!(seen.keys.len(), 1, "{name}");
    assert_eq!(seen.certificates.len(), 1, "{name}");
    assert_eq!(seen.certificates[0].thumbprint_sha1, shop.fingerprint("ca.pem"), "{name}");
}

fn export_pfx(shop: &Workshop, name: &str, password: &str, options: &[&str]) {
    let pass = format!("pass:{password}");
    let mut args = vec!["pkcs12", "-export", "-inkey", "ca.key", "-in", "ca.pem", "-passout", &pass, "-out", name];
    if options.iter().any(|o| o.contains("RC2")) {
        args.extend(["-provider", "legacy", "-provider", "default"]);
    }
    args.extend(options);
    shop.openssl(&args);
}

#[test]
fn pfx_in_every_scheme_openssl_writes() {
    let shop = Workshop::new();
    shop.ca();
    let pbes = ["AES-256-CBC", "DES-EDE3-CBC", "PBE-SHA1-3DES", "PBE-SHA1-RC2-40", "NONE"];
    for key_pbe in pbes.iter().filter(|p| !p.contains("RC2")) {
        for cert_pbe in pbes {
            let name = format!("{key_pbe}_{cert_pbe}.pfx");
            export_pfx(&shop, &name, PASSWORD, &["-keypbe", key_pbe, "-certpbe", cert_pbe]);
            opens_only_with_its_password(&shop, &name, PASSWORD);
            pfx_holds_the_ca(&shop, &name, Some(PASSWORD));
        }
    }
    for mac in ["sha1", "sha256", "sha384", "sha512"] {
        let name = format!("mac-{mac}.pfx");
        export_pfx(&shop, &name, PASSWORD, &["-macalg", mac]);
        opens_only_with_its_password(&shop, &name, PASSWORD);
        pfx_holds_the_ca(&shop, &name, Some(PASSWORD));
    }
    export_pfx(&shop, "legacy.pfx", PASSWORD, &["-legacy"]);
    opens_only_with_its_password(&shop, "legacy.pfx", PASSWORD);
    // Without a MAC only the decryption can tell a wrong password.
    export_pfx(&shop, "nomac.pfx", PASSWORD, &["-nomac"]);
    opens_only_with_its_password(&shop, "nomac.pfx", PASSWORD);
    pfx_holds_the_ca(&shop, "nomac.pfx", Some(PASSWORD));
}

#[test]
fn pfx_without_a_password_opens_without_asking() {
    let shop = Workshop::new();
    shop.ca();
    export_pfx(&shop, "empty.pfx", "", &[]);
    export_pfx(&shop, "empty-legacy.pfx", "", &["-legacy"]);
    export_pfx(&shop, "plain.pfx", "", &["-nomac", "-keypbe", "NONE", "-certpbe", "NONE"]);
    for name in ["empty.pfx", "empty-legacy.pfx", "plain.pfx"] {
        pfx_holds_the_ca(&shop, name, None);
        pfx_holds_the_ca(&shop, name, Some(""));
        // A password typed for another file does not stand in the way.
        pfx_holds_the_ca(&shop, name, Some("for the CA key"));
    }
}

#[test]
fn keytool_and_python_cryptography_files() {
    let shop = Workshop::new();
    shop.ca();
    shop.run(
        "keytool",
        &[
            "-genkeypair",
            "-alias",
            "ca",
            "-keyalg",
            "EC",
            "-groupname",
            "secp256r1",
            "-dname",
            "CN=Keytool CA",
            "-ext",
            "bc:c",
            "-storetype",
            "PKCS12",
            "-keystore",
            "keytool.p12",
            "-storepass",
            PASSWORD,
            "-keypass",
            PASSWORD,
            "-validity",
            "30",
        ],
    );
    opens_only_with_its_password(&shop, "keytool.p12", PASSWORD);
    let pass = format!("pass:{PASSWORD}");
    shop.openssl(&["pkcs12", "-in", "keytool.p12", "-passin", &pass, "-nokeys", "-out", "keytool-cert.pem"]);
    let contents = shop.read("keytool.p12");
    let seen = inspect(&[InputFile { name: "keytool.p12", contents: &contents }], Some(PASSWORD), now()).expect("keytool.p12");
    assert_eq!(seen.certificates[0].thumbprint_sha1, shop.fingerprint("keytool-cert.pem"));

    let script = format!(
        r#"
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import (BestAvailableEncryption, Encoding, PrivateFormat,
    load_pem_private_key, pkcs12)
key = load_pem_private_key(open("ca.key", "rb").read(), None)
cert = x509.load_pem_x509_certificate(open("ca.pem", "rb").read())
password = b"{PASSWORD}"
best = BestAvailableEncryption(password)
open("py-best.p12", "wb").write(pkcs12.serialize_key_and_certificates(b"ca", key, cert, None, best))
legacy = (PrivateFormat.PKCS12.encryption_builder().kdf_rounds(50000)
    .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC).hmac_hash(hashes.SHA1()).build(password))
open("py-3des.p12", "wb").write(pkcs12.serialize_key_and_certificates(b"ca", key, cert, None, legacy))
open("py-best.key", "wb").write(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, best))
open("py-best.der", "wb").write(key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, best))
open("py-traditional.key", "wb").write(key.private_bytes(Encoding.PEM, PrivateFormat.TraditionalOpenSSL, best))
"#
    );
    shop.write("write.py", script.as_bytes());
    shop.run("python3", &["write.py"]);
    for name in ["py-best.p12", "py-3des.p12"] {
        opens_only_with_its_password(&shop, name, PASSWORD);
        pfx_holds_the_ca(&shop, name, Some(PASSWORD));
    }
    for name in ["py-best.key", "py-best.der", "py-traditional.key"] {
        assert_eq!(opens_only_with_its_password(&shop, name, PASSWORD).keys.len(), 1, "{name}");
    }
}

#[test]
fn p7b_bundles_show_every_certificate() {
    let shop = Workshop::new();
    shop.ca();
    shop.openssl(&["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "device.key"]);
    shop.openssl(&["req", "-new", "-key", "device.key", "-subj", "/CN=device-01", "-out", "device.csr"]);
    shop.openssl(&["x509", "-req", "-in", "device.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-days", "3", "-out", "device.pem"]);
    shop.write("chain.pem", &[shop.read("device.pem"), shop.read("ca.pem")].concat());
    shop.openssl(&["crl2pkcs7", "-nocrl", "-certfile", "chain.pem", "-out", "chain.p7b"]);
    shop.openssl(&["crl2pkcs7", "-nocrl", "-certfile", "chain.pem", "-outform", "DER", "-out", "chain-der.p7b"]);
    let expected = [shop.fingerprint("device.pem"), shop.fingerprint("ca.pem")];
    for name in ["chain.p7b", "chain-der.p7b"] {
        let contents = shop.read(name);
        let seen = inspect(&[InputFile { name, contents: &contents }], None, now()).unwrap_or_else(|e| panic!("{name}: {}", e.message));
        let thumbprints: Vec<&str> = seen.certificates.iter().map(|c| c.thumbprint_sha1.as_str()).collect();
        assert_eq!(thumbprints, expected, "{name}");
        let key = shop.read("ca.key");
        let with_key = [InputFile { name, contents: &contents }, InputFile { name: "ca.key", contents: &key }];
        let cas = import_cas(&with_key, None, now()).unwrap_or_else(|e| panic!("{name}: {}", e.message));
        assert_eq!(cas[0].summary().expect("summary").thumbprint_sha1, expected[1]);
    }
}

/// The error reading `name` gives: at the files field, naming the file and `why`.
fn refused(shop: &Workshop, name: &str, password: Option<&str>, why: &str) {
    let (field, message) = field_of(shop.material(name, password));
    assert_eq!(field, "files", "{name}: {message}");
    assert!(message.contains(name) && message.contains(why), "{name}: {message}");
}

#[test]
fn what_the_studio_cant_use_is_named_not_blamed_on_the_password() {
    let shop = Workshop::new();
    let pass = format!("pass:{PASSWORD}");
    shop.openssl(&["genpkey", "-algorithm", "ED25519", "-out", "ed25519.key"]);
    shop.openssl(&["pkcs8", "-topk8", "-in", "ed25519.key", "-passout", &pass, "-out", "ed25519-encrypted.key"]);
    refused(&shop, "ed25519.key", None, "Ed25519");
    refused(&shop, "ed25519-encrypted.key", Some(PASSWORD), "Ed25519");
    shop.openssl(&["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521", "-out", "p521.key"]);
    refused(&shop, "p521.key", None, "secp521r1");
    shop.openssl(&["genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt", "dsa_paramgen_bits:1024", "-out", "dsa.param"]);
    shop.openssl(&["genpkey", "-paramfile", "dsa.param", "-out", "dsa.key"]);
    shop.openssl(&["pkey", "-in", "dsa.key", "-traditional", "-out", "dsa-traditional.key"]);
    refused(&shop, "dsa.key", None, "DSA");
    refused(&shop, "dsa-traditional.key", None, "DSA");
    shop.openssl(&["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ec.key"]);
    shop.openssl(&["pkcs8", "-topk8", "-in", "ec.key", "-scrypt", "-passout", &pass, "-out", "scrypt.key"]);
    refused(&shop, "scrypt.key", Some(PASSWORD), "scrypt");
    let legacy = ["-provider", "legacy", "-provider", "default"];
    let mut rc4 = vec!["pkcs8", "-topk8", "-in", "ec.key", "-v1", "PBE-SHA1-RC4-128", "-passout", &pass, "-out", "rc4.key"];
    rc4.extend(legacy);
    shop.openssl(&rc4);
    refused(&shop, "rc4.key", Some(PASSWORD), "RC4");
    refused(&shop, "rc4.key", None, "RC4");
    let mut rc2 = vec!["pkcs8", "-topk8", "-in", "ec.key", "-v1", "PBE-SHA1-RC2-40", "-passout", &pass, "-out", "rc2.key"];
    rc2.extend(legacy);
    shop.openssl(&rc2);
    refused(&shop, "rc2.key", Some(PASSWORD), "PBE-SHA1-RC2-40");
}

#[test]
fn rsa_pss_keys_are_shown_but_not_used_to_sign() {
    let shop = Workshop::new();
    let pass = format!("pass:{PASSWORD}");
    shop.openssl(&["genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "pss.key"]);
    shop.openssl(&["pkcs8", "-topk8", "-in", "pss.key", "-passout", &pass, "-out", "pss-encrypted.key"]);
    shop.openssl(&[
        "req",
        "-x509",
        "-key",
        "pss.key",
        "-subj",
        "/CN=PSS CA",
        "-days",
        "3",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-out",
        "pss.pem",
    ]);
    for (name, password) in [("pss.key", None), ("pss-encrypted.key", Some(PASSWORD))] {
        let key = shop.read(name);
        let certificate = shop.read("pss.pem");
        let files = [InputFile { name: "pss.pem", contents: &certificate }, InputFile { name, contents: &key }];
        let seen = inspect(&files, password, now()).unwrap_or_else(|e| panic!("{name}: {}", e.message));
        assert_eq!(seen.keys.len(), 1, "{name}");
        assert_eq!(seen.keys[0].public_key.summary, "RSA-PSS 2048 bit");
        assert_eq!(seen.keys[0].matching_certificates, [1]);
        assert!(seen.unreadable[0].contains("RSA-PSS"), "{:?}", seen.unreadable);
        let error = import_cas(&files, password, now()).expect_err("RSA-PSS can't sign here");
        assert!(error.message.contains("RSA-PSS") && error.message.contains(name), "{}", error.message);
    }
}

#[test]
fn partial_files_show_what_can_be_read() {
    let shop = Workshop::new();
    shop.ca();
    shop.openssl(&["genpkey", "-algorithm", "ED25519", "-out", "ed25519.key"]);
    shop.openssl(&["req", "-x509", "-key", "ed25519.key", "-subj", "/CN=Ed25519 device", "-days", "3", "-out", "ed25519.pem"]);
    // A PEM with the CA, its key, and a key the studio can't sign with.
    shop.write("mixed.pem", &[shop.read("ca.pem"), shop.read("ed25519.key"), shop.read("ca.key")].concat());
    let contents = shop.read("mixed.pem");
    let files = [InputFile { name: "mixed.pem", contents: &contents }];
    let seen = inspect(&files, None, now()).expect("inspect");
    assert_eq!((seen.certificates.len(), seen.keys.len()), (1, 1));
    assert!(seen.unreadable.len() == 1 && seen.unreadable[0].contains("Ed25519"), "{:?}", seen.unreadable);
    let cas = import_cas(&files, None, now()).expect("import");
    assert_eq!(cas[0].summary().expect("summary").thumbprint_sha1, shop.fingerprint("ca.pem"));

    // A PFX whose key the studio can't use still shows its certificate.
    let pass = format!("pass:{PASSWORD}");
    shop.openssl(&["pkcs12", "-export", "-inkey", "ed25519.key", "-in", "ed25519.pem", "-passout", &pass, "-out", "ed25519.pfx"]);
    let contents = shop.read("ed25519.pfx");
    let seen = inspect(&[InputFile { name: "ed25519.pfx", contents: &contents }], Some(PASSWORD), now()).expect("inspect");
    assert_eq!((seen.certificates.len(), seen.keys.len()), (1, 0));
    assert_eq!(seen.certificates[0].thumbprint_sha1, shop.fingerprint("ed25519.pem"));
    assert!(seen.unreadable[0].contains("Ed25519"), "{:?}", seen.unreadable);
    // A PFX whose key is under a scheme the studio can't run still shows its certificate.
    shop.openssl(&[
        "pkcs12",
        "-export",
        "-inkey",
        "ca.key",
        "-in",
        "ca.pem",
        "-passout",
        &pass,
        "-keypbe",
        "PBE-SHA1-RC4-128",
        "-certpbe",
        "AES-256-CBC",
        "-provider",
        "legacy",
        "-provider",
        "default",
        "-out",
        "rc4.pfx",
    ]);
    let contents = shop.read("rc4.pfx");
    let seen = inspect(&[InputFile { name: "rc4.pfx", contents: &contents }], Some(PASSWORD), now()).expect("inspect");
    assert_eq!((seen.certificates.len(), seen.keys.len()), (1, 0));
    assert!(seen.unreadable[0].contains("PBE-SHA1-RC4-128"), "{:?}", seen.unreadable);
    // Alone, the unusable key is the reason no CA can be imported.
    let key_only = shop.read("ed25519.key");
    let error = import_cas(&[InputFile { name: "ed25519.key", contents: &key_only }], None, now()).expect_err("no CA");
    assert!(error.message.contains("Ed25519"), "{}", error.message);
}

#[test]
fn ec_keys_with_explicit_curve_parameters() {
    let shop = Workshop::new();
    for (curve, name) in [("prime256v1", "P-256"), ("secp384r1", "P-384")] {
        let explicit = format!("{curve}-explicit.key");
        shop.openssl(&["ecparam", "-name", curve, "-param_enc", "explicit", "-genkey", "-noout", "-out", &explicit]);
        shop.openssl(&["ec", "-in", &explicit, "-param_enc", "named_curve", "-out", "named.key"]);
        shop.openssl(&["pkcs8", "-topk8", "-nocrypt", "-in", &explicit, "-out", "explicit-pkcs8.key"]);
        shop.openssl(&["ec", "-in", &explicit, "-outform", "DER", "-out", "explicit.der"]);
        let named = shop.material("named.key", None).expect("named").keys.remove(0).item.public_key_der().expect("public key");
        for file in [explicit.as_str(), "explicit-pkcs8.key", "explicit.der"] {
            let mut material = shop.material(file, None).unwrap_or_else(|e| panic!("{file}: {}", e.message));
            let key = material.keys.remove(0).item;
            assert_eq!(key.public_key_der().expect("public key"), named, "{file}");
            assert_eq!(
                key.algorithm().label(),
                cert_studio::KeyAlgorithm::parse("k", if name == "P-256" { "ec-p256" } else { "ec-p384" }).expect("algorithm").label()
            );
        }
    }
    shop.openssl(&["ecparam", "-name", "secp256k1", "-param_enc", "explicit", "-genkey", "-noout", "-out", "k1.key"]);
    refused(&shop, "k1.key", None, "not those of P-256 or P-384");
}

/// The certificate's DER with `critical BOOLEAN DEFAULT FALSE` written out in
/// every non-critical extension (BER allows it, DER does not).
fn with_explicit_defaults(der: &[u8]) -> Vec<u8> {
    let reparse = |any: &Any| Vec::<Any>::from_der(&any.to_der().expect("DER")).expect("SEQUENCE");
    let mut outer = Vec::<Any>::from_der(der).expect("certificate");
    let mut tbs = reparse(&outer[0]);
    let extensions_at = tbs.len() - 1;
    let wrapper = &tbs[extensions_at];
    let extensions = Vec::<Any>::from_der(wrapper.value()).expect("extensions");
    let extensions: Vec<Any> = extensions
        .iter()
        .map(|extension| {
            let mut fields = reparse(extension);
            if fields.len() == 2 {
                fields.insert(1, Any::encode_from(&false).expect("BOOLEAN"));
            }
            Any::from_der(&fields.to_der().expect("extension")).expect("extension")
        })
        .collect();
    tbs[extensions_at] = Any::new(wrapper.tag(), extensions.to_der().expect("extensions")).expect("[3]");
    outer[0] = Any::from_der(&tbs.to_der().expect("tbs")).expect("tbs");
    outer.to_der().expect("certificate")
}

#[test]
fn explicit_defaults_keep_their_thumbprint() {
    let shop = Workshop::new();
    shop.ca();
    let ca_der = shop.ca_der();
    let explicit = with_explicit_defaults(&ca_der);
    assert_ne!(explicit, ca_der);
    assert_ne!(reencoded(&explicit), explicit, "a thumbprint over the re-encoding would differ");
    shop.write("explicit.der", &explicit);
    let contents = shop.read("explicit.der");
    let seen = inspect(&[InputFile { name: "explicit.der", contents: &contents }], None, now()).unwrap_or_else(|e| panic!("{}", e.message));
    assert_eq!(seen.certificates[0].thumbprint_sha1, shop.fingerprint("explicit.der"));
}

#[test]
fn name_attributes_print_with_openssl_names() {
    let shop = Workshop::new();
    shop.ca();
    let subject =
        "/CN=Named/generationQualifier=Jr./jurisdictionC=US/jurisdictionST=WA/jurisdictionL=Redmond/organizationIdentifier=VATUS-1";
    shop.openssl(&["req", "-x509", "-key", "ca.key", "-subj", subject, "-days", "3", "-out", "named.pem"]);
    let contents = shop.read("named.pem");
    let seen = inspect(&[InputFile { name: "named.pem", contents: &contents }], None, now()).expect("inspect");
    let openssl = shop.openssl(&["x509", "-in", "named.pem", "-noout", "-subject"]);
    assert_eq!(format!("subject={}", seen.certificates[0].subject), openssl.trim());
}

/// `der` with its signature made again by `key` over its (changed) TBS.
fn signed_again(shop: &Workshop, der: &[u8], key: &str) -> Vec<u8> {
    let mut outer = Vec::<Any>::from_der(der).expect("certificate");
    shop.write("tbs.der", &outer[0].to_der().expect("tbs"));
    shop.openssl(&["dgst", "-sha256", "-sign", key, "-out", "signature.bin", "tbs.der"]);
    let signature = der::asn1::BitString::from_bytes(&shop.read("signature.bin")).expect("signature");
    outer[2] = Any::encode_from(&signature).expect("signature");
    outer.to_der().expect("certificate")
}

#[test]
fn certificates_signed_by_an_imported_ca_carry_its_certificate_as_read() {
    let shop = Workshop::new();
    shop.ca();
    let general = signed_again(&shop, &with_generalized_validity(&shop.ca_der()), "ca.key");
    shop.write("general.der", &general);
    shop.openssl(&["x509", "-in", "general.der", "-inform", "DER", "-out", "general.pem"]);
    // Still a valid self-signed root, so its exact bytes matter to every chain.
    shop.openssl(&["verify", "-CAfile", "general.pem", "general.pem"]);
    let key = shop.read("ca.key");
    let files = [InputFile { name: "general.der", contents: &general }, InputFile { name: "ca.key", contents: &key }];
    let cas = import_cas(&files, None, now()).expect("import");
    shop.openssl(&[
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "d.key",
        "-subj",
        "/CN=device-01",
        "-out",
        "d.csr",
    ]);
    let csr = shop.read("d.csr");
    let signed =
        cert_studio::sign_request(&cas[0], &InputFile { name: "d.csr", contents: &csr }, &cert_studio::CsrSigningSpec::default(), now())
            .expect("sign");
    let root_pem = String::from_utf8(shop.read("general.pem")).expect("PEM");
    let chain = signed.files.iter().find(|f| f.path.contains("full-chain") && f.path.ends_with(".pem")).expect("full chain");
    assert!(String::from_utf8_lossy(&chain.contents).contains(&root_pem), "{}", chain.path);
    shop.write("chain.pem", &chain.contents);
    shop.openssl(&["verify", "-CAfile", "general.pem", "chain.pem"]);
}

#[test]
fn validity_dates_before_1970_read_as_openssl_prints_them() {
    let shop = Workshop::new();
    // UTCTime years 1950–1969: Python's cryptography writes UTCTime for every date before 2050.
    let script = r#"
import datetime
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
def make(cn, start, end, path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256()))
    open(path + ".pem", "wb").write(cert.public_bytes(serialization.Encoding.PEM))
    open(path + ".key", "wb").write(key.private_bytes(serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
utc = datetime.timezone.utc
make("Since 1950", datetime.datetime(1950, 6, 15, 12, 0, 0, tzinfo=utc),
     datetime.datetime.now(utc) + datetime.timedelta(days=30), "since-1950")
make("Ended 1969", datetime.datetime(1960, 1, 1, tzinfo=utc), datetime.datetime(1969, 12, 31, 23, 59, 59, tzinfo=utc), "ended-1969")
"#;
    shop.write("early.py", script.as_bytes());
    shop.run("python3", &["early.py"]);

    for (name, valid_now) in [("since-1950.pem", true), ("ended-1969.pem", false)] {
        let contents = shop.read(name);
        let seen = inspect(&[InputFile { name, contents: &contents }], None, now()).expect(name);
        let certificate = &seen.certificates[0];
        let start = shop.openssl(&["x509", "-in", name, "-noout", "-startdate"]);
        let end = shop.openssl(&["x509", "-in", name, "-noout", "-enddate"]);
        assert_eq!(format!("notBefore={}", certificate.not_before.text), start.trim(), "{name}");
        assert_eq!(format!("notAfter={}", certificate.not_after.text), end.trim(), "{name}");
        assert!(certificate.not_before.unix < 0, "{name}: {:?}", certificate.not_before);
        assert_eq!(certificate.valid_now, valid_now, "{name}");
        assert_eq!(certificate.thumbprint_sha1, shop.fingerprint(name), "{name}");
        assert!(certificate.self_signed, "{name}: its signature is over the dates as written");
    }
    assert_eq!(shop.openssl(&["x509", "-in", "since-1950.pem", "-noout", "-startdate"]).trim(), "notBefore=Jun 15 12:00:00 1950 GMT");

    // A CA that has been valid since 1950 imports and keeps its bytes.
    let (cert, key) = (shop.read("since-1950.pem"), shop.read("since-1950.key"));
    let files = [InputFile { name: "since-1950.pem", contents: &cert }, InputFile { name: "since-1950.key", contents: &key }];
    let summary = import_cas(&files, None, now()).expect("import")[0].summary().expect("summary");
    assert_eq!(summary.thumbprint_sha1, shop.fingerprint("since-1950.pem"));
}
