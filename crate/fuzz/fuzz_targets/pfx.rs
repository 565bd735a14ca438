//! The PKCS#12 reader: MAC, PBES2 / 3DES / RC2-40 decryption, bags.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = cert_studio::ca_tools::pfx_read::read(data, "1234");
});
