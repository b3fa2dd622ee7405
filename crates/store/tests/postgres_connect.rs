//! Opening PostgreSQL at an address where nothing listens says "connection refused" at once,
//! not "pool timed out" after 30 seconds. Needs no database: it connects to a port closed on
//! purpose (bound and released, so nothing listens there).

use pledge_store::PostgresStore;
use std::time::{Duration, Instant};

#[tokio::test]
async fn a_refused_connection_is_named_at_once() -> Result<(), Box<dyn std::error::Error>> {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0")?;
        l.local_addr()?.port()
    };
    let started = Instant::now();
    let Err(err) =
        PostgresStore::open(&format!("postgres://postgres@127.0.0.1:{port}/pledge")).await
    else {
        return Err("connected where nothing listens".into());
    };
    let message = err.to_string();
    assert!(
        message.contains("connection refused") && message.contains(&format!("127.0.0.1:{port}")),
        "{message}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}: {message}",
        started.elapsed()
    );
    Ok(())
}
