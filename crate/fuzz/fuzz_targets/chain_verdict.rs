//! The chain verdict (Inspect's "judged as a TLS server would"): any
//! certificates, any of them trusted, at any time, for either purpose.
//! Input: a purpose byte, a trusted-set byte (bit i: certificate i), the
//! time (u32, big-endian Unix seconds), then certificates as a u16
//! big-endian length and that many DER bytes each (seeds/chain_verdict).
#![no_main]
use cert_studio::judge::chain_verdict::{ChainQuestion, ChainReport, Purpose, judge, judge_bundle};
use libfuzzer_sys::fuzz_target;

/// webpki's own bound is on signatures, not certificates; eight keep each run short.
const MOST_CERTIFICATES: usize = 8;

fn certificates(mut rest: &[u8]) -> Vec<&[u8]> {
    let mut found = Vec::new();
    while let [high, low, tail @ ..] = rest {
        let len = usize::from(u16::from_be_bytes([*high, *low])).min(tail.len());
        found.push(&tail[..len]);
        rest = &tail[len..];
        if found.len() == MOST_CERTIFICATES {
            break;
        }
    }
    found
}

/// What every report promises, whatever the input: `trusted` (when known) holds the end of a valid path.
fn check(report: &ChainReport, count: usize, trusted: Option<&[usize]>) {
    assert_eq!(report.ok, report.problems.is_empty(), "ok is exactly no problem: {report:?}");
    assert!(!report.summary.is_empty());
    let numbered = |n: &usize| (1..=count).contains(n);
    assert!(!report.path.is_empty() && report.path.iter().all(numbered), "path {:?} of {count}", report.path);
    for problem in &report.problems {
        assert!(!problem.message.is_empty() && problem.certificates.iter().all(numbered), "{problem:?} of {count}");
    }
    if let (true, Some(trusted)) = (report.ok, trusted) {
        let top = report.path.last().unwrap() - 1;
        assert!(trusted.contains(&top), "a path judged valid ends at a trusted certificate: {report:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    let [purpose, trusted_bits, t0, t1, t2, t3, rest @ ..] = data else { return };
    let certificates = certificates(rest);
    if certificates.is_empty() {
        return;
    }
    let trusted: Vec<usize> = (0..certificates.len()).filter(|i| trusted_bits & (1 << i) != 0).collect();
    let now_unix = u64::from(u32::from_be_bytes([*t0, *t1, *t2, *t3]));
    let purpose = if purpose & 1 == 0 { Purpose::Device } else { Purpose::Server };
    let question = ChainQuestion { certificates: &certificates, leaf: 0, trusted: &trusted, now_unix, purpose, uploaded_ca: None };
    let report = judge(&question);
    check(&report, certificates.len(), Some(&trusted));
    // The same question, the same answer.
    assert_eq!(judge(&question).problems, report.problems);
    // Inspect's reading: the leaf and the trusted roots found in the bundle itself.
    check(&judge_bundle(&certificates, now_unix), certificates.len(), None);
});
