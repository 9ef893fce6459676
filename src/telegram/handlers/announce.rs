//! `/annonce`, `/annonces` and their buttons (trainers and admins only; the schema checks the role before every
//! step). Composition: text → optional link button → preview, sent exactly as merchants will get it (markup
//! Telegram refuses is explained and the text asked again) → audience with its recipient count → *Envoyer
//! maintenant*, *Programmer* or *Annuler*. Confirming queues one delivery per recipient (see
//! `storage::announcements`); the delivery worker sends them and edits the progress message.

use teloxide::types::{CallbackQuery, ChatId, Message};

use super::{HandlerResult, menu::origin};
use crate::{
    announcements::{example_time, local_time, parse_link_button, parse_send_time},
    clock::AppClock,
    content::{LiveContent, curriculum},
    delivery::progress,
    startup::BotSettings,
    storage::{
        Db,
        announcements::{AnnouncementStatus, Audience, AudienceFilter, Confirmation},
        deliveries::{DeliveryCounts, Payload},
    },
    telegram::{
        SendOutcome, Telegram,
        callback::AnnounceAction,
        dialogue::{AnnounceDialogue, AnnounceState},
        keyboards,
    },
    text::{Html, french_number},
    tr, tr_html,
};

/// How many announcements `/annonces` lists.
const LISTED: i64 = 10;

/// Dialogue storage errors are boxed trait objects; anyhow takes them through their message.
fn stored<T>(result: Result<T, Box<dyn std::error::Error + Send + Sync>>) -> anyhow::Result<T> {
    result.map_err(|error| anyhow::anyhow!(error))
}

/// `/annonce`: start composing.
pub async fn start(tg: Telegram, dialogue: AnnounceDialogue, msg: Message) -> HandlerResult {
    stored(dialogue.update(AnnounceState::Text).await)?;
    tg.send(msg.chat.id, tr_html!("announce-ask-text"), Some(keyboards::announce_abort())).await.checked()?;
    Ok(())
}

/// The text of the announcement: a draft is created, then the link button is asked for.
pub async fn receive_text(
    tg: Telegram,
    db: Db,
    clock: AppClock,
    dialogue: AnnounceDialogue,
    msg: Message,
) -> HandlerResult {
    let Some(text) = msg.text().filter(|text| !text.trim().is_empty()) else {
        tg.send(msg.chat.id, tr_html!("announce-text-only"), None).await.checked()?;
        return Ok(());
    };
    let draft = db.create_draft(msg.chat.id.0, &Payload { text: text.to_owned(), button: None }, clock.unix()).await?;
    stored(dialogue.update(AnnounceState::Button { draft }).await)?;
    tg.send(msg.chat.id, tr_html!("announce-ask-button"), Some(keyboards::announce_no_button())).await.checked()?;
    Ok(())
}

/// `Libellé | https://…` while a link button is expected.
pub async fn receive_button(
    tg: Telegram,
    db: Db,
    content: LiveContent,
    dialogue: AnnounceDialogue,
    draft: i64,
    msg: Message,
) -> HandlerResult {
    let Some(button) = msg.text().and_then(parse_link_button) else {
        tg.send(msg.chat.id, tr_html!("announce-button-invalid"), Some(keyboards::announce_no_button()))
            .await
            .checked()?;
        return Ok(());
    };
    let announcement = db.announcement(draft).await?;
    let text = db.payload(announcement.payload_id).await?.text;
    db.update_draft(draft, &Payload { text, button: Some(button) }).await?;
    let composer = Composer { tg: &tg, db: &db, content: &content, dialogue: &dialogue };
    composer.preview(msg.chat.id, draft).await
}

/// A date and time while *Programmer* waits for one.
#[allow(clippy::too_many_arguments)] // dptree injects each dependency as an argument
pub async fn receive_time(
    tg: Telegram,
    db: Db,
    clock: AppClock,
    settings: BotSettings,
    content: LiveContent,
    dialogue: AnnounceDialogue,
    (draft, audience): (i64, Audience),
    msg: Message,
) -> HandlerResult {
    let tz = &settings.timezone;
    let Some(at) = msg.text().and_then(|raw| parse_send_time(raw, tz, clock.now())) else {
        let example = example_time(tz, clock.now());
        tg.send(msg.chat.id, tr_html!("announce-time-invalid", example = example), None).await.checked()?;
        return Ok(());
    };
    let composer = Composer { tg: &tg, db: &db, content: &content, dialogue: &dialogue };
    let confirmation = composer.confirm(draft, &audience, at.as_second(), clock.unix()).await?;
    let text = match confirmation {
        Confirmation::Queued { recipients } => {
            tr_html!("announce-scheduled", when = local_time(at, tz), count = french_number(recipients))
        }
        Confirmation::AlreadyDone => tr_html!("announce-already-confirmed"),
    };
    tg.send(msg.chat.id, text, None).await.checked()?;
    Ok(())
}

/// `/annuler` during a composition.
pub async fn abort_command(
    tg: Telegram,
    db: Db,
    dialogue: AnnounceDialogue,
    state: AnnounceState,
    msg: Message,
) -> HandlerResult {
    abort(&db, &dialogue, &state).await?;
    tg.send(msg.chat.id, tr_html!("announce-aborted"), None).await.checked()?;
    Ok(())
}

/// Every announcement button; each press is answered.
#[allow(clippy::too_many_arguments)] // dptree injects each dependency as an argument
pub async fn button(
    tg: Telegram,
    db: Db,
    clock: AppClock,
    settings: BotSettings,
    content: LiveContent,
    dialogue: AnnounceDialogue,
    state: AnnounceState,
    query: CallbackQuery,
    action: AnnounceAction,
) -> HandlerResult {
    let Some((chat, _)) = origin(&query) else { return Ok(()) };
    let composer = Composer { tg: &tg, db: &db, content: &content, dialogue: &dialogue };
    match (action, state.clone()) {
        (AnnounceAction::NoButton, AnnounceState::Button { draft }) => {
            tg.answer_callback(query.id, None).await;
            composer.preview(chat, draft).await
        }
        (AnnounceAction::AudienceAll, AnnounceState::Audience { draft } | AnnounceState::Confirm { draft, .. }) => {
            composer.choose_audience(query, draft, Audience::All).await
        }
        (
            AnnounceAction::AudienceReminders,
            AnnounceState::Audience { draft } | AnnounceState::Confirm { draft, .. },
        ) => composer.choose_audience(query, draft, Audience::Reminders).await,
        (
            AnnounceAction::AudienceChapter(chapter),
            AnnounceState::Audience { draft } | AnnounceState::Confirm { draft, .. },
        ) => composer.choose_audience(query, draft, Audience::Chapter(chapter)).await,
        (AnnounceAction::SendNow { draft }, AnnounceState::Confirm { draft: current, audience })
            if draft == current =>
        {
            composer.send_now(&clock, query, draft, audience).await
        }
        (AnnounceAction::Schedule { draft }, AnnounceState::Confirm { draft: current, audience })
            if draft == current =>
        {
            stored(dialogue.update(AnnounceState::Time { draft, audience }).await)?;
            let example = example_time(&settings.timezone, clock.now());
            let timezone = settings.timezone.iana_name().unwrap_or("UTC").to_owned();
            let text = tr_html!("announce-ask-time", timezone = timezone, example = example);
            tg.replace(query, text, keyboards::announce_abort(), None).await.checked()?;
            Ok(())
        }
        (AnnounceAction::SendNow { draft } | AnnounceAction::Schedule { draft }, _) => {
            // A second tap, or a button from an older composition: nothing more is queued.
            let confirmed = db.announcement(draft).await.is_ok_and(|a| a.status != AnnouncementStatus::Draft);
            let notice = if confirmed { tr!("announce-already-confirmed") } else { tr!("announce-expired") };
            tg.answer_callback(query.id, Some(notice)).await;
            Ok(())
        }
        (AnnounceAction::Abort, state) => {
            abort(&db, &dialogue, &state).await?;
            tg.replace(query, tr_html!("announce-aborted"), Default::default(), None).await.checked()?;
            Ok(())
        }
        (AnnounceAction::Stop { id }, _) => stop(&tg, &db, &clock, query, id).await,
        _ => {
            tg.answer_callback(query.id, Some(tr!("announce-expired"))).await;
            Ok(())
        }
    }
}

/// `/annonces`: the latest announcements with their figures; scheduled ones can be cancelled.
pub async fn list(tg: Telegram, db: Db, clock: AppClock, settings: BotSettings, msg: Message) -> HandlerResult {
    let announcements = db.recent_announcements(LISTED).await?;
    if announcements.is_empty() {
        tg.send(msg.chat.id, tr_html!("announce-list-none"), None).await.checked()?;
        return Ok(());
    }
    let now = clock.unix();
    let mut scheduled = Vec::new();
    let lines = announcements.iter().map(|(announcement, counts)| {
        let waiting =
            announcement.status == AnnouncementStatus::Queued && announcement.send_at.is_some_and(|at| at > now);
        if waiting {
            scheduled.push(announcement.id);
        }
        let status = status_label(announcement.status, waiting, announcement.send_at, &settings.timezone);
        list_item(announcement.id, &status, counts)
    });
    let text = Html::lines(std::iter::once(tr_html!("announce-list-title")).chain(lines));
    tg.send(msg.chat.id, text, Some(keyboards::announce_cancellable(&scheduled))).await.checked()?;
    Ok(())
}

fn list_item(id: i64, status: &str, counts: &DeliveryCounts) -> Html {
    tr_html!(
        "announce-list-item",
        id = id,
        status = status,
        sent = french_number(counts.sent),
        unreachable = french_number(counts.unreachable),
        failed = french_number(counts.failed),
        total = french_number(counts.total())
    )
}

fn status_label(status: AnnouncementStatus, waiting: bool, send_at: Option<i64>, tz: &jiff::tz::TimeZone) -> String {
    match status {
        AnnouncementStatus::Queued if waiting => {
            let when = send_at.and_then(|at| jiff::Timestamp::from_second(at).ok()).map(|at| local_time(at, tz));
            tr!("announce-status-scheduled", when = when.unwrap_or_default())
        }
        AnnouncementStatus::Queued | AnnouncementStatus::Draft => tr!("announce-status-sending"),
        AnnouncementStatus::Done => tr!("announce-status-done"),
        AnnouncementStatus::Stopped => tr!("announce-status-stopped"),
        AnnouncementStatus::Cancelled => tr!("announce-status-cancelled"),
    }
}

/// The services the composition steps share, gathered once per update.
struct Composer<'a> {
    tg: &'a Telegram,
    db: &'a Db,
    content: &'a LiveContent,
    dialogue: &'a AnnounceDialogue,
}

impl Composer<'_> {
    /// The module ids of a chapter audience.
    fn filter(&self, audience: &Audience) -> AudienceFilter {
        let modules = match audience {
            Audience::Chapter(chapter) => {
                curriculum(&self.content.index()).modules_of(chapter).map(|module| module.id.clone()).collect()
            }
            Audience::All | Audience::Reminders => Vec::new(),
        };
        AudienceFilter { modules, staff: Vec::new() }
    }

    async fn count(&self, audience: &Audience) -> anyhow::Result<i64> {
        Ok(self.db.count_audience(audience, &self.filter(audience)).await?)
    }

    /// Sends the preview exactly as recipients will get it; on success asks for the audience, otherwise explains
    /// why Telegram refused it and asks for the text again.
    async fn preview(&self, chat: ChatId, draft: i64) -> HandlerResult {
        let (tg, db) = (self.tg, self.db);
        let payload = db.payload(db.announcement(draft).await?.payload_id).await?;
        let keyboard = keyboards::link_button(payload.button.as_ref()).map_err(anyhow::Error::msg)?;
        tg.send(chat, tr_html!("announce-preview-title"), None).await.checked()?;
        match tg.send_whole(chat, Html::staff_markup(payload.text), keyboard).await {
            SendOutcome::Sent(_) => {}
            SendOutcome::Rejected(reason) => {
                db.discard_draft(draft).await?;
                stored(self.dialogue.update(AnnounceState::Text).await)?;
                tg.send(chat, tr_html!("announce-markup-rejected", reason = reason), None).await.checked()?;
                return Ok(());
            }
            other => anyhow::bail!("the preview could not be sent: {other:?}"),
        }
        let choices = self.audience_choices().await?;
        stored(self.dialogue.update(AnnounceState::Audience { draft }).await)?;
        tg.send(chat, tr_html!("announce-ask-audience"), Some(keyboards::announce_audiences(choices)))
            .await
            .checked()?;
        Ok(())
    }

    /// Every merchant, reminder subscribers, then each chapter someone has started, with their counts.
    async fn audience_choices(&self) -> anyhow::Result<Vec<(String, AnnounceAction)>> {
        let all = self.count(&Audience::All).await?;
        let reminders = self.count(&Audience::Reminders).await?;
        let mut choices = vec![
            (tr!("announce-audience-all", count = french_number(all)), AnnounceAction::AudienceAll),
            (tr!("announce-audience-reminders", count = french_number(reminders)), AnnounceAction::AudienceReminders),
        ];
        let index = self.content.index();
        for chapter in &curriculum(&index).chapters {
            let count = self.count(&Audience::Chapter(chapter.id.clone())).await?;
            if count > 0 {
                let label = tr!("announce-audience-chapter", title = chapter.title, count = french_number(count));
                choices.push((label, AnnounceAction::AudienceChapter(chapter.id.clone())));
            }
        }
        Ok(choices)
    }

    async fn choose_audience(&self, query: CallbackQuery, draft: i64, audience: Audience) -> HandlerResult {
        let count = self.count(&audience).await?;
        if count == 0 {
            self.tg.answer_callback(query.id, Some(tr!("announce-nobody"))).await;
            return Ok(());
        }
        stored(self.dialogue.update(AnnounceState::Confirm { draft, audience }).await)?;
        let text = tr_html!("announce-confirm", count = french_number(count));
        self.tg.replace(query, text, keyboards::announce_confirm(draft), None).await.checked()?;
        Ok(())
    }

    /// Confirms at `send_at` (Unix seconds) and leaves the composition.
    async fn confirm(&self, draft: i64, audience: &Audience, send_at: i64, now: i64) -> anyhow::Result<Confirmation> {
        let confirmation = self.db.confirm_announcement(draft, audience, &self.filter(audience), send_at, now).await?;
        stored(self.dialogue.exit().await)?;
        Ok(confirmation)
    }

    async fn send_now(&self, clock: &AppClock, query: CallbackQuery, draft: i64, audience: Audience) -> HandlerResult {
        let now = clock.unix();
        if self.confirm(draft, &audience, now, now).await? == Confirmation::AlreadyDone {
            self.tg.answer_callback(query.id, Some(tr!("announce-already-confirmed"))).await;
            return Ok(());
        }
        // The confirmation message becomes the progress message.
        if let Some((_, Some(message))) = origin(&query) {
            self.db.set_progress_message(draft, i64::from(message.0)).await?;
        }
        let counts = self.db.announcement_counts(draft).await?;
        self.tg
            .replace(query, progress::progress_text(&counts), keyboards::stop_announcement(draft), None)
            .await
            .checked()?;
        Ok(())
    }
}

/// *Arrêter l'envoi*, or cancelling a scheduled announcement from `/annonces`.
async fn stop(tg: &Telegram, db: &Db, clock: &AppClock, query: CallbackQuery, id: i64) -> HandlerResult {
    if !db.stop_announcement(id, clock.unix()).await? {
        tg.answer_callback(query.id, Some(tr!("announce-not-running"))).await;
        return Ok(());
    }
    let announcement = db.announcement(id).await?;
    let counts = db.announcement_counts(id).await?;
    let notice = match announcement.status {
        AnnouncementStatus::Cancelled => tr!("announce-cancelled"),
        _ => tr!("announce-stopped"),
    };
    let stopped_here = origin(&query).and_then(|(_, message)| message).map(|m| i64::from(m.0));
    if announcement.progress_message_id.is_some() && announcement.progress_message_id != stopped_here {
        // Stopped from `/annonces`: the progress message shows the report too.
        progress::show(db, tg, &announcement, progress::report(&counts), false).await?;
    }
    tg.replace(query, progress::report(&counts), Default::default(), Some(notice)).await.checked()?;
    Ok(())
}

async fn abort(db: &Db, dialogue: &AnnounceDialogue, state: &AnnounceState) -> anyhow::Result<()> {
    let draft = match state {
        AnnounceState::Button { draft }
        | AnnounceState::Audience { draft }
        | AnnounceState::Confirm { draft, .. }
        | AnnounceState::Time { draft, .. } => Some(*draft),
        AnnounceState::Idle | AnnounceState::Text => None,
    };
    if let Some(draft) = draft {
        db.discard_draft(draft).await?;
    }
    stored(dialogue.exit().await)
}
