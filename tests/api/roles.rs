//! Issue 12, item 1 (roles in one module): every privileged command and button refused to those without the role
//! (read from the database on every update), trainers granted and revoked by an admin in chat (`/formateurs`),
//! with their command menu and the notes about forwarded questions following, and the CHECK on `users.role`.

use accelerateur::{
    roles::Role,
    storage::Db,
    telegram::{
        callback::{AnnounceAction, CallbackData, FaqAction, StaffAction},
        commands::{AdminCommand, StaffCommand},
    },
    telegram_emulator::ChatMessage,
};
use serde_json::json;
use teloxide::{
    types::{ChatId, UserId},
    utils::command::BotCommands,
};

use crate::helpers::{ADMIN, PATIENCE, TRAINER, TestApp, assert_no_rejected_calls, fr, labels, spawn_app};

const STAFF_ONLY: &str = "Cette commande est réservée à l'équipe du programme.";
const ADMINS_ONLY: &str = "Cette commande est réservée aux administrateurs du bot.";
const ADMINS_ONLY_BUTTON: &str = "Ce bouton est réservé aux administrateurs du bot.";

/// Every button of a trainer's screens. The `match` fails to compile when a variant is added without a row here.
fn announce_buttons() -> Vec<CallbackData> {
    let actions = [
        AnnounceAction::NoButton,
        AnnounceAction::AudienceAll,
        AnnounceAction::AudienceReminders,
        AnnounceAction::AudienceChapter("bien-demarrer".to_owned()),
        AnnounceAction::SendNow { draft: 1 },
        AnnounceAction::Schedule { draft: 1 },
        AnnounceAction::Abort,
        AnnounceAction::Stop { id: 1 },
    ];
    for action in &actions {
        match action {
            AnnounceAction::NoButton
            | AnnounceAction::AudienceAll
            | AnnounceAction::AudienceReminders
            | AnnounceAction::AudienceChapter(_)
            | AnnounceAction::SendNow { .. }
            | AnnounceAction::Schedule { .. }
            | AnnounceAction::Abort
            | AnnounceAction::Stop { .. } => {}
        }
    }
    let mut buttons: Vec<_> = actions.into_iter().map(CallbackData::Announce).collect();
    // `/questions`: its pages and its *Répondre* button.
    buttons.extend([CallbackData::Questions { page: 0 }, CallbackData::Reply { question_id: 1 }]);
    // *Ajouter comme variante de…*: the choice, the search and the entry chosen.
    buttons.extend([
        CallbackData::VariantOf { question_id: 1 },
        CallbackData::VariantSearch { question_id: 1 },
        CallbackData::AddVariant { question_id: 1, faq_id: "hebergement".to_owned() },
    ]);
    buttons
}

/// Every button of an admin's screens (same compile-time check for `/formateurs`; the restore button besides).
fn staff_buttons() -> Vec<CallbackData> {
    let actions = [
        StaffAction::List,
        StaffAction::Add,
        StaffAction::CancelAdd,
        StaffAction::Remove { user: TRAINER },
        StaffAction::ConfirmRemove { user: TRAINER },
    ];
    for action in &actions {
        match action {
            StaffAction::List
            | StaffAction::Add
            | StaffAction::CancelAdd
            | StaffAction::Remove { .. }
            | StaffAction::ConfirmRemove { .. } => {}
        }
    }
    let mut buttons: Vec<_> = actions.into_iter().map(CallbackData::Staff).collect();
    // `/faq_historique`'s restore button.
    buttons.push(CallbackData::RestoreRevision { revision: 1 });
    buttons.extend(faq_editor_buttons());
    buttons
}

/// Every button of the FAQ editor (admins only; same compile-time check).
fn faq_editor_buttons() -> Vec<CallbackData> {
    let id = || "creer-site".to_owned();
    let actions = [
        FaqAction::Menu,
        FaqAction::New,
        FaqAction::FromQuestion { question_id: 1 },
        FaqAction::KeepQuestion,
        FaqAction::Cancel,
        FaqAction::VariantsDone,
        FaqAction::AnswerOk,
        FaqAction::Chapter("boutique".to_owned()),
        FaqAction::Module("bien-demarrer".to_owned()),
        FaqAction::ModulesDone,
        FaqAction::Save,
        FaqAction::List { chapter: "boutique".to_owned(), page: 0 },
        FaqAction::Search,
        FaqAction::View(id()),
        FaqAction::EditQuestion(id()),
        FaqAction::EditAnswer(id()),
        FaqAction::EditChapter(id()),
        FaqAction::AddVariant(id()),
        FaqAction::Variants(id()),
        FaqAction::RemoveVariant { id: id(), n: 0 },
        FaqAction::Delete(id()),
        FaqAction::ConfirmDelete(id()),
    ];
    for action in &actions {
        match action {
            FaqAction::Menu
            | FaqAction::New
            | FaqAction::FromQuestion { .. }
            | FaqAction::KeepQuestion
            | FaqAction::Cancel
            | FaqAction::VariantsDone
            | FaqAction::AnswerOk
            | FaqAction::Chapter(_)
            | FaqAction::Module(_)
            | FaqAction::ModulesDone
            | FaqAction::Save
            | FaqAction::List { .. }
            | FaqAction::Search
            | FaqAction::View(_)
            | FaqAction::EditQuestion(_)
            | FaqAction::EditAnswer(_)
            | FaqAction::EditChapter(_)
            | FaqAction::AddVariant(_)
            | FaqAction::Variants(_)
            | FaqAction::RemoveVariant { .. }
            | FaqAction::Delete(_)
            | FaqAction::ConfirmDelete(_) => {}
        }
    }
    actions.into_iter().map(CallbackData::Faq).collect()
}

/// The text `user` is answered with after pressing a button carrying `data` under their last bot message.
async fn press_answer(app: &TestApp, user: i64, data: &CallbackData) -> Option<String> {
    let message = app.user(user).bot_messages().last().expect("a bot message to press under").message_id;
    app.user(user).presses_raw(message, &data.to_string()).await;
    app.emulator.callback_answers().last().and_then(|answer| answer.text.clone())
}

#[tokio::test]
async fn every_privileged_command_and_button_is_refused_without_the_role() {
    let app = spawn_app().await;
    let merchant = 601;
    app.user(merchant).sends("/start").await;
    app.user(TRAINER).sends("/start").await;
    struct Case {
        who: i64,
        text: String,
        refusal: &'static str,
    }
    let mut cases = Vec::new();
    let slash = |command: &str| format!("/{}", command.trim_start_matches('/'));
    for command in StaffCommand::bot_commands() {
        cases.push(Case { who: merchant, text: slash(&command.command), refusal: STAFF_ONLY });
    }
    for command in AdminCommand::bot_commands() {
        for who in [merchant, TRAINER] {
            cases.push(Case { who, text: slash(&command.command), refusal: ADMINS_ONLY });
        }
    }
    assert!(cases.len() >= 13, "the tables list every command: {}", cases.len());
    for case in &cases {
        let reply = app.user(case.who).sends(&case.text).await;
        assert_eq!(reply.text, fr(case.refusal), "{} sending {}", case.who, case.text);
    }

    for data in announce_buttons() {
        let answer = press_answer(&app, merchant, &data).await;
        assert_eq!(answer.as_deref(), Some(fr(STAFF_ONLY).as_str()), "merchant pressing {data}");
    }
    for data in staff_buttons() {
        for who in [merchant, TRAINER] {
            let answer = press_answer(&app, who, &data).await;
            assert_eq!(answer.as_deref(), Some(fr(ADMINS_ONLY_BUTTON).as_str()), "{who} pressing {data}");
        }
    }
    // Nothing was done on their behalf.
    assert_eq!(app.db.role(UserId(TRAINER as u64)).await.unwrap(), Role::Trainer);
    assert_eq!(app.db.role(UserId(merchant as u64)).await.unwrap(), Role::Merchant);
    assert_eq!(app.db.entry_revisions("creer-site", 10).await.unwrap().len(), 1, "the FAQ editor changed nothing");
    assert_no_rejected_calls(&app);
}

/// The command names set for `user`'s private chat, if any (otherwise Telegram shows the default list).
fn chat_menu(app: &TestApp, user: i64) -> Option<Vec<String>> {
    app.emulator
        .commands()
        .into_iter()
        .find(|set| set.scope["type"] == "chat" && set.scope["chat_id"] == user)
        .map(|set| set.commands.into_iter().map(|(name, _)| name).collect())
}

fn notes_received(app: &TestApp, user: i64) -> usize {
    app.emulator.bot_messages(user).iter().filter(|m| m.text.contains("Question transmise")).count()
}

/// `from` forwards to the bot a message written by `author` (`None`: an author who hides their account).
async fn forwards(app: &TestApp, from: i64, author: Option<(i64, &str)>) -> ChatMessage {
    let before = app.user(from).bot_messages().len();
    let origin = match author {
        Some((id, name)) => {
            json!({"type": "user", "date": 1, "sender_user": {"id": id, "is_bot": false, "first_name": name}})
        }
        None => json!({"type": "hidden_user", "date": 1, "sender_user_name": "Quelqu'un"}),
    };
    app.emulator.send_private_raw(from, "message", json!({"text": "Bonjour !", "forward_origin": origin}));
    let messages = app.emulator.wait_for_bot_messages(from, before + 1, PATIENCE).await.expect("the bot replies");
    messages[before].clone()
}

/// The admin's `/formateurs` list.
async fn team_list(app: &TestApp) -> ChatMessage {
    app.user(ADMIN).sends("/formateurs").await
}

#[tokio::test]
async fn a_trainer_granted_in_chat_gets_the_menu_and_the_questions_until_revoked() {
    let mut app = spawn_app().await;
    let newcomer = 602;
    let name = "Léa <b>&";
    app.user(newcomer).named(name).sends("/start").await;
    app.user(TRAINER).sends("/start").await;
    assert_eq!(chat_menu(&app, newcomer), None, "a merchant has the default menu");

    let list = team_list(&app).await;
    assert!(list.text.contains("administrateur") && list.text.contains("formateur"), "{}", list.text);
    assert!(
        !labels(&list).iter().any(|label| label.starts_with("Retirer")),
        "configured staff stay: {:?}",
        labels(&list)
    );
    app.user(ADMIN).presses(list.message_id, "➕ Ajouter un formateur").await;
    assert!(app.user(ADMIN).message(list.message_id).text.contains("Transférez-moi un message"));

    // The step survives a restart.
    app.restart().await;
    let granted = forwards(&app, ADMIN, Some((newcomer, name))).await;
    assert!(
        granted.text.contains(&format!("{name} fait maintenant partie des formateurs")),
        "the name reads literally: {}",
        granted.text
    );
    let menu = chat_menu(&app, newcomer).expect("the newcomer's chat has its own menu");
    assert!(menu.contains(&"stats".to_owned()) && !menu.contains(&"formateurs".to_owned()), "{menu:?}");
    assert!(app.user(newcomer).sends("/stats").await.text.contains("Statistiques"));

    app.user(603).sends("/formateur comment fixer mes frais de port ?").await;
    app.deliver_all().await;
    assert_eq!(notes_received(&app, newcomer), 1, "the new trainer is told about forwarded questions");
    assert_eq!(notes_received(&app, TRAINER), 1);

    // Revoking: a confirmation first, then the role, the menu and the notes go.
    let list = team_list(&app).await;
    let remove = format!("Retirer {name}");
    app.user(ADMIN).presses(list.message_id, &remove).await;
    let confirm = app.user(ADMIN).message(list.message_id);
    assert!(confirm.text.contains(&format!("Retirer {name} de l'équipe")), "{}", confirm.text);
    assert_eq!(app.db.role(UserId(newcomer as u64)).await.unwrap(), Role::Trainer, "nothing before confirming");
    app.user(ADMIN).presses(list.message_id, "Oui, retirer").await;
    assert!(app.user(ADMIN).message(list.message_id).text.contains("ne fait plus partie de l'équipe"));
    assert_eq!(chat_menu(&app, newcomer), None, "the default menu is back");
    assert_eq!(app.user(newcomer).sends("/stats").await.text, fr(STAFF_ONLY));
    app.user(604).sends("/formateur mon panier est vide").await;
    app.deliver_all().await;
    assert_eq!(notes_received(&app, newcomer), 1, "no more notes");
    assert_eq!(notes_received(&app, TRAINER), 2);
    assert_no_rejected_calls(&app);
}

#[tokio::test]
async fn a_trainer_can_be_granted_by_id_before_opening_the_bot() {
    let app = spawn_app().await;
    let list = team_list(&app).await;
    app.user(ADMIN).presses(list.message_id, "➕ Ajouter un formateur").await;
    let hidden = forwards(&app, ADMIN, None).await;
    assert!(hidden.text.contains("identifiant Telegram"), "{}", hidden.text);
    let wrong = app.user(ADMIN).sends("pas un nombre").await;
    assert!(wrong.text.contains("Je n'ai reconnu"), "{}", wrong.text);
    let granted = app.user(ADMIN).sends("605").await;
    assert!(granted.text.contains("id 605") && granted.text.contains("pas encore ouvert le bot"), "{}", granted.text);
    assert_eq!(app.db.role(UserId(605)).await.unwrap(), Role::Trainer);
    assert!(chat_menu(&app, 605).is_some_and(|menu| menu.contains(&"stats".to_owned())));
    // Staff are not counted among the merchants.
    let stats = app.user(TRAINER).sends("/stats").await;
    assert!(stats.text.contains(&fr("Commerçants : 0")), "staff only so far: {}", stats.text);
    assert!(app.user(605).named("Inès").sends("/stats").await.text.contains("Statistiques"));
    let list = team_list(&app).await;
    assert!(list.text.contains("Inès"), "the name is known once they write: {}", list.text);
}

#[tokio::test]
async fn configured_staff_and_the_admin_themselves_are_not_removed_in_chat() {
    let app = spawn_app().await;
    app.user(ADMIN).sends("/start").await;
    for (user, expected) in [(TRAINER, "fixé par la configuration du serveur"), (ADMIN, "vous retirer vous-même")] {
        let data = CallbackData::Staff(StaffAction::ConfirmRemove { user });
        press_answer(&app, ADMIN, &data).await;
        let shown = app.user(ADMIN).bot_messages().last().unwrap().text.clone();
        assert!(shown.contains(expected), "{shown}");
    }
    assert_eq!(app.db.role(UserId(TRAINER as u64)).await.unwrap(), Role::Trainer);
    assert_eq!(app.db.role(UserId(ADMIN as u64)).await.unwrap(), Role::Admin);
}

#[tokio::test]
async fn the_role_column_takes_three_values_only() {
    let app = spawn_app().await;
    app.user(606).sends("/start").await;
    let sql = "UPDATE users SET role = 'owner' WHERE id = 606";
    let refused = match &app.db {
        Db::Sqlite(pool) => sqlx::query(sql).execute(pool).await.is_err(),
        Db::Postgres(pool) => sqlx::query(sql).execute(pool).await.is_err(),
    };
    assert!(refused, "the CHECK refuses an unknown role");
    let insert = "INSERT INTO users (id, first_name, role, created_at, last_seen_at) VALUES (607, 'x', 'root', 0, 0)";
    let refused = match &app.db {
        Db::Sqlite(pool) => sqlx::query(insert).execute(pool).await.is_err(),
        Db::Postgres(pool) => sqlx::query(insert).execute(pool).await.is_err(),
    };
    assert!(refused, "on insert too");
    assert_eq!(app.db.role(UserId(606)).await.unwrap(), Role::Merchant);
}

/// The sender's conversations in progress are read once per update (`telegram::sender`) and only those are entered:
/// a merchant's messages leave no conversation row (teloxide used to store an idle state per kind and chat), and a
/// trainer's composition is in progress until `/annuler`.
#[tokio::test]
async fn only_conversations_in_progress_are_kept_and_entered() {
    let app = spawn_app().await;
    let merchant = app.user(4_321);
    merchant.sends("comment ouvrir une boutique en ligne ?").await;
    merchant.sends("/start").await;
    merchant.sends("/annonce").await;
    let rows = "SELECT COUNT(*) FROM dialogues WHERE chat_id = 4321";
    let rows: i64 = match &app.db {
        Db::Sqlite(pool) => sqlx::query_scalar(rows).fetch_one(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_scalar(rows).fetch_one(pool).await.unwrap(),
    };
    assert_eq!(rows, 0, "a merchant's messages store no conversation state");

    let trainer = app.user(TRAINER);
    trainer.sends("/annonce").await;
    let open = app.db.open_dialogues(ChatId(TRAINER)).await.unwrap();
    assert_eq!(open, ["announce"]);
    // In progress: the next text is the announcement's, not a question.
    let next = trainer.sends("Webinaire spécial demain à 10 h").await;
    assert!(next.text.contains("bouton lien"), "{}", next.text);
    trainer.sends("/annuler").await;
    assert!(app.db.open_dialogues(ChatId(TRAINER)).await.unwrap().is_empty());
    let question = trainer.sends("comment ouvrir une boutique en ligne ?").await;
    assert!(!question.text.contains("bouton lien"), "{}", question.text);
}
