//! Inspect shows what `openssl x509 -text` shows: for a dozen OpenSSL-made
//! certificates with varied extensions, every field the studio shows is
//! compared with OpenSSL's own text. Broken chains are named correctly.

mod support;

use cert_studio::judge::chain_verdict::{ChainReport, judge_bundle};
use cert_studio::judge::describe::CertificateDescription;
use cert_studio::judge::inspect::inspect;
use cert_studio::read::pem_file::{InputFile, pem_blocks};
use support::{CaKey, EXTENSIONS, Files, Scratch, now, openssl_ca};

/// The tutorial's sections (support::EXTENSIONS) plus these, for varied extensions.
const MORE_SECTIONS: &str = "\
[ server_cert ]
basicConstraints = CA:FALSE
nsCertType = server
nsComment = \"OpenSSL Generated Server Certificate\"
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid,issuer:always
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:edge.example.com, DNS:*.edge.example.com

[ nameless_aki ]
authorityKeyIdentifier = issuer:always
basicConstraints = critical, CA:FALSE

[ san_eku ]
subjectAltName = DNS:a.example.com, IP:10.1.2.3, IP:2001:db8::1, email:x@example.com, URI:https://example.com/x, dirName:dir_sect, RID:1.2.3.4
extendedKeyUsage = critical, serverAuth, clientAuth, codeSigning, emailProtection, timeStamping, OCSPSigning, anyExtendedKeyUsage, 1.2.3.4.5
keyUsage = digitalSignature, keyAgreement
[ dir_sect ]
CN = Dir Name
O = Org

[ pathlen_ca ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign, digitalSignature, nonRepudiation, keyEncipherment, dataEncipherment, keyAgreement, encipherOnly, decipherOnly
subjectKeyIdentifier = hash

[ crl_aia ]
crlDistributionPoints = URI:http://crl.example.com/ca.crl, URI:http://crl2.example.com/ca.crl
authorityInfoAccess = OCSP;URI:http://ocsp.example.com, caIssuers;URI:http://ca.example.com/ca.cer

[ policies ]
certificatePolicies = 2.5.29.32.0, 1.2.3.4, @pol_sect
[ pol_sect ]
policyIdentifier = 1.3.6.1.4.1.99.1
CPS.1 = \"http://cps.example.com\"
userNotice.1 = @notice
[ notice ]
explicitText = \"Explicit notice\"
organization = \"Org\"
noticeNumbers = 1, 2

[ netscape_unknown ]
nsCertType = client, server, email, objsign, sslCA, emailCA, objCA
nsComment = \"A comment, with punctuation: yes!\"
1.2.3.4.5.6 = critical, ASN1:UTF8String:hello world
basicConstraints = CA:FALSE

[ plain ]
subjectKeyIdentifier = hash
";

/// (name, key, subject, section, extra x509 arguments)
const CASES: &[(&str, &str, &str, &str, &[&str])] = &[
    ("intermediate", "rsa", "/CN=Azure IoT Hub Intermediate Cert Test Only", "v3_intermediate_ca", &[]),
    ("device", "p256", "/CN=device-01", "usr_cert", &[]),
    ("server", "p256", "/CN=edge.example.com", "server_cert", &["-sha384"]),
    ("nameless", "p384", "/CN=nameless", "nameless_aki", &[]),
    ("san", "rsa", "/C=US/ST=WA/L=Redmond/O=Contoso, Ltd./OU=IoT/CN=san.example.com/emailAddress=ops@example.com", "san_eku", &["-sha512"]),
    ("pathlen", "p256", "/CN=Pathlen CA", "pathlen_ca", &["-set_serial", "4096"]),
    ("crl", "rsa3", "/O=Org/CN=crl", "crl_aia", &["-set_serial", "0x7fffffffffffffff"]),
    ("policies", "p384", "/CN=policies", "policies", &["-set_serial", "0x00ff112233445566778899aabbccddeeff001122"]),
    ("netscape", "p256", "/CN=netscape", "netscape_unknown", &["-days", "40000"]),
    ("plain", "rsa", "/DC=com/DC=example/UID=u1/CN=plain", "plain", &["-set_serial", "1"]),
];

fn make_certificates(dir: &Scratch) {
    dir.write("ext.cnf", format!("{EXTENSIONS}\n{MORE_SECTIONS}"));
    dir.openssl(&["genrsa", "-out", "ca.key", "2048"]);
    dir.openssl(&[
        "req",
        "-new",
        "-x509",
        "-config",
        "ext.cnf",
        "-key",
        "ca.key",
        "-subj",
        "/C=US/O=Contoso Ltd/CN=Test Root CA",
        "-days",
        "30",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
        "-out",
        "root.pem",
    ]);
    for (name, key, subject, section, extra) in CASES {
        let key_file = format!("{name}.key");
        match *key {
            "rsa" => dir.openssl(&["genrsa", "-out", &key_file, "2048"]),
            "rsa3" => dir.openssl(&[
                "genpkey",
                "-algorithm",
                "RSA",
                "-pkeyopt",
                "rsa_keygen_bits:2048",
                "-pkeyopt",
                "rsa_keygen_pubexp:3",
                "-out",
                &key_file,
            ]),
            "p256" => dir.openssl(&["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", &key_file]),
            _ => dir.openssl(&["ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", &key_file]),
        };
        let csr = format!("{name}.csr");
        dir.openssl(&["req", "-new", "-config", "ext.cnf", "-key", &key_file, "-subj", subject, "-out", &csr]);
        let out = format!("{name}.pem");
        let mut args = vec![
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            "root.pem",
            "-CAkey",
            "ca.key",
            "-extfile",
            "ext.cnf",
            "-extensions",
            section,
            "-out",
            &out,
        ];
        if !extra.contains(&"-set_serial") {
            args.push("-CAcreateserial");
        }
        if !extra.contains(&"-days") {
            args.extend(["-days", "30"]);
        }
        args.extend(extra.iter());
        dir.openssl(&args);
    }
}

/// The fields of `openssl x509 -text -noout` the studio shows.
#[derive(Debug, Default)]
struct OpensslText {
    serial: String,
    signature_algorithm: String,
    issuer: String,
    subject: String,
    not_before: String,
    not_after: String,
    public_key_algorithm: String,
    bits: String,
    curve: Option<String>,
    exponent: Option<String>,
    /// (name, critical, value lines with OpenSSL's indent removed)
    extensions: Vec<(String, bool, Vec<String>)>,
}

fn parse_openssl_text(text: &str) -> OpensslText {
    let mut out = OpensslText::default();
    let mut lines = text.lines().peekable();
    let mut in_extensions = false;
    while let Some(line) = lines.next() {
        let trimmed = line.trim();
        let indent = line.len() - line.trim_start().len();
        if trimmed.starts_with("Signature Algorithm:") && indent == 4 {
            break; // the outer signature: extensions are over
        }
        if in_extensions && indent == 12 {
            let (name, critical) = match trimmed.strip_suffix("critical") {
                Some(head) => (head.trim_end().trim_end_matches(':').to_string(), true),
                None => (trimmed.trim_end_matches(':').to_string(), false),
            };
            let mut values = Vec::new();
            while let Some(next) = lines.peek() {
                let next_indent = next.len() - next.trim_start().len();
                if next.trim().is_empty() {
                    lines.next();
                    continue;
                }
                if next_indent < 16 {
                    break;
                }
                values.push(next[16..].trim_end().to_string());
                lines.next();
            }
            out.extensions.push((name, critical, values));
            continue;
        }
        if let Some(v) = trimmed.strip_prefix("Serial Number:") {
            out.serial = if v.trim().is_empty() { lines.next().unwrap().trim().to_string() } else { v.trim().to_string() };
        } else if let Some(v) = trimmed.strip_prefix("Signature Algorithm:") {
            out.signature_algorithm = v.trim().to_string();
        } else if let Some(v) = trimmed.strip_prefix("Issuer:") {
            out.issuer = v.trim().to_string();
        } else if let Some(v) = trimmed.strip_prefix("Subject:") {
            out.subject = v.trim().to_string();
        } else if let Some(v) = trimmed.strip_prefix("Not Before:") {
            out.not_before = v.trim().to_string();
        } else if let Some(v) = trimmed.strip_prefix("Not After :") {
            out.not_after = v.trim().to_string();
        } else if let Some(v) = trimmed.strip_prefix("Public Key Algorithm:") {
            out.public_key_algorithm = v.trim().to_string();
        } else if let Some(v) = trimmed.strip_prefix("Public-Key: (") {
            out.bits = v.trim_end_matches(" bit)").to_string();
        } else if let Some(v) = trimmed.strip_prefix("ASN1 OID:") {
            out.curve = Some(v.trim().to_string());
        } else if let Some(v) = trimmed.strip_prefix("Exponent:") {
            out.exponent = Some(v.trim().split(' ').next().unwrap().to_string());
        } else if trimmed == "X509v3 extensions:" {
            in_extensions = true;
        }
    }
    out
}

fn fingerprint(dir: &Scratch, file: &str, digest: &str) -> String {
    let out = dir.openssl(&["x509", "-in", file, "-noout", "-fingerprint", digest]);
    out.trim().rsplit('=').next().unwrap().replace(':', "")
}

fn compare(dir: &Scratch, file: &str, ours: &CertificateDescription) {
    let text = dir.openssl(&["x509", "-in", file, "-noout", "-text"]);
    let theirs = parse_openssl_text(&text);
    let serial = match &ours.serial_decimal {
        Some(decimal) if !theirs.serial.contains(':') => format!("{decimal} (0x{})", ours.serial.replace(':', "").trim_start_matches('0')),
        _ => ours.serial.clone(),
    };
    assert_eq!(serial, theirs.serial, "{file}: serial");
    assert_eq!(ours.signature_algorithm, theirs.signature_algorithm, "{file}");
    assert_eq!(ours.issuer, theirs.issuer, "{file}");
    assert_eq!(ours.subject, theirs.subject, "{file}");
    assert_eq!(ours.not_before.text, theirs.not_before, "{file}");
    assert_eq!(ours.not_after.text, theirs.not_after, "{file}");
    assert_eq!(ours.public_key.algorithm, theirs.public_key_algorithm, "{file}");
    assert_eq!(ours.public_key.bits.map(|b| b.to_string()).unwrap_or_default(), theirs.bits, "{file}");
    assert_eq!(ours.public_key.curve, theirs.curve, "{file}");
    assert_eq!(ours.public_key.exponent.map(|e| e.to_string()), theirs.exponent, "{file}");
    let extensions: Vec<(String, bool, Vec<String>)> =
        ours.extensions.iter().map(|e| (e.name.clone(), e.critical, e.lines.clone())).collect();
    assert_eq!(extensions, theirs.extensions, "{file}:\n{text}");
    assert_eq!(ours.thumbprint_sha1, fingerprint(dir, file, "-sha1"), "{file}");
    assert_eq!(ours.thumbprint_sha256, fingerprint(dir, file, "-sha256"), "{file}");
}

#[test]
fn every_field_matches_openssl_text() {
    let dir = Scratch::new("inspect");
    make_certificates(&dir);
    let mut names = vec!["root.pem".to_string()];
    names.extend(CASES.iter().map(|(name, ..)| format!("{name}.pem")));
    let mut seen_extensions = std::collections::BTreeSet::new();
    let mut compared = Vec::new();
    for name in &names {
        let files = Files::from_dir(&dir, &[name]);
        let inspection = inspect(&files.inputs(), None, now()).unwrap();
        let ours = &inspection.certificates[0];
        compare(&dir, name, ours);
        compared.push(name.as_str());
        seen_extensions.extend(ours.extensions.iter().map(|e| e.name.clone()));
    }
    // The root and the ten cases, each compared field by field (README: eleven).
    assert_eq!(compared.len(), 11, "compared only {compared:?}");
    for expected in [
        "X509v3 Basic Constraints",
        "X509v3 Key Usage",
        "X509v3 Extended Key Usage",
        "X509v3 Subject Key Identifier",
        "X509v3 Authority Key Identifier",
        "X509v3 Subject Alternative Name",
        "Netscape Cert Type",
        "Netscape Comment",
        "X509v3 CRL Distribution Points",
        "Authority Information Access",
        "X509v3 Certificate Policies",
        "1.2.3.4.5.6",
    ] {
        assert!(seen_extensions.contains(expected), "{expected} not covered: {seen_extensions:?}");
    }
    // A GeneralizedTime after 2049 and a 20-octet serial were among them.
    let odd = inspect(&Files::from_dir(&dir, &["netscape.pem", "policies.pem"]).inputs(), None, now()).unwrap();
    assert!(odd.certificates[0].not_after.unix >= 2_524_608_000, "{:?}", odd.certificates[0].not_after);
    assert_eq!(odd.certificates[1].serial.split(':').count(), 19, "19 octets plus the sign octet");
}

#[test]
fn bundle_key_and_csr_are_described() {
    let dir = Scratch::new("inspect-bundle");
    make_certificates(&dir);
    dir.write("bundle.pem", [dir.read("device.pem"), dir.read("root.pem")].concat());
    let files = Files::from_dir(&dir, &["bundle.pem", "device.key", "server.key", "device.csr"]);
    let inspection = inspect(&files.inputs(), None, now()).unwrap();
    assert_eq!(inspection.certificates.len(), 2);
    let chain = inspection.chain.as_ref().expect("a bundle is checked");
    assert!(chain.ok, "{chain:?}");
    assert!(chain.summary.starts_with("OK"), "{}", chain.summary);
    assert_eq!(inspection.keys[0].matching_certificates, [1]);
    assert!(inspection.keys[0].match_summary.contains("matches certificate 1 (CN = device-01)"), "{}", inspection.keys[0].match_summary);
    assert!(inspection.keys[1].matching_certificates.is_empty());
    assert!(inspection.keys[1].match_summary.contains("matches none"), "{}", inspection.keys[1].match_summary);
    let csr = &inspection.requests[0];
    assert!(csr.signature_valid);
    assert_eq!(csr.subject, "CN = device-01");
    assert_eq!(csr.public_key.nist_curve.as_deref(), Some("P-256"));
}

/// The chain verdict on the files `names`, as Inspect reads them (DER as read).
fn check_chain(dir: &Scratch, names: &[&str], at: u64) -> ChainReport {
    let ders: Vec<Vec<u8>> = names
        .iter()
        .map(|n| {
            let pem = dir.read(n);
            pem_blocks(&InputFile { name: n, contents: &pem }).unwrap()[0].der.clone()
        })
        .collect();
    judge_bundle(&ders.iter().map(Vec::as_slice).collect::<Vec<_>>(), at)
}

#[test]
fn broken_chains_name_the_link_and_rule() {
    let dir = Scratch::new("inspect-chains");
    openssl_ca(&dir, CaKey::Ec);
    let sign = |csr: &str, ca: &str, ca_key: &str, section: &str, days: &str, out: &str| {
        dir.openssl(&[
            "x509",
            "-req",
            "-in",
            csr,
            "-CA",
            ca,
            "-CAkey",
            ca_key,
            "-passin",
            "pass:1234",
            "-CAcreateserial",
            "-days",
            days,
            "-extfile",
            "ext.cnf",
            "-extensions",
            section,
            "-out",
            out,
        ]);
    };
    dir.openssl(&["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "device.key"]);
    dir.openssl(&["req", "-new", "-config", "ext.cnf", "-key", "device.key", "-subj", "/CN=device-01", "-out", "device.csr"]);
    sign("device.csr", "intermediate.cert.pem", "intermediate.key.pem", "usr_cert", "30", "device.pem");
    // A second device "signed" by the first: a leaf used as issuer.
    dir.openssl(&["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "sub.key"]);
    dir.openssl(&["req", "-new", "-config", "ext.cnf", "-key", "sub.key", "-subj", "/CN=sub-device", "-out", "sub.csr"]);
    sign("sub.csr", "device.pem", "device.key", "usr_cert", "30", "sub.pem");
    // An intermediate that lives 1 day, checked 2 days from now: expired.
    dir.openssl(&[
        "req",
        "-new",
        "-config",
        "ext.cnf",
        "-passin",
        "pass:1234",
        "-key",
        "intermediate.key.pem",
        "-subj",
        "/CN=Short Lived",
        "-out",
        "short.csr",
    ]);
    sign("short.csr", "root.cert.pem", "root.key.pem", "v3_intermediate_ca", "1", "short.pem");
    sign("device.csr", "short.pem", "intermediate.key.pem", "usr_cert", "30", "device-short.pem");
    let t = now();

    let good = check_chain(&dir, &["device.pem", "intermediate.cert.pem", "root.cert.pem"], t);
    assert!(good.ok, "{good:?}");
    let (ok, out) = dir.openssl_status(&["verify", "-CAfile", "root.cert.pem", "-untrusted", "intermediate.cert.pem", "device.pem"]);
    assert!(ok, "{out}");

    let first = |names: &[&str], at: u64| {
        let report = check_chain(&dir, names, at);
        assert!(!report.ok, "{names:?} passed");
        report.problems[0].clone()
    };
    // A server builds the path from what it is given, in any order (as openssl verify does).
    let any_order = check_chain(&dir, &["device.pem", "root.cert.pem", "intermediate.cert.pem"], t);
    assert!(any_order.ok, "{any_order:?}");
    assert_eq!(any_order.path, [1, 3, 2]);

    let missing = first(&["device.pem", "root.cert.pem"], t);
    assert_eq!(missing.rule.as_str(), "missing-issuer");
    assert!(
        missing.message.contains("CN = Azure IoT Hub Intermediate Cert Test Only") && missing.message.contains("missing"),
        "{}",
        missing.message
    );

    let expired = first(&["device-short.pem", "short.pem", "root.cert.pem"], t + 2 * 86_400);
    assert_eq!((expired.rule.as_str(), expired.certificates.as_slice()), ("validity", &[2][..]));
    assert!(expired.message.starts_with("certificate 2 (CN = Short Lived) expired on "), "{}", expired.message);

    let leaf_issuer = first(&["sub.pem", "device.pem", "intermediate.cert.pem", "root.cert.pem"], t);
    assert_eq!(leaf_issuer.rule.as_str(), "basic-constraints");
    assert!(
        leaf_issuer.message.starts_with("certificate 1 (CN = sub-device) → certificate 2 (CN = device-01): certificate 2 is not a CA"),
        "{}",
        leaf_issuer.message
    );
    let (ok, _) = dir.openssl_status(&[
        "verify",
        "-CAfile",
        "root.cert.pem",
        "-untrusted",
        "intermediate.cert.pem",
        "-untrusted",
        "device.pem",
        "sub.pem",
    ]);
    assert!(!ok, "openssl agrees the leaf can't issue");

    let no_root = first(&["device.pem", "intermediate.cert.pem"], t);
    assert_eq!(no_root.rule.as_str(), "root");
}
