//! Terminal colour, decided once from the colour mode, `NO_COLOR` and whether output is a
//! terminal. Knows nothing of the command line: the shell maps `--color` to [`ColorMode`].

/// When to colour, as the user chose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorMode {
    /// Colour a terminal unless `NO_COLOR` is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// The styles of the two output streams: data on stdout, messages on stderr.
#[derive(Debug, Clone, Copy)]
pub struct Styles {
    /// For standard output.
    pub stdout: Style,
    /// For standard error.
    pub stderr: Style,
}

/// Whether to emit ANSI colour codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    color: bool,
}

impl Style {
    /// Decides colour for a stream. `NO_COLOR` (any non-empty value) turns `auto` off.
    pub fn new(choice: ColorMode, is_terminal: bool, no_color_env: Option<&str>) -> Self {
        let color = match choice {
            ColorMode::Always => true,
            ColorMode::Never => false,
            ColorMode::Auto => is_terminal && no_color_env.is_none_or(str::is_empty),
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
        assert_eq!(Style::new(ColorMode::Auto, true, Some("1")), Style::plain());
        assert_ne!(Style::new(ColorMode::Auto, true, None), Style::plain());
        assert_eq!(Style::new(ColorMode::Auto, false, None), Style::plain());
        assert_ne!(
            Style::new(ColorMode::Always, false, Some("1")),
            Style::plain()
        );
        assert_eq!(
            Style::new(ColorMode::Auto, true, Some("")),
            Style::new(ColorMode::Auto, true, None)
        );
    }
}
