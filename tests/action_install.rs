//! The setup action's install script (`scripts/install-release.sh`) against a release laid out
//! as dist publishes it (`vX.Y.Z/connect-rules-<target>.tar.gz` and its `.sha256`), served by a
//! small HTTP server on 127.0.0.1: a good archive installs and runs, a wrong checksum or a
//! missing asset fails with a clear message and installs nothing, and a second run downloads
//! nothing.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::Duration;

use sha2::{Digest, Sha256};

const TARGET: &str = "x86_64-unknown-linux-musl";
const ARCHIVE: &str = "connect-rules-x86_64-unknown-linux-musl.tar.gz";
/// The server answers at most this many requests, then stops on its own.
const MAX_REQUESTS: usize = 32;

/// Serves fixed files over HTTP/1.1 on 127.0.0.1 and records every path asked for.
struct ReleaseServer {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl ReleaseServer {
    fn start(files: BTreeMap<String, Vec<u8>>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = std::thread::spawn({
            let requests = Arc::clone(&requests);
            let stop = Arc::clone(&stop);
            move || {
                for stream in listener.incoming().take(MAX_REQUESTS) {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(stream) = stream {
                        serve(&stream, &files, &requests);
                    }
                }
            }
        });
        Self {
            addr,
            requests,
            stop,
            thread: Some(thread),
        }
    }

    fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for ReleaseServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(stream: &TcpStream, files: &BTreeMap<String, Vec<u8>>, requests: &Mutex<Vec<String>>) {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // Skip the headers; the request has no body.
    let mut header = String::new();
    while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
        header.clear();
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    if path.is_empty() {
        return;
    }
    requests.lock().unwrap().push(path.clone());
    let mut stream = stream;
    let (status, body): (&str, &[u8]) = match files.get(&path) {
        Some(body) => ("200 OK", body),
        None => ("404 Not Found", b"Not Found"),
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(body);
}

/// A release archive as dist lays it out, holding this build of connect-rules; built once.
fn archive() -> &'static [u8] {
    static ARCHIVE_BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    ARCHIVE_BYTES.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join(format!("connect-rules-{TARGET}"));
        std::fs::create_dir(&folder).unwrap();
        std::fs::copy(
            env!("CARGO_BIN_EXE_connect-rules"),
            folder.join("connect-rules"),
        )
        .unwrap();
        let status = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "tar -cf - connect-rules-{TARGET} | gzip -1 > release.tar.gz"
            ))
            .current_dir(dir.path())
            .status()
            .expect("tar and gzip run");
        assert!(status.success(), "packing the test archive failed");
        std::fs::read(dir.path().join("release.tar.gz")).unwrap()
    })
}

fn sha256_line(bytes: &[u8], name: &str) -> Vec<u8> {
    let digest = Sha256::digest(bytes)
        .iter()
        .fold(String::new(), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        });
    format!("{digest}  {name}\n").into_bytes()
}

/// The files of release `v0.9.0`, as dist uploads them.
fn good_release() -> BTreeMap<String, Vec<u8>> {
    BTreeMap::from([
        (format!("/v0.9.0/{ARCHIVE}"), archive().to_vec()),
        (
            format!("/v0.9.0/{ARCHIVE}.sha256"),
            sha256_line(archive(), ARCHIVE),
        ),
    ])
}

struct Install {
    output: Output,
    github_path: String,
    github_output: String,
}

impl Install {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    fn code(&self) -> Option<i32> {
        self.output.status.code()
    }
}

/// Runs the install script as the action does, with a clean environment (so nothing leaks
/// into a real GitHub runner's `GITHUB_PATH` when this test runs in CI).
fn install(server: &ReleaseServer, version: &str, cache: &Path) -> Install {
    let github = tempfile::tempdir().unwrap();
    let github_path = github.path().join("path");
    let github_output = github.path().join("output");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/install-release.sh");
    let output = Command::new("bash")
        .arg(&script)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", github.path())
        .env("CONNECT_RULES_VERSION", version)
        .env("CONNECT_RULES_BASE_URL", server.base_url())
        .env("CONNECT_RULES_INSTALL_DIR", cache)
        .env("CONNECT_RULES_TARGET", TARGET)
        .env("GITHUB_PATH", &github_path)
        .env("GITHUB_OUTPUT", &github_output)
        .output()
        .expect("bash runs the install script");
    Install {
        output,
        github_path: std::fs::read_to_string(github_path).unwrap_or_default(),
        github_output: std::fs::read_to_string(github_output).unwrap_or_default(),
    }
}

/// The script's words with the parts that change per run (port, folders, digests) named.
fn readable(text: &str, server: &ReleaseServer, cache: &Path) -> String {
    let text = text
        .replace(&server.base_url(), "http://127.0.0.1:PORT")
        .replace(&cache.display().to_string(), "[CACHE]");
    let text = hex_digests(&text)
        .into_iter()
        .fold(text, |text, hex| text.replace(&hex, "[SHA256]"));
    without_build_commit(&text)
}

/// `text` with the build's commit left out of the installed binary's version line
/// (`connect-rules 0.1.0 (abc1234 2026-11-30)` reads `connect-rules 0.1.0`): the commit changes
/// with every commit, the version the script reports does not.
fn without_build_commit(text: &str) -> String {
    let version = format!("connect-rules {} (", env!("CARGO_PKG_VERSION"));
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(&version) {
        let after = &rest[at + version.len()..];
        let Some(close) = after.find(')') else {
            break;
        };
        out.push_str(&rest[..at + version.len() - 2]);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// Every 64-character lowercase hex word in the text.
fn hex_digests(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_hexdigit())
        .filter(|word| word.len() == 64 && word.chars().all(|c| !c.is_ascii_uppercase()))
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_good_archive_installs_verified_and_runs() {
    let server = ReleaseServer::start(good_release());
    let cache = tempfile::tempdir().unwrap();

    let run = install(&server, "0.9.0", cache.path());

    assert_eq!(run.code(), Some(0), "stderr: {}", run.stderr());
    let dir = cache.path().join("v0.9.0").join(TARGET);
    let binary = dir.join("connect-rules");
    let version = Command::new(&binary).arg("--version").output().unwrap();
    assert!(version.status.success());
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("connect-rules "));
    assert_eq!(run.github_path.trim(), dir.display().to_string());
    assert!(run.github_output.contains("cache-hit=false"));
    assert_eq!(
        server.requests(),
        [
            format!("/v0.9.0/{ARCHIVE}"),
            format!("/v0.9.0/{ARCHIVE}.sha256")
        ]
    );
    insta::assert_snapshot!(readable(&run.stdout(), &server, cache.path()), @r"
    downloading http://127.0.0.1:PORT/v0.9.0/connect-rules-x86_64-unknown-linux-musl.tar.gz
    sha256 [SHA256] verified
    installed connect-rules v0.9.0 for x86_64-unknown-linux-musl into [CACHE]/v0.9.0/x86_64-unknown-linux-musl
    connect-rules 0.1.0 is at [CACHE]/v0.9.0/x86_64-unknown-linux-musl/connect-rules
    ");
}

#[test]
fn a_second_run_is_a_cache_hit_and_downloads_nothing() {
    let server = ReleaseServer::start(good_release());
    let cache = tempfile::tempdir().unwrap();
    let first = install(&server, "v0.9.0", cache.path());
    assert_eq!(first.code(), Some(0), "stderr: {}", first.stderr());
    let downloads = server.requests().len();

    let second = install(&server, "v0.9.0", cache.path());

    assert_eq!(second.code(), Some(0), "stderr: {}", second.stderr());
    assert_eq!(server.requests().len(), downloads, "no new request");
    assert!(second.github_output.contains("cache-hit=true"));
    assert!(!second.github_path.is_empty(), "still put on PATH");
    insta::assert_snapshot!(readable(&second.stdout(), &server, cache.path()), @r"
    cache hit: connect-rules v0.9.0 for x86_64-unknown-linux-musl is already in [CACHE]/v0.9.0/x86_64-unknown-linux-musl
    connect-rules 0.1.0 is at [CACHE]/v0.9.0/x86_64-unknown-linux-musl/connect-rules
    ");
}

#[test]
fn an_interrupted_install_is_done_again() {
    let server = ReleaseServer::start(good_release());
    let cache = tempfile::tempdir().unwrap();
    // A binary without the `.installed` marker: a run that stopped half way.
    let dir = cache.path().join("v0.9.0").join(TARGET);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("connect-rules"), b"half a binary").unwrap();

    let run = install(&server, "0.9.0", cache.path());

    assert_eq!(run.code(), Some(0), "stderr: {}", run.stderr());
    assert_eq!(server.requests().len(), 2, "downloaded again");
    assert_eq!(
        std::fs::metadata(dir.join("connect-rules")).unwrap().len(),
        std::fs::metadata(env!("CARGO_BIN_EXE_connect-rules"))
            .unwrap()
            .len()
    );
}

#[test]
fn a_wrong_checksum_fails_and_installs_nothing() {
    let mut release = good_release();
    release.insert(
        format!("/v0.9.0/{ARCHIVE}.sha256"),
        sha256_line(b"some other archive", ARCHIVE),
    );
    let server = ReleaseServer::start(release);
    let cache = tempfile::tempdir().unwrap();

    let run = install(&server, "0.9.0", cache.path());

    assert_eq!(run.code(), Some(1));
    assert!(!cache.path().join("v0.9.0").join(TARGET).exists());
    assert!(run.github_path.is_empty(), "nothing put on PATH");
    insta::assert_snapshot!(readable(&run.stderr(), &server, cache.path()), @"
    error: checksum mismatch for `connect-rules-x86_64-unknown-linux-musl.tar.gz`: the release says sha256 [SHA256], the download is [SHA256]
    hint: nothing was installed; the asset or its .sha256 file changed after the release was published, or the download was altered: do not use it, report it to the maintainers
    ");
}

#[test]
fn a_missing_asset_fails_with_exit_code_4_so_the_action_builds_from_source() {
    let server = ReleaseServer::start(good_release());
    let cache = tempfile::tempdir().unwrap();

    let run = install(&server, "0.9.1", cache.path());

    assert_eq!(run.code(), Some(4));
    assert_eq!(server.requests(), [format!("/v0.9.1/{ARCHIVE}")]);
    assert!(!cache.path().join("v0.9.1").exists());
    insta::assert_snapshot!(readable(&run.stderr(), &server, cache.path()), @"
    error: connect-rules v0.9.1 has no release asset `connect-rules-x86_64-unknown-linux-musl.tar.gz` (HTTP 404 from http://127.0.0.1:PORT/v0.9.1/connect-rules-x86_64-unknown-linux-musl.tar.gz)
    hint: check that the release v0.9.1 exists and was built for x86_64-unknown-linux-musl; the action falls back to building from source
    ");
}

#[test]
fn a_release_without_a_checksum_is_not_installed() {
    let mut release = good_release();
    release.remove(&format!("/v0.9.0/{ARCHIVE}.sha256"));
    let server = ReleaseServer::start(release);
    let cache = tempfile::tempdir().unwrap();

    let run = install(&server, "0.9.0", cache.path());

    assert_eq!(run.code(), Some(1));
    assert!(!cache.path().join("v0.9.0").join(TARGET).exists());
    insta::assert_snapshot!(readable(&run.stderr(), &server, cache.path()), @"
    error: connect-rules v0.9.0 has no checksum `connect-rules-x86_64-unknown-linux-musl.tar.gz.sha256` (HTTP 404 from http://127.0.0.1:PORT/v0.9.0/connect-rules-x86_64-unknown-linux-musl.tar.gz.sha256)
    hint: a release without a checksum is not installed; check the release's assets
    ");
}

#[test]
fn a_version_that_is_not_a_release_is_refused_before_any_download() {
    let server = ReleaseServer::start(good_release());
    let cache = tempfile::tempdir().unwrap();

    let run = install(&server, "main", cache.path());

    assert_eq!(run.code(), Some(1));
    assert!(server.requests().is_empty());
    insta::assert_snapshot!(run.stderr(), @"
    error: `main` is not a release version
    hint: use a version such as 0.2.0 or v0.2.0
    ");
}
