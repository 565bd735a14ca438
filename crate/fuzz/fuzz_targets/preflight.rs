//! The Azure preflight: a device's files (any bytes, read as PEM, DER, PFX or
//! a ZIP) and, optionally, the CA uploaded to Azure. Input: a u16 big-endian
//! length of the uploaded CA's bytes (0: none), those bytes, then the
//! device's file (seeds/preflight).
#![no_main]
use cert_studio::read::pem_file::InputFile;
use cert_studio::judge::preflight::{RuleStatus, preflight};
use cert_studio::rules::azure_preflight::PREFLIGHT_RULES;
use libfuzzer_sys::fuzz_target;

/// Inside the seeds' validity (2026-11-25 to 2026-12-25).
const NOW: u64 = 1_796_000_000;

fuzz_target!(|data: &[u8]| {
    let [high, low, rest @ ..] = data else { return };
    let split = usize::from(u16::from_be_bytes([*high, *low])).min(rest.len());
    let (uploaded, device) = rest.split_at(split);
    let files = [InputFile { name: "device-full-chain.pem", contents: device }];
    let uploaded_files = [InputFile { name: "uploaded-ca.pem", contents: uploaded }];
    let uploaded_ca: &[InputFile<'_>] = if uploaded.is_empty() { &[] } else { &uploaded_files };
    match preflight(&files, uploaded_ca, Some("1234"), NOW) {
        Ok(report) => {
            let ids: Vec<&str> = report.rules.iter().map(|r| r.rule.id.as_str()).collect();
            let table: Vec<&str> = PREFLIGHT_RULES.iter().map(|r| r.id.as_str()).collect();
            assert_eq!(ids, table, "every rule once, in the table's order");
            assert_eq!(report.ok, report.rules.iter().all(|r| r.status != RuleStatus::Failed));
            if uploaded_ca.is_empty() {
                assert!(report.uploaded_ca.is_none());
            }
        }
        // Hostile input gets a sentence naming the input at fault.
        Err(error) => assert!(error.field.is_some() && !error.message.is_empty(), "{error:?}"),
    }
});
