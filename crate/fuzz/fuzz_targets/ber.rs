//! BER to DER for PKCS#7 bundles: any bytes convert or are refused by name
//! within the budget, and what a conversion gives converts to itself.
#![no_main]
use cert_studio::read::ber::to_der;
use cert_studio::read::budget::ReadBudget;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(der) = to_der(data, "fuzz.p7b", &ReadBudget::default()) {
        assert_eq!(to_der(&der, "fuzz.p7b", &ReadBudget::default()).as_ref(), Ok(&der));
    }
});
