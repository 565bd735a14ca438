//! Event Grid's MQTT broker: the key algorithms a form needs, then the
//! clients and their files.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::request::request;
use super::{FileOut, FormRequest, JsResult, files_out, object_with, strings, to_js};
use crate::make::event_grid::{ClientRegistration, EventGridClients, EventGridSpec};
use crate::make::form::EventGridForm;
use crate::make::{ChainEntry, Product};

fn event_grid_spec(input: &mut FormRequest) -> JsResult<EventGridSpec> {
    Ok(input.spec::<EventGridForm>()?.into_spec()?)
}

/// `eventGridKeyAlgorithms({ spec, nowMs })` → `{ keyAlgorithms }`: checks the
/// Event Grid form and returns the keys `makeEventGrid` takes, in order (root
/// and intermediate unless the scheme is thumbprint, then each client).
#[wasm_bindgen(js_name = eventGridKeyAlgorithms, unchecked_return_type = "{ keyAlgorithms: KeyAlgorithm[] }")]
pub fn event_grid_key_algorithms(
    #[wasm_bindgen(unchecked_param_type = "{ spec?: EventGridSpec; nowMs: number }")] input: JsValue,
) -> JsResult<JsValue> {
    let mut input: FormRequest = request(input, "eventGridKeyAlgorithms")?;
    let now = input.now("eventGridKeyAlgorithms")?;
    let spec = event_grid_spec(&mut input)?;
    let names = spec.validate(now)?;
    Ok(object_with("keyAlgorithms", &strings(spec.key_algorithms(&names).into_iter().map(|a| a.id().to_string()))))
}

/// `makeEventGrid({ spec, keys?, nowMs, stretchedCaPassword? })` → `{ files,
/// chain, clients }`: Event Grid MQTT clients and their files, `clients` as the
/// az script registers them.
#[wasm_bindgen(js_name = makeEventGrid, unchecked_return_type = "EventGridResult")]
pub fn make_event_grid(#[wasm_bindgen(unchecked_param_type = "CaProductRequest<EventGridSpec>")] input: JsValue) -> JsResult<JsValue> {
    #[derive(Serialize)]
    struct Out {
        files: Vec<FileOut>,
        chain: Vec<ChainEntry>,
        clients: Vec<ClientRegistration>,
    }
    let mut input: FormRequest = request(input, "makeEventGrid")?;
    let (keys, now, stretched) = (input.keys()?, input.now("makeEventGrid")?, input.stretched_ca_password()?);
    let mut made = EventGridClients::build(event_grid_spec(&mut input)?, keys, now)?;
    made.stretched_ca_password = stretched;
    to_js(&Out { files: files_out(made.files()?), chain: made.entries()?, clients: made.registrations()? })
}
