#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = cert_studio::x509::key::PrivateKey::from_pkcs8_der(data);
});
