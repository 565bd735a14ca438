//! A CSR made elsewhere, signed by an imported CA under every profile, and
//! the certificates a user adds to complete that CA's chain.
#![no_main]
use std::sync::LazyLock;

use cert_studio::ca::signing::{CsrProfile, CsrSigningSpec, extra_chain, sign_request};
use cert_studio::ca::import::{ImportedCa, import_cas};
use cert_studio::read::pem_file::InputFile;
use libfuzzer_sys::fuzz_target;

/// Inside the fuzz CA's validity (ca/intermediate.pem: 2026-12-02 for a century).
const NOW: u64 = 1_800_000_000;

/// An intermediate without its root (seeds/sign_csr/root.cert.pem): only
/// the input can complete its chain.
static CA: LazyLock<ImportedCa> = LazyLock::new(|| {
    let file = InputFile { name: "intermediate.pem", contents: include_bytes!("../ca/intermediate.pem") };
    import_cas(&[file], None, NOW).expect("the fuzz CA imports").remove(0)
});

fuzz_target!(|data: &[u8]| {
    let file = InputFile { name: "request.csr", contents: data };
    for profile in [CsrProfile::Device, CsrProfile::Server, CsrProfile::Intermediate { path_len: 0 }] {
        let _ = sign_request(&CA, &file, &CsrSigningSpec { profile, ..CsrSigningSpec::default() }, NOW);
    }
    if let Ok(extra) = extra_chain(&[file]) {
        let _ = CA.chain_to_root(&extra);
    }
});
