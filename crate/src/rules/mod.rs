//! The rules of DPS, IoT Hub and IoT Edge that a setting must pass before
//! anything is made, each written once: names, validity, DNS names and the
//! device list; Event Grid's names and authentication names; and the checks Azure applies to a device's chain when it
//! connects (azure_preflight), for Inspect's preflight.

pub mod azure_preflight;
pub mod chain_shape;
pub mod device_list;
pub mod event_grid;
pub mod names;
pub mod validity;
