//! Names from other people's files, and values that reach scripts. A device
//! certificate whose CN is hostile (made by Python's `cryptography` under a
//! studio intermediate) is refused by renewal before anything is made; every
//! quoting function gives the value back exactly through what reads it: bash,
//! gcc, javac, Python's `tomllib`, `json` and `csv`, and (no cmd.exe or
//! PowerShell here) a tokenizer of each of those languages' rules.

mod support;

use std::process::Command;

use cert_studio::ca::renewal::renew_devices;
use cert_studio::make::chain::TutorialChain;
use cert_studio::make::renewal::RenewalSpec;
use cert_studio::output::file::check_output_path;
use cert_studio::output::quote;
use cert_studio::x509::key::KeyAlgorithm;
use cert_studio::{InputFile, Product, import_cas, zip_files};
use support::{Scratch, compile_c, now, python, run_ok, spec, tool};

/// The CNs of the issue, and then some.
const HOSTILE: [&str; 10] = [
    "../../escaped\" & echo PWNED & rem \"",
    "..",
    "a/b",
    "C:\\Windows\\x",
    "$(touch pwned)",
    "`id`",
    "dev\nice",
    "ab\u{202E}cd",
    "%PATH%!x!",
    "dev'ice",
];

/// Text a quoting function must give back: the hostile names, every
/// printable ASCII character, and pseudo-random strings of any code point.
fn values() -> Vec<String> {
    let mut values: Vec<String> = HOSTILE.iter().map(|s| s.to_string()).collect();
    values.push((' '..='~').collect());
    values.push("é😀\u{7f}\t\r\n'\"\\??/".into());
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..40 {
        let mut text = String::new();
        for _ in 0..(state % 24) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let pick = state % 100;
            let c = match pick {
                0..=59 => char::from(b' ' + (state >> 8) as u8 % 95),
                60..=79 => char::from((state >> 8) as u8 % 32),
                _ => char::from_u32(0xa0 + (state >> 8) as u32 % 0x2000).unwrap_or('x'),
            };
            if c != '\0' {
                text.push(c);
            }
        }
        values.push(text);
    }
    values
}

#[test]
fn renewal_refuses_hostile_common_names_before_anything_is_made() {
    let chain = TutorialChain::generate(spec(KeyAlgorithm::EcP256, 1, &["device-01"]), now()).unwrap();
    let zip = zip_files(&chain.files().unwrap()).unwrap();
    let cas = import_cas(&[InputFile { name: "studio.zip", contents: &zip }], Some("1234"), now()).unwrap();
    let intermediate = cas.iter().find(|ca| !ca.is_root()).unwrap();
    let dir = Scratch::new("hostile-cn");
    dir.write("studio.zip", &zip);
    let script = r#"
import datetime, sys, zipfile
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
with zipfile.ZipFile("studio.zip") as z:
    issuer = x509.load_pem_x509_certificate(z.read("certs/azure-iot-test-only.intermediate.cert.pem"))
    key = serialization.load_pem_private_key(z.read("private/azure-iot-test-only.intermediate.key.pem"), b"1234")
names = open("names.txt", encoding="utf-8").read().split("\0")
now = datetime.datetime.now(datetime.timezone.utc)
for i, cn in enumerate(names):
    device = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn, _validate=False)]))
        .issuer_name(issuer.subject).public_key(device.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256()))
    open(f"evil-{i}.pem", "wb").write(cert.public_bytes(serialization.Encoding.PEM))
"#;
    let mut names: Vec<String> = HOSTILE.iter().map(|s| s.to_string()).collect();
    names.push("a".repeat(200));
    names.push("device-fine".into());
    dir.write("names.txt", names.join("\0"));
    dir.write("make.py", script);
    run_ok(python().arg("-W").arg("ignore").arg("make.py").current_dir(dir.root()));
    for (i, cn) in names.iter().enumerate() {
        let name = format!("evil-{i}.pem");
        let contents = dir.read(&name);
        let result =
            renew_devices(intermediate, &[InputFile { name: &name, contents: &contents }], &[], None, &[], &RenewalSpec::default(), now());
        if cn == "device-fine" {
            let files = result.unwrap().files().unwrap();
            assert!(files.iter().any(|f| f.path == "certs/device-fine.cert.pem"));
            continue;
        }
        let error = result.err().unwrap_or_else(|| panic!("{cn:?} was renewed"));
        assert_eq!(error.field.as_deref(), Some("certificates"), "{cn:?}");
        assert!(error.message.starts_with(&format!("{name}: the certificate's common name \"")), "{}", error.message);
        assert!(error.message.contains("DPS") || error.message.contains("200 characters long"), "{}", error.message);
        assert!(!error.message.chars().any(|c| c.is_control() || c == '\u{202E}'), "shown escaped: {:?}", error.message);
    }
}

#[test]
fn sh_and_c_and_java_give_every_value_back() {
    let values = values();
    let dir = Scratch::new("quoting");
    // bash: printf '%s\0' each value.
    let script: String = values.iter().map(|v| format!("printf '%s\\0' {}\n", quote::sh(v))).collect();
    dir.write("values.sh", &script);
    let out = Command::new("bash").arg(dir.path("values.sh")).output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), values.iter().map(|v| format!("{v}\0")).collect::<String>());
    // C: each literal's bytes, written out whole.
    let mut c = String::from("#include <stdio.h>\nint main(void) {\n");
    for (i, v) in values.iter().enumerate() {
        c.push_str(&format!(
            "  static const char v{i}[] = {};\n  fwrite(v{i}, 1, sizeof v{i} - 1, stdout); putchar(0);\n",
            quote::c_string(v)
        ));
    }
    c.push_str("  return 0;\n}\n");
    let source = dir.write("values.c", &c);
    let binary = compile_c(&dir, &source, &[]);
    let out = Command::new(&binary).output().unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), values.iter().map(|v| format!("{v}\0")).collect::<String>());
    // Java: each literal's UTF-8 bytes.
    let mut java = String::from(
        "import java.nio.charset.StandardCharsets;\npublic class Values {\n  public static void main(String[] a) throws Exception {\n",
    );
    for v in &values {
        java.push_str(&format!("    System.out.write({}.getBytes(StandardCharsets.UTF_8)); System.out.write(0);\n", quote::java_string(v)));
    }
    java.push_str("    System.out.flush();\n  }\n}\n");
    dir.write("Values.java", &java);
    run_ok(tool("javac").args(["-encoding", "US-ASCII", "Values.java"]).current_dir(dir.root()));
    let out = tool("java").args(["-cp", ".", "Values"]).current_dir(dir.root()).output().unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), values.iter().map(|v| format!("{v}\0")).collect::<String>());
}

#[test]
fn toml_json_and_csv_give_every_value_back_through_python() {
    let values = values();
    let dir = Scratch::new("quoting-python");
    let toml: String = values.iter().enumerate().map(|(i, v)| format!("v{i} = {}\n", quote::toml(v))).collect();
    let json = format!("[{}]", values.iter().map(|v| quote::json(v)).collect::<Vec<_>>().join(","));
    let csv: String = values.chunks(3).map(quote::csv_row).collect();
    dir.write("values.toml", &toml);
    dir.write("values.json", &json);
    dir.write("values.csv", &csv);
    let check = r#"
import csv, json, tomllib
t = tomllib.load(open("values.toml", "rb"))
j = json.load(open("values.json", encoding="utf-8"))
rows = list(csv.reader(open("values.csv", newline="", encoding="utf-8")))
out = [t[f"v{i}"] for i in range(len(t))] + j + [cell for row in rows for cell in row]
open("out.txt", "w", encoding="utf-8", newline="").write("\0".join(out))
"#;
    dir.write("check.py", check);
    run_ok(python().arg("check.py").current_dir(dir.root()));
    let out = dir.read_text("out.txt");
    let got: Vec<&str> = out.split('\0').collect();
    let n = values.len();
    assert_eq!(&got[..n], values.iter().map(String::as_str).collect::<Vec<_>>().as_slice(), "TOML");
    assert_eq!(&got[n..2 * n], values.iter().map(String::as_str).collect::<Vec<_>>().as_slice(), "JSON");
    // CSV: Python reads each cell as written; a spreadsheet formula start is guarded by a quote, which the studio takes off again.
    for (cell, value) in got[2 * n..].iter().zip(&values) {
        let guarded = value.starts_with(['=', '+', '-', '@', '\t', '\r', '\'']);
        assert_eq!(*cell, if guarded { format!("'{value}") } else { value.clone() }, "CSV");
    }
    // The studio's own reading of a row (one line: rows with a line break are not the studio's).
    for row in values.chunks(3).filter(|row| !row.iter().any(|v| v.contains(['\n', '\r']))) {
        let line = quote::csv_row(row);
        assert_eq!(quote::csv_unquoted(line.strip_suffix("\r\n").unwrap()).unwrap(), row);
    }
}

/// PowerShell's single-quoted string: it ends at a lone quote (any of the
/// four it takes as one); a doubled quote is one quote.
fn powershell_single_quoted(token: &str) -> Option<String> {
    let is_quote = |c: char| matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}');
    let mut chars = token.chars().peekable();
    if !chars.next().is_some_and(is_quote) {
        return None;
    }
    let mut value = String::new();
    while let Some(c) = chars.next() {
        if is_quote(c) {
            match chars.peek() {
                Some(&next) if is_quote(next) => {
                    chars.next();
                    value.push(c);
                }
                // The string ends here, and so must the token.
                _ => return chars.next().is_none().then_some(value),
            }
        } else {
            value.push(c);
        }
    }
    None
}

/// How the C runtime splits one quoted argument of a command line
/// (backslashes count only before a quote).
fn windows_argument(token: &str) -> Option<String> {
    let inner = token.strip_prefix('"')?;
    let mut value = String::new();
    let mut backslashes = 0;
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => backslashes += 1,
            '"' if backslashes % 2 == 1 => {
                value.push_str(&"\\".repeat(backslashes / 2));
                value.push('"');
                backslashes = 0;
            }
            '"' => {
                value.push_str(&"\\".repeat(backslashes / 2));
                return chars.next().is_none().then_some(value);
            }
            c => {
                value.push_str(&"\\".repeat(backslashes));
                backslashes = 0;
                value.push(c);
            }
        }
    }
    None
}

#[test]
fn powershell_and_cmd_quoting_hold_the_value_or_refuse_it() {
    for value in values() {
        assert_eq!(powershell_single_quoted(&quote::powershell(&value)).as_deref(), Some(value.as_str()), "PowerShell {value:?}");
        let cmd_can_hold = !value.chars().any(|c| matches!(c, '"' | '%' | '!') || c.is_control());
        match quote::cmd_argument(&value) {
            Ok(token) => {
                assert!(cmd_can_hold, "{value:?}");
                // cmd itself sees one quoted run with nothing it expands; the program gets the value.
                assert_eq!(token.matches('"').count(), 2, "{token}");
                assert_eq!(windows_argument(&token).as_deref(), Some(value.as_str()), "cmd argument {value:?}");
            }
            Err(bad) => assert!(!cmd_can_hold && value.contains(bad.character), "{value:?}"),
        }
        match quote::cmd_set("X", &value) {
            Ok(line) => assert_eq!(line, format!("set \"X={value}\""), "{value:?}"),
            Err(_) => assert!(!cmd_can_hold, "{value:?}"),
        }
    }
}

#[test]
fn every_path_a_product_writes_passes_the_path_rule() {
    let chain = TutorialChain::generate(spec(KeyAlgorithm::EcP256, 2, &["device-01", "dev:02"]), now()).unwrap();
    for file in chain.files().unwrap() {
        check_output_path(&file.path).unwrap();
        let key_bearing =
            file.path.starts_with("private/") || file.path.ends_with(".pfx") || file.path.ends_with(".c") || file.path.ends_with(".java");
        if key_bearing {
            assert!(file.secret, "{} holds a key and is not secret", file.path);
        }
    }
    for hostile in HOSTILE {
        let error = cert_studio::rules::names::RegistrationId::parse("devices", hostile).err().unwrap();
        assert!(!error.message.contains('\n'), "{}", error.message);
    }
}

#[test]
fn a_zip_nested_deep_is_refused_at_the_third_level_at_once() {
    use cert_studio::OutputFile;
    use cert_studio::read::material::Material;
    let root_path = "certs/azure-iot-test-only.root.ca.cert.pem";
    let wrap = |contents: Vec<u8>| {
        zip_files(&[OutputFile { path: root_path.into(), contents, description: String::new(), secret: false }]).unwrap()
    };
    let mut nested = wrap(b"not a certificate".to_vec());
    for _ in 0..200 {
        nested = wrap(nested);
    }
    let started = std::time::Instant::now();
    let error = Material::read(&[InputFile { name: "deep.zip", contents: &nested }], None).err().unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(1), "{:?}", started.elapsed());
    assert_eq!(error.field.as_deref(), Some("files"));
    assert!(error.message.contains("a ZIP inside a ZIP inside a ZIP"), "{}", error.message);
    // One level of nesting is read as before: the inner ZIP's own (broken) file is what is reported.
    let once = wrap(wrap(b"not a certificate".to_vec()));
    let error = Material::read(&[InputFile { name: "once.zip", contents: &once }], None).err().unwrap();
    assert!(!error.message.contains("inside a ZIP inside"), "{}", error.message);
}

#[test]
fn an_rsa_key_of_another_size_is_named_by_its_size() {
    let dir = Scratch::new("rsa-1024");
    run_ok(
        tool("openssl").args(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", "k.pem"]).current_dir(dir.root()),
    );
    run_ok(
        tool("openssl").args(["pkcs8", "-topk8", "-nocrypt", "-in", "k.pem", "-outform", "DER", "-out", "k.der"]).current_dir(dir.root()),
    );
    // The studio makes 2048, 3072 and 4096; a 1024-bit key read from a file is named by its size, not the nearest.
    let key = cert_studio::PrivateKey::from_pkcs8_der(&dir.read("k.der")).unwrap();
    assert_eq!(key.label(), "RSA 1024");
}
