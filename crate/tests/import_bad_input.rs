//! Bad input gets one clear sentence naming the file and the problem, never
//! a panic: a table of every kind of bad input, then random bytes and
//! truncations of every valid input fed to every importer and parser.

mod import_support;

use cert_studio::Product;
use cert_studio::output::zip::zip_files;
use cert_studio::ca_tools::signing::{self, CsrProfile};
use cert_studio::make::chain::{ChainSpec, TutorialChain};
use cert_studio::StudioError;
use cert_studio::ca_tools::import::{ImportedCa, import_cas};
use cert_studio::ca_tools::inspect::inspect;
use cert_studio::x509::key::KeyAlgorithm;
use cert_studio::ca_tools::pem_file::InputFile;
use import_support::{CaKey, Files, Scratch, now, openssl_ca};

const DAY: u64 = 86_400;

/// OpenSSL-made material: the tutorial CA plus everything bad input needs.
fn material() -> Scratch {
    let dir = Scratch::new("bad-input");
    openssl_ca(&dir, CaKey::Rsa);
    dir.openssl(&["pkey", "-in", "root.key.pem", "-passin", "pass:1234", "-pubout", "-out", "root.pub.pem"]);
    dir.openssl(&["rsa", "-in", "root.key.pem", "-passin", "pass:1234", "-aes256", "-traditional", "-passout", "pass:1234", "-out", "legacy.key"]);
    dir.openssl(&["rsa", "-in", "root.key.pem", "-passin", "pass:1234", "-traditional", "-out", "pkcs1.key"]);
    dir.openssl(&["pkey", "-in", "root.key.pem", "-passin", "pass:1234", "-outform", "DER", "-out", "root.key.der"]);
    dir.openssl(&["x509", "-in", "root.cert.pem", "-outform", "DER", "-out", "root.cer"]);
    for (out, extra) in [("default.pfx", &[][..]), ("legacy.pfx", &["-legacy"][..])] {
        let mut args = vec![
            "pkcs12", "-export", "-inkey", "root.key.pem", "-passin", "pass:1234", "-in", "root.cert.pem", "-passout", "pass:1234", "-out", out,
        ];
        args.extend(extra);
        dir.openssl(&args);
    }
    // A device (not a CA) with its key, and its CSR in PEM and DER.
    dir.openssl(&["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "device.key"]);
    dir.openssl(&["req", "-new", "-config", "ext.cnf", "-key", "device.key", "-subj", "/CN=device-01", "-out", "device.csr.pem"]);
    dir.openssl(&["req", "-in", "device.csr.pem", "-outform", "DER", "-out", "device.csr"]);
    dir.openssl(&[
        "x509", "-req", "-in", "device.csr.pem", "-CA", "root.cert.pem", "-CAkey", "root.key.pem", "-passin", "pass:1234",
        "-days", "30", "-extfile", "ext.cnf", "-extensions", "usr_cert", "-out", "device.cert.pem",
    ]);
    // A CA whose keyUsage forgot keyCertSign.
    dir.openssl(&["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "nosign.key"]);
    dir.openssl(&[
        "req", "-new", "-x509", "-config", "ext.cnf", "-key", "nosign.key", "-subj", "/CN=No Sign CA", "-days", "30",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,digitalSignature", "-out", "nosign.cert.pem",
    ]);
    // A CSR whose signature was tampered with.
    let mut csr = dir.read("device.csr");
    let last = csr.len() - 5;
    csr[last] ^= 0x40;
    dir.write("tampered.csr", csr);
    let pem = String::from_utf8(dir.read("root.cert.pem")).unwrap();
    dir.write("half.cert.pem", &pem[..pem.len() / 2]);
    dir.write("corrupt.cert.pem", pem.replacen("MI", "M!", 1));
    dir.write("empty.pem", "");
    // Key-derivation settings that would freeze the page, or that nobody reads.
    let pkcs8 = |args: &[&str], out: &str| {
        let mut all = vec!["pkcs8", "-topk8", "-in", "root.key.pem", "-passin", "pass:1234", "-passout", "pass:1234", "-out", out];
        all.extend(args);
        dir.openssl(&all);
    };
    pkcs8(&["-scrypt"], "scrypt.key");
    pkcs8(&["-v1", "PBE-SHA1-RC2-40", "-provider", "legacy", "-provider", "default"], "rc2.key");
    dir.write("slow.key", slow_key());
    let mut random = vec![0u8; 3000];
    cert_studio::x509::random::fill(&mut random).unwrap();
    dir.write("random.bin", random);
    dir
}

/// An encrypted PKCS#8 key asking for 20 million PBKDF2 rounds (made here:
/// OpenSSL would take minutes to write it).
fn slow_key() -> String {
    use der::Encode;
    use pkcs8::pkcs5::{EncryptionScheme, pbes2};
    let params = pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(20_000_000, &[7; 16], [9; 16]).unwrap();
    let data = der::asn1::OctetString::new(vec![0u8; 1232]).unwrap();
    let info = pkcs8::EncryptedPrivateKeyInfoOwned { encryption_algorithm: EncryptionScheme::Pbes2(params), encrypted_data: data };
    cert_studio::x509::facts::pem_text("ENCRYPTED PRIVATE KEY", &info.to_der().unwrap())
}

fn import(dir: &Scratch, names: &[&str], password: Option<&str>, now: u64) -> Result<Vec<ImportedCa>, StudioError> {
    import_cas(&Files::from_dir(dir, names).inputs(), password, now)
}

#[test]
fn every_bad_input_gets_one_sentence_naming_the_file() {
    let dir = material();
    let t = now();
    // (files, password, now, field, words the sentence must hold)
    type Case<'a> = (&'a [&'a str], Option<&'a str>, u64, &'a str, &'a [&'a str]);
    let table: &[Case<'_>] = &[
        (&["root.cert.pem", "root.key.pem"], Some("4321"), t, "password", &["root.key.pem", "wrong"]),
        (&["root.cert.pem", "legacy.key"], Some("4321"), t, "password", &["legacy.key", "wrong"]),
        (&["default.pfx"], Some("4321"), t, "password", &["default.pfx", "wrong"]),
        (&["legacy.pfx"], Some("4321"), t, "password", &["legacy.pfx", "wrong"]),
        (&["root.cert.pem", "root.key.pem"], None, t, "password", &["root.key.pem", "enter its password"]),
        (&["legacy.pfx"], None, t, "password", &["legacy.pfx", "enter its password"]),
        (&["root.cert.pem", "root.pub.pem"], None, t, "files", &["root.pub.pem", "PUBLIC KEY"]),
        (&["half.cert.pem", "pkcs1.key"], None, t, "files", &["half.cert.pem", "truncated"]),
        (&["corrupt.cert.pem", "pkcs1.key"], None, t, "files", &["corrupt.cert.pem", "damaged"]),
        (&["empty.pem", "pkcs1.key"], None, t, "files", &["empty.pem", "empty"]),
        (&["random.bin", "pkcs1.key"], None, t, "files", &["random.bin", "not a certificate"]),
        (&["device.cert.pem", "device.key"], None, t, "files", &["device.cert.pem", "device-01", "not a CA", "CA:TRUE"]),
        (&["nosign.cert.pem", "nosign.key"], None, t, "files", &["nosign.cert.pem", "keyCertSign"]),
        (&["root.cert.pem", "pkcs1.key"], None, t + 31 * DAY, "files", &["root.cert.pem", "expired on"]),
        (&["root.cert.pem", "pkcs1.key"], None, t - DAY, "files", &["root.cert.pem", "not valid yet"]),
        (&["root.cert.pem", "intermediate.key.pem"], Some("1234"), t, "files", &["intermediate.key.pem", "does not match", "root.cert.pem"]),
        (&["root.cert.pem"], None, t, "files", &["root.cert.pem", "No private key"]),
        (&["root.cert.pem", "slow.key"], Some("1234"), t, "files", &["slow.key", "20000000 PBKDF2 rounds"]),
        (&["root.cert.pem", "scrypt.key"], Some("1234"), t, "files", &["scrypt.key", "scrypt"]),
        (&["root.cert.pem", "rc2.key"], Some("1234"), t, "files", &["rc2.key", "can't read"]),
        (&["pkcs1.key"], None, t, "files", &["pkcs1.key", "No certificate"]),
        (&["device.csr.pem", "pkcs1.key"], None, t, "files", &["No certificate"]),
    ];
    for (names, password, now, field, words) in table {
        let error = import(&dir, names, *password, *now).expect_err(&format!("{names:?} must be refused"));
        assert_eq!(error.field.as_deref(), Some(*field), "{names:?}: {}", error.message);
        for word in *words {
            assert!(error.message.contains(word), "{names:?}: \"{}\" lacks \"{word}\"", error.message);
        }
        assert_eq!(error.message.matches(". ").count(), 0, "one sentence: {}", error.message);
        assert!(error.message.ends_with('.'), "{}", error.message);
    }

    let ca = import(&dir, &["root.cert.pem", "pkcs1.key"], None, t).unwrap().remove(0);
    let csr = dir.read("tampered.csr");
    let bad = signing::sign_request(&ca, &InputFile { name: "tampered.csr", contents: &csr }, &cert_studio::CsrSigningSpec { profile: CsrProfile::Device, ..Default::default() }, t).err().unwrap();
    assert_eq!(bad.field.as_deref(), Some("csr"));
    assert!(bad.message.contains("tampered.csr") && bad.message.contains("signature"), "{}", bad.message);
    let cert = dir.read("root.cert.pem");
    let not_csr = signing::sign_request(&ca, &InputFile { name: "root.cert.pem", contents: &cert }, &cert_studio::CsrSigningSpec { profile: CsrProfile::Device, ..Default::default() }, t).err().unwrap();
    assert!(not_csr.message.contains("root.cert.pem") && not_csr.message.contains("no certificate signing request"), "{}", not_csr.message);
    let inspected = inspect(&Files::from_dir(&dir, &["tampered.csr"]).inputs(), None, t).unwrap();
    assert!(!inspected.requests[0].signature_valid);
    for code in ["", "a b", &"A".repeat(65)] {
        let e = cert_studio::make::verification::VerificationCertificate::make(&ca.issuer, code, t).err().unwrap();
        assert_eq!(e.field.as_deref(), Some("verificationCode"), "{code:?}: {}", e.message);
    }
}

/// Every importer and parser the page calls, fed one file.
fn feed_everything(ca: &ImportedCa, partner: &[u8], name: &str, contents: &[u8]) -> [bool; 5] {
    let file = InputFile { name, contents };
    let with_partner = [file, InputFile { name: "partner.pem", contents: partner }];
    let t = now();
    [
        import_cas(&with_partner, Some("1234"), t).is_err(),
        import_cas(&[file], None, t).is_err(),
        inspect(&[file], Some("1234"), t).is_err(),
        signing::sign_request(ca, &file, &cert_studio::CsrSigningSpec { profile: CsrProfile::Server, ..Default::default() }, t).is_err(),
        signing::extra_chain(&[file]).is_err(),
    ]
}

#[test]
fn truncations_and_random_bytes_are_errors_not_panics() {
    let dir = material();
    let ca = import(&dir, &["root.cert.pem", "pkcs1.key"], None, now()).unwrap().remove(0);
    let cert = dir.read("root.cert.pem");
    let key = dir.read("pkcs1.key");
    let spec = ChainSpec { key_algorithm: KeyAlgorithm::EcP256, ..ChainSpec::default() };
    let zip = zip_files(&TutorialChain::generate(spec, now()).unwrap().files().unwrap()).unwrap();
    dir.write("studio.zip", zip);
    let valid = [
        "root.cert.pem", "root.cer", "root.key.pem", "legacy.key", "pkcs1.key", "root.key.der", "default.pfx", "legacy.pfx",
        "device.csr.pem", "device.csr", "device.key", "studio.zip",
    ];
    for name in valid {
        let contents = dir.read(name);
        let pem = contents.starts_with(b"-----");
        // A key file is paired with the certificate, anything else with the key.
        let partner = if name.contains("key") { &cert } else { &key };
        let step = (contents.len() / 700).max(1);
        for len in (0..contents.len()).step_by(step) {
            let prefix = &contents[..len];
            let refused = feed_everything(&ca, partner, name, prefix);
            // PEM still reads when only the final newline is cut.
            if !pem || len + 1 < contents.len() {
                assert!(refused.iter().all(|&r| r), "{name} cut to {len} bytes was accepted somewhere: {refused:?}");
            }
        }
        let mut flipped = contents.clone();
        for round in 0..64 {
            let mut noise = [0u8; 4];
            cert_studio::x509::random::fill(&mut noise).unwrap();
            let at = u32::from_le_bytes(noise) as usize % flipped.len();
            flipped[at] ^= 1 << (round % 8);
            feed_everything(&ca, partner, name, &flipped);
        }
    }
    for size in [0, 1, 2, 16, 100, 1000, 5000] {
        let mut random = vec![0u8; size];
        cert_studio::x509::random::fill(&mut random).unwrap();
        for prefix in [&b""[..], b"PK\x03\x04", b"0\x82", b"-----BEGIN CERTIFICATE-----\n"] {
            let contents = [prefix, &random].concat();
            let refused = feed_everything(&ca, &key, "noise.bin", &contents);
            assert!(refused.iter().all(|&r| r), "random bytes accepted: {refused:?}");
        }
    }
}
