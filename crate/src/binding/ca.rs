//! Bring your own CA: import, verification certificates, signing, inspect.
//! Only in the CA panel's module (feature `ca-tools`). Imported CAs live in a
//! [`CaSession`] JS holds, so their keys never cross into JS again: a page
//! that imports in a worker makes its later calls for that CA in the same
//! worker, on the same session. `free()` drops the session's CAs, and with
//! them their keys, which wipe themselves (the RSA and ECDSA key types are
//! zeroized on drop).

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use super::{
    FileIn, FileOut, FormRequest, JsResult, bytes_as_uint8array, files_out, now_unix, object_with, output_files, product_out, request,
    to_js,
};
use crate::ca::device_registry::{self, IntermediateSigningSpec};
use crate::ca::expiry::{self, DEFAULT_WITHIN_DAYS};
use crate::ca::import::{ImportedCa, ImportedCaSummary, ImportedCas, import_cas};
use crate::ca::renewal;
use crate::ca::signing::{CsrSigningForm, SignedRequest, extra_chain, sign_devices as sign_with_ca, sign_request};
use crate::error::StudioError;
use crate::judge::inspect;
use crate::judge::preflight;
use crate::make::device_registry::DeviceRegistryRoot;
use crate::make::form::DeviceSigningForm;
use crate::make::form::{ChainForm, DeviceRegistryRootForm, RenewalForm, ValidityBoundsForm};
use crate::make::renewal::{RenewalRow, RenewalSummary};
use crate::make::rollover::RolloverStep;
use crate::make::snippet_refresh::{MadeCertificate, refresh_snippets};
use crate::make::verification::VerificationCertificate;
use crate::make::{ChainEntry, Product};
use crate::output::layout;
use crate::output::readme::readme_entries;
use crate::read::pem_file::InputFile;
use crate::rules::event_grid::EventGridScenario;
use crate::rules::validity::TUTORIAL_VALIDITY_DAYS;
use crate::x509::facts::{certificate_pem, thumbprint_sha1};
use crate::x509::key::{KeyEncoding, PrivateKey};

/// A dropped or picked file, as JS sends it.
#[derive(Serialize, Deserialize, Default)]
struct NamedFileIn {
    name: String,
    #[serde(with = "bytes_as_uint8array")]
    contents: zeroize::Zeroizing<Vec<u8>>,
}

fn input_files(files: &[NamedFileIn]) -> Vec<InputFile<'_>> {
    files.iter().map(|f| InputFile { name: &f.name, contents: &f.contents }).collect()
}

/// `{ files: [{ name, contents }], password?, nowMs }`: importCa's and inspect's request.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FilesInput {
    files: Vec<NamedFileIn>,
    #[serde(default)]
    password: Option<String>,
    now_ms: f64,
}

/// The imported CAs: JS holds the session, and each of its CAs by the id
/// importCa (renewCa, makeRollover) gave it. `free()` drops them all.
#[wasm_bindgen]
#[derive(Default)]
pub struct CaSession {
    cas: ImportedCas,
}

impl CaSession {
    /// The CA a request names by `field` (`caId`, `parentCaId`, `oldCaId`).
    fn ca(&self, id: u32, field: &str) -> JsResult<&ImportedCa> {
        Ok(self.cas.get(id).map_err(|e| StudioError { field: Some(field.into()), ..e })?)
    }

    /// Keeps `ca` (once: the same CA imported again keeps its first id) and describes it with its id.
    fn keep(&mut self, ca: ImportedCa) -> JsResult<ImportedCaSummary> {
        let summary = ca.summary()?;
        Ok(ImportedCaSummary { id: self.cas.add(ca), ..summary })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct VerificationInput {
    ca_id: u32,
    verification_code: String,
    now_ms: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignDevicesInput {
    ca_id: u32,
    #[serde(default)]
    chain: Vec<NamedFileIn>,
    now_ms: f64,
    #[serde(flatten)]
    spec: DeviceSigningForm,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignCsrInput {
    ca_id: u32,
    csr: NamedFileIn,
    now_ms: f64,
    #[serde(flatten)]
    spec: CsrSigningForm,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RenewDevicesInput {
    ca_id: u32,
    certificates: Vec<NamedFileIn>,
    #[serde(default)]
    keys: Vec<NamedFileIn>,
    #[serde(default)]
    password: Option<String>,
    /// SHA-1 thumbprints of the certificates to renew; none: every device.
    #[serde(default)]
    thumbprints: Vec<String>,
    now_ms: f64,
    #[serde(flatten)]
    spec: RenewalForm,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RenewCaInput {
    ca_id: u32,
    #[serde(default)]
    parent_ca_id: Option<u32>,
    #[serde(default)]
    validity_days: Option<u32>,
    now_ms: f64,
    #[serde(flatten)]
    validity_bounds: ValidityBoundsForm,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RolloverInput {
    #[serde(default)]
    old_ca_id: Option<u32>,
    now_ms: f64,
    #[serde(flatten)]
    spec: ChainForm,
}

#[wasm_bindgen]
impl CaSession {
    /// An empty session.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Self {
        Self::default()
    }

    /// `importCa({ files: [{ name, contents: Uint8Array }], password?, nowMs })`
    /// → `{ cas: [ImportedCa…] }`, roots first, each with its `id` in this
    /// session (a CA imported again keeps its id). Throws an `Error` whose
    /// `.field` is `password` when a file is encrypted and no / a wrong
    /// password was given, else `files`.
    #[wasm_bindgen(js_name = importCa, unchecked_return_type = "ImportResult")]
    pub fn import_ca(&mut self, #[wasm_bindgen(unchecked_param_type = "ImportRequest")] input: JsValue) -> JsResult<JsValue> {
        #[derive(Serialize)]
        struct Out {
            cas: Vec<ImportedCaSummary>,
        }
        let input: FilesInput = request(input, "importCa")?;
        let cas = import_cas(&input_files(&input.files), input.password.as_deref(), now_unix(input.now_ms))?;
        let cas = cas.into_iter().map(|ca| self.keep(ca)).collect::<JsResult<Vec<_>>>()?;
        to_js(&Out { cas })
    }

    /// `makeVerificationCertificate({ caId, verificationCode, nowMs })` → `{
    /// commonName, thumbprintSha1, certificatePem, files, warning? }`:
    /// `.field` `verificationCode` on a bad code, `warning` for an unusual length.
    #[wasm_bindgen(js_name = makeVerificationCertificate, unchecked_return_type = "VerificationResult")]
    pub fn make_verification_certificate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "VerificationRequest")] input: JsValue,
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
        let input: VerificationInput = request(input, "makeVerificationCertificate")?;
        let ca = self.ca(input.ca_id, "caId")?;
        let made = VerificationCertificate::make(&ca.issuer, &input.verification_code, now_unix(input.now_ms))?;
        to_js(&Out {
            common_name: made.code.clone(),
            thumbprint_sha1: made.thumbprint_sha1()?,
            certificate_pem: certificate_pem(&made.issued.certificate)?,
            files: files_out(made.files()?),
            warning: made.warning.clone(),
        })
    }

    /// `signDevices({ caId, devices: [id…], chain?: [{ name, contents }],
    /// nowMs, …the chain form's settings })` → `{ files, chain }`: every file
    /// a tutorial device gets, and README.txt. `.field` `chain` when the
    /// chain can't be completed up to a root.
    #[wasm_bindgen(js_name = signDevices, unchecked_return_type = "Product")]
    pub fn sign_devices(&self, #[wasm_bindgen(unchecked_param_type = "SignDevicesRequest")] input: JsValue) -> JsResult<JsValue> {
        let input: SignDevicesInput = request(input, "signDevices")?;
        let extra = extra_chain(&input_files(&input.chain))?;
        let spec = input.spec.into_spec()?;
        product_out(&sign_with_ca(self.ca(input.ca_id, "caId")?, &extra, &spec, None, now_unix(input.now_ms))?)
    }

    /// `signCsr({ caId, csr: { name, contents }, profile: "device" | "server" |
    /// "intermediate", pathLen?, validityDays?, notBeforeMs?, notAfterMs?, nowMs })`
    /// → `{ commonName, thumbprintSha1, files }`: the CSR's whole subject and
    /// SAN kept. `.field` `csr` for a bad CSR.
    #[wasm_bindgen(js_name = signCsr, unchecked_return_type = "SignCsrResult")]
    pub fn sign_csr(&self, #[wasm_bindgen(unchecked_param_type = "SignCsrRequest")] input: JsValue) -> JsResult<JsValue> {
        let input: SignCsrInput = request(input, "signCsr")?;
        let spec = input.spec.into_spec()?;
        let csr = InputFile { name: &input.csr.name, contents: &input.csr.contents };
        let signed = sign_request(self.ca(input.ca_id, "caId")?, &csr, &spec, now_unix(input.now_ms))?;
        signed_request_out(signed)
    }

    /// `renewDevices({ caId, certificates: [{ name, contents }], keys?, password?,
    /// thumbprints?, keepKeys, validityDays, notBeforeMs?, nowMs, …sample settings })` →
    /// `{ files, chain, renewed: [{ registrationId, oldThumbprintSha1,
    /// newThumbprintSha1, oldNotAfter, newNotAfter, sameKey }] }`.
    #[wasm_bindgen(js_name = renewDevices, unchecked_return_type = "RenewDevicesResult")]
    pub fn renew_devices(&self, #[wasm_bindgen(unchecked_param_type = "RenewDevicesRequest")] input: JsValue) -> JsResult<JsValue> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Out {
            files: Vec<FileOut>,
            chain: Vec<ChainEntry>,
            renewed: Vec<RenewalRow>,
        }
        let input: RenewDevicesInput = request(input, "renewDevices")?;
        let spec = input.spec.into_spec()?;
        let renewed = renewal::renew_devices(
            self.ca(input.ca_id, "caId")?,
            &input_files(&input.certificates),
            &input_files(&input.keys),
            input.password.as_deref(),
            &input.thumbprints,
            &spec,
            now_unix(input.now_ms),
        )?;
        to_js(&Out { files: files_out(renewed.files()?), chain: renewed.entries()?, renewed: renewed.rows()? })
    }

    /// `renewCa({ caId, parentCaId?, validityDays, notBeforeMs?, notAfterMs?, nowMs })` →
    /// `{ files, ca }`: the CA with the same key, subject and SKI, kept in this
    /// session as `ca` (the old one stays too).
    #[wasm_bindgen(js_name = renewCa, unchecked_return_type = "RenewCaResult")]
    pub fn renew_ca(&mut self, #[wasm_bindgen(unchecked_param_type = "RenewCaRequest")] input: JsValue) -> JsResult<JsValue> {
        #[derive(Serialize)]
        struct Out {
            files: Vec<FileOut>,
            ca: ImportedCaSummary,
        }
        let input: RenewCaInput = request(input, "renewCa")?;
        let days = input.validity_days.unwrap_or(TUTORIAL_VALIDITY_DAYS);
        let parent = input.parent_ca_id.map(|id| self.ca(id, "parentCaId")).transpose()?;
        let bounds = input.validity_bounds.into_bounds();
        let (renewed, again) = renewal::renew_ca(self.ca(input.ca_id, "caId")?, parent, days, &bounds, now_unix(input.now_ms))?;
        let files = files_out(renewed.files()?);
        to_js(&Out { files, ca: self.keep(again)? })
    }

    /// `makeRollover({ oldCaId?, keyAlgorithm, rootCn, intermediateCns,
    /// validityDays, notBeforeMs?, notAfterMs?, caKeyPassword, nowMs })` → `{
    /// files, chain, steps: [{ number, id, title, detail }], cas }`: a new root
    /// and intermediates (Generate's profiles and files) with README.txt's
    /// plan; `cas` are the new CAs, kept in this session, root first (the
    /// last signs devices).
    #[wasm_bindgen(js_name = makeRollover, unchecked_return_type = "RolloverResult")]
    pub fn make_rollover(&mut self, #[wasm_bindgen(unchecked_param_type = "RolloverRequest")] input: JsValue) -> JsResult<JsValue> {
        #[derive(Serialize)]
        struct Out {
            files: Vec<FileOut>,
            chain: Vec<ChainEntry>,
            steps: Vec<RolloverStep>,
            cas: Vec<ImportedCaSummary>,
        }
        let input: RolloverInput = request(input, "makeRollover")?;
        let spec = input.spec.into_spec()?;
        let old = input.old_ca_id.map(|id| self.ca(id, "oldCaId")).transpose()?;
        let (rollover, cas) = renewal::make_rollover(old, spec, now_unix(input.now_ms))?;
        let (files, chain, steps) = (files_out(rollover.files()?), rollover.entries()?, rollover.steps()?);
        let cas = cas.into_iter().map(|ca| self.keep(ca)).collect::<JsResult<Vec<_>>>()?;
        to_js(&Out { files, chain, steps, cas })
    }
}

/// `inspect({ files: [{ name, contents }], uploadedCa?, password?, nowMs })` →
/// `{ certificates, requests, keys, chain, preflight, unreadable }`: each part
/// as `openssl x509 -text` shows it, the chain verdict (a lone leaf too) and,
/// when a device certificate is among the files, the Azure preflight on the
/// same path (`uploadedCa`: the CA uploaded to Azure, as the trust anchor).
#[wasm_bindgen(js_name = inspect, unchecked_return_type = "Inspection")]
pub fn inspect_files(#[wasm_bindgen(unchecked_param_type = "InspectRequest")] input: JsValue) -> JsResult<JsValue> {
    let input: PreflightInput = request(input, "inspect")?;
    let (files, uploaded, password, now) =
        (input_files(&input.files), input_files(&input.uploaded_ca), input.password.as_deref(), now_unix(input.now_ms));
    let mut inspection = inspect::inspect_against(&files, &uploaded, password, now)?;
    if let Some(adr) = &input.device_registry {
        inspection.preflight =
            Some(device_registry::device_registry_preflight(&files, &uploaded, password, adr.registration_id.as_deref(), now)?);
    }
    if let (Some(scenario), Some(preflight)) = (input.event_grid()?, inspection.preflight.as_mut()) {
        preflight::add_event_grid_rules(preflight, &files, &uploaded, password, &scenario)?;
    }
    to_js(&inspection)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PreflightInput {
    files: Vec<NamedFileIn>,
    #[serde(default)]
    uploaded_ca: Vec<NamedFileIn>,
    #[serde(default)]
    password: Option<String>,
    now_ms: f64,
    /// Present: Azure Device Registry's rules too (the files may be the device's CSR).
    device_registry: Option<DeviceRegistryPreflightIn>,
    /// Present: Event Grid's rules too, for a client registered there.
    #[serde(default)]
    event_grid: Option<EventGridPreflightInput>,
}

impl PreflightInput {
    fn event_grid(&self) -> JsResult<Option<EventGridScenario>> {
        Ok(self.event_grid.as_ref().map(|e| EventGridScenario::parse(&e.validation, &e.authentication_name)).transpose()?)
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct DeviceRegistryPreflightIn {
    registration_id: Option<String>,
}

/// `{ validation, authenticationName }` (for `thumbprint`, the registered SHA-256 instead of a name).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct EventGridPreflightInput {
    validation: String,
    authentication_name: String,
}

/// `preflight({ files, uploadedCa?: [{ name, contents }], password?, nowMs,
/// deviceRegistry?: { registrationId? }, eventGrid?: { validation,
/// authenticationName } })` → `{ device, uploadedCa, ok, rules: [{ id, title,
/// appliesTo, azureCode, azureError, status: 'passed' | 'failed' |
/// 'not-checked', detail }] }`: the rules DPS, IoT Hub and IoT Edge 1.1 apply
/// to the device's chain, with a scenario's rules when one is named (Device
/// Registry's device and root rules, and the files may be the device's CSR;
/// Event Grid's authentication name and immediate issuer). `.field` `files`
/// without a device certificate, `uploadedCa` for a bad CA file.
#[wasm_bindgen(js_name = preflight, unchecked_return_type = "PreflightResult")]
pub fn preflight_files(#[wasm_bindgen(unchecked_param_type = "PreflightRequest")] input: JsValue) -> JsResult<JsValue> {
    let input: PreflightInput = request(input, "preflight")?;
    let (files, uploaded, password, now) =
        (input_files(&input.files), input_files(&input.uploaded_ca), input.password.as_deref(), now_unix(input.now_ms));
    let mut checked = match &input.device_registry {
        None => preflight::preflight(&files, &uploaded, password, now)?,
        Some(adr) => device_registry::device_registry_preflight(&files, &uploaded, password, adr.registration_id.as_deref(), now)?,
    };
    if let Some(scenario) = input.event_grid()? {
        preflight::add_event_grid_rules(&mut checked, &files, &uploaded, password, &scenario)?;
    }
    to_js(&checked)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExpiryInput {
    files: Vec<NamedFileIn>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
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
    let input: ExpiryInput = request(input, "expiryReport")?;
    let within = input.within_days.unwrap_or(DEFAULT_WITHIN_DAYS);
    to_js(&expiry::expiry_report(&input_files(&input.files), input.password.as_deref(), within, now_unix(input.now_ms))?)
}

/// `makeDeviceRegistryRoot({ spec, keys?, nowMs })` → `{ files, chain }`: a
/// root for Azure Device Registry's certificate management. `spec`: `{
/// keyAlgorithm: 'ec-p256' | 'ec-p384', rootCn, validityDays (≥ 365),
/// notBeforeMs?, notAfterMs?, caKeyPassword }`; `keys`: one PKCS#8 DER key or none.
#[wasm_bindgen(js_name = makeDeviceRegistryRoot, unchecked_return_type = "Product")]
pub fn make_device_registry_root(
    #[wasm_bindgen(unchecked_param_type = "ProductRequest<DeviceRegistryRootSpec>")] input: JsValue,
) -> JsResult<JsValue> {
    let mut input: FormRequest = request(input, "makeDeviceRegistryRoot")?;
    let (keys, now) = (input.keys()?, input.now("makeDeviceRegistryRoot")?);
    product_out(&DeviceRegistryRoot::build(input.spec::<DeviceRegistryRootForm>()?.into_spec()?, keys, now)?)
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct IntermediateSigningInput {
    ca_id: u32,
    csr: NamedFileIn,
    validity_days: Option<u32>,
    policy_name: Option<String>,
    now_ms: f64,
    #[serde(flatten)]
    validity_bounds: ValidityBoundsForm,
}

#[wasm_bindgen]
impl CaSession {
    /// `signDeviceRegistryIntermediate({ caId, csr: { name, contents },
    /// validityDays? (365), notBeforeMs?, notAfterMs?, policyName?, nowMs })` →
    /// `{ commonName, thumbprintSha1, files }`: the service's CSR signed by the
    /// imported root as its issuing CA (pathLen 0, subject kept), after the root
    /// (`.field` `ca`) and the CSR (`csr`) pass the service's rules; with the
    /// chain to upload and the activation command.
    #[wasm_bindgen(js_name = signDeviceRegistryIntermediate, unchecked_return_type = "SignCsrResult")]
    pub fn sign_device_registry_intermediate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SignDeviceRegistryIntermediateRequest")] input: JsValue,
    ) -> JsResult<JsValue> {
        let input: IntermediateSigningInput = request(input, "signDeviceRegistryIntermediate")?;
        let default = IntermediateSigningSpec::default();
        let spec = IntermediateSigningSpec {
            validity_days: input.validity_days.unwrap_or(default.validity_days),
            validity_bounds: input.validity_bounds.into_bounds(),
            policy_name: input.policy_name.unwrap_or(default.policy_name),
        };
        let csr = InputFile { name: &input.csr.name, contents: &input.csr.contents };
        let signed = device_registry::sign_intermediate(self.ca(input.ca_id, "caId")?, &csr, &spec, now_unix(input.now_ms))?;
        signed_request_out(signed)
    }
}

/// `encodeKey({ key, keyFormat, password? })` → `{ pem }`: a PKCS#8 DER key
/// as PEM text (here, not in the page's module, which has no use for it):
/// `keyFormat` `pkcs8` (encrypted with PBES2 when `password` is a non-empty
/// string) or `traditional` (PKCS#1 for RSA, SEC1 for EC; refuses a password).
#[wasm_bindgen(js_name = encodeKey, unchecked_return_type = "{ pem: string }")]
pub fn encode_key(#[wasm_bindgen(unchecked_param_type = "EncodeKeyRequest")] input: JsValue) -> JsResult<JsValue> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct EncodeKeyInput {
        #[serde(with = "bytes_as_uint8array")]
        key: zeroize::Zeroizing<Vec<u8>>,
        key_format: String,
        #[serde(default)]
        password: Option<String>,
    }
    let input: EncodeKeyInput = request(input, "encodeKey")?;
    let key = PrivateKey::from_pkcs8_der(&input.key).map_err(|e| StudioError { field: e.field.or(Some("key".into())), ..e })?;
    let password = input.password.as_deref().filter(|p| !p.is_empty());
    let pem = key.to_pem(KeyEncoding::parse("keyFormat", &input.key_format)?, password)?;
    Ok(object_with("pem", &JsValue::from_str(&pem)))
}

/// `rewriteSnippets({ files, chain, settings })` → `{ files }` (in the CA
/// module: the page's needs none of it until a result exists): a result's
/// files with every snippet written again for new sample settings
/// (`settings` as the chain form sends them; `pfxPassword` the one its PFX
/// files have); keys and certificates stay as they are.
#[wasm_bindgen(js_name = rewriteSnippets, unchecked_return_type = "{ files: StudioFile[] }")]
pub fn rewrite_snippets(#[wasm_bindgen(unchecked_param_type = "RewriteSnippetsRequest")] input: JsValue) -> JsResult<JsValue> {
    #[derive(Deserialize)]
    struct RewriteInput {
        files: Vec<FileIn>,
        chain: Vec<MadeCertificate>,
        #[serde(default)]
        settings: ChainForm,
    }
    #[derive(Serialize)]
    struct Out {
        files: Vec<FileOut>,
    }
    let input: RewriteInput = request(input, "rewriteSnippets")?;
    let spec = input.settings.into_spec()?;
    spec.snippets.validate()?;
    to_js(&Out { files: files_out(refresh_snippets(output_files(input.files), &input.chain, &spec.snippets, &spec.pfx.password)?) })
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RenewalSummaryInput {
    ca_id: u32,
    renewed: u32,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct PlanRenewalInput {
    certificates: Vec<NamedFileIn>,
    keys: Vec<NamedFileIn>,
    password: Option<String>,
    thumbprints: Vec<String>,
    now_ms: f64,
    #[serde(flatten)]
    spec: RenewalForm,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct PlannedDeviceOut {
    registration_id: String,
    key_algorithm: String,
    #[serde(with = "bytes_as_uint8array")]
    certificate: zeroize::Zeroizing<Vec<u8>>,
    file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<NamedFileIn>,
}

/// `planRenewal({ certificates, keys?, password?, thumbprints?, nowMs, …the
/// renewal's settings })` → `{ devices: [{ registrationId, keyAlgorithm,
/// certificate, file, key? }], folders }`: the devices renewDevices would
/// renew, read once and checked before anything is made (every CN a
/// registration ID; the key files' PBKDF2 rounds within the call's budget;
/// the settings), for renewDeviceChunk to renew in chunks on any worker.
#[wasm_bindgen(js_name = planRenewal, unchecked_return_type = "RenewalPlan")]
pub fn plan_renewal(#[wasm_bindgen(unchecked_param_type = "PlanRenewalRequest")] input: JsValue) -> JsResult<JsValue> {
    #[derive(Serialize)]
    struct Out {
        devices: Vec<PlannedDeviceOut>,
        /// The folders the devices' files go to, for a caller checking them before it writes.
        folders: [&'static str; 4],
    }
    let input: PlanRenewalInput = request(input, "planRenewal")?;
    let spec = input.spec.into_spec()?;
    let planned = renewal::plan_renewal(
        &input_files(&input.certificates),
        &input_files(&input.keys),
        input.password.as_deref(),
        &input.thumbprints,
        &spec,
        now_unix(input.now_ms),
    )?;
    let devices = planned
        .into_iter()
        .map(|d| PlannedDeviceOut {
            registration_id: d.registration_id.to_string(),
            key_algorithm: d.key_algorithm.id().into(),
            certificate: zeroize::Zeroizing::new(d.certificate_der),
            file: d.file,
            key: d.key.map(|k| NamedFileIn { name: k.name, contents: k.contents }),
        })
        .collect();
    to_js(&Out { devices, folders: layout::DEVICE_FOLDERS })
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RenewDeviceChunkInput {
    ca_id: u32,
    devices: Vec<PlannedDeviceOut>,
    password: Option<String>,
    now_ms: f64,
    #[serde(flatten)]
    spec: RenewalForm,
}

#[wasm_bindgen]
impl CaSession {
    /// `renewDeviceChunk({ caId, devices, password?, keepKeys, validityDays,
    /// notBeforeMs?, nowMs, …sample settings })` → `{ files, chain, renewed,
    /// csvRows, readmeEntries }`: some of planRenewal's devices renewed as
    /// renewDevices renews them, without renewed.csv and README.txt (their rows
    /// and entries instead; renewalSummary gives the rest).
    #[wasm_bindgen(js_name = renewDeviceChunk, unchecked_return_type = "RenewalChunk")]
    pub fn renew_device_chunk(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RenewDeviceChunkRequest")] input: JsValue,
    ) -> JsResult<JsValue> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Out {
            files: Vec<FileOut>,
            chain: Vec<ChainEntry>,
            renewed: Vec<RenewalRow>,
            csv_rows: String,
            readme_entries: String,
        }
        let input: RenewDeviceChunkInput = request(input, "renewDeviceChunk")?;
        let spec = input.spec.into_spec()?;
        let devices: Vec<_> = input
            .devices
            .iter()
            .map(|d| renewal::ChunkDevice {
                certificate_der: &d.certificate,
                file: &d.file,
                key: d.key.as_ref().map(|k| InputFile { name: &k.name, contents: &k.contents }),
            })
            .collect();
        {
            let ca = self.ca(input.ca_id, "caId")?;
            let renewed = renewal::renew_chunk(ca, &devices, input.password.as_deref(), &spec, now_unix(input.now_ms))?;
            let files = renewed.device_files()?;
            let readme_entries = readme_entries(&files)?;
            to_js(&Out {
                files: files_out(files),
                chain: renewed.entries()?,
                renewed: renewed.rows()?,
                csv_rows: renewed.csv_rows()?,
                readme_entries,
            })
        }
    }

    /// `renewalSummary({ caId, renewed })` → `{ csvHeader, readmeHeader,
    /// readmeTail }`: around a chunked renewal's rows and README entries, what
    /// renewDevices writes around its own: renewed.csv is `csvHeader` + the
    /// chunks' `csvRows`; README.txt is `readmeHeader` + their `readmeEntries` +
    /// `readmeTail`, in order.
    #[wasm_bindgen(js_name = renewalSummary, unchecked_return_type = "RenewalSummary")]
    pub fn renewal_summary(&self, #[wasm_bindgen(unchecked_param_type = "RenewalSummaryRequest")] input: JsValue) -> JsResult<JsValue> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Out {
            csv_header: String,
            readme_header: String,
            readme_tail: String,
        }
        let input: RenewalSummaryInput = request(input, "renewalSummary")?;
        let ca = self.ca(input.ca_id, "caId")?;
        let summary = RenewalSummary::new(&ca.issuer.common_name(), input.renewed as usize)?;
        to_js(&Out { csv_header: summary.csv_header, readme_header: summary.readme_header, readme_tail: summary.readme_tail })
    }
}

/// A signed CSR as `{ commonName, thumbprintSha1, files }` (signCsr, signDeviceRegistryIntermediate).
fn signed_request_out(signed: SignedRequest) -> JsResult<JsValue> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Out {
        common_name: String,
        thumbprint_sha1: String,
        files: Vec<FileOut>,
    }
    to_js(&Out { common_name: signed.common_name, thumbprint_sha1: thumbprint_sha1(&signed.certificate)?, files: files_out(signed.files) })
}
