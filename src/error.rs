//! The one error a user sees: what happened, where, and what to do. Every command returns it
//! (inside `anyhow`, under any `.context(..)`) or reports it, and [`render`] is the only place
//! that turns it into text.

use std::fmt::{self, Write as _};

use crate::style::Style;

/// A failure explained for the person at the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserError {
    /// Where it happened (`file:line:col`, a file), when it has a place.
    pub place: Option<String>,
    /// What happened, as a sentence (more lines may follow, such as a list of paths).
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl UserError {
    /// An error with no particular place.
    pub fn new(message: impl Into<String>) -> Self {
        UserError {
            place: None,
            message: message.into(),
            hint: None,
        }
    }

    /// An error at `place`, such as `connect-rules.yaml:3:5`.
    pub fn at(place: impl Into<String>, message: impl Into<String>) -> Self {
        UserError {
            place: Some(place.into()),
            ..UserError::new(message)
        }
    }

    /// The same error with a hint.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// The place and the message; the hint is written by [`render`], after the whole chain.
impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.place {
            // `render` writes the `error:` label once, before the place.
            Some(place) => write!(f, "{place}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for UserError {}

/// `error: CONTEXT: ...: MESSAGE`, then a `hint:` line for each [`UserError`] in the chain,
/// labels coloured by `style`; ends with a newline.
pub fn render(err: &anyhow::Error, style: Style) -> String {
    let mut text = format!("{} {err:#}\n", style.error("error:"));
    for hint in err
        .chain()
        .filter_map(|cause| cause.downcast_ref::<UserError>()?.hint.as_deref())
    {
        let _ = writeln!(text, "  {} {hint}", style.hint("hint:"));
    }
    text
}

/// Writes `err` to stderr, for a command that goes on after it (or reports several).
pub fn report(err: impl Into<anyhow::Error>, style: Style) {
    eprint!("{}", render(&err.into(), style));
}

#[cfg(test)]
mod tests {
    use anyhow::Context as _;

    use super::*;

    #[test]
    fn the_chain_reads_outside_in_and_the_hint_comes_last() {
        let failed: anyhow::Result<()> = Err(UserError::new("ListRules: access denied")
            .with_hint("check the credentials")
            .into());
        let err = failed
            .context("could not read the rules of `i-1`")
            .unwrap_err();
        assert_eq!(
            render(&err, Style::plain()),
            "error: could not read the rules of `i-1`: ListRules: access denied\n  hint: check the credentials\n"
        );
    }

    #[test]
    fn a_place_is_written_before_the_message() {
        let err = anyhow::Error::from(UserError::at("connect-rules.yaml:3:5", "unknown field"));
        assert_eq!(
            render(&err, Style::plain()),
            "error: connect-rules.yaml:3:5: unknown field\n"
        );
    }

    #[test]
    fn labels_are_coloured_only_when_colour_is_on() {
        let err = anyhow::Error::from(UserError::new("refused").with_hint("pass `--force`"));
        let coloured = render(
            &err,
            Style::new(crate::style::ColorMode::Always, false, None),
        );
        assert_eq!(
            coloured,
            "\x1b[1;31merror:\x1b[0m refused\n  \x1b[36mhint:\x1b[0m pass `--force`\n"
        );
        assert!(!render(&err, Style::plain()).contains('\x1b'));
    }

    #[test]
    fn plain_anyhow_errors_render_without_a_hint() {
        let err = anyhow::anyhow!("failed to write `plan.json`");
        assert_eq!(
            render(&err, Style::plain()),
            "error: failed to write `plan.json`\n"
        );
    }
}
