//! The rules of DPS, IoT Hub and IoT Edge that a setting must pass before
//! anything is made, each written once: names, validity, DNS names and the
//! device list; and the checks Azure applies to a device's chain when it
//! connects (azure_preflight), for Inspect's preflight. IoT Operations'
//! broker names and Azure Device Registry's rules have a file each.

pub mod azure_preflight;
pub mod chain_shape;
pub mod device_list;
pub mod device_registry;
pub mod iot_operations;
pub mod names;
pub mod validity;
