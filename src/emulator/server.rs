//! The listening side: accepts connections and serves each with hyper until shut down.
//!
//! Connections are bounded in time and number, so idle or slow clients cannot lock others
//! out: a connection that does not send a whole request head within the idle timeout (from
//! its opening or its last answer) is closed, and a new connection beyond the cap closes the
//! oldest one (at once when it is idle, after its answer otherwise). While twice the cap are
//! still open (all busy or slow), new connections are closed as soon as they are accepted.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::{Id, JoinHandle, JoinSet};

use super::http::handle;
use super::Shared;

/// A running emulator. Dropping it (or calling [`RunningEmulator::shutdown`]) stops it.
#[derive(Debug)]
pub struct RunningEmulator {
    /// The address it listens on (with the real port when bound to port 0).
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl RunningEmulator {
    /// The URL to give an SDK as its endpoint, e.g. `http://127.0.0.1:8787`.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, closes open connections and waits until the server task has ended.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Binds `addr` and serves in a spawned task.
pub(crate) async fn serve(
    shared: Arc<Shared>,
    addr: SocketAddr,
) -> anyhow::Result<RunningEmulator> {
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("failed to listen on {addr}"))?;
    let addr = listener
        .local_addr()
        .context("failed to read the bound address")?;
    let (stop, stopped) = oneshot::channel();
    let task = tokio::spawn(accept_loop(shared, listener, stopped));
    Ok(RunningEmulator {
        addr,
        stop: Some(stop),
        task: Some(task),
    })
}

async fn accept_loop(
    shared: Arc<Shared>,
    listener: TcpListener,
    mut stopped: oneshot::Receiver<()>,
) {
    let idle_timeout = shared.store.config().idle_timeout;
    let max_connections = shared.store.config().max_connections.max(1);
    // Connections live in the set, so they end (are aborted) when the loop ends.
    let mut connections = JoinSet::new();
    // Open connections not yet asked to close, oldest first, with the way to ask.
    let mut open: VecDeque<(Id, oneshot::Sender<()>)> = VecDeque::new();
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            Some(ended) = connections.join_next_with_id(), if !connections.is_empty() => {
                let id = match ended {
                    Ok((id, ())) => id,
                    Err(error) => error.id(),
                };
                open.retain(|(open_id, _)| *open_id != id);
            }
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    if connections.len() >= max_connections {
                        if let Some((_, close)) = open.pop_front() {
                            let _ = close.send(());
                        }
                    }
                    if connections.len() >= 2 * max_connections {
                        // Every slot is taken by a connection still answering or already
                        // asked to close: refuse this one rather than queue without bound.
                        drop(stream);
                        continue;
                    }
                    let (close, closing) = oneshot::channel();
                    let task = connections.spawn(serve_connection(
                        Arc::clone(&shared),
                        stream,
                        idle_timeout,
                        closing,
                    ));
                    open.push_back((task.id(), close));
                }
                // Out of file descriptors and the like: back off briefly rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
        }
    }
    // Wait until every connection is gone (and with it its handle on the store), so that once
    // `shutdown` returns, dropping the last `Emulator` closes the store and frees its state file.
    connections.shutdown().await;
}

/// Serves one connection until the client closes it, it idles past `idle_timeout`, or `closing`
/// fires: then a connection that never sent a whole request ends at once, and one that did ends
/// at once when idle, after the answer in progress otherwise.
async fn serve_connection(
    shared: Arc<Shared>,
    stream: TcpStream,
    idle_timeout: Duration,
    closing: oneshot::Receiver<()>,
) {
    let _ = stream.set_nodelay(true);
    // hyper's graceful shutdown waits for the first request of a connection that has not had
    // one yet; such a connection has nothing to finish, so it is simply dropped.
    let served = Arc::new(AtomicBool::new(false));
    let service = {
        let served = Arc::clone(&served);
        service_fn(move |request| {
            served.store(true, Ordering::Relaxed);
            handle(Arc::clone(&shared), request)
        })
    };
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(idle_timeout);
    let connection = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    // A client that goes away mid-request, or idles out, is its own business.
    tokio::select! {
        _ = connection.as_mut() => return,
        Ok(()) = closing => {
            if !served.load(Ordering::Relaxed) {
                return;
            }
            connection.as_mut().graceful_shutdown();
        }
    }
    let _ = connection.await;
}
