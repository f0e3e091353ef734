//! The fault proxy: a seeded HTTP/1.1 relay on 127.0.0.1 in front of the emulator that can cut a
//! connection before the request reaches the emulator or after the emulator acted on it (the
//! lost answer that ClientToken idempotency must cover), and can hold every request from a
//! chosen point so a test kills the CLI at an exact step.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use connect_rules::emulator::Operation;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use super::env::MUTATIONS;

pub fn is_mutation(operation: Operation) -> bool {
    MUTATIONS.contains(&operation)
}

/// Where the proxy cuts a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cut {
    /// The request is read and the connection closed: the emulator never sees it.
    BeforeForwarding,
    /// The emulator answers, and the connection is closed instead of relaying the answer.
    AfterProcessing,
}

/// The chance of each cut, per request, from a seeded generator.
#[derive(Debug)]
struct CutOdds {
    before: f64,
    after: f64,
    rng: StdRng,
}

/// The step at which the proxy freezes the CLI for the kill test: from there on, every request
/// is held (never answered) until [`FaultProxy::release`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KillPoint {
    /// `passed` mutations go through; the next one is held before it reaches the emulator, or
    /// (with `lose_answer`) reaches it and has its answer held.
    Mutation { passed: usize, lose_answer: bool },
    /// Every change went through; the re-read that ends an apply is held.
    FinalRead,
}

/// What the proxy does with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Forward,
    Cut(Cut),
    Hold,
    ForwardThenHold,
}

#[derive(Debug, Default)]
struct ProxyState {
    odds: Option<CutOdds>,
    cuts: BTreeMap<(Operation, Cut), usize>,
    kill_point: Option<KillPoint>,
    mutations_forwarded: usize,
    frozen: bool,
    /// Requests sent to the emulator whose answer has not come back yet.
    in_flight: usize,
}

#[derive(Debug)]
struct ProxyShared {
    upstream: SocketAddr,
    state: Mutex<ProxyState>,
    /// Becomes `true` to let held connections close.
    released: watch::Sender<bool>,
}

/// A seeded HTTP/1.1 relay in front of the emulator. Every request goes on its own upstream
/// connection with `connection: close`, so each client connection carries one request and a cut
/// affects exactly one call.
pub struct FaultProxy {
    addr: SocketAddr,
    shared: Arc<ProxyShared>,
    accept: tokio::task::JoinHandle<()>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

impl FaultProxy {
    pub async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("the proxy binds");
        let addr = listener.local_addr().expect("the proxy has an address");
        let shared = Arc::new(ProxyShared {
            upstream,
            state: Mutex::new(ProxyState::default()),
            released: watch::channel(false).0,
        });
        let accepting = Arc::clone(&shared);
        let accept = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let _ = stream.set_nodelay(true);
                tokio::spawn(relay(Arc::clone(&accepting), stream));
            }
        });
        FaultProxy {
            addr,
            shared,
            accept,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn lock(&self) -> MutexGuard<'_, ProxyState> {
        self.shared.lock()
    }

    /// Cuts each request before forwarding with chance `before`, after processing with chance
    /// `after`.
    pub fn set_cuts(&self, before: f64, after: f64, seed: u64) {
        self.lock().odds = Some(CutOdds {
            before,
            after,
            rng: StdRng::seed_from_u64(seed),
        });
    }

    pub fn clear_cuts(&self) {
        self.lock().odds = None;
    }

    /// Cuts so far, by operation and kind.
    pub fn cuts(&self) -> BTreeMap<(Operation, Cut), usize> {
        self.lock().cuts.clone()
    }

    pub fn freeze_at(&self, point: KillPoint) {
        let mut state = self.lock();
        state.kill_point = Some(point);
        state.mutations_forwarded = 0;
        state.frozen = false;
    }

    /// Frozen, and nothing is on its way to or from the emulator: its state is final.
    pub fn is_frozen_and_quiet(&self) -> bool {
        let state = self.lock();
        state.frozen && state.in_flight == 0
    }

    /// Closes every held connection (unanswered) and forwards again.
    pub fn release(&self) {
        {
            let mut state = self.lock();
            state.kill_point = None;
            state.frozen = false;
        }
        // Stays true: a connection held a moment before still finds it so and closes.
        self.shared.released.send_replace(true);
    }
}

impl ProxyShared {
    fn lock(&self) -> MutexGuard<'_, ProxyState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Decides one request's fate; counts it in flight when it goes to the emulator, under the
    /// same lock, so "frozen and quiet" never misses a request about to be sent.
    fn judge(&self, operation: Option<Operation>) -> Verdict {
        let mut state = self.lock();
        let verdict = Self::judge_locked(&mut state, operation);
        if matches!(
            verdict,
            Verdict::Forward | Verdict::ForwardThenHold | Verdict::Cut(Cut::AfterProcessing)
        ) {
            state.in_flight += 1;
        }
        if let (Verdict::Cut(cut), Some(operation)) = (verdict, operation) {
            *state.cuts.entry((operation, cut)).or_default() += 1;
        }
        verdict
    }

    fn judge_locked(state: &mut ProxyState, operation: Option<Operation>) -> Verdict {
        if state.frozen {
            return Verdict::Hold;
        }
        let mutation = operation.is_some_and(is_mutation);
        match state.kill_point {
            Some(KillPoint::Mutation {
                passed,
                lose_answer,
            }) if mutation => {
                if state.mutations_forwarded == passed {
                    state.frozen = true;
                    return if lose_answer {
                        Verdict::ForwardThenHold
                    } else {
                        Verdict::Hold
                    };
                }
                state.mutations_forwarded += 1;
            }
            Some(KillPoint::FinalRead) if mutation => state.mutations_forwarded += 1,
            // Apply describes rules between its changes (the live ownership check, the check
            // that a create exists); the final re-read is the one that lists the rules again.
            Some(KillPoint::FinalRead)
                if state.mutations_forwarded > 0 && operation == Some(Operation::ListRules) =>
            {
                state.frozen = true;
                return Verdict::Hold;
            }
            _ => {}
        }
        if let Some(odds) = &mut state.odds {
            let roll: f64 = odds.rng.random();
            if roll < odds.before {
                return Verdict::Cut(Cut::BeforeForwarding);
            }
            if roll < odds.before + odds.after {
                return Verdict::Cut(Cut::AfterProcessing);
            }
        }
        Verdict::Forward
    }

    async fn wait_for_release(&self) {
        let mut released = self.released.subscribe();
        let _ = released.wait_for(|released| *released).await;
    }
}

/// One request as read from the client.
struct HttpRequest {
    method: String,
    target: String,
    /// Header lines other than `connection` and `keep-alive`.
    headers: Vec<String>,
    body: Vec<u8>,
}

impl HttpRequest {
    /// The Connect operation, from the method and path as the REST binding defines them.
    fn operation(&self) -> Option<Operation> {
        let path = self.target.split('?').next().unwrap_or_default();
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        match (self.method.as_str(), segments.as_slice()) {
            ("POST", ["rules", _]) => Some(Operation::CreateRule),
            ("GET", ["rules", _]) => Some(Operation::ListRules),
            ("PUT", ["rules", _, _]) => Some(Operation::UpdateRule),
            ("GET", ["rules", _, _]) => Some(Operation::DescribeRule),
            ("DELETE", ["rules", _, _]) => Some(Operation::DeleteRule),
            ("POST", ["tags", _]) => Some(Operation::TagResource),
            ("DELETE", ["tags", _]) => Some(Operation::UntagResource),
            ("GET", ["tags", _]) => Some(Operation::ListTagsForResource),
            _ => None,
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Reads one request; `None` when the client closed first (an idle pooled connection).
async fn read_request(stream: &mut TcpStream) -> Option<HttpRequest> {
    const MAX_HEAD: usize = 64 * 1024;
    let mut buffer = Vec::new();
    let mut chunk = [0_u8; 8192];
    let head_end = loop {
        if let Some(end) = find(&buffer, b"\r\n\r\n") {
            break end + 4;
        }
        assert!(
            buffer.len() < MAX_HEAD,
            "a request head over {MAX_HEAD} bytes"
        );
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n").filter(|line| !line.is_empty());
    let mut request_line = lines.next()?.split(' ');
    let (method, target) = (request_line.next()?, request_line.next()?);
    let mut content_length = 0;
    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line.split_once(':')?;
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => {
                content_length = value.trim().parse().ok()?;
                headers.push(line.to_owned());
            }
            "transfer-encoding" => panic!("the proxy relays only Content-Length bodies: {line}"),
            "connection" | "keep-alive" => {}
            _ => headers.push(line.to_owned()),
        }
    }
    let mut body = buffer[head_end..].to_vec();
    while body.len() < content_length {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..read]);
    }
    body.truncate(content_length);
    Some(HttpRequest {
        method: method.to_owned(),
        target: target.to_owned(),
        headers,
        body,
    })
}

/// Sends `request` to the emulator on a fresh connection and returns its whole answer.
async fn forward(upstream: SocketAddr, request: &HttpRequest) -> std::io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(upstream).await?;
    let mut head = format!("{} {} HTTP/1.1\r\n", request.method, request.target);
    for header in &request.headers {
        head.push_str(header);
        head.push_str("\r\n");
    }
    head.push_str("connection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(&request.body).await?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await?;
    Ok(answer)
}

async fn relay(shared: Arc<ProxyShared>, mut client: TcpStream) {
    let Some(request) = read_request(&mut client).await else {
        return;
    };
    let verdict = shared.judge(request.operation());
    match verdict {
        Verdict::Cut(Cut::BeforeForwarding) => return,
        Verdict::Hold => return shared.wait_for_release().await,
        Verdict::Forward | Verdict::ForwardThenHold | Verdict::Cut(Cut::AfterProcessing) => {}
    }
    let answer = forward(shared.upstream, &request).await;
    shared.lock().in_flight -= 1;
    let answer = answer.expect("the emulator answers the proxy");
    match verdict {
        Verdict::ForwardThenHold => shared.wait_for_release().await,
        Verdict::Forward => {
            if client.write_all(&answer).await.is_ok() {
                let _ = client.shutdown().await;
            }
        }
        Verdict::Cut(_) | Verdict::Hold => {}
    }
}
