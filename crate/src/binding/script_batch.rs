//! Batches written by a script (the command's batches, to a folder or its own
//! streamed ZIP): lists longer than the page's, and the README.txt and
//! devices.csv header the page's batch ZIP gets from BatchArchive. In the CA
//! module only: the page's module has no use for them.

use wasm_bindgen::prelude::*;

use super::{JsResult, files_in, to_js, wipe};
use crate::make::batch::{DEVICES_CSV_HEADER, batch_readme, batch_title};
use crate::output::readme::readme_entries;
use crate::rules::device_list::{MAX_SCRIPT_DEVICES, parse_device_list_up_to};

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
pub fn batch_summary(#[wasm_bindgen(unchecked_param_type = "FileInput[]")] ca_files: JsValue, readme_example: Option<String>, intermediates: u32, made: u32, requested: u32) -> JsResult<JsValue> {
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
