//! [`CallbackData`]: every inline-keyboard button's payload, typed.
//!
//! Buttons carry a short ASCII string (Telegram allows 1 to 64 bytes). It is parsed once, at the edge of the
//! dispatcher; anything that does not parse (forged, truncated, from an older version of the bot) becomes `None`
//! and gets the polite "ce menu a expiré" reply. Ids inside are validated against the loaded content by the handler.

use std::fmt;

/// Maximum size Telegram accepts for `callback_data`.
pub const MAX_BYTES: usize = 64;

/// Entries of the main menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuItem {
    Home,
    Ask,
    Course,
    Webinars,
    Reminders,
    Help,
    Resume,
}

/// What a button press asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackData {
    Menu(MenuItem),
    /// Show the answer of FAQ entry `faq_id`, chosen among suggestions for question `question_id`.
    Suggestion {
        question_id: i64,
        faq_id: String,
    },
    /// 👍 / 👎 on the answer `faq_id` given to question `question_id`.
    Feedback {
        question_id: i64,
        faq_id: String,
        helpful: bool,
    },
    /// Pass an unanswered question to the trainers.
    Forward {
        question_id: i64,
    },
    /// The list of chapters.
    Chapters,
    /// One chapter's modules, page `page` (0-based).
    Chapter {
        chapter_id: String,
        page: u8,
    },
    /// A module card, in place of the current screen.
    Module {
        module_id: String,
    },
    /// A module card as a new message (from an FAQ answer).
    OpenModule {
        module_id: String,
    },
    /// Mark a module as seen, then show its card again.
    Seen {
        module_id: String,
    },
    /// Progress per chapter.
    Progress,
    /// Erase my data (`true`), or keep it.
    Erase {
        confirmed: bool,
    },
    /// A step of `/annonce`, or the control of an announcement going out.
    Announce(AnnounceAction),
    /// The webinar reminders: turn them on or off from the reminders screen or the onboarding question, or stop
    /// them from under a reminder.
    Reminders(ReminderChoice),
    /// Restore the FAQ entry revision `revision` (`/faq_historique`, admins).
    RestoreRevision {
        revision: i64,
    },
    /// `/formateurs`: the team list and its steps (admins only).
    Staff(StaffAction),
    /// `/questions`, page `page` (0-based) of the grouped questions (staff).
    Questions {
        page: u8,
    },
    /// A trainer answers question `question_id` (staff).
    Reply {
        question_id: i64,
    },
    /// The merchant writes back once to the trainer who sent reply `reply_id`.
    FollowUp {
        reply_id: i64,
    },
    /// *Ajouter comme variante de…* on question `question_id`: the nearest entries, and *Chercher* (staff).
    VariantOf {
        question_id: i64,
    },
    /// *Chercher*: the trainer types words, the matching entries come back as buttons (staff).
    VariantSearch {
        question_id: i64,
    },
    /// Add question `question_id` as a variant of entry `faq_id` (staff).
    AddVariant {
        question_id: i64,
        faq_id: String,
    },
    /// The FAQ editor (`/faq`, admins only).
    Faq(FaqAction),
}

/// Buttons of the FAQ editor (the schema checks the presser is an admin first); the draft, when there is one,
/// is in the dialogue state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaqAction {
    /// The editor's menu: chapters, new entry, search.
    Menu,
    /// Start creating an entry.
    New,
    /// Start creating an entry from question `question_id` of `/questions`.
    FromQuestion {
        question_id: i64,
    },
    /// Keep the question proposed (from `/questions`) as the new entry's question.
    KeepQuestion,
    /// Leave the editor's current step.
    Cancel,
    /// The variants are complete.
    VariantsDone,
    /// The previewed answer is the one.
    AnswerOk,
    /// The draft's chapter.
    Chapter(String),
    /// Add or remove a module of the draft.
    Module(String),
    /// The modules are chosen.
    ModulesDone,
    /// Save the draft.
    Save,
    /// The entries of a chapter, page `page` (0-based).
    List {
        chapter: String,
        page: u8,
    },
    /// Ask for search words.
    Search,
    /// Show entry `id` with its actions.
    View(String),
    EditQuestion(String),
    EditAnswer(String),
    /// Change the chapter and modules of entry `id`.
    EditChapter(String),
    AddVariant(String),
    /// The variants of entry `id`, each with a remove button.
    Variants(String),
    /// Remove variant number `n` (0-based) of entry `id`.
    RemoveVariant {
        id: String,
        n: u8,
    },
    /// Ask to confirm deleting entry `id`.
    Delete(String),
    /// Delete entry `id` (confirmed).
    ConfirmDelete(String),
}

/// Buttons of `/formateurs` (the schema checks the presser is an admin first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffAction {
    /// Show the team list (again).
    List,
    /// Ask for the person to make a trainer.
    Add,
    /// Stop waiting for that person.
    CancelAdd,
    /// Ask to confirm removing `user` from the team.
    Remove { user: i64 },
    /// Remove `user` from the team (confirmed).
    ConfirmRemove { user: i64 },
}

/// What a reminder button asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReminderChoice {
    On,
    Off,
    /// *Ne plus recevoir ces rappels*, under a reminder: off, and the reminder keeps its join button.
    Stop,
}

/// Buttons of the announcement composer (the draft being composed is in the dialogue state) and of the
/// announcements themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnnounceAction {
    /// No link button under the text.
    NoButton,
    /// Audience: every merchant.
    AudienceAll,
    /// Audience: merchants subscribed to the webinar reminders.
    AudienceReminders,
    /// Audience: merchants who started this chapter.
    AudienceChapter(String),
    /// Send draft `draft` now; the draft id makes a double tap harmless.
    SendNow { draft: i64 },
    /// Ask for a date and time for draft `draft`.
    Schedule { draft: i64 },
    /// Abandon the composition.
    Abort,
    /// Stop announcement `id` (pending deliveries are cancelled), or cancel it while it is scheduled.
    Stop { id: i64 },
}

impl CallbackData {
    /// Parses a button payload; `None` for anything we did not produce.
    #[must_use]
    pub fn parse(raw: &str) -> Option<Self> {
        if raw.len() > MAX_BYTES {
            return None;
        }
        let mut parts = raw.split(':');
        let kind = parts.next()?;
        let data = match (kind, parts.next(), parts.next()) {
            ("m", Some(item), None) => Self::Menu(match item {
                "home" => MenuItem::Home,
                "ask" => MenuItem::Ask,
                "course" => MenuItem::Course,
                "web" => MenuItem::Webinars,
                "rem" => MenuItem::Reminders,
                "help" => MenuItem::Help,
                "resume" => MenuItem::Resume,
                _ => return None,
            }),
            ("s", Some(question), Some(faq_id)) => {
                Self::Suggestion { question_id: parse_id(question)?, faq_id: parse_slug(faq_id)? }
            }
            ("f", Some(question), Some(faq_id)) => Self::Feedback {
                question_id: parse_id(question)?,
                faq_id: parse_slug(faq_id)?,
                helpful: match parts.next()? {
                    "1" => true,
                    "0" => false,
                    _ => return None,
                },
            },
            ("t", Some(question), None) => Self::Forward { question_id: parse_id(question)? },
            ("chs", None, None) => Self::Chapters,
            ("ch", Some(chapter), Some(page)) => {
                Self::Chapter { chapter_id: parse_slug(chapter)?, page: page.parse().ok().filter(|p| *p < 100)? }
            }
            ("mod", Some(module), None) => Self::Module { module_id: parse_slug(module)? },
            ("om", Some(module), None) => Self::OpenModule { module_id: parse_slug(module)? },
            ("seen", Some(module), None) => Self::Seen { module_id: parse_slug(module)? },
            ("prog", None, None) => Self::Progress,
            ("del", Some("1"), None) => Self::Erase { confirmed: true },
            ("del", Some("0"), None) => Self::Erase { confirmed: false },
            ("an", Some("nob"), None) => Self::Announce(AnnounceAction::NoButton),
            ("an", Some("all"), None) => Self::Announce(AnnounceAction::AudienceAll),
            ("an", Some("rem"), None) => Self::Announce(AnnounceAction::AudienceReminders),
            ("an", Some("ch"), Some(chapter)) => Self::Announce(AnnounceAction::AudienceChapter(parse_slug(chapter)?)),
            ("an", Some("go"), Some(draft)) => Self::Announce(AnnounceAction::SendNow { draft: parse_id(draft)? }),
            ("an", Some("at"), Some(draft)) => Self::Announce(AnnounceAction::Schedule { draft: parse_id(draft)? }),
            ("an", Some("x"), None) => Self::Announce(AnnounceAction::Abort),
            ("an", Some("stop"), Some(id)) => Self::Announce(AnnounceAction::Stop { id: parse_id(id)? }),
            ("rm", Some("on"), None) => Self::Reminders(ReminderChoice::On),
            ("rm", Some("off"), None) => Self::Reminders(ReminderChoice::Off),
            ("rm", Some("stop"), None) => Self::Reminders(ReminderChoice::Stop),
            ("rv", Some(revision), None) => Self::RestoreRevision { revision: parse_id(revision)? },
            ("st", Some("ls"), None) => Self::Staff(StaffAction::List),
            ("st", Some("add"), None) => Self::Staff(StaffAction::Add),
            ("st", Some("x"), None) => Self::Staff(StaffAction::CancelAdd),
            ("st", Some("rm"), Some(user)) => Self::Staff(StaffAction::Remove { user: parse_id(user)? }),
            ("st", Some("rmy"), Some(user)) => Self::Staff(StaffAction::ConfirmRemove { user: parse_id(user)? }),
            ("qs", Some(page), None) => Self::Questions { page: page.parse().ok().filter(|p| *p < 100)? },
            ("rp", Some(question), None) => Self::Reply { question_id: parse_id(question)? },
            ("fu", Some(reply), None) => Self::FollowUp { reply_id: parse_id(reply)? },
            ("vo", Some(question), None) => Self::VariantOf { question_id: parse_id(question)? },
            ("vs", Some(question), None) => Self::VariantSearch { question_id: parse_id(question)? },
            ("va", Some(question), Some(faq_id)) => {
                Self::AddVariant { question_id: parse_id(question)?, faq_id: parse_slug(faq_id)? }
            }
            ("fq", Some(action), argument) => Self::Faq(parse_faq(action, argument, parts.next())?),
            _ => return None,
        };
        parts.next().is_none().then_some(data)
    }
}

impl fmt::Display for CallbackData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Menu(item) => {
                let item = match item {
                    MenuItem::Home => "home",
                    MenuItem::Ask => "ask",
                    MenuItem::Course => "course",
                    MenuItem::Webinars => "web",
                    MenuItem::Reminders => "rem",
                    MenuItem::Help => "help",
                    MenuItem::Resume => "resume",
                };
                write!(f, "m:{item}")
            }
            Self::Suggestion { question_id, faq_id } => write!(f, "s:{question_id}:{faq_id}"),
            Self::Feedback { question_id, faq_id, helpful } => {
                write!(f, "f:{question_id}:{faq_id}:{}", u8::from(*helpful))
            }
            Self::Forward { question_id } => write!(f, "t:{question_id}"),
            Self::Chapters => f.write_str("chs"),
            Self::Chapter { chapter_id, page } => write!(f, "ch:{chapter_id}:{page}"),
            Self::Module { module_id } => write!(f, "mod:{module_id}"),
            Self::OpenModule { module_id } => write!(f, "om:{module_id}"),
            Self::Seen { module_id } => write!(f, "seen:{module_id}"),
            Self::Progress => f.write_str("prog"),
            Self::Erase { confirmed } => write!(f, "del:{}", u8::from(*confirmed)),
            Self::Announce(action) => match action {
                AnnounceAction::NoButton => f.write_str("an:nob"),
                AnnounceAction::AudienceAll => f.write_str("an:all"),
                AnnounceAction::AudienceReminders => f.write_str("an:rem"),
                AnnounceAction::AudienceChapter(chapter) => write!(f, "an:ch:{chapter}"),
                AnnounceAction::SendNow { draft } => write!(f, "an:go:{draft}"),
                AnnounceAction::Schedule { draft } => write!(f, "an:at:{draft}"),
                AnnounceAction::Abort => f.write_str("an:x"),
                AnnounceAction::Stop { id } => write!(f, "an:stop:{id}"),
            },
            Self::Reminders(choice) => f.write_str(match choice {
                ReminderChoice::On => "rm:on",
                ReminderChoice::Off => "rm:off",
                ReminderChoice::Stop => "rm:stop",
            }),
            Self::RestoreRevision { revision } => write!(f, "rv:{revision}"),
            Self::Staff(action) => match action {
                StaffAction::List => f.write_str("st:ls"),
                StaffAction::Add => f.write_str("st:add"),
                StaffAction::CancelAdd => f.write_str("st:x"),
                StaffAction::Remove { user } => write!(f, "st:rm:{user}"),
                StaffAction::ConfirmRemove { user } => write!(f, "st:rmy:{user}"),
            },
            Self::Questions { page } => write!(f, "qs:{page}"),
            Self::Reply { question_id } => write!(f, "rp:{question_id}"),
            Self::FollowUp { reply_id } => write!(f, "fu:{reply_id}"),
            Self::VariantOf { question_id } => write!(f, "vo:{question_id}"),
            Self::VariantSearch { question_id } => write!(f, "vs:{question_id}"),
            Self::AddVariant { question_id, faq_id } => write!(f, "va:{question_id}:{faq_id}"),
            Self::Faq(action) => match action {
                FaqAction::Menu => f.write_str("fq:m"),
                FaqAction::New => f.write_str("fq:n"),
                FaqAction::FromQuestion { question_id } => write!(f, "fq:nq:{question_id}"),
                FaqAction::KeepQuestion => f.write_str("fq:kq"),
                FaqAction::Cancel => f.write_str("fq:x"),
                FaqAction::VariantsDone => f.write_str("fq:vd"),
                FaqAction::AnswerOk => f.write_str("fq:ao"),
                FaqAction::Chapter(chapter) => write!(f, "fq:c:{chapter}"),
                FaqAction::Module(module) => write!(f, "fq:mo:{module}"),
                FaqAction::ModulesDone => f.write_str("fq:md"),
                FaqAction::Save => f.write_str("fq:ok"),
                FaqAction::List { chapter, page } => write!(f, "fq:l:{chapter}:{page}"),
                FaqAction::Search => f.write_str("fq:s"),
                FaqAction::View(id) => write!(f, "fq:v:{id}"),
                FaqAction::EditQuestion(id) => write!(f, "fq:eq:{id}"),
                FaqAction::EditAnswer(id) => write!(f, "fq:ea:{id}"),
                FaqAction::EditChapter(id) => write!(f, "fq:ec:{id}"),
                FaqAction::AddVariant(id) => write!(f, "fq:av:{id}"),
                FaqAction::Variants(id) => write!(f, "fq:vs:{id}"),
                FaqAction::RemoveVariant { id, n } => write!(f, "fq:rv:{id}:{n}"),
                FaqAction::Delete(id) => write!(f, "fq:d:{id}"),
                FaqAction::ConfirmDelete(id) => write!(f, "fq:dy:{id}"),
            },
        }
    }
}

/// The FAQ editor's buttons: `fq:<action>[:<argument>[:<second>]]`.
fn parse_faq(action: &str, argument: Option<&str>, second: Option<&str>) -> Option<FaqAction> {
    let page = |raw: &str| raw.parse().ok().filter(|p: &u8| *p < 100);
    Some(match (action, argument, second) {
        ("m", None, None) => FaqAction::Menu,
        ("n", None, None) => FaqAction::New,
        ("nq", Some(question), None) => FaqAction::FromQuestion { question_id: parse_id(question)? },
        ("kq", None, None) => FaqAction::KeepQuestion,
        ("x", None, None) => FaqAction::Cancel,
        ("vd", None, None) => FaqAction::VariantsDone,
        ("ao", None, None) => FaqAction::AnswerOk,
        ("c", Some(chapter), None) => FaqAction::Chapter(parse_slug(chapter)?),
        ("mo", Some(module), None) => FaqAction::Module(parse_slug(module)?),
        ("md", None, None) => FaqAction::ModulesDone,
        ("ok", None, None) => FaqAction::Save,
        ("l", Some(chapter), Some(n)) => FaqAction::List { chapter: parse_slug(chapter)?, page: page(n)? },
        ("s", None, None) => FaqAction::Search,
        ("v", Some(id), None) => FaqAction::View(parse_slug(id)?),
        ("eq", Some(id), None) => FaqAction::EditQuestion(parse_slug(id)?),
        ("ea", Some(id), None) => FaqAction::EditAnswer(parse_slug(id)?),
        ("ec", Some(id), None) => FaqAction::EditChapter(parse_slug(id)?),
        ("av", Some(id), None) => FaqAction::AddVariant(parse_slug(id)?),
        ("vs", Some(id), None) => FaqAction::Variants(parse_slug(id)?),
        ("rv", Some(id), Some(n)) => FaqAction::RemoveVariant { id: parse_slug(id)?, n: page(n)? },
        ("d", Some(id), None) => FaqAction::Delete(parse_slug(id)?),
        ("dy", Some(id), None) => FaqAction::ConfirmDelete(parse_slug(id)?),
        _ => return None,
    })
}

fn parse_id(raw: &str) -> Option<i64> {
    raw.parse().ok().filter(|id| *id > 0)
}

/// Content ids are `[a-z0-9-]`, at most 40 bytes (checked by `faq check`).
fn parse_slug(raw: &str) -> Option<String> {
    let valid = !raw.is_empty()
        && raw.len() <= 40
        && raw.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    valid.then(|| raw.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn longest_examples() -> Vec<CallbackData> {
        let slug = "a".repeat(40);
        vec![
            CallbackData::Menu(MenuItem::Resume),
            CallbackData::Suggestion { question_id: i64::MAX, faq_id: slug.clone() },
            CallbackData::Feedback { question_id: i64::MAX, faq_id: slug.clone(), helpful: true },
            CallbackData::Forward { question_id: i64::MAX },
            CallbackData::Chapters,
            CallbackData::Chapter { chapter_id: slug.clone(), page: 99 },
            CallbackData::Module { module_id: slug.clone() },
            CallbackData::OpenModule { module_id: slug.clone() },
            CallbackData::Seen { module_id: slug },
            CallbackData::Progress,
            CallbackData::Erase { confirmed: true },
            CallbackData::Announce(AnnounceAction::NoButton),
            CallbackData::Announce(AnnounceAction::AudienceAll),
            CallbackData::Announce(AnnounceAction::AudienceReminders),
            CallbackData::Announce(AnnounceAction::AudienceChapter("b".repeat(40))),
            CallbackData::Announce(AnnounceAction::SendNow { draft: i64::MAX }),
            CallbackData::Announce(AnnounceAction::Schedule { draft: i64::MAX }),
            CallbackData::Announce(AnnounceAction::Abort),
            CallbackData::Announce(AnnounceAction::Stop { id: i64::MAX }),
            CallbackData::Reminders(ReminderChoice::On),
            CallbackData::Reminders(ReminderChoice::Off),
            CallbackData::Reminders(ReminderChoice::Stop),
            CallbackData::RestoreRevision { revision: i64::MAX },
            CallbackData::Staff(StaffAction::List),
            CallbackData::Staff(StaffAction::Add),
            CallbackData::Staff(StaffAction::CancelAdd),
            CallbackData::Staff(StaffAction::Remove { user: i64::MAX }),
            CallbackData::Staff(StaffAction::ConfirmRemove { user: i64::MAX }),
            CallbackData::Questions { page: 99 },
            CallbackData::Reply { question_id: i64::MAX },
            CallbackData::FollowUp { reply_id: i64::MAX },
            CallbackData::VariantOf { question_id: i64::MAX },
            CallbackData::VariantSearch { question_id: i64::MAX },
            CallbackData::AddVariant { question_id: i64::MAX, faq_id: "c".repeat(40) },
            CallbackData::Faq(FaqAction::FromQuestion { question_id: i64::MAX }),
            CallbackData::Faq(FaqAction::List { chapter: "c".repeat(40), page: 99 }),
            CallbackData::Faq(FaqAction::RemoveVariant { id: "d".repeat(40), n: 99 }),
            CallbackData::Faq(FaqAction::ConfirmDelete("e".repeat(40))),
            CallbackData::Faq(FaqAction::Module("f".repeat(40))),
            CallbackData::Faq(FaqAction::Save),
        ]
    }

    #[test]
    fn every_payload_fits_in_64_bytes_and_round_trips() {
        for data in longest_examples() {
            let encoded = data.to_string();
            assert!(encoded.len() <= MAX_BYTES, "{encoded} is {} bytes", encoded.len());
            assert_eq!(CallbackData::parse(&encoded), Some(data));
        }
    }

    #[test]
    fn forged_payloads_are_rejected() {
        for raw in [
            "",
            "m:nope",
            "s:0:x",
            "s:12:../etc",
            "f:1:x:2",
            "f:1:x",
            "ch:x:abc",
            "mod:A",
            "mod:a:b",
            "an:go:0",
            "an:stop:x",
            "an:nob:1",
            "rm:maybe",
            "rm:on:1",
            "st:rm:0",
            "st:rmy:x",
            "st:ls:1",
            "qs:100",
            "rp:0",
            "fu:x",
            "vo:0",
            "vs:x",
            "va:1",
            "va:1:A",
            "fq:rv:x:100",
            "fq:v:A",
            "fq:m:1",
            "fq:nq:0",
            "x",
            &"m".repeat(65),
        ] {
            assert_eq!(CallbackData::parse(raw), None, "{raw}");
        }
    }
}
