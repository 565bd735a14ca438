//! One error type for the whole studio: a sentence for a person, and the form
//! field it belongs to (when there is one) so the page can show it in place.

use std::fmt;

/// Every error the studio gives: one sentence a person can act on, and the
/// form field or command-line flag at fault when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudioError {
    /// The form field or input (file) the problem is about, e.g. `devices`.
    pub field: Option<String>,
    /// One clear sentence naming the problem and the rule.
    pub message: String,
}

impl StudioError {
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: Some(field.into()), message: message.into() }
    }

    pub fn general(message: impl Into<String>) -> Self {
        Self { field: None, message: message.into() }
    }

    /// Wraps a failure of a crypto or encoding library that input can't cause.
    pub fn internal(what: &str, cause: impl fmt::Display) -> Self {
        Self::general(format!("{what} failed: {cause}"))
    }
}

impl fmt::Display for StudioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StudioError {}

/// The studio's result: a [`StudioError`] names what went wrong.
pub type Result<T> = std::result::Result<T, StudioError>;
