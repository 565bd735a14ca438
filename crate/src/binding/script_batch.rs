//! Batches written by a script (the command's batches, to a folder or its own
//! streamed ZIP): lists longer than the page's, chunks whose keys the script
//! holds and signs with, and the README.txt and devices.csv header the page's
//! batch ZIP gets from BatchArchive. In the CA module only: the page's module
//! has no use for them.

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use super::chain::{batch_signer, device_chunk_out, field};
use super::{JsResult, files_in, now_unix, to_js, wipe};
use crate::error::StudioError;
use crate::make::batch::{BatchSigner, DeviceChunk, batch_readme, batch_title};
use crate::output::layout::DEVICES_CSV_HEADER;
use crate::output::readme::readme_entries;
use crate::rules::device_list::{MAX_SCRIPT_DEVICES, parse_device_list_up_to};
use crate::x509::key::PrivateKey;
use crate::x509::password_key::checked_each;
use crate::x509::signing::Signing;

/// parseDeviceList for a script's batch: up to 1,000,000 registration IDs;
/// throws with `.field = "devices"` naming every bad line.
#[wasm_bindgen(js_name = parseLongDeviceList)]
pub fn parse_long_device_list(text: &str) -> JsResult<Vec<String>> {
    Ok(parse_device_list_up_to::<MAX_SCRIPT_DEVICES>("devices", text)?)
}

/// `batchSummary(caFiles, readmeExample, intermediates, made, requested)` →
/// `{ readme, devicesCsvHeader }`: README.txt for the CA's files and the first
/// device's example (a chunk's `readmeExample`), and devices.csv's first line.
#[wasm_bindgen(js_name = batchSummary, unchecked_return_type = "{ readme: string; devicesCsvHeader: string }")]
pub fn batch_summary(
    #[wasm_bindgen(js_name = "caFiles", unchecked_param_type = "FileInput[]")] ca_files: JsValue,
    #[wasm_bindgen(js_name = "readmeExample")] readme_example: Option<String>,
    intermediates: u32,
    made: u32,
    requested: u32,
) -> JsResult<JsValue> {
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Out {
        readme: String,
        devices_csv_header: &'static str,
    }
    let mut files = files_in(ca_files)?;
    let ca_readme = readme_entries(&files);
    wipe(&mut files);
    let title = batch_title(intermediates as usize, made as usize, requested as usize);
    to_js(&Out { readme: batch_readme(&title, &ca_readme?, &readme_example), devices_csv_header: DEVICES_CSV_HEADER })
}

/// A batch's devices issued chunk after chunk with keys the caller holds and
/// signs with (the command keeps one a worker): `new
/// DeviceBatchSignedOutside({ spec, signerCommonName, signerKey,
/// caCertificates, aes256CbcEncrypt? })`, then `issueChunk({ ids, firstIndex,
/// keys, nowMs, sign })` per chunk. The CA's `signerKey` is key 0, a chunk's
/// device `keys` are 1…n, and `sign(handle, message)` returns that key's
/// signature of `message` as it goes into a certificate (DER ECDSA, or PKCS#1
/// v1.5 with SHA-256; SHA-384 for P-384). Device keys are PKCS#8 DER, or SEC1
/// DER for an EC key, and must carry their public point; the files get
/// PKCS#8. Optional: `aes256CbcEncrypt(key, iv, plaintext)`, AES-256-CBC with
/// PKCS#7 padding, encrypts the PFX files' contents. Every signature is
/// verified and every encryption checked here before it is placed, and an EC
/// key's point must be its scalar's; no key is used for signing here.
#[wasm_bindgen(js_name = DeviceBatchSignedOutside)]
pub struct DeviceBatchSignedOutside {
    signer: BatchSigner,
}

/// A function field of a request, or `None` when it is absent.
fn function_field(request: &JsValue, name: &str) -> JsResult<Option<js_sys::Function>> {
    let value = field(request, name)?;
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    Ok(Some(value.dyn_into::<js_sys::Function>().map_err(|_| StudioError::field(name, format!("{name} must be a function.")))?))
}

#[wasm_bindgen(js_class = DeviceBatchSignedOutside)]
impl DeviceBatchSignedOutside {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "DeviceBatchSignedOutsideRequest")] request: JsValue,
    ) -> JsResult<DeviceBatchSignedOutside> {
        #[derive(serde::Deserialize, Default)]
        #[serde(rename_all = "camelCase", default)]
        struct BatchIn {
            signer_common_name: String,
            #[serde(with = "super::bytes_as_uint8array")]
            signer_key: Zeroizing<Vec<u8>>,
            ca_certificates: Vec<serde_bytes::ByteBuf>,
        }
        let input: BatchIn = super::request(request.clone(), "DeviceBatchSignedOutside")?;
        let signer_key = PrivateKey::outside(0, &input.signer_key)?;
        let mut signer = batch_signer(field(&request, "spec")?, &input.signer_common_name, signer_key, input.ca_certificates)?;
        if let Some(encrypt) = function_field(&request, "aes256CbcEncrypt")? {
            signer = signer.with_outside_aes(checked_each(Rc::new(move |key: &[u8; 32], iv: &[u8; 16], plaintext: &[u8]| {
                let array = |bytes: &[u8]| js_sys::Uint8Array::from(bytes);
                let key = array(key);
                let ciphertext = encrypt.call3(&JsValue::NULL, &key, &array(iv), &array(plaintext));
                key.fill(0, 0, 32);
                callers_bytes("AES-256-CBC", ciphertext)
            })));
        }
        Ok(Self { signer })
    }

    /// `issueChunk({ ids, firstIndex, keys, nowMs, sign })`: the devices `ids`
    /// (the batch's `firstIndex`-th onwards) with `keys`, one per ID.
    #[wasm_bindgen(js_name = issueChunk, unchecked_return_type = "DeviceChunk")]
    pub fn issue_chunk(&self, #[wasm_bindgen(unchecked_param_type = "OutsideChunkRequest")] request: JsValue) -> JsResult<JsValue> {
        #[derive(serde::Deserialize, Default)]
        #[serde(rename_all = "camelCase", default)]
        struct ChunkIn {
            ids: Vec<String>,
            first_index: u32,
            keys: Vec<serde_bytes::ByteBuf>,
            now_ms: f64,
        }
        let input: ChunkIn = super::request(request.clone(), "issueChunk")?;
        let sign = function_field(&request, "sign")?.ok_or_else(|| StudioError::field("sign", "sign(handle, message) is needed."))?;
        let keys = input
            .keys
            .into_iter()
            .enumerate()
            .map(|(i, key)| PrivateKey::outside(i + 1, &Zeroizing::new(key.into_vec())))
            .collect::<Result<Vec<_>, _>>()?;
        let sign = move |handle: usize, message: &[u8]| {
            callers_bytes("signer", sign.call2(&JsValue::NULL, &JsValue::from(handle as u32), &js_sys::Uint8Array::from(message)))
        };
        let chunk = DeviceChunk::issue(
            &self.signer,
            &input.ids,
            Some(keys),
            input.first_index as usize,
            now_unix(input.now_ms),
            &mut Signing::outside(sign),
        )?;
        device_chunk_out(chunk)
    }
}

/// What a caller's function returned, as bytes; a throw or anything but a
/// Uint8Array is an error naming the function's role.
fn callers_bytes(role: &str, returned: Result<JsValue, JsValue>) -> Result<Vec<u8>, StudioError> {
    let returned = returned.map_err(|e| {
        let why = e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).or_else(|| e.as_string()).unwrap_or_default();
        StudioError::general(format!("The caller's {role} failed: {why}"))
    })?;
    let bytes = returned
        .dyn_into::<js_sys::Uint8Array>()
        .map_err(|_| StudioError::general(format!("The caller's {role} must return a Uint8Array.")))?;
    Ok(bytes.to_vec())
}
