//! Renewing with an imported CA: the devices whose certificates the user
//! drops (with their keys, when they have them), the CA itself, and a
//! rollover to a new root.

use crate::ca::import::ImportedCa;
use crate::error::{Result, StudioError};
use crate::make::chain::ChainSpec;
use crate::make::renewal::{OldCertificate, RenewalSpec, RenewedCa, RenewedDevices};
use crate::make::rollover::{OldRoot, Rollover};
use crate::output::layout;
use crate::read::holdings::Holdings;
use crate::read::material::Material;
use crate::read::pem_file::InputFile;
use crate::rules::validity::ValidityBounds;
use crate::x509::facts::{certificate_der, common_name_of, thumbprint_sha1};
use crate::x509::issue::Issuer;
use crate::x509::read_certificate::ReadCertificate;

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
    let on = |field: &'static str| {
        move |e: StudioError| {
            if matches!(e.field.as_deref(), Some("password" | "thumbprints")) { e } else { StudioError { field: Some(field.into()), ..e } }
        }
    };
    let holdings = Holdings::read(certificates, password).map_err(on("certificates"))?;
    let devices = holdings.devices(chosen)?;
    let mut found =
        Material::read_within(keys, password, holdings.budget()).map_err(on("keys"))?.keys.into_iter().map(|k| k.item).collect::<Vec<_>>();
    found.extend(holdings.keys_of(&devices, password).map_err(on("certificates"))?);
    let old: Vec<_> = devices.iter().map(|d| OldCertificate { certificate: &d.certificate, file: &d.file }).collect();
    RenewedDevices::renew(&ca.issuer, ca.certificates_from_root(&[])?, &old, found, spec, now_unix)
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
