//! The expiry view: every certificate in the files (a studio ZIP with its
//! `devices.csv`, OpenSSL or `certGen.sh` files, a PFX) with its role, CN,
//! end and days left, soonest first, flagged when it ends within a number
//! of days.

use serde::Serialize;

use crate::error::{Result, StudioError};
use crate::output::layout::{CertificateRole, role};
use crate::read::holdings::{Held, Holdings};
use crate::read::pem_file::InputFile;
use crate::rules::validity::MAX_VALIDITY_DAYS;
use crate::x509::facts::{common_name_of, issuer_common_name_of, not_after_unix, pem_text};
use crate::x509::text::{describe_name, iso_time, visible};

/// The portal's and most monitoring's warning window.
pub const DEFAULT_WITHIN_DAYS: u32 = 30;
const DAY: i64 = 86_400;

/// One certificate (or a `devices.csv` row whose certificate did not come).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExpiryRow {
    /// One of [`role`].
    pub role: CertificateRole,
    pub common_name: String,
    pub issuer_common_name: String,
    /// ISO 8601, UTC.
    pub not_after: String,
    /// Whole days from now to the end; negative once it has ended.
    pub days_left: i64,
    pub expired: bool,
    /// Ends within the report's days (or has ended).
    pub flagged: bool,
    pub thumbprint_sha1: String,
    /// Where it was found, e.g. `studio.zip › certs/device-01.cert.pem`.
    pub file: String,
    /// Where its private key is among the files, if it is.
    pub key_file: Option<String>,
    /// `None` for a `devices.csv` row alone: there is nothing to renew from.
    pub certificate_pem: Option<String>,
    /// A device certificate that `renewDevices` can renew from these files.
    pub renewable: bool,
}

/// The whole view.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExpiryReport {
    pub within_days: u32,
    pub now: String,
    pub certificates: Vec<ExpiryRow>,
    pub flagged: usize,
    pub expired: usize,
}

fn rank(role: CertificateRole) -> usize {
    [role::ROOT, role::INTERMEDIATE, role::EDGE_CA, role::VERIFICATION].iter().position(|r| *r == role).unwrap_or(4)
}

fn row(role: CertificateRole, common_name: String, not_after: u64, now: u64, within_days: u32) -> ExpiryRow {
    let seconds_left = not_after as i64 - now as i64;
    ExpiryRow {
        role,
        common_name,
        issuer_common_name: String::new(),
        not_after: iso_time(not_after),
        days_left: seconds_left.div_euclid(DAY),
        expired: seconds_left < 0,
        flagged: seconds_left <= i64::from(within_days) * DAY,
        thumbprint_sha1: String::new(),
        file: String::new(),
        key_file: None,
        certificate_pem: None,
        renewable: false,
    }
}

fn held_row(held: &Held, now: u64, within_days: u32) -> ExpiryRow {
    let certificate = &held.certificate;
    // Shown, never used as a name: control characters escaped.
    let name = common_name_of(certificate).map_or_else(|| describe_name(certificate.tbs_certificate().subject()), |cn| visible(&cn));
    ExpiryRow {
        issuer_common_name: issuer_common_name_of(certificate),
        thumbprint_sha1: held.thumbprint_sha1.clone(),
        file: held.file.clone(),
        key_file: held.key_file.clone(),
        certificate_pem: Some(pem_text("CERTIFICATE", &held.der)),
        renewable: held.role == role::DEVICE,
        ..row(held.role, name, not_after_unix(certificate), now, within_days)
    }
}

/// The report of `files` at `now_unix`; `password` opens PFX files.
pub fn expiry_report(files: &[InputFile<'_>], password: Option<&str>, within_days: u32, now_unix: u64) -> Result<ExpiryReport> {
    if within_days > MAX_VALIDITY_DAYS {
        return Err(StudioError::field("withinDays", format!("Flag certificates ending within 0 to {MAX_VALIDITY_DAYS} days.")));
    }
    let holdings = Holdings::read(files, password)?;
    let mut rows: Vec<ExpiryRow> = holdings.certificates.iter().map(|held| held_row(held, now_unix, within_days)).collect();
    let held: std::collections::HashSet<&str> = holdings.certificates.iter().map(|h| h.thumbprint_sha1.as_str()).collect();
    // A listed device whose certificate is not among the files still has an end.
    for listed in holdings.listed.iter().filter(|l| !held.contains(l.thumbprint_sha1.as_str())) {
        rows.push(ExpiryRow {
            thumbprint_sha1: listed.thumbprint_sha1.clone(),
            file: listed.file.clone(),
            ..row(role::DEVICE, listed.registration_id.clone(), listed.not_after_unix, now_unix, within_days)
        });
    }
    rows.sort_by(|a, b| (&a.not_after, rank(a.role), &a.common_name).cmp(&(&b.not_after, rank(b.role), &b.common_name)));
    Ok(ExpiryReport {
        within_days,
        now: iso_time(now_unix),
        flagged: rows.iter().filter(|r| r.flagged).count(),
        expired: rows.iter().filter(|r| r.expired).count(),
        certificates: rows,
    })
}
