//! Screens shared by several handlers: their text and inline keyboard, built from content and progress.
//! Nothing here sends; handlers decide whether a screen is a new message or an edit.

use std::collections::HashSet;

use teloxide::types::{InlineKeyboardButton, InlineKeyboardButtonKind, InlineKeyboardMarkup, UserId};
use url::Url;

use crate::{
    config::RoleSettings,
    course,
    curriculum::content::{Curriculum, Module, ModuleFormat},
    faq::{
        content::{FAQ_CHAPTERS, FaqEntry},
        index::FaqIndex,
        matcher::Candidate,
    },
    roles::{self, Role, StaffMember},
    storage::deliveries::LinkButton,
    telegram::callback::{AnnounceAction, CallbackData, FaqAction, MenuItem, ReminderChoice, StaffAction},
    text::Html,
    tr, tr_html,
};

/// A screen: its HTML text and its keyboard.
pub type Screen = (Html, InlineKeyboardMarkup);

/// A button carrying typed callback data.
#[must_use]
pub fn button(label: String, data: &CallbackData) -> InlineKeyboardButton {
    InlineKeyboardButton::callback(label, data.to_string())
}

fn row(label: String, data: &CallbackData) -> Vec<InlineKeyboardButton> {
    vec![button(label, data)]
}

/// The main menu: the five entry points, plus "Reprendre" when the merchant has a module to resume.
#[must_use]
pub fn main_menu(resume: Option<&Module>) -> InlineKeyboardMarkup {
    let mut rows = vec![
        vec![
            button(tr!("menu-ask"), &CallbackData::Menu(MenuItem::Ask)),
            button(tr!("menu-course"), &CallbackData::Menu(MenuItem::Course)),
        ],
        vec![
            button(tr!("menu-webinars"), &CallbackData::Menu(MenuItem::Webinars)),
            button(tr!("menu-reminders"), &CallbackData::Menu(MenuItem::Reminders)),
        ],
        vec![button(tr!("menu-help"), &CallbackData::Menu(MenuItem::Help))],
    ];
    if let Some(module) = resume {
        rows.insert(0, row(tr!("menu-resume", title = module.title), &CallbackData::Menu(MenuItem::Resume)));
    }
    InlineKeyboardMarkup::new(rows)
}

/// The link button under an announcement: the same for its preview and for every recipient.
pub fn link_button(button: Option<&LinkButton>) -> Result<Option<InlineKeyboardMarkup>, String> {
    let Some(button) = button else { return Ok(None) };
    let url = Url::parse(&button.url).map_err(|error| format!("invalid button URL: {error}"))?;
    Ok(Some(InlineKeyboardMarkup::new([[InlineKeyboardButton::url(button.label.clone(), url)]])))
}

/// Under a queued message: its link button, and the actions its kind offers (for a webinar reminder *Ne plus
/// recevoir ces rappels*).
pub fn delivery(
    button: Option<&LinkButton>,
    actions: Vec<(String, CallbackData)>,
) -> Result<Option<InlineKeyboardMarkup>, String> {
    let mut rows = link_button(button)?.map(|markup| markup.inline_keyboard).unwrap_or_default();
    for (label, data) in actions {
        rows.push(row(label, &data));
    }
    Ok((!rows.is_empty()).then(|| InlineKeyboardMarkup::new(rows)))
}

/// The same keyboard with its link buttons only (a reminder once *Ne plus recevoir ces rappels* was pressed).
#[must_use]
pub fn links_only(markup: &InlineKeyboardMarkup) -> InlineKeyboardMarkup {
    let is_link = |button: &&InlineKeyboardButton| matches!(button.kind, InlineKeyboardButtonKind::Url(_));
    let rows: Vec<Vec<InlineKeyboardButton>> = markup
        .inline_keyboard
        .iter()
        .map(|row| row.iter().filter(is_link).cloned().collect::<Vec<_>>())
        .filter(|row| !row.is_empty())
        .collect();
    InlineKeyboardMarkup::new(rows)
}

/// The reminders screen: one button to change the current state, and back to the menu.
#[must_use]
pub fn reminders(enabled: bool) -> InlineKeyboardMarkup {
    let change = if enabled {
        row(tr!("reminders-turn-off"), &CallbackData::Reminders(ReminderChoice::Off))
    } else {
        row(tr!("reminders-turn-on"), &CallbackData::Reminders(ReminderChoice::On))
    };
    InlineKeyboardMarkup::new(vec![change, row(tr!("menu-back"), &CallbackData::Menu(MenuItem::Home))])
}

/// The main menu under the first greeting, with the onboarding question's two answers on top.
#[must_use]
pub fn main_menu_asking_reminders(resume: Option<&Module>) -> InlineKeyboardMarkup {
    let answers = vec![
        button(tr!("onboarding-reminders-yes"), &CallbackData::Reminders(ReminderChoice::On)),
        button(tr!("onboarding-reminders-no"), &CallbackData::Reminders(ReminderChoice::Off)),
    ];
    let mut menu = main_menu(resume);
    menu.inline_keyboard.insert(0, answers);
    menu
}

/// Under an announcement's progress message.
#[must_use]
pub fn stop_announcement(id: i64) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![row(tr!("announce-stop"), &CallbackData::Announce(AnnounceAction::Stop { id }))])
}

/// A lone *Annuler* while the composer waits for typed text.
#[must_use]
pub fn announce_abort() -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![row(tr!("announce-abort"), &CallbackData::Announce(AnnounceAction::Abort))])
}

/// Under the question about a link button.
#[must_use]
pub fn announce_no_button() -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![
        row(tr!("announce-no-button"), &CallbackData::Announce(AnnounceAction::NoButton)),
        row(tr!("announce-abort"), &CallbackData::Announce(AnnounceAction::Abort)),
    ])
}

/// One button per audience (its label carries the recipient count), then *Annuler*.
#[must_use]
pub fn announce_audiences(choices: Vec<(String, AnnounceAction)>) -> InlineKeyboardMarkup {
    let mut rows: Vec<_> =
        choices.into_iter().map(|(label, action)| row(label, &CallbackData::Announce(action))).collect();
    rows.push(row(tr!("announce-abort"), &CallbackData::Announce(AnnounceAction::Abort)));
    InlineKeyboardMarkup::new(rows)
}

/// *Envoyer maintenant* / *Programmer* / *Annuler* for draft `draft`.
#[must_use]
pub fn announce_confirm(draft: i64) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![
        row(tr!("announce-send-now"), &CallbackData::Announce(AnnounceAction::SendNow { draft })),
        row(tr!("announce-schedule"), &CallbackData::Announce(AnnounceAction::Schedule { draft })),
        row(tr!("announce-abort"), &CallbackData::Announce(AnnounceAction::Abort)),
    ])
}

/// Under `/annonces`: one cancel button per scheduled announcement.
#[must_use]
pub fn announce_cancellable(ids: &[i64]) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(
        ids.iter()
            .map(|id| {
                row(tr!("announce-cancel-button", id = *id), &CallbackData::Announce(AnnounceAction::Stop { id: *id }))
            })
            .collect::<Vec<_>>(),
    )
}

/// A single "back to the main menu" button.
#[must_use]
pub fn back_to_menu() -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![row(tr!("menu-back"), &CallbackData::Menu(MenuItem::Home))])
}

/// Under the webinar screen: a button to join the live room (when the operator configured one), and back.
#[must_use]
pub fn webinars(join: Option<&Url>) -> InlineKeyboardMarkup {
    let mut rows = Vec::new();
    if let Some(url) = join {
        rows.push(vec![InlineKeyboardButton::url(tr!("webinar-join"), url.clone())]);
    }
    rows.push(row(tr!("menu-back"), &CallbackData::Menu(MenuItem::Home)));
    InlineKeyboardMarkup::new(rows)
}

/// An FAQ answer (with a "Source : site" link to its first source, if any), with 👍 / 👎 (or thanks once voted)
/// and buttons to its related modules. Without a recorded question (`None`: the database refused it), the answer,
/// its source and its modules only.
#[must_use]
pub fn answer_card(index: &FaqIndex, question_id: Option<i64>, faq_id: &str, vote: Option<bool>) -> Screen {
    let Some(entry) = index.entry(faq_id) else { return (tr_html!("menu-expired"), main_menu(None)) };
    let footer = match vote {
        None if question_id.is_none() => Html::default(),
        None => tr_html!("answer-ask-feedback"),
        Some(true) => tr_html!("answer-thanks-helpful"),
        Some(false) => tr_html!("answer-thanks-not-helpful"),
    };
    let text = Html::paragraphs([card_text(entry), footer]);
    let mut rows = Vec::new();
    match (question_id, vote) {
        (None, _) => {}
        (Some(question_id), None) => rows.push(vec![
            button(
                tr!("answer-yes"),
                &CallbackData::Feedback { question_id, faq_id: faq_id.to_owned(), helpful: true },
            ),
            button(
                tr!("answer-no"),
                &CallbackData::Feedback { question_id, faq_id: faq_id.to_owned(), helpful: false },
            ),
        ]),
        (Some(question_id), Some(false)) => {
            rows.push(row(tr!("forward-button"), &CallbackData::Forward { question_id }));
        }
        (Some(_), Some(true)) => {}
    }
    rows.extend(module_rows(&index.content().curriculum, entry));
    (text, InlineKeyboardMarkup::new(rows))
}

/// An answer's text as merchants read it: the question in bold, the answer, and a link to its first source.
fn card_text(entry: &FaqEntry) -> Html {
    let card = tr_html!("answer-card", question = entry.question, answer = entry.answer.trim());
    let source = entry.sources.first().map(|source| {
        let site = url::Url::parse(source).ok().and_then(|u| u.host_str().map(str::to_owned));
        let site = site.as_deref().unwrap_or(source).trim_start_matches("www.").to_owned();
        tr_html!("answer-source", url = source.as_str(), site = site)
    });
    Html::paragraphs([Some(card), source].into_iter().flatten())
}

/// One button per related module of an answer.
fn module_rows(curriculum: &Curriculum, entry: &FaqEntry) -> Vec<Vec<InlineKeyboardButton>> {
    entry
        .modules
        .iter()
        .filter_map(|id| curriculum.module(id))
        .map(|module| row(module_label(module), &CallbackData::OpenModule { module_id: module.id.clone() }))
        .collect()
}

/// An entry being written, exactly as merchants will receive it (French typography included), before the
/// 👍 / 👎 they are asked for.
#[must_use]
pub fn answer_preview(curriculum: &Curriculum, entry: &FaqEntry) -> Screen {
    let mut shown = entry.clone();
    shown.question = crate::french::typography(&entry.question);
    shown.answer = crate::french::typography(&entry.answer);
    (card_text(&shown), InlineKeyboardMarkup::new(module_rows(curriculum, &shown)))
}

/// "Vouliez-vous dire…": up to three questions, and a way out to a trainer (when the question was recorded).
#[must_use]
pub fn suggestions(index: &FaqIndex, question_id: Option<i64>, candidates: &[Candidate]) -> Screen {
    let mut rows: Vec<_> = candidates
        .iter()
        .filter_map(|candidate| index.entry(&candidate.id))
        .map(|entry| {
            let data = CallbackData::Suggestion { question_id: question_id.unwrap_or(0), faq_id: entry.id.clone() };
            row(entry.question.clone(), &data)
        })
        .collect();
    if let Some(question_id) = question_id {
        rows.push(row(tr!("suggest-none"), &CallbackData::Forward { question_id }));
    }
    (tr_html!("suggest-title"), InlineKeyboardMarkup::new(rows))
}

/// The honest "je ne sais pas", short enough for a phone: pass the question to a trainer when it looks like a
/// question about the programme's subjects (and was recorded), and browse the chapters. Off-topic messages are not
/// forwarded.
#[must_use]
pub fn fallback(question_id: Option<i64>, on_topic: bool) -> Screen {
    let chapters = row(tr!("fallback-chapters"), &CallbackData::Chapters);
    let menu = || row(tr!("menu-back"), &CallbackData::Menu(MenuItem::Home));
    match (on_topic, question_id) {
        (true, Some(question_id)) => {
            let forward = row(tr!("forward-button"), &CallbackData::Forward { question_id });
            (tr_html!("fallback-text"), InlineKeyboardMarkup::new(vec![forward, chapters]))
        }
        (true, None) => (tr_html!("fallback-text"), InlineKeyboardMarkup::new(vec![chapters, menu()])),
        (false, _) => (tr_html!("fallback-off-topic"), InlineKeyboardMarkup::new(vec![chapters, menu()])),
    }
}

/// `keyboard` without its "pass to a trainer" button, once the question has been passed on.
#[must_use]
pub fn without_forward(keyboard: &InlineKeyboardMarkup) -> InlineKeyboardMarkup {
    let is_forward = |button: &InlineKeyboardButton| match &button.kind {
        teloxide::types::InlineKeyboardButtonKind::CallbackData(data) => {
            matches!(CallbackData::parse(data), Some(CallbackData::Forward { .. }))
        }
        _ => false,
    };
    let rows = keyboard
        .inline_keyboard
        .iter()
        .map(|row| row.iter().filter(|button| !is_forward(button)).cloned().collect::<Vec<_>>())
        .filter(|row| !row.is_empty())
        .collect::<Vec<_>>();
    InlineKeyboardMarkup::new(rows)
}

/// A module's button label: "🎬 Title · 4 min" ("✅ " first once seen).
#[must_use]
pub fn module_label(module: &Module) -> String {
    tr!("module-button", title = module.title, minutes = module.minutes)
}

/// The list of chapters with the merchant's progress.
#[must_use]
pub fn chapters_screen(curriculum: &Curriculum, seen: &HashSet<String>) -> Screen {
    let progress = course::progress(curriculum, seen);
    let mut rows: Vec<_> = progress
        .iter()
        .map(|p| {
            let label = tr!(
                "chapter-progress",
                mark = progress_mark(p),
                number = u32::from(p.chapter.number),
                title = p.chapter.title,
                done = p.done,
                total = p.total
            );
            row(label, &CallbackData::Chapter { chapter_id: p.chapter.id.clone(), page: 0 })
        })
        .collect();
    rows.push(vec![
        button(tr!("progress-button"), &CallbackData::Progress),
        button(tr!("menu-back"), &CallbackData::Menu(MenuItem::Home)),
    ]);
    let modules = curriculum.modules.len();
    let seen_count = curriculum.modules.iter().filter(|m| seen.contains(&m.id)).count();
    let text = tr_html!("course-title", chapters = progress.len(), modules = modules, seen = seen_count);
    (text, InlineKeyboardMarkup::new(rows))
}

/// One page of a chapter's modules.
#[must_use]
pub fn chapter_screen(
    curriculum: &Curriculum,
    chapter_id: &str,
    page: usize,
    seen: &HashSet<String>,
) -> Option<Screen> {
    let chapter = curriculum.chapter(chapter_id)?;
    let (page, modules) = course::page(curriculum, &chapter.id, page);
    let pages = course::page_count(curriculum, &chapter.id);
    let mut rows: Vec<_> = modules
        .iter()
        .map(|module| {
            let label = if seen.contains(&module.id) {
                tr!("module-button-seen", title = module.title, minutes = module.minutes)
            } else {
                module_label(module)
            };
            row(label, &CallbackData::Module { module_id: module.id.clone() })
        })
        .collect();
    let mut navigation = Vec::new();
    if page > 0 {
        navigation.push(button(
            tr!("page-previous"),
            &CallbackData::Chapter { chapter_id: chapter.id.clone(), page: page as u8 - 1 },
        ));
    }
    if page + 1 < pages {
        navigation.push(button(
            tr!("page-next"),
            &CallbackData::Chapter { chapter_id: chapter.id.clone(), page: page as u8 + 1 },
        ));
    }
    if !navigation.is_empty() {
        rows.push(navigation);
    }
    rows.push(row(tr!("chapters-back"), &CallbackData::Chapters));
    let all: Vec<&Module> = curriculum.modules_of(&chapter.id).collect();
    let done = all.iter().filter(|m| seen.contains(&m.id)).count();
    let text = tr_html!(
        "chapter-title",
        number = u32::from(chapter.number),
        title = chapter.title,
        summary = chapter.summary,
        done = done,
        total = all.len(),
        page = page + 1,
        pages = pages
    );
    Some((text, InlineKeyboardMarkup::new(rows)))
}

/// A module card: what it is, a link to watch it, mark as seen, next, back.
#[must_use]
pub fn module_screen(curriculum: &Curriculum, module: &Module, seen: &HashSet<String>, course_url: &Url) -> Screen {
    let chapter_title = curriculum.chapter(&module.chapter).map_or("", |c| c.title.as_str());
    let (position, size) = course::position_in_chapter(curriculum, module);
    let format = match module.format {
        ModuleFormat::Video => tr!("format-video"),
        ModuleFormat::Tutoriel => tr!("format-tutoriel"),
        ModuleFormat::Webinaire => tr!("format-webinaire"),
    };
    let is_seen = seen.contains(&module.id);
    let status = if is_seen { tr_html!("module-status-seen") } else { tr_html!("module-status-new") };
    let card = tr_html!(
        "module-card",
        title = module.title,
        format = format,
        minutes = module.minutes,
        summary = module.summary,
        chapter = chapter_title,
        position = position,
        size = size
    );
    let text = Html::paragraphs([card, status]);
    let watch = match module.format {
        ModuleFormat::Video => tr!("module-watch", minutes = module.minutes),
        ModuleFormat::Tutoriel => tr!("module-open-tutorial", minutes = module.minutes),
        ModuleFormat::Webinaire => tr!("module-watch-replay", minutes = module.minutes),
    };
    let mut rows = vec![vec![InlineKeyboardButton::url(watch, module.link(course_url))]];
    let mark = if is_seen { tr!("module-already-seen") } else { tr!("module-mark-seen") };
    rows.push(row(mark, &CallbackData::Seen { module_id: module.id.clone() }));
    let page = course::page_of(curriculum, module) as u8;
    let back = button(tr!("module-back"), &CallbackData::Chapter { chapter_id: module.chapter.clone(), page });
    match course::following(curriculum, &module.id) {
        Some(next) => {
            rows.push(vec![back, button(tr!("module-next"), &CallbackData::Module { module_id: next.id.clone() })])
        }
        None => rows.push(vec![back]),
    }
    (text, InlineKeyboardMarkup::new(rows))
}

/// A chapter's mark, the same in the chapter list and in `/progression`: finished ✅, started ▶️, not yet ▫️.
fn progress_mark(progress: &course::ChapterProgress<'_>) -> &'static str {
    if progress.is_complete() {
        "✅"
    } else if progress.done > 0 {
        "▶️"
    } else {
        "▫️"
    }
}

/// Progress per chapter and the next module to watch.
#[must_use]
pub fn progress_screen(curriculum: &Curriculum, seen: &HashSet<String>) -> Screen {
    let lines = course::progress(curriculum, seen).into_iter().map(|p| {
        tr_html!(
            "progress-line",
            mark = progress_mark(&p),
            number = u32::from(p.chapter.number),
            title = p.chapter.title,
            done = p.done,
            total = p.total
        )
    });
    let mut rows = Vec::new();
    let footer = match course::next_to_watch(curriculum, seen) {
        Some(next) => {
            rows.push(row(
                tr!("menu-resume", title = next.title),
                &CallbackData::Module { module_id: next.id.clone() },
            ));
            tr_html!("progress-next", title = next.title)
        }
        None => tr_html!("progress-finished"),
    };
    let text = Html::paragraphs([tr_html!("progress-title"), Html::lines(lines), footer]);
    rows.push(vec![
        button(tr!("menu-course"), &CallbackData::Chapters),
        button(tr!("menu-back"), &CallbackData::Menu(MenuItem::Home)),
    ]);
    (text, InlineKeyboardMarkup::new(rows))
}

/// The name `/formateurs` shows for a team member: their first name, or their id until they write to the bot.
#[must_use]
pub fn member_name(first_name: &str, id: UserId) -> String {
    let name: String = first_name.trim().chars().take(40).collect();
    if name.is_empty() { tr!("team-unnamed", id = id.0) } else { name }
}

/// `/formateurs`: the team, admins first, each with what they can receive; a *Retirer* button for everyone an
/// admin may remove in chat (not those the configuration names, not the admin looking), and *Ajouter*.
#[must_use]
pub fn team(staff: &[StaffMember], configured: &RoleSettings, viewer: UserId) -> Screen {
    let lines = staff.iter().map(|member| {
        let name = member_name(&member.first_name, member.id);
        let mut parts = vec![match member.role {
            Role::Admin => tr_html!("team-admin", name = name),
            _ => tr_html!("team-trainer", name = name),
        }];
        if roles::is_configured(configured, member.id) {
            parts.push(tr_html!("team-configured"));
        }
        if !member.reachable {
            parts.push(tr_html!("team-not-reached"));
        }
        Html::trusted(format!("• {}", Html::join(parts, " ")))
    });
    let list = if staff.is_empty() { tr_html!("team-empty") } else { Html::lines(lines) };
    let text = Html::paragraphs([tr_html!("team-title", count = staff.len()), list, tr_html!("team-help")]);
    let mut rows: Vec<Vec<InlineKeyboardButton>> = staff
        .iter()
        .filter(|member| member.id != viewer && !roles::is_configured(configured, member.id))
        .map(|member| {
            let name = member_name(&member.first_name, member.id);
            let user = i64::try_from(member.id.0).unwrap_or_default();
            row(tr!("team-remove-button", name = name), &CallbackData::Staff(StaffAction::Remove { user }))
        })
        .collect();
    rows.push(row(tr!("team-add-button"), &CallbackData::Staff(StaffAction::Add)));
    (text, InlineKeyboardMarkup::new(rows))
}

/// While waiting for the person to add: a way out.
#[must_use]
pub fn team_cancel_add() -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([row(tr!("team-cancel-button"), &CallbackData::Staff(StaffAction::CancelAdd))])
}

/// *Oui, retirer* / *Annuler* before removing `user` from the team.
#[must_use]
pub fn team_confirm_remove(user: i64) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([vec![
        button(tr!("team-confirm-button"), &CallbackData::Staff(StaffAction::ConfirmRemove { user })),
        button(tr!("team-cancel-button"), &CallbackData::Staff(StaffAction::List)),
    ]])
}

/// Back to the team list, under the outcome of a step.
#[must_use]
pub fn team_back() -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([row(tr!("team-back-button"), &CallbackData::Staff(StaffAction::List))])
}

// The FAQ editor (admins).

/// Entries per page of a chapter in the editor.
pub const EDITOR_PAGE_SIZE: usize = 8;

fn faq(action: FaqAction) -> CallbackData {
    CallbackData::Faq(action)
}

/// A chapter's name in the editor: the curriculum's title, or « Le programme ».
#[must_use]
pub fn faq_chapter_name(curriculum: &Curriculum, chapter: &str) -> String {
    match curriculum.chapter(chapter) {
        Some(found) => found.title.clone(),
        None => tr!("editor-chapter-programme"),
    }
}

/// A button label: at most 60 characters of `text`.
fn short_label(text: &str) -> String {
    let mut label: String = text.chars().take(60).collect();
    if text.chars().count() > 60 {
        label.push('…');
    }
    label
}

/// `/faq`: one button per chapter (with its count), *Nouvelle entrée* and *Rechercher*.
#[must_use]
pub fn editor_menu(index: &FaqIndex) -> Screen {
    let content = index.content();
    let mut rows: Vec<_> = FAQ_CHAPTERS
        .iter()
        .map(|chapter| {
            let count = content.entries.iter().filter(|e| e.chapter == *chapter).count();
            let name = faq_chapter_name(&content.curriculum, chapter);
            let data = faq(FaqAction::List { chapter: (*chapter).to_owned(), page: 0 });
            row(tr!("editor-chapter-button", chapter = name, count = count), &data)
        })
        .collect();
    rows.push(vec![
        button(tr!("editor-new-button"), &faq(FaqAction::New)),
        button(tr!("editor-search-button"), &faq(FaqAction::Search)),
    ]);
    (tr_html!("editor-menu", count = content.entries.len()), InlineKeyboardMarkup::new(rows))
}

/// The entries of one chapter, a page of buttons at a time.
#[must_use]
pub fn editor_chapter(index: &FaqIndex, chapter: &str, page: usize) -> Screen {
    let content = index.content();
    let entries: Vec<&FaqEntry> = content.entries.iter().filter(|e| e.chapter == chapter).collect();
    let pages = entries.len().div_ceil(EDITOR_PAGE_SIZE).max(1);
    let page = page.min(pages - 1);
    let mut rows: Vec<_> = entries
        .iter()
        .skip(page * EDITOR_PAGE_SIZE)
        .take(EDITOR_PAGE_SIZE)
        .map(|entry| row(short_label(&entry.question), &faq(FaqAction::View(entry.id.clone()))))
        .collect();
    let to_page =
        |page: usize| faq(FaqAction::List { chapter: chapter.to_owned(), page: u8::try_from(page).unwrap_or(99) });
    let mut navigation = Vec::new();
    if page > 0 {
        navigation.push(button(tr!("inbox-previous"), &to_page(page - 1)));
    }
    if page + 1 < pages {
        navigation.push(button(tr!("inbox-next"), &to_page(page + 1)));
    }
    if !navigation.is_empty() {
        rows.push(navigation);
    }
    rows.push(row(tr!("editor-menu-button"), &faq(FaqAction::Menu)));
    let name = faq_chapter_name(&content.curriculum, chapter);
    let text = tr_html!("editor-chapter", chapter = name, count = entries.len(), page = page + 1, pages = pages);
    (text, InlineKeyboardMarkup::new(rows))
}

/// Entries found by a search, best first.
#[must_use]
pub fn editor_found(index: &FaqIndex, words: &str, ids: &[String]) -> Screen {
    let mut rows: Vec<_> = ids
        .iter()
        .filter_map(|id| index.entry(id))
        .map(|entry| row(short_label(&entry.question), &faq(FaqAction::View(entry.id.clone()))))
        .collect();
    let text = if rows.is_empty() {
        tr_html!("editor-search-none", words = words)
    } else {
        tr_html!("editor-search-found", words = words)
    };
    rows.push(vec![
        button(tr!("editor-search-button"), &faq(FaqAction::Search)),
        button(tr!("editor-menu-button"), &faq(FaqAction::Menu)),
    ]);
    (text, InlineKeyboardMarkup::new(rows))
}

/// An entry in the editor: every field, and a button per change.
#[must_use]
pub fn editor_entry(curriculum: &Curriculum, entry: &FaqEntry) -> Screen {
    let variants = Html::lines(entry.variants.iter().map(|v| Html::trusted(format!("• {}", Html::escape(v).as_str()))));
    let modules: Vec<String> =
        entry.modules.iter().map(|id| curriculum.module(id).map_or_else(|| id.clone(), module_label)).collect();
    let modules = if modules.is_empty() { tr!("editor-no-modules") } else { modules.join(", ") };
    let text = Html::paragraphs([
        tr_html!(
            "editor-entry",
            id = entry.id.as_str(),
            question = entry.question.as_str(),
            chapter = faq_chapter_name(curriculum, &entry.chapter),
            modules = modules
        ),
        tr_html!("editor-entry-variants", count = entry.variants.len()),
        variants,
        tr_html!("editor-entry-answer", answer = entry.answer.trim()),
    ]);
    let id = || entry.id.clone();
    let rows = vec![
        vec![
            button(tr!("editor-edit-question"), &faq(FaqAction::EditQuestion(id()))),
            button(tr!("editor-edit-answer"), &faq(FaqAction::EditAnswer(id()))),
        ],
        row(tr!("editor-edit-chapter"), &faq(FaqAction::EditChapter(id()))),
        vec![
            button(tr!("editor-add-variant"), &faq(FaqAction::AddVariant(id()))),
            button(tr!("editor-remove-variant"), &faq(FaqAction::Variants(id()))),
        ],
        row(tr!("editor-delete"), &faq(FaqAction::Delete(id()))),
        vec![
            button(tr!("editor-back-chapter"), &faq(FaqAction::List { chapter: entry.chapter.clone(), page: 0 })),
            button(tr!("editor-menu-button"), &faq(FaqAction::Menu)),
        ],
    ];
    (text, InlineKeyboardMarkup::new(rows))
}

/// One button per variant of `entry`, to remove it.
#[must_use]
pub fn editor_variants(entry: &FaqEntry) -> Screen {
    let mut rows: Vec<_> = entry
        .variants
        .iter()
        .enumerate()
        .take(99)
        .map(|(n, variant)| {
            let n = u8::try_from(n).unwrap_or(99);
            row(format!("🗑 {}", short_label(variant)), &faq(FaqAction::RemoveVariant { id: entry.id.clone(), n }))
        })
        .collect();
    rows.push(row(tr!("editor-back-entry"), &faq(FaqAction::View(entry.id.clone()))));
    (tr_html!("editor-variants", id = entry.id.as_str()), InlineKeyboardMarkup::new(rows))
}

/// *Oui, supprimer* / *Annuler* before deleting an entry.
#[must_use]
pub fn editor_confirm_delete(id: &str) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([vec![
        button(tr!("editor-delete-confirm"), &faq(FaqAction::ConfirmDelete(id.to_owned()))),
        button(tr!("editor-cancel"), &faq(FaqAction::View(id.to_owned()))),
    ]])
}

/// *Annuler*, under every step of a dialogue.
#[must_use]
pub fn editor_cancel() -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([row(tr!("editor-cancel"), &faq(FaqAction::Cancel))])
}

/// Under a refused change of entry `id`: back to the entry, or *Annuler*.
#[must_use]
pub fn editor_refused(id: &str) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([
        row(tr!("editor-back-entry"), &faq(FaqAction::View(id.to_owned()))),
        row(tr!("editor-cancel"), &faq(FaqAction::Cancel)),
    ])
}

/// A step's own button, then *Annuler*.
#[must_use]
pub fn editor_step(label: String, action: FaqAction) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([row(label, &faq(action)), row(tr!("editor-cancel"), &faq(FaqAction::Cancel))])
}

/// The chapters of the FAQ, for a draft.
#[must_use]
pub fn editor_chapters(curriculum: &Curriculum) -> InlineKeyboardMarkup {
    let mut rows: Vec<_> = FAQ_CHAPTERS
        .iter()
        .map(|chapter| row(faq_chapter_name(curriculum, chapter), &faq(FaqAction::Chapter((*chapter).to_owned()))))
        .collect();
    rows.push(row(tr!("editor-cancel"), &faq(FaqAction::Cancel)));
    InlineKeyboardMarkup::new(rows)
}

/// The modules of `chapter` (✅ when chosen), *Terminé* and *Annuler*.
#[must_use]
pub fn editor_modules(curriculum: &Curriculum, chapter: &str, chosen: &[String]) -> InlineKeyboardMarkup {
    let mut rows: Vec<_> = curriculum
        .modules_of(chapter)
        .map(|module| {
            let mark = if chosen.contains(&module.id) { "✅ " } else { "" };
            row(format!("{mark}{}", module_label(module)), &faq(FaqAction::Module(module.id.clone())))
        })
        .collect();
    rows.push(row(tr!("editor-done"), &faq(FaqAction::ModulesDone)));
    rows.push(row(tr!("editor-cancel"), &faq(FaqAction::Cancel)));
    InlineKeyboardMarkup::new(rows)
}

/// Back to the editor's menu.
#[must_use]
pub fn editor_back() -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([row(tr!("editor-menu-button"), &faq(FaqAction::Menu))])
}
