//! Validity dates before 1970. RFC 5280 lets UTCTime say 1950–1969 (and
//! GeneralizedTime any year), but the `der` crate's times start at the Unix
//! epoch, so such a certificate would not decode. The studio decodes a copy
//! whose early dates read 1970-01-01 00:00:00 (same length, so every outer
//! length stays), and keeps the dates as written for what it shows. For any
//! date the studio judges at (now, or a chosen time after 1970) the copy's
//! verdict is the original's: a start before 1970 has passed either way, an
//! end before 1970 has too. Thumbprints and signatures use the bytes as read.

use der::Decode;
use x509_cert::Certificate;

use crate::x509::text::openssl_time;

/// The earliest UTCTime / GeneralizedTime the `der` crate reads.
const EPOCH_UTC_TIME: &[u8; 13] = b"700101000000Z";
const EPOCH_GENERALIZED_TIME: &[u8; 15] = b"19700101000000Z";

const UTC_TIME: u8 = 0x17;
const GENERALIZED_TIME: u8 = 0x18;
const SEQUENCE: u8 = 0x30;
const VERSION: u8 = 0xa0;

/// A validity date as written, when it is before 1970.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlyDate {
    /// Seconds before (negative) the Unix epoch.
    pub unix: i64,
    /// As OpenSSL prints it: `Jan  1 00:00:00 1950 GMT`.
    pub text: String,
}

/// The notBefore and notAfter dates of a certificate (DER as read) that fall
/// before 1970; `None` for a date the `der` crate reads as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EarlyDates {
    pub not_before: Option<EarlyDate>,
    pub not_after: Option<EarlyDate>,
}

/// Decodes a certificate (DER as read), through a copy when its validity
/// starts or ends before 1970.
pub fn decode_certificate(der: &[u8]) -> Result<Certificate, der::Error> {
    Certificate::from_der(der).or_else(|e| decodable_copy(der).and_then(|copy| Certificate::from_der(&copy).ok()).ok_or(e))
}

/// A copy of the certificate with its pre-1970 validity dates replaced by
/// 1970-01-01, or `None` when it has none (or is not a certificate).
pub fn decodable_copy(certificate_der: &[u8]) -> Option<Vec<u8>> {
    let positions = validity_times(certificate_der)?;
    let mut copy = certificate_der.to_vec();
    let mut changed = false;
    for (tag, start, len) in positions {
        if early_date(tag, &certificate_der[start..start + len]).is_some() {
            let epoch: &[u8] = if tag == UTC_TIME { EPOCH_UTC_TIME } else { EPOCH_GENERALIZED_TIME };
            copy[start..start + len].copy_from_slice(epoch);
            changed = true;
        }
    }
    changed.then_some(copy)
}

/// The validity dates before 1970, as written in the certificate's DER.
pub fn early_dates(certificate_der: &[u8]) -> EarlyDates {
    let Some(positions) = validity_times(certificate_der) else { return EarlyDates::default() };
    let mut dates = positions.into_iter().map(|(tag, start, len)| early_date(tag, &certificate_der[start..start + len]));
    EarlyDates { not_before: dates.next().flatten(), not_after: dates.next().flatten() }
}

/// A time value before 1970 in DER form (`YYMMDDHHMMSSZ` or `YYYYMMDDHHMMSSZ`).
fn early_date(tag: u8, value: &[u8]) -> Option<EarlyDate> {
    let digits = std::str::from_utf8(value).ok()?.strip_suffix('Z')?;
    let (year, rest) = match (tag, digits.len()) {
        (UTC_TIME, 12) => {
            let yy: i64 = digits[..2].parse().ok()?;
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, &digits[2..])
        }
        (GENERALIZED_TIME, 14) => (digits[..4].parse().ok()?, &digits[4..]),
        _ => return None,
    };
    if year >= 1970 || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let field = |i: usize| rest[i..i + 2].parse::<i64>().ok();
    let (month, day, hour, minute, second) = (field(0)?, field(2)?, field(4)?, field(6)?, field(8)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let unix = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let text = format!("{} {day:>2} {hour:02}:{minute:02}:{second:02} {year} GMT", MONTHS[(month - 1) as usize]);
    Some(EarlyDate { unix, text })
}

/// Days from 1970-01-01 to a proleptic Gregorian date (negative before it).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// One DER header: (tag, header length, content length).
fn header(der: &[u8]) -> Option<(u8, usize, usize)> {
    let tag = *der.first()?;
    let first = *der.get(1)? as usize;
    if first < 0x80 {
        return Some((tag, 2, first));
    }
    let count = first & 0x7f;
    if count == 0 || count > 4 {
        return None;
    }
    let len = der.get(2..2 + count)?.iter().fold(0usize, |len, &b| (len << 8) | b as usize);
    Some((tag, 2 + count, len))
}

/// Moves `at` past one element (of the tag expected, if given).
fn skip(der: &[u8], at: &mut usize, expect: Option<u8>) -> Option<()> {
    let (tag, head, len) = header(der.get(*at..)?)?;
    if expect.is_some_and(|t| t != tag) {
        return None;
    }
    *at += head + len;
    Some(())
}

/// Where the two validity times' values sit: (tag, offset, length) each.
fn validity_times(der: &[u8]) -> Option<Vec<(u8, usize, usize)>> {
    let (tag, head, _) = header(der)?;
    if tag != SEQUENCE {
        return None;
    }
    let tbs_at = head;
    let (tag, head, _) = header(&der[tbs_at..])?;
    if tag != SEQUENCE {
        return None;
    }
    let mut at = tbs_at + head;
    // [0] version?, serialNumber, signature, issuer; then validity.
    if header(der.get(at..)?)?.0 == VERSION {
        skip(der, &mut at, Some(VERSION))?;
    }
    skip(der, &mut at, None)?;
    skip(der, &mut at, Some(SEQUENCE))?;
    skip(der, &mut at, Some(SEQUENCE))?;
    let (tag, head, _) = header(der.get(at..)?)?;
    if tag != SEQUENCE {
        return None;
    }
    at += head;
    let mut times = Vec::with_capacity(2);
    for _ in 0..2 {
        let (tag, head, len) = header(der.get(at..)?)?;
        if tag != UTC_TIME && tag != GENERALIZED_TIME || der.len() < at + head + len {
            return None;
        }
        times.push((tag, at + head, len));
        at += head + len;
    }
    Some(times)
}

/// How a validity date reads: as written when before 1970, else as decoded.
pub fn shown_date(early: &Option<EarlyDate>, decoded_unix: u64) -> (i64, String) {
    match early {
        Some(date) => (date.unix, date.text.clone()),
        None => (decoded_unix as i64, openssl_time(decoded_unix)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_before_1970_count_back_from_the_epoch() {
        let date = early_date(UTC_TIME, b"500101000000Z").unwrap();
        assert_eq!(date.unix, -631_152_000);
        assert_eq!(date.text, "Jan  1 00:00:00 1950 GMT");
        let date = early_date(GENERALIZED_TIME, b"19691231235959Z").unwrap();
        assert_eq!(date.unix, -1);
        assert_eq!(early_date(UTC_TIME, b"700101000000Z"), None);
        assert_eq!(early_date(UTC_TIME, b"490101000000Z"), None);
    }
}
