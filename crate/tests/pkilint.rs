//! Every profile the studio issues, for RSA and EC keys, passes pkilint's
//! RFC 5280 linter (`lint_pkix_cert`, PyPI `pkilint`) with no finding at
//! WARNING or above.

use std::io::Write;
use std::process::Command;

use cert_studio::certificate::{self, CertificateParams, Issuer, SignedBy, ValidityWindow, certificate_pem};
use cert_studio::key::{KeyAlgorithm, PrivateKey};
use cert_studio::profile::{CertificateProfile, DEVICE, INTERMEDIATE_CA, ROOT_CA, SERVER};

const NOW: u64 = 1_764_000_000;

fn lint(label: &str, pem: &str) {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(pem.as_bytes()).unwrap();
    let out = Command::new("lint_pkix_cert")
        .args(["lint", "-s", "WARNING"])
        .arg(file.path())
        .output()
        .expect("lint_pkix_cert (pip install pkilint) must be installed: tools/install.sh test installs it");
    let findings = String::from_utf8_lossy(&out.stdout);
    assert!(findings.trim().is_empty(), "{label}: pkilint findings at WARNING or above:\n{findings}");
    assert!(out.status.success(), "{label}: pkilint failed: {}", String::from_utf8_lossy(&out.stderr));
}

fn issue(cn: &str, profile: &CertificateProfile, key: &PrivateKey, signer: SignedBy<'_>, dns: &[String]) -> x509_cert::Certificate {
    let params = CertificateParams {
        common_name: cn,
        profile,
        validity: ValidityWindow { not_before_unix: NOW, days: 30 },
        dns_names: dns,
    };
    certificate::issue(&params, &key.public_key_info().unwrap(), signer).unwrap()
}

#[test]
fn every_profile_and_key_type_lints_clean() {
    for alg in [KeyAlgorithm::Rsa2048, KeyAlgorithm::EcP256, KeyAlgorithm::EcP384] {
        let root_key = PrivateKey::generate(alg).unwrap();
        let root = Issuer { certificate: issue("Lint Root", &ROOT_CA, &root_key, SignedBy::Itself(&root_key), &[]), key: root_key };
        lint(&format!("{alg:?} root"), &certificate_pem(&root.certificate).unwrap());

        let ca_key = PrivateKey::generate(alg).unwrap();
        let intermediate = Issuer {
            certificate: issue("Lint Intermediate", &INTERMEDIATE_CA, &ca_key, SignedBy::Ca(&root), &[]),
            key: ca_key,
        };
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
