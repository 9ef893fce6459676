//! Drives the emulator over real HTTP: raw Bot API calls with reqwest (exact
//! status codes and descriptions), a real teloxide `Bot` and dispatcher, the
//! control API, and webhook delivery. No test sleeps to wait: they wait on
//! the emulator's change notifications.

use std::time::Duration;

use serde_json::{Value, json};
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, ParseMode as TgParseMode};
use teloxide::{ApiError, RequestError};

use super::*;

const WAIT: Duration = Duration::from_secs(10);

async fn start() -> (Emulator, RunningServer) {
    Emulator::spawn(EmulatorConfig::default()).await.unwrap()
}

/// One Bot API call with a JSON body: (HTTP status, answer).
async fn api(server: &RunningServer, method: &str, body: Value) -> (u16, Value) {
    let url = format!("{}botsandbox-token/{method}", server.base_url());
    let response = reqwest::Client::new().post(url).json(&body).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

fn description(answer: &Value) -> &str {
    answer["description"].as_str().unwrap_or_default()
}

fn keyboard(data: &str) -> Value {
    json!({ "inline_keyboard": [[{ "text": "Suivant", "callback_data": data }]] })
}

#[tokio::test]
async fn get_me_answers_the_full_shape_and_other_tokens_are_unauthorized() {
    let (_emulator, server) = start().await;
    let (status, answer) = api(&server, "GetMe", json!({})).await;
    assert_eq!(status, 200);
    let me: teloxide::types::Me = serde_json::from_value(answer["result"].clone()).unwrap();
    assert_eq!(me.username(), "accelerateur_bot");

    let url = format!("{}botwrong/getMe", server.base_url());
    let response = reqwest::Client::new().post(url).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 401);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer, json!({"ok": false, "error_code": 401, "description": "Unauthorized"}));
}

#[tokio::test]
async fn unknown_methods_are_not_found() {
    let (_emulator, server) = start().await;
    let (status, answer) = api(&server, "sendTelepathy", json!({})).await;
    assert_eq!(status, 404);
    assert_eq!(answer, json!({"ok": false, "error_code": 404, "description": "Not Found"}));
}

#[tokio::test]
async fn send_message_parses_html_and_returns_a_message_teloxide_reads() {
    let (emulator, server) = start().await;
    emulator.send_text(42, "/start");
    let (status, answer) = api(
        &server,
        "SendMessage",
        json!({
            "chat_id": 42,
            "text": "<b>Bienvenue</b> 🚀 <a href=\"https://exemple.fr\">site</a>",
            "parse_mode": "HTML",
            "reply_markup": keyboard("chapitre:1"),
        }),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let message: teloxide::types::Message = serde_json::from_str(&answer["result"].to_string()).unwrap();
    assert_eq!(message.text(), Some("Bienvenue 🚀 site"));
    assert_eq!(message.entities().map(<[_]>::len), Some(2));
    assert!(message.reply_markup().is_some());
    assert_eq!(message.from.as_ref().map(|u| u.is_bot), Some(true));

    let sent = &emulator.bot_messages(42)[0];
    assert_eq!(sent.text, "Bienvenue 🚀 site");
    assert_eq!(sent.parse_mode.as_deref(), Some("HTML"));
    assert_eq!(sent.buttons[0][0].kind, ButtonKind::Callback("chapitre:1".to_owned()));
    assert!(sent.html.starts_with("<b>Bienvenue</b> 🚀 <a href=\"https://exemple.fr/\""));
    assert_eq!(emulator.transcript(42).len(), 2);
}

#[tokio::test]
async fn sends_are_refused_with_telegrams_descriptions() {
    let (emulator, server) = start().await;
    let cases = [
        (json!({"chat_id": 7, "text": "x"}), 400, "Bad Request: chat not found"),
        (json!({"text": "x"}), 400, "Bad Request: chat_id is empty"),
        (json!({"chat_id": 42, "text": ""}), 400, "Bad Request: message text is empty"),
        (json!({"chat_id": 42, "text": "  \n "}), 400, "Bad Request: message must be non-empty"),
        (
            json!({"chat_id": 42, "text": "<b> </b>", "parse_mode": "HTML"}),
            400,
            "Bad Request: message must be non-empty",
        ),
        (
            json!({"chat_id": 42, "text": "x", "reply_markup": keyboard("")}),
            400,
            "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
        ),
        (json!({"chat_id": 42, "text": "a".repeat(4097)}), 400, "Bad Request: message is too long"),
        (
            json!({"chat_id": 42, "text": "1 < 2", "parse_mode": "HTML"}),
            400,
            "Bad Request: can't parse entities: Unsupported start tag \"\" at byte offset 2",
        ),
        (
            json!({"chat_id": 42, "text": "<b>x", "parse_mode": "HTML"}),
            400,
            "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\"",
        ),
        (
            json!({"chat_id": 42, "text": "Fin.", "parse_mode": "MarkdownV2"}),
            400,
            "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
        ),
        (
            json!({"chat_id": 42, "text": "x", "reply_markup": keyboard(&"d".repeat(65))}),
            400,
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        (
            json!({"chat_id": 42, "text": "x", "reply_markup": {"inline_keyboard": [[{"text": "a", "url": "javascript:x"}]]}}),
            400,
            "Bad Request: inline keyboard button URL 'javascript:x' is invalid: Unsupported URL protocol",
        ),
        (
            json!({"chat_id": 42, "text": "x", "reply_markup": {"inline_keyboard": [[{"text": "a"}]]}}),
            400,
            "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
        ),
    ];
    emulator.send_text(42, "bonjour");
    for (body, status, expected) in cases {
        let (got_status, answer) = api(&server, "sendMessage", body.clone()).await;
        assert_eq!((got_status, description(&answer)), (status, expected), "{body}");
        assert_eq!(answer["error_code"], status);
    }
    assert!(emulator.bot_messages(42).is_empty());
}

#[tokio::test]
async fn a_user_who_blocked_the_bot_answers_403_until_they_write_again() {
    let (emulator, server) = start().await;
    emulator.send_text(42, "/start");
    emulator.set_blocked(42, true);
    let (status, answer) = api(&server, "sendMessage", json!({"chat_id": 42, "text": "x"})).await;
    assert_eq!((status, description(&answer)), (403, "Forbidden: bot was blocked by the user"));
    emulator.send_text(42, "/start");
    let (status, _) = api(&server, "sendMessage", json!({"chat_id": 42, "text": "x"})).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn the_rate_limit_answers_429_with_retry_after() {
    let (emulator, server) = start().await;
    emulator.send_text(42, "/start");
    emulator.set_rate_limit(RateLimit { per_chat_per_minute: Some(2), global_per_second: None });
    for _ in 0..2 {
        let (status, _) = api(&server, "sendMessage", json!({"chat_id": 42, "text": "x"})).await;
        assert_eq!(status, 200);
    }
    let (status, answer) = api(&server, "sendMessage", json!({"chat_id": 42, "text": "x"})).await;
    assert_eq!(status, 429);
    let retry_after = answer["parameters"]["retry_after"].as_u64().unwrap();
    assert!((59..=60).contains(&retry_after), "{answer}");
    assert_eq!(description(&answer), format!("Too Many Requests: retry after {retry_after}"));
    emulator.set_rate_limit(RateLimit::default());
    let (status, _) = api(&server, "sendMessage", json!({"chat_id": 42, "text": "x"})).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn injected_faults_come_first_and_are_counted_down() {
    let (emulator, server) = start().await;
    emulator.send_text(42, "/start");
    emulator.inject_fault(Fault::new(FaultKind::ServerError { status: 502 }).on_method("sendmessage").for_chat(42));
    emulator.inject_fault(
        Fault::new(FaultKind::BadRequest { description: "chat not found".to_owned() }).on_method("SendMessage"),
    );
    emulator.inject_fault(Fault::new(FaultKind::Delay { millis: 5 }).on_method("getMe"));
    let (status, answer) = api(&server, "sendMessage", json!({"chat_id": 42, "text": "x"})).await;
    assert_eq!((status, description(&answer)), (502, "Bad Gateway"));
    let (status, answer) = api(&server, "sendMessage", json!({"chat_id": 42, "text": "x"})).await;
    assert_eq!((status, description(&answer)), (400, "Bad Request: chat not found"));
    let (status, _) = api(&server, "sendMessage", json!({"chat_id": 42, "text": "x"})).await;
    assert_eq!(status, 200);
    let (status, _) = api(&server, "getMe", json!({})).await;
    assert_eq!(status, 200);
    assert!(emulator.pending_faults().is_empty());
    assert_eq!(emulator.bot_messages(42).len(), 1);
}

#[tokio::test]
async fn get_updates_holds_until_an_update_arrives_and_offset_confirms() {
    let (emulator, server) = start().await;
    let poll = {
        let url = format!("{}botsandbox-token/getUpdates", server.base_url());
        tokio::spawn(async move {
            let response = reqwest::Client::new().post(url).json(&json!({"timeout": 30})).send().await.unwrap();
            response.json::<Value>().await.unwrap()
        })
    };
    // The poll is registered once the emulator's poller generation moved.
    emulator.wait_until(|e| e.shared.read(|s| s.poller_generation) == 1, WAIT).await.unwrap();
    emulator.send_text(42, "bonjour");
    let answer = tokio::time::timeout(WAIT, poll).await.unwrap().unwrap();
    let updates = answer["result"].as_array().unwrap();
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0]["message"]["text"], "bonjour");
    let id = updates[0]["update_id"].as_i64().unwrap();

    let (_, again) = api(&server, "getUpdates", json!({"offset": id})).await;
    assert_eq!(again["result"].as_array().unwrap().len(), 1);
    let (_, confirmed) = api(&server, "getUpdates", json!({"offset": id + 1})).await;
    assert_eq!(confirmed["result"], json!([]));
    assert_eq!(emulator.pending_update_count(), 0);
}

#[tokio::test]
async fn a_second_get_updates_terminates_the_first_with_409() {
    let (emulator, server) = start().await;
    let url = format!("{}botsandbox-token/getUpdates", server.base_url());
    let first = tokio::spawn(async move {
        let response = reqwest::Client::new().post(url).json(&json!({"timeout": 30})).send().await.unwrap();
        (response.status().as_u16(), response.json::<Value>().await.unwrap())
    });
    emulator.wait_until(|e| e.shared.read(|s| s.poller_generation) == 1, WAIT).await.unwrap();
    let (status, _) = api(&server, "getUpdates", json!({"timeout": 0})).await;
    assert_eq!(status, 200);
    let (status, answer) = tokio::time::timeout(WAIT, first).await.unwrap().unwrap();
    assert_eq!(status, 409);
    assert!(description(&answer).starts_with("Conflict: terminated by other getUpdates request"));
}

#[tokio::test]
async fn shutting_down_ends_pending_long_polls() {
    let (emulator, server) = start().await;
    let url = format!("{}botsandbox-token/getUpdates", server.base_url());
    let poll = tokio::spawn(async move {
        reqwest::Client::new()
            .post(url)
            .json(&json!({"timeout": 50}))
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()
    });
    emulator.wait_until(|e| e.shared.read(|s| s.poller_generation) == 1, WAIT).await.unwrap();
    tokio::time::timeout(WAIT, server.shutdown()).await.unwrap().unwrap();
    let answer = tokio::time::timeout(WAIT, poll).await.unwrap().unwrap();
    assert_eq!(answer["result"], json!([]));
}

#[tokio::test]
async fn edits_follow_telegrams_rules() {
    let (emulator, server) = start().await;
    let user_message = emulator.send_text(42, "/start");
    let (_, sent) = api(
        &server,
        "sendMessage",
        json!({"chat_id": 42, "text": "<b>Étape 1</b>", "parse_mode": "HTML", "reply_markup": keyboard("next")}),
    )
    .await;
    let id = sent["result"]["message_id"].as_i64().unwrap();

    let same = json!({"chat_id": 42, "message_id": id, "text": "<b>Étape 1</b>", "parse_mode": "HTML", "reply_markup": keyboard("next")});
    let (status, answer) = api(&server, "editMessageText", same).await;
    assert_eq!(status, 400);
    assert_eq!(
        description(&answer),
        "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"
    );
    let (_, answer) = api(&server, "editMessageText", json!({"chat_id": 42, "message_id": 999, "text": "x"})).await;
    assert_eq!(description(&answer), "Bad Request: message to edit not found");
    let (_, answer) =
        api(&server, "editMessageText", json!({"chat_id": 42, "message_id": user_message, "text": "x"})).await;
    assert_eq!(description(&answer), "Bad Request: message can't be edited");

    // Same text without the keyboard: a change (Telegram drops the keyboard).
    let (status, answer) = api(
        &server,
        "editMessageText",
        json!({"chat_id": 42, "message_id": id, "text": "<b>Étape 1</b>", "parse_mode": "HTML"}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert!(answer["result"]["edit_date"].is_i64());
    let edited = &emulator.bot_messages(42)[0];
    assert!(edited.edited && edited.buttons.is_empty() && edited.edit_count == 1);

    let (status, _) = api(
        &server,
        "editMessageReplyMarkup",
        json!({"chat_id": 42, "message_id": id, "reply_markup": keyboard("again")}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = api(
        &server,
        "editMessageReplyMarkup",
        json!({"chat_id": 42, "message_id": id, "reply_markup": keyboard("again")}),
    )
    .await;
    assert_eq!(status, 400);

    let (status, _) = api(&server, "deleteMessage", json!({"chat_id": 42, "message_id": id})).await;
    assert_eq!(status, 200);
    let (_, answer) = api(&server, "deleteMessage", json!({"chat_id": 42, "message_id": id})).await;
    assert_eq!(description(&answer), "Bad Request: message to delete not found");
    assert!(emulator.bot_messages(42).is_empty());
}

#[tokio::test]
async fn callback_queries_are_checked_answered_once_and_tracked() {
    let (emulator, server) = start().await;
    emulator.send_text(42, "/start");
    let (_, sent) =
        api(&server, "sendMessage", json!({"chat_id": 42, "text": "Choisir", "reply_markup": keyboard("ok")})).await;
    let id = i32::try_from(sent["result"]["message_id"].as_i64().unwrap()).unwrap();

    assert!(matches!(emulator.press_button(42, id, "forged"), Err(EmulatorError::NoSuchButton { .. })));
    let query = emulator.press_button(42, id, "ok").unwrap();
    let stale = emulator.press_raw(42, 12345, "old");
    assert_eq!(emulator.pending_callbacks(), vec![query.clone(), stale]);

    let (_, updates) = api(&server, "getUpdates", json!({})).await;
    let callback = &updates["result"][1]["callback_query"];
    assert_eq!(callback["data"], "ok");
    assert_eq!(callback["message"]["reply_markup"], keyboard("ok"));

    let (status, _) = api(
        &server,
        "answerCallbackQuery",
        json!({"callback_query_id": query, "text": "C'est noté", "show_alert": true}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, answer) = api(&server, "answerCallbackQuery", json!({"callback_query_id": query})).await;
    assert_eq!(status, 400);
    assert_eq!(
        description(&answer),
        "Bad Request: query is too old and response timeout expired or query ID is invalid"
    );
    assert_eq!(
        emulator.callback_answers(),
        vec![CallbackAnswer { callback_query_id: query, text: Some("C'est noté".to_owned()), show_alert: true }]
    );
    assert_eq!(emulator.pending_callbacks().len(), 1);
}

#[tokio::test]
async fn commands_are_stored_per_scope_and_language() {
    let (emulator, server) = start().await;
    let commands =
        json!([{"command": "start", "description": "Commencer"}, {"command": "aide", "description": "Aide"}]);
    let (status, _) = api(&server, "setMyCommands", json!({"commands": commands, "language_code": "fr"})).await;
    assert_eq!(status, 200);
    let (status, _) = api(
        &server,
        "setMyCommands",
        json!({"commands": [{"command": "admin", "description": "Admin"}], "scope": {"type": "chat", "chat_id": 1}}),
    )
    .await;
    assert_eq!(status, 200);
    let (_, answer) = api(&server, "getMyCommands", json!({"language_code": "fr"})).await;
    assert_eq!(answer["result"], commands);
    let (_, answer) =
        api(&server, "setMyCommands", json!({"commands": [{"command": "Bad-Name", "description": "x"}]})).await;
    assert_eq!(description(&answer), "Bad Request: BOT_COMMAND_INVALID");
    let sets = emulator.commands();
    assert_eq!(sets.len(), 2);
    assert_eq!(sets[0].commands[0], ("start".to_owned(), "Commencer".to_owned()));
    assert_eq!(sets[1].scope, json!({"type": "chat", "chat_id": 1}));
    let (status, _) = api(&server, "deleteMyCommands", json!({"language_code": "fr"})).await;
    assert_eq!(status, 200);
    assert_eq!(emulator.commands().len(), 1);
}

#[tokio::test]
async fn form_bodies_and_case_insensitive_methods_are_accepted() {
    let (emulator, server) = start().await;
    emulator.send_text(42, "/start");
    let url = format!("{}botsandbox-token/SENDMESSAGE", server.base_url());
    let markup = keyboard("x").to_string();
    let response = reqwest::Client::new()
        .post(url)
        .form(&[("chat_id", "42"), ("text", "*gras*"), ("parse_mode", "MarkdownV2"), ("reply_markup", markup.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let sent = &emulator.bot_messages(42)[0];
    assert_eq!(sent.text, "gras");
    assert_eq!(sent.entities, vec![Entity::new(EntityKind::Bold, 0, 4)]);
    assert_eq!(sent.buttons.len(), 1);
}

#[tokio::test]
async fn the_journal_records_every_call_as_sent() {
    let (emulator, server) = start().await;
    emulator.send_text(42, "/start");
    api(&server, "GetMe", json!({})).await;
    api(&server, "SendMessage", json!({"chat_id": 42, "text": ""})).await;
    let journal = emulator.journal();
    assert_eq!(journal.len(), 2);
    assert_eq!((journal[0].seq, journal[0].method.as_str(), journal[0].status), (1, "GetMe", 200));
    assert!(journal[1].is("sendmessage"));
    assert_eq!(journal[1].chat_id, Some(42));
    assert_eq!(journal[1].params["text"], "");
    assert_eq!(journal[1].error.as_deref(), Some("Bad Request: message text is empty"));
}

#[tokio::test]
async fn waits_time_out_with_an_error_and_wake_on_changes() {
    let (emulator, _server) = start().await;
    let err = emulator.wait_for_bot_messages(42, 1, Duration::from_millis(20)).await.unwrap_err();
    assert!(matches!(err, EmulatorError::Timeout { .. }));
    let waiter = {
        let emulator = emulator.clone();
        tokio::spawn(async move { emulator.wait_until(|e| e.transcript(42).len() == 2, WAIT).await })
    };
    emulator.send_text(42, "un");
    emulator.send_text(42, "deux");
    tokio::time::timeout(WAIT, waiter).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn the_control_api_drives_and_observes_the_emulator() {
    let (emulator, server) = start().await;
    let client = reqwest::Client::new();
    let base = server.base_url();
    let version = emulator.version();
    let poll = {
        let url = format!("{base}control/state?since={version}&timeout=30");
        tokio::spawn(async move { reqwest::get(url).await.unwrap().json::<Value>().await.unwrap() })
    };

    let user = json!({"id": 42, "first_name": "Marie", "username": "marie"});
    let response = client.post(format!("{base}control/users")).json(&user).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let state = tokio::time::timeout(WAIT, poll).await.unwrap().unwrap();
    assert!(state["version"].as_u64().unwrap() > version);

    let users: Value = client.get(format!("{base}control/users")).send().await.unwrap().json().await.unwrap();
    assert_eq!(users[0]["language_code"], "fr");

    let sent: Value = client
        .post(format!("{base}control/users/42/messages"))
        .json(&json!({"text": "/start"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(sent["message_id"], 1);
    client.post(format!("{base}control/users/42/messages")).json(&json!({"non_text": "sticker"})).send().await.unwrap();
    api(
        &server,
        "sendMessage",
        json!({"chat_id": 42, "text": "<i>Salut</i>", "parse_mode": "HTML", "reply_markup": keyboard("go")}),
    )
    .await;

    let transcript: Value =
        client.get(format!("{base}control/chats/42/messages")).send().await.unwrap().json().await.unwrap();
    assert_eq!(transcript[1]["non_text"], "sticker");
    assert_eq!(transcript[2]["html"], "<i>Salut</i>");
    assert_eq!(transcript[2]["buttons"], json!([[{"text": "Suivant", "callback_data": "go"}]]));

    let bad = client
        .post(format!("{base}control/users/42/callbacks"))
        .json(&json!({"message_id": 3, "data": "nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 400);
    let error: Value = bad.json().await.unwrap();
    assert_eq!(error["error"], "Message 3 in chat 42 has no button with callback data \"nope\".");
    let good: Value = client
        .post(format!("{base}control/users/42/callbacks"))
        .json(&json!({"message_id": 3, "data": "go"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(good["callback_query_id"].is_string());

    client.post(format!("{base}control/users/42/blocked")).json(&json!({"blocked": true})).send().await.unwrap();
    let (status, _) = api(&server, "sendMessage", json!({"chat_id": 42, "text": "x"})).await;
    assert_eq!(status, 403);

    let fault = json!({"method": "getMe", "kind": {"type": "too_many_requests", "retry_after": 7}});
    client.post(format!("{base}control/faults")).json(&fault).send().await.unwrap();
    let (status, answer) = api(&server, "getMe", json!({})).await;
    assert_eq!((status, answer["parameters"]["retry_after"].as_u64()), (429, Some(7)));
    client.post(format!("{base}control/faults")).json(&fault).send().await.unwrap();
    client.delete(format!("{base}control/faults")).send().await.unwrap();
    assert!(emulator.pending_faults().is_empty());

    let response =
        client.put(format!("{base}control/rate-limit")).json(&json!({"global_per_second": 5})).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let invalid = client.post(format!("{base}control/faults")).body("{").send().await.unwrap();
    assert_eq!(invalid.status().as_u16(), 400);

    let journal: Value = client.get(format!("{base}control/journal")).send().await.unwrap().json().await.unwrap();
    assert!(journal.as_array().unwrap().len() >= 3);
    let answers: Value =
        client.get(format!("{base}control/callback-answers")).send().await.unwrap().json().await.unwrap();
    assert_eq!(answers, json!([]));
}

#[tokio::test]
async fn teloxide_reads_answers_and_maps_errors() {
    let (emulator, server) = start().await;
    let bot = Bot::new("sandbox-token").set_api_url(server.api_url());
    let me = bot.get_me().await.unwrap();
    assert_eq!(me.username(), "accelerateur_bot");

    emulator.send_text(42, "/start");
    let chat = ChatId(42);
    let keyboard = InlineKeyboardMarkup::new([[InlineKeyboardButton::callback("Suivant", "next")]]);
    let sent = bot
        .send_message(chat, "<b>Bonjour</b> &amp; bienvenue")
        .parse_mode(TgParseMode::Html)
        .reply_markup(keyboard.clone())
        .await
        .unwrap();
    assert_eq!(sent.text(), Some("Bonjour & bienvenue"));
    assert_eq!(emulator.bot_messages(42)[0].entities, vec![Entity::new(EntityKind::Bold, 0, 7)]);

    let same = bot
        .edit_message_text(chat, sent.id, "<b>Bonjour</b> &amp; bienvenue")
        .parse_mode(TgParseMode::Html)
        .reply_markup(keyboard)
        .await;
    assert!(matches!(same, Err(RequestError::Api(ApiError::MessageNotModified))), "{same:?}");

    let query = emulator.press_button(42, sent.id.0, "next").unwrap();
    bot.answer_callback_query(teloxide::types::CallbackQueryId(query)).text("OK").await.unwrap();
    assert_eq!(emulator.callback_answers()[0].text.as_deref(), Some("OK"));

    emulator.inject_fault(Fault::new(FaultKind::TooManyRequests { retry_after: 3 }).on_method("SendMessage"));
    let limited = bot.send_message(chat, "x").await;
    assert!(matches!(limited, Err(RequestError::RetryAfter(secs)) if secs.seconds() == 3), "{limited:?}");

    emulator.set_blocked(42, true);
    let blocked = bot.send_message(chat, "x").await;
    assert!(matches!(blocked, Err(RequestError::Api(ApiError::BotBlocked))), "{blocked:?}");

    let unknown = bot.send_message(ChatId(7), "x").await;
    assert!(matches!(unknown, Err(RequestError::Api(ApiError::ChatNotFound))), "{unknown:?}");

    bot.set_my_commands([teloxide::types::BotCommand::new("start", "Commencer")]).await.unwrap();
    bot.send_chat_action(ChatId(7), teloxide::types::ChatAction::Typing).await.unwrap_err();
    let info = bot.get_chat(chat).await.unwrap();
    assert_eq!(info.id, chat);
}

#[tokio::test]
async fn a_teloxide_dispatcher_polls_and_replies() {
    let (emulator, server) = start().await;
    let bot = Bot::new("sandbox-token").set_api_url(server.api_url());
    let handler = Update::filter_message().endpoint(|bot: Bot, msg: Message| async move {
        let text = format!("Reçu : {}", msg.text().unwrap_or_default());
        bot.send_message(msg.chat.id, text).await?;
        respond(())
    });
    let mut dispatcher = Dispatcher::builder(bot, handler).build();
    let token = dispatcher.shutdown_token();
    let running = tokio::spawn(async move { dispatcher.dispatch().await });

    emulator.send_text(42, "bonjour");
    let replies = emulator.wait_for_bot_messages(42, 1, WAIT).await.unwrap();
    assert_eq!(replies[0].text, "Reçu : bonjour");
    assert!(emulator.journal().iter().any(|e| e.is("GetUpdates")));

    // `shutdown` errors if the dispatcher is still starting; it is running here.
    token.shutdown().unwrap().await;
    drop(server);
    tokio::time::timeout(WAIT, running).await.unwrap().unwrap();
}

#[tokio::test]
async fn a_webhook_receives_updates_instead_of_get_updates() {
    let (emulator, server) = start().await;
    let (sender, mut received) = tokio::sync::mpsc::unbounded_channel::<(Option<String>, Value)>();
    let receiver = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: axum::http::HeaderMap, axum::Json(update): axum::Json<Value>| {
            let sender = sender.clone();
            async move {
                let secret =
                    headers.get("X-Telegram-Bot-Api-Secret-Token").and_then(|v| v.to_str().ok()).map(str::to_owned);
                let _ = sender.send((secret, update));
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let hook_url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, receiver).await });

    let (status, _) = api(&server, "setWebhook", json!({"url": hook_url, "secret_token": "s3cret"})).await;
    assert_eq!(status, 200);
    let (_, info) = api(&server, "getWebhookInfo", json!({})).await;
    assert_eq!(info["result"]["url"], hook_url);
    let (status, _) = api(&server, "getUpdates", json!({})).await;
    assert_eq!(status, 409);

    emulator.send_text(42, "via webhook");
    let (secret, update) = tokio::time::timeout(WAIT, received.recv()).await.unwrap().unwrap();
    assert_eq!(secret.as_deref(), Some("s3cret"));
    assert_eq!(update["message"]["text"], "via webhook");
    emulator.wait_until(|e| e.pending_update_count() == 0, WAIT).await.unwrap();

    let (status, _) = api(&server, "deleteWebhook", json!({})).await;
    assert_eq!(status, 200);
    emulator.send_text(42, "polled");
    let (_, updates) = api(&server, "getUpdates", json!({})).await;
    assert_eq!(updates["result"][0]["message"]["text"], "polled");
}

#[tokio::test]
async fn the_bots_client_sends_and_reads_forbidden_faults() {
    let (emulator, server) = start().await;
    let bot = Bot::new("sandbox-token").set_api_url(server.api_url());
    emulator.send_text(42, "/start");
    let sent = bot.send_message(ChatId(42), "<i>ok</i>").parse_mode(TgParseMode::Html).await.unwrap();
    assert_eq!(sent.text(), Some("ok"));

    emulator
        .inject_fault(Fault::new(FaultKind::Forbidden { description: "user is deactivated".to_owned() }).for_chat(42));
    let gone = bot.send_message(ChatId(42), "x").await;
    assert!(matches!(gone, Err(RequestError::Api(ApiError::UserDeactivated))), "{gone:?}");
}

/// `sendDocument` with a multipart body built by hand: (HTTP status, answer).
async fn upload(server: &RunningServer, fields: &[(&str, &str)], file: Option<(&str, Vec<u8>)>) -> (u16, Value) {
    let mut form = reqwest::multipart::Form::new();
    for (name, value) in fields {
        form = form.text((*name).to_owned(), (*value).to_owned());
    }
    if let Some((name, content)) = file {
        form = form.part("document", reqwest::multipart::Part::bytes(content).file_name(name.to_owned()));
    }
    let url = format!("{}botsandbox-token/sendDocument", server.base_url());
    let response = reqwest::Client::new().post(url).multipart(form).send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn documents_are_uploaded_with_a_caption_and_checked_like_telegram() {
    let (emulator, server) = start().await;
    emulator.send_text(42, "/start");
    let bot = Bot::new("sandbox-token").set_api_url(server.api_url());
    let file = teloxide::types::InputFile::memory(b"{\"a\": 1}".to_vec()).file_name("export.json");
    let sent =
        bot.send_document(ChatId(42), file).caption("<b>Vos</b> données").parse_mode(TgParseMode::Html).await.unwrap();
    assert_eq!(sent.caption(), Some("Vos données"));
    assert_eq!(sent.document().and_then(|d| d.file_name.as_deref()), Some("export.json"));
    let stored = emulator.bot_messages(42).pop().unwrap();
    let document = stored.document.expect("a document message");
    assert_eq!((document.content.as_slice(), document.file_size), (b"{\"a\": 1}".as_slice(), 8));
    assert_eq!(stored.text, "Vos données");

    let edit = bot.edit_message_text(ChatId(42), sent.id, "texte").await.unwrap_err();
    assert!(edit.to_string().contains("there is no text in the message to edit"), "{edit}");

    let (status, answer) = api(&server, "sendDocument", json!({"chat_id": 42})).await;
    assert_eq!((status, description(&answer)), (400, "Bad Request: there is no document in the request"));
    let (status, answer) = upload(&server, &[("chat_id", "42")], Some(("vide.json", Vec::new()))).await;
    assert_eq!((status, description(&answer)), (400, "Bad Request: file must be non-empty"));
    let long = "x".repeat(MAX_CAPTION_UTF16 + 1);
    let (status, answer) = upload(&server, &[("chat_id", "42"), ("caption", &long)], Some(("a.txt", vec![b'a']))).await;
    assert_eq!((status, description(&answer)), (400, "Bad Request: message caption is too long"));
    let (status, answer) = upload(&server, &[("chat_id", "7")], Some(("a.txt", vec![b'a']))).await;
    assert_eq!((status, description(&answer)), (400, "Bad Request: chat not found"));
    let (status, _) = upload(&server, &[("chat_id", "42"), ("document", "attach://piece")], None).await;
    assert_eq!(status, 400, "attach:// must name a part of the request");
    assert_eq!(emulator.bot_messages(42).len(), 1);
}
