//! Every dropped file goes through Material::read first: PEM (any number of
//! blocks, every key encoding, encrypted or not), DER certificates, CSRs and
//! keys, PFX, and studio ZIPs.
#![no_main]
use cert_studio::read::material::Material;
use cert_studio::read::pem_file::InputFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let file = InputFile { name: "fuzz.pem", contents: data };
    let _ = Material::read(&[file], None);
    let _ = Material::read(&[file], Some("1234"));
});
