//! Renewing with an imported CA: the devices whose certificates the user
//! drops (with their keys, when they have them), and the CA itself.

use x509_cert::Certificate;
use x509_cert::ext::pkix::BasicConstraints;

use crate::ca_tools::import::ImportedCa;
use crate::ca_tools::material::Material;
use crate::ca_tools::pem_file::InputFile;
use crate::error::{Result, StudioError};
use crate::make::renewal::{RenewalSpec, RenewedCa, RenewedDevices};
use crate::x509::facts::certificate_der;
use crate::rules::validity::ValidityBounds;

fn is_ca(certificate: &Certificate) -> bool {
    certificate.tbs_certificate().get_extension::<BasicConstraints>().ok().flatten().is_some_and(|(_, b)| b.ca)
}


/// Renews every device certificate in `certificates` (CA certificates among
/// them are passed over) under `ca`; `keys` are the devices' keys, if any.
pub fn renew_devices(ca: &ImportedCa, certificates: &[InputFile<'_>], keys: &[InputFile<'_>], password: Option<&str>, spec: &RenewalSpec, now_unix: u64) -> Result<RenewedDevices> {
    let on = |field: &'static str| move |e: StudioError| if e.field.as_deref() == Some("password") { e } else { StudioError { field: Some(field.into()), ..e } };
    let devices: Vec<Certificate> =
        Material::read(certificates, password).map_err(on("certificates"))?.certificates.into_iter().map(|c| c.item).filter(|c| !is_ca(c)).collect();
    let keys = Material::read(keys, password).map_err(on("keys"))?.keys.into_iter().map(|k| k.item).collect();
    RenewedDevices::renew(&ca.issuer, ca.certificates_from_root(&[])?, &devices, keys, spec, now_unix)
}

/// Renews `ca` with its own key: a root by itself, an intermediate by `parent`.
/// The renewed CA can sign at once: it comes back as an imported CA too.
pub fn renew_ca(ca: &ImportedCa, parent: Option<&ImportedCa>, validity_days: u32, bounds: &ValidityBounds, now_unix: u64) -> Result<(RenewedCa, ImportedCa)> {
    let parent = parent.map(|p| Ok::<_, StudioError>((&p.issuer, p.certificates_from_root(&[])?))).transpose()?;
    let renewed = RenewedCa::renew(&ca.issuer, ca.is_root(), parent, validity_days, bounds, now_unix)?;
    let again = ImportedCa {
        issuer: crate::x509::issue::Issuer { certificate: renewed.issuer.certificate.clone(), key: ca.issuer.key.clone() },
        chain: ca.chain.clone(),
        ders_as_read: std::iter::once(certificate_der(&renewed.issuer.certificate)?).chain(ca.ders_as_read.iter().skip(1).cloned()).collect(),
        certificate_file: "renewed".into(),
        key_file: ca.key_file.clone(),
    };
    Ok((renewed, again))
}
