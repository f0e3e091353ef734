//! The emulator bounds its connections in time and number, so idle or slow clients cannot
//! lock others out: idle sockets are closed after the idle timeout, a connection beyond the
//! cap closes the oldest, and a real SDK client is still served. Every wait is a bounded
//! timeout on an event (a socket closing, a call answering), never a sleep.

use std::time::Duration;

use connect_rules::client::{ConnectClient, Endpoint};
use connect_rules::emulator::{Emulator, EmulatorConfig, RunningEmulator};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Far longer than any close or answer on loopback takes; hitting it means the socket was
/// never closed or the call never answered.
const BOUND: Duration = Duration::from_secs(20);

async fn client(running: &RunningEmulator) -> ConnectClient {
    ConnectClient::connect(&Endpoint {
        max_attempts: 1,
        attempt_timeout: BOUND,
        ..Endpoint::local("inst-1", running.endpoint_url())
    })
    .await
    .expect("the client connects")
}

/// Waits (bounded) until the server closes `socket`: a read returns end-of-file or a reset.
async fn closed_by_server(socket: &mut TcpStream) -> bool {
    let mut buffer = [0_u8; 1024];
    loop {
        match tokio::time::timeout(BOUND, socket.read(&mut buffer)).await {
            Err(_) => return false,
            Ok(Ok(0) | Err(_)) => return true,
            // An answer (to a request this test sent): keep reading until the close.
            Ok(Ok(_)) => {}
        }
    }
}

async fn open_idle(running: &RunningEmulator, count: usize) -> Vec<TcpStream> {
    let mut sockets = Vec::new();
    for _ in 0..count {
        sockets.push(
            TcpStream::connect(running.addr)
                .await
                .expect("the emulator accepts"),
        );
    }
    sockets
}

/// Silent sockets, a half-sent request head and a kept-alive connection after its answer are
/// all closed once they idle past the timeout; today's main keeps them open for ever.
#[tokio::test(flavor = "multi_thread")]
async fn idle_connections_are_closed_after_the_idle_timeout() {
    let emulator =
        Emulator::new(EmulatorConfig::default().with_idle_timeout(Duration::from_millis(300)))
            .unwrap();
    let running = emulator.serve_local().await.unwrap();
    let mut sockets = open_idle(&running, 3).await;
    let mut half_head = TcpStream::connect(running.addr).await.unwrap();
    half_head
        .write_all(b"GET /rules/inst-1 HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    sockets.push(half_head);
    let mut kept_alive = TcpStream::connect(running.addr).await.unwrap();
    kept_alive
        .write_all(b"GET /rules/inst-1 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        .await
        .unwrap();
    sockets.push(kept_alive);
    for (index, socket) in sockets.iter_mut().enumerate() {
        assert!(closed_by_server(socket).await, "socket {index} stayed open");
    }
    let answered = tokio::time::timeout(BOUND, client(&running).await.list_rules_page(None))
        .await
        .expect("the call answered");
    assert!(answered.is_ok(), "{answered:?}");
}

/// More idle sockets than the cap: the oldest are closed as new ones arrive, so the server
/// never holds more than the cap, and a real SDK call made while the newest idle sockets are
/// still open is served at once, without waiting for the idle timeout (an hour here).
#[tokio::test(flavor = "multi_thread")]
async fn idle_sockets_beyond_the_cap_do_not_lock_a_client_out() {
    const CAP: usize = 8;
    let emulator = Emulator::new(
        EmulatorConfig::default()
            .with_idle_timeout(Duration::from_hours(1))
            .with_max_connections(CAP),
    )
    .unwrap();
    let running = emulator.serve_local().await.unwrap();
    let sockets = open_idle(&running, 5 * CAP).await;
    // At most CAP sockets keep a slot; every other one was closed to make room. Which ones
    // survive depends on when the server got round to accepting each (on a loaded machine,
    // a connection may be refused at once instead of evicting an older one), so count them,
    // waiting for all at once.
    let mut waits = tokio::task::JoinSet::new();
    for mut socket in sockets {
        waits.spawn(async move { (closed_by_server(&mut socket).await, socket) });
    }
    let mut still_open = Vec::new();
    while let Some(waited) = waits.join_next().await {
        let (closed, socket) = waited.expect("the wait ends");
        if !closed {
            still_open.push(socket);
        }
    }
    assert!(
        still_open.len() <= CAP,
        "{} idle sockets kept a slot, more than the cap of {CAP}",
        still_open.len()
    );
    let client = client(&running).await;
    let answered = tokio::time::timeout(BOUND, client.list_rules_page(None))
        .await
        .expect("the call answered");
    assert!(answered.is_ok(), "{answered:?}");
    // A second call on the same client is served too (its pooled connection is the newest).
    let again = tokio::time::timeout(BOUND, client.list_rules_page(None))
        .await
        .expect("the call answered");
    assert!(again.is_ok(), "{again:?}");
}
