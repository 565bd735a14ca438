//! The device list: lines, bash-style ranges, CSV with or without a header
//! row. Whatever it accepts must also pass the rules for a list given as IDs.
#![no_main]
use cert_studio::rules::device_list::{MAX_DEVICES, check_device_ids, parse_device_list};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The page hands over the text box's contents: always UTF-8.
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(ids) = parse_device_list("devices", text) {
        assert!(!ids.is_empty() && ids.len() <= MAX_DEVICES, "{} devices", ids.len());
        if let Err(e) = check_device_ids("devices", &ids) {
            panic!("the list was accepted but its IDs are not: {}", e.message);
        }
    }
});
