//! Renewing with an imported CA: the devices whose certificates the user
//! drops (with their keys, when they have them), the CA itself, and a
//! rollover to a new root.

use std::collections::{HashMap, HashSet};

use der::Encode;
use zeroize::Zeroizing;

use crate::ca::import::ImportedCa;
use crate::error::{Result, StudioError};
use crate::make::chain::ChainSpec;
use crate::make::renewal::{OldCertificate, RenewalSpec, RenewedCa, RenewedDevices};
use crate::make::rollover::{OldRoot, Rollover};
use crate::output::layout;
use crate::read::early_time;
use crate::read::holdings::{Holdings, KeyFile};
use crate::read::material::{Material, damaged, spend_key_rounds};
use crate::read::pem_file::InputFile;
use crate::rules::names::RegistrationId;
use crate::rules::validity::ValidityBounds;
use crate::x509::facts::{certificate_der, common_name_of, thumbprint_sha1};
use crate::x509::issue::Issuer;
use crate::x509::key::{KeyAlgorithm, KeyEncoding};
use crate::x509::read_certificate::ReadCertificate;
use x509_cert::Certificate;

/// Renews device certificates under `ca`: those of `certificates` (loose
/// files, or a studio ZIP with every device in it) whose SHA-1 thumbprints
/// are `chosen`, or every device when none is. Their keys come from `keys`
/// and from the same files (a ZIP's `private/<id>.key.pem`, a PFX).
pub fn renew_devices(
    ca: &ImportedCa,
    certificates: &[InputFile<'_>],
    keys: &[InputFile<'_>],
    password: Option<&str>,
    chosen: &[String],
    spec: &RenewalSpec,
    now_unix: u64,
) -> Result<RenewedDevices> {
    let holdings = Holdings::read(certificates, password).map_err(on("certificates"))?;
    let devices = holdings.devices(chosen)?;
    let mut found =
        Material::read_within(keys, password, holdings.budget()).map_err(on("keys"))?.keys.into_iter().map(|k| k.item).collect::<Vec<_>>();
    found.extend(holdings.keys_of(&devices, password).map_err(on("certificates"))?);
    let old: Vec<_> = devices.iter().map(|d| OldCertificate { certificate: &d.certificate, file: &d.file }).collect();
    RenewedDevices::renew(&ca.issuer, ca.certificates_from_root(&[])?, &old, found, spec, now_unix)
}

/// A device of a renewal split into chunks: its registration ID (checked),
/// its certificate as read, and its key's file when the files hold one.
pub struct PlannedDevice {
    pub registration_id: RegistrationId,
    /// Of its certificate's key (what a chunk's size goes by).
    pub key_algorithm: KeyAlgorithm,
    pub certificate_der: Vec<u8>,
    pub file: String,
    pub key: Option<KeyFile>,
}

/// The devices [`renew_devices`] would renew, in its order, read once and
/// checked before anything is made: every CN a registration ID, the key
/// files' PBKDF2 rounds within the call's budget, `spec`'s settings. Each device carries what a
/// chunk needs ([`renew_chunk`]), so the chunks can run anywhere the CA is
/// imported.
pub fn plan_renewal(
    certificates: &[InputFile<'_>],
    keys: &[InputFile<'_>],
    password: Option<&str>,
    chosen: &[String],
    spec: &RenewalSpec,
    now_unix: u64,
) -> Result<Vec<PlannedDevice>> {
    let holdings = Holdings::read(certificates, password).map_err(on("certificates"))?;
    let devices = holdings.devices(chosen)?;
    if devices.is_empty() {
        return Err(StudioError::field("certificates", "Add the device certificates to renew (PEM, DER, a PFX or a studio ZIP)."));
    }
    // The settings every chunk will take, checked once here, before anything is written.
    spec.settings.validate()?;
    spec.validity_bounds.window(now_unix, spec.validity_days)?;
    let given = Material::read_within(keys, password, holdings.budget()).map_err(on("keys"))?.keys;
    let mut given: HashMap<Vec<u8>, KeyFile> = given
        .into_iter()
        .filter_map(|k| {
            let pem = k.item.to_pem(KeyEncoding::Pkcs8, None).ok()?;
            Some((k.item.public_key_der().ok()?, KeyFile { name: k.file, contents: Zeroizing::new(pem.as_bytes().to_vec()) }))
        })
        .collect();
    let mut seen = HashSet::new();
    let mut planned = Vec::with_capacity(devices.len());
    for device in devices {
        let registration_id =
            RegistrationId::from_certificate("certificates", &device.file, common_name_of(&device.certificate).as_deref())?;
        // Two certificates of one device would write its files twice.
        if !seen.insert(registration_id.to_string()) {
            return Err(StudioError::field(
                "certificates",
                format!("{} is a second certificate of {registration_id}: choose one of them to renew.", device.file),
            ));
        }
        let spki = device.certificate.tbs_certificate().subject_public_key_info().to_der().ok();
        let key = match spki.and_then(|spki| given.remove(&spki)) {
            Some(file) => Some(file),
            None => holdings.key_file_of(device).map_err(on("certificates"))?,
        };
        if let Some(file) = &key {
            spend_key_rounds(&InputFile { name: &file.name, contents: &file.contents }, holdings.budget()).map_err(on("certificates"))?;
        }
        let key_algorithm = KeyAlgorithm::from_public_key(device.certificate.tbs_certificate().subject_public_key_info())
            .map_err(|e| StudioError { field: Some("certificates".into()), message: format!("{}: {}", device.file, e.message) })?;
        planned.push(PlannedDevice { registration_id, key_algorithm, certificate_der: device.der.clone(), file: device.file.clone(), key });
    }
    Ok(planned)
}

/// A device of a chunk, as [`plan_renewal`] gave it.
pub struct ChunkDevice<'a> {
    pub certificate_der: &'a [u8],
    pub file: &'a str,
    pub key: Option<InputFile<'a>>,
}

/// Renews one chunk of a planned renewal under `ca`, as [`renew_devices`]
/// renews them all: the same checks, keys and files (without `renewed.csv`
/// and README.txt, which [`RenewalSummary`](crate::make::renewal::RenewalSummary) completes).
pub fn renew_chunk(
    ca: &ImportedCa,
    devices: &[ChunkDevice<'_>],
    password: Option<&str>,
    spec: &RenewalSpec,
    now_unix: u64,
) -> Result<RenewedDevices> {
    let certificates = devices
        .iter()
        .map(|d| early_time::decode_certificate(d.certificate_der).map_err(|e| damaged(d.file, &e.to_string())))
        .collect::<Result<Vec<Certificate>>>()?;
    let key_files: Vec<InputFile<'_>> = devices.iter().filter_map(|d| d.key).collect();
    let keys = Material::read(&key_files, password).map_err(on("certificates"))?.keys.into_iter().map(|k| k.item).collect();
    let old: Vec<_> = certificates.iter().zip(devices).map(|(certificate, d)| OldCertificate { certificate, file: d.file }).collect();
    RenewedDevices::renew(&ca.issuer, ca.certificates_from_root(&[])?, &old, keys, spec, now_unix)
}

/// A reading error blamed on `field`, unless it is the password's or a thumbprint's.
fn on(field: &'static str) -> impl Fn(StudioError) -> StudioError {
    move |e: StudioError| {
        if matches!(e.field.as_deref(), Some("password" | "thumbprints")) { e } else { StudioError { field: Some(field.into()), ..e } }
    }
}

/// Renews `ca` with its own key: a root by itself, an intermediate by `parent`.
/// The renewed CA can sign at once: it comes back as an imported CA too.
pub fn renew_ca(
    ca: &ImportedCa,
    parent: Option<&ImportedCa>,
    validity_days: u32,
    bounds: &ValidityBounds,
    now_unix: u64,
) -> Result<(RenewedCa, ImportedCa)> {
    let parent = parent.map(|p| Ok::<_, StudioError>((&p.issuer, p.certificates_from_root(&[])?))).transpose()?;
    let renewed = RenewedCa::renew(&ca.issuer, ca.is_root(), parent, validity_days, bounds, now_unix)?;
    let again = ImportedCa {
        issuer: Issuer { certificate: renewed.issuer.certificate.clone(), key: ca.issuer.key.clone() },
        as_read: ReadCertificate {
            certificate: renewed.issuer.certificate.clone(),
            der: certificate_der(&renewed.issuer.certificate)?,
            file: "renewed".into(),
        },
        chain: ca.chain.clone(),
        key_file: ca.key_file.clone(),
    };
    Ok((renewed, again))
}

/// A rollover away from `old`'s root (any CA of that chain): the new root
/// and intermediates, each imported at once so the plan's steps can sign
/// with them (verification certificates, devices re-issued).
pub fn make_rollover(old: Option<&ImportedCa>, spec: ChainSpec, now_unix: u64) -> Result<(Rollover, Vec<ImportedCa>)> {
    let old_root = old
        .map(|ca| {
            let chain = ca.chain_to_root(&[])?;
            let root = chain.last().map_or(&ca.issuer.certificate, |c| &c.certificate);
            Ok::<_, StudioError>(OldRoot { common_name: common_name_of(root).unwrap_or_default(), thumbprint_sha1: thumbprint_sha1(root)? })
        })
        .transpose()?;
    let rollover = Rollover::build(spec, old_root, None, now_unix)?;
    let chain = &rollover.chain;
    let issuers = std::iter::once(&chain.root).chain(chain.intermediates.iter().map(|(issuer, _)| issuer));
    let mut above: Vec<ReadCertificate> = Vec::new();
    let mut cas = Vec::new();
    for (index, issuer) in issuers.enumerate() {
        let stem = if index == 0 { layout::ROOT_STEM.to_string() } else { layout::intermediate_stem(index - 1, chain.intermediates.len()) };
        let as_read = ReadCertificate {
            certificate: issuer.certificate.clone(),
            der: certificate_der(&issuer.certificate)?,
            file: layout::cert(&stem),
        };
        cas.push(ImportedCa {
            issuer: Issuer { certificate: issuer.certificate.clone(), key: issuer.key.clone() },
            as_read: as_read.clone(),
            chain: above.clone(),
            key_file: layout::key(&stem),
        });
        above.insert(0, as_read);
    }
    Ok((rollover, cas))
}
