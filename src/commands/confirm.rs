//! The yes/no question before changing an instance.

use std::io::{BufRead as _, IsTerminal as _, Write as _};

use anyhow::Context;

use crate::error::UserError;

/// Asks `QUESTION to PLACE? (yes/no)` on the terminal: `Ok(false)` when the answer is not
/// `yes`. Without a terminal it refuses, with an error whose hint is `without_terminal`: what
/// this command takes instead of an answer.
pub fn confirm(question: &str, place: &str, without_terminal: &str) -> anyhow::Result<bool> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(UserError::new(
            "refusing to go on without confirmation: there is no terminal to ask on; nothing was changed",
        )
        .with_hint(without_terminal)
        .into());
    }
    eprint!("\n{question} to {place}? Only `yes` is accepted. (yes/no): ");
    std::io::stderr().flush().ok();
    let mut answer = String::new();
    stdin
        .lock()
        .read_line(&mut answer)
        .context("failed to read the answer")?;
    if answer.trim() == "yes" {
        Ok(true)
    } else {
        eprintln!("Cancelled; nothing was changed.");
        Ok(false)
    }
}
