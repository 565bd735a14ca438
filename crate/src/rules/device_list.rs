//! The device list of a chain or batch, as a person writes it: one
//! registration ID per line, bash-style ranges (`device-{001..500}`), or a
//! CSV whose first column holds the IDs (with or without a header row).
//! Every line is checked before anything is made, and every problem is named
//! with its line.

use std::collections::HashMap;

use crate::error::{Result, StudioError};
use crate::rules::names::RegistrationId;

/// The most devices one list may hold on the page.
pub const MAX_DEVICES: usize = 10_000;

/// The most devices one list may hold in a script's batch, written to disk
/// as it is made (the command's batches).
pub const MAX_SCRIPT_DEVICES: usize = 1_000_000;

/// How many problems the message spells out; the rest are counted.
const PROBLEMS_SHOWN: usize = 20;

/// First cells that mark a CSV header row rather than a device.
const HEADER_NAMES: &[&str] = &["registrationid", "deviceid", "id", "registration", "device", "name"];

/// One line that can't become devices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListProblem {
    /// 1-based, as an editor numbers lines.
    pub line: usize,
    pub message: String,
}

/// The first cell of a CSV line (`,`, `;` or tab), without its quotes.
fn first_cell(line: &str) -> &str {
    let cell = line.split([',', ';', '\t']).next().unwrap_or("").trim();
    cell.strip_prefix('"').and_then(|c| c.strip_suffix('"')).unwrap_or(cell).trim()
}

fn is_header(cell: &str) -> bool {
    let plain: String = cell.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
    HEADER_NAMES.contains(&plain.as_str())
}

/// `prefix{from..to}suffix` → each ID, zero-padded when either end is
/// (`{001..500}` → `001` … `500`), as bash expands it. `Ok(None)`: no braces.
pub(crate) fn expand_range<const MAX: usize>(entry: &str, room: usize) -> std::result::Result<Option<Vec<String>>, String> {
    let Some(open) = entry.find('{') else {
        return Ok(None);
    };
    let close = entry[open..].find('}').map(|i| open + i).ok_or_else(|| format!("\"{entry}\" opens {{ but never closes it"))?;
    let (prefix, body, suffix) = (&entry[..open], &entry[open + 1..close], &entry[close + 1..]);
    if suffix.contains(['{', '}']) || prefix.contains('}') {
        return Err(format!("\"{entry}\" has more than one range; write one range per line"));
    }
    let not_a_range = || format!("\"{{{body}}}\" is not a range of numbers like {{001..500}}");
    let (from, to) = body.split_once("..").ok_or_else(not_a_range)?;
    let is_number = |s: &str| !s.is_empty() && s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit());
    if !is_number(from) || !is_number(to) {
        return Err(not_a_range());
    }
    let (start, end): (usize, usize) = (from.parse().map_err(|_| not_a_range())?, to.parse().map_err(|_| not_a_range())?);
    if start > end {
        return Err(format!("the range {{{from}..{to}}} counts down; write {{{to}..{from}}}"));
    }
    let count = end - start + 1;
    if count > room {
        return Err(format!("the range {{{from}..{to}}} makes {count} devices, more than the {MAX} a list may hold"));
    }
    let padded = |s: &str| s.len() > 1 && s.starts_with('0');
    let width = if padded(from) || padded(to) { from.len().max(to.len()) } else { 0 };
    Ok(Some((start..=end).map(|n| format!("{prefix}{n:0width$}{suffix}")).collect()))
}

/// The devices met so far, by lower-cased file stem → the line that named
/// each: DPS ignores case in registration IDs, Windows in file names.
#[derive(Default)]
struct SeenDevices(HashMap<String, usize>);

impl SeenDevices {
    /// The ID's rule, then whether an earlier line named the same device.
    fn check(&mut self, field: &str, id: &str, line: usize) -> std::result::Result<RegistrationId, String> {
        let id = RegistrationId::parse(field, id).map_err(|error| error.message)?;
        let stem = id.stem().to_lowercase();
        if let Some(earlier) = self.0.get(&stem) {
            return Err(format!("\"{id}\" repeats the device of line {earlier} (DPS ignores case; ':' and '_' name the same files)"));
        }
        self.0.insert(stem, line);
        Ok(id)
    }
}

/// A list already split into IDs (the JS API's `devices` array), checked by
/// the same rules; line N is the N-th ID. Every ID comes back checked.
pub fn check_device_ids(field: &str, ids: &[String]) -> Result<Vec<RegistrationId>> {
    if ids.is_empty() {
        return Err(StudioError::field(field, "Add at least one device registration ID."));
    }
    let mut seen = SeenDevices::default();
    let mut checked = Vec::with_capacity(ids.len());
    let mut problems = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        match seen.check(field, id, i + 1) {
            Ok(id) => checked.push(id),
            Err(message) => problems.push(ListProblem { line: i + 1, message }),
        }
    }
    if problems.is_empty() { Ok(checked) } else { Err(StudioError::field(field, describe(&problems))) }
}

/// The registration IDs of `text`, in order; or an error on `field` listing
/// every problem with its line (the first [`PROBLEMS_SHOWN`] spelled out).
pub fn parse_device_list(field: &str, text: &str) -> Result<Vec<String>> {
    parse_device_list_up_to::<MAX_DEVICES>(field, text)
}

/// [`parse_device_list`] for a list of up to `MAX` devices (a constant, so
/// the page's module keeps its code as it was).
pub fn parse_device_list_up_to<const MAX: usize>(field: &str, text: &str) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    let mut problems = Vec::new();
    let mut seen = SeenDevices::default();
    let mut first_entry = true;
    let mut too_many = false;
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let entry = first_cell(trimmed);
        if std::mem::take(&mut first_entry) && is_header(entry) {
            continue;
        }
        let room = MAX.saturating_sub(ids.len());
        let expanded = match expand_range::<MAX>(entry, room.max(1)) {
            Ok(Some(expanded)) => expanded,
            Ok(None) => vec![entry.to_string()],
            Err(message) => {
                problems.push(ListProblem { line, message });
                continue;
            }
        };
        for id in expanded {
            if ids.len() == MAX {
                too_many = true;
                break;
            }
            match seen.check(field, &id, line) {
                Ok(_) => ids.push(id),
                Err(message) => problems.push(ListProblem { line, message }),
            }
        }
        if too_many {
            break;
        }
    }
    if too_many {
        return Err(StudioError::field(field, format!("The list holds more than {MAX} devices; split it into batches of at most {MAX}.")));
    }
    if !problems.is_empty() {
        return Err(StudioError::field(field, describe(&problems)));
    }
    if ids.is_empty() {
        return Err(StudioError::field(field, "Add at least one device registration ID."));
    }
    Ok(ids)
}

fn describe(problems: &[ListProblem]) -> String {
    let count = problems.len();
    let mut text = if count == 1 {
        "The device list has a problem; nothing was made.".to_string()
    } else {
        format!("The device list has {count} problems; nothing was made.")
    };
    for problem in problems.iter().take(PROBLEMS_SHOWN) {
        text.push_str(&format!("\nLine {}: {}", problem.line, problem.message));
    }
    if count > PROBLEMS_SHOWN {
        text.push_str(&format!("\n… and {} more.", count - PROBLEMS_SHOWN));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scripts_list_holds_more_than_the_pages() {
        let long = parse_device_list_up_to::<MAX_SCRIPT_DEVICES>("devices", "unit-{000001..100000}").unwrap();
        assert_eq!((long.len(), long[99_999].as_str()), (100_000, "unit-100000"));
        let error = parse_device_list_up_to::<5>("devices", "a-{1..6}").unwrap_err();
        assert_eq!(error.field.as_deref(), Some("devices"));
        assert!(error.message.contains("makes 6 devices, more than the 5"), "{}", error.message);
    }

    fn ids(text: &str) -> Vec<String> {
        parse_device_list("devices", text).unwrap()
    }

    fn problem(text: &str) -> String {
        let error = parse_device_list("devices", text).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("devices"));
        error.message
    }

    #[test]
    fn lines_ranges_and_csv() {
        assert_eq!(ids("device-01\r\n\n  device-02  \n# a comment\n"), ["device-01", "device-02"]);
        assert_eq!(ids("device-{001..003}"), ["device-001", "device-002", "device-003"]);
        assert_eq!(ids("line-{9..11}-b"), ["line-9-b", "line-10-b", "line-11-b"]);
        assert_eq!(ids("x{8..010}"), ["x008", "x009", "x010"]);
        assert_eq!(ids("registrationId,site\n\"dev-a\",Lyon\ndev-b;Oslo\ndev-c\tRome"), ["dev-a", "dev-b", "dev-c"]);
        assert_eq!(ids("Device ID\ndev-a"), ["dev-a"]);
        assert_eq!(ids("device-{1..10000}").len(), MAX_DEVICES);
    }

    #[test]
    fn every_problem_is_named_with_its_line() {
        let message = problem("ok-1\nbad id\nok-2\nOK-1\ntrailing.\nr-{5..1}\nq-{a..b}\nz-{1..2}{3..4}");
        assert!(message.starts_with("The device list has 6 problems"), "{message}");
        for expected in [
            "Line 2: Registration ID \"bad id\" contains a space",
            "Line 4: \"OK-1\" repeats the device of line 1",
            "Line 5: Registration ID \"trailing.\" ends with '.'",
            "Line 6: the range {5..1} counts down",
            "Line 7: \"{a..b}\" is not a range",
            "Line 8: \"z-{1..2}{3..4}\" has more than one range",
        ] {
            assert!(message.contains(expected), "{expected:?} not in {message}");
        }
    }

    #[test]
    fn limits() {
        assert!(problem("").contains("at least one"));
        assert!(problem("a-{1..10001}").contains("more than the 10000"));
        assert!(problem("a-{1..10000}\nb").contains("more than 10000 devices"));
        let many: String = (0..30).map(|i| format!("bad id {i}\n")).collect();
        let message = problem(&many);
        assert!(message.contains("30 problems") && message.contains("… and 10 more."), "{message}");
    }
}
