//! Bring your own CA: import, verification certificates, signing, inspect.
//! Only in the CA panel's module (feature `ca-tools`). Imported CAs stay in
//! this wasm instance, so their keys never cross into JS again: a page that
//! imports in a worker makes its later calls for that CA in the same worker.

use std::cell::RefCell;

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use super::{FileOut, JsResult, bytes_as_uint8array, files_in, files_out, from_js, keys_in, now_unix, product_out, to_js};
use crate::ca::expiry::{self, DEFAULT_WITHIN_DAYS};
use crate::ca::import::{ImportedCa, ImportedCaSummary, ImportedCas, import_cas};
use crate::ca::renewal;
use crate::ca::signing::{CsrSigningForm, extra_chain, sign_devices as sign_with_ca, sign_request};
use crate::judge::inspect;
use crate::judge::preflight;
use crate::make::device_registry::DeviceRegistryRoot;
use crate::make::form::DeviceSigningForm;
use crate::make::form::{ChainForm, DeviceRegistryRootForm, RenewalForm, ValidityBoundsForm};
use crate::make::renewal::RenewalRow;
use crate::make::rollover::RolloverStep;
use crate::make::snippet_refresh::{MadeCertificate, refresh_snippets};
use crate::make::verification::VerificationCertificate;
use crate::make::{ChainEntry, Product};
use crate::read::pem_file::InputFile;
use crate::rules::event_grid::EventGridScenario;
use crate::rules::validity::TUTORIAL_VALIDITY_DAYS;
use crate::x509::facts::{certificate_pem, thumbprint_sha1};
use crate::x509::key::{KeyEncoding, PrivateKey};

thread_local! {
    static IMPORTED: RefCell<ImportedCas> = RefCell::new(ImportedCas::default());
}

fn with_ca<T>(id: u32, f: impl FnOnce(&ImportedCa) -> JsResult<T>) -> JsResult<T> {
    IMPORTED.with(|cas| f(cas.borrow().get(id)?))
}

/// A dropped or picked file, as JS sends it.
#[derive(Deserialize, Default)]
struct NamedFileIn {
    name: String,
    #[serde(with = "bytes_as_uint8array")]
    contents: zeroize::Zeroizing<Vec<u8>>,
}

fn input_files(files: &[NamedFileIn]) -> Vec<InputFile<'_>> {
    files.iter().map(|f| InputFile { name: &f.name, contents: &f.contents }).collect()
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct FilesInput {
    files: Vec<NamedFileIn>,
    password: Option<String>,
    now_ms: f64,
}

/// `importCa({ files: [{ name, contents: Uint8Array }], password?, nowMs })`
/// → `{ cas: [ImportedCa…] }`, roots first. Throws an `Error` whose `.field`
/// is `password` when a file is encrypted and no / a wrong password was given,
/// else `files`.
#[wasm_bindgen(js_name = importCa, unchecked_return_type = "ImportResult")]
pub fn import_ca(#[wasm_bindgen(unchecked_param_type = "ImportRequest")] input: JsValue) -> JsResult<JsValue> {
    #[derive(Serialize)]
    struct Out {
        cas: Vec<ImportedCaSummary>,
    }
    let input: FilesInput = from_js(input, "import request's fields")?;
    let cas = import_cas(&input_files(&input.files), input.password.as_deref(), now_unix(input.now_ms))?;
    let cas = IMPORTED.with(|registry| {
        let mut registry = registry.borrow_mut();
        cas.into_iter()
            .map(|ca| ca.summary().map(|summary| ImportedCaSummary { id: registry.add(ca), ..summary }))
            .collect::<Result<Vec<_>, _>>()
    })?;
    to_js(&Out { cas })
}

/// Drops an imported CA (and its key) from memory.
#[wasm_bindgen(js_name = forgetCa)]
pub fn forget_ca(id: u32) -> bool {
    IMPORTED.with(|registry| registry.borrow_mut().forget(id))
}

/// `makeVerificationCertificate(caId, code, nowMs)` → `{ commonName,
/// thumbprintSha1, certificatePem, files, warning? }`: `.field`
/// `verificationCode` on a bad code, `warning` for an unusual length.
#[wasm_bindgen(js_name = makeVerificationCertificate, unchecked_return_type = "VerificationResult")]
pub fn make_verification_certificate(
    #[wasm_bindgen(js_name = "caId")] ca_id: u32,
    code: &str,
    #[wasm_bindgen(js_name = "nowMs")] now_ms: f64,
) -> JsResult<JsValue> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Out {
        common_name: String,
        thumbprint_sha1: String,
        certificate_pem: String,
        files: Vec<FileOut>,
        warning: Option<String>,
    }
    with_ca(ca_id, |ca| {
        let made = VerificationCertificate::make(&ca.issuer, code, now_unix(now_ms))?;
        to_js(&Out {
            common_name: made.code.clone(),
            thumbprint_sha1: made.thumbprint_sha1()?,
            certificate_pem: certificate_pem(&made.issued.certificate)?,
            files: files_out(made.files()?),
            warning: made.warning.clone(),
        })
    })
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct SignDevicesInput {
    ca_id: u32,
    chain: Vec<NamedFileIn>,
    now_ms: f64,
    #[serde(flatten)]
    spec: DeviceSigningForm,
}

/// `signDevices({ caId, devices: [id…], chain?: [{ name, contents }], nowMs,
/// …the chain form's settings })` → `{ files, chain }`: every file a
/// tutorial device gets, and README.txt. `.field` `chain` when the chain
/// can't be completed up to a root.
#[wasm_bindgen(js_name = signDevices, unchecked_return_type = "Product")]
pub fn sign_devices(#[wasm_bindgen(unchecked_param_type = "SignDevicesRequest")] input: JsValue) -> JsResult<JsValue> {
    let input: SignDevicesInput = from_js(input, "signing request's fields")?;
    let extra = extra_chain(&input_files(&input.chain))?;
    let spec = input.spec.into_spec()?;
    with_ca(input.ca_id, |ca| product_out(&sign_with_ca(ca, &extra, &spec, None, now_unix(input.now_ms))?))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct SignCsrInput {
    ca_id: u32,
    csr: NamedFileIn,
    now_ms: f64,
    #[serde(flatten)]
    spec: CsrSigningForm,
}

/// `signCsr({ caId, csr: { name, contents }, profile: "device" | "server" |
/// "intermediate", pathLen?, validityDays?, notBeforeMs?, notAfterMs?, nowMs })`
/// → `{ commonName, thumbprintSha1, files }`: the CSR's whole subject and SAN
/// kept. `.field` `csr` for a bad CSR.
#[wasm_bindgen(js_name = signCsr, unchecked_return_type = "SignCsrResult")]
pub fn sign_csr(#[wasm_bindgen(unchecked_param_type = "SignCsrRequest")] input: JsValue) -> JsResult<JsValue> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Out {
        common_name: String,
        thumbprint_sha1: String,
        files: Vec<FileOut>,
    }
    let input: SignCsrInput = from_js(input, "CSR signing request's fields")?;
    let spec = input.spec.into_spec()?;
    let csr = InputFile { name: &input.csr.name, contents: &input.csr.contents };
    with_ca(input.ca_id, |ca| {
        let signed = sign_request(ca, &csr, &spec, now_unix(input.now_ms))?;
        to_js(&Out {
            common_name: signed.common_name,
            thumbprint_sha1: thumbprint_sha1(&signed.certificate)?,
            files: files_out(signed.files),
        })
    })
}

/// `inspect({ files: [{ name, contents }], uploadedCa?, password?, nowMs })` →
/// `{ certificates, requests, keys, chain, preflight, unreadable }`: each part
/// as `openssl x509 -text` shows it, the chain verdict (a lone leaf too) and,
/// when a device certificate is among the files, the Azure preflight on the
/// same path (`uploadedCa`: the CA uploaded to Azure, as the trust anchor).
#[wasm_bindgen(js_name = inspect, unchecked_return_type = "Inspection")]
pub fn inspect_files(#[wasm_bindgen(unchecked_param_type = "InspectRequest")] input: JsValue) -> JsResult<JsValue> {
    let input: PreflightInput = from_js(input, "inspect request's fields")?;
    let (files, uploaded) = (input_files(&input.files), input_files(&input.uploaded_ca));
    let mut inspection = inspect::inspect_against(&files, &uploaded, input.password.as_deref(), now_unix(input.now_ms))?;
    if let (Some(scenario), Some(preflight)) = (input.event_grid()?, inspection.preflight.as_mut()) {
        preflight::add_event_grid_rules(preflight, &files, &uploaded, input.password.as_deref(), &scenario)?;
    }
    to_js(&inspection)
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct PreflightInput {
    files: Vec<NamedFileIn>,
    uploaded_ca: Vec<NamedFileIn>,
    password: Option<String>,
    now_ms: f64,
    event_grid: Option<EventGridPreflightInput>,
}

impl PreflightInput {
    fn event_grid(&self) -> JsResult<Option<EventGridScenario>> {
        Ok(self.event_grid.as_ref().map(|e| EventGridScenario::parse(&e.validation, &e.authentication_name)).transpose()?)
    }
}

/// `{ validation, authenticationName }` (for `thumbprint`, the registered SHA-256 instead of a name).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct EventGridPreflightInput {
    validation: String,
    authentication_name: String,
}

/// `preflight({ files, uploadedCa?: [{ name, contents }], password?, nowMs })`
/// → `{ device, uploadedCa, ok, rules: [{ id, title, appliesTo, azureCode,
/// azureError, status: 'passed' | 'failed' | 'not-checked', detail }] }`: the
/// rules DPS, IoT Hub and IoT Edge 1.1 apply to the device's chain; with
/// `eventGrid: { validation, authenticationName }` Event Grid's too. `.field`
/// `files` without a device certificate, `uploadedCa` for a bad CA file.
#[wasm_bindgen(js_name = preflight, unchecked_return_type = "PreflightResult")]
pub fn preflight_files(#[wasm_bindgen(unchecked_param_type = "PreflightRequest")] input: JsValue) -> JsResult<JsValue> {
    let input: PreflightInput = from_js(input, "preflight request's fields")?;
    let (files, uploaded) = (input_files(&input.files), input_files(&input.uploaded_ca));
    let mut checked = preflight::preflight(&files, &uploaded, input.password.as_deref(), now_unix(input.now_ms))?;
    if let Some(scenario) = input.event_grid()? {
        preflight::add_event_grid_rules(&mut checked, &files, &uploaded, input.password.as_deref(), &scenario)?;
    }
    to_js(&checked)
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RenewDevicesInput {
    ca_id: u32,
    certificates: Vec<NamedFileIn>,
    keys: Vec<NamedFileIn>,
    password: Option<String>,
    /// SHA-1 thumbprints of the certificates to renew; none: every device.
    thumbprints: Vec<String>,
    now_ms: f64,
    #[serde(flatten)]
    spec: RenewalForm,
}

/// `renewDevices({ caId, certificates: [{ name, contents }], keys?, password?,
/// thumbprints?, keepKeys, validityDays, notBeforeMs?, nowMs, …sample settings })` →
/// `{ files, chain, renewed: [{ registrationId, oldThumbprintSha1,
/// newThumbprintSha1, oldNotAfter, newNotAfter, sameKey }] }`.
#[wasm_bindgen(js_name = renewDevices, unchecked_return_type = "RenewDevicesResult")]
pub fn renew_devices(#[wasm_bindgen(unchecked_param_type = "RenewDevicesRequest")] input: JsValue) -> JsResult<JsValue> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Out {
        files: Vec<FileOut>,
        chain: Vec<ChainEntry>,
        renewed: Vec<RenewalRow>,
    }
    let input: RenewDevicesInput = from_js(input, "renewal request's fields")?;
    let spec = input.spec.into_spec()?;
    with_ca(input.ca_id, |ca| {
        let renewed = renewal::renew_devices(
            ca,
            &input_files(&input.certificates),
            &input_files(&input.keys),
            input.password.as_deref(),
            &input.thumbprints,
            &spec,
            now_unix(input.now_ms),
        )?;
        to_js(&Out { files: files_out(renewed.files()?), chain: renewed.entries()?, renewed: renewed.rows()? })
    })
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RenewCaInput {
    ca_id: u32,
    parent_ca_id: Option<u32>,
    validity_days: Option<u32>,
    now_ms: f64,
    #[serde(flatten)]
    validity_bounds: ValidityBoundsForm,
}

/// `renewCa({ caId, parentCaId?, validityDays, notBeforeMs?, notAfterMs?, nowMs })` →
/// `{ files, ca }`: the CA with the same key, subject and SKI, imported again as `ca`.
#[wasm_bindgen(js_name = renewCa, unchecked_return_type = "RenewCaResult")]
pub fn renew_ca(#[wasm_bindgen(unchecked_param_type = "RenewCaRequest")] input: JsValue) -> JsResult<JsValue> {
    #[derive(Serialize)]
    struct Out {
        files: Vec<FileOut>,
        ca: ImportedCaSummary,
    }
    let input: RenewCaInput = from_js(input, "CA renewal request's fields")?;
    let days = input.validity_days.unwrap_or(TUTORIAL_VALIDITY_DAYS);
    let (renewed, again) = IMPORTED.with(|cas| {
        let cas = cas.borrow();
        let parent = input.parent_ca_id.map(|id| cas.get(id)).transpose()?;
        renewal::renew_ca(cas.get(input.ca_id)?, parent, days, &input.validity_bounds.into_bounds(), now_unix(input.now_ms))
    })?;
    let summary = again.summary()?;
    let id = IMPORTED.with(|cas| cas.borrow_mut().add(again));
    to_js(&Out { files: files_out(renewed.files()?), ca: ImportedCaSummary { id, ..summary } })
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct ExpiryInput {
    files: Vec<NamedFileIn>,
    password: Option<String>,
    within_days: Option<u32>,
    now_ms: f64,
}

/// `expiryReport({ files: [{ name, contents }], password?, withinDays = 30, nowMs })`
/// → `{ withinDays, now, flagged, expired, certificates: [{ role, commonName,
/// issuerCommonName, notAfter, daysLeft, expired, flagged, thumbprintSha1,
/// file, keyFile, certificatePem, renewable }] }`, soonest end first. A studio
/// ZIP is read whole (every certificate, `devices.csv`).
#[wasm_bindgen(js_name = expiryReport, unchecked_return_type = "ExpiryReport")]
pub fn expiry_report(#[wasm_bindgen(unchecked_param_type = "ExpiryRequest")] input: JsValue) -> JsResult<JsValue> {
    let input: ExpiryInput = from_js(input, "expiry report's fields")?;
    let within = input.within_days.unwrap_or(DEFAULT_WITHIN_DAYS);
    to_js(&expiry::expiry_report(&input_files(&input.files), input.password.as_deref(), within, now_unix(input.now_ms))?)
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RolloverInput {
    old_ca_id: Option<u32>,
    now_ms: f64,
    #[serde(flatten)]
    spec: ChainForm,
}

/// `makeRollover({ oldCaId?, keyAlgorithm, rootCn, intermediateCns,
/// validityDays, notBeforeMs?, notAfterMs?, caKeyPassword, nowMs })` → `{
/// files, chain, steps: [{ number, id, title, detail }], cas }`: a new root
/// and intermediates (Generate's profiles and files) with README.txt's plan;
/// `cas` are the new CAs, imported, root first (the last signs devices).
#[wasm_bindgen(js_name = makeRollover, unchecked_return_type = "RolloverResult")]
pub fn make_rollover(#[wasm_bindgen(unchecked_param_type = "RolloverRequest")] input: JsValue) -> JsResult<JsValue> {
    #[derive(Serialize)]
    struct Out {
        files: Vec<FileOut>,
        chain: Vec<ChainEntry>,
        steps: Vec<RolloverStep>,
        cas: Vec<ImportedCaSummary>,
    }
    let input: RolloverInput = from_js(input, "rollover's fields")?;
    let spec = input.spec.into_spec()?;
    let (rollover, cas) = IMPORTED.with(|registry| {
        let registry = registry.borrow();
        let old = input.old_ca_id.map(|id| registry.get(id)).transpose()?;
        renewal::make_rollover(old, spec, now_unix(input.now_ms))
    })?;
    let summaries = cas.iter().map(ImportedCa::summary).collect::<Result<Vec<_>, _>>()?;
    let cas = IMPORTED.with(|registry| {
        let mut registry = registry.borrow_mut();
        cas.into_iter().zip(summaries).map(|(ca, summary)| ImportedCaSummary { id: registry.add(ca), ..summary }).collect()
    });
    to_js(&Out { files: files_out(rollover.files()?), chain: rollover.entries()?, steps: rollover.steps()?, cas })
}

/// A root for Azure Device Registry's certificate management: `{ files, chain }`.
/// `spec`: `{ keyAlgorithm: 'ec-p256' | 'ec-p384', rootCn, validityDays (≥ 365),
/// notBeforeMs?, notAfterMs?, caKeyPassword }`; `keys`: one PKCS#8 DER key or `undefined`.
#[wasm_bindgen(js_name = makeDeviceRegistryRoot, unchecked_return_type = "Product")]
pub fn make_device_registry_root(
    #[wasm_bindgen(unchecked_param_type = "DeviceRegistryRootSpec")] spec: JsValue,
    #[wasm_bindgen(unchecked_param_type = "KeysInput")] keys: JsValue,
    #[wasm_bindgen(js_name = "nowMs")] now_ms: f64,
) -> JsResult<JsValue> {
    let spec = from_js::<DeviceRegistryRootForm>(spec, "Device Registry root settings")?.into_spec()?;
    product_out(&DeviceRegistryRoot::build(spec, keys_in(keys)?, now_unix(now_ms))?)
}

/// A PKCS#8 DER key as PEM text (here, not in the page's module, which has
/// no use for it): `keyFormat` `pkcs8` (encrypted with PBES2
/// when `password` is a non-empty string) or `traditional` (PKCS#1 for RSA,
/// SEC1 for EC; refuses a password).
#[wasm_bindgen(js_name = encodeKey)]
pub fn encode_key(
    pkcs8: &[u8],
    #[wasm_bindgen(js_name = "keyFormat", unchecked_param_type = "KeyFormat")] key_format: &str,
    password: Option<String>,
) -> JsResult<String> {
    let key = PrivateKey::from_pkcs8_der(pkcs8)?;
    let password = password.filter(|p| !p.is_empty());
    Ok(key.to_pem(KeyEncoding::parse("keyFormat", key_format)?, password.as_deref())?.to_string())
}

/// `rewriteSnippets(files, chain, settings)` → `{ files }` (in the CA module:
/// the page's needs none of it until a result exists): a result's files
/// with every snippet written again for new sample settings (`settings` as
/// the chain form sends them; `pfxPassword` the one its PFX files have); keys
/// and certificates stay as they are.
#[wasm_bindgen(js_name = rewriteSnippets, unchecked_return_type = "{ files: StudioFile[] }")]
pub fn rewrite_snippets(
    #[wasm_bindgen(unchecked_param_type = "FileInput[]")] files: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ChainEntry[]")] chain: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SnippetSettings")] settings: JsValue,
) -> JsResult<JsValue> {
    #[derive(Serialize)]
    struct Out {
        files: Vec<FileOut>,
    }
    let made: Vec<MadeCertificate> = from_js(chain, "chain entries")?;
    let spec = from_js::<ChainForm>(settings, "sample settings")?.into_spec()?;
    spec.snippets.validate()?;
    to_js(&Out { files: files_out(refresh_snippets(files_in(files)?, &made, &spec.snippets, &spec.pfx.password)?) })
}
