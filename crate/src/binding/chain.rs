//! The tutorial chain and batches.

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use super::{
    FileOut, FormRequest, JsResult, bytes_as_uint8array, files_in, files_out, from_js, keys_in, now_unix, object_with, of_field,
    product_out, request, stretched_password, strings, to_js, wipe,
};
use crate::error::StudioError;
use crate::make::batch::{BatchArchive, BatchSigner, DeviceChunk, batch_title};
use crate::make::chain::{ChainSpec, TutorialChain};
use crate::make::form::ChainForm;
use crate::make::{ChainEntry, Product};
use crate::rules::device_list;
use crate::x509::key::PrivateKey;
use crate::x509::signing::{SignatureRequest, Signing, SigningPlan};

/// The chain form's settings, not yet checked.
fn chain_settings(spec: JsValue) -> JsResult<ChainSpec> {
    Ok(from_js::<ChainForm>(spec, "chain settings")?.into_spec()?)
}

fn checked(spec: ChainForm) -> JsResult<ChainSpec> {
    let spec = spec.into_spec()?;
    spec.validate()?;
    Ok(spec)
}

/// `validateChainSpec({ spec })` → `{ keyCount }`: checks the chain settings;
/// throws an `Error` with `.field` on the first problem.
#[wasm_bindgen(js_name = validateChainSpec, unchecked_return_type = "{ keyCount: number }")]
pub fn validate_chain_spec(#[wasm_bindgen(unchecked_param_type = "{ spec?: ChainSpec }")] input: JsValue) -> JsResult<JsValue> {
    let mut input: FormRequest = request(input, "validateChainSpec")?;
    Ok(object_with("keyCount", &(checked(input.spec()?)?.key_count() as u32).into()))
}

/// What [`plan_chain_signatures`] returned, with the signatures JS made.
#[derive(Deserialize, Default)]
struct PresignedIn {
    serials: Vec<serde_bytes::ByteBuf>,
    messages: Vec<serde_bytes::ByteBuf>,
    signatures: Vec<serde_bytes::ByteBuf>,
}

/// The tutorial chain from `{ spec, keys?, nowMs, stretchedCaPassword?, presigned? }`.
fn chain_product(input: JsValue, export: &str) -> JsResult<JsValue> {
    let mut input: FormRequest = request(input, export)?;
    let mut signing = if input.presigned.is_undefined() || input.presigned.is_null() {
        Signing::here()
    } else {
        let presigned: PresignedIn = from_js(std::mem::take(&mut input.presigned), "signatures made outside the core (presigned)")?;
        let plan = SigningPlan {
            requests: presigned.messages.into_iter().map(|m| SignatureRequest { public_key: Vec::new(), message: m.into_vec() }).collect(),
            serials: presigned.serials.into_iter().map(serde_bytes::ByteBuf::into_vec).collect(),
        };
        Signing::assembling(plan, presigned.signatures.into_iter().map(serde_bytes::ByteBuf::into_vec).collect())
            .map_err(of_field("presigned"))?
    };
    let (keys, now, stretched) = (input.keys()?, input.now(export)?, input.stretched_ca_password()?);
    let mut chain = TutorialChain::build(checked(input.spec()?)?, keys, now, &mut signing)
        .map_err(|e| StudioError { message: format!("The chain could not be built: {}", e.message), ..e })?;
    chain.stretched_ca_password = stretched;
    product_out(&chain)
}

/// `makeChain({ spec, keys?, nowMs, stretchedCaPassword? })` → `{ files, chain }`:
/// the tutorial chain in one call, its keys generated here unless given (for
/// scripts and Node; the page's workers call [`build_chain`]).
#[wasm_bindgen(js_name = makeChain, unchecked_return_type = "Product")]
pub fn make_chain(#[wasm_bindgen(unchecked_param_type = "ChainRequest")] input: JsValue) -> JsResult<JsValue> {
    chain_product(input, "makeChain")
}

/// `buildChain({ spec, keys?, nowMs, stretchedCaPassword?, presigned? })` →
/// `{ files, chain }`. `keys`: PKCS#8 DER `Uint8Array`s (root, intermediates
/// from the root down, devices) or none to generate them here. Optional: the
/// CA key password stretched elsewhere, and RSA signatures made elsewhere
/// (`{ serials, messages, signatures }` after [`plan_chain_signatures`]).
#[wasm_bindgen(js_name = buildChain, unchecked_return_type = "Product")]
pub fn build_chain(#[wasm_bindgen(unchecked_param_type = "ChainRequest")] input: JsValue) -> JsResult<JsValue> {
    chain_product(input, "buildChain")
}

/// `planChainSignatures({ spec, keys, nowMs })` → `{ requests: [{ keyIndex,
/// message }], serials }`: the RSA signatures [`build_chain`] would make
/// with the same request. Sign each message with `keys[keyIndex]`
/// (RSASSA-PKCS1-v1_5, SHA-256), then pass the request again with
/// `presigned: { serials, messages, signatures }` to buildChain.
#[wasm_bindgen(js_name = planChainSignatures, unchecked_return_type = "SignaturePlan")]
pub fn plan_chain_signatures(#[wasm_bindgen(unchecked_param_type = "ChainRequest")] input: JsValue) -> JsResult<JsValue> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct RequestOut {
        key_index: usize,
        message: serde_bytes::ByteBuf,
    }
    #[derive(Serialize)]
    struct PlanOut {
        requests: Vec<RequestOut>,
        serials: Vec<serde_bytes::ByteBuf>,
    }
    let mut input: FormRequest = request(input, "planChainSignatures")?;
    let keys = input.keys()?.ok_or_else(|| StudioError::field("keys", "Planning signatures needs the chain's keys."))?;
    let public_keys = keys.iter().map(PrivateKey::public_key_der).collect::<Result<Vec<_>, _>>()?;
    let now = input.now("planChainSignatures")?;
    let plan = TutorialChain::plan_signatures(checked(input.spec()?)?, keys, now)?;
    let requests = plan
        .key_indices(&public_keys)?
        .into_iter()
        .zip(&plan.requests)
        .map(|(key_index, r)| RequestOut { key_index, message: serde_bytes::ByteBuf::from(r.message.clone()) })
        .collect();
    to_js(&PlanOut { requests, serials: plan.serials.into_iter().map(serde_bytes::ByteBuf::from).collect() })
}

/// `parseDeviceList({ devices: text })` → `{ devices }`: the registration IDs
/// of the device list (lines, `{001..500}` ranges, CSV); throws with
/// `.field = "devices"` naming every bad line.
#[wasm_bindgen(js_name = parseDeviceList, unchecked_return_type = "{ devices: string[] }")]
pub fn parse_device_list(#[wasm_bindgen(unchecked_param_type = "{ devices: string }")] input: JsValue) -> JsResult<JsValue> {
    #[derive(Deserialize)]
    struct DeviceListRequest {
        devices: String,
    }
    let input: DeviceListRequest = request(input, "parseDeviceList")?;
    Ok(object_with("devices", &strings(device_list::parse_device_list("devices", &input.devices)?)))
}

/// Makes a batch's root and intermediates from `keys` (root first, or
/// `undefined`): `{ files, chain, signerCommonName, signerKey, caCertificates }`.
/// The spec's device list is not used (the batch checked it with [`parse_device_list`]).
#[wasm_bindgen(js_name = makeBatchCa, unchecked_return_type = "BatchCa")]
pub fn make_batch_ca(
    #[wasm_bindgen(unchecked_param_type = "ChainSpec | undefined")] spec: JsValue,
    #[wasm_bindgen(unchecked_param_type = "KeysInput")] keys: JsValue,
    #[wasm_bindgen(js_name = "nowMs")] now_ms: f64,
    #[wasm_bindgen(js_name = "stretchedCaPassword", unchecked_param_type = "StretchedPassword | undefined")] stretched_ca_password: JsValue,
) -> JsResult<JsValue> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct BatchCaOut {
        files: Vec<FileOut>,
        chain: Vec<ChainEntry>,
        /// What every chunk job needs to sign: the signing CA's common name and
        /// key (PKCS#8 DER), and the CA certificates (DER) from the root down.
        signer_common_name: String,
        #[serde(with = "bytes_as_uint8array")]
        signer_key: zeroize::Zeroizing<Vec<u8>>,
        ca_certificates: Vec<serde_bytes::ByteBuf>,
    }
    let mut ca = TutorialChain::build_ca(chain_settings(spec)?, keys_in(keys)?, now_unix(now_ms), &mut Signing::here())?;
    ca.stretched_ca_password = stretched_password(stretched_ca_password)?;
    to_js(&BatchCaOut {
        files: files_out(ca.ca_files()?),
        chain: ca.entries()?,
        signer_common_name: ca.device_signer().common_name(),
        signer_key: ca.device_signer().key.to_pkcs8_der()?,
        ca_certificates: ca.ca_certificates_der()?.into_iter().map(serde_bytes::ByteBuf::from).collect(),
    })
}

/// The batch's CA as every chunk request carries it (see makeBatchCa), and
/// where the chunk starts.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub(super) struct ChunkRequest {
    pub signer_common_name: String,
    #[serde(with = "super::bytes_as_uint8array")]
    pub signer_key: zeroize::Zeroizing<Vec<u8>>,
    pub ca_certificates: Vec<serde_bytes::ByteBuf>,
    pub ids: Vec<String>,
    pub first_index: u32,
    pub now_ms: f64,
}

/// A request's field as JS gave it (`undefined` when absent), for what serde can't take: a spec read by its
/// own form, keys, functions.
pub(super) fn field(request: &JsValue, name: &str) -> JsResult<JsValue> {
    Ok(js_sys::Reflect::get(request, &JsValue::from_str(name)).map_err(|_| StudioError::general("The request must be an object."))?)
}

/// `issueDeviceChunk({ spec, signerCommonName, signerKey, caCertificates, ids,
/// firstIndex, keys?, nowMs })`: the devices `ids` (the batch's
/// `firstIndex`-th onwards) under the batch's CA (`signerCommonName`,
/// `signerKey` and `caCertificates` as makeBatchCa returned them), with `keys`
/// (PKCS#8 DER) or, when `undefined`, fresh keys from the core → `{
/// firstIndex, files, csvRows, readmeExample }`.
#[wasm_bindgen(js_name = issueDeviceChunk, unchecked_return_type = "DeviceChunk")]
pub fn issue_device_chunk(#[wasm_bindgen(unchecked_param_type = "IssueDeviceChunkRequest")] request: JsValue) -> JsResult<JsValue> {
    let input: ChunkRequest = super::request(request.clone(), "issueDeviceChunk")?;
    let signer_key = PrivateKey::from_pkcs8_der(&input.signer_key)?;
    let signer = batch_signer(field(&request, "spec")?, &input.signer_common_name, signer_key, input.ca_certificates)?;
    let keys = keys_in(field(&request, "keys")?)?;
    let chunk = DeviceChunk::issue(&signer, &input.ids, keys, input.first_index as usize, now_unix(input.now_ms), &mut Signing::here())?;
    device_chunk_out(chunk)
}

/// The batch's CA as a chunk gets it from JS (see makeBatchCa).
pub(super) fn batch_signer(
    spec: JsValue,
    signer_common_name: &str,
    signer_key: PrivateKey,
    ca_certificates: Vec<serde_bytes::ByteBuf>,
) -> JsResult<BatchSigner> {
    let ca_der = ca_certificates.into_iter().map(serde_bytes::ByteBuf::into_vec).collect();
    Ok(BatchSigner::new(chain_settings(spec)?, signer_common_name, signer_key, ca_der)?)
}

/// A chunk as JS gets it: `{ firstIndex, files, csvRows, readmeExample }`.
pub(super) fn device_chunk_out(chunk: DeviceChunk) -> JsResult<JsValue> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct DeviceChunkOut {
        first_index: usize,
        files: Vec<FileOut>,
        csv_rows: String,
        readme_example: Option<String>,
    }
    to_js(&DeviceChunkOut {
        first_index: chunk.first_index,
        files: files_out(chunk.files),
        csv_rows: chunk.csv_rows,
        readme_example: chunk.readme_example,
    })
}

/// The batch's one ZIP, written as chunks arrive; `takeOutput()` hands over
/// each new piece so the page can keep it as a Blob part.
#[wasm_bindgen(js_name = BatchArchive)]
#[derive(Default)]
pub struct BatchArchiveJs(Option<BatchArchive>);

#[wasm_bindgen(js_class = BatchArchive)]
impl BatchArchiveJs {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Self {
        Self(Some(BatchArchive::default()))
    }

    fn archive(&mut self) -> JsResult<&mut BatchArchive> {
        Ok(self.0.as_mut().ok_or_else(|| StudioError::general("The batch's ZIP is already finished."))?)
    }

    /// `addFiles({ files: [{ path, contents, secret?, description? }] })`: the CA's files.
    #[wasm_bindgen(js_name = addFiles)]
    pub fn add_files(&mut self, #[wasm_bindgen(unchecked_param_type = "{ files: FileInput[] }")] request: JsValue) -> JsResult<()> {
        let mut files = files_in(field(&request, "files")?)?;
        let added = self.archive()?.add_files(&files);
        wipe(&mut files);
        Ok(added?)
    }

    /// `addChunk(chunk)`: a chunk as issueDeviceChunk returned it, `{ firstIndex, files, csvRows, readmeExample? }`.
    #[wasm_bindgen(js_name = addChunk)]
    pub fn add_chunk(&mut self, #[wasm_bindgen(unchecked_param_type = "DeviceChunk")] chunk: JsValue) -> JsResult<()> {
        #[derive(Deserialize, Default)]
        #[serde(rename_all = "camelCase", default)]
        struct ChunkIn {
            first_index: u32,
            csv_rows: String,
            readme_example: Option<String>,
        }
        let input: ChunkIn = super::request(chunk.clone(), "addChunk")?;
        let files = files_in(field(&chunk, "files")?)?;
        let mut chunk =
            DeviceChunk { first_index: input.first_index as usize, files, csv_rows: input.csv_rows, readme_example: input.readme_example };
        let added = self.archive()?.add_chunk(&chunk);
        wipe(&mut chunk.files);
        Ok(added?)
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
    pub fn take_output(&mut self) -> JsResult<js_sys::Uint8Array> {
        let bytes = zeroize::Zeroizing::new(self.archive()?.take_output());
        Ok(js_sys::Uint8Array::from(bytes.as_slice()))
    }

    /// `finish({ intermediates, requested, readmeTail? })`: writes `devices.csv`,
    /// `README.txt` and the directory, the last bytes. `requested` is the
    /// list's length, so a cancelled batch says how far it got; `readmeTail`
    /// ends README.txt.
    pub fn finish(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "{ intermediates: number; requested: number; readmeTail?: string }")] request: JsValue,
    ) -> JsResult<js_sys::Uint8Array> {
        #[derive(Deserialize, Default)]
        #[serde(rename_all = "camelCase", default)]
        struct FinishIn {
            intermediates: u32,
            requested: u32,
            readme_tail: Option<String>,
        }
        let input: FinishIn = super::request(request, "finish")?;
        let archive = self.0.take().ok_or_else(|| StudioError::general("The batch's ZIP is already finished."))?;
        let title = batch_title(input.intermediates as usize, archive.device_count(), input.requested as usize);
        let bytes = zeroize::Zeroizing::new(archive.finish(&title, input.readme_tail.as_deref().unwrap_or_default())?);
        Ok(js_sys::Uint8Array::from(bytes.as_slice()))
    }
}
