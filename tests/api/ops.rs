//! Operations: the bot's HTTP server (`/healthz`, `/readyz`, `/metrics`) scraped while it works, and webhook mode
//! with its secret header. The metrics registry is process-wide and tests run side by side, so figures are compared
//! before and after what a test does (at least what it did is counted).

use std::time::Duration;

use accelerateur::{
    clock::AppClock,
    config::{WebhookSecret, WebhookSettings},
    storage::Db,
    telegram_emulator::{Fault, FaultKind},
    web::{self, WebState},
};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::helpers::{PATIENCE, TestApp, spawn_app_with};

const WEBHOOK_SECRET: &str = "webhook-Secret_0123456789";

/// A bot with its HTTP server on a free port.
async fn spawn_with_server() -> TestApp {
    spawn_app_with(|settings| settings.server.listen = Some("127.0.0.1:0".parse().unwrap())).await
}

/// The value of the sample `name` whose labels include every `label="value"` pair of `labels`; 0 when absent.
pub fn sample(metrics: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    metrics
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.rsplit_once(' '))
        .filter(|(series, _)| series.split('{').next() == Some(name))
        .filter(|(series, _)| labels.iter().all(|(key, value)| series.contains(&format!("{key}=\"{value}\""))))
        .map(|(_, value)| value.parse::<f64>().expect("a numeric sample"))
        .sum()
}

#[tokio::test]
async fn health_readiness_and_metrics_are_served_while_the_bot_works() {
    let app = spawn_with_server().await;
    assert_eq!(app.http_get("/healthz").await, (200, "ok\n".to_owned()));
    assert_eq!(app.http_get("/readyz").await, (200, "ready\n".to_owned()));
    let (status, before) = app.http_get("/metrics").await;
    assert_eq!(status, 200);

    app.user(4101).sends("/start").await;
    app.user(4101).sends("Comment fixer le prix de mes produits ?").await;
    // A reply Telegram refuses (the user blocked the bot meanwhile) is counted by method and code.
    app.emulator.inject_fault(
        Fault::new(FaultKind::Forbidden { description: "bot was blocked by the user".to_owned() })
            .on_method("sendMessage")
            .for_chat(4102),
    );
    app.emulator.send_text(4102, "Bonjour, comment créer ma boutique ?");
    app.emulator
        .wait_until(|emulator| emulator.pending_faults().is_empty(), PATIENCE)
        .await
        .expect("the reply to 4102 is attempted");

    let (_, after) = app.http_get("/metrics").await;
    let grew = |name: &str, labels: &[(&str, &str)], by: f64| {
        let (was, is) = (sample(&before, name, labels), sample(&after, name, labels));
        assert!(is >= was + by, "{name}{labels:?}: {was} -> {is}\n{after}");
    };
    grew("accel_updates_total", &[("kind", "message"), ("result", "ok")], 2.0);
    grew("accel_update_handling_seconds_count", &[("kind", "message")], 2.0);
    grew("accel_answers_total", &[], 2.0);
    grew("accel_matcher_seconds_count", &[], 2.0);
    grew("accel_telegram_errors_total", &[("method", "sendMessage"), ("code", "403")], 1.0);
    assert!(after.contains("accel_update_handling_seconds_bucket{kind=\"message\",le=\"0.02\"}"), "{after}");
    assert!(after.contains("# TYPE accel_matcher_seconds histogram"), "{after}");
    // The queue gauges are read from the database at each scrape.
    for series in ["accel_delivery_queue_depth{state=\"due\"} 0", "accel_delivery_queue_depth{state=\"scheduled\"} 0"] {
        assert!(after.lines().any(|line| line == series), "{series} missing:\n{after}");
    }
    assert!(after.lines().any(|line| line == "accel_delivery_oldest_due_age_seconds 0"), "{after}");
}

/// The probes and the scrape alone, served on a free port over `db`; `stopping` marks the application stopping.
async fn serve_probes(app: &TestApp, db: Db, stopping: CancellationToken) -> std::net::SocketAddr {
    let content = accelerateur::content::LiveContent::open(&app.db, None).await.unwrap();
    let state = WebState { db, content, clock: AppClock::system(), stopping };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(web::serve(listener, web::router(state, None), CancellationToken::new()));
    address
}

async fn get(address: std::net::SocketAddr, path: &str) -> (u16, String) {
    let response = reqwest::get(format!("http://{address}{path}")).await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn readiness_fails_while_stopping_and_when_the_database_does_not_answer() {
    let app = spawn_with_server().await;
    let stopping = CancellationToken::new();
    let address = serve_probes(&app, app.db.clone(), stopping.clone()).await;
    assert_eq!(get(address, "/readyz").await, (200, "ready\n".to_owned()));
    stopping.cancel();
    assert_eq!(get(address, "/readyz").await, (503, "stopping\n".to_owned()));

    let db = Db::connect(&app.settings.common.database).await.unwrap();
    let address = serve_probes(&app, db.clone(), CancellationToken::new()).await;
    db.close().await;
    assert_eq!(get(address, "/readyz").await, (503, "database unreachable\n".to_owned()));
    // Liveness does not depend on the database; the scrape still answers.
    assert_eq!(get(address, "/healthz").await, (200, "ok\n".to_owned()));
    assert_eq!(get(address, "/metrics").await.0, 200);
}

/// A free local port for a webhook URL that must be known before the bot binds it.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test]
async fn the_webhook_refuses_updates_without_the_secret_and_answers_those_with_it() {
    let port = free_port();
    let app = spawn_app_with(|settings| {
        settings.server.listen = Some(format!("127.0.0.1:{port}").parse().unwrap());
        settings.server.webhook = Some(WebhookSettings {
            url: format!("http://127.0.0.1:{port}/telegram").parse().unwrap(),
            secret: WebhookSecret::parse(WEBHOOK_SECRET).unwrap(),
        });
    })
    .await;
    let webhook_url = format!("http://127.0.0.1:{port}/telegram");
    let forged = json!({
        "update_id": 990_001,
        "message": {
            "message_id": 1,
            "from": { "id": 4201, "is_bot": false, "first_name": "Intrus" },
            "chat": { "id": 4201, "type": "private", "first_name": "Intrus" },
            "date": 1_700_000_000,
            "text": "/start"
        }
    });
    let client = reqwest::Client::new();
    for header in [None, Some("wrong-secret"), Some(&WEBHOOK_SECRET[1..])] {
        let mut request = client.post(&webhook_url).json(&forged);
        if let Some(value) = header {
            request = request.header("X-Telegram-Bot-Api-Secret-Token", value);
        }
        let status = request.send().await.unwrap().status().as_u16();
        assert_eq!(status, 401, "secret header {header:?}");
    }

    // The emulator, as Telegram, posts with the secret registered by setWebhook: those updates are answered.
    let reply = app.user(4202).sends("/start").await;
    assert!(!reply.text.is_empty());
    let registered = app.emulator.journal().into_iter().find(|call| call.method.eq_ignore_ascii_case("setWebhook"));
    let registered = registered.expect("the bot registered its webhook");
    assert_eq!(registered.params["secret_token"], WEBHOOK_SECRET);
    assert!(app.emulator.journal().iter().all(|call| !call.method.eq_ignore_ascii_case("getUpdates")));

    // The refused requests were not processed: the intruder got nothing and was not recorded.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(app.emulator.bot_messages(4201).is_empty());
    assert!(app.db.user(teloxide::types::UserId(4201)).await.is_err(), "the refused sender was recorded");
    assert!(app.db.user(teloxide::types::UserId(4202)).await.is_ok());
}
