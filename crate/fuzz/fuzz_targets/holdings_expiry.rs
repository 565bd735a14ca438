//! The renew tab's reading of dropped files: a studio ZIP (read whole, its
//! devices.csv included) beside a loose devices.csv, every certificate with
//! its role and key file, and the expiry view of them. Input: a u16
//! big-endian length of the first file's bytes (named studio.zip), those
//! bytes, then the second file's (named devices.csv; either may be empty).
#![no_main]
use cert_studio::ca::expiry::expiry_report;
use cert_studio::read::holdings::Holdings;
use cert_studio::read::pem_file::InputFile;
use cert_studio::output::layout::role;
use libfuzzer_sys::fuzz_target;

/// Inside the seeds' validity (2026-11-25 to 2026-12-25).
const NOW: u64 = 1_796_000_000;
const WITHIN_DAYS: u32 = 30;

fuzz_target!(|data: &[u8]| {
    let [high, low, rest @ ..] = data else { return };
    let split = usize::from(u16::from_be_bytes([*high, *low])).min(rest.len());
    let (zip, csv) = rest.split_at(split);
    let files: Vec<InputFile<'_>> = [InputFile { name: "studio.zip", contents: zip }, InputFile { name: "devices.csv", contents: csv }]
        .into_iter()
        .filter(|f| !f.contents.is_empty())
        .collect();
    if files.is_empty() {
        return;
    }
    match Holdings::read(&files, Some("1234")) {
        Ok(holdings) => {
            let devices = holdings.devices(&[]).expect("every device when none is chosen");
            assert!(devices.iter().all(|d| d.role == role::DEVICE));
            if let Err(error) = holdings.keys_of(&devices, Some("1234")) {
                assert!(error.field.is_some(), "{error:?}");
            }
        }
        Err(error) => assert!(error.field.is_some() && !error.message.is_empty(), "{error:?}"),
    }
    let report = match expiry_report(&files, Some("1234"), WITHIN_DAYS, NOW) {
        Ok(report) => report,
        Err(error) => return assert!(error.field.is_some() && !error.message.is_empty(), "{error:?}"),
    };
    let rows = &report.certificates;
    assert!(rows.windows(2).all(|w| w[0].not_after <= w[1].not_after), "soonest end first");
    assert_eq!(report.flagged, rows.iter().filter(|r| r.flagged).count());
    assert_eq!(report.expired, rows.iter().filter(|r| r.expired).count());
    for row in rows {
        assert_eq!(row.expired, row.days_left < 0, "{row:?}");
        // Flagged when it ends within the days asked for: never with more whole days left, always with fewer.
        let within = i64::from(WITHIN_DAYS);
        assert!(row.days_left >= within || row.flagged, "{row:?}");
        assert!(!row.flagged || row.days_left <= within, "{row:?}");
        assert!(!row.expired || row.flagged, "{row:?}");
        assert!(!row.renewable || (row.role == role::DEVICE && row.certificate_pem.is_some()), "{row:?}");
    }
});
