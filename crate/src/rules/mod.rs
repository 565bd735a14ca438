//! The rules of DPS, IoT Hub and IoT Edge that a setting must pass before
//! anything is made, each written once: names, validity, DNS names and the
//! device list.

pub mod device_list;
pub mod names;
pub mod validity;
