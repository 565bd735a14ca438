//! Shared by every test file: one scratch folder type, one way to run a tool
//! nobody here wrote (bounded in time, exit status checked, stderr shown),
//! one notion of now, gcc for the C checks, Python, a mutual-TLS handshake,
//! the studio's chain written as a user unpacks it, and a CA made with the
//! tutorial's own OpenSSL commands. A missing tool fails the test with how
//! to install it; nothing is skipped.

#![allow(dead_code)] // each test binary uses its own subset

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::{Mutex, OnceLock, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use cert_studio::OutputFile;
use cert_studio::Product;
use cert_studio::make::chain::{ChainSpec, TutorialChain};
use cert_studio::read::pem_file::InputFile;
use cert_studio::x509::key::{KeyAlgorithm, KeyEncoding};
use tempfile::TempDir;

pub const TOOL_TIMEOUT: Duration = Duration::from_secs(60);
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(20);

/// The time the studio is told it is: the clock, as openssl, Java and Python
/// read it, so what any of them makes is valid for the others (a fixed date
/// would need `-attime` everywhere and expire the chains it makes).
pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_secs()
}

// ---- Scratch folders ----------------------------------------------------

/// A fresh folder under the system temp dir, removed when dropped.
pub struct Scratch(TempDir);

impl Scratch {
    pub fn new(tag: &str) -> Self {
        Self(tempfile::Builder::new().prefix(&format!("cert-studio-{tag}-")).tempdir().expect("temporary folder"))
    }

    pub fn root(&self) -> &Path {
        self.0.path()
    }

    /// The folder as text, as the snippets' settings take it.
    pub fn folder(&self) -> String {
        self.root().to_str().expect("temp paths are UTF-8").to_string()
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.root().join(relative)
    }

    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().expect("files sit in a folder")).expect("mkdir");
        std::fs::write(&path, contents).unwrap_or_else(|e| panic!("write {relative}: {e}"));
        path
    }

    /// Writes every file at its ZIP path, as unzipping would.
    pub fn write_all(&self, files: &[OutputFile]) {
        for file in files {
            self.write(&file.path, &file.contents);
        }
    }

    pub fn read(&self, relative: &str) -> Vec<u8> {
        std::fs::read(self.path(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
    }

    pub fn read_text(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
    }

    /// `openssl ARGS` in this folder; its stdout, or the test fails with its stderr.
    pub fn openssl(&self, args: &[&str]) -> String {
        run_ok(tool("openssl").args(args).current_dir(self.root()))
    }

    /// `openssl ARGS` in this folder: whether it succeeded, and stdout + stderr.
    pub fn openssl_status(&self, args: &[&str]) -> (bool, String) {
        let output = run(tool("openssl").args(args).current_dir(self.root()));
        (output.status.success(), format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr)))
    }
}

// ---- Running tools ------------------------------------------------------

/// A command for `program`, which must be installed; run it with [`run`],
/// [`run_ok`] or [`run_failing`].
pub fn tool(program: &str) -> Command {
    static FOUND: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
    let mut found = FOUND.lock().unwrap_or_else(|e| e.into_inner());
    if !found.contains(program) {
        let version_arg = match program {
            "openssl" => "version",
            "java" | "javac" | "keytool" => "-version",
            _ => "--version",
        };
        let started = Command::new(program).arg(version_arg).stdout(Stdio::null()).stderr(Stdio::null()).status();
        assert!(
            started.is_ok(),
            "`{program}` is needed by the tests but is not on PATH: run `tools/install.sh test` (or `make install-test`)"
        );
        found.insert(program.to_string());
    }
    Command::new(program)
}

fn describe(command: &Command) -> String {
    let args: Vec<String> = command.get_args().map(|a| a.to_string_lossy().into_owned()).collect();
    format!("{} {}", command.get_program().to_string_lossy(), args.join(" "))
}

/// Runs to completion (bounded by [`TOOL_TIMEOUT`]) and returns what it printed.
pub fn run(command: &mut Command) -> Output {
    let what = describe(command);
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("could not start `{what}`: {e}"));
    let (out, err) = (read_all(child.stdout.take().expect("piped")), read_all(child.stderr.take().expect("piped")));
    let status = wait_with_timeout(&mut child, TOOL_TIMEOUT).unwrap_or_else(|| panic!("`{what}` ran over {TOOL_TIMEOUT:?}"));
    Output { status, stdout: out.join().expect("reader"), stderr: err.join().expect("reader") }
}

fn read_all(mut from: impl Read + Send + 'static) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = from.read_to_end(&mut buf);
        buf
    })
}

/// Runs and insists on success; returns stdout as text.
pub fn run_ok(command: &mut Command) -> String {
    let what = describe(command);
    let output = run(command);
    assert!(
        output.status.success(),
        "`{what}` failed ({}):\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Runs a command that must fail; returns its stderr.
pub fn run_failing(command: &mut Command) -> String {
    let what = describe(command);
    let output = run(command);
    assert!(!output.status.success(), "`{what}` succeeded but should have failed:\n{}", String::from_utf8_lossy(&output.stdout));
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `child.wait()` with a deadline; kills the child when it runs over.
pub fn wait_with_timeout(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().expect("wait on child") {
            return Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The Python interpreter, with `cryptography` importable. PYTHONOPTIMIZE
/// is removed: under it Python drops the checks' `assert` statements.
pub fn python() -> Command {
    static CHECKED: OnceLock<()> = OnceLock::new();
    CHECKED.get_or_init(|| {
        let check = run(tool("python3").env_remove("PYTHONOPTIMIZE").args(["-c", "import cryptography"]));
        assert!(
            check.status.success(),
            "Python `cryptography` is needed by the tests: run `tools/install.sh test` (pip install cryptography)"
        );
    });
    let mut command = tool("python3");
    command.env_remove("PYTHONOPTIMIZE").env("PYTHONDONTWRITEBYTECODE", "1");
    command
}

/// Builds a C check program with gcc against OpenSSL's libcrypto, warnings
/// as errors; `#include "…"` also finds files in `dir`. Returns the binary.
pub fn compile_c(dir: &Scratch, source: &Path, defines: &[String]) -> PathBuf {
    let binary = dir.path(source.file_stem().and_then(|s| s.to_str()).expect("a source file name"));
    run_ok(
        tool("gcc")
            .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-I"])
            .arg(dir.root())
            .args(defines)
            .arg("-o")
            .arg(&binary)
            .arg(source)
            .arg("-lcrypto"),
    );
    binary
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

// ---- What OpenSSL says about certificates -------------------------------

/// `openssl verify -CAfile root [-untrusted intermediates] leaf`; returns its output.
pub fn openssl_verify(root: &Path, untrusted: Option<&Path>, leaf: &Path) -> Output {
    let mut command = tool("openssl");
    command.arg("verify").arg("-CAfile").arg(root);
    if let Some(untrusted) = untrusted {
        command.arg("-untrusted").arg(untrusted);
    }
    run(command.arg(leaf))
}

/// The PEM blocks of a file, each with its trailing newline, in order.
pub fn pem_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        current.push_str(line);
        current.push('\n');
        if line.starts_with("-----END ") {
            blocks.push(std::mem::take(&mut current));
        }
    }
    assert!(current.trim().is_empty(), "text after the last PEM block: {current:?}");
    blocks
}

/// `openssl x509 -noout -subject` of a PEM certificate (text), e.g. `subject=CN = device-01`.
pub fn subject_of(dir: &Path, pem: &str) -> String {
    let file = tempfile::NamedTempFile::new_in(dir).expect("temporary file");
    std::fs::write(file.path(), pem).expect("write");
    let out =
        run_ok(tool("openssl").args(["x509", "-noout", "-subject", "-nameopt", "utf8,sep_comma_plus,space_eq", "-in"]).arg(file.path()));
    out.trim().to_string()
}

/// `openssl x509 -text`'s extensions, with key ids and serials blanked (they
/// are random) so two certificates made alike compare equal.
pub fn extensions_text(cert_pem_path: &Path) -> String {
    let text = run_ok(tool("openssl").args(["x509", "-noout", "-text", "-in"]).arg(cert_pem_path));
    let start = text.find("X509v3 extensions:").expect("certificate has extensions");
    let end = text[start..].find("Signature Algorithm:").map_or(text.len(), |e| start + e);
    text[start..end]
        .lines()
        .map(|line| {
            let trimmed = line.trim();
            let is_hex = trimmed.len() > 2
                && trimmed
                    .trim_start_matches("serial:")
                    .trim_start_matches("keyid:")
                    .split(':')
                    .all(|b| b.len() == 2 && b.chars().all(|c| c.is_ascii_hexdigit()));
            if is_hex { "<hex>".to_string() } else { trimmed.to_string() }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn file<'a>(files: &'a [OutputFile], path: &str) -> &'a OutputFile {
    files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("{path} missing from {:?}", files.iter().map(|f| &f.path).collect::<Vec<_>>()))
}

// ---- Mutual TLS ---------------------------------------------------------

/// What each side of a mutual-TLS handshake reported.
pub struct Handshake {
    /// `ACCEPTED <reply>` or `REFUSED <why>` (fixtures/tls_client.py).
    pub client: String,
    /// Everything `openssl s_server` printed, its verify lines included.
    pub server: String,
}

/// The TLS endpoint's certificate and key, the certificates it sends above
/// its own (if any), and the one root it trusts for clients.
pub struct TlsServer<'a> {
    pub cert: &'a Path,
    pub key: &'a Path,
    pub chain: Option<&'a Path>,
    pub client_root: &'a Path,
}

/// `openssl s_server` on 127.0.0.1, port 0 (it prints the one it got), for
/// one connection, requiring a client certificate that chains to
/// `client_root`; Python's `ssl` connects as a device, as the SDKs do,
/// presenting `cert_file` (its certificate chain file) and `key_file`, and
/// trusting `server_root` for the server.
pub fn mutual_tls(server: &TlsServer<'_>, server_root: &Path, cert_file: &Path, key_file: &Path) -> Handshake {
    let mut command = tool("openssl");
    command.args(["s_server", "-accept", "127.0.0.1:0", "-naccept", "1", "-rev", "-cert"]).arg(server.cert).arg("-key").arg(server.key);
    if let Some(chain) = server.chain {
        command.arg("-cert_chain").arg(chain);
    }
    command.arg("-CAfile").arg(server.client_root).args(["-no-CApath", "-no-CAstore", "-Verify", "5", "-verify_return_error"]);
    let mut running = RunningServer::start(command);
    let port = running.port();
    let client = run_ok(python().arg(fixture("tls_client.py")).arg(port.to_string()).arg(server_root).arg(cert_file).arg(key_file));
    Handshake { client: client.trim().to_string(), server: running.finish() }
}

/// A running `openssl s_server`; dropping it kills the server.
struct RunningServer {
    child: Child,
    stdout: mpsc::Receiver<String>,
    stderr: Option<JoinHandle<Vec<u8>>>,
}

impl RunningServer {
    fn start(mut command: Command) -> Self {
        let mut child = command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("start openssl s_server");
        let (send, stdout) = mpsc::channel();
        let out = child.stdout.take().expect("piped");
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Some(read_all(child.stderr.take().expect("piped")));
        Self { child, stdout, stderr }
    }

    /// s_server prints `ACCEPT 127.0.0.1:<port>` once it listens.
    fn port(&mut self) -> u16 {
        loop {
            let Ok(line) = self.stdout.recv_timeout(HANDSHAKE_TIMEOUT) else {
                panic!("s_server did not start listening in time:\n{}", self.finish());
            };
            if let Some(port) = line.strip_prefix("ACCEPT 127.0.0.1:") {
                return port.trim().parse().expect("s_server printed its port");
            }
        }
    }

    /// Waits for the server to finish its one connection; returns all it printed.
    fn finish(&mut self) -> String {
        let status = wait_with_timeout(&mut self.child, HANDSHAKE_TIMEOUT);
        let mut text: String = self.stdout.try_iter().map(|l| l + "\n").collect();
        if let Some(stderr) = self.stderr.take() {
            text.push_str(&String::from_utf8_lossy(&stderr.join().unwrap_or_default()));
        }
        assert!(status.is_some(), "s_server did not finish within {HANDSHAKE_TIMEOUT:?}:\n{text}");
        text
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---- The studio's chain, written as a user unpacks it -------------------

pub const ROOT_CERT: &str = "certs/azure-iot-test-only.root.ca.cert.pem";
pub const ROOT_KEY: &str = "private/azure-iot-test-only.root.ca.key.pem";
pub const CHAIN_CA_CERT: &str = "certs/azure-iot-test-only.chain.ca.cert.pem";

/// The tutorial's chain with another key type, `intermediates` intermediates
/// (named I1, I2, … from the root down, or the tutorial's name when there is
/// one) and the given devices.
pub fn spec(key_algorithm: KeyAlgorithm, intermediates: usize, devices: &[&str]) -> ChainSpec {
    let intermediate_common_names = if intermediates == 1 {
        ChainSpec::default().intermediate_common_names
    } else {
        (1..=intermediates).map(|i| format!("Test Intermediate {i}")).collect()
    };
    ChainSpec { key_algorithm, intermediate_common_names, devices: devices.iter().map(|d| d.to_string()).collect(), ..ChainSpec::default() }
}

/// A generated chain and its files, written where a user would unpack them.
pub struct WrittenChain {
    pub chain: TutorialChain,
    pub dir: Scratch,
    pub paths: Vec<String>,
}

impl WrittenChain {
    pub fn generate(spec: ChainSpec) -> Self {
        let chain = TutorialChain::generate(spec, now()).expect("the core makes the chain");
        let files = chain.files().expect("the core writes the files");
        let dir = Scratch::new("chain");
        dir.write_all(&files);
        Self { chain, dir, paths: files.into_iter().map(|f| f.path).collect() }
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        let path = self.dir.path(relative);
        assert!(path.is_file(), "the studio wrote no {relative}; it wrote {:?}", self.paths);
        path
    }

    pub fn text(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative)).expect("the studio's files are UTF-8")
    }

    pub fn intermediate_count(&self) -> usize {
        self.chain.spec.intermediate_common_names.len()
    }

    /// Intermediate certificate files from the root down.
    pub fn intermediate_certs(&self) -> Vec<String> {
        let n = self.intermediate_count();
        (1..=n)
            .map(|i| {
                if n == 1 {
                    "certs/azure-iot-test-only.intermediate.cert.pem".to_string()
                } else {
                    format!("certs/azure-iot-test-only.intermediate-{i}.cert.pem")
                }
            })
            .collect()
    }

    pub fn intermediate_keys(&self) -> Vec<String> {
        self.intermediate_certs().iter().map(|c| c.replace("certs/", "private/").replace(".cert.pem", ".key.pem")).collect()
    }

    pub fn intermediate_csrs(&self) -> Vec<String> {
        self.intermediate_certs().iter().map(|c| c.replace("certs/", "csr/").replace(".cert.pem", ".csr.pem")).collect()
    }

    pub fn devices(&self) -> Vec<String> {
        self.chain.spec.devices.clone()
    }

    pub fn key_encoding(&self) -> KeyEncoding {
        self.chain.spec.device_key_encoding
    }
}

/// A registration ID as a file-name stem: the tutorial asks for `:` to become `_`.
pub fn device_stem(id: &str) -> String {
    id.replace(':', "_")
}
pub fn device_cert(id: &str) -> String {
    format!("certs/{}.cert.pem", device_stem(id))
}
pub fn device_full_chain(id: &str) -> String {
    format!("certs/{}-full-chain.cert.pem", device_stem(id))
}
pub fn device_key(id: &str) -> String {
    format!("private/{}.key.pem", device_stem(id))
}
pub fn device_csr(id: &str) -> String {
    format!("csr/{}.csr.pem", device_stem(id))
}
pub fn device_snippet(id: &str, sample_file: &str) -> String {
    format!("snippets/{}.{sample_file}", device_stem(id))
}

// ---- A CA made by the tutorial's OpenSSL commands -----------------------

/// The tutorial's extension sections (openssl_root_ca.cnf / openssl_device_intermediate_ca.cnf).
pub const EXTENSIONS: &str = "\
[ req ]
distinguished_name = req_dn
[ req_dn ]

[ v3_ca ]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always,issuer
basicConstraints = critical, CA:true
keyUsage = critical, digitalSignature, cRLSign, keyCertSign

[ v3_intermediate_ca ]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always,issuer
basicConstraints = critical, CA:true
keyUsage = critical, digitalSignature, cRLSign, keyCertSign

[ usr_cert ]
basicConstraints = CA:FALSE
nsCertType = client, email
nsComment = \"OpenSSL Generated Client Certificate\"
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid,issuer
keyUsage = critical, nonRepudiation, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth, emailProtection
";

pub const ROOT_CN: &str = "Azure IoT Hub CA Cert Test Only";
pub const INTERMEDIATE_CN: &str = "Azure IoT Hub Intermediate Cert Test Only";

/// Which key type the OpenSSL-made CA uses.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CaKey {
    Rsa,
    Ec,
}

/// Makes root → intermediate with OpenSSL as the tutorial does (keys
/// encrypted with AES-256, password 1234): `root.key.pem`, `root.cert.pem`,
/// `intermediate.key.pem`, `intermediate.cert.pem`, `ext.cnf`.
pub fn openssl_ca(dir: &Scratch, kind: CaKey) {
    dir.write("ext.cnf", EXTENSIONS);
    for name in ["root", "intermediate"] {
        let key = format!("{name}.key.pem");
        match kind {
            CaKey::Rsa => {
                dir.openssl(&["genrsa", "-aes256", "-passout", "pass:1234", "-out", &key, "2048"]);
            }
            CaKey::Ec => {
                dir.openssl(&["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "plain.key"]);
                dir.openssl(&["pkey", "-in", "plain.key", "-aes256", "-passout", "pass:1234", "-out", &key]);
            }
        }
    }
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
        &format!("/CN={ROOT_CN}"),
        "-days",
        "30",
        "-sha256",
        "-extensions",
        "v3_ca",
        "-out",
        "root.cert.pem",
    ]);
    dir.openssl(&[
        "req",
        "-new",
        "-sha256",
        "-config",
        "ext.cnf",
        "-passin",
        "pass:1234",
        "-subj",
        &format!("/CN={INTERMEDIATE_CN}"),
        "-key",
        "intermediate.key.pem",
        "-out",
        "intermediate.csr.pem",
    ]);
    dir.openssl(&[
        "x509",
        "-req",
        "-in",
        "intermediate.csr.pem",
        "-CA",
        "root.cert.pem",
        "-CAkey",
        "root.key.pem",
        "-passin",
        "pass:1234",
        "-CAcreateserial",
        "-days",
        "30",
        "-sha256",
        "-extfile",
        "ext.cnf",
        "-extensions",
        "v3_intermediate_ca",
        "-out",
        "intermediate.cert.pem",
    ]);
}

/// Files as the importer takes them: (name, bytes) pairs kept alive here.
pub struct Files(pub Vec<(String, Vec<u8>)>);

impl Files {
    pub fn from_dir(dir: &Scratch, names: &[&str]) -> Self {
        Self(names.iter().map(|n| (n.to_string(), dir.read(n))).collect())
    }

    pub fn inputs(&self) -> Vec<InputFile<'_>> {
        self.0.iter().map(|(name, contents)| InputFile { name, contents }).collect()
    }
}
