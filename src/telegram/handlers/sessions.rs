//! Trainers' commands on the webinar schedule: `/seances` (the coming sessions), `/seance_ajouter` (a special
//! session: date, time, title, optional link), `/seance_annuler` (a day, with an optional notice queued to every
//! subscriber) and `/seance_modifier` (a day's title or link; reminders already queued for it follow). The schema
//! checks the role first. One session per day: a special session on a weekday replaces that day's default one.

use jiff::{ToSpan, civil::Date};
use teloxide::types::Message;

use super::HandlerResult;
use crate::{
    clock::AppClock,
    reminders,
    startup::BotSettings,
    storage::{Db, deliveries::Payload},
    telegram::Telegram,
    text::Html,
    tr, tr_html,
    webinar::{self, Schedule, Session, SessionChange, SessionCommand},
};

/// The link in the usage examples (a placeable: a URL's colon is not French punctuation).
const EXAMPLE_LINK: &str = "https://visio.exemple.fr/seance";

/// How many sessions `/seances` lists.
const LISTED: usize = 10;

/// The schedule around one day, loaded once per command.
struct Day {
    date: Date,
    changes: Vec<SessionChange>,
}

impl Day {
    async fn load(db: &Db, date: Date) -> anyhow::Result<Self> {
        Ok(Self { date, changes: db.session_changes(date, date).await? })
    }

    fn session(&self, settings: &BotSettings) -> Option<Session> {
        let schedule =
            Schedule { tz: &settings.timezone, default_url: settings.webinar_url.as_ref(), changes: &self.changes };
        schedule.session_on(self.date)
    }

    /// The link a trainer set for this day (not the configured default).
    fn own_url(&self) -> Option<String> {
        self.changes.first().and_then(|change| change.url.clone())
    }
}

fn today(settings: &BotSettings, clock: &AppClock) -> Date {
    clock.now().to_zoned(settings.timezone.clone()).date()
}

fn day_name(settings: &BotSettings, date: Date) -> String {
    let noon = date.at(12, 0, 0, 0).to_zoned(settings.timezone.clone());
    noon.map(|at| tr!("sessions-day", day = crate::french::day(&at))).unwrap_or_else(|_| date.to_string())
}

fn title_of(session: &Session) -> String {
    session.title.clone().unwrap_or_else(|| tr!("webinar-default-title"))
}

/// `/seances`: the coming sessions, their titles and links, and the commands that change them.
pub async fn list(tg: Telegram, db: Db, clock: AppClock, settings: BotSettings, msg: Message) -> HandlerResult {
    let today = today(&settings, &clock);
    let changes = db.session_changes(today, today.checked_add(62_i32.days())?).await?;
    let schedule = Schedule { tz: &settings.timezone, default_url: settings.webinar_url.as_ref(), changes: &changes };
    let items = schedule.coming(clock.now(), LISTED).into_iter().map(|session| {
        let special = if session.special { "yes" } else { "no" };
        let when = webinar::french_date(&session.start);
        let item = tr_html!("sessions-item", when = when, title = title_of(&session), special = special);
        match &session.url {
            Some(url) => Html::lines([item, tr_html!("sessions-item-link", url = url.as_str())]),
            None => item,
        }
    });
    let text = Html::paragraphs([
        Html::lines(std::iter::once(tr_html!("sessions-title")).chain(items)),
        tr_html!("sessions-help"),
    ]);
    tg.send(msg.chat.id, text, None).await.checked()?;
    Ok(())
}

/// `/seance_ajouter 19/12/2026 14:00 Titre | https://lien`.
pub async fn add(
    tg: Telegram,
    db: Db,
    clock: AppClock,
    settings: BotSettings,
    msg: Message,
    args: String,
) -> HandlerResult {
    let today = today(&settings, &clock);
    let Some(SessionCommand::Add { date, start, title, url }) = SessionCommand::parse_add(&args, today) else {
        return reply(&tg, &msg, tr_html!("sessions-usage-add", example_link = EXAMPLE_LINK)).await;
    };
    if date < today {
        return reply(&tg, &msg, tr_html!("sessions-past")).await;
    }
    let change = SessionChange { date, start, title: Some(title), url, cancelled: false };
    let day = Day { date, changes: vec![change.clone()] };
    let session = day.session(&settings).ok_or_else(|| anyhow::anyhow!("a session just added does not exist"))?;
    db.save_session_change(&change, Some(&reminders::reminder(&session)), author(&msg), clock.unix()).await?;
    let when = webinar::french_date(&session.start);
    reply(&tg, &msg, tr_html!("sessions-added", when = when, title = title_of(&session))).await
}

/// `/seance_annuler 24/12/2026 [message]`.
pub async fn cancel(
    tg: Telegram,
    db: Db,
    clock: AppClock,
    settings: BotSettings,
    msg: Message,
    args: String,
) -> HandlerResult {
    let today = today(&settings, &clock);
    let Some(SessionCommand::Cancel { date, notice }) = SessionCommand::parse_cancel(&args, today) else {
        return reply(&tg, &msg, tr_html!("sessions-usage-cancel")).await;
    };
    if date < today {
        return reply(&tg, &msg, tr_html!("sessions-past")).await;
    }
    let day = Day::load(&db, date).await?;
    let Some(session) = day.session(&settings) else {
        return reply(&tg, &msg, tr_html!("sessions-no-session", day = day_name(&settings, date))).await;
    };
    let notice = notice.map(|message| {
        let text = tr_html!("webinar-cancel-notice", day = day_name(&settings, date), message = message);
        Payload { text: text.into_string(), button: None }
    });
    let change = SessionChange {
        date,
        start: session.start.time(),
        title: session.title.clone(),
        url: day.own_url(),
        cancelled: true,
    };
    let notified = db.cancel_session(&change, notice.as_ref(), author(&msg), clock.unix()).await?;
    let notified = i64::try_from(notified).unwrap_or(i64::MAX);
    let text = tr_html!("sessions-cancelled", day = day_name(&settings, date), notified = notified);
    reply(&tg, &msg, text).await
}

/// `/seance_modifier 07/12/2026 Titre | https://lien`.
pub async fn change(
    tg: Telegram,
    db: Db,
    clock: AppClock,
    settings: BotSettings,
    msg: Message,
    args: String,
) -> HandlerResult {
    let today = today(&settings, &clock);
    let Some(SessionCommand::Change { date, title, url }) = SessionCommand::parse_change(&args, today) else {
        return reply(&tg, &msg, tr_html!("sessions-usage-change", example_link = EXAMPLE_LINK)).await;
    };
    if date < today {
        return reply(&tg, &msg, tr_html!("sessions-past")).await;
    }
    let mut day = Day::load(&db, date).await?;
    let Some(session) = day.session(&settings) else {
        return reply(&tg, &msg, tr_html!("sessions-no-session", day = day_name(&settings, date))).await;
    };
    let change = SessionChange {
        date,
        start: session.start.time(),
        title: title.or(session.title),
        url: url.or_else(|| day.own_url()),
        cancelled: false,
    };
    day.changes = vec![change.clone()];
    let session = day.session(&settings).ok_or_else(|| anyhow::anyhow!("a session just changed does not exist"))?;
    db.save_session_change(&change, Some(&reminders::reminder(&session)), author(&msg), clock.unix()).await?;
    let when = webinar::french_date(&session.start);
    reply(&tg, &msg, tr_html!("sessions-changed", when = when, title = title_of(&session))).await
}

fn author(msg: &Message) -> i64 {
    msg.chat.id.0
}

async fn reply(tg: &Telegram, msg: &Message, text: Html) -> HandlerResult {
    tg.send(msg.chat.id, text, None).await.checked()?;
    Ok(())
}
