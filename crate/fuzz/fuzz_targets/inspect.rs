//! Inspect: decoding every field and extension, and the chain check of a bundle.
#![no_main]
use cert_studio::judge::inspect::inspect;
use cert_studio::read::pem_file::InputFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let file = InputFile { name: "bundle.pem", contents: data };
    let _ = inspect(&[file], Some("1234"), 1_764_000_000);
});
