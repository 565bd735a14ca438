//! The JS API: one thin layer over the core. Every error reaches JS as a real
//! `Error` whose `field` property names the form field it belongs to.

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::archive::{OutputFile, zip_files};
use crate::chain::{ChainEntry, ChainSpec, TutorialChain};
use crate::error::StudioError;
use crate::key::{KeyAlgorithm, KeyEncoding, PrivateKey};
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
        // json_compatible() alone would turn file contents into arrays of numbers.
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
        }
    }
}

fn chain_spec(input: JsValue) -> Result<ChainSpec, JsValue> {
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
    };
    spec.validate().map_err(js_error)?;
    Ok(spec)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FileOut {
    path: String,
    description: String,
    secret: bool,
    #[serde(with = "serde_bytes_as_uint8array")]
    contents: Vec<u8>,
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
            .map(|f| FileOut { path: f.path, description: f.description, secret: f.secret, contents: f.contents })
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
pub fn generate_key(algorithm: &str) -> Result<Vec<u8>, JsValue> {
    let algorithm = KeyAlgorithm::parse("keyAlgorithm", algorithm).map_err(js_error)?;
    let key = PrivateKey::generate(algorithm).map_err(js_error)?;
    Ok(key.to_pkcs8_der().map_err(js_error)?.to_vec())
}

/// Builds the tutorial chain from keys made by [`generate_key`] (root,
/// intermediates from the root down, devices). Returns `{ files, chain }`.
#[wasm_bindgen(js_name = buildChain)]
pub fn build_chain(spec: JsValue, keys: Vec<js_sys::Uint8Array>, now_ms: f64) -> Result<JsValue, JsValue> {
    let spec = chain_spec(spec)?;
    let keys = keys
        .iter()
        .map(|k| PrivateKey::from_pkcs8_der(&zeroize::Zeroizing::new(k.to_vec())))
        .collect::<Result<Vec<_>, _>>()
        .map_err(js_error)?;
    let chain = TutorialChain::build(spec, keys, now_unix(now_ms)).map_err(js_error)?;
    chain_out(&chain)
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
    contents: Vec<u8>,
    #[serde(default)]
    secret: bool,
}

mod serde_bytes_from_uint8array {
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        serde::Deserialize::deserialize(d).map(|b: serde_bytes::ByteBuf| b.into_vec())
    }
}

/// A ZIP of `[{ path, contents: Uint8Array, secret? }]`.
#[wasm_bindgen(js_name = zipFiles)]
pub fn zip(files: JsValue) -> Result<Vec<u8>, JsValue> {
    let files: Vec<FileIn> = serde_wasm_bindgen::from_value(files)
        .map_err(|e| js_error(StudioError::general(format!("The file list is not valid: {e}."))))?;
    let files: Vec<OutputFile> = files
        .into_iter()
        .map(|f| OutputFile { path: f.path, contents: f.contents, description: String::new(), secret: f.secret })
        .collect();
    zip_files(&files).map_err(js_error)
}
