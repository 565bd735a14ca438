//! CA import: reading, key/certificate matching, CA checks, chain assembly.
#![no_main]
use cert_studio::ca::import::import_cas;
use cert_studio::read::pem_file::InputFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let file = InputFile { name: "ca.pem", contents: data };
    let _ = import_cas(&[file], Some("1234"), 1_764_000_000);
});
