//! Azure's newer X.509 scenarios: IoT Operations' MQTT broker clients and
//! Azure Device Registry's device CSRs. In the CA module (their tabs run on
//! the CA panel's worker, and the page's module has no room for them); each
//! takes one request object.

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use super::{FileOut, JsResult, files_out, from_js, now_unix, product_out, to_js};
use crate::make::Product;
use crate::make::device_registry::DeviceRegistryCsrs;
use crate::make::form::{DeviceRegistryCsrForm, IotOperationsForm};
use crate::make::iot_operations::IotOperationsClients;

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct IotOperationsInput {
    now_ms: f64,
    #[serde(flatten)]
    spec: IotOperationsForm,
}

/// `makeIotOperationsClients({ keyAlgorithm, rootCn, intermediateCn, clients:
/// ['thermostat', 'hygrometer=humidity'], manufacturer, configMap,
/// authenticationName, validityDays, notBeforeMs?, notAfterMs?, caKeyPassword,
/// nowMs })` → `{ files, chain }`: the client CA chain, each client's key,
/// certificate and full chain, the ConfigMap and BrokerAuthentication
/// snippets, the `az` equivalent and a `mosquitto_pub` line per client.
#[wasm_bindgen(js_name = makeIotOperationsClients, unchecked_return_type = "Product")]
pub fn make_iot_operations_clients(#[wasm_bindgen(unchecked_param_type = "IotOperationsRequest")] input: JsValue) -> JsResult<JsValue> {
    let input: IotOperationsInput = super::request(input, "makeIotOperationsClients")?;
    product_out(&IotOperationsClients::build(input.spec.into_spec()?, None, now_unix(input.now_ms))?)
}

/// `makeDeviceRegistryCsrs({ devices: [id…], policyName, enrollmentId })` →
/// `{ files, requests: [{ registrationId, csrBase64 }] }`: an EC P-384 key and
/// a CSR (CN = the ID) per device, as PEM and as the one line of base64 DER
/// the device sends, with the enrollment group's command.
#[wasm_bindgen(js_name = makeDeviceRegistryCsrs, unchecked_return_type = "DeviceRegistryCsrResult")]
pub fn make_device_registry_csrs(#[wasm_bindgen(unchecked_param_type = "DeviceRegistryCsrRequest")] input: JsValue) -> JsResult<JsValue> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Request {
        registration_id: String,
        csr_base64: String,
    }
    #[derive(Serialize)]
    struct Out {
        files: Vec<FileOut>,
        requests: Vec<Request>,
    }
    let spec = from_js::<DeviceRegistryCsrForm>(input, "Device Registry device settings")?.into_spec();
    let made = DeviceRegistryCsrs::build(&spec, None)?;
    let requests =
        made.requests()?.into_iter().map(|(id, csr_base64)| Request { registration_id: id.as_str().to_string(), csr_base64 }).collect();
    to_js(&Out { files: files_out(made.files()?), requests })
}
