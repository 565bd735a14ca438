//! The JS API: one thin layer over the core that only converts. Errors reach JS
//! as real `Error`s whose `field` names the form field (`From<StudioError>`);
//! specs are the core's forms, so their defaults are the core's.

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
mod types;

#[cfg(feature = "ca-tools")]
mod ca;
// In the CA module: the page's main module has no room left (bench row e).
#[cfg(feature = "ca-tools")]
mod event_grid;
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
fn keys_in(keys: JsValue) -> JsResult<Option<Vec<PrivateKey>>> {
    if keys.is_undefined() || keys.is_null() {
        return Ok(None);
    }
    if !js_sys::Array::is_array(&keys) {
        return Err(StudioError::general("The keys must be an array of PKCS#8 DER Uint8Arrays.").into());
    }
    js_sys::Array::from(&keys).iter().map(|k| key_in(&k)).collect::<JsResult<Vec<_>>>().map(Some)
}

fn key_in(key: &JsValue) -> JsResult<PrivateKey> {
    let bytes = key.dyn_ref::<js_sys::Uint8Array>().ok_or_else(|| StudioError::general("Each key must be a Uint8Array of PKCS#8 DER."))?;
    Ok(PrivateKey::from_pkcs8_der(&zeroize::Zeroizing::new(bytes.to_vec()))?)
}

/// `{ salt, iterations, key }` from crypto.subtle.deriveBits (PBKDF2-SHA256),
/// or `undefined` to let the core stretch the password itself.
fn stretched_password(value: JsValue) -> JsResult<Option<PasswordKey>> {
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
    let input: StretchedIn = from_js(value, "stretched CA key password's fields")?;
    Ok(Some(PasswordKey::from_stretched(&input.salt, input.iterations, &input.key)?))
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
    Ok(files.into_iter().map(OutputFile::from).collect())
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

/// A fresh private key as unencrypted PKCS#8 DER. `algorithm`: `rsa-2048`,
/// `rsa-3072`, `rsa-4096`, `ec-p256` or `ec-p384`.
#[wasm_bindgen(js_name = generateKey)]
pub fn generate_key(#[wasm_bindgen(unchecked_param_type = "KeyAlgorithm")] algorithm: &str) -> JsResult<js_sys::Uint8Array> {
    let key = PrivateKey::generate(KeyAlgorithm::parse("keyAlgorithm", algorithm)?)?;
    // Copied straight into JS from the buffer that wipes itself, not via a Vec that wouldn't.
    Ok(js_sys::Uint8Array::from(key.to_pkcs8_der()?.as_slice()))
}

/// PBKDF2-SHA256 rounds of the CA key password, for JS to stretch it natively.
#[wasm_bindgen(js_name = caKeyPasswordRounds)]
pub fn ca_key_password_rounds() -> u32 {
    PKCS8_PBKDF2_ITERATIONS
}

/// A ZIP of `[{ path, contents: Uint8Array, secret? }]`.
#[wasm_bindgen(js_name = zipFiles)]
pub fn zip(#[wasm_bindgen(unchecked_param_type = "FileInput[]")] files: JsValue) -> JsResult<js_sys::Uint8Array> {
    let mut files = files_in(files)?;
    let zip = zip_files(&files).map(zeroize::Zeroizing::new);
    wipe(&mut files);
    Ok(js_sys::Uint8Array::from(zip?.as_slice()))
}

/// The SDK samples the snippet files are for, in the tabs' order, as JSON
/// text: `[{ id, tab, sample }]` (a snippet file is `snippets/<stem>.<sample>`).
/// JSON rather than objects: a serializer for them costs the page's module more.
#[wasm_bindgen(js_name = snippetSamples)]
pub fn snippet_samples() -> String {
    snippet_samples_json()
}
