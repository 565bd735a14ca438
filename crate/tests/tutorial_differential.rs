//! Differential check against the tutorial: run the seed's own OpenSSL
//! commands with its two config files, then compare OpenSSL's certificates
//! with the studio's as OpenSSL prints and parses them. Keys, serials, dates,
//! key identifiers and signatures differ by nature and are normalised away;
//! everything else (extensions, their order, criticality and values, names,
//! string types, algorithms, version) must be the same.

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use cert_studio::x509::key::KeyAlgorithm::Rsa2048;
use support::{ROOT_CERT, Scratch, WrittenChain, fixture, run_ok, spec, tool};

const CONFIGS: [&str; 2] = ["openssl_root_ca.cnf", "openssl_device_intermediate_ca.cnf"];
const INTERMEDIATE_CERT: &str = "certs/azure-iot-test-only.intermediate.cert.pem";
const INTERMEDIATE_CSR: &str = "csr/azure-iot-test-only.intermediate.csr.pem";

/// The seed document the fixtures were copied from: `../shared/seeds/000_*.txt`
/// beside the repository (CI keeps a copy of `shared/` beside its clone).
/// Its absence fails the test: without it the fixtures are checked against nothing.
fn seed_document() -> PathBuf {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("crate/ is inside the repository");
    let seeds = repository.parent().unwrap_or(repository).join("shared/seeds");
    fn missing(why: String) -> ! {
        panic!(
            "{why}: tests/fixtures/*.cnf can't be compared with the tutorial's seed. Put the project's shared/ folder (with seeds/000_*.txt) beside the repository."
        )
    }
    let listing = fs::read_dir(&seeds).unwrap_or_else(|e| missing(format!("no seeds folder at {} ({e})", seeds.display())));
    let mut found: Vec<PathBuf> = listing
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("000_") && n.ends_with(".txt")))
        .collect();
    found.sort();
    found.into_iter().next().unwrap_or_else(|| missing(format!("no 000_*.txt in {}", seeds.display())))
}

/// The config file as the seed prints it: the ```text block after "named *<name>*:", de-indented.
fn config_in_seed(seed: &str, name: &str) -> String {
    let after = &seed[seed.find(&format!("named *{name}*:")).unwrap_or_else(|| panic!("the seed names no {name}"))..];
    let start = after.find("```text\n").expect("a ```text block") + "```text\n".len();
    let block = &after[start..];
    let block = &block[..block.find("```").expect("the block ends")];
    let lines: Vec<&str> = block.lines().map(|l| l.strip_prefix("    ").unwrap_or(l.trim())).collect();
    lines.join("\n").trim_end().to_string() + "\n"
}

#[test]
fn fixture_configs_are_the_seeds_text() {
    let seed = fs::read_to_string(seed_document()).expect("seed is UTF-8");
    for name in CONFIGS {
        let fixture = fs::read_to_string(fixture(name)).expect("fixture");
        assert_eq!(fixture, config_in_seed(&seed, name), "tests/fixtures/{name} differs from the seed's text");
    }
}

/// Runs the tutorial's command sequence (RSA 2048 for speed) in `dir`.
fn run_tutorial(dir: &Path) {
    for name in CONFIGS {
        fs::copy(fixture(name), dir.join(name)).expect("copy config");
    }
    for sub in ["certs", "csr", "intermediateCerts", "newcerts", "private"] {
        fs::create_dir_all(dir.join(sub)).expect("mkdir");
    }
    fs::write(dir.join("index.txt"), "").expect("touch index.txt");
    let serial = run_ok(tool("openssl").args(["rand", "-hex", "16"]));
    fs::write(dir.join("serial"), serial).expect("serial");
    // `-subj` takes one leading slash outside Git Bash on Windows.
    let commands: [&[&str]; 8] = [
        &["genrsa", "-aes256", "-passout", "pass:1234", "-out", "./private/azure-iot-test-only.root.ca.key.pem", "2048"],
        &[
            "req",
            "-new",
            "-x509",
            "-config",
            "./openssl_root_ca.cnf",
            "-passin",
            "pass:1234",
            "-key",
            "./private/azure-iot-test-only.root.ca.key.pem",
            "-subj",
            "/CN=Azure IoT Hub CA Cert Test Only",
            "-days",
            "30",
            "-sha256",
            "-extensions",
            "v3_ca",
            "-out",
            "./certs/azure-iot-test-only.root.ca.cert.pem",
        ],
        &["genrsa", "-aes256", "-passout", "pass:1234", "-out", "./private/azure-iot-test-only.intermediate.key.pem", "2048"],
        &[
            "req",
            "-new",
            "-sha256",
            "-passin",
            "pass:1234",
            "-config",
            "./openssl_device_intermediate_ca.cnf",
            "-subj",
            "/CN=Azure IoT Hub Intermediate Cert Test Only",
            "-key",
            "./private/azure-iot-test-only.intermediate.key.pem",
            "-out",
            "./csr/azure-iot-test-only.intermediate.csr.pem",
        ],
        &[
            "ca",
            "-batch",
            "-config",
            "./openssl_root_ca.cnf",
            "-passin",
            "pass:1234",
            "-extensions",
            "v3_intermediate_ca",
            "-days",
            "30",
            "-notext",
            "-md",
            "sha256",
            "-in",
            "./csr/azure-iot-test-only.intermediate.csr.pem",
            "-out",
            "./certs/azure-iot-test-only.intermediate.cert.pem",
        ],
        &["genrsa", "-out", "./private/device-01.key.pem", "2048"],
        &[
            "req",
            "-config",
            "./openssl_device_intermediate_ca.cnf",
            "-key",
            "./private/device-01.key.pem",
            "-subj",
            "/CN=device-01",
            "-new",
            "-sha256",
            "-out",
            "./csr/device-01.csr.pem",
        ],
        &[
            "ca",
            "-batch",
            "-config",
            "./openssl_device_intermediate_ca.cnf",
            "-passin",
            "pass:1234",
            "-extensions",
            "usr_cert",
            "-days",
            "30",
            "-notext",
            "-md",
            "sha256",
            "-in",
            "./csr/device-01.csr.pem",
            "-out",
            "./certs/device-01.cert.pem",
        ],
    ];
    for args in commands {
        run_ok(tool("openssl").current_dir(dir).args(args));
    }
}

/// Whether a line is only colon-separated hex bytes (serials, keys, key ids, signatures).
fn is_hex_bytes(s: &str) -> bool {
    let s = s.trim_end_matches(':');
    !s.is_empty() && s.split(':').all(|b| b.len() == 2 && b.chars().all(|c| c.is_ascii_hexdigit()))
}

/// `openssl x509 -text` / `req -text` with what differs by nature masked:
/// hex runs become `<hex>` (one per run), dates `<date>`.
fn normalised_text(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let (prefix, rest) = trimmed.strip_prefix("keyid:").map_or(("", trimmed), |r| ("keyid:", r));
        let normal = if is_hex_bytes(rest) {
            format!("{indent}{prefix}<hex>")
        } else if let Some((label, _)) = trimmed.split_once(": ").filter(|(l, _)| *l == "Not Before" || *l == "Not After ") {
            format!("{indent}{label}: <date>")
        } else {
            line.trim_end().to_string()
        };
        if out.last() != Some(&normal) || !normal.ends_with("<hex>") {
            out.push(normal);
        }
    }
    out
}

/// The DER structure as `openssl asn1parse` reads it: depth, type and, where
/// it doesn't differ by nature, the value. Offsets and lengths are dropped;
/// so are the values of serials, times, keys, signatures and key identifiers.
fn asn1_skeleton(file: &Path) -> Vec<String> {
    let text = run_ok(tool("openssl").args(["asn1parse", "-in"]).arg(file));
    let mut out = Vec::new();
    let mut last_object = String::new();
    for line in text.lines() {
        let Some(depth_at) = line.find("d=") else { continue };
        let depth = line[depth_at..].split_whitespace().next().unwrap_or_default();
        let kind_at = line.find("cons:").or_else(|| line.find("prim:")).expect("asn1parse line has cons:/prim:");
        let (kind, item) = line[kind_at..].split_at(4);
        let item = item.trim_start_matches(':');
        let (ty, value) = item.split_once(':').unwrap_or((item, ""));
        let ty = ty.replace("[HEX DUMP]", "").split_whitespace().collect::<Vec<_>>().join(" ");
        let keep_value = match ty.as_str() {
            "OBJECT" | "UTF8STRING" | "PRINTABLESTRING" | "IA5STRING" | "BOOLEAN" => true,
            "OCTET STRING" => !last_object.contains("Key Identifier"),
            "INTEGER" => value.len() <= 2, // the version; not the serial or key numbers
            _ => false,
        };
        if ty == "OBJECT" {
            last_object = value.to_string();
        }
        out.push(if keep_value { format!("{depth} {kind} {ty} :{value}") } else { format!("{depth} {kind} {ty}") });
    }
    out
}

fn x509_text(file: &Path) -> String {
    run_ok(tool("openssl").args(["x509", "-noout", "-text", "-in"]).arg(file))
}

/// The value lines under an extension heading, e.g. the SKI's hex.
fn extension_value(text: &str, heading: &str) -> String {
    let mut lines = text.lines().skip_while(|l| !l.trim_start().starts_with(heading));
    lines.next().unwrap_or_else(|| panic!("no {heading} in\n{text}"));
    lines.next().expect("a value line").trim().trim_start_matches("keyid:").to_string()
}

#[test]
fn studio_certificates_match_the_tutorials_openssl_output() {
    let tutorial = Scratch::new("tutorial");
    run_tutorial(tutorial.root());
    let studio = WrittenChain::generate(spec(Rsa2048, 1, &["device-01"]));

    for cert in [ROOT_CERT, INTERMEDIATE_CERT, "certs/device-01.cert.pem"] {
        let theirs = x509_text(&tutorial.path(cert));
        let ours = x509_text(&studio.path(cert));
        assert_eq!(
            normalised_text(&ours),
            normalised_text(&theirs),
            "{cert}: `openssl x509 -text` differs from the tutorial's.\nstudio:\n{ours}\nopenssl:\n{theirs}"
        );
        assert_eq!(
            asn1_skeleton(&studio.path(cert)),
            asn1_skeleton(&tutorial.path(cert)),
            "{cert}: the DER structure differs from the tutorial's"
        );
        // Spelled out, as other generators got it wrong: the CN is a UTF8String.
        let skeleton = asn1_skeleton(&studio.path(cert));
        let cn_types: Vec<&String> = skeleton.windows(2).filter(|w| w[0].ends_with(":commonName")).map(|w| &w[1]).collect();
        assert!(!cn_types.is_empty() && cn_types.iter().all(|t| t.contains("prim UTF8STRING :")), "{cert}: CN types {cn_types:?}");
    }
    for csr in [INTERMEDIATE_CSR, "csr/device-01.csr.pem"] {
        let text = |file: &Path| run_ok(tool("openssl").args(["req", "-noout", "-text", "-in"]).arg(file));
        let (ours, theirs) = (text(&studio.path(csr)), text(&tutorial.path(csr)));
        assert_eq!(
            normalised_text(&ours),
            normalised_text(&theirs),
            "{csr}: differs from the tutorial's.\nstudio:\n{ours}\nopenssl:\n{theirs}"
        );
        assert_eq!(asn1_skeleton(&studio.path(csr)), asn1_skeleton(&tutorial.path(csr)), "{csr}: DER structure differs");
    }

    // The key identifiers, masked above, link the chain as OpenSSL's do.
    let root = x509_text(&studio.path(ROOT_CERT));
    let intermediate = x509_text(&studio.path(INTERMEDIATE_CERT));
    let device = x509_text(&studio.path("certs/device-01.cert.pem"));
    let (ski, aki) = ("X509v3 Subject Key Identifier", "X509v3 Authority Key Identifier");
    assert_eq!(extension_value(&root, aki), extension_value(&root, ski), "root AKI is not its own SKI");
    assert_eq!(extension_value(&intermediate, aki), extension_value(&root, ski), "intermediate AKI is not the root's SKI");
    assert_eq!(extension_value(&device, aki), extension_value(&intermediate, ski), "device AKI is not the intermediate's SKI");
    // SKI = SHA-1 of the subjectPublicKey bits: OpenSSL computes the same for the studio's key.
    let recomputed = Scratch::new("ski");
    let cnf = recomputed.write("ski.cnf", "[ req ]\ndistinguished_name = dn\n[ dn ]\n[ ext ]\nsubjectKeyIdentifier = hash\n");
    let self_signed = recomputed.path("again.pem");
    run_ok(
        tool("openssl")
            .args(["req", "-new", "-x509", "-subj", "/CN=again", "-extensions", "ext", "-passin", "pass:1234", "-config"])
            .arg(&cnf)
            .arg("-key")
            .arg(studio.path("private/azure-iot-test-only.intermediate.key.pem"))
            .arg("-out")
            .arg(&self_signed),
    );
    assert_eq!(extension_value(&x509_text(&self_signed), ski), extension_value(&intermediate, ski), "SKI is not OpenSSL's hash");
}
