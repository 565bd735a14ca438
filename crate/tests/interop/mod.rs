//! Shared by the interop tests: make a chain with the core, write its files
//! into a temporary folder as a user would unpack the ZIP, and run tools
//! nobody here wrote on them. A missing tool fails the test with a message
//! that says how to install it; nothing is skipped.

#![allow(dead_code)] // each test binary uses its own subset

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use cert_studio::Product;
use cert_studio::make::chain::{ChainSpec, TutorialChain};
use cert_studio::x509::key::{KeyAlgorithm, KeyEncoding};
use tempfile::TempDir;

pub const ROOT_CERT: &str = "certs/azure-iot-test-only.root.ca.cert.pem";
pub const ROOT_KEY: &str = "private/azure-iot-test-only.root.ca.key.pem";
pub const CHAIN_CA_CERT: &str = "certs/azure-iot-test-only.chain.ca.cert.pem";
pub const TOOL_TIMEOUT: Duration = Duration::from_secs(60);

pub fn now_unix() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_secs()
}

/// The tutorial's chain with another key type, `intermediates` intermediates
/// (named I1, I2, … from the root down, or the tutorial's name when there is
/// one) and the given devices.
pub fn spec(key_algorithm: KeyAlgorithm, intermediates: usize, devices: &[&str]) -> ChainSpec {
    let intermediate_common_names = if intermediates == 1 {
        ChainSpec::default().intermediate_common_names
    } else {
        (1..=intermediates).map(|i| format!("Test Intermediate {i}")).collect()
    };
    ChainSpec {
        key_algorithm,
        intermediate_common_names,
        devices: devices.iter().map(|d| d.to_string()).collect(),
        ..ChainSpec::default()
    }
}

/// A generated chain and its files, written where a user would unpack them.
pub struct WrittenChain {
    pub chain: TutorialChain,
    pub dir: TempDir,
    pub paths: Vec<String>,
}

impl WrittenChain {
    pub fn generate(spec: ChainSpec) -> Self {
        let chain = TutorialChain::generate(spec, now_unix()).expect("the core makes the chain");
        let dir = tempfile::tempdir().expect("temporary folder");
        let mut paths = Vec::new();
        for file in chain.files().expect("the core writes the files") {
            let path = dir.path().join(&file.path);
            fs::create_dir_all(path.parent().expect("files sit in a folder")).expect("mkdir");
            fs::write(&path, &file.contents).expect("write file");
            paths.push(file.path);
        }
        Self { chain, dir, paths }
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        let path = self.dir.path().join(relative);
        assert!(path.is_file(), "the studio wrote no {relative}; it wrote {:?}", self.paths);
        path
    }

    pub fn text(&self, relative: &str) -> String {
        fs::read_to_string(self.path(relative)).expect("the studio's files are UTF-8")
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

/// Fails with how to get the tool unless `program` runs.
pub fn require_tool(program: &str, version_arg: &str) {
    let found = Command::new(program).arg(version_arg).stdout(Stdio::null()).stderr(Stdio::null()).status();
    assert!(
        found.is_ok(),
        "`{program}` is needed by the interop tests but is not on PATH: run `tools/install.sh test` (or `make install-test`)"
    );
}

/// A command with its program checked; run it with [`run`] or [`run_ok`].
pub fn tool(program: &str) -> Command {
    let version_arg = match program {
        "openssl" => "version",
        "java" | "javac" => "-version",
        _ => "--version",
    };
    require_tool(program, version_arg);
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
    let (stdout, stderr) = (child.stdout.take().expect("piped"), child.stderr.take().expect("piped"));
    let read_all = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            buf
        })
    };
    let (out, err) = (read_all(Box::new(stdout)), read_all(Box::new(stderr)));
    let status = wait_with_timeout(&mut child, TOOL_TIMEOUT).unwrap_or_else(|| panic!("`{what}` ran over {TOOL_TIMEOUT:?}"));
    Output { status, stdout: out.join().expect("reader"), stderr: err.join().expect("reader") }
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

/// `child.wait()` with a deadline; kills the child when it runs over.
pub fn wait_with_timeout(child: &mut Child, timeout: Duration) -> Option<std::process::ExitStatus> {
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
    fs::write(file.path(), pem).expect("write");
    let out = run_ok(tool("openssl").args(["x509", "-noout", "-subject", "-nameopt", "utf8,sep_comma_plus,space_eq", "-in"]).arg(file.path()));
    out.trim().to_string()
}

/// The Python interpreter, with `cryptography` importable.
pub fn python() -> Command {
    let mut command = tool("python3");
    let check = run(Command::new("python3").args(["-c", "import cryptography"]));
    assert!(
        check.status.success(),
        "Python `cryptography` is needed by the interop tests: run `tools/install.sh test` (pip install cryptography)"
    );
    command.env("PYTHONDONTWRITEBYTECODE", "1");
    command
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}
