//! The JS API: one thin layer over the core that only converts. Every export
//! takes one request object (read by [`request`], so an error names the
//! request's field) and returns an object. Errors reach JS as real `Error`s
//! whose `field` names the form field (`From<StudioError>`); specs are the
//! core's forms, so their defaults are the core's. Imported CAs live in a
//! `CaSession` that JS holds (ca.rs).

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::error::StudioError;
use crate::make::{ChainEntry, Product};
use crate::output::file::OutputFile;
use crate::output::layout::snippet_samples_json;
use crate::output::zip::zip_files;
use crate::x509::key::{KeyAlgorithm, PKCS8_PBKDF2_ITERATIONS, PrivateKey};
use crate::x509::password_key::PasswordKey;
use crate::x509::random;

mod chain;
mod products;
mod request;
mod types;

use request::request;

#[cfg(feature = "ca-tools")]
mod ca;
// In the CA module: the page's main module has no room left (bench row e).
#[cfg(feature = "ca-tools")]
mod event_grid;
#[cfg(feature = "ca-tools")]
mod scenarios;
#[cfg(feature = "ca-tools")]
mod script_batch;

impl From<StudioError> for JsValue {
    fn from(error: StudioError) -> Self {
        let js = js_sys::Error::new(&error.message);
        if let Some(field) = error.field {
            let _ = js_sys::Reflect::set(&js, &"field".into(), &field.into());
        }
        js.into()
    }
}

type JsResult<T> = Result<T, JsValue>;

fn to_js(value: &impl Serialize) -> JsResult<JsValue> {
    // json_compatible() alone would send bytes as plain arrays of numbers.
    let serializer = serde_wasm_bindgen::Serializer::json_compatible().serialize_bytes_as_arrays(false);
    Ok(value.serialize(&serializer).map_err(|e| StudioError::internal("Result conversion", e))?)
}

/// A JS object as `T`; `undefined` or `null` is `T::default()` (the tutorial's settings).
fn from_js<T: for<'de> Deserialize<'de> + Default>(value: JsValue, what: &str) -> JsResult<T> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    Ok(serde_wasm_bindgen::from_value(value).map_err(|e| StudioError::general(format!("The {what} are not valid: {e}.")))?)
}

fn now_unix(now_ms: f64) -> u64 {
    (now_ms / 1000.0).floor().max(0.0) as u64
}

/// Bytes as a `Uint8Array` rather than an array of numbers.
mod bytes_as_uint8array {
    pub fn serialize<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(bytes)
    }

    /// Bytes from JS may be private keys: their copy in wasm memory wipes itself.
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<zeroize::Zeroizing<Vec<u8>>, D::Error> {
        serde::Deserialize::deserialize(d).map(|b: serde_bytes::ByteBuf| zeroize::Zeroizing::new(b.into_vec()))
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FileOut {
    path: String,
    description: String,
    secret: bool,
    /// Wiped once JS has its copy: secret files hold private keys.
    #[serde(with = "bytes_as_uint8array")]
    contents: zeroize::Zeroizing<Vec<u8>>,
}

impl From<OutputFile> for FileOut {
    fn from(f: OutputFile) -> Self {
        Self { path: f.path, description: f.description, secret: f.secret, contents: zeroize::Zeroizing::new(f.contents) }
    }
}

fn files_out(files: Vec<OutputFile>) -> Vec<FileOut> {
    files.into_iter().map(FileOut::from).collect()
}

/// Any product as `{ files, chain }`.
fn product_out(product: &impl Product) -> JsResult<JsValue> {
    #[derive(Serialize)]
    struct Out {
        files: Vec<FileOut>,
        chain: Vec<ChainEntry>,
    }
    to_js(&Out { files: files_out(product.files()?), chain: product.entries()? })
}

/// Keys made elsewhere, the one convention: `undefined`/`null` → `None`
/// (the core generates them); else an array of PKCS#8 DER `Uint8Array`s.
fn keys_in(keys: JsValue) -> Result<Option<Vec<PrivateKey>>, StudioError> {
    if keys.is_undefined() || keys.is_null() {
        return Ok(None);
    }
    if !js_sys::Array::is_array(&keys) {
        return Err(StudioError::general("The keys must be an array of PKCS#8 DER Uint8Arrays."));
    }
    js_sys::Array::from(&keys).iter().map(|k| key_in(&k)).collect::<Result<Vec<_>, _>>().map(Some)
}

fn key_in(key: &JsValue) -> Result<PrivateKey, StudioError> {
    let bytes = key.dyn_ref::<js_sys::Uint8Array>().ok_or_else(|| StudioError::general("Each key must be a Uint8Array of PKCS#8 DER."))?;
    PrivateKey::from_pkcs8_der(&zeroize::Zeroizing::new(bytes.to_vec()))
}

/// `error`, said of the request's `field` unless it names one already.
fn of_field(field: &str) -> impl FnOnce(StudioError) -> StudioError + '_ {
    move |error| StudioError { field: error.field.or_else(|| Some(field.into())), ..error }
}

/// A request about one of the forms: `{ spec, keys?, nowMs, stretchedCaPassword?,
/// presigned? }`; each export reads the fields it documents. `keys`: PKCS#8
/// DER in the order the product names, or none to generate them here. One
/// shape for every form, its values kept as JS values until read, keeps the
/// page's module small.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FormRequest {
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    spec: JsValue,
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    keys: JsValue,
    #[serde(default)]
    now_ms: Option<f64>,
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    stretched_ca_password: JsValue,
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    presigned: JsValue,
}

impl FormRequest {
    /// The form's settings; none: the tutorial's.
    fn spec<F: for<'de> Deserialize<'de> + Default>(&mut self) -> JsResult<F> {
        let spec = std::mem::take(&mut self.spec);
        if spec.is_undefined() || spec.is_null() {
            return Ok(F::default());
        }
        Ok(serde_wasm_bindgen::from_value(spec)
            .map_err(|e| StudioError::field("spec", format!("The request's spec is not valid: {}.", request::serde_message(&e))))?)
    }

    /// `nowMs` in seconds; `export` needs it.
    fn now(&self, export: &str) -> JsResult<u64> {
        let now_ms = self.now_ms.ok_or_else(|| StudioError::field("nowMs", format!("{export}: the request's nowMs is missing.")))?;
        Ok(now_unix(now_ms))
    }

    fn keys(&mut self) -> JsResult<Option<Vec<PrivateKey>>> {
        Ok(keys_in(std::mem::take(&mut self.keys)).map_err(of_field("keys"))?)
    }

    fn stretched_ca_password(&mut self) -> JsResult<Option<PasswordKey>> {
        Ok(stretched_password(std::mem::take(&mut self.stretched_ca_password)).map_err(of_field("stretchedCaPassword"))?)
    }
}

/// A plain object `{ name: value }`, built without serde (cheaper in the page's module).
fn object_with(name: &str, value: &JsValue) -> JsValue {
    let object = js_sys::Object::new();
    // Setting a property on a fresh plain object can't fail.
    let _ = js_sys::Reflect::set(&object, &name.into(), value);
    object.into()
}

fn strings(values: impl IntoIterator<Item = String>) -> JsValue {
    values.into_iter().map(JsValue::from).collect::<js_sys::Array>().into()
}

/// `{ salt, iterations, key }` from crypto.subtle.deriveBits (PBKDF2-SHA256),
/// or `undefined`/`null` to let the core stretch the CA key password itself.
fn stretched_password(value: JsValue) -> Result<Option<PasswordKey>, StudioError> {
    #[derive(Deserialize, Default)]
    struct StretchedIn {
        salt: serde_bytes::ByteBuf,
        iterations: u32,
        #[serde(with = "bytes_as_uint8array")]
        key: zeroize::Zeroizing<Vec<u8>>,
    }
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    let input: StretchedIn = serde_wasm_bindgen::from_value(value)
        .map_err(|e| StudioError::general(format!("The stretched CA key password's fields are not valid: {e}.")))?;
    PasswordKey::from_stretched(&input.salt, input.iterations, &input.key).map(Some)
}

/// A file from JS: `{ path, contents: Uint8Array, secret?, description? }`.
#[derive(Deserialize, Default)]
struct FileIn {
    path: String,
    #[serde(with = "bytes_as_uint8array")]
    contents: zeroize::Zeroizing<Vec<u8>>,
    #[serde(default)]
    secret: bool,
    #[serde(default)]
    description: String,
}

impl From<FileIn> for OutputFile {
    fn from(mut f: FileIn) -> Self {
        OutputFile { path: f.path, contents: std::mem::take(&mut *f.contents), description: f.description, secret: f.secret }
    }
}

/// Files from JS; the caller wipes their contents when done.
fn files_in(files: JsValue) -> JsResult<Vec<OutputFile>> {
    let files: Vec<FileIn> = from_js(files, "files")?;
    Ok(output_files(files))
}

fn output_files(files: Vec<FileIn>) -> Vec<OutputFile> {
    files.into_iter().map(OutputFile::from).collect()
}

/// `{ files: [{ path, contents, secret?, description? }] }`.
#[derive(Deserialize)]
struct FilesRequest {
    files: Vec<FileIn>,
}

fn wipe(files: &mut [OutputFile]) {
    for file in files {
        zeroize::Zeroize::zeroize(&mut file.contents);
    }
}

/// Throws unless `crypto.getRandomValues` is there: no weaker fallback.
#[wasm_bindgen(js_name = checkRandomSource)]
pub fn check_random_source() -> JsResult<()> {
    Ok(random::ensure_available()?)
}

/// `generateKey({ keyAlgorithm })` → `{ key }`: a fresh private key as
/// unencrypted PKCS#8 DER. `keyAlgorithm`: `rsa-2048`, `rsa-3072`,
/// `rsa-4096`, `ec-p256` or `ec-p384`.
#[wasm_bindgen(js_name = generateKey, unchecked_return_type = "{ key: Uint8Array }")]
pub fn generate_key(#[wasm_bindgen(unchecked_param_type = "{ keyAlgorithm: KeyAlgorithm }")] input: JsValue) -> JsResult<JsValue> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct KeyRequest {
        key_algorithm: String,
    }
    let input: KeyRequest = request(input, "generateKey")?;
    let key = PrivateKey::generate(KeyAlgorithm::parse("keyAlgorithm", &input.key_algorithm)?)?;
    // Copied straight into JS from the buffer that wipes itself, not via a Vec that wouldn't.
    Ok(object_with("key", &js_sys::Uint8Array::from(key.to_pkcs8_der()?.as_slice())))
}

/// PBKDF2-SHA256 rounds of the CA key password, for JS to stretch it natively.
#[wasm_bindgen(js_name = caKeyPasswordRounds)]
pub fn ca_key_password_rounds() -> u32 {
    PKCS8_PBKDF2_ITERATIONS
}

/// `tutorialDefaults()` → `{ keyAlgorithm, rootCn, intermediateCns, devices,
/// validityDays, caKeyPassword, pfxPassword }`: the tutorial's settings, which
/// every form and command starts from, from the products' own defaults.
#[wasm_bindgen(js_name = tutorialDefaults, unchecked_return_type = "TutorialDefaults")]
pub fn tutorial_defaults() -> JsResult<JsValue> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Out {
        key_algorithm: &'static str,
        root_cn: String,
        intermediate_cns: Vec<String>,
        devices: Vec<String>,
        validity_days: u32,
        ca_key_password: String,
        pfx_password: String,
    }
    let chain = crate::make::chain::ChainSpec::default();
    to_js(&Out {
        key_algorithm: chain.key_algorithm.id(),
        root_cn: chain.root_common_name,
        intermediate_cns: chain.intermediate_common_names,
        devices: chain.devices,
        validity_days: chain.validity_days,
        ca_key_password: chain.ca_key_password.unwrap_or_default(),
        pfx_password: chain.pfx.password,
    })
}

/// `zipFiles({ files: [{ path, contents: Uint8Array, secret? }] })` → `{ zip }`: their ZIP.
#[wasm_bindgen(js_name = zipFiles, unchecked_return_type = "{ zip: Uint8Array }")]
pub fn zip(#[wasm_bindgen(unchecked_param_type = "{ files: FileInput[] }")] input: JsValue) -> JsResult<JsValue> {
    let mut files = output_files(request::<FilesRequest>(input, "zipFiles")?.files);
    let zip = zip_files(&files).map(zeroize::Zeroizing::new);
    wipe(&mut files);
    Ok(object_with("zip", &js_sys::Uint8Array::from(zip?.as_slice())))
}

/// The SDK samples the snippet files are for, in the tabs' order, as JSON
/// text: `[{ id, tab, sample }]` (a snippet file is `snippets/<stem>.<sample>`).
/// JSON rather than objects: a serializer for them costs the page's module more.
#[wasm_bindgen(js_name = snippetSamples)]
pub fn snippet_samples() -> String {
    snippet_samples_json()
}
