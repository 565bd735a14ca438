//! Mutual TLS as DPS does it for an enrollment group: the server trusts only
//! the root, and the device presents its key and full chain. `openssl
//! s_server` plays DPS; Python's `ssl` (OpenSSL's chain-file loading, as the
//! SDKs use) plays the device.

mod interop;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use cert_studio::x509::key::KeyAlgorithm::{self, EcP256, Rsa2048};
use interop::*;

const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(20);

/// `openssl s_server` on 127.0.0.1 and a free port, for one connection.
/// Dropping it kills the server.
struct Server {
    child: Child,
    port: u16,
    stdout: mpsc::Receiver<String>,
    stderr: Option<std::thread::JoinHandle<String>>,
}

impl Server {
    /// A server with its own certificate that asks every client for a
    /// certificate chaining to `trusted_root` and to nothing else.
    fn start(dir: &Path, trusted_root: &Path) -> (Self, PathBuf) {
        let (cert, key) = (dir.join("server.cert.pem"), dir.join("server.key.pem"));
        run_ok(
            tool("openssl")
                .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1"])
                .args(["-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-keyout"])
                .arg(&key)
                .arg("-out")
                .arg(&cert),
        );
        let mut child = tool("openssl")
            .args(["s_server", "-accept", "127.0.0.1:0", "-naccept", "1", "-rev", "-cert"])
            .arg(&cert)
            .arg("-key")
            .arg(&key)
            .arg("-CAfile")
            .arg(trusted_root)
            .args(["-no-CApath", "-no-CAstore", "-Verify", "5", "-verify_return_error"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start openssl s_server");
        let (send, stdout) = mpsc::channel();
        let out = child.stdout.take().expect("piped");
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let mut err = child.stderr.take().expect("piped");
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = std::io::Read::read_to_string(&mut err, &mut text);
            text
        });
        let mut server = Self { child, port: 0, stdout, stderr: Some(stderr) };
        // s_server prints `ACCEPT 127.0.0.1:<port>` once it listens.
        loop {
            let line = server.stdout.recv_timeout(HANDSHAKE_TIMEOUT).expect("s_server did not start listening in time");
            if let Some(port) = line.strip_prefix("ACCEPT 127.0.0.1:") {
                server.port = port.trim().parse().expect("s_server printed its port");
                break;
            }
        }
        (server, cert)
    }

    /// Waits for the server to finish its one connection; returns all it printed.
    fn finish(mut self) -> String {
        let status = wait_with_timeout(&mut self.child, HANDSHAKE_TIMEOUT);
        let mut text: String = self.stdout.try_iter().map(|l| l + "\n").collect();
        if let Some(stderr) = self.stderr.take() {
            text.push_str(&stderr.join().unwrap_or_default());
        }
        assert!(status.is_some(), "s_server did not finish within {HANDSHAKE_TIMEOUT:?}:\n{text}");
        text
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Connects as the device, presenting `cert_file`; returns the client's verdict and the server's log.
fn handshake(written: &WrittenChain, cert_file: &str, id: &str) -> (String, String) {
    let server_dir = tempfile::tempdir().expect("temporary folder");
    let (server, server_cert) = Server::start(server_dir.path(), &written.path(ROOT_CERT));
    let client = run_ok(
        python()
            .arg(fixture("tls_client.py"))
            .arg(server.port.to_string())
            .arg(&server_cert)
            .arg(written.path(cert_file))
            .arg(written.path(&device_key(id))),
    );
    (client.trim().to_string(), server.finish())
}

fn accepts_full_chain(algorithm: KeyAlgorithm, intermediates: usize) {
    let written = WrittenChain::generate(spec(algorithm, intermediates, &["device-01"]));
    let (client, server) = handshake(&written, &device_full_chain("device-01"), "device-01");
    assert_eq!(client, "ACCEPTED gnip", "the server refused the device's full chain:\nserver:\n{server}");
    assert!(server.contains("CN = device-01") || server.contains("CN=device-01"), "the server saw no device certificate:\n{server}");
}

#[test]
fn server_trusting_only_the_root_accepts_the_full_chain() {
    accepts_full_chain(Rsa2048, 1);
}

#[test]
fn full_chain_with_three_intermediates_is_accepted() {
    accepts_full_chain(EcP256, 3);
}

/// The cause of DPS error 401002: the device sends its leaf without the intermediate.
#[test]
fn leaf_without_its_intermediate_is_refused() {
    let written = WrittenChain::generate(spec(EcP256, 1, &["device-01"]));
    let (client, server) = handshake(&written, &device_cert("device-01"), "device-01");
    assert!(client.starts_with("REFUSED"), "a leaf without its intermediate was accepted: {client}\nserver:\n{server}");
    assert!(
        server.contains("unable to get local issuer certificate"),
        "the server refused for another reason than the missing intermediate:\n{server}"
    );
}
