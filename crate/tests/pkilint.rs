//! Every profile the studio issues, for RSA and EC keys, passes pkilint's
//! RFC 5280 linter (`lint_pkix_cert`, PyPI `pkilint`) with no finding at
//! WARNING or above: first each profile on its own, then every certificate
//! file the real generators write (tutorial chain, IoT Edge, individual
//! enrollment, and the verification certificate of an imported CA).

mod support;

use cert_studio::OutputFile;
use cert_studio::Product;
use cert_studio::Signing;
use cert_studio::ca::import::import_cas;
use cert_studio::make::chain::{ChainSpec, TutorialChain};
use cert_studio::make::edge::{EdgeChain, EdgeSpec};
use cert_studio::make::enrollment::{EnrollmentSpec, IndividualEnrollment};
use cert_studio::make::verification::VerificationCertificate;
use cert_studio::read::pem_file::InputFile;
use cert_studio::x509::facts::certificate_pem;
use cert_studio::x509::issue::{self, CertificateParams, Issuer, SignedBy, ValidityWindow};
use cert_studio::x509::key::{KeyAlgorithm, PrivateKey};
use cert_studio::x509::profile::{CertificateProfile, DEVICE, INTERMEDIATE_CA, ROOT_CA, SERVER};
use support::{Scratch, file, now, run, tool};

fn lint(label: &str, pem: &str) {
    let dir = Scratch::new("pkilint");
    let path = dir.write("cert.pem", pem);
    let out = run(tool("lint_pkix_cert").args(["lint", "-s", "WARNING"]).arg(&path));
    let findings = String::from_utf8_lossy(&out.stdout);
    assert!(findings.trim().is_empty(), "{label}: pkilint findings at WARNING or above:\n{findings}");
    assert!(out.status.success(), "{label}: pkilint failed: {}", String::from_utf8_lossy(&out.stderr));
}

fn issue(cn: &str, profile: &CertificateProfile, key: &PrivateKey, signer: SignedBy<'_>, dns: &[String]) -> x509_cert::Certificate {
    let params = CertificateParams { dns_names: dns, ..CertificateParams::new(cn, profile, ValidityWindow::days(now(), 30)) };
    issue::issue(&params, &key.public_key_info().unwrap(), signer, &mut Signing::here()).unwrap()
}

#[test]
fn every_profile_and_key_type_lints_clean() {
    for alg in [KeyAlgorithm::Rsa2048, KeyAlgorithm::EcP256, KeyAlgorithm::EcP384] {
        let root_key = PrivateKey::generate(alg).unwrap();
        let root = Issuer { certificate: issue("Lint Root", &ROOT_CA, &root_key, SignedBy::Itself(&root_key), &[]), key: root_key };
        lint(&format!("{alg:?} root"), &certificate_pem(&root.certificate).unwrap());

        let ca_key = PrivateKey::generate(alg).unwrap();
        let intermediate =
            Issuer { certificate: issue("Lint Intermediate", &INTERMEDIATE_CA, &ca_key, SignedBy::Ca(&root), &[]), key: ca_key };
        lint(&format!("{alg:?} intermediate"), &certificate_pem(&intermediate.certificate).unwrap());

        let leaf_key = PrivateKey::generate(alg).unwrap();
        let device = issue("device-01", &DEVICE, &leaf_key, SignedBy::Ca(&intermediate), &[]);
        lint(&format!("{alg:?} device"), &certificate_pem(&device).unwrap());
        let server = issue("gateway", &SERVER, &leaf_key, SignedBy::Ca(&intermediate), &["gateway.local".into()]);
        lint(&format!("{alg:?} server"), &certificate_pem(&server).unwrap());
        let self_signed = issue("device-02", &DEVICE, &leaf_key, SignedBy::Itself(&leaf_key), &[]);
        lint(&format!("{alg:?} self-signed device"), &certificate_pem(&self_signed).unwrap());
    }
}

/// Every file that holds exactly one certificate: the chain and full-chain
/// files only repeat them.
fn lint_certificate_files(generator: &str, files: &[OutputFile]) -> usize {
    let mut linted = 0;
    for file in files.iter().filter(|f| f.path.ends_with(".cert.pem")) {
        let pem = String::from_utf8(file.contents.clone()).unwrap();
        if pem.matches("-----BEGIN CERTIFICATE-----").count() == 1 {
            lint(&format!("{generator} {}", file.path), &pem);
            linted += 1;
        }
    }
    linted
}

#[test]
fn every_generator_output_lints_clean() {
    for alg in [KeyAlgorithm::Rsa2048, KeyAlgorithm::EcP256, KeyAlgorithm::EcP384] {
        let chain =
            TutorialChain::generate(ChainSpec { key_algorithm: alg, devices: vec!["device-01".into()], ..ChainSpec::default() }, now())
                .unwrap();
        let chain_files = chain.files().unwrap();
        // Root, intermediate, device.
        assert_eq!(lint_certificate_files(&format!("{alg:?} tutorial chain"), &chain_files), 3);

        let edge = EdgeChain::generate(
            EdgeSpec {
                ca_key_algorithm: alg,
                leaf_key_algorithm: alg,
                server_dns_names: vec!["gateway.local".into()],
                ..EdgeSpec::default()
            },
            now(),
        )
        .unwrap();
        // Root, intermediate, Edge CA, identity, server.
        assert_eq!(lint_certificate_files(&format!("{alg:?} IoT Edge"), &edge.files().unwrap()), 5);

        let enrollment = IndividualEnrollment::generate(EnrollmentSpec { key_algorithm: alg, ..EnrollmentSpec::default() }, now()).unwrap();
        assert_eq!(lint_certificate_files(&format!("{alg:?} self-signed device"), &enrollment.files().unwrap()), 1);

        // The verification certificate, signed by the intermediate imported from the chain's own files.
        let inputs: Vec<InputFile<'_>> = [
            "certs/azure-iot-test-only.intermediate.cert.pem",
            "private/azure-iot-test-only.intermediate.key.pem",
            "certs/azure-iot-test-only.root.ca.cert.pem",
        ]
        .iter()
        .map(|path| InputFile { name: path, contents: &file(&chain_files, path).contents })
        .collect();
        let imported = import_cas(&inputs, Some("1234"), now()).unwrap();
        let verification =
            VerificationCertificate::make(&imported[0].issuer, "1B1F84DE79B9BD5F16D71E92709917C2A1CA19D5A156CB9F", now()).unwrap();
        assert_eq!(lint_certificate_files(&format!("{alg:?} verification"), &verification.files().unwrap()), 1);
    }
}
