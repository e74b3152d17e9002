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
    /// The values `message` quotes, by name, for a translation to quote too
    /// (`{name}` in its text): a Chinese refusal says which serial, how much
    /// and how many tries are left, as the English one does.
    #[serde(skip)]
    pub args: Vec<(&'static str, Arg)>,
    /// A file refused whole: what is wrong with each of its lines.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<LineError>,
}

/// One line of a file, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineError {
    pub line: usize,
    #[serde(flatten)]
    pub problem: Problem,
}

impl LineError {
    pub fn new(line: usize, problem: Problem) -> LineError {
        LineError { line, problem }
    }
}

/// A value a refusal quotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// Shown as it is: a serial, an amount, a date, a count.
    Text(String),
    /// A word the screen says in its language: the key of its translation
    /// (`state.submitted`, `verify.item.phone_code`).
    Key(String),
    /// Several such words, in order.
    Keys(Vec<String>),
}

impl Problem {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Problem {
            code,
            message: message.into(),
            args: Vec::new(),
            lines: Vec::new(),
        }
    }

    /// Quote `value` as `{name}` in a translation.
    pub fn with(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.args.push((name, Arg::Text(value.to_string())));
        self
    }

    /// Quote the word whose translation is at `key` as `{name}`.
    pub fn with_key(mut self, name: &'static str, key: impl Into<String>) -> Self {
        self.args.push((name, Arg::Key(key.into())));
        self
    }

    /// What is wrong with each line of the file this refuses.
    pub fn with_lines(mut self, lines: Vec<LineError>) -> Self {
        self.lines = lines;
        self
    }

    /// Quote the words at `keys` as `{name}`.
    pub fn with_keys(mut self, name: &'static str, keys: Vec<String>) -> Self {
        self.args.push((name, Arg::Keys(keys)));
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Problem {}
