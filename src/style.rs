//! Terminal colour, decided once from `--color`, `NO_COLOR` and whether output is a terminal.

use crate::cli::ColorChoice;

/// Whether to emit ANSI colour codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    color: bool,
}

impl Style {
    /// Decides colour for a stream. `NO_COLOR` (any non-empty value) turns `auto` off.
    pub fn new(choice: ColorChoice, is_terminal: bool, no_color_env: Option<&str>) -> Self {
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_terminal && no_color_env.is_none_or(str::is_empty),
        };
        Style { color }
    }

    /// No colour at all.
    pub fn plain() -> Self {
        Style { color: false }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// Red, bold.
    pub fn error(self, text: &str) -> String {
        self.paint("1;31", text)
    }
    /// Yellow, bold.
    pub fn warning(self, text: &str) -> String {
        self.paint("1;33", text)
    }
    /// Cyan.
    pub fn hint(self, text: &str) -> String {
        self.paint("36", text)
    }
    /// Green.
    pub fn added(self, text: &str) -> String {
        self.paint("32", text)
    }
    /// Red.
    pub fn removed(self, text: &str) -> String {
        self.paint("31", text)
    }
    /// Yellow.
    pub fn changed(self, text: &str) -> String {
        self.paint("33", text)
    }
    /// Bold.
    pub fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_turns_auto_off_but_not_always() {
        assert_eq!(
            Style::new(ColorChoice::Auto, true, Some("1")),
            Style::plain()
        );
        assert_ne!(Style::new(ColorChoice::Auto, true, None), Style::plain());
        assert_eq!(Style::new(ColorChoice::Auto, false, None), Style::plain());
        assert_ne!(
            Style::new(ColorChoice::Always, false, Some("1")),
            Style::plain()
        );
        assert_eq!(
            Style::new(ColorChoice::Auto, true, Some("")),
            Style::new(ColorChoice::Auto, true, None)
        );
    }
}
