//! Mutual TLS as DPS does it for an enrollment group: the server trusts only
//! the root, and the device presents its key and full chain. `openssl
//! s_server` plays DPS; Python's `ssl` (OpenSSL's chain-file loading, as the
//! SDKs use) plays the device.

mod support;

use cert_studio::x509::key::KeyAlgorithm::{self, EcP256, Rsa2048};
use support::{Handshake, ROOT_CERT, Scratch, TlsServer, WrittenChain, device_cert, device_full_chain, device_key, mutual_tls, spec};

/// Connects as the device, presenting `cert_file`, to a server with its own
/// self-signed certificate that trusts only the chain's root for clients.
fn handshake(written: &WrittenChain, cert_file: &str, id: &str) -> Handshake {
    let server = Scratch::new("mtls-server");
    server.openssl(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost",
        "-keyout",
        "server.key.pem",
        "-out",
        "server.cert.pem",
    ]);
    let (cert, key) = (server.path("server.cert.pem"), server.path("server.key.pem"));
    let endpoint = TlsServer { cert: &cert, key: &key, chain: None, client_root: &written.path(ROOT_CERT) };
    mutual_tls(&endpoint, &cert, &written.path(cert_file), &written.path(&device_key(id)))
}

fn accepts_full_chain(algorithm: KeyAlgorithm, intermediates: usize) {
    let written = WrittenChain::generate(spec(algorithm, intermediates, &["device-01"]));
    let Handshake { client, server } = handshake(&written, &device_full_chain("device-01"), "device-01");
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
    let Handshake { client, server } = handshake(&written, &device_cert("device-01"), "device-01");
    assert!(client.starts_with("REFUSED"), "a leaf without its intermediate was accepted: {client}\nserver:\n{server}");
    assert!(
        server.contains("unable to get local issuer certificate"),
        "the server refused for another reason than the missing intermediate:\n{server}"
    );
}
