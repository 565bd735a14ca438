//! The PKCS#12 reader: MAC, PBES2 / 3DES / RC2-40 decryption, bags, within
//! one call's budget of key-derivation rounds.
#![no_main]
use cert_studio::read::budget::ReadBudget;
use cert_studio::read::pfx_read::{Rounds, read};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let budget = ReadBudget::default();
    let _ = read(data, "1234", Rounds { budget: &budget, file: "fuzz.pfx" });
});
