//! What the studio writes: every file of a download, where it goes, and how
//! each kind of file is written (once, whoever signed its certificate).

pub mod bundle;
pub mod device_registry;
pub mod file;
pub mod iot_operations;
pub mod layout;
pub mod pfx;
pub mod quote;
pub mod readme;
pub mod snippets;
pub mod writers;
pub mod zip;
