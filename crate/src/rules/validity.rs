//! How long a certificate may be valid, written once for every product.

use crate::error::{Result, StudioError};
use crate::x509::issue::ValidityWindow;
use crate::x509::text::iso_time;

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

/// When certificates start and stop being valid, when not the default (from
/// the moment they are made, for a number of days): an earlier start for
/// devices without a clock, which would otherwise find a new certificate
/// "not yet valid", and an end instead of a number of days.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ValidityBounds {
    pub starts_unix: Option<u64>,
    pub ends_unix: Option<u64>,
}

impl ValidityBounds {
    /// The window: from the start (or `now_unix`) to the end (or `days` later).
    pub fn window(&self, now_unix: u64, days: u32) -> Result<ValidityWindow> {
        check_validity_days(days)?;
        let starts = self.starts_unix.unwrap_or(now_unix);
        let window = match self.ends_unix {
            Some(ends) => ValidityWindow { not_before_unix: starts, not_after_unix: ends },
            None => ValidityWindow::days(starts, days),
        };
        if window.not_after_unix <= window.not_before_unix {
            return Err(StudioError::field(
                "notAfterMs",
                format!(
                    "The end ({}) is not after the start ({}); a certificate must be valid for some time.",
                    iso_time(window.not_after_unix),
                    iso_time(window.not_before_unix)
                ),
            ));
        }
        Ok(window)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_start_and_an_end_replace_now_and_days() {
        let now = 1_764_000_000;
        assert_eq!(ValidityBounds::default().window(now, 30).unwrap(), ValidityWindow::days(now, 30));
        let backdated = ValidityBounds { starts_unix: Some(now - 86_400), ends_unix: None };
        assert_eq!(backdated.window(now, 30).unwrap().not_before_unix, now - 86_400);
        let ends = ValidityBounds { starts_unix: None, ends_unix: Some(now + 3_600) };
        assert_eq!(ends.window(now, 30).unwrap().not_after_unix, now + 3_600);
        let backwards = ValidityBounds { starts_unix: Some(now), ends_unix: Some(now - 1) };
        assert_eq!(backwards.window(now, 30).unwrap_err().field.as_deref(), Some("notAfterMs"));
    }
}
