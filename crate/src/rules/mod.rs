//! The rules of DPS, IoT Hub and IoT Edge that a setting must pass before
//! anything is made, each written once: names, validity, DNS names and the
//! device list; and the checks Azure applies to a device's chain when it
//! connects (azure_preflight), for Inspect's preflight. IoT Operations'
//! broker names, Event Grid's names and authentication names, and Azure
//! Device Registry's rules have a file each.

/// The password the tutorials give every CA key and PFX file (`-passout pass:1234`):
/// the studio's default for both, from here only.
pub const TUTORIAL_PASSWORD: &str = "1234";

pub mod azure_preflight;
pub mod chain_shape;
pub mod device_list;
pub mod device_registry;
pub mod event_grid;
pub mod iot_operations;
pub mod names;
pub mod validity;
