//! Problems found in rule files, and how they are printed.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::node::Pos;
use crate::style::Style;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The rules cannot be used until it is fixed.
    Error,
    /// Worth knowing; does not stop the run.
    Warning,
}

/// One finding, located in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file, as the user named it (relative to where they ran the tool).
    pub file: PathBuf,
    /// The position in the file, when there is one.
    pub pos: Option<Pos>,
    /// What is wrong, as a sentence.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error at `pos` in `file`.
    pub fn error(file: &Path, pos: Option<Pos>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_path_buf(),
            pos: pos.filter(|pos| pos.line > 0),
            message: message.into(),
            hint: None,
        }
    }

    /// A warning at `pos` in `file`.
    pub fn warning(file: &Path, pos: Option<Pos>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, pos, message)
        }
    }

    /// The same finding with a hint.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The finding as [`Display`](fmt::Display) writes it, its labels coloured by `style`.
    pub fn paint(&self, style: Style) -> String {
        let text = self.to_string();
        let (label, painted) = match self.severity {
            Severity::Error => ("error:", style.error("error:")),
            Severity::Warning => ("warning:", style.warning("warning:")),
        };
        text.replacen(&format!(" {label} "), &format!(" {painted} "), 1)
            .replacen("\n  hint:", &format!("\n  {}", style.hint("hint:")), 1)
    }

    /// Whether this stops the run.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}", self.file.display())?;
        if let Some(pos) = self.pos {
            write!(f, ":{pos}")?;
        }
        write!(f, ": {label}: {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Sorts findings by file, then position, then message, so output is stable.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| (&a.file, a.pos, &a.message).cmp(&(&b.file, b.pos, &b.message)));
}
