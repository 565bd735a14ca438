//! Reading what other tools write: PEM and DER, legacy OpenSSL PEM, PFX,
//! PKCS#7 bundles, studio ZIPs. Everything read here is untrusted; it leaves
//! as [`material::Material`] within a [`budget::ReadBudget`].

pub mod budget;
pub mod early_time;
pub mod ec_explicit;
pub mod holdings;
pub mod legacy_pem;
pub mod material;
pub mod p7b;
pub mod pem_file;
pub mod pfx_read;
