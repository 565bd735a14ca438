//! One file the studio made: every product's output, before it is zipped or
//! downloaded, and the rule every path it is written at passes.

use crate::error::{Result, StudioError};
use crate::x509::text::visible;

/// One file the studio made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path inside the ZIP, e.g. `certs/device-01.cert.pem`: always passes [`check_output_path`].
    pub path: String,
    pub contents: Vec<u8>,
    /// One line for a person: what the file is and what to do with it.
    pub description: String,
    /// Holds a private key or a password: written owner-read-only.
    pub secret: bool,
}

/// The rule for every path a product returns and every writer writes: a
/// relative, `/`-separated path of non-empty segments, none `.` or `..`, with
/// no control character, no `\` and no `:` (a Windows drive or an NTFS
/// stream). Whatever a name from someone else's file holds, nothing can be
/// written outside the folder the files go to.
pub fn check_output_path(path: &str) -> Result<()> {
    let refuse = |why: &str| {
        Err(StudioError::general(format!("The studio refused to write a file at \"{}\": {why}. Nothing was written.", visible(path))))
    };
    if path.is_empty() {
        return refuse("the path is empty");
    }
    if path.starts_with('/') {
        return refuse("it starts with /, so it would not stay inside the output folder");
    }
    if let Some(bad) = path.chars().find(|&c| c.is_control() || c == '\\' || c == ':') {
        return refuse(&format!("it holds {}, which a file path written by the studio never does", visible(&format!("{bad:?}"))));
    }
    if path.split('/').any(|segment| segment.is_empty() || segment == "." || segment == "..") {
        return refuse("it has an empty, . or .. segment, so it could leave the output folder");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_output_path;

    #[test]
    fn only_plain_relative_paths_pass() {
        for good in ["README.txt", "certs/device-01.cert.pem", "snippets/a_b.custom_hsm_example.c", "certs/...cert.pem"] {
            check_output_path(good).unwrap();
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "certs/../../x",
            "certs//x",
            "./x",
            "certs/.",
            "C:\\Windows\\x",
            "C:/x",
            "a\\b",
            "a\nb",
            "certs/x\u{0}",
        ] {
            let e = check_output_path(bad).unwrap_err();
            assert!(e.message.contains("Nothing was written") && !e.message.contains('\n'), "{bad:?}: {}", e.message);
        }
    }
}
