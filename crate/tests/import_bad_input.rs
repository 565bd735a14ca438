//! Bad input gets one clear sentence naming the file and the problem, never
//! a panic: a table of every kind of bad input, then random bytes,
//! truncations and bit flips of every valid input fed to every importer and
//! parser. The random inputs come from a printed seed; a failure keeps the
//! OpenSSL-made material, and BAD_INPUT_SEED with BAD_INPUT_MATERIAL replays
//! exactly the same inputs.

mod support;

use std::path::Path;

use cert_studio::Product;
use cert_studio::StudioError;
use cert_studio::ca::import::{ImportedCa, import_cas};
use cert_studio::ca::signing::{self, CsrProfile};
use cert_studio::judge::describe::{CertificateDescription, RequestDescription};
use cert_studio::judge::inspect::inspect;
use cert_studio::make::chain::{ChainSpec, TutorialChain};
use cert_studio::make::verification::VerificationCertificate;
use cert_studio::output::zip::zip_files;
use cert_studio::read::pem_file::InputFile;
use cert_studio::x509::facts::pem_text;
use cert_studio::x509::key::KeyAlgorithm;
use cert_studio::x509::random;
use der::Encode;
use support::{CaKey, Files, Scratch, now, openssl_ca};
use x509_cert::Certificate;

const DAY: u64 = 86_400;

/// The random inputs' source (SplitMix64), seeded from BAD_INPUT_SEED or
/// the system; the seed is printed so a failure can be replayed.
struct Noise {
    seed: u64,
    state: u64,
}

impl Noise {
    fn new() -> Self {
        let seed = match std::env::var("BAD_INPUT_SEED") {
            Ok(text) => text.trim().parse().expect("BAD_INPUT_SEED is a number"),
            Err(_) => {
                let mut bytes = [0u8; 8];
                random::fill(&mut bytes).unwrap();
                u64::from_le_bytes(bytes)
            }
        };
        eprintln!("random inputs from seed {seed}; a failure says how to replay them");
        Self { seed, state: seed }
    }

    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

/// Copies the files of one folder into another.
fn copy_files(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let path = entry.expect("folder entry").path();
        std::fs::copy(&path, to.join(path.file_name().expect("a file name"))).expect("copy");
    }
}

/// Keeps the material the failing inputs were made from, then fails saying
/// how to replay them.
fn keep_and_fail(dir: &Scratch, seed: u64, message: String) -> ! {
    let kept = std::env::temp_dir().join(format!("cert-studio-bad-input-{seed}"));
    std::fs::create_dir_all(&kept).expect("mkdir");
    copy_files(dir.root(), &kept);
    panic!("{message}\nreplay: BAD_INPUT_SEED={seed} BAD_INPUT_MATERIAL={}", kept.display());
}

/// OpenSSL-made material: the tutorial CA plus everything bad input needs;
/// or, to replay a failure, the material it kept (BAD_INPUT_MATERIAL).
fn material(noise: &mut Noise) -> Scratch {
    let dir = Scratch::new("bad-input");
    let random = noise.bytes(3000);
    if let Ok(kept) = std::env::var("BAD_INPUT_MATERIAL") {
        copy_files(Path::new(&kept), dir.root());
        return dir;
    }
    openssl_ca(&dir, CaKey::Rsa);
    dir.openssl(&["pkey", "-in", "root.key.pem", "-passin", "pass:1234", "-pubout", "-out", "root.pub.pem"]);
    dir.openssl(&[
        "rsa",
        "-in",
        "root.key.pem",
        "-passin",
        "pass:1234",
        "-aes256",
        "-traditional",
        "-passout",
        "pass:1234",
        "-out",
        "legacy.key",
    ]);
    dir.openssl(&["rsa", "-in", "root.key.pem", "-passin", "pass:1234", "-traditional", "-out", "pkcs1.key"]);
    dir.openssl(&["pkey", "-in", "root.key.pem", "-passin", "pass:1234", "-outform", "DER", "-out", "root.key.der"]);
    dir.openssl(&["x509", "-in", "root.cert.pem", "-outform", "DER", "-out", "root.cer"]);
    for (out, extra) in [("default.pfx", &[][..]), ("legacy.pfx", &["-legacy"][..])] {
        let mut args = vec![
            "pkcs12",
            "-export",
            "-inkey",
            "root.key.pem",
            "-passin",
            "pass:1234",
            "-in",
            "root.cert.pem",
            "-passout",
            "pass:1234",
            "-out",
            out,
        ];
        args.extend(extra);
        dir.openssl(&args);
    }
    // A device (not a CA) with its key, and its CSR in PEM and DER.
    dir.openssl(&["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "device.key"]);
    dir.openssl(&["req", "-new", "-config", "ext.cnf", "-key", "device.key", "-subj", "/CN=device-01", "-out", "device.csr.pem"]);
    dir.openssl(&["req", "-in", "device.csr.pem", "-outform", "DER", "-out", "device.csr"]);
    dir.openssl(&[
        "x509",
        "-req",
        "-in",
        "device.csr.pem",
        "-CA",
        "root.cert.pem",
        "-CAkey",
        "root.key.pem",
        "-passin",
        "pass:1234",
        "-days",
        "30",
        "-extfile",
        "ext.cnf",
        "-extensions",
        "usr_cert",
        "-out",
        "device.cert.pem",
    ]);
    // A CA whose keyUsage forgot keyCertSign.
    dir.openssl(&["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "nosign.key"]);
    dir.openssl(&[
        "req",
        "-new",
        "-x509",
        "-config",
        "ext.cnf",
        "-key",
        "nosign.key",
        "-subj",
        "/CN=No Sign CA",
        "-days",
        "30",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,digitalSignature",
        "-out",
        "nosign.cert.pem",
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
    dir.write("random.bin", random);
    let spec = ChainSpec { key_algorithm: KeyAlgorithm::EcP256, ..ChainSpec::default() };
    dir.write("studio.zip", zip_files(&TutorialChain::generate(spec, now()).unwrap().files().unwrap()).unwrap());
    dir
}

/// An encrypted PKCS#8 key asking for 20 million PBKDF2 rounds (made here:
/// OpenSSL would take minutes to write it).
fn slow_key() -> String {
    use pkcs8::pkcs5::{EncryptionScheme, pbes2};
    let params = pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(20_000_000, &[7; 16], [9; 16]).unwrap();
    let data = der::asn1::OctetString::new(vec![0u8; 1232]).unwrap();
    let info = pkcs8::EncryptedPrivateKeyInfoOwned { encryption_algorithm: EncryptionScheme::Pbes2(params), encrypted_data: data };
    pem_text("ENCRYPTED PRIVATE KEY", &info.to_der().unwrap())
}

fn import(dir: &Scratch, names: &[&str], password: Option<&str>, now: u64) -> Result<Vec<ImportedCa>, StudioError> {
    import_cas(&Files::from_dir(dir, names).inputs(), password, now)
}

#[test]
fn every_bad_input_gets_one_sentence_naming_the_file() {
    let dir = material(&mut Noise::new());
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
        (
            &["root.cert.pem", "intermediate.key.pem"],
            Some("1234"),
            t,
            "files",
            &["intermediate.key.pem", "does not match", "root.cert.pem"],
        ),
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
    let bad = signing::sign_request(
        &ca,
        &InputFile { name: "tampered.csr", contents: &csr },
        &cert_studio::CsrSigningSpec { profile: CsrProfile::Device, ..Default::default() },
        t,
    )
    .err()
    .unwrap();
    assert_eq!(bad.field.as_deref(), Some("csr"));
    assert!(bad.message.contains("tampered.csr") && bad.message.contains("signature"), "{}", bad.message);
    let cert = dir.read("root.cert.pem");
    let not_csr = signing::sign_request(
        &ca,
        &InputFile { name: "root.cert.pem", contents: &cert },
        &cert_studio::CsrSigningSpec { profile: CsrProfile::Device, ..Default::default() },
        t,
    )
    .err()
    .unwrap();
    assert!(not_csr.message.contains("root.cert.pem") && not_csr.message.contains("no certificate signing request"), "{}", not_csr.message);
    let inspected = inspect(&Files::from_dir(&dir, &["tampered.csr"]).inputs(), None, t).unwrap();
    assert!(!inspected.requests[0].signature_valid);
    for code in ["", "a b", &"A".repeat(65)] {
        let e = VerificationCertificate::make(&ca.issuer, code, t).err().unwrap();
        assert_eq!(e.field.as_deref(), Some("verificationCode"), "{code:?}: {}", e.message);
    }
}

fn der(value: &impl Encode) -> Vec<u8> {
    value.to_der().expect("what was read encodes")
}

/// The importers and parsers the page calls, in the order [`feed_everything`] reports them.
const FED: [&str; 5] = ["import_cas with a partner", "import_cas alone", "inspect", "sign_request", "extra_chain"];

/// Every importer and parser the page calls, fed one file: `None` where it
/// refused, else the items it read (without the file each came from), so a
/// damaged input's reading can be checked against the original's.
/// `intermediate` was imported without its root: the extra chain completes
/// it. `root` is at hand to complete an imported CA's chain.
fn feed_everything(
    intermediate: &ImportedCa,
    root: &[Certificate],
    partner: &[u8],
    name: &str,
    contents: &[u8],
) -> [Option<Vec<String>>; 5] {
    let file = InputFile { name, contents };
    let with_partner = [file, InputFile { name: "partner.pem", contents: partner }];
    // A CA is read to sign devices: what counts is the key it signs with and
    // the chain it hands every device. A damaged one can't reach the root,
    // so it is refused there, before any device gets it.
    let cas = |cas: Vec<ImportedCa>| {
        let read = |ca: &ImportedCa| {
            let chain = ca.chain_to_root(root).ok()?;
            Some(format!(
                "{:?}",
                (der(&ca.issuer.key.public_key_info().unwrap()), chain.iter().map(|c| der(&c.certificate)).collect::<Vec<_>>())
            ))
        };
        cas.iter().map(read).collect::<Option<Vec<_>>>()
    };
    let t = now();
    [
        import_cas(&with_partner, Some("1234"), t).ok().and_then(cas),
        import_cas(&[file], None, t).ok().and_then(cas),
        // A viewer shows damaged certificates and CSRs too, but vouches for none:
        // a reading with no key, no self-signed certificate and no valid CSR
        // signature shows the damage, as good as a refusal.
        inspect(&[file], Some("1234"), t)
            .ok()
            .filter(|read| {
                !read.keys.is_empty() || read.certificates.iter().any(|c| c.self_signed) || read.requests.iter().any(|r| r.signature_valid)
            })
            .map(|read| {
                let certificates =
                    read.certificates.into_iter().map(|c| format!("{:?}", CertificateDescription { file: String::new(), ..c }));
                let requests = read.requests.into_iter().map(|r| format!("{:?}", RequestDescription { file: String::new(), ..r }));
                let keys = read
                    .keys
                    .into_iter()
                    .map(|k| format!("{:?} matches a certificate: {}", k.public_key, !k.matching_certificates.is_empty()));
                certificates.chain(requests).chain(keys).collect()
            }),
        // A new certificate each time (serial, dates): what it certifies is what counts.
        signing::sign_request(intermediate, &file, &cert_studio::CsrSigningSpec { profile: CsrProfile::Server, ..Default::default() }, t)
            .ok()
            .map(|signed| {
                vec![format!("{} {:?}", signed.common_name, der(signed.certificate.tbs_certificate().subject_public_key_info()))]
            }),
        // What the added certificates are for: the chain they complete.
        signing::extra_chain(&[file])
            .and_then(|extra| intermediate.chain_to_root(&extra))
            .ok()
            .map(|chain| vec![format!("{:?}", chain.iter().map(|c| der(&c.certificate)).collect::<Vec<_>>())]),
    ]
}

#[test]
fn truncations_bit_flips_and_random_bytes_are_refused_or_read_as_the_original() {
    let mut noise = Noise::new();
    let seed = noise.seed;
    let dir = material(&mut noise);
    let intermediate = import(&dir, &["intermediate.cert.pem", "intermediate.key.pem"], Some("1234"), now()).unwrap().remove(0);
    let cert = dir.read("root.cert.pem");
    let root = signing::extra_chain(&[InputFile { name: "root.cert.pem", contents: &cert }]).unwrap();
    let key = dir.read("pkcs1.key");
    let valid = [
        "root.cert.pem",
        "root.cer",
        "root.key.pem",
        "legacy.key",
        "pkcs1.key",
        "root.key.der",
        "default.pfx",
        "legacy.pfx",
        "device.csr.pem",
        "device.csr",
        "device.key",
        "studio.zip",
    ];
    for name in valid {
        let contents = dir.read(name);
        let pem = contents.starts_with(b"-----");
        // A key file is paired with the certificate, anything else with the key.
        let partner = if name.contains("key") { &cert } else { &key };
        let step = (contents.len() / 700).max(1);
        for len in (0..contents.len()).step_by(step) {
            let read = feed_everything(&intermediate, &root, partner, name, &contents[..len]);
            // PEM still reads when only the final newline is cut.
            if !pem || len + 1 < contents.len() {
                let accepted: Vec<&str> = FED.iter().zip(&read).filter(|(_, r)| r.is_some()).map(|(f, _)| *f).collect();
                if !accepted.is_empty() {
                    keep_and_fail(&dir, seed, format!("{name} cut to {len} bytes was accepted by {accepted:?}"));
                }
            }
        }
        // One bit at a time, piling up: whatever still reads must be (part of)
        // what the original read. Part: a ZIP entry whose name is hit just
        // isn't found, like a file the user left out.
        let original = feed_everything(&intermediate, &root, partner, name, &contents);
        let mut flipped = contents.clone();
        let mut flips = Vec::new();
        for round in 0..64 {
            let at = (noise.next() % flipped.len() as u64) as usize;
            flipped[at] ^= 1 << (round % 8);
            flips.push(at);
            let read = feed_everything(&intermediate, &root, partner, name, &flipped);
            for ((fed, got), want) in FED.iter().zip(&read).zip(&original) {
                let want = want.as_deref().unwrap_or_default();
                if let Some(new) = got.iter().flatten().find(|item| !want.contains(item)) {
                    keep_and_fail(
                        &dir,
                        seed,
                        format!(
                            "{name} with bits flipped at bytes {flips:?} was read by {fed} as what the original did not hold:\n{new}\nnot any of\n{want:#?}"
                        ),
                    );
                }
            }
        }
    }
    for size in [0, 1, 2, 16, 100, 1000, 5000] {
        let random = noise.bytes(size);
        for prefix in [&b""[..], b"PK\x03\x04", b"0\x82", b"-----BEGIN CERTIFICATE-----\n"] {
            let contents = [prefix, &random].concat();
            let read = feed_everything(&intermediate, &root, &key, "noise.bin", &contents);
            if read.iter().any(Option::is_some) {
                keep_and_fail(&dir, seed, format!("random bytes ({size} after {prefix:?}) accepted: {read:?}"));
            }
        }
    }
}
