//! Bring your own CA and Inspect: reading the files other tools write
//! (PEM/DER, legacy PEM, PFX, PKCS#7 bundles, studio ZIPs), importing a CA, signing with
//! it, renewing and rolling over, the expiry view, and describing and
//! checking what was dropped. Built into the CA
//! panel's wasm module only.

pub mod budget;
pub mod chain_verdict;
pub mod device_registry;
pub mod early_time;
pub mod ec_explicit;
pub mod expiry;
pub mod holdings;
pub mod import;
pub mod inspect;
pub mod legacy_pem;
pub mod material;
pub mod name_constraints;
pub mod p7b;
pub mod pem_file;
pub mod pfx_read;
pub mod preflight;
pub mod renewal;
pub mod signing;
pub mod webpki_signatures;
