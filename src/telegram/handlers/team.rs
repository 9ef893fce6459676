//! `/formateurs` and its buttons (admins only; the schema reads the sender's role from the database before every
//! step): the team list, adding a trainer (a message forwarded from them, or their numeric id, asked for in a
//! [`StaffDialogue`] that survives a restart) and removing one after a confirmation. Roles change through
//! `crate::roles`, which also updates the person's command menu. People named in `ACCEL_ADMINS` /
//! `ACCEL_TRAINERS` are not removed here: the next start would grant them again.

use teloxide::types::{CallbackQuery, ChatId, Message, MessageOrigin, UserId};

use super::HandlerResult;
use crate::{
    clock::AppClock,
    roles::{self, Granted, Role},
    startup::BotSettings,
    storage::Db,
    telegram::{
        Telegram,
        callback::StaffAction,
        dialogue::{StaffDialogue, StaffState},
        keyboards::{self, member_name},
    },
    text::Html,
    tr, tr_html,
};

/// Dialogue storage errors are boxed trait objects; anyhow takes them through their message.
fn stored<T>(result: Result<T, Box<dyn std::error::Error + Send + Sync>>) -> anyhow::Result<T> {
    result.map_err(|error| anyhow::anyhow!(error))
}

/// `/formateurs`: the team, with its buttons.
pub async fn list(tg: Telegram, db: Db, settings: BotSettings, msg: Message) -> HandlerResult {
    let Some(viewer) = msg.from.as_ref().map(|user| user.id) else { return Ok(()) };
    let (text, keyboard) = keyboards::team(&roles::staff(&db).await?, &settings.roles, viewer);
    tg.send(msg.chat.id, text, Some(keyboard)).await.checked()
}

/// A button of `/formateurs`.
pub async fn button(
    tg: Telegram,
    db: Db,
    settings: BotSettings,
    dialogue: StaffDialogue,
    query: CallbackQuery,
    action: StaffAction,
) -> HandlerResult {
    let admin = query.from.id;
    let (text, keyboard) = match action {
        StaffAction::List => {
            stored(dialogue.exit().await)?;
            keyboards::team(&roles::staff(&db).await?, &settings.roles, admin)
        }
        StaffAction::Add => {
            stored(dialogue.update(StaffState::AwaitingPerson).await)?;
            (tr_html!("team-ask-person"), keyboards::team_cancel_add())
        }
        StaffAction::CancelAdd => {
            stored(dialogue.exit().await)?;
            (tr_html!("team-add-cancelled"), keyboards::team_back())
        }
        StaffAction::Remove { user } => match removal(&db, &settings, admin, user).await? {
            Ok(name) => (tr_html!("team-confirm-remove", name = name), keyboards::team_confirm_remove(user)),
            Err(refusal) => (refusal, keyboards::team_back()),
        },
        StaffAction::ConfirmRemove { user } => match removal(&db, &settings, admin, user).await? {
            Ok(name) => {
                roles::revoke(&db, tg.bot(), to_user_id(user)).await?;
                (tr_html!("team-removed", name = name), keyboards::team_back())
            }
            Err(refusal) => (refusal, keyboards::team_back()),
        },
    };
    tg.replace(query, text, keyboard, None).await.checked()
}

/// Whether `admin` may remove `user` from the team now: their name, or the reason why not.
async fn removal(db: &Db, settings: &BotSettings, admin: UserId, user: i64) -> anyhow::Result<Result<String, Html>> {
    let user = to_user_id(user);
    let member = roles::staff(db).await?.into_iter().find(|member| member.id == user);
    let Some(member) = member else {
        let name = match db.user(user).await {
            Ok(known) => member_name(&known.first_name, user),
            Err(_) => member_name("", user),
        };
        return Ok(Err(tr_html!("team-not-staff", name = name)));
    };
    let name = member_name(&member.first_name, user);
    Ok(if user == admin {
        Err(tr_html!("team-remove-self"))
    } else if roles::is_configured(&settings.roles, user) {
        Err(tr_html!("team-remove-configured", name = name))
    } else {
        Ok(name)
    })
}

/// The person to make a trainer, while `/formateurs` waits for them.
pub async fn receive_person(
    tg: Telegram,
    db: Db,
    clock: AppClock,
    dialogue: StaffDialogue,
    msg: Message,
) -> HandlerResult {
    let (user, first_name) = match person_in(&msg) {
        Person::User { id, first_name } => (id, first_name),
        Person::Bot => return reply(&tg, msg.chat.id, tr_html!("team-person-bot"), None).await,
        Person::Hidden => return reply(&tg, msg.chat.id, tr_html!("team-person-hidden"), None).await,
        Person::Unknown => return reply(&tg, msg.chat.id, tr_html!("team-person-invalid"), None).await,
    };
    let granted = roles::grant(&db, tg.bot(), user, first_name.as_deref(), clock.unix()).await?;
    stored(dialogue.exit().await)?;
    let known = db.user(user).await?;
    let name = member_name(&known.first_name, user);
    let text = match granted {
        Granted::Trainer if known.last_seen_at > 0 => tr_html!("team-granted", name = name),
        Granted::Trainer => tr_html!("team-granted-not-reached", name = name),
        Granted::AlreadyStaff(Role::Admin) => tr_html!("team-already-admin", name = name),
        Granted::AlreadyStaff(_) => tr_html!("team-already-trainer", name = name),
    };
    reply(&tg, msg.chat.id, text, Some(keyboards::team_back())).await
}

/// `/annuler` while `/formateurs` waits for a person.
pub async fn cancel_command(tg: Telegram, dialogue: StaffDialogue, msg: Message) -> HandlerResult {
    stored(dialogue.exit().await)?;
    reply(&tg, msg.chat.id, tr_html!("team-add-cancelled"), Some(keyboards::team_back())).await
}

/// A button of `/formateurs` pressed by someone who is not (or no longer) an admin.
pub async fn not_allowed(tg: Telegram, query: CallbackQuery) -> HandlerResult {
    tracing::info!(user = query.from.id.0, "team button refused");
    tg.answer_callback(query.id, Some(tr!("admins-only-button"))).await;
    Ok(())
}

async fn reply(
    tg: &Telegram,
    chat: ChatId,
    text: Html,
    keyboard: Option<teloxide::types::InlineKeyboardMarkup>,
) -> HandlerResult {
    tg.send(chat, text, keyboard).await.checked()
}

fn to_user_id(user: i64) -> UserId {
    UserId(u64::try_from(user).unwrap_or_default())
}

/// Who a message designates as the future trainer.
#[derive(Debug, PartialEq, Eq)]
enum Person {
    User {
        id: UserId,
        first_name: Option<String>,
    },
    /// A message forwarded from a bot.
    Bot,
    /// Forwarded from someone whose privacy settings hide their account.
    Hidden,
    /// Neither a forwarded message from a person nor a numeric id.
    Unknown,
}

fn person_in(msg: &Message) -> Person {
    match msg.forward_origin() {
        Some(MessageOrigin::User { sender_user, .. }) if sender_user.is_bot => Person::Bot,
        Some(MessageOrigin::User { sender_user, .. }) => {
            Person::User { id: sender_user.id, first_name: Some(sender_user.first_name.clone()) }
        }
        Some(MessageOrigin::HiddenUser { .. }) => Person::Hidden,
        Some(_) => Person::Unknown,
        None => match msg.text().map(str::trim).and_then(|text| text.parse::<u64>().ok()) {
            Some(id) if id > 0 && i64::try_from(id).is_ok() => Person::User { id: UserId(id), first_name: None },
            _ => Person::Unknown,
        },
    }
}
