//! The test kit, shared by every file under `tests/` and by the benches (which include it with
//! `#[path = "../tests/support/mod.rs"]`). One job per file:
//!
//! - [`credentials`]: the hermetic environment of every CLI run (test credentials, no
//!   metadata or profile look-ups, an empty HOME of its own).
//! - [`cli`]: the CLI runner, [`Cli`] in, [`Run`] (exit code, stdout, stderr) out.
//! - [`env`]: the environment builder, [`Env`]: an emulator on 127.0.0.1, a project folder and
//!   clients for seeding.
//! - [`project`]: a project folder without an emulator (offline commands, the local instance).
//! - [`rule_text`]: the rule builder, [`RuleText`].
//! - [`snapshot`]: insta snapshots with what changes from run to run filtered out.
//! - [`fault_proxy`]: a relay that cuts or holds connections, for the convergence tests.
//! - [`lying_server`]: endpoints that answer wrongly, for the lying-endpoint tests.
//!
//! A new end-to-end test:
//!
//! ```ignore
//! mod support;
//! use support::{Env, RuleText};
//!
//! #[tokio::test(flavor = "multi_thread")]
//! async fn plan_lists_a_new_rule() {
//!     let env = Env::start().await;
//!     env.write_rule("refund", &RuleText::new("refund").build());
//!     let run = env.run(&["plan", "--detailed-exitcode"]).await;
//!     run.expect(2);
//!     assert!(run.stdout.contains("refund"), "{run}");
//! }
//! ```

// Each test binary (and each bench) compiles the whole kit and uses only a part of it, so
// every binary would warn about the parts and re-exports it does not use.
#![allow(dead_code, unused_imports)]

pub mod cli;
pub mod credentials;
pub mod env;
pub mod fault_proxy;
pub mod lying_server;
pub mod project;
pub mod rule_text;
pub mod snapshot;

pub use cli::{Cli, Run};
pub use credentials::TEST_CREDENTIALS;
pub use env::{Env, INSTANCE};
pub use project::Project;
pub use rule_text::RuleText;
