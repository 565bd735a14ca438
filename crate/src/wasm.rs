//! The JS API: one thin layer over the core. Every error reaches JS as a real
//! `Error` whose `field` property names the form field it belongs to.

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::archive::{OutputFile, zip_files};
use crate::batch::{BatchArchive, BatchSigner, DeviceChunk, batch_title};
use crate::chain::{ChainEntry, ChainSpec, TutorialChain};
use crate::error::StudioError;
use crate::key::{KeyAlgorithm, KeyEncoding, PrivateKey};
use crate::password_key::PasswordKey;
use crate::presigned::{SignatureRequest, SigningPlan};
use crate::random;

fn js_error(error: StudioError) -> JsValue {
    let js = js_sys::Error::new(&error.message);
    if let Some(field) = error.field {
        let _ = js_sys::Reflect::set(&js, &"field".into(), &field.into());
    }
    js.into()
}

fn to_js(value: &impl Serialize) -> Result<JsValue, JsValue> {
    value
        // json_compatible() alone would send bytes as plain arrays of numbers.
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible().serialize_bytes_as_arrays(false))
        .map_err(|e| js_error(StudioError::internal("Result conversion", e)))
}

/// The chain form, as JS sends it; missing fields take the tutorial's values.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct ChainSpecInput {
    key_algorithm: String,
    root_cn: String,
    intermediate_cns: Vec<String>,
    devices: Vec<String>,
    validity_days: u32,
    ca_key_password: String,
    key_format: String,
    #[serde(flatten)]
    formats: FormatsInput,
}

impl Default for ChainSpecInput {
    fn default() -> Self {
        let spec = ChainSpec::default();
        Self {
            key_algorithm: spec.key_algorithm.id().into(),
            root_cn: spec.root_common_name,
            intermediate_cns: spec.intermediate_common_names,
            devices: spec.devices,
            validity_days: spec.validity_days,
            ca_key_password: spec.ca_key_password.unwrap_or_default(),
            key_format: "pkcs8".into(),
            formats: FormatsInput::default(),
        }
    }
}

fn chain_spec(input: JsValue) -> Result<ChainSpec, JsValue> {
    let spec = chain_settings(input)?;
    spec.validate().map_err(js_error)?;
    Ok(spec)
}

/// The chain form's settings as the core's spec, not yet checked.
fn chain_settings(input: JsValue) -> Result<ChainSpec, JsValue> {
    let input: ChainSpecInput = if input.is_undefined() || input.is_null() {
        ChainSpecInput::default()
    } else {
        serde_wasm_bindgen::from_value(input)
            .map_err(|e| js_error(StudioError::general(format!("The chain settings are not valid: {e}."))))?
    };
    let spec = ChainSpec {
        key_algorithm: KeyAlgorithm::parse("keyAlgorithm", &input.key_algorithm).map_err(js_error)?,
        root_common_name: input.root_cn,
        intermediate_common_names: input.intermediate_cns,
        devices: input.devices,
        validity_days: input.validity_days,
        ca_key_password: Some(input.ca_key_password).filter(|p| !p.is_empty()),
        device_key_encoding: KeyEncoding::parse("keyFormat", &input.key_format).map_err(js_error)?,
        pfx: input.formats.pfx().map_err(js_error)?,
        snippets: input.formats.snippets(),
    };
    Ok(spec)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FileOut {
    path: String,
    description: String,
    secret: bool,
    /// Wiped once JS has its copy: secret files hold private keys.
    #[serde(with = "serde_bytes_as_uint8array")]
    contents: zeroize::Zeroizing<Vec<u8>>,
}

fn file_out(f: OutputFile) -> FileOut {
    FileOut { path: f.path, description: f.description, secret: f.secret, contents: zeroize::Zeroizing::new(f.contents) }
}

/// Sends bytes as a `Uint8Array` rather than an array of numbers.
mod serde_bytes_as_uint8array {
    pub fn serialize<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(bytes)
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ChainEntryOut {
    role: &'static str,
    common_name: String,
    issuer_common_name: String,
    key_algorithm: &'static str,
    key_label: &'static str,
    /// ISO 8601, UTC.
    not_after: String,
    thumbprint_sha1: String,
    thumbprint_sha256: String,
    certificate_path: String,
}

impl From<ChainEntry> for ChainEntryOut {
    fn from(e: ChainEntry) -> Self {
        let not_after = js_sys::Date::new(&((e.not_after_unix as f64) * 1000.0).into()).to_iso_string().into();
        Self {
            role: e.role,
            common_name: e.common_name,
            issuer_common_name: e.issuer_common_name,
            key_algorithm: e.key_algorithm.id(),
            key_label: e.key_algorithm.label(),
            not_after,
            thumbprint_sha1: e.thumbprint_sha1,
            thumbprint_sha256: e.thumbprint_sha256,
            certificate_path: e.certificate_path,
        }
    }
}

#[derive(Serialize)]
struct ChainOut {
    files: Vec<FileOut>,
    chain: Vec<ChainEntryOut>,
}

fn chain_out(chain: &TutorialChain) -> Result<JsValue, JsValue> {
    let files = chain.files().map_err(js_error)?;
    let entries = chain.entries().map_err(js_error)?;
    to_js(&ChainOut {
        files: files
            .into_iter()
            .map(file_out)
            .collect(),
        chain: entries.into_iter().map(ChainEntryOut::from).collect(),
    })
}

fn now_unix(now_ms: f64) -> u64 {
    (now_ms / 1000.0).floor().max(0.0) as u64
}

/// Throws unless `crypto.getRandomValues` is there: no weaker fallback.
#[wasm_bindgen(js_name = checkRandomSource)]
pub fn check_random_source() -> Result<(), JsValue> {
    random::ensure_available().map_err(js_error)
}

/// Checks the chain settings; throws an `Error` with `.field` on the first problem.
#[wasm_bindgen(js_name = validateChainSpec)]
pub fn validate_chain_spec(spec: JsValue) -> Result<u32, JsValue> {
    Ok(chain_spec(spec)?.key_count() as u32)
}

/// A fresh private key as unencrypted PKCS#8 DER. `algorithm`: `rsa-2048`,
/// `rsa-3072`, `rsa-4096`, `ec-p256` or `ec-p384`.
#[wasm_bindgen(js_name = generateKey)]
pub fn generate_key(algorithm: &str) -> Result<js_sys::Uint8Array, JsValue> {
    let algorithm = KeyAlgorithm::parse("keyAlgorithm", algorithm).map_err(js_error)?;
    let key = PrivateKey::generate(algorithm).map_err(js_error)?;
    // Copied straight into JS from the buffer that wipes itself, not via a Vec that wouldn't.
    Ok(js_sys::Uint8Array::from(key.to_pkcs8_der().map_err(js_error)?.as_slice()))
}

/// Builds the tutorial chain from keys made by [`generate_key`] (root,
/// intermediates from the root down, devices). Returns `{ files, chain }`.
#[wasm_bindgen(js_name = buildChain)]
pub fn build_chain(
    spec: JsValue,
    keys: Vec<js_sys::Uint8Array>,
    now_ms: f64,
    stretched_ca_password: JsValue,
    presigned: JsValue,
) -> Result<JsValue, JsValue> {
    let spec = chain_spec(spec)?;
    let keys_in = private_keys(&keys)?;
    let mut chain = if presigned.is_undefined() || presigned.is_null() {
        TutorialChain::build(spec, keys_in, now_unix(now_ms))
    } else {
        let presigned: PresignedIn = serde_wasm_bindgen::from_value(presigned)
            .map_err(|e| js_error(StudioError::general(format!("The signatures made outside the core are not valid: {e}."))))?;
        let plan = SigningPlan {
            requests: presigned.messages.into_iter().map(|m| SignatureRequest { public_key: Vec::new(), message: m.into_vec() }).collect(),
            serials: presigned.serials.into_iter().map(serde_bytes::ByteBuf::into_vec).collect(),
        };
        let signatures = presigned.signatures.into_iter().map(serde_bytes::ByteBuf::into_vec).collect();
        TutorialChain::build_presigned(spec, keys_in, now_unix(now_ms), plan, signatures)
    }
    .map_err(js_error)?;
    chain.stretched_ca_password = stretched_password(stretched_ca_password)?;
    chain_out(&chain)
}

/// What [`plan_chain_signatures`] returned, with the signatures JS made.
#[derive(Deserialize)]
struct PresignedIn {
    serials: Vec<serde_bytes::ByteBuf>,
    messages: Vec<serde_bytes::ByteBuf>,
    signatures: Vec<serde_bytes::ByteBuf>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SignatureRequestOut {
    key_index: usize,
    message: serde_bytes::ByteBuf,
}

#[derive(Serialize)]
struct SigningPlanOut {
    requests: Vec<SignatureRequestOut>,
    serials: Vec<serde_bytes::ByteBuf>,
}

/// The RSA signatures [`build_chain`] would make with these keys:
/// `{ requests: [{ keyIndex, message }], serials }`. Sign each message with
/// `keys[keyIndex]` (RSASSA-PKCS1-v1_5, SHA-256), then pass
/// `{ serials, messages, signatures }` to buildChain.
#[wasm_bindgen(js_name = planChainSignatures)]
pub fn plan_chain_signatures(spec: JsValue, keys: Vec<js_sys::Uint8Array>, now_ms: f64) -> Result<JsValue, JsValue> {
    use der::Encode;
    let spec = chain_spec(spec)?;
    let keys = private_keys(&keys)?;
    let public_keys = keys
        .iter()
        .map(|k| k.public_key_info().and_then(|spki| spki.to_der().map_err(|e| StudioError::internal("Public key encoding", e))))
        .collect::<Result<Vec<_>, _>>()
        .map_err(js_error)?;
    let plan = TutorialChain::plan_signatures(spec, keys, now_unix(now_ms)).map_err(js_error)?;
    let requests = plan
        .requests
        .into_iter()
        .map(|r| {
            let key_index = public_keys.iter().position(|k| *k == r.public_key).ok_or_else(|| js_error(StudioError::general("A planned signature has no key.")))?;
            Ok(SignatureRequestOut { key_index, message: serde_bytes::ByteBuf::from(r.message) })
        })
        .collect::<Result<Vec<_>, JsValue>>()?;
    to_js(&SigningPlanOut { requests, serials: plan.serials.into_iter().map(serde_bytes::ByteBuf::from).collect() })
}

/// PBKDF2-SHA256 rounds of the CA key password, for JS to stretch it natively.
#[wasm_bindgen(js_name = caKeyPasswordRounds)]
pub fn ca_key_password_rounds() -> u32 {
    crate::key::PKCS8_PBKDF2_ITERATIONS
}

#[derive(Deserialize)]
struct StretchedIn {
    salt: serde_bytes::ByteBuf,
    iterations: u32,
    #[serde(with = "serde_bytes_from_uint8array")]
    key: zeroize::Zeroizing<Vec<u8>>,
}

/// `{ salt, iterations, key }` from crypto.subtle.deriveBits (PBKDF2-SHA256),
/// or undefined to let the core stretch the password itself.
fn stretched_password(value: JsValue) -> Result<Option<PasswordKey>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    let input: StretchedIn = serde_wasm_bindgen::from_value(value)
        .map_err(|e| js_error(StudioError::general(format!("The stretched CA key password is not valid: {e}."))))?;
    PasswordKey::from_stretched(&input.salt, input.iterations, &input.key).map(Some).map_err(js_error)
}

/// Generates the keys and builds the chain in one call (for scripts and Node).
#[wasm_bindgen(js_name = makeChain)]
pub fn make_chain(spec: JsValue, now_ms: f64) -> Result<JsValue, JsValue> {
    let spec = chain_spec(spec)?;
    let chain = TutorialChain::generate(spec, now_unix(now_ms)).map_err(js_error)?;
    chain_out(&chain)
}

#[derive(Deserialize)]
struct FileIn {
    path: String,
    #[serde(with = "serde_bytes_from_uint8array")]
    contents: zeroize::Zeroizing<Vec<u8>>,
    #[serde(default)]
    secret: bool,
    #[serde(default)]
    description: String,
}

/// Files from JS may hold private keys: their copy in wasm memory wipes itself.
mod serde_bytes_from_uint8array {
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<zeroize::Zeroizing<Vec<u8>>, D::Error> {
        serde::Deserialize::deserialize(d).map(|b: serde_bytes::ByteBuf| zeroize::Zeroizing::new(b.into_vec()))
    }
}

/// `[{ path, contents: Uint8Array, secret?, description? }]` from JS; the
/// caller wipes the contents when done.
fn files_in(files: JsValue) -> Result<Vec<OutputFile>, JsValue> {
    let files: Vec<FileIn> = serde_wasm_bindgen::from_value(files)
        .map_err(|e| js_error(StudioError::general(format!("The file list is not valid: {e}."))))?;
    Ok(files
        .into_iter()
        .map(|mut f| OutputFile { path: f.path, contents: std::mem::take(&mut *f.contents), description: f.description, secret: f.secret })
        .collect())
}

/// A ZIP of `[{ path, contents: Uint8Array, secret? }]`.
#[wasm_bindgen(js_name = zipFiles)]
pub fn zip(files: JsValue) -> Result<js_sys::Uint8Array, JsValue> {
    let mut files = files_in(files)?;
    let zip = zip_files(&files).map(zeroize::Zeroizing::new);
    for file in &mut files {
        zeroize::Zeroize::zeroize(&mut file.contents);
    }
    Ok(js_sys::Uint8Array::from(zip.map_err(js_error)?.as_slice()))
}

// ---------------------------------------------------------------------------
// Formats (issue 4): PFX and snippet settings, IoT Edge, individual
// enrollment, key encodings.

use crate::edge::{EdgeChain, EdgeSpec};
use crate::enrollment::{EnrollmentSpec, IndividualEnrollment};
use crate::pfx::{PfxOptions, PfxProfile};
use crate::snippets::SnippetSettings;

/// The PFX and snippet fields every form shares; missing ones take the
/// tutorial's values (modern PFX, password `1234`) or show placeholders.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct FormatsInput {
    pfx_profile: String,
    pfx_password: String,
    id_scope: String,
    hub_name: String,
    folder: String,
    dps_name: String,
    resource_group: String,
}

impl Default for FormatsInput {
    fn default() -> Self {
        let pfx = PfxOptions::default();
        Self {
            pfx_profile: pfx.profile.id().into(),
            pfx_password: pfx.password,
            id_scope: String::new(),
            hub_name: String::new(),
            folder: String::new(),
            dps_name: String::new(),
            resource_group: String::new(),
        }
    }
}

impl FormatsInput {
    fn pfx(&self) -> Result<PfxOptions, StudioError> {
        Ok(PfxOptions { profile: PfxProfile::parse("pfxProfile", &self.pfx_profile)?, password: self.pfx_password.clone() })
    }

    fn snippets(&self) -> SnippetSettings {
        let field = |v: &String| Some(v.clone()).filter(|v| !v.trim().is_empty());
        SnippetSettings {
            id_scope: field(&self.id_scope),
            hub_name: field(&self.hub_name),
            folder: field(&self.folder),
            dps_name: field(&self.dps_name),
            resource_group: field(&self.resource_group),
        }
    }
}

fn input<T: for<'de> Deserialize<'de> + Default>(value: JsValue, what: &str) -> Result<T, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| js_error(StudioError::general(format!("The {what} settings are not valid: {e}."))))
}

/// `undefined`/`null` → `None` (generate here); otherwise an array of PKCS#8 DER `Uint8Array`s.
fn keys_input(keys: JsValue) -> Result<Option<Vec<PrivateKey>>, JsValue> {
    if keys.is_undefined() || keys.is_null() {
        return Ok(None);
    }
    if !js_sys::Array::is_array(&keys) {
        return Err(js_error(StudioError::general("The keys must be an array of PKCS#8 DER Uint8Arrays.")));
    }
    js_sys::Array::from(&keys)
        .iter()
        .map(|k| {
            let bytes = k
                .dyn_into::<js_sys::Uint8Array>()
                .map_err(|_| js_error(StudioError::general("Each key must be a Uint8Array of PKCS#8 DER.")))?;
            PrivateKey::from_pkcs8_der(&zeroize::Zeroizing::new(bytes.to_vec())).map_err(js_error)
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

fn files_and_chain(files: Result<Vec<OutputFile>, StudioError>, entries: Result<Vec<ChainEntry>, StudioError>) -> Result<JsValue, JsValue> {
    to_js(&ChainOut {
        files: files
            .map_err(js_error)?
            .into_iter()
            .map(file_out)
            .collect(),
        chain: entries.map_err(js_error)?.into_iter().map(ChainEntryOut::from).collect(),
    })
}

/// The IoT Edge form, as JS sends it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct EdgeSpecInput {
    ca_key_algorithm: String,
    leaf_key_algorithm: String,
    root_cn: String,
    intermediate_cn: String,
    device_name: String,
    dns_names: Vec<String>,
    validity_days: u32,
    iot_edge11: bool,
    ca_key_password: String,
    #[serde(flatten)]
    formats: FormatsInput,
}

impl Default for EdgeSpecInput {
    fn default() -> Self {
        let spec = EdgeSpec::default();
        Self {
            ca_key_algorithm: spec.ca_key_algorithm.id().into(),
            leaf_key_algorithm: spec.leaf_key_algorithm.id().into(),
            root_cn: spec.root_common_name,
            intermediate_cn: spec.intermediate_common_name,
            device_name: spec.device_name,
            dns_names: spec.server_dns_names,
            validity_days: spec.validity_days,
            iot_edge11: spec.iot_edge_1_1,
            ca_key_password: spec.ca_key_password.unwrap_or_default(),
            formats: FormatsInput::default(),
        }
    }
}

fn edge_spec(value: JsValue, now_ms: f64) -> Result<EdgeSpec, JsValue> {
    let input: EdgeSpecInput = input(value, "IoT Edge")?;
    let spec = EdgeSpec {
        ca_key_algorithm: KeyAlgorithm::parse("caKeyAlgorithm", &input.ca_key_algorithm).map_err(js_error)?,
        leaf_key_algorithm: KeyAlgorithm::parse("leafKeyAlgorithm", &input.leaf_key_algorithm).map_err(js_error)?,
        root_common_name: input.root_cn,
        intermediate_common_name: input.intermediate_cn,
        device_name: input.device_name,
        server_dns_names: input.dns_names.into_iter().map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).collect(),
        validity_days: input.validity_days,
        iot_edge_1_1: input.iot_edge11,
        ca_key_password: Some(input.ca_key_password).filter(|p| !p.is_empty()),
        pfx: input.formats.pfx().map_err(js_error)?,
        snippets: input.formats.snippets(),
    };
    spec.validate(now_unix(now_ms)).map_err(js_error)?;
    Ok(spec)
}

/// Checks the IoT Edge form and returns the key algorithm ids to generate,
/// in `makeEdgeChain` order: root, intermediate, device CA, identity, [server].
#[wasm_bindgen(js_name = edgeKeyAlgorithms)]
pub fn edge_key_algorithms(spec: JsValue, now_ms: f64) -> Result<Vec<String>, JsValue> {
    Ok(edge_spec(spec, now_ms)?.key_algorithms().into_iter().map(|a| a.id().to_string()).collect())
}

/// The IoT Edge chain and its files. `keys`: `undefined` to generate them
/// here, or PKCS#8 DER `Uint8Array`s in `edgeKeyAlgorithms` order.
#[wasm_bindgen(js_name = makeEdgeChain)]
pub fn make_edge_chain(spec: JsValue, keys: JsValue, now_ms: f64, stretched_ca_password: JsValue) -> Result<JsValue, JsValue> {
    let spec = edge_spec(spec, now_ms)?;
    let mut chain = match keys_input(keys)? {
        Some(keys) => EdgeChain::build(spec, keys, now_unix(now_ms)),
        None => EdgeChain::generate(spec, now_unix(now_ms)),
    }
    .map_err(js_error)?;
    chain.stretched_ca_password = stretched_password(stretched_ca_password)?;
    files_and_chain(chain.files(), chain.entries())
}

/// The individual-enrollment form, as JS sends it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct EnrollmentSpecInput {
    key_algorithm: String,
    registration_id: String,
    validity_days: u32,
    with_secondary: bool,
    key_format: String,
    #[serde(flatten)]
    formats: FormatsInput,
}

impl Default for EnrollmentSpecInput {
    fn default() -> Self {
        let spec = EnrollmentSpec::default();
        Self {
            key_algorithm: spec.key_algorithm.id().into(),
            registration_id: spec.registration_id,
            validity_days: spec.validity_days,
            with_secondary: spec.with_secondary,
            key_format: "pkcs8".into(),
            formats: FormatsInput::default(),
        }
    }
}

fn enrollment_spec(value: JsValue) -> Result<EnrollmentSpec, JsValue> {
    let input: EnrollmentSpecInput = input(value, "enrollment")?;
    let spec = EnrollmentSpec {
        key_algorithm: KeyAlgorithm::parse("keyAlgorithm", &input.key_algorithm).map_err(js_error)?,
        registration_id: input.registration_id,
        validity_days: input.validity_days,
        with_secondary: input.with_secondary,
        device_key_encoding: KeyEncoding::parse("keyFormat", &input.key_format).map_err(js_error)?,
        pfx: input.formats.pfx().map_err(js_error)?,
        snippets: input.formats.snippets(),
    };
    spec.validate().map_err(js_error)?;
    Ok(spec)
}

/// Checks the enrollment form; returns how many keys it needs (1, or 2 with a secondary).
#[wasm_bindgen(js_name = validateEnrollmentSpec)]
pub fn validate_enrollment_spec(spec: JsValue) -> Result<u32, JsValue> {
    Ok(enrollment_spec(spec)?.key_count() as u32)
}

/// Self-signed device certificate(s) for an individual enrollment, and their
/// files. `keys`: `undefined` to generate here, or PKCS#8 DER `Uint8Array`s
/// (primary, then secondary).
#[wasm_bindgen(js_name = makeIndividualEnrollment)]
pub fn make_individual_enrollment(spec: JsValue, keys: JsValue, now_ms: f64) -> Result<JsValue, JsValue> {
    let spec = enrollment_spec(spec)?;
    let enrollment = match keys_input(keys)? {
        Some(keys) => IndividualEnrollment::build(spec, keys, now_unix(now_ms)),
        None => IndividualEnrollment::generate(spec, now_unix(now_ms)),
    }
    .map_err(js_error)?;
    files_and_chain(enrollment.files(), enrollment.entries())
}

/// A PKCS#8 DER key as PEM text: `keyFormat` `pkcs8` (encrypted with PBES2
/// when `password` is a non-empty string) or `traditional` (PKCS#1 for RSA,
/// SEC1 for EC; refuses a password).
#[wasm_bindgen(js_name = encodeKey)]
pub fn encode_key(pkcs8: &[u8], key_format: &str, password: Option<String>) -> Result<String, JsValue> {
    let key = PrivateKey::from_pkcs8_der(pkcs8).map_err(js_error)?;
    let encoding = KeyEncoding::parse("keyFormat", key_format).map_err(js_error)?;
    let password = password.filter(|p| !p.is_empty());
    Ok(key.to_pem(encoding, password.as_deref()).map_err(js_error)?.to_string())
}

// ---------------------------------------------------------------------------
// Bring your own CA: import, verification certificates, signing, inspect.
//
// Imported CAs stay in this wasm instance (a registry keyed by a number handed
// to JS), so their keys never cross into JS again. A page that imports in a
// worker must make its later calls for that CA in the same worker.
//
// Only with the `ca-tools` feature: the page's main module leaves them out.
// ---------------------------------------------------------------------------

#[cfg(feature = "ca-tools")]
use std::cell::RefCell;
#[cfg(feature = "ca-tools")]
use std::collections::BTreeMap;

#[cfg(feature = "ca-tools")]
use crate::ca_signing::{self, CsrProfile};
#[cfg(feature = "ca-tools")]
use crate::certificate::{self, certificate_pem};
#[cfg(feature = "ca-tools")]
use crate::import::{self, ImportedCa};
#[cfg(feature = "ca-tools")]
use crate::inspect;
#[cfg(feature = "ca-tools")]
use crate::pem_file::InputFile;
#[cfg(feature = "ca-tools")]
use crate::verification::VerificationCertificate;

#[cfg(feature = "ca-tools")]
thread_local! {
    static IMPORTED: RefCell<(u32, BTreeMap<u32, ImportedCa>)> = const { RefCell::new((0, BTreeMap::new())) };
}

#[cfg(feature = "ca-tools")]
fn with_ca<T>(id: u32, f: impl FnOnce(&ImportedCa) -> Result<T, JsValue>) -> Result<T, JsValue> {
    IMPORTED.with(|cell| {
        let registry = cell.borrow();
        let ca = registry.1.get(&id).ok_or_else(|| {
            js_error(StudioError::field("ca", "That CA is no longer loaded (the page was reloaded?); import it again."))
        })?;
        f(ca)
    })
}

/// A dropped or picked file, as JS sends it.
#[cfg(feature = "ca-tools")]
#[derive(Deserialize)]
struct NamedFileIn {
    name: String,
    #[serde(with = "serde_bytes_from_uint8array")]
    contents: zeroize::Zeroizing<Vec<u8>>,
}

#[cfg(feature = "ca-tools")]
fn input_files(files: &[NamedFileIn]) -> Vec<InputFile<'_>> {
    files.iter().map(|f| InputFile { name: &f.name, contents: &f.contents }).collect()
}

#[cfg(feature = "ca-tools")]
fn parse_input<T: for<'de> Deserialize<'de>>(what: &str, input: JsValue) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(input)
        .map_err(|e| js_error(StudioError::general(format!("The {what} request is not valid: {e}."))))
}

#[cfg(feature = "ca-tools")]
fn iso_time(unix: u64) -> String {
    js_sys::Date::new(&((unix as f64) * 1000.0).into()).to_iso_string().into()
}

#[cfg(feature = "ca-tools")]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FilesInput {
    files: Vec<NamedFileIn>,
    #[serde(default)]
    password: Option<String>,
    now_ms: f64,
}

#[cfg(feature = "ca-tools")]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ImportedCaOut {
    id: u32,
    common_name: String,
    subject: String,
    issuer: String,
    /// `root` (self-signed) or `intermediate`.
    role: &'static str,
    key_algorithm: &'static str,
    key_label: &'static str,
    not_after: String,
    thumbprint_sha1: String,
    certificate_pem: String,
    certificate_file: String,
    key_file: String,
    /// PEMs of the certificates above the CA found in the files, issuer first.
    chain_pems: Vec<String>,
    /// Whether the CA plus `chainPems` reach a self-signed root (if not,
    /// signDevices needs the rest of the chain).
    reaches_root: bool,
}

#[cfg(feature = "ca-tools")]
fn imported_out(id: u32, ca: &ImportedCa) -> Result<ImportedCaOut, JsValue> {
    let tbs = ca.issuer.certificate.tbs_certificate();
    let algorithm = ca.issuer.key.algorithm();
    Ok(ImportedCaOut {
        id,
        common_name: ca.common_name(),
        subject: inspect::describe_name(tbs.subject()),
        issuer: inspect::describe_name(tbs.issuer()),
        role: if ca.is_root() { "root" } else { "intermediate" },
        key_algorithm: algorithm.id(),
        key_label: algorithm.label(),
        not_after: iso_time(certificate::not_after_unix(&ca.issuer.certificate)),
        thumbprint_sha1: certificate::thumbprint_sha1(&ca.issuer.certificate).map_err(js_error)?,
        certificate_pem: certificate_pem(&ca.issuer.certificate).map_err(js_error)?,
        certificate_file: ca.certificate_file.clone(),
        key_file: ca.key_file.clone(),
        chain_pems: ca.chain.iter().map(certificate_pem).collect::<Result<_, _>>().map_err(js_error)?,
        reaches_root: ca.chain_to_root(&[]).is_ok(),
    })
}

/// `importCa({ files: [{ name, contents: Uint8Array }], password?, nowMs })`
/// → `{ cas: [ImportedCa…] }`, roots first. Throws an `Error` whose `.field`
/// is `password` when a file is encrypted and no / a wrong password was given,
/// else `files`.
#[cfg(feature = "ca-tools")]
#[wasm_bindgen(js_name = importCa)]
pub fn import_ca(input: JsValue) -> Result<JsValue, JsValue> {
    let input: FilesInput = parse_input("import", input)?;
    let files = input_files(&input.files);
    let cas = import::import_cas(&files, input.password.as_deref(), now_unix(input.now_ms)).map_err(js_error)?;
    let mut out = Vec::new();
    IMPORTED.with(|cell| {
        let mut registry = cell.borrow_mut();
        for ca in cas {
            registry.0 += 1;
            let id = registry.0;
            out.push(imported_out(id, &ca)?);
            registry.1.insert(id, ca);
        }
        Ok::<(), JsValue>(())
    })?;
    #[derive(Serialize)]
    struct Out {
        cas: Vec<ImportedCaOut>,
    }
    to_js(&Out { cas: out })
}

/// Drops an imported CA (and its key) from memory.
#[cfg(feature = "ca-tools")]
#[wasm_bindgen(js_name = forgetCa)]
pub fn forget_ca(id: u32) -> bool {
    IMPORTED.with(|cell| cell.borrow_mut().1.remove(&id).is_some())
}

/// `makeVerificationCertificate(caId, code, nowMs)` → `{ commonName,
/// thumbprintSha1, certificatePem, files }`; `.field` `verificationCode` on a bad code.
#[cfg(feature = "ca-tools")]
#[wasm_bindgen(js_name = makeVerificationCertificate)]
pub fn make_verification_certificate(ca_id: u32, code: &str, now_ms: f64) -> Result<JsValue, JsValue> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Out {
        common_name: String,
        thumbprint_sha1: String,
        certificate_pem: String,
        files: Vec<FileOut>,
    }
    with_ca(ca_id, |ca| {
        let made = VerificationCertificate::make(&ca.issuer, code, now_unix(now_ms)).map_err(js_error)?;
        to_js(&Out {
            common_name: made.code.clone(),
            thumbprint_sha1: made.thumbprint_sha1().map_err(js_error)?,
            certificate_pem: certificate_pem(&made.certificate).map_err(js_error)?,
            files: made.files().map_err(js_error)?.into_iter().map(file_out).collect(),
        })
    })
}

#[cfg(feature = "ca-tools")]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignDevicesInput {
    ca_id: u32,
    devices: Vec<String>,
    #[serde(default)]
    chain: Vec<NamedFileIn>,
    #[serde(default)]
    key_algorithm: Option<String>,
    now_ms: f64,
}

/// `signDevices({ caId, devices: [id…], chain?: [{ name, contents }],
/// keyAlgorithm?, nowMs })` → `{ files }` (per device: cert, full chain, key).
/// `.field` `chain` when the chain can't be completed up to a root.
#[cfg(feature = "ca-tools")]
#[wasm_bindgen(js_name = signDevices)]
pub fn sign_devices(input: JsValue) -> Result<JsValue, JsValue> {
    let input: SignDevicesInput = parse_input("signing", input)?;
    let extra = ca_signing::extra_chain(&input_files(&input.chain)).map_err(js_error)?;
    with_ca(input.ca_id, |ca| {
        let algorithm = match &input.key_algorithm {
            Some(id) => KeyAlgorithm::parse("keyAlgorithm", id).map_err(js_error)?,
            None => ca.issuer.key.algorithm(),
        };
        let files = ca_signing::sign_devices(ca, &extra, &input.devices, algorithm, now_unix(input.now_ms)).map_err(js_error)?;
        #[derive(Serialize)]
        struct Out {
            files: Vec<FileOut>,
        }
        to_js(&Out { files: files.into_iter().map(file_out).collect() })
    })
}

#[cfg(feature = "ca-tools")]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignCsrInput {
    ca_id: u32,
    csr: NamedFileIn,
    profile: String,
    now_ms: f64,
}

/// `signCsr({ caId, csr: { name, contents }, profile: "device" | "server", nowMs })`
/// → `{ commonName, thumbprintSha1, file }`. `.field` `csr` for a bad CSR.
#[cfg(feature = "ca-tools")]
#[wasm_bindgen(js_name = signCsr)]
pub fn sign_csr(input: JsValue) -> Result<JsValue, JsValue> {
    let input: SignCsrInput = parse_input("CSR signing", input)?;
    let profile = CsrProfile::parse(&input.profile).map_err(js_error)?;
    let csr = InputFile { name: &input.csr.name, contents: &input.csr.contents };
    with_ca(input.ca_id, |ca| {
        let signed = ca_signing::sign_request(ca, &csr, profile, now_unix(input.now_ms)).map_err(js_error)?;
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Out {
            common_name: String,
            thumbprint_sha1: String,
            file: FileOut,
        }
        to_js(&Out {
            common_name: signed.common_name,
            thumbprint_sha1: certificate::thumbprint_sha1(&signed.certificate).map_err(js_error)?,
            file: file_out(signed.file),
        })
    })
}

/// `inspect({ files: [{ name, contents }], password?, nowMs })` → the
/// `Inspection` of crate::inspect: `{ certificates, requests, keys, chain }`.
#[cfg(feature = "ca-tools")]
#[wasm_bindgen(js_name = inspect)]
pub fn inspect_files(input: JsValue) -> Result<JsValue, JsValue> {
    let input: FilesInput = parse_input("inspect", input)?;
    let files = input_files(&input.files);
    let inspection = inspect::inspect(&files, input.password.as_deref(), now_unix(input.now_ms)).map_err(js_error)?;
    to_js(&inspection)
}

// ---------------------------------------------------------------------------
// Batches (issue 5): the device list, the CA made once, chunks of devices on
// any worker, and one streamed ZIP.

/// The registration IDs of the device list (lines, `{001..500}` ranges, CSV);
/// throws with `.field = "devices"` naming every bad line.
#[wasm_bindgen(js_name = parseDeviceList)]
pub fn parse_device_list(text: &str) -> Result<Vec<String>, JsValue> {
    crate::device_list::parse_device_list("devices", text).map_err(js_error)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BatchCaOut {
    files: Vec<FileOut>,
    chain: Vec<ChainEntryOut>,
    /// What every chunk job needs to sign: the signing CA's common name and
    /// key (PKCS#8 DER), and the CA certificates (DER) from the root down.
    signer_common_name: String,
    #[serde(with = "serde_bytes_as_uint8array")]
    signer_key: zeroize::Zeroizing<Vec<u8>>,
    ca_certificates: Vec<serde_bytes::ByteBuf>,
}

/// Makes a batch's root and intermediates from `keys` (root first):
/// `{ files, chain, signerKey, caCertificates }`. The spec's device list is not
/// used (the batch checked it with [`parse_device_list`]).
#[wasm_bindgen(js_name = makeBatchCa)]
pub fn make_batch_ca(spec: JsValue, keys: Vec<js_sys::Uint8Array>, now_ms: f64, stretched_ca_password: JsValue) -> Result<JsValue, JsValue> {
    let spec = chain_settings(spec)?;
    let mut ca = TutorialChain::build_ca(spec, private_keys(&keys)?, now_unix(now_ms)).map_err(js_error)?;
    ca.stretched_ca_password = stretched_password(stretched_ca_password)?;
    let files = ca.ca_files().map_err(js_error)?;
    to_js(&BatchCaOut {
        files: files.into_iter().map(file_out).collect(),
        chain: ca.entries().map_err(js_error)?.into_iter().map(ChainEntryOut::from).collect(),
        signer_common_name: ca.device_signer().common_name(),
        signer_key: ca.device_signer().key.to_pkcs8_der().map_err(js_error)?,
        ca_certificates: ca.ca_certificates_der().map_err(js_error)?.into_iter().map(serde_bytes::ByteBuf::from).collect(),
    })
}

fn private_keys(keys: &[js_sys::Uint8Array]) -> Result<Vec<PrivateKey>, JsValue> {
    keys.iter().map(|k| PrivateKey::from_pkcs8_der(&zeroize::Zeroizing::new(k.to_vec()))).collect::<Result<Vec<_>, _>>().map_err(js_error)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeviceChunkOut {
    first_index: usize,
    files: Vec<FileOut>,
    csv_rows: String,
    readme_example: Option<String>,
}

/// Issues the devices `ids` (the batch's `firstIndex`-th onwards) under the
/// batch's CA (`signerCommonName`, `signerKey` and `caCertificates` as
/// makeBatchCa returned them), with `keys` (PKCS#8 DER) or, when empty, fresh
/// keys from the core: `{ firstIndex, files, csvRows, readmeExample }` for
/// [`BatchArchiveJs::add_chunk`].
#[wasm_bindgen(js_name = issueDeviceChunk)]
#[allow(clippy::too_many_arguments)]
pub fn issue_device_chunk(
    spec: JsValue,
    signer_common_name: &str,
    signer_key: &[u8],
    ca_certificates: Vec<js_sys::Uint8Array>,
    ids: Vec<String>,
    first_index: u32,
    keys: Vec<js_sys::Uint8Array>,
    now_ms: f64,
) -> Result<JsValue, JsValue> {
    let spec = chain_settings(spec)?;
    let signer_key = PrivateKey::from_pkcs8_der(&zeroize::Zeroizing::new(signer_key.to_vec())).map_err(js_error)?;
    let ca_der: Vec<Vec<u8>> = ca_certificates.iter().map(|c| c.to_vec()).collect();
    let signer = BatchSigner::new(spec, signer_common_name, signer_key, ca_der).map_err(js_error)?;
    let chunk = DeviceChunk::issue(&signer, &ids, private_keys(&keys)?, first_index as usize, now_unix(now_ms)).map_err(js_error)?;
    to_js(&DeviceChunkOut {
        first_index: chunk.first_index,
        files: chunk.files.into_iter().map(file_out).collect(),
        csv_rows: chunk.csv_rows,
        readme_example: chunk.readme_example,
    })
}

/// The batch's one ZIP, written as chunks arrive; `takeOutput()` hands over
/// each new piece so the page can keep it as a Blob part.
#[wasm_bindgen(js_name = BatchArchive)]
pub struct BatchArchiveJs(Option<BatchArchive>);

#[wasm_bindgen(js_class = BatchArchive)]
impl BatchArchiveJs {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Self {
        Self(Some(BatchArchive::default()))
    }

    fn archive(&mut self) -> Result<&mut BatchArchive, JsValue> {
        self.0.as_mut().ok_or_else(|| js_error(StudioError::general("The batch's ZIP is already finished.")))
    }

    /// `[{ path, contents, secret?, description? }]`: the CA's files.
    #[wasm_bindgen(js_name = addFiles)]
    pub fn add_files(&mut self, files: JsValue) -> Result<(), JsValue> {
        let mut files = files_in(files)?;
        let added = self.archive()?.add_files(&files);
        for file in &mut files {
            zeroize::Zeroize::zeroize(&mut file.contents);
        }
        added.map_err(js_error)
    }

    /// A chunk as [`issue_device_chunk`] returned it, field by field:
    /// `addChunk(firstIndex, files, csvRows, readmeExample)`.
    #[wasm_bindgen(js_name = addChunk)]
    pub fn add_chunk(&mut self, first_index: u32, files: JsValue, csv_rows: String, readme_example: Option<String>) -> Result<(), JsValue> {
        let mut chunk = DeviceChunk { first_index: first_index as usize, files: files_in(files)?, csv_rows, readme_example };
        let added = self.archive()?.add_chunk(&chunk);
        for file in &mut chunk.files {
            zeroize::Zeroize::zeroize(&mut file.contents);
        }
        added.map_err(js_error)
    }

    #[wasm_bindgen(getter, js_name = deviceCount)]
    pub fn device_count(&self) -> u32 {
        self.0.as_ref().map_or(0, |a| a.device_count() as u32)
    }

    /// Files in the ZIP so far (devices.csv and README.txt come with `finish`).
    #[wasm_bindgen(getter, js_name = fileCount)]
    pub fn file_count(&self) -> u32 {
        self.0.as_ref().map_or(0, |a| a.file_count() as u32)
    }

    /// The ZIP's bytes written since the last call.
    #[wasm_bindgen(js_name = takeOutput)]
    pub fn take_output(&mut self) -> Result<js_sys::Uint8Array, JsValue> {
        let bytes = zeroize::Zeroizing::new(self.archive()?.take_output());
        Ok(js_sys::Uint8Array::from(bytes.as_slice()))
    }

    /// Writes `devices.csv`, `README.txt` and the directory: the last bytes.
    /// `requested` is the list's length, so a cancelled batch says how far it got.
    pub fn finish(&mut self, intermediates: u32, requested: u32) -> Result<js_sys::Uint8Array, JsValue> {
        let archive = self.0.take().ok_or_else(|| js_error(StudioError::general("The batch's ZIP is already finished.")))?;
        let title = batch_title(intermediates as usize, archive.device_count(), requested as usize);
        let bytes = zeroize::Zeroizing::new(archive.finish(&title).map_err(js_error)?);
        Ok(js_sys::Uint8Array::from(bytes.as_slice()))
    }
}

impl Default for BatchArchiveJs {
    fn default() -> Self {
        Self::new()
    }
}
