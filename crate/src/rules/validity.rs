//! How long a certificate may be valid, written once for every product.

use crate::error::{Result, StudioError};

/// Every script in the tutorials makes certificates valid for 30 days.
pub const TUTORIAL_VALIDITY_DAYS: u32 = 30;

/// A hundred years: the longest validity the studio writes.
pub const MAX_VALIDITY_DAYS: u32 = 36_500;

/// 2038-01-01T00:00:00Z: IoT Edge 1.1's libiothsm can't use a certificate
/// that expires at or after this moment.
pub const IOT_EDGE_1_1_EXPIRY_LIMIT_UNIX: u64 = 2_145_916_800;

/// The `validityDays` field: a whole number of days from 1 to [`MAX_VALIDITY_DAYS`].
pub fn check_validity_days(days: u32) -> Result<()> {
    if (1..=MAX_VALIDITY_DAYS).contains(&days) {
        Ok(())
    } else {
        Err(StudioError::field("validityDays", format!("Validity must be a whole number of days from 1 to {MAX_VALIDITY_DAYS}.")))
    }
}

/// With the IoT Edge 1.1 switch on, nothing may expire in 2038 or later.
pub fn check_iot_edge_1_1_expiry(not_after_unix: u64) -> Result<()> {
    if not_after_unix < IOT_EDGE_1_1_EXPIRY_LIMIT_UNIX {
        return Ok(());
    }
    Err(StudioError::field(
        "validityDays",
        format!(
            "IoT Edge 1.1 can't use a certificate that expires on or after 2038-01-01 (a libiothsm limit), and these would expire on {}; shorten the validity or turn off the IoT Edge 1.1 switch.",
            date_of(not_after_unix)
        ),
    ))
}

/// `2040-01-15` for a message.
fn date_of(unix: u64) -> String {
    match der::DateTime::from_unix_duration(std::time::Duration::from_secs(unix)) {
        Ok(t) => format!("{:04}-{:02}-{:02}", t.year(), t.month(), t.day()),
        Err(_) => "after 9999".into(),
    }
}
