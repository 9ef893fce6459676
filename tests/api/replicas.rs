//! Two replicas: two real bot processes in webhook mode behind a small round-robin load balancer (as nginx or Caddy
//! would be), one emulator, one database. An announcement goes to every recipient exactly once, shared between the
//! replicas; questions reaching either replica are answered once. Then one replica is SIGKILLed in the middle of a
//! second announcement: the survivor delivers the rest (no recipient lost, duplicates within one batch) and keeps
//! answering the questions the balancer now sends it alone.

use std::{
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use accelerateur::telegram_emulator::Emulator;
use axum::{
    Router,
    body::Bytes,
    http::{HeaderMap, StatusCode, Uri},
};

use crate::{
    helpers::PATIENCE,
    ops::sample,
    process::{Stage, exit_within, received, seed_announcement, terminate, wait_until},
};

const RECIPIENTS: i64 = 600;
const FIRST_RECIPIENT: i64 = 720_000;
const ASKERS: std::ops::Range<i64> = 4401..4411;
const BATCH: usize = 16;
const SECRET: &str = "replica-test-secret";
const FIRST: (&str, &str) = ("<b>Atelier</b> lundi : deux répliques", "Atelier lundi : deux répliques");
const SECOND: (&str, &str) = ("<b>Atelier</b> mardi : une réplique tombe", "Atelier mardi : une réplique tombe");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Forwards each POST to the next backend in turn, and to the other one when it is down or stopping (503).
async fn spawn_balancer(backends: Vec<String>) -> SocketAddr {
    let next = Arc::new(AtomicUsize::new(0));
    let client = reqwest::Client::new();
    let forward = move |uri: Uri, headers: HeaderMap, body: Bytes| {
        let (next, client, backends) = (next.clone(), client.clone(), backends.clone());
        async move {
            let start = next.fetch_add(1, Ordering::Relaxed);
            for attempt in 0..backends.len() {
                let backend = &backends[(start + attempt) % backends.len()];
                let mut request = client.post(format!("{backend}{}", uri.path())).body(body.clone());
                for (name, value) in &headers {
                    if name == "content-type" || name == "x-telegram-bot-api-secret-token" {
                        request = request.header(name, value);
                    }
                }
                match request.send().await {
                    Ok(response) if response.status() != StatusCode::SERVICE_UNAVAILABLE => return response.status(),
                    _ => continue,
                }
            }
            StatusCode::BAD_GATEWAY
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, Router::new().fallback(forward)).await });
    address
}

async fn scrape(port: u16, path: &str) -> Option<(u16, String)> {
    let response = reqwest::get(format!("http://127.0.0.1:{port}{path}")).await.ok()?;
    Some((response.status().as_u16(), response.text().await.ok()?))
}

/// Every asker sends one question; waits until each has `expected` replies in all.
async fn ask_all(emulator: &Emulator, expected: usize) {
    for asker in ASKERS {
        emulator.send_text(asker, "Comment fixer le prix de mes produits ?");
    }
    for asker in ASKERS {
        emulator.wait_for_bot_messages(asker, expected, PATIENCE).await.expect("the question is answered");
    }
}

#[tokio::test]
async fn two_replicas_deliver_each_message_once_and_survive_losing_one() {
    let stage = Stage::new("replica-test").await;
    let (emulator, db) = (&stage.emulator, &stage.db);
    let ports = [free_port(), free_port()];
    let balancer = spawn_balancer(ports.iter().map(|port| format!("http://127.0.0.1:{port}")).collect()).await;
    let env = |port: u16| {
        [
            ("ACCEL_LISTEN", format!("127.0.0.1:{port}")),
            ("ACCEL_WEBHOOK_URL", format!("http://{balancer}/telegram")),
            ("ACCEL_WEBHOOK_SECRET", SECRET.to_owned()),
            ("ACCEL_REPLICAS", "2".to_owned()),
            ("ACCEL_SEND_RATE", "400".to_owned()),
            ("ACCEL_DELIVERY_BATCH", BATCH.to_string()),
            ("ACCEL_DELIVERY_LEASE_SECS", "5".to_owned()),
        ]
    };
    let mut replicas = ports.map(|port| stage.start(&env(port)));
    for port in ports {
        wait_until("both replicas are ready", Duration::from_secs(60), async || {
            scrape(port, "/readyz").await.is_some_and(|(status, _)| status == 200)
        })
        .await;
    }

    // Both replicas running: every recipient exactly once, both replicas sending.
    let exclude: Vec<i64> = ASKERS.collect();
    seed_announcement(db, emulator, (FIRST_RECIPIENT, RECIPIENTS), FIRST.0, &exclude).await;
    ask_all(emulator, 1).await;
    stage.until_delivered(Duration::from_secs(60)).await;
    let counts = received(emulator, FIRST_RECIPIENT, RECIPIENTS, FIRST.1);
    assert!(
        counts.iter().all(|count| *count == 1),
        "not exactly once: {:?}",
        counts.iter().filter(|c| **c != 1).count()
    );
    let mut sent_by = Vec::new();
    for port in ports {
        let (_, metrics) = scrape(port, "/metrics").await.expect("the replica answers");
        sent_by.push(sample(&metrics, "accel_deliveries_total", &[("result", "sent")]));
    }
    assert!(sent_by.iter().all(|sent| *sent > 0.0), "one replica sent nothing: {sent_by:?}");
    assert_eq!(sent_by.iter().sum::<f64>(), RECIPIENTS as f64, "{sent_by:?}");

    // One replica dies mid-run: nothing is lost, at most one batch is sent twice; questions still get answers.
    seed_announcement(db, emulator, (FIRST_RECIPIENT, RECIPIENTS), SECOND.0, &exclude).await;
    stage.until_received((FIRST_RECIPIENT, RECIPIENTS), SECOND.1, RECIPIENTS as usize / 4).await;
    replicas[0].kill().unwrap(); // SIGKILL
    replicas[0].wait().unwrap();
    ask_all(emulator, 2).await;
    stage.until_delivered(Duration::from_secs(60)).await;
    terminate(&replicas[1]);
    exit_within(&mut replicas[1], Duration::from_secs(10)).await.expect("the survivor stops on SIGTERM");

    let counts = received(emulator, FIRST_RECIPIENT, RECIPIENTS, SECOND.1);
    let missed = counts.iter().filter(|count| **count == 0).count();
    assert_eq!(missed, 0, "{missed} recipients never got the second announcement");
    let duplicates: usize = counts.iter().map(|count| count - 1).sum();
    assert!(duplicates <= BATCH, "{duplicates} duplicates, more than one batch ({BATCH})");
    for asker in ASKERS {
        assert_eq!(emulator.bot_messages(asker).len(), 2, "asker {asker}: one answer per question");
    }
}
