//! IoT Edge and individual enrollments.

use wasm_bindgen::prelude::*;

use super::{FormRequest, JsResult, object_with, product_out, request, strings};
use crate::make::edge::{EdgeChain, EdgeSpec};
use crate::make::enrollment::{EnrollmentSpec, IndividualEnrollment};
use crate::make::form::{EdgeForm, EnrollmentForm};

fn edge_spec(spec: EdgeForm, now: u64) -> JsResult<EdgeSpec> {
    let spec = spec.into_spec()?;
    spec.validate(now)?;
    Ok(spec)
}

/// `edgeKeyAlgorithms({ spec, nowMs })` → `{ keyAlgorithms }`: checks the IoT
/// Edge form and returns the key algorithm ids to generate, in `makeEdgeChain`
/// order: root, intermediate, device CA, identity, [server].
#[wasm_bindgen(js_name = edgeKeyAlgorithms, unchecked_return_type = "{ keyAlgorithms: KeyAlgorithm[] }")]
pub fn edge_key_algorithms(
    #[wasm_bindgen(unchecked_param_type = "{ spec?: EdgeSpec; nowMs: number }")] input: JsValue,
) -> JsResult<JsValue> {
    let mut input: FormRequest = request(input, "edgeKeyAlgorithms")?;
    let now = input.now("edgeKeyAlgorithms")?;
    let algorithms = edge_spec(input.spec()?, now)?.key_algorithms();
    Ok(object_with("keyAlgorithms", &strings(algorithms.into_iter().map(|a| a.id().to_string()))))
}

/// `makeEdgeChain({ spec, keys?, nowMs, stretchedCaPassword? })` → `{ files,
/// chain }`: the IoT Edge chain. `keys`: PKCS#8 DER `Uint8Array`s in
/// `edgeKeyAlgorithms` order, or none to generate them here.
#[wasm_bindgen(js_name = makeEdgeChain, unchecked_return_type = "Product")]
pub fn make_edge_chain(#[wasm_bindgen(unchecked_param_type = "CaProductRequest<EdgeSpec>")] input: JsValue) -> JsResult<JsValue> {
    let mut input: FormRequest = request(input, "makeEdgeChain")?;
    let (keys, now, stretched) = (input.keys()?, input.now("makeEdgeChain")?, input.stretched_ca_password()?);
    let mut chain = EdgeChain::build(edge_spec(input.spec()?, now)?, keys, now)?;
    chain.stretched_ca_password = stretched;
    product_out(&chain)
}

fn enrollment_spec(spec: EnrollmentForm) -> JsResult<EnrollmentSpec> {
    let spec = spec.into_spec()?;
    spec.validate()?;
    Ok(spec)
}

/// `validateEnrollmentSpec({ spec })` → `{ keyCount }`: checks the enrollment
/// form; it needs 1 key, or 2 with a secondary.
#[wasm_bindgen(js_name = validateEnrollmentSpec, unchecked_return_type = "{ keyCount: number }")]
pub fn validate_enrollment_spec(#[wasm_bindgen(unchecked_param_type = "{ spec?: EnrollmentSpec }")] input: JsValue) -> JsResult<JsValue> {
    let mut input: FormRequest = request(input, "validateEnrollmentSpec")?;
    Ok(object_with("keyCount", &(enrollment_spec(input.spec()?)?.key_count() as u32).into()))
}

/// `makeIndividualEnrollment({ spec, keys?, nowMs })` → `{ files, chain }`:
/// self-signed device certificate(s) for an individual enrollment. `keys`:
/// PKCS#8 DER `Uint8Array`s (primary, then secondary), or none to generate them here.
#[wasm_bindgen(js_name = makeIndividualEnrollment, unchecked_return_type = "Product")]
pub fn make_individual_enrollment(
    #[wasm_bindgen(unchecked_param_type = "ProductRequest<EnrollmentSpec>")] input: JsValue,
) -> JsResult<JsValue> {
    let mut input: FormRequest = request(input, "makeIndividualEnrollment")?;
    let (keys, now) = (input.keys()?, input.now("makeIndividualEnrollment")?);
    product_out(&IndividualEnrollment::build(enrollment_spec(input.spec()?)?, keys, now)?)
}
