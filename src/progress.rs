//! Progress of the long phases (reading an instance, applying, reading it again): a bar with
//! an estimate of the time left on a terminal, once a phase has run for about a second; one
//! line per phase when stderr is not a terminal (a CI log); nothing when asked for none.
//!
//! What a bar says is [`status_line`], a pure function of the counts and the time spent, so it
//! is tested without a terminal or a clock; indicatif only draws it.

use std::io::IsTerminal as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The environment variable that chooses how progress is shown: `bars`, `lines` or `off`
/// (unset: bars on a terminal that can redraw a line, lines otherwise; bars where none can be
/// drawn are lines too, so asking for bars never means silence).
pub const PROGRESS_ENV: &str = "CONNECT_RULES_PROGRESS";

/// How long a phase runs before its bar is drawn: shorter phases would only flicker.
const QUIET_START: Duration = Duration::from_secs(1);

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMode {
    /// A bar with the time left, redrawn in place (a terminal).
    Bars,
    /// One line when each phase ends (a log).
    Lines,
    /// Nothing.
    Off,
}

impl ProgressMode {
    /// The mode for this process: [`PROGRESS_ENV`] when set to a mode, otherwise bars when
    /// stderr is a terminal and lines when it is not.
    pub fn detect() -> Self {
        let setting = std::env::var(PROGRESS_ENV).ok();
        if let Some(unknown) = setting
            .as_deref()
            .map(str::trim)
            .filter(|value| !matches!(*value, "" | "bars" | "lines" | "off"))
        {
            static SAID: std::sync::Once = std::sync::Once::new();
            SAID.call_once(|| {
                eprintln!(
                    "warning: {PROGRESS_ENV}={unknown} is not `bars`, `lines` or `off`; showing progress as if it were unset"
                );
            });
        }
        // A dumb terminal cannot redraw a line in place, so no bar is ever drawn there.
        let redraws = std::io::stderr().is_terminal()
            && std::env::var("TERM").map_or(true, |term| term != "dumb");
        Self::choose(setting.as_deref(), redraws)
    }

    /// [`Self::detect`] over its inputs: the setting, and whether stderr is a terminal that
    /// can redraw a line.
    pub fn choose(setting: Option<&str>, stderr_redraws: bool) -> Self {
        match setting.map(str::trim) {
            Some("bars") if stderr_redraws => ProgressMode::Bars,
            Some("lines" | "bars") => ProgressMode::Lines,
            Some("off") => ProgressMode::Off,
            _ if stderr_redraws => ProgressMode::Bars,
            _ => ProgressMode::Lines,
        }
    }
}

/// A phase's counts at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Items done.
    pub done: u64,
    /// Items in all, once known (a listing's length is known only at its end).
    pub total: Option<u64>,
}

/// What a bar says: `reading rules: 50/200, 10 s so far, about 30 s left`. The time left is
/// the pace so far applied to what remains; with nothing done yet, or no total, there is none.
pub fn status_line(label: &str, counts: Counts, elapsed: Duration) -> String {
    let so_far = format!("{} so far", duration_words(elapsed));
    match counts.total {
        None => format!("{label}: {}, {so_far}", counts.done),
        Some(total) => {
            let left = time_left(counts.done, total, elapsed).map_or_else(String::new, |left| {
                format!(", about {} left", duration_words(left))
            });
            format!("{label}: {}/{total}, {so_far}{left}", counts.done)
        }
    }
}

/// The time `total - done` more items take at the pace of the first `done`.
pub fn time_left(done: u64, total: u64, elapsed: Duration) -> Option<Duration> {
    if done == 0 || done > total {
        return None;
    }
    #[allow(clippy::cast_precision_loss)]
    let per_item = elapsed.as_secs_f64() / done as f64;
    #[allow(clippy::cast_precision_loss)]
    Some(Duration::from_secs_f64(per_item * (total - done) as f64))
}

/// `0.4 s`, `12 s`, `1 min 38 s`, `2 h 5 min`: whole seconds once past ten.
pub fn duration_words(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    if secs < 10.0 {
        return format!("{secs:.1} s");
    }
    let whole = duration.as_secs();
    match (whole / 3600, (whole % 3600) / 60, whole % 60) {
        (0, 0, s) => format!("{s} s"),
        (0, m, 0) => format!("{m} min"),
        (0, m, s) => format!("{m} min {s} s"),
        (h, m, _) => format!("{h} h {m} min"),
    }
}

/// One phase of a run, in stages (listing, then describing). Counts are updated from any
/// task; the bar (on a terminal) is drawn once the phase has run for [`QUIET_START`], and the
/// line (in a log) when it finishes.
pub struct Phase {
    label: String,
    mode: ProgressMode,
    started: Instant,
    /// The stage's label and start: a stage's pace says nothing of the next one's.
    stage: Mutex<(String, Instant)>,
    done: AtomicU64,
    /// `u64::MAX` while unknown.
    total: AtomicU64,
    bar: Mutex<Option<indicatif::ProgressBar>>,
}

impl Phase {
    /// Starts a phase called `label` (`reading the rules of ...`), its first stage named the same.
    pub fn start(mode: ProgressMode, label: impl Into<String>) -> Self {
        let label = label.into();
        let started = Instant::now();
        Phase {
            stage: Mutex::new((label.clone(), started)),
            label,
            mode,
            started,
            done: AtomicU64::new(0),
            total: AtomicU64::new(u64::MAX),
            bar: Mutex::new(None),
        }
    }

    /// Starts a new stage: its own label, counts from zero, its own clock for the time left.
    pub fn begin_stage(&self, label: impl Into<String>, total: Option<usize>) {
        *lock(&self.stage) = (label.into(), Instant::now());
        self.done.store(0, Ordering::SeqCst);
        self.total.store(
            total.map_or(u64::MAX, |total| total as u64),
            Ordering::SeqCst,
        );
        self.redraw();
    }

    /// Sets the count done (a listing's length so far).
    pub fn set_done(&self, done: usize) {
        self.done.store(done as u64, Ordering::SeqCst);
        self.redraw();
    }

    /// Counts `items` more done.
    pub fn advance(&self, items: usize) {
        self.done.fetch_add(items as u64, Ordering::SeqCst);
        self.redraw();
    }

    /// The current stage's counts.
    pub fn counts(&self) -> Counts {
        let total = self.total.load(Ordering::SeqCst);
        Counts {
            done: self.done.load(Ordering::SeqCst),
            total: (total != u64::MAX).then_some(total),
        }
    }

    /// Ends the phase: clears the bar, or prints the phase's line (`label: outcome in 1.2 s`).
    pub fn finish(&self, outcome: &str) {
        if let Some(bar) = lock(&self.bar).take() {
            bar.finish_and_clear();
        }
        if self.mode == ProgressMode::Lines {
            eprintln!(
                "{}: {outcome} in {}",
                self.label,
                duration_words(self.started.elapsed())
            );
        }
    }

    fn redraw(&self) {
        if self.mode != ProgressMode::Bars || self.started.elapsed() < QUIET_START {
            return;
        }
        let line = {
            let stage = lock(&self.stage);
            status_line(&stage.0, self.counts(), stage.1.elapsed())
        };
        let mut bar = lock(&self.bar);
        let bar = bar.get_or_insert_with(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        bar.set_message(line);
    }
}

/// What a read of the instance tells its phase.
impl crate::fetch::ReadProgress for Phase {
    fn listed(&self, rules: usize) {
        self.set_done(rules);
    }

    fn describing(&self, rules: usize) {
        self.begin_stage(format!("{}: describing", self.label), Some(rules));
    }

    fn described(&self) {
        self.advance(1);
    }
}

/// A lock that a task which panicked while holding it leaves usable: progress is only drawn.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Drop for Phase {
    fn drop(&mut self) {
        // A phase left by an error clears its bar rather than leaving it on the screen.
        if let Some(bar) = lock(&self.bar).take() {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mode_follows_the_setting_then_the_terminal() {
        assert_eq!(ProgressMode::choose(None, true), ProgressMode::Bars);
        assert_eq!(ProgressMode::choose(None, false), ProgressMode::Lines);
        assert_eq!(ProgressMode::choose(Some("off"), true), ProgressMode::Off);
        assert_eq!(
            ProgressMode::choose(Some("lines"), true),
            ProgressMode::Lines
        );
        assert_eq!(ProgressMode::choose(Some("bars"), true), ProgressMode::Bars);
        assert_eq!(
            ProgressMode::choose(Some("bars"), false),
            ProgressMode::Lines,
            "bars where none can be drawn would be silence"
        );
        assert_eq!(
            ProgressMode::choose(Some("rainbow"), false),
            ProgressMode::Lines,
            "an unknown setting falls back to what the terminal says"
        );
    }

    #[test]
    fn the_time_left_is_the_pace_so_far_over_what_remains() {
        let elapsed = Duration::from_secs(10);
        assert_eq!(time_left(50, 200, elapsed), Some(Duration::from_secs(30)));
        assert_eq!(time_left(200, 200, elapsed), Some(Duration::ZERO));
        assert_eq!(time_left(0, 200, elapsed), None, "no pace yet");
        assert_eq!(
            time_left(201, 200, elapsed),
            None,
            "more done than there is"
        );
    }

    #[test]
    fn a_bar_names_the_phase_the_counts_and_the_time_left() {
        let counts = Counts {
            done: 50,
            total: Some(200),
        };
        assert_eq!(
            status_line("reading the rules", counts, Duration::from_secs(25)),
            "reading the rules: 50/200, 25 s so far, about 1 min 15 s left"
        );
        let listing = Counts {
            done: 3,
            total: None,
        };
        assert_eq!(
            status_line("listing rules", listing, Duration::from_millis(1500)),
            "listing rules: 3, 1.5 s so far"
        );
    }

    #[test]
    fn durations_read_in_the_unit_that_matters() {
        assert_eq!(duration_words(Duration::from_millis(400)), "0.4 s");
        assert_eq!(duration_words(Duration::from_secs(12)), "12 s");
        assert_eq!(duration_words(Duration::from_secs(98)), "1 min 38 s");
        assert_eq!(duration_words(Duration::from_mins(2)), "2 min");
        assert_eq!(duration_words(Duration::from_mins(125)), "2 h 5 min");
    }

    #[test]
    fn a_phase_counts_each_stage_from_zero() {
        let phase = Phase::start(ProgressMode::Off, "reading");
        assert_eq!(
            phase.counts(),
            Counts {
                done: 0,
                total: None
            }
        );
        phase.set_done(200);
        phase.begin_stage("describing", Some(10));
        phase.advance(2);
        phase.advance(1);
        assert_eq!(
            phase.counts(),
            Counts {
                done: 3,
                total: Some(10)
            },
            "a new stage counts from zero towards its own total"
        );
        phase.finish("done");
    }
}
