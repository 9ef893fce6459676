//! `schema()`: the dptree routing table, and nothing else.
//!
//! Group and channel messages come first: the bot works in private chats only, so it records nobody there and
//! answers only a command addressed to it, with a link to a private chat. Every other update first refreshes its
//! sender's row (`track_user`), then takes the first branch that accepts it: private messages (merchant commands,
//! staff commands behind a role filter, admin commands behind theirs, the steps of a conversation in progress
//! (composing an announcement, adding a trainer, a step of the FAQ editor), unknown commands, text = a question,
//! anything else = "I only read text"), then button presses (typed [`CallbackData`]; anything unparsable = "ce
//! menu a expiré"). Edited messages, channel posts and the other update kinds are ignored on purpose (the
//! dispatcher's default handler logs them). The whole table runs inside [`always_answered`]: a handler that fails
//! still leaves the user with an apology; [`observed`] counts and times every update around it.
//! Every guard reads the sender's role as the database gave it when this update arrived ([`Sender`], read once per
//! update): a role granted or revoked in chat applies to the very next update. A conversation's branch looks up
//! its state only when [`Sender`] says one of its kind is in progress in the chat.

use teloxide::{
    dispatching::{UpdateFilterExt, UpdateHandler, dialogue::ErasedStorage},
    dptree::{self, case},
    prelude::*,
    types::Me,
};

use super::{
    answered::always_answered,
    callback::CallbackData,
    commands::{AdminCommand, Command, StaffCommand},
    dialogue::{ANNOUNCE, AnnounceState, FAQ, FaqState, REPLY, ReplyState, STAFF, StaffState},
    handlers::{
        HandlerResult, admin, announce, course, editor, fallback, inbox, menu, privacy, questions, reminders, sessions,
        staff, team, variants,
    },
    observed::observed,
    sender::Sender,
};
use crate::{roles::Role, storage::Db};

pub fn schema() -> UpdateHandler<anyhow::Error> {
    let merchant_commands = teloxide::filter_command::<Command, _>()
        .branch(case![Command::Start].endpoint(menu::start))
        .branch(case![Command::Menu].endpoint(menu::menu))
        .branch(case![Command::Aide].endpoint(menu::help))
        .branch(case![Command::Help].endpoint(menu::help))
        .branch(case![Command::Webinaires].endpoint(menu::webinars))
        .branch(case![Command::Rappels].endpoint(reminders::command))
        .branch(case![Command::Parcours].endpoint(course::course_command))
        .branch(case![Command::Progression].endpoint(course::progress_command))
        .branch(case![Command::Formateur(text)].endpoint(questions::to_trainer))
        .branch(case![Command::MesDonnees].endpoint(privacy::export))
        .branch(case![Command::SupprimerMesDonnees].endpoint(privacy::ask_erase));

    let staff_commands = teloxide::filter_command::<StaffCommand, _>()
        .branch(
            dptree::filter_async(is_trainer)
                .branch(case![StaffCommand::Stats].endpoint(staff::stats))
                .branch(case![StaffCommand::Questions].endpoint(inbox::questions))
                .branch(case![StaffCommand::SansReponse].endpoint(inbox::questions))
                .branch(case![StaffCommand::Fiche(query)].endpoint(staff::entry_review))
                .branch(
                    case![StaffCommand::Annonce]
                        .enter_dialogue::<Message, ErasedStorage<AnnounceState>, AnnounceState>()
                        .endpoint(announce::start),
                )
                .branch(case![StaffCommand::Annonces].endpoint(announce::list))
                .branch(case![StaffCommand::Seances].endpoint(sessions::list))
                .branch(case![StaffCommand::SeanceAjouter(args)].endpoint(sessions::add))
                .branch(case![StaffCommand::SeanceAnnuler(args)].endpoint(sessions::cancel))
                .branch(case![StaffCommand::SeanceModifier(args)].endpoint(sessions::change)),
        )
        .endpoint(fallback::not_allowed);

    // A trainer composing an announcement: what they type is part of it, not a question.
    let composing = dptree::filter(|sender: Sender| sender.is_in(ANNOUNCE))
        .enter_dialogue::<Message, ErasedStorage<AnnounceState>, AnnounceState>()
        .filter(|state: AnnounceState| state != AnnounceState::Idle)
        .filter_async(is_trainer)
        .branch(
            dptree::filter(|msg: Message| msg.text().map(str::trim) == Some("/annuler"))
                .endpoint(announce::abort_command),
        )
        .branch(case![AnnounceState::Text].endpoint(announce::receive_text))
        .branch(case![AnnounceState::Button { draft }].endpoint(announce::receive_button))
        .branch(case![AnnounceState::Time { draft, audience }].endpoint(announce::receive_time));

    // A trainer writing a reply, or a merchant writing their one follow-up: what they type is that message.
    let replying = dptree::filter(|sender: Sender| sender.is_in(REPLY))
        .enter_dialogue::<Message, ErasedStorage<ReplyState>, ReplyState>()
        .filter(|state: ReplyState| state != ReplyState::Idle)
        .branch(dptree::filter(|msg: Message| msg.text().map(str::trim) == Some("/annuler")).endpoint(inbox::abort))
        .branch(case![ReplyState::Writing { question_id }].filter_async(is_trainer).endpoint(inbox::receive_reply))
        .branch(case![ReplyState::FollowingUp { reply_id }].endpoint(inbox::receive_followup))
        .branch(
            case![ReplyState::SearchingEntry { question_id }]
                .filter_async(is_trainer)
                .endpoint(variants::receive_search),
        );

    let admin_commands = teloxide::filter_command::<AdminCommand, _>()
        .branch(
            dptree::filter_async(is_admin)
                .branch(case![AdminCommand::RechargerFaq].endpoint(admin::reload_content))
                .branch(case![AdminCommand::FaqHistorique(id)].endpoint(admin::history))
                .branch(case![AdminCommand::Formateurs].endpoint(team::list))
                .branch(case![AdminCommand::ResumeHebdo].endpoint(staff::toggle_weekly_summary))
                .branch(
                    dptree::entry()
                        .enter_dialogue::<Message, ErasedStorage<FaqState>, FaqState>()
                        .branch(case![AdminCommand::Faq].endpoint(editor::menu))
                        .branch(case![AdminCommand::FaqNouvelle].endpoint(editor::start_new)),
                ),
        )
        .endpoint(fallback::admins_only);

    // An admin adding a trainer: the next message names the person (forwarded from them, or their id).
    let adding_trainer = dptree::filter(|sender: Sender| sender.is_in(STAFF))
        .enter_dialogue::<Message, ErasedStorage<StaffState>, StaffState>()
        .filter(|state: StaffState| state == StaffState::AwaitingPerson)
        .filter_async(is_admin)
        .branch(
            dptree::filter(|msg: Message| msg.text().map(str::trim) == Some("/annuler")).endpoint(team::cancel_command),
        )
        .endpoint(team::receive_person);

    // An admin in the FAQ editor: what they type is the field the step waits for.
    let editing_faq = dptree::filter(|sender: Sender| sender.is_in(FAQ))
        .enter_dialogue::<Message, ErasedStorage<FaqState>, FaqState>()
        .filter(|state: FaqState| state != FaqState::Idle)
        .filter_async(is_admin)
        .branch(
            dptree::filter(|msg: Message| msg.text().map(str::trim) == Some("/annuler"))
                .endpoint(editor::cancel_command),
        )
        .endpoint(editor::receive);

    let groups = Update::filter_message()
        .filter(|msg: Message| !msg.chat.is_private())
        .branch(dptree::filter(is_command_for_me).endpoint(fallback::private_only))
        .endpoint(ignore);

    let messages = Update::filter_message()
        .filter(|msg: Message| msg.chat.is_private())
        .branch(merchant_commands)
        .branch(staff_commands)
        .branch(admin_commands)
        .branch(composing)
        .branch(adding_trainer)
        .branch(editing_faq)
        .branch(replying)
        .branch(
            dptree::filter(|msg: Message| msg.text().is_some_and(|text| text.starts_with('/')))
                .endpoint(fallback::unknown_command),
        )
        .branch(Message::filter_text().endpoint(questions::question))
        .endpoint(fallback::non_text);

    let buttons = dptree::filter_map(|query: CallbackQuery| query.data.as_deref().and_then(CallbackData::parse))
        .branch(case![CallbackData::Menu(item)].endpoint(menu::menu_item))
        .branch(case![CallbackData::Suggestion { question_id, faq_id }].endpoint(questions::suggestion))
        .branch(case![CallbackData::Feedback { question_id, faq_id, helpful }].endpoint(questions::feedback))
        .branch(case![CallbackData::Forward { question_id }].endpoint(questions::forward))
        .branch(case![CallbackData::Chapters].endpoint(course::chapters))
        .branch(case![CallbackData::Chapter { chapter_id, page }].endpoint(course::chapter))
        .branch(case![CallbackData::Module { module_id }].endpoint(course::module))
        .branch(case![CallbackData::OpenModule { module_id }].endpoint(course::open_module))
        .branch(case![CallbackData::Seen { module_id }].endpoint(course::mark_seen))
        .branch(case![CallbackData::Progress].endpoint(course::progress))
        .branch(case![CallbackData::Erase { confirmed }].endpoint(privacy::erase))
        .branch(case![CallbackData::Reminders(choice)].endpoint(reminders::choose))
        .branch(
            case![CallbackData::RestoreRevision { revision }]
                .branch(dptree::filter_async(is_admin).endpoint(admin::restore))
                .endpoint(team::not_allowed),
        )
        .branch(
            case![CallbackData::FollowUp { reply_id }]
                .enter_dialogue::<CallbackQuery, ErasedStorage<ReplyState>, ReplyState>()
                .endpoint(inbox::start_followup),
        )
        .branch(
            dptree::filter_async(is_trainer)
                .branch(case![CallbackData::Questions { page }].endpoint(inbox::questions_page))
                .branch(
                    case![CallbackData::Reply { question_id }]
                        .enter_dialogue::<CallbackQuery, ErasedStorage<ReplyState>, ReplyState>()
                        .endpoint(inbox::start_reply),
                )
                .branch(case![CallbackData::VariantOf { question_id }].endpoint(variants::choose))
                .branch(
                    case![CallbackData::VariantSearch { question_id }]
                        .enter_dialogue::<CallbackQuery, ErasedStorage<ReplyState>, ReplyState>()
                        .endpoint(variants::start_search),
                )
                .branch(case![CallbackData::AddVariant { question_id, faq_id }].endpoint(variants::add)),
        )
        .branch(
            dptree::filter(|data: CallbackData| {
                matches!(
                    data,
                    CallbackData::Questions { .. }
                        | CallbackData::Reply { .. }
                        | CallbackData::VariantOf { .. }
                        | CallbackData::VariantSearch { .. }
                        | CallbackData::AddVariant { .. }
                )
            })
            .endpoint(fallback::button_not_allowed),
        )
        .branch(
            case![CallbackData::Announce(action)]
                .branch(
                    dptree::filter_async(is_trainer)
                        .enter_dialogue::<CallbackQuery, ErasedStorage<AnnounceState>, AnnounceState>()
                        .endpoint(announce::button),
                )
                .endpoint(fallback::button_not_allowed),
        )
        .branch(
            case![CallbackData::Faq(action)]
                .branch(
                    dptree::filter_async(is_admin)
                        .enter_dialogue::<CallbackQuery, ErasedStorage<FaqState>, FaqState>()
                        .endpoint(editor::button),
                )
                .endpoint(team::not_allowed),
        )
        .branch(
            case![CallbackData::Staff(action)]
                .branch(
                    dptree::filter_async(is_admin)
                        .enter_dialogue::<CallbackQuery, ErasedStorage<StaffState>, StaffState>()
                        .endpoint(team::button),
                )
                .endpoint(team::not_allowed),
        );
    let callbacks = Update::filter_callback_query().branch(buttons).endpoint(fallback::expired_button);

    let private = dptree::entry().map_async(Sender::track).branch(messages).branch(callbacks);
    observed(always_answered(dptree::entry().branch(groups).branch(private)))
}

/// A command in a group that is meant for this bot: `/start@our_bot`, or a bare `/start` (Telegram gives bare
/// commands to every bot of the group).
fn is_command_for_me(msg: Message, me: Me) -> bool {
    let Some(command) = msg.text().and_then(|text| text.strip_prefix('/')) else { return false };
    let command = command.split_whitespace().next().unwrap_or_default();
    match command.split_once('@') {
        Some((_, bot)) => bot.eq_ignore_ascii_case(me.username()),
        None => true,
    }
}

/// Group messages that are not for the bot: dropped without a trace.
async fn ignore() -> HandlerResult {
    Ok(())
}

async fn is_trainer(sender: Sender, db: Db) -> bool {
    sender.role(&db).await >= Role::Trainer
}

async fn is_admin(sender: Sender, db: Db) -> bool {
    sender.role(&db).await >= Role::Admin
}
