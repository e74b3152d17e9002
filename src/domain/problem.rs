//! A refusal or a warning in words a clerk understands, with a stable code
//! that scripts (`--json`) and translations can key on.

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Stable, machine-readable: `id.checksum`, `phone.format`, `card.luhn`…
    pub code: &'static str,
    /// One sentence for the person at the counter.
    pub message: String,
}

impl Problem {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Problem {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Problem {}
