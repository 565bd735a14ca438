//! The IoT Edge chain: `openssl verify`, extensions against what `openssl`
//! makes from the same config sections as iotedge's certGen.sh, the
//! config.toml through Python's tomllib, and the IoT Edge 1.1 limit.

mod support;

use cert_studio::Product;
use cert_studio::make::edge::{EdgeChain, EdgeSpec};
use cert_studio::output::snippets::SnippetSettings;
use cert_studio::x509::key::KeyAlgorithm;
use support::{Scratch, extensions_text, now, python, run_ok};

/// The sections of iotedge's openssl_root_ca.cnf that certGen.sh signs
/// with; server_cert also names the DNS names the studio adds.
const ISSUING_CONFIG: &str = r#"
[ v3_intermediate_ca ]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always,issuer:always
basicConstraints = critical, CA:true
keyUsage = critical, digitalSignature, cRLSign, keyCertSign

[ usr_cert ]
basicConstraints = CA:FALSE
nsCertType = client, email
nsComment = "OpenSSL Generated Client Certificate"
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always,issuer:always
keyUsage = critical, nonRepudiation, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth, emailProtection

[ server_cert ]
basicConstraints = CA:FALSE
nsCertType = server
nsComment = "OpenSSL Generated Server Certificate"
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always,issuer:always
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:gateway.local, DNS:edge.contoso.com
"#;

fn spec(dir: &Scratch) -> EdgeSpec {
    EdgeSpec {
        ca_key_algorithm: KeyAlgorithm::Rsa2048,
        device_name: "edge-01".into(),
        server_dns_names: vec!["gateway.local".into(), "edge.contoso.com".into()],
        snippets: SnippetSettings { id_scope: Some("0ne00000A0A".into()), folder: Some(dir.folder()), ..Default::default() },
        ..EdgeSpec::default()
    }
}

#[test]
fn edge_chain_verifies_and_matches_certgen_profiles() {
    let dir = Scratch::new("edge");
    let chain = EdgeChain::generate(spec(&dir), now()).unwrap();
    let files = chain.files().unwrap();
    dir.write_all(&files);
    let root = "certs/azure-iot-test-only.root.ca.cert.pem";
    let intermediate = "certs/azure-iot-test-only.intermediate.cert.pem";
    for expected in [
        "certs/RootCA.cer",
        "certs/azure-iot-test-only.intermediate-full-chain.cert.pem",
        "private/azure-iot-test-only.intermediate.key.pem",
        "certs/iot-edge-device-ca-edge-01.cert.pem",
        "certs/iot-edge-device-ca-edge-01-full-chain.cert.pem",
        "private/iot-edge-device-ca-edge-01.key.pem",
        "certs/iot-edge-device-identity-edge-01.cert.pem",
        "certs/iot-edge-device-identity-edge-01-full-chain.cert.pem",
        "certs/iot-edge-device-identity-edge-01.cert.pfx",
        "certs/iot-edge-device-identity-edge-01.cer",
        "private/iot-edge-device-identity-edge-01.key.pem",
        "csr/iot-edge-device-identity-edge-01.csr.pem",
        "certs/iot-edge-server-gateway.local.cert.pem",
        "snippets/iot-edge-edge-01.config.toml",
        "README.txt",
    ] {
        assert!(dir.path(expected).is_file(), "{expected} missing");
    }
    for (stem, cn) in [
        ("iot-edge-device-ca-edge-01", "edge-01.ca"),
        ("iot-edge-device-identity-edge-01", "edge-01"),
        ("iot-edge-server-gateway.local", "gateway.local"),
    ] {
        let cert = format!("certs/{stem}.cert.pem");
        let at = (now() + 3600).to_string();
        let out = dir.openssl(&["verify", "-attime", &at, "-CAfile", root, "-untrusted", intermediate, &cert]);
        assert_eq!(out.trim(), format!("{cert}: OK"));
        let full_chain = format!("certs/{stem}-full-chain.cert.pem");
        dir.openssl(&["verify", "-attime", &at, "-CAfile", root, "-untrusted", &full_chain, &cert]);
        let subject = dir.openssl(&["x509", "-noout", "-subject", "-in", &cert]);
        assert_eq!(subject.trim(), format!("subject=CN = {cn}"));
        // Its PFX: key, certificate, intermediate, root, named as certGen.sh's -name.
        let info = dir.openssl(&["pkcs12", "-info", "-nodes", "-passin", "pass:1234", "-in", &format!("certs/{stem}.cert.pfx")]);
        assert_eq!(info.matches("-----BEGIN CERTIFICATE-----").count(), 3, "{info}");
    }

    // The same sections applied by OpenSSL to a fresh key, signed by the same intermediate.
    dir.write("issuing.cnf", ISSUING_CONFIG);
    for (section, ours, signer, signer_key) in [
        ("v3_intermediate_ca", intermediate, root, "private/azure-iot-test-only.root.ca.key.pem"),
        (
            "v3_intermediate_ca",
            "certs/iot-edge-device-ca-edge-01.cert.pem",
            intermediate,
            "private/azure-iot-test-only.intermediate.key.pem",
        ),
        ("usr_cert", "certs/iot-edge-device-identity-edge-01.cert.pem", intermediate, "private/azure-iot-test-only.intermediate.key.pem"),
        ("server_cert", "certs/iot-edge-server-gateway.local.cert.pem", intermediate, "private/azure-iot-test-only.intermediate.key.pem"),
    ] {
        let reference = format!("reference-{section}.pem");
        dir.openssl(&[
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "reference.key",
            "-subj",
            "/CN=reference",
            "-out",
            "reference.csr",
        ]);
        dir.openssl(&[
            "x509",
            "-req",
            "-in",
            "reference.csr",
            "-CA",
            signer,
            "-CAkey",
            signer_key,
            "-passin",
            "pass:1234",
            "-set_serial",
            "0x4b1d",
            "-days",
            "30",
            "-sha256",
            "-extfile",
            "issuing.cnf",
            "-extensions",
            section,
            "-out",
            &reference,
        ]);
        assert_eq!(extensions_text(&dir.path(ours)), extensions_text(&dir.path(&reference)), "{ours} differs from OpenSSL's {section}");
    }
}

#[test]
fn config_toml_parses_and_points_at_the_files() {
    let dir = Scratch::new("edge-toml");
    let chain = EdgeChain::generate(
        EdgeSpec { ca_key_algorithm: KeyAlgorithm::EcP256, leaf_key_algorithm: KeyAlgorithm::EcP256, ..spec(&dir) },
        now(),
    )
    .unwrap();
    dir.write_all(&chain.files().unwrap());
    let script = r#"
import sys, tomllib, os
from urllib.parse import urlparse, unquote
c = tomllib.load(open(sys.argv[1], 'rb'))
p = c['provisioning']
assert p['source'] == 'dps' and p['global_endpoint'] == 'https://global.azure-devices-provisioning.net', p
assert p['id_scope'] == '0ne00000A0A', p
a = p['attestation']
assert a['method'] == 'x509' and a['registration_id'] == 'edge-01', a
uris = [a['identity_cert'], a['identity_pk'], c['edge_ca']['cert'], c['edge_ca']['pk']]
for uri in uris:
    u = urlparse(uri)
    assert u.scheme == 'file' and u.netloc == '', uri
    assert os.path.isfile(unquote(u.path)), uri
print('\n'.join(os.path.relpath(unquote(urlparse(u).path), sys.argv[2]) for u in uris))
"#;
    let out = run_ok(python().arg("-c").arg(script).arg(dir.path("snippets/iot-edge-edge-01.config.toml")).arg(dir.root()));
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        [
            "certs/iot-edge-device-identity-edge-01-full-chain.cert.pem",
            "private/iot-edge-device-identity-edge-01.key.pem",
            "certs/iot-edge-device-ca-edge-01-full-chain.cert.pem",
            "private/iot-edge-device-ca-edge-01.key.pem",
        ]
    );
    // Unfilled, the same section still parses and shows plain placeholders.
    let plain = EdgeChain::generate(
        EdgeSpec {
            snippets: SnippetSettings::default(),
            ca_key_algorithm: KeyAlgorithm::EcP256,
            leaf_key_algorithm: KeyAlgorithm::EcP256,
            ..spec(&dir)
        },
        now(),
    )
    .unwrap();
    let toml = plain.files().unwrap().into_iter().find(|f| f.path.ends_with("config.toml")).unwrap();
    let placeholder = dir.write("placeholder.toml", &toml.contents);
    let out = run_ok(python()
        .arg("-c")
        .arg("import sys, tomllib; c = tomllib.load(open(sys.argv[1], 'rb')); print(c['provisioning']['id_scope']); print(c['provisioning']['attestation']['identity_pk'])")
        .arg(&placeholder));
    assert_eq!(out, "<your-id-scope>\nfile:///<your-certificate-folder>/private/iot-edge-device-identity-edge-01.key.pem\n");
    // The identity key is the one the identity certificate holds.
    let key = dir.openssl(&["pkey", "-pubout", "-in", "private/iot-edge-device-identity-edge-01.key.pem"]);
    let cert = dir.openssl(&["x509", "-noout", "-pubkey", "-in", "certs/iot-edge-device-identity-edge-01.cert.pem"]);
    assert_eq!(key, cert);
}

#[test]
fn iot_edge_1_1_refuses_a_chain_expiring_in_2040() {
    let dir = Scratch::new("edge-2038");
    // Enough days from now to end on 2040-01-01 (UTC midnight is 2_208_988_800).
    let days_to_2040 = ((2_208_988_800 - now()) / 86_400 + 1) as u32;
    let long = EdgeSpec { iot_edge_1_1: true, validity_days: days_to_2040, ..spec(&dir) };
    let error = EdgeChain::generate(long.clone(), now()).err().expect("refused");
    assert_eq!(error.field.as_deref(), Some("validityDays"));
    assert_eq!(
        error.message,
        "IoT Edge 1.1 can't use a certificate that expires on or after 2038-01-01 (a libiothsm limit), and these would expire on 2040-01-01; shorten the validity or turn off the IoT Edge 1.1 switch."
    );
    // Without the switch the same chain is made, and it does run to 2040.
    let spec = EdgeSpec { iot_edge_1_1: false, ca_key_algorithm: KeyAlgorithm::EcP256, leaf_key_algorithm: KeyAlgorithm::EcP256, ..long };
    let chain = EdgeChain::generate(spec, now()).unwrap();
    dir.write_all(&chain.files().unwrap());
    let end = dir.openssl(&["x509", "-noout", "-enddate", "-in", "certs/iot-edge-device-identity-edge-01.cert.pem"]);
    assert!(end.contains("2040 GMT"), "{end}");
}
