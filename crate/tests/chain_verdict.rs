//! The chain verdict's link-by-link explanations on chains made with OpenSSL,
//! each broken in one way, with `openssl verify` agreeing that it is broken;
//! and signatures checked over the bytes as read: a root whose TBS carries a
//! non-canonical encoding still verifies, one whose self-signature was
//! altered is refused at import.

mod support;

use cert_studio::ca::import::import_cas;
use cert_studio::judge::chain_verdict::{ChainReport, judge_bundle};
use cert_studio::judge::inspect::inspect;
use cert_studio::read::pem_file::InputFile;
use support::{Scratch, now};

const EXTENSIONS: &str = "\
[req]
distinguished_name = dn
[dn]
[root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ca_pathlen_0]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ca_without_cert_sign]
basicConstraints = critical, CA:TRUE
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ca_unknown_critical]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
1.3.6.1.4.1.99999.1 = critical, DER:05:00
[ca_example_only]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
nameConstraints = critical, permitted;DNS:devices.example.com
[device_elsewhere]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:device-07.other.example
[device]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[server_only]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
";

/// A folder of P-256 certificates made by `openssl`, each with its key.
struct Pki(Scratch);

impl Pki {
    fn new(tag: &str) -> Self {
        let dir = Scratch::new(tag);
        dir.write("ext.cnf", EXTENSIONS);
        Self(dir)
    }

    fn key(&self, name: &str) {
        self.0.openssl(&["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", &format!("{name}.key")]);
    }

    fn root(&self, name: &str, cn: &str) {
        self.key(name);
        self.0.openssl(&[
            "req",
            "-x509",
            "-new",
            "-config",
            "ext.cnf",
            "-extensions",
            "root",
            "-key",
            &format!("{name}.key"),
            "-subj",
            &format!("/CN={cn}"),
            "-days",
            "30",
            "-out",
            &format!("{name}.pem"),
        ]);
    }

    /// `name`, signed by `issuer` with the extensions of `section`.
    fn issue(&self, name: &str, cn: &str, issuer: &str, section: &str, days: &str) {
        self.key(name);
        let csr = format!("{name}.csr");
        self.0.openssl(&["req", "-new", "-config", "ext.cnf", "-key", &format!("{name}.key"), "-subj", &format!("/CN={cn}"), "-out", &csr]);
        self.0.openssl(&[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            &format!("{issuer}.pem"),
            "-CAkey",
            &format!("{issuer}.key"),
            "-CAcreateserial",
            "-days",
            days,
            "-extfile",
            "ext.cnf",
            "-extensions",
            section,
            "-out",
            &format!("{name}.pem"),
        ]);
    }

    /// The verdict on the bundle `names`, in that order, at `at`.
    fn judge(&self, names: &[&str], at: u64) -> ChainReport {
        let ders: Vec<Vec<u8>> = names.iter().map(|n| self.der(n)).collect();
        judge_bundle(&ders.iter().map(Vec::as_slice).collect::<Vec<_>>(), at)
    }

    fn der(&self, name: &str) -> Vec<u8> {
        let text = self.0.read_text(&format!("{name}.pem"));
        der::pem::decode_vec(text.as_bytes()).expect("openssl writes PEM").1
    }

    /// `openssl verify` of `leaf` against `root`, `untrusted` in between, as a TLS client certificate.
    fn openssl_verify(&self, root: &str, untrusted: &[&str], leaf: &str, extra: &[&str]) -> (bool, String) {
        let mut args = vec!["verify".to_string(), "-purpose".into(), "sslclient".into(), "-CAfile".into(), format!("{root}.pem")];
        for u in untrusted {
            args.extend(["-untrusted".into(), format!("{u}.pem")]);
        }
        args.extend(extra.iter().map(|e| e.to_string()));
        args.push(format!("{leaf}.pem"));
        self.0.openssl_status(&args.iter().map(String::as_str).collect::<Vec<_>>())
    }
}

/// The report's problems all break `rule`; the first is that problem.
fn only_rule(report: &ChainReport, rule: &str) -> cert_studio::judge::chain_verdict::ChainProblem {
    assert!(!report.ok, "{report:?}");
    assert!(report.problems.iter().all(|p| p.rule.as_str() == rule), "only {rule}: {:#?}", report.problems);
    assert_eq!(report.summary, report.problems[0].message);
    report.problems[0].clone()
}

#[test]
fn each_broken_rule_is_named_on_its_link() {
    let pki = Pki::new("verdict-links");
    pki.root("root", "Verdict Root");
    pki.issue("int", "Verdict Intermediate", "root", "ca", "30");
    pki.issue("device", "device-01", "int", "device", "30");
    pki.root("other", "Unrelated Root");
    pki.issue("int0", "Pathlen Zero", "root", "ca_pathlen_0", "30");
    pki.issue("sub", "Below Pathlen Zero", "int0", "ca", "30");
    pki.issue("deep", "device-02", "sub", "device", "30");
    pki.issue("nosign", "No Cert Sign", "root", "ca_without_cert_sign", "30");
    pki.issue("device3", "device-03", "nosign", "device", "30");
    pki.issue("server", "device-04", "int", "server_only", "30");
    pki.issue("short", "Short Lived", "root", "ca", "1");
    pki.issue("device5", "device-05", "short", "device", "30");
    pki.issue("odd", "Odd Critical", "root", "ca_unknown_critical", "30");
    pki.issue("device6", "device-06", "odd", "device", "30");
    pki.issue("scoped", "Scoped CA", "root", "ca_example_only", "30");
    pki.issue("device7", "device-07", "scoped", "device_elsewhere", "30");
    pki.issue("device8", "device-08", "scoped", "device", "30");
    // Every certificate above starts at or before this second.
    let t = now();

    // The good chain, in any order, with an unrelated root along: ignored.
    let good = pki.judge(&["other", "int", "root", "device"], t);
    assert!(good.ok, "{good:#?}");
    assert_eq!(good.path, [4, 2, 3]);
    assert!(
        good.summary.starts_with(
            "OK: certificate 4 (CN = device-01) → certificate 2 (CN = Verdict Intermediate) → certificate 3 (CN = Verdict Root)"
        ),
        "{}",
        good.summary
    );
    assert!(good.summary.ends_with("Certificate 1 is not on the path."), "{}", good.summary);
    let (ok, out) = pki.openssl_verify("root", &["int"], "device", &[]);
    assert!(ok, "{out}");

    // pathlen: a CA below an intermediate that allows none.
    let pathlen = only_rule(&pki.judge(&["deep", "sub", "int0", "root"], t), "pathlen");
    assert_eq!(pathlen.certificates, [2, 3]);
    assert_eq!(
        pathlen.message,
        "certificate 2 (CN = Below Pathlen Zero) → certificate 3 (CN = Pathlen Zero): certificate 3 allows pathLenConstraint 0 CA certificates below it, but 1 follow."
    );
    let (ok, out) = pki.openssl_verify("root", &["int0", "sub"], "deep", &[]);
    assert!(!ok && out.contains("path length constraint exceeded"), "{out}");

    // keyUsage without keyCertSign on the issuing CA.
    let usage = only_rule(&pki.judge(&["device3", "nosign", "root"], t), "key-usage");
    assert_eq!(usage.certificates, [1, 2]);
    assert!(
        usage.message.starts_with(
            "certificate 1 (CN = device-03) → certificate 2 (CN = No Cert Sign): the keyUsage of certificate 2 lacks keyCertSign"
        ),
        "{}",
        usage.message
    );
    let (ok, out) = pki.openssl_verify("root", &["nosign"], "device3", &[]);
    assert!(!ok, "{out}");

    // A device certificate for servers only: no clientAuth for DPS / IoT Hub.
    let eku = only_rule(&pki.judge(&["server", "int", "root"], t), "eku");
    assert_eq!(eku.certificates, [1]);
    assert!(eku.message.starts_with("certificate 1 (CN = device-04) has extendedKeyUsage "), "{}", eku.message);
    assert!(eku.message.contains("without clientAuth"), "{}", eku.message);
    let (ok, out) = pki.openssl_verify("root", &["int"], "server", &[]);
    assert!(!ok && out.contains("unsuitable certificate purpose"), "{out}");

    // An intermediate that lived one day, judged two days on.
    let later = t + 2 * 86_400;
    let expired = only_rule(&pki.judge(&["device5", "short", "root"], later), "validity");
    assert_eq!(expired.certificates, [2]);
    assert!(expired.message.starts_with("certificate 2 (CN = Short Lived) expired on "), "{}", expired.message);
    let (ok, out) = pki.openssl_verify("root", &["short"], "device5", &["-attime", &later.to_string()]);
    assert!(!ok && out.contains("expired"), "{out}");

    // An unknown critical extension on the intermediate.
    let critical = only_rule(&pki.judge(&["device6", "odd", "root"], t), "critical-extension");
    assert_eq!(critical.certificates, [2]);
    assert!(critical.message.starts_with("certificate 2 (CN = Odd Critical) has a critical extension"), "{}", critical.message);
    assert!(critical.message.contains("1.3.6.1.4.1.99999.1"), "{}", critical.message);
    let (ok, out) = pki.openssl_verify("root", &["odd"], "device6", &[]);
    assert!(!ok && out.contains("unhandled critical extension"), "{out}");

    // A DNS name outside the issuing CA's name constraints; a device without one passes.
    let outside = only_rule(&pki.judge(&["device7", "scoped", "root"], t), "name-constraints");
    assert_eq!(outside.certificates, [1, 2]);
    assert_eq!(
        outside.message,
        "certificate 1 (CN = device-07) under certificate 2 (CN = Scoped CA): the DNS name \"device-07.other.example\" is outside the permitted subtrees of the nameConstraints of certificate 2."
    );
    let (ok, out) = pki.openssl_verify("root", &["scoped"], "device7", &[]);
    assert!(!ok && out.contains("permitted subtree violation"), "{out}");
    let inside = pki.judge(&["device8", "scoped", "root"], t);
    assert!(inside.ok, "{inside:#?}");
    let (ok, out) = pki.openssl_verify("root", &["scoped"], "device8", &[]);
    assert!(ok, "{out}");
}

/// (tag, contents) of one DER TLV.
fn split(tlv: &[u8]) -> (u8, &[u8]) {
    let (length, start) = match tlv[1] {
        short if short < 0x80 => (usize::from(short), 2),
        long => {
            let n = usize::from(long & 0x7f);
            (tlv[2..2 + n].iter().fold(0, |acc, b| acc << 8 | usize::from(*b)), 2 + n)
        }
    };
    (tlv[0], &tlv[start..start + length])
}

/// The TLVs inside `contents`, in order.
fn children(mut contents: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while !contents.is_empty() {
        let (_, value) = split(contents);
        let whole = value.as_ptr() as usize - contents.as_ptr() as usize + value.len();
        out.push(&contents[..whole]);
        contents = &contents[whole..];
    }
    out
}

fn tlv(tag: u8, contents: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    out.extend(der::Encode::to_der(&der::Length::try_from(contents.len()).unwrap()).unwrap());
    out.extend_from_slice(contents);
    out
}

#[test]
fn signatures_are_checked_over_the_bytes_as_read() {
    let pki = Pki::new("verdict-as-read");
    let dir = &pki.0;
    pki.root("root", "Canonical Root");
    // The same root with `critical FALSE` written out in its SKI extension (DER
    // omits a default value; BER and OpenSSL accept it), signed again by its key.
    let original = pki.der("root");
    let fields = children(split(&original).1);
    let (tbs, algorithm) = (fields[0], fields[1]);
    let tbs_fields = children(split(tbs).1);
    let (extensions_field, head) = tbs_fields.split_last().unwrap();
    let extensions: Vec<Vec<u8>> = children(split(split(extensions_field).1).1)
        .into_iter()
        .map(|ext| {
            let parts = children(split(ext).1);
            if parts[0] == [0x06, 0x03, 0x55, 0x1d, 0x0e] {
                tlv(0x30, &[parts[0], &[0x01, 0x01, 0x00], parts[1]].concat())
            } else {
                ext.to_vec()
            }
        })
        .collect();
    let rebuilt_extensions = tlv(0xa3, &tlv(0x30, &extensions.concat()));
    let new_tbs = tlv(0x30, &[head.concat(), rebuilt_extensions].concat());
    assert_ne!(new_tbs, tbs, "the TBS changed");
    dir.write("tbs.der", &new_tbs);
    dir.openssl(&["dgst", "-sha256", "-sign", "root.key", "-out", "tbs.sig", "tbs.der"]);
    let signature = [&[0x00][..], &dir.read("tbs.sig")].concat();
    let certificate = tlv(0x30, &[new_tbs.clone(), algorithm.to_vec(), tlv(0x03, &signature)].concat());
    let reencoded = der::Encode::to_der(&<x509_cert::Certificate as der::Decode>::from_der(&certificate).unwrap()).unwrap();
    assert_ne!(reencoded, certificate, "a re-encoding drops the written-out default: its TBS is not the one signed");
    dir.write("loose.der", &certificate);
    dir.openssl(&["x509", "-inform", "DER", "-in", "loose.der", "-out", "loose.pem"]);
    let (ok, out) = dir.openssl_status(&["verify", "-check_ss_sig", "-CAfile", "loose.pem", "loose.pem"]);
    assert!(ok, "openssl verifies the signature over the bytes it read: {out}");

    let pem = dir.read("loose.pem");
    let key = dir.read("root.key");
    let files = [InputFile { name: "loose.pem", contents: &pem }, InputFile { name: "root.key", contents: &key }];
    let seen = inspect(&files[..1], None, now()).unwrap();
    assert!(seen.certificates[0].self_signed, "inspect sees a self-signed root");
    let cas = import_cas(&files, None, now()).unwrap();
    assert!(cas[0].is_root(), "imported as a root");

    // A device under it: the verdict's signature checks take the root's bytes as read too.
    let loose = Pki(Scratch::new("verdict-as-read-device"));
    loose.0.write("ext.cnf", EXTENSIONS);
    loose.0.write("loose.pem", &pem);
    loose.0.write("loose.key", &key);
    loose.issue("device", "device-07", "loose", "device", "30");
    let report = loose.judge(&["device", "loose"], now());
    assert!(report.ok, "{report:#?}");

    // A damaged copy of the root: `openssl verify` refuses its self-signature,
    // inspect does not call it self-signed, and the import refuses it.
    let refused = |name: &str, der: &[u8]| {
        let (der_file, pem_file) = (format!("{name}.der"), format!("{name}.pem"));
        dir.write(&der_file, der);
        dir.openssl(&["x509", "-inform", "DER", "-in", &der_file, "-out", &pem_file]);
        let (ok, out) = dir.openssl_status(&["verify", "-check_ss_sig", "-CAfile", &pem_file, &pem_file]);
        assert!(!ok && out.contains("signature"), "{out}");
        let pem = dir.read(&pem_file);
        let files = [InputFile { name: &pem_file, contents: &pem }, InputFile { name: "root.key", contents: &key }];
        assert!(!inspect(&files[..1], None, now()).unwrap().certificates[0].self_signed);
        let refused = import_cas(&files, None, now()).unwrap_err();
        assert_eq!(refused.field.as_deref(), Some("files"));
        refused.message
    };
    // One byte of its signature flipped.
    let mut broken = original.clone();
    *broken.last_mut().unwrap() ^= 0x01;
    let message = refused("broken", &broken);
    assert!(
        message.starts_with(
            "broken.pem: the root certificate \"Canonical Root\" names itself as its issuer, but its self-signature does not verify"
        ),
        "{message}"
    );
    // NULL parameters added to its outer signatureAlgorithm only: that field
    // is outside what was signed, so the signature still checks, but it no
    // longer names the algorithm the signed part names.
    let outer_with_null = tlv(0x30, &[children(split(algorithm).1)[0], &[0x05, 0x00]].concat());
    let message = refused("altered", &tlv(0x30, &[tbs, &outer_with_null, fields[2]].concat()));
    assert!(
        message.starts_with(
            "altered.pem: the root certificate \"Canonical Root\" names itself as its issuer, but its outer signature algorithm differs"
        ),
        "{message}"
    );
}
