//! Misbehaving Connect endpoints on 127.0.0.1, for the lying-endpoint tests.
//!
//! [`LyingServer`] answers every call as the emulator would (through
//! [`Emulator::answer`], in process) and then lets the test rewrite the answer: another rule
//! than the one asked for, a listing that repeats, a page token that never changes. The
//! connect-rules side is the real `aws-sdk-connect` client, unchanged. [`raw_server`] is a bare
//! TCP server for answers that are not HTTP-shaped at all (endless, or sent byte by byte).

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use connect_rules::emulator::Emulator;
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// One request the server received.
#[derive(Debug, Clone)]
pub struct Call {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The raw query string, without `?`.
    pub query: String,
    /// The request body.
    pub body: Vec<u8>,
}

impl Call {
    /// Whether this is ListRules (`GET /rules/INSTANCE`).
    pub fn is_list_rules(&self) -> bool {
        self.method == "GET" && self.path.matches('/').count() == 2
    }

    /// The rule a DescribeRule (`GET /rules/INSTANCE/RULE`) asks for.
    pub fn described_rule(&self) -> Option<&str> {
        (self.method == "GET" && self.path.matches('/').count() == 3)
            .then(|| self.path.rsplit('/').next().unwrap_or_default())
    }

    /// Whether this is DeleteRule.
    pub fn is_delete_rule(&self) -> bool {
        self.method == "DELETE" && self.path.starts_with("/rules/")
    }

    /// The `nextToken` query parameter of a ListRules call.
    pub fn next_token(&self) -> Option<String> {
        self.query.split('&').find_map(|pair| {
            pair.strip_prefix("nextToken=")
                .map(|token| token.replace("%2F", "/").replace("%3D", "="))
        })
    }
}

/// An answer: HTTP status and JSON body.
pub type Answer = (u16, String);

/// Rewrites the emulator's honest answer to `call`.
pub type Lie = dyn Fn(&Call, Answer) -> Answer + Send + Sync;

/// A server in front of an in-process emulator that passes every answer through a lie.
pub struct LyingServer {
    /// Where it listens.
    pub addr: SocketAddr,
    calls: Arc<Mutex<Vec<Call>>>,
    task: JoinHandle<()>,
}

impl LyingServer {
    /// Serves `emulator`'s answers, rewritten by `lie`, on an ephemeral port of 127.0.0.1.
    pub async fn start(
        emulator: Emulator,
        lie: impl Fn(&Call, Answer) -> Answer + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
        let addr = listener.local_addr().expect("address");
        let calls: Arc<Mutex<Vec<Call>>> = Arc::default();
        let lie: Arc<Lie> = Arc::new(lie);
        let task = {
            let calls = Arc::clone(&calls);
            tokio::spawn(async move {
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        return;
                    };
                    let emulator = emulator.clone();
                    let calls = Arc::clone(&calls);
                    let lie = Arc::clone(&lie);
                    tokio::spawn(async move {
                        let service = service_fn(move |request| {
                            answer(
                                emulator.clone(),
                                Arc::clone(&calls),
                                Arc::clone(&lie),
                                request,
                            )
                        });
                        let _ = http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    });
                }
            })
        };
        LyingServer { addr, calls, task }
    }

    /// The URL to give the SDK as its endpoint.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every call so far, oldest first.
    pub fn calls(&self) -> Vec<Call> {
        self.calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for LyingServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(
    emulator: Emulator,
    calls: Arc<Mutex<Vec<Call>>>,
    lie: Arc<Lie>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let method = request.method().as_str().to_owned();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or_default().to_owned();
    let body = request
        .into_body()
        .collect()
        .await
        .map(|collected| collected.to_bytes().to_vec())
        .unwrap_or_default();
    let call = Call {
        method,
        path,
        query,
        body,
    };
    let honest = emulator.answer(&call.method, &call.path, &call.query, &call.body);
    let (status, text) = lie(&call, honest);
    calls
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(call);
    let mut response = Response::new(Full::new(Bytes::from(text)));
    *response.status_mut() = hyper::StatusCode::from_u16(status).expect("a status");
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    let error_type = match status {
        200 => None,
        404 => Some("ResourceNotFoundException"),
        409 => Some("ResourceConflictException"),
        _ => Some("InternalServiceException"),
    };
    if let Some(error_type) = error_type {
        response.headers_mut().insert(
            "x-amzn-ErrorType",
            hyper::header::HeaderValue::from_static(error_type),
        );
    }
    Ok(response)
}

/// A bare TCP server on 127.0.0.1: each connection's request head is read (at most 64 KiB), then
/// `behave` does whatever it likes with the stream.
pub async fn raw_server<F, Fut>(behave: F) -> (SocketAddr, JoinHandle<()>)
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let addr = listener.local_addr().expect("address");
    let behave = Arc::new(behave);
    let task = tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let behave = Arc::clone(&behave);
            tokio::spawn(async move {
                if read_head(&mut stream).await {
                    behave(stream).await;
                }
            });
        }
    });
    (addr, task)
}

/// Reads up to the blank line that ends a request head; `false` when the client went away or
/// sent more than 64 KiB of head.
async fn read_head(stream: &mut TcpStream) -> bool {
    let mut head = Vec::new();
    let mut buffer = [0_u8; 4096];
    while head.len() < 64 * 1024 {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return false,
            Ok(read) => {
                head.extend_from_slice(&buffer[..read]);
                if head.windows(4).any(|window| window == b"\r\n\r\n") {
                    return true;
                }
            }
        }
    }
    false
}
