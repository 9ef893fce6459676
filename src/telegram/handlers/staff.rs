//! Commands for trainers and admins: statistics, the questions the bot could not answer, and an FAQ entry as its
//! reviewers see it (`/fiche`: the answer, every source, the review date and what `faq check` would say).

use teloxide::types::{ChatId, Message, UserId};

use super::HandlerResult;
use crate::{
    clock::AppClock,
    content::LiveContent,
    content::curriculum,
    faq::{
        FaqEntry,
        index::FaqIndex,
        review::{is_stale, stated_facts},
    },
    startup::BotSettings,
    stats::{Report, percent},
    storage::{Db, questions::QuestionRecord},
    telegram::Telegram,
    text::{Html, escape},
    tr_html, webinar,
};

/// How many forwarded questions a staff member's first `/start` lists.
const UNANSWERED_SHOWN: i64 = 15;

pub async fn stats(tg: Telegram, db: Db, content: LiveContent, clock: AppClock, msg: Message) -> HandlerResult {
    let index = content.index();
    let report = crate::stats::gather(&db, curriculum(&index), clock.unix()).await?;
    tg.send(msg.chat.id, stats_text(&report, &index), None).await.checked()?;
    Ok(())
}

/// The report as trainers read it: figures, then the lists (topics, unanswered groups, chapters).
pub(crate) fn stats_text(report: &Report, index: &FaqIndex) -> Html {
    let (a, q) = (&report.audience, &report.questions);
    let votes = q.helpful + q.not_helpful;
    let figures = tr_html!(
        "staff-stats",
        merchants = a.merchants,
        active_7 = a.active_7_days,
        active_30 = a.active_30_days,
        subscribers = a.reminder_subscribers,
        questions = q.questions,
        answered = q.answer,
        answered_share = percent(q.answer, q.questions),
        suggested = q.suggest,
        suggested_share = percent(q.suggest, q.questions),
        unanswered = q.fallback,
        unanswered_share = percent(q.fallback, q.questions),
        forwarded = q.forwarded,
        smalltalk = q.smalltalk,
        helpful = q.helpful,
        not_helpful = q.not_helpful,
        helpful_share = percent(q.helpful, votes),
        announcements = a.announcements_sent,
        announcement_messages = a.announcement_messages
    );
    let topics = report.topics.iter().map(|(id, asked)| {
        let question = index.entry(id).map_or(id.as_str(), |entry| entry.question.as_str());
        tr_html!("stats-topic", question = question, count = *asked)
    });
    let groups = report
        .unanswered_groups
        .iter()
        .map(|(text, count)| tr_html!("stats-group", question = text.as_str(), count = *count));
    let chapters = report.chapters.iter().map(|chapter| {
        tr_html!(
            "stats-chapter",
            number = u32::from(chapter.number),
            title = chapter.title.as_str(),
            started = chapter.started,
            finished = chapter.finished
        )
    });
    let section = |title: Html, lines: Vec<Html>| {
        if lines.is_empty() {
            Html::lines([title, tr_html!("stats-none")])
        } else {
            Html::lines(std::iter::once(title).chain(lines))
        }
    };
    Html::paragraphs([
        figures,
        section(tr_html!("stats-topics-title"), topics.collect()),
        section(tr_html!("stats-groups-title"), groups.collect()),
        section(tr_html!("stats-chapters-title"), chapters.collect()),
    ])
}

/// `/fiche ID` (or `/fiche` followed by a question): the entry with that id, or the one the matcher ranks first.
pub async fn entry_review(
    tg: Telegram,
    content: LiveContent,
    settings: BotSettings,
    clock: AppClock,
    msg: Message,
    query: String,
) -> HandlerResult {
    let index = content.index();
    let query = query.trim().to_owned();
    let id = if query.is_empty() || index.entry(&query).is_some() {
        query
    } else {
        let (index, query) = (index.clone(), query.clone());
        let found = tokio::task::spawn_blocking(move || index.ask(&query)).await?;
        found.best.map(|best| best.id).unwrap_or_default()
    };
    let today = clock.now().to_zoned(settings.timezone.clone()).date();
    let text = match index.entry(&id) {
        Some(entry) => review_card(entry, today),
        None => tr_html!("review-usage"),
    };
    tg.send(msg.chat.id, text, None).await.checked()?;
    Ok(())
}

/// An entry for its reviewers: question, answer, every source as a link, review date and warnings.
fn review_card(entry: &FaqEntry, today: jiff::civil::Date) -> Html {
    let card = tr_html!(
        "review-card",
        id = entry.id.as_str(),
        chapter = entry.chapter.as_str(),
        question = entry.question.as_str(),
        answer = entry.answer.trim()
    );
    let sources = if entry.sources.is_empty() {
        tr_html!("review-no-sources")
    } else {
        let lines = entry.sources.iter().map(|url| Html::trusted(format!("• {}", escape(url))));
        Html::lines(std::iter::once(tr_html!("review-sources")).chain(lines))
    };
    let reviewed = match entry.reviewed {
        None => tr_html!("review-never"),
        Some(date) if is_stale(date, today) => tr_html!("review-date-stale", date = webinar::french_day(date)),
        Some(date) => tr_html!("review-date", date = webinar::french_day(date)),
    };
    let unsourced = stated_facts(&entry.answer)
        .into_iter()
        .next()
        .filter(|_| entry.sources.is_empty())
        .map(|(_, fragment)| tr_html!("review-unsourced", fragment = fragment));
    Html::paragraphs([card, Html::lines(std::iter::once(sources).chain(std::iter::once(reviewed)).chain(unsourced))])
}

/// How far back a staff member's first `/start` looks for questions forwarded before they could be told.
const PENDING_WINDOW_SECONDS: i64 = 30 * 24 * 3600;

/// On a trainer's or admin's `/start`: the questions passed to trainers before their first visit (Telegram let the
/// bot tell them nothing then), so that none is lost. Sends nothing when there are none.
pub async fn pending_forwards(tg: &Telegram, db: &Db, chat: ChatId, staff: UserId) -> HandlerResult {
    let first_visit = db.user(staff).await?.created_at;
    let pending = db.forwarded_between(first_visit - PENDING_WINDOW_SECONDS, first_visit, UNANSWERED_SHOWN).await?;
    if !pending.is_empty() {
        let text = Html::paragraphs([tr_html!("staff-pending-title", count = pending.len()), question_list(&pending)]);
        tg.send(chat, text, None).await.checked()?;
    }
    Ok(())
}

/// One line per question, 📨 marking those passed to a trainer.
fn question_list(questions: &[QuestionRecord]) -> Html {
    Html::lines(questions.iter().map(|q| {
        let forwarded = if q.forwarded_at.is_some() { "📨 " } else { "" };
        Html::trusted(format!("• {forwarded}<i>{}</i>", escape(&q.text)))
    }))
}

/// `/resume_hebdo` (admins): the Monday summary on or off.
pub async fn toggle_weekly_summary(tg: Telegram, db: Db, msg: Message) -> HandlerResult {
    let Some(user) = msg.from.as_ref() else { return Ok(()) };
    let text = if db.toggle_weekly_summary(user.id).await? { tr_html!("weekly-on") } else { tr_html!("weekly-off") };
    tg.send(msg.chat.id, text, None).await.checked()
}
