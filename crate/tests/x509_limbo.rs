//! The chain verdict against x509-limbo (C2SP/x509-limbo), the suite RFC 5280
//! path validators are compared on: every testcase of the `rfc5280`,
//! `pathlen`, `pathological` and `webpki` families (tests/fixtures/x509-limbo,
//! see SOURCE.md there) goes through `chain_verdict::judge` as a server would
//! see it: the peer's certificate, the untrusted intermediates, the trusted
//! roots and the validation time. No valid chain may be called broken, and at
//! most 5 % of the rfc5280 + pathlen + pathological cases may be judged wrong.

use std::collections::BTreeMap;
use std::io::Read;
use std::time::{SystemTime, UNIX_EPOCH};

use cert_studio::ca_tools::chain_verdict::{ChainQuestion, Purpose, judge};
use serde::Deserialize;

#[derive(Deserialize)]
struct Limbo {
    testcases: Vec<Testcase>,
}

#[derive(Deserialize)]
struct Testcase {
    id: String,
    features: Option<Vec<String>>,
    validation_kind: String,
    trusted_certs: Vec<String>,
    untrusted_intermediates: Vec<String>,
    peer_certificate: String,
    validation_time: Option<String>,
    expected_result: String,
}

/// Cases whose verdict is a server's host-name check, which a device's
/// client certificate never gets (DPS and IoT Hub match no name to it).
const HOST_NAME_CHECKS: [(&str, &str); 3] = [
    ("rfc5280::ca-as-leaf-wrong-san", "the leaf's SAN does not match the expected server name"),
    ("webpki::san::", "SAN matching against the expected server name"),
    ("webpki::cn::", "common-name fallback for server names"),
];

/// Why a case is not run, if it is not.
fn skipped(case: &Testcase) -> Option<String> {
    if let Some((_, why)) = HOST_NAME_CHECKS.iter().find(|(id, _)| case.id.starts_with(id)) {
        return Some(format!("host-name check: {why}"));
    }
    // Limbo's two families disagree here; the verdict follows RFC 5280 §4.2.1.10
    // (nameConstraints MUST be critical), as rfc5280::nc::permitted-dns-match-noncritical expects.
    if case.id == "webpki::nc::permitted-dns-match-noncritical" {
        return Some("contradicts rfc5280::nc::permitted-dns-match-noncritical".into());
    }
    // A server's own chain-building depth setting; the verdict uses webpki's fixed limit.
    if case.features.iter().flatten().any(|f| f == "max-chain-depth") {
        return Some("max-chain-depth: the server's own depth setting".into());
    }
    None
}

fn der_of(pem: &str) -> Vec<u8> {
    let (label, der) = der::pem::decode_vec(pem.as_bytes()).expect("limbo PEM decodes");
    assert_eq!(label, "CERTIFICATE");
    der
}

/// `2024-03-01T00:00:00+00:00` (limbo writes UTC only) as Unix seconds.
fn unix_time(iso: &str) -> u64 {
    let field = |range: std::ops::Range<usize>| iso[range].parse::<i64>().expect("limbo time field");
    let (mut year, month, day) = (field(0..4), field(5..7), field(8..10));
    let seconds = field(11..13) * 3600 + field(14..16) * 60 + field(17..19);
    assert!(iso[19..].trim_start_matches(|c: char| c == '.' || c.is_ascii_digit()) == "+00:00", "{iso}");
    // Days from the civil date (Howard Hinnant's algorithm).
    if month <= 2 {
        year -= 1;
    }
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    u64::try_from(days * 86_400 + seconds).expect("limbo times are after 1970")
}

#[derive(Default)]
struct Tally {
    run: usize,
    skipped: usize,
    valid_agreed: usize,
    valid: usize,
    invalid_agreed: usize,
    invalid: usize,
}

#[test]
fn the_chain_verdict_agrees_with_x509_limbo() {
    let mut packed = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/x509-limbo/limbo-subset.json.gz")).unwrap())
        .read_to_end(&mut packed)
        .unwrap();
    let limbo: Limbo = serde_json::from_slice(&packed).unwrap();
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut valid_called_broken = Vec::new();
    let mut wrong = Vec::new();
    for case in &limbo.testcases {
        let family = case.id.split("::").next().unwrap().to_string();
        let tally = tallies.entry(family.clone()).or_default();
        if let Some(why) = skipped(case) {
            tally.skipped += 1;
            println!("skipped {}: {why}", case.id);
            continue;
        }
        let ders: Vec<Vec<u8>> = std::iter::once(&case.peer_certificate)
            .chain(&case.untrusted_intermediates)
            .chain(&case.trusted_certs)
            .map(|pem| der_of(pem))
            .collect();
        let certificates: Vec<&[u8]> = ders.iter().map(Vec::as_slice).collect();
        let trusted: Vec<usize> = (1 + case.untrusted_intermediates.len()..certificates.len()).collect();
        let purpose = if case.validation_kind == "CLIENT" { Purpose::Device } else { Purpose::Server };
        let now_unix = case.validation_time.as_deref().map(unix_time).unwrap_or(now);
        let report = judge(&ChainQuestion { certificates: &certificates, leaf: 0, trusted: &trusted, now_unix, purpose });
        let expected_valid = case.expected_result == "SUCCESS";
        tally.run += 1;
        if expected_valid {
            tally.valid += 1;
            tally.valid_agreed += usize::from(report.ok);
            if !report.ok {
                valid_called_broken.push(format!("{}: {}", case.id, report.summary));
            }
        } else {
            tally.invalid += 1;
            tally.invalid_agreed += usize::from(!report.ok);
        }
        if report.ok != expected_valid {
            wrong.push((family, format!("{} (expected {}): {}", case.id, case.expected_result, report.summary)));
        }
    }
    for (family, t) in &tallies {
        println!(
            "{family}: {} of {} run agree (valid {}/{}, invalid {}/{}), {} skipped",
            t.valid_agreed + t.invalid_agreed,
            t.run,
            t.valid_agreed,
            t.valid,
            t.invalid_agreed,
            t.invalid,
            t.skipped
        );
    }
    for (_, line) in &wrong {
        println!("wrong: {line}");
    }
    assert!(valid_called_broken.is_empty(), "valid chains called broken:\n{}", valid_called_broken.join("\n"));
    let held_to = ["rfc5280", "pathlen", "pathological"];
    let run: usize = held_to.iter().filter_map(|f| tallies.get(*f)).map(|t| t.run).sum();
    let wrong_there = wrong.iter().filter(|(family, _)| held_to.contains(&family.as_str())).count();
    assert!(run > 100, "the suite holds {run} cases of {held_to:?}");
    assert!(wrong_there * 20 <= run, "{wrong_there} of {run} rfc5280 / pathlen / pathological cases judged wrong (more than 5 %)");
}

#[test]
fn limbo_times_read_as_unix_seconds() {
    assert_eq!(unix_time("1970-01-01T00:00:00+00:00"), 0);
    assert_eq!(unix_time("2000-03-01T12:30:05+00:00"), 951_913_805);
    assert_eq!(unix_time("2024-02-29T23:59:59.500+00:00"), 1_709_251_199);
}
