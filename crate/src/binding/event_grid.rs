//! Event Grid's MQTT broker: the key algorithms a request needs, then the
//! clients and their files.

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use super::{FileOut, JsResult, files_out, from_js, keys_in, now_unix, stretched_password, to_js};
use crate::make::event_grid::{ClientRegistration, EventGridClients, EventGridSpec};
use crate::make::form::EventGridForm;
use crate::make::{ChainEntry, Product};

/// `{ …EventGridSpec fields, keys?, nowMs, stretchedCaPassword? }`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct EventGridRequest {
    #[serde(flatten)]
    form: EventGridForm,
    #[serde(with = "serde_wasm_bindgen::preserve")]
    keys: JsValue,
    now_ms: f64,
    #[serde(with = "serde_wasm_bindgen::preserve")]
    stretched_ca_password: JsValue,
}

fn event_grid_request(request: JsValue) -> JsResult<(EventGridSpec, EventGridRequest)> {
    let mut request: EventGridRequest = from_js(request, "Event Grid settings")?;
    let spec = std::mem::take(&mut request.form).into_spec()?;
    Ok((spec, request))
}

/// Checks the Event Grid form: `{ keyAlgorithms }`, the keys `makeEventGrid`
/// takes, in order (root and intermediate unless the scheme is thumbprint, then each client).
#[wasm_bindgen(js_name = eventGridKeyAlgorithms, unchecked_return_type = "EventGridKeys")]
pub fn event_grid_key_algorithms(#[wasm_bindgen(unchecked_param_type = "EventGridRequest")] request: JsValue) -> JsResult<JsValue> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Out {
        key_algorithms: Vec<&'static str>,
    }
    let (spec, request) = event_grid_request(request)?;
    let names = spec.validate(now_unix(request.now_ms))?;
    to_js(&Out { key_algorithms: spec.key_algorithms(&names).into_iter().map(|a| a.id()).collect() })
}

/// Event Grid MQTT clients and their files: `{ files, chain, clients }`,
/// `clients` as the az script registers them.
#[wasm_bindgen(js_name = makeEventGrid, unchecked_return_type = "EventGridResult")]
pub fn make_event_grid(#[wasm_bindgen(unchecked_param_type = "EventGridRequest")] request: JsValue) -> JsResult<JsValue> {
    #[derive(Serialize)]
    struct Out {
        files: Vec<FileOut>,
        chain: Vec<ChainEntry>,
        clients: Vec<ClientRegistration>,
    }
    let (spec, request) = event_grid_request(request)?;
    let mut made = EventGridClients::build(spec, keys_in(request.keys)?, now_unix(request.now_ms))?;
    made.stretched_ca_password = stretched_password(request.stretched_ca_password)?;
    to_js(&Out { files: files_out(made.files()?), chain: made.entries()?, clients: made.registrations()? })
}
