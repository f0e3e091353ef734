//! A project folder without an emulator, for commands that run offline or on the embedded
//! local instance: `rules/`, rule files and a config, written with a builder.

use std::path::Path;

use tempfile::TempDir;

use super::cli::Cli;

/// A temporary project folder with a `rules/` folder.
pub struct Project {
    pub dir: TempDir,
}

impl Default for Project {
    fn default() -> Self {
        Self::new()
    }
}

impl Project {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("rules")).expect("rules dir");
        Project { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `path` (relative to the project, folders made as needed).
    pub fn file(self, path: &str, text: &str) -> Self {
        let path = self.dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("folder");
        std::fs::write(path, text).expect("write");
        self
    }

    /// Writes `rules/FILE` (the file name with its extension).
    pub fn rule_file(self, file: &str, text: &str) -> Self {
        self.file(&format!("rules/{file}"), text)
    }

    /// Writes `connect-rules.yaml`.
    pub fn config(self, text: &str) -> Self {
        self.file("connect-rules.yaml", text)
    }

    /// The CLI from the project folder.
    pub fn cli(&self) -> Cli {
        Cli::new(self.path())
    }

    /// Runs `args` with `NO_COLOR=1`: exit code, stdout and stderr.
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        self.cli().args(args).env("NO_COLOR", "1").run().parts()
    }
}

/// The names of the rules a local instance's state file holds, sorted (read the way the tool
/// reads it).
pub fn rule_names_in(state: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(state).expect("the state file exists");
    let state: connect_rules::emulator::State =
        serde_json::from_str(&text).expect("the state file is a state");
    let mut names: Vec<String> = state
        .instances
        .values()
        .flat_map(|instance| instance.rules.iter().map(|rule| rule.name.clone()))
        .collect();
    names.sort();
    names
}
