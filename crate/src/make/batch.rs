//! Batches: thousands of devices under one chain. Chunks of devices are
//! issued on any worker ([`DeviceChunk::issue`]), and one [`BatchArchive`]
//! deflates them into a single ZIP written as the batch goes, ending with
//! `devices.csv` and `README.txt`. (Deflating in the chunk workers and copying
//! the compressed entries would need the ZIP reader in the page's wasm: 34 KB
//! gzipped for about a fifth of a device's time, on a worker that is
//! otherwise idle.)

use x509_cert::name::Name;

use crate::error::{Result, StudioError};
use crate::make::chain::ChainSpec;
use crate::make::{issue_device, keys_or_generate};
use crate::output::bundle::{Bundle, OutputFile};
use crate::output::layout::{DEVICES_CSV, DEVICES_CSV_HEADER, README};
use crate::output::quote;
use crate::output::readme::{readme_entries, readme_header};
use crate::output::writers::DeviceWriter;
use crate::output::zip::StreamedZip;
use crate::rules::device_list::check_device_ids;
use crate::x509::facts::{common_name, thumbprint_sha1_of_der, thumbprint_sha256_of_der};
use crate::x509::issue::SignedBy;
use crate::x509::key::PrivateKey;
use crate::x509::password_key::OutsideAes;
use crate::x509::signing::Signing;

/// The studio's own CA that signs a batch's devices, as each worker gets it:
/// the signing CA's common name (a studio CA's whole subject) and key, and the
/// CA certificates as DER from the root down, which only go into files. Not
/// parsing certificates here keeps the certificate decoder out of the page's
/// wasm (9 KB gzipped). It holds the devices' writer, whose PFX keys are
/// derived once: a worker that keeps its signer for every chunk saves that
/// (3 % of a command's batch).
pub struct BatchSigner {
    pub spec: ChainSpec,
    subject: Name,
    key: PrivateKey,
    writer: DeviceWriter,
}

impl BatchSigner {
    pub fn new(spec: ChainSpec, signer_common_name: &str, signer_key: PrivateKey, ca_certificates_der: Vec<Vec<u8>>) -> Result<Self> {
        if ca_certificates_der.is_empty() {
            return Err(StudioError::general("A batch needs its CA certificates."));
        }
        // A certificate holds its key's SubjectPublicKeyInfo as encoded: the
        // signer's must be in the CA certificate the devices are issued under
        // (found without decoding the certificate, whose decoder the page's
        // module does without).
        let spki = signer_key.public_key_der()?;
        let signer_certificate = ca_certificates_der.last().map(Vec::as_slice).unwrap_or_default();
        if !signer_certificate.windows(spki.len()).any(|window| window == spki.as_slice()) {
            return Err(StudioError::field(
                "caCertificates",
                "The signing key is not the key of the last CA certificate given: the devices would not verify under that CA.",
            ));
        }
        let writer = DeviceWriter::new(spec.device_settings(), ca_certificates_der)?;
        Ok(Self { subject: common_name(signer_common_name)?, key: signer_key, writer, spec })
    }

    /// The key the batch's devices are signed with.
    pub fn key(&self) -> &PrivateKey {
        &self.key
    }

    /// The devices' PFX contents encrypted by the caller's AES.
    pub fn with_outside_aes(mut self, aes: OutsideAes) -> Self {
        self.writer = self.writer.with_outside_aes(aes);
        self
    }
}

/// Some devices' files, and their `devices.csv` rows.
pub struct DeviceChunk {
    /// The batch's index of the chunk's first device, so the CSV keeps the list's order.
    pub first_index: usize,
    pub files: Vec<OutputFile>,
    /// Registration ID, SHA-1 and SHA-256 thumbprints, expiry (RFC 3339), CRLF-ended.
    pub csv_rows: String,
    /// The README lines of the chunk's first device, when it is the batch's first.
    pub readme_example: Option<String>,
}

impl DeviceChunk {
    /// Issues the devices `ids` (the batch's `first_index`-th onwards) with
    /// `keys`, or with fresh keys of the batch's algorithm when `None`.
    pub fn issue(
        signer: &BatchSigner,
        ids: &[String],
        keys: Option<Vec<PrivateKey>>,
        first_index: usize,
        now_unix: u64,
        signing: &mut Signing,
    ) -> Result<Self> {
        let spec = &signer.spec;
        let ids = check_device_ids("devices", ids)?;
        let keys = keys_or_generate("The batch", keys, &vec![spec.key_algorithm; ids.len()])?;
        let validity = spec.validity_bounds.window(now_unix, spec.validity_days)?;
        let own_ca = SignedBy::OwnCa { subject: &signer.subject, key: &signer.key };
        let mut bundle = Bundle::default();
        let mut csv_rows = String::new();
        let mut readme_example = None;
        for (offset, (id, key)) in ids.iter().zip(keys).enumerate() {
            let device = issue_device(own_ca, id, key, validity, signing)?;
            let before = bundle.len();
            let written = signer.writer.write(&mut bundle, id, &device.issued)?;
            if first_index + offset == 0 {
                readme_example = Some(readme_entries(bundle.files_since(before))?);
            }
            let not_after = device.issued.certificate.tbs_certificate().validity().not_after.to_date_time();
            csv_rows.push_str(&quote::csv_row(&[
                id.as_str(),
                &thumbprint_sha1_of_der(&written.der),
                &thumbprint_sha256_of_der(&written.der),
                &not_after.to_string(),
            ]));
        }
        Ok(Self { first_index, files: bundle.into_files(), csv_rows, readme_example })
    }
}

/// The README's first line: what the batch made, and after a Cancel how far it got.
pub fn batch_title(intermediates: usize, made: usize, requested: usize) -> String {
    let mut title = format!(
        "DPS enrollment group batch, as the Azure IoT X.509 tutorial makes it: root → {intermediates} intermediate(s) → {made} device(s)."
    );
    if made < requested {
        title.push_str(&format!(" Cancelled after {made} of {requested} devices: this ZIP holds the {made} made."));
    }
    title
}

/// The batch's ZIP, written front to back: the page takes each new piece
/// with [`BatchArchive::take_output`], so no device is held twice.
#[derive(Default)]
pub struct BatchArchive {
    zip: StreamedZip,
    ca_readme: String,
    device_example: Option<String>,
    /// Each chunk's first index and CSV rows.
    csv_rows: Vec<(usize, String)>,
    devices: usize,
}

impl BatchArchive {
    /// The CA's files (and anything else made once per batch).
    pub fn add_files(&mut self, files: &[OutputFile]) -> Result<()> {
        for file in files {
            self.zip.add(file)?;
        }
        self.ca_readme.push_str(&readme_entries(files)?);
        Ok(())
    }

    /// A chunk's files, CSV rows (one per device) and README example.
    pub fn add_chunk(&mut self, chunk: &DeviceChunk) -> Result<()> {
        for file in &chunk.files {
            self.zip.add(file)?;
        }
        if chunk.readme_example.is_some() {
            self.device_example.clone_from(&chunk.readme_example);
        }
        self.csv_rows.push((chunk.first_index, chunk.csv_rows.clone()));
        self.devices += chunk.csv_rows.lines().count();
        Ok(())
    }

    pub fn device_count(&self) -> usize {
        self.devices
    }

    /// Files in the ZIP so far.
    pub fn file_count(&self) -> usize {
        self.zip.file_count()
    }

    /// The bytes written since the last call.
    pub fn take_output(&mut self) -> Vec<u8> {
        self.zip.take_output()
    }

    /// `devices.csv`, `README.txt` and the ZIP's directory: the last bytes.
    /// `title` says what was made (and, after a Cancel, how much of it).
    /// `readme_tail` ends README.txt (the page's next steps).
    pub fn finish(mut self, title: &str, readme_tail: &str) -> Result<Vec<u8>> {
        self.csv_rows.sort_by_key(|(first, _)| *first);
        let mut csv = String::from(DEVICES_CSV_HEADER);
        for (_, rows) in &self.csv_rows {
            csv.push_str(rows);
        }
        self.zip.add(&OutputFile { path: DEVICES_CSV.into(), contents: csv.into_bytes(), description: String::new(), secret: false })?;
        let readme = batch_readme(title, &self.ca_readme, &self.device_example) + readme_tail;
        self.zip.add(&OutputFile { path: README.into(), contents: readme.into_bytes(), description: String::new(), secret: false })?;
        self.zip.finish()
    }
}

/// A batch's README.txt: `title`, the CA's files (`ca_readme`, from
/// [`readme_entries`]), `devices.csv`, and the first device's files as the example.
/// (`&Option` as BatchArchive holds it: about 30 B less in the page's gzipped module.)
pub fn batch_readme(title: &str, ca_readme: &str, device_example: &Option<String>) -> String {
    let mut readme = readme_header(title);
    readme.push_str(ca_readme);
    readme.push_str(&format!(
        "{DEVICES_CSV}\r\n    Every device of this batch, in the list's order: registration ID, SHA-1 and SHA-256 thumbprints, expiry.\r\n"
    ));
    if let Some(example) = device_example {
        readme.push_str("\r\nEvery device has the same files, named after its registration ID. The first device's:\r\n\r\n");
        readme.push_str(example);
    }
    readme
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::make::chain::TutorialChain;
    use crate::x509::key::KeyAlgorithm;
    use der::Encode;
    use std::io::{Cursor, Read};
    use zip::ZipArchive;

    #[test]
    fn chunks_stream_into_one_zip_with_readme_and_csv() {
        let spec = ChainSpec { key_algorithm: KeyAlgorithm::EcP256, devices: vec![], ..ChainSpec::default() };
        let ca = TutorialChain::build_ca(spec.clone(), None, 1_764_000_000, &mut Signing::here()).unwrap();
        let signer_key = PrivateKey::from_pkcs8_der(&ca.device_signer().key.to_pkcs8_der().unwrap()).unwrap();
        let signer = BatchSigner::new(spec, &ca.device_signer().common_name(), signer_key, ca.ca_certificates_der().unwrap()).unwrap();
        let ids: Vec<String> = (1..=5).map(|i| format!("device-{i}")).collect();

        let mut archive = BatchArchive::default();
        let mut bytes = Vec::new();
        archive.add_files(&ca.ca_files().unwrap()).unwrap();
        bytes.extend(archive.take_output());
        // Out of order, as workers finish.
        for (first, chunk) in [(3, &ids[3..]), (0, &ids[..3])] {
            archive.add_chunk(&DeviceChunk::issue(&signer, chunk, None, first, 1_764_000_000, &mut Signing::here()).unwrap()).unwrap();
            bytes.extend(archive.take_output());
        }
        assert_eq!(archive.device_count(), 5);
        bytes.extend(archive.finish("A batch of 5", "").unwrap());

        let mut zip = ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut text = |name: &str| {
            let mut s = String::new();
            zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
            s
        };
        let csv = text(DEVICES_CSV);
        let rows: Vec<&str> = csv.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
        assert_eq!(rows, ids);
        let readme = text(README);
        assert!(readme.starts_with("A batch of 5"));
        assert!(readme.contains("certs/azure-iot-test-only.root.ca.cert.pem") && readme.contains("certs/device-1.cert.pem"));
        assert!(!readme.contains("certs/device-2.cert.pem"), "one example device, not every file");
        assert!(text("certs/device-5-full-chain.cert.pem").matches("BEGIN CERTIFICATE").count() == 3);
        // Signed by the intermediate, known to the chunk by name and key alone: same issuer name, AKI = its SKI.
        let device = <x509_cert::Certificate as der::DecodePem>::from_pem(text("certs/device-5.cert.pem")).unwrap();
        let intermediate = &ca.device_signer().certificate;
        assert_eq!(device.tbs_certificate().issuer().to_der().unwrap(), intermediate.tbs_certificate().subject().to_der().unwrap());
        assert!(
            crate::x509::verify::verify_certificate(&device.to_der().unwrap(), intermediate.tbs_certificate().subject_public_key_info())
                .is_ok()
        );
        let aki = device
            .tbs_certificate()
            .extensions()
            .unwrap()
            .iter()
            .find(|e| e.extn_id == const_oid::db::rfc5280::ID_CE_AUTHORITY_KEY_IDENTIFIER)
            .unwrap();
        let aki = <x509_cert::ext::pkix::AuthorityKeyIdentifier as der::Decode>::from_der(aki.extn_value.as_bytes()).unwrap();
        assert_eq!(aki.key_identifier.unwrap().as_bytes(), crate::x509::facts::subject_key_identifier(intermediate).unwrap());
        assert_eq!(zip.len(), ca.ca_files().unwrap().len() + 5 * 16 + 2);
    }

    /// What a test's caller gets wrong, at which handle (the CA's key is handle 5).
    #[derive(Clone, Copy)]
    enum Fault {
        None,
        SignsWithAnotherKey(usize),
        EmptySignature(usize),
        CaCertificatesOfAnotherChain,
    }

    /// Keys held and signed with outside (the command's workers, in Node's
    /// OpenSSL), stood in for here by the studio's own keys behind a
    /// closure: five devices (handles 0-4) under the CA's key (handle 5).
    fn signed_outside(algorithm: KeyAlgorithm, fault: Fault) -> (Result<DeviceChunk>, Vec<Vec<u8>>) {
        let spec = ChainSpec { key_algorithm: algorithm, devices: vec![], ..ChainSpec::default() };
        let ca = TutorialChain::build_ca(spec.clone(), None, 1_764_000_000, &mut Signing::here()).unwrap();
        let ca_pkcs8 = ca.device_signer().key.to_pkcs8_der().unwrap();
        let mut held: Vec<PrivateKey> = (0..5).map(|_| PrivateKey::generate(algorithm).unwrap()).collect();
        held.push(PrivateKey::from_pkcs8_der(&ca_pkcs8).unwrap());
        let outside: Vec<PrivateKey> =
            held.iter().enumerate().take(5).map(|(i, k)| PrivateKey::outside(i, &k.to_pkcs8_der().unwrap()).unwrap()).collect();
        let signer_key = PrivateKey::outside(5, &ca_pkcs8).unwrap();
        let ca_certificates = match fault {
            Fault::CaCertificatesOfAnotherChain => {
                TutorialChain::build_ca(spec.clone(), None, 1_764_000_000, &mut Signing::here()).unwrap()
            }
            _ => ca,
        }
        .ca_certificates_der()
        .unwrap();
        let signer = match BatchSigner::new(spec, "Azure IoT Hub Intermediate Cert Test Only", signer_key, ca_certificates.clone()) {
            Ok(signer) => signer,
            Err(e) => return (Err(e), ca_certificates),
        };
        let ids: Vec<String> = (1..=5).map(|i| format!("device-{i}")).collect();
        let sign = move |handle: usize, message: &[u8]| match fault {
            Fault::SignsWithAnotherKey(at) if at == handle => held[(handle + 1) % 5].sign(message),
            Fault::EmptySignature(at) if at == handle => Ok(Vec::new()),
            _ => held[handle].sign(message),
        };
        let chunk = DeviceChunk::issue(&signer, &ids, Some(outside), 0, 1_764_000_000, &mut Signing::outside(sign));
        (chunk, ca_certificates)
    }

    #[test]
    fn keys_held_outside_sign_through_the_caller() {
        use crate::x509::verify::verify_certificate;
        for algorithm in [KeyAlgorithm::EcP256, KeyAlgorithm::EcP384, KeyAlgorithm::Rsa2048] {
            let (chunk, ca_der) = signed_outside(algorithm, Fault::None);
            let chunk = chunk.unwrap();
            let intermediate = <x509_cert::Certificate as der::Decode>::from_der(ca_der.last().unwrap()).unwrap();
            let file = |path: &str| &chunk.files.iter().find(|f| f.path == path).unwrap().contents;
            for i in 1..=5 {
                let device = <x509_cert::Certificate as der::DecodePem>::from_pem(file(&format!("certs/device-{i}.cert.pem"))).unwrap();
                assert!(
                    verify_certificate(&device.to_der().unwrap(), intermediate.tbs_certificate().subject_public_key_info()).is_ok(),
                    "{algorithm:?}"
                );
                let csr = <x509_cert::request::CertReq as der::DecodePem>::from_pem(file(&format!("csr/device-{i}.csr.pem"))).unwrap();
                assert!(crate::x509::verify::verify_csr(&csr, &csr.to_der().unwrap()).is_ok());
                // The key file is the caller's PKCS#8, and the certificate is for its public key.
                let key =
                    PrivateKey::from_pkcs8_der(&der::pem::decode_vec(file(&format!("private/device-{i}.key.pem"))).unwrap().1).unwrap();
                assert_eq!(&key.public_key_info().unwrap(), device.tbs_certificate().subject_public_key_info());
            }
        }
    }

    /// Any device of the batch, not only the first: a wrong key at device 3
    /// (its CSR), an empty CA signature at device 5, a CA certificate that is
    /// not the signer's. Each is an error, and the chunk has no files.
    #[test]
    fn a_caller_that_signs_wrong_at_any_device_gets_an_error_and_no_files() {
        let cases = [
            (Fault::SignsWithAnotherKey(2), "made outside with key 2 does not verify"),
            (Fault::EmptySignature(5), "made outside with key 5 does not verify"),
            (Fault::CaCertificatesOfAnotherChain, "not the key of the last CA certificate"),
        ];
        for (fault, expected) in cases {
            let (chunk, _) = signed_outside(KeyAlgorithm::EcP256, fault);
            let message = chunk.err().map(|e| e.message).unwrap_or_default();
            assert!(message.contains(expected), "{expected}: {message}");
        }
    }
}
