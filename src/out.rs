//! Standard output that a reader may stop reading (`connect-rules drift | head -1`).
//!
//! `print!` panics when the pipe is closed. Here a closed pipe is the reader's choice, not an
//! error: what would have been printed is dropped and the command goes on to its end, so an
//! `apply` never stops between two changes because its reader went away, and the exit status
//! still says what happened. Any other write error is said once on stderr.

use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once a write failed: nothing more is tried, and nothing more is said.
static GONE: AtomicBool = AtomicBool::new(false);

/// Writes `text` to stdout (and flushes it, so a prompt or a table shows at once).
pub fn write(text: &str) {
    if GONE.load(Ordering::Relaxed) {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    if let Err(err) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        GONE.store(true, Ordering::Relaxed);
        if err.kind() != ErrorKind::BrokenPipe {
            eprintln!(
                "warning: could not write to stdout: {err}; the rest of the output is dropped"
            );
        }
    }
}

/// `print!` through [`write`].
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::out::write(&format!($($arg)*))
    };
}

/// `println!` through [`write`].
macro_rules! outln {
    () => {
        $crate::out::write("\n")
    };
    ($($arg:tt)*) => {
        $crate::out::write(&format!("{}\n", format_args!($($arg)*)))
    };
}

pub(crate) use {out, outln};
