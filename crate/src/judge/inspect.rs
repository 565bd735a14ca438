//! Inspect: every certificate, CSR and key in the dropped files described
//! as OpenSSL prints them, and the certificates judged once: the chain
//! verdict and, when a device certificate is among them, the Azure preflight.

use serde::Serialize;
use x509_cert::Certificate;

use crate::error::Result;
use crate::judge::chain_verdict::{ChainReport, judge_bundle};
use crate::judge::describe::{
    CertificateDescription, KeyDescription, RequestDescription, describe_certificate, describe_key, describe_request,
};
use crate::judge::preflight::{Preflight, assess, the_uploaded_ca};
use crate::read::budget::ReadBudget;
use crate::read::material::Material;
use crate::read::pem_file::InputFile;

/// Everything the dropped files hold, described.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Inspection {
    pub certificates: Vec<CertificateDescription>,
    pub requests: Vec<RequestDescription>,
    pub keys: Vec<KeyDescription>,
    /// The chain verdict on the certificates given, as a TLS server judges a
    /// device's chain: the path built from them in any order, up to the
    /// uploaded CA when one is given. A lone leaf is judged too (its issuer
    /// is missing). Absent only when no certificate was given.
    pub chain: Option<ChainReport>,
    /// The Azure preflight on the same path, when a device (non-CA)
    /// certificate is among the files.
    pub preflight: Option<Preflight>,
    /// The parts the studio can't read or use, one sentence each, naming its file.
    pub unreadable: Vec<String>,
}

/// Describes every certificate, CSR and key in the files and judges the
/// certificates: the chain verdict, and the Azure preflight when a device
/// certificate is among them.
pub fn inspect(files: &[InputFile<'_>], password: Option<&str>, now_unix: u64) -> Result<Inspection> {
    inspect_against(files, &[], password, now_unix)
}

/// [`inspect`], judging the chain against `uploaded_ca` (the file of the CA
/// uploaded to Azure; empty: none given). Every file is read once.
pub fn inspect_against(
    files: &[InputFile<'_>],
    uploaded_ca: &[InputFile<'_>],
    password: Option<&str>,
    now_unix: u64,
) -> Result<Inspection> {
    let budget = ReadBudget::default();
    let material = Material::read_within(files, password, &budget)?;
    let uploaded = if uploaded_ca.is_empty() { None } else { Some(Material::read_within(uploaded_ca, password, &budget)?) };
    let uploaded = uploaded.as_ref().map(|m| the_uploaded_ca(&m.certificates)).transpose()?;
    let certificates: Vec<CertificateDescription> =
        material.certificates.iter().map(|c| describe_certificate(&c.file, &c.certificate, &c.der, now_unix)).collect();
    let requests = material.requests.iter().map(|r| describe_request(&r.file, &r.item, &r.der)).collect();
    let held: Vec<&Certificate> = material.certificates.iter().map(|c| &c.certificate).collect();
    let keys = material
        .keys
        .iter()
        .map(|k| describe_key(&k.file, k.item.public_key_info().ok().as_ref(), k.item.algorithm().label(), &held))
        .chain(material.show_only_keys.iter().map(|k| describe_key(&k.file, Some(&k.item), "", &held)))
        .collect();
    let has_device = material.certificates.iter().any(|c| !c.is_ca());
    let (chain, preflight) = if has_device {
        let (verdict, preflight) = assess(&material.certificates, uploaded, now_unix)?;
        (Some(verdict), Some(preflight))
    } else if material.certificates.is_empty() {
        (None, None)
    } else {
        let ders: Vec<&[u8]> = material.certificates.iter().map(|c| c.der.as_slice()).collect();
        (Some(judge_bundle(&ders, now_unix)), None)
    };
    let unreadable = material.unreadable.into_iter().map(|problem| problem.message).collect();
    Ok(Inspection { certificates, requests, keys, chain, preflight, unreadable })
}
