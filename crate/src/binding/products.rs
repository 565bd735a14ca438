//! IoT Edge and individual enrollments.

use wasm_bindgen::prelude::*;

use super::{JsResult, from_js, keys_in, now_unix, product_out, stretched_password};
use crate::make::edge::{EdgeChain, EdgeSpec};
use crate::make::enrollment::{EnrollmentSpec, IndividualEnrollment};
use crate::make::form::{EdgeForm, EnrollmentForm};

fn edge_spec(spec: JsValue, now_ms: f64) -> JsResult<EdgeSpec> {
    let spec = from_js::<EdgeForm>(spec, "IoT Edge settings")?.into_spec()?;
    spec.validate(now_unix(now_ms))?;
    Ok(spec)
}

/// Checks the IoT Edge form and returns the key algorithm ids to generate,
/// in `makeEdgeChain` order: root, intermediate, device CA, identity, [server].
#[wasm_bindgen(js_name = edgeKeyAlgorithms, unchecked_return_type = "KeyAlgorithm[]")]
pub fn edge_key_algorithms(
    #[wasm_bindgen(unchecked_param_type = "EdgeSpec | undefined")] spec: JsValue,
    #[wasm_bindgen(js_name = "nowMs")] now_ms: f64,
) -> JsResult<Vec<String>> {
    Ok(edge_spec(spec, now_ms)?.key_algorithms().into_iter().map(|a| a.id().to_string()).collect())
}

/// The IoT Edge chain and its files: `{ files, chain }`. `keys`: PKCS#8 DER
/// `Uint8Array`s in `edgeKeyAlgorithms` order, or `undefined` to generate them here.
#[wasm_bindgen(js_name = makeEdgeChain, unchecked_return_type = "Product")]
pub fn make_edge_chain(
    #[wasm_bindgen(unchecked_param_type = "EdgeSpec | undefined")] spec: JsValue,
    #[wasm_bindgen(unchecked_param_type = "KeysInput")] keys: JsValue,
    #[wasm_bindgen(js_name = "nowMs")] now_ms: f64,
    #[wasm_bindgen(js_name = "stretchedCaPassword", unchecked_param_type = "StretchedPassword | undefined")] stretched_ca_password: JsValue,
) -> JsResult<JsValue> {
    let mut chain = EdgeChain::build(edge_spec(spec, now_ms)?, keys_in(keys)?, now_unix(now_ms))?;
    chain.stretched_ca_password = stretched_password(stretched_ca_password)?;
    product_out(&chain)
}

fn enrollment_spec(spec: JsValue) -> JsResult<EnrollmentSpec> {
    let spec = from_js::<EnrollmentForm>(spec, "enrollment settings")?.into_spec()?;
    spec.validate()?;
    Ok(spec)
}

/// Checks the enrollment form; returns how many keys it needs (1, or 2 with a secondary).
#[wasm_bindgen(js_name = validateEnrollmentSpec)]
pub fn validate_enrollment_spec(#[wasm_bindgen(unchecked_param_type = "EnrollmentSpec | undefined")] spec: JsValue) -> JsResult<u32> {
    Ok(enrollment_spec(spec)?.key_count() as u32)
}

/// Self-signed device certificate(s) for an individual enrollment, and their
/// files: `{ files, chain }`. `keys`: PKCS#8 DER `Uint8Array`s (primary,
/// then secondary), or `undefined` to generate them here.
#[wasm_bindgen(js_name = makeIndividualEnrollment, unchecked_return_type = "Product")]
pub fn make_individual_enrollment(
    #[wasm_bindgen(unchecked_param_type = "EnrollmentSpec | undefined")] spec: JsValue,
    #[wasm_bindgen(unchecked_param_type = "KeysInput")] keys: JsValue,
    #[wasm_bindgen(js_name = "nowMs")] now_ms: f64,
) -> JsResult<JsValue> {
    product_out(&IndividualEnrollment::build(enrollment_spec(spec)?, keys_in(keys)?, now_unix(now_ms))?)
}
