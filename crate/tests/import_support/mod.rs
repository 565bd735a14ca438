//! Shared by the import / inspect tests: a scratch directory, OpenSSL as the
//! other party, and a CA made with the tutorial's own commands.
#![allow(dead_code)] // each test binary uses a different part

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use cert_studio::ca_tools::pem_file::InputFile;

pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// A fresh directory under the system temp dir, removed on drop.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(tag: &str) -> Self {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("cert-studio-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    pub fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) {
        std::fs::write(self.path(name), contents).unwrap();
    }

    /// Runs openssl in the directory; panics with its stderr on failure.
    pub fn openssl(&self, args: &[&str]) -> String {
        let out = Command::new("openssl").args(args).current_dir(&self.0).output().expect("openssl runs");
        assert!(
            out.status.success(),
            "openssl {} failed:\n{}{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs openssl and returns whether it succeeded, with stdout+stderr.
    pub fn openssl_status(&self, args: &[&str]) -> (bool, String) {
        let out = Command::new("openssl").args(args).current_dir(&self.0).output().expect("openssl runs");
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (out.status.success(), text)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

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
        "req", "-new", "-x509", "-config", "ext.cnf", "-passin", "pass:1234", "-key", "root.key.pem", "-subj",
        &format!("/CN={ROOT_CN}"), "-days", "30", "-sha256", "-extensions", "v3_ca", "-out", "root.cert.pem",
    ]);
    dir.openssl(&[
        "req", "-new", "-sha256", "-config", "ext.cnf", "-passin", "pass:1234", "-subj", &format!("/CN={INTERMEDIATE_CN}"),
        "-key", "intermediate.key.pem", "-out", "intermediate.csr.pem",
    ]);
    dir.openssl(&[
        "x509", "-req", "-in", "intermediate.csr.pem", "-CA", "root.cert.pem", "-CAkey", "root.key.pem", "-passin",
        "pass:1234", "-CAcreateserial", "-days", "30", "-sha256", "-extfile", "ext.cnf", "-extensions",
        "v3_intermediate_ca", "-out", "intermediate.cert.pem",
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
