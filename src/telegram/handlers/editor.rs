//! The FAQ editor in chat (admins only; the schema reads the sender's role from the database before every step):
//! `/faq` (chapters, entries, search), `/faq_nouvelle` (question → variants → answer with a preview as merchants
//! will see it → chapter → modules → confirmation), and on an entry: change its question, answer, chapter and
//! modules, add or remove a variant, delete it. Each step is checked by [`crate::editor`] and stays put with the
//! problems in French; every change goes through [`LiveContent`] (validated as a whole, recorded as a revision,
//! in force at once). Where the admin is lives in a [`FaqDialogue`], which survives a restart.

use teloxide::types::{CallbackQuery, ChatId, InlineKeyboardMarkup, Message, User};

use super::HandlerResult;
use crate::{
    clock::AppClock,
    content::{ContentUpdateError, LiveContent},
    editor::{self, Draft},
    faq::content::{FAQ_CHAPTERS, FaqEntry},
    startup::BotSettings,
    storage::{Db, DbError, content::Applied},
    telegram::{
        Telegram,
        callback::FaqAction,
        dialogue::{FaqDialogue, FaqState},
        keyboards,
    },
    text::{Html, escape},
    tr, tr_html,
};

/// Entries a search lists.
const FOUND: usize = 8;

/// Dialogue storage errors are boxed trait objects; anyhow takes them through their message.
fn stored<T>(result: Result<T, Box<dyn std::error::Error + Send + Sync>>) -> anyhow::Result<T> {
    result.map_err(|error| anyhow::anyhow!(error))
}

/// Who a revision names.
fn author(user: &User) -> String {
    format!("{} ({})", user.first_name, user.id)
}

/// Problems of a step, under a heading, in French.
fn problems(problems: &[String]) -> Html {
    let lines = problems.iter().map(|p| Html::trusted(format!("• {}", escape(&crate::french::typography(p)))));
    Html::paragraphs([tr_html!("editor-problems"), Html::lines(lines)])
}

/// `/faq`: the editor's menu (and out of any step in progress).
pub async fn menu(tg: Telegram, content: LiveContent, dialogue: FaqDialogue, msg: Message) -> HandlerResult {
    stored(dialogue.exit().await)?;
    let (text, keyboard) = keyboards::editor_menu(&content.index());
    tg.send(msg.chat.id, text, Some(keyboard)).await.checked()
}

/// `/faq_nouvelle`: a new entry, starting with its question.
pub async fn start_new(tg: Telegram, dialogue: FaqDialogue, msg: Message) -> HandlerResult {
    stored(dialogue.update(FaqState::Question { draft: Draft::default() }).await)?;
    tg.send(msg.chat.id, tr_html!("editor-ask-question"), Some(keyboards::editor_cancel())).await.checked()
}

/// `/annuler` during a step.
pub async fn cancel_command(tg: Telegram, dialogue: FaqDialogue, msg: Message) -> HandlerResult {
    stored(dialogue.exit().await)?;
    tg.send(msg.chat.id, tr_html!("editor-cancelled"), Some(keyboards::editor_back())).await.checked()
}

/// A message while the editor waits for a text: the step's field.
pub async fn receive(
    tg: Telegram,
    content: LiveContent,
    clock: AppClock,
    settings: BotSettings,
    dialogue: FaqDialogue,
    state: FaqState,
    msg: Message,
) -> HandlerResult {
    let chat = msg.chat.id;
    let (Some(text), Some(user)) = (msg.text().map(str::trim), msg.from.as_ref()) else {
        return tg.send(chat, tr_html!("editor-text-only"), Some(keyboards::editor_cancel())).await.checked();
    };
    let index = content.index();
    let curriculum = &index.content().curriculum;
    let today = clock.now().to_zoned(settings.timezone.clone()).date();
    let (reply, keyboard, next) = match state {
        FaqState::Idle => return Ok(()),
        FaqState::Question { mut draft } => match editor::check_question(&index, text, None).as_slice() {
            [] => {
                draft.question = text.to_owned();
                let reply = tr_html!("editor-ask-variants", question = text, min = editor::min_variants());
                (reply, variants_keyboard(), Some(FaqState::Variants { draft }))
            }
            found => (problems(found), keyboards::editor_cancel(), None),
        },
        FaqState::Variants { mut draft } => match editor::check_variant(&index, &draft, text).as_slice() {
            [] => {
                draft.variants.push(text.to_owned());
                let reply =
                    tr_html!("editor-variant-added", count = draft.variants.len(), min = editor::min_variants());
                (reply, variants_keyboard(), Some(FaqState::Variants { draft }))
            }
            found => (problems(found), variants_keyboard(), None),
        },
        FaqState::Answer { mut draft } => match editor::check_answer(&draft.question, text).as_slice() {
            [] => {
                draft.answer = text.to_owned();
                let (card, modules) = keyboards::answer_preview(curriculum, &draft.entry("apercu", today));
                tg.send(chat, card, Some(modules).filter(|k| !k.inline_keyboard.is_empty())).await.checked()?;
                (tr_html!("editor-answer-preview"), answer_keyboard(), Some(FaqState::Answer { draft }))
            }
            found => (problems(found), keyboards::editor_cancel(), None),
        },
        FaqState::Chapter { .. } | FaqState::Modules { .. } | FaqState::Confirm { .. } => {
            (tr_html!("editor-use-buttons"), keyboards::editor_cancel(), None)
        }
        FaqState::EditQuestion { id } => match editor::check_question(&index, text, Some(&id)).as_slice() {
            [] => {
                let change = |entry: &mut FaqEntry| entry.question = text.to_owned();
                return edit_and_show(&tg, &content, &dialogue, chat, user, &id, change).await;
            }
            found => (problems(found), keyboards::editor_cancel(), None),
        },
        FaqState::EditAnswer { id } => match editor::check_answer("", text).as_slice() {
            [] => {
                let change = |entry: &mut FaqEntry| {
                    entry.answer = text.to_owned();
                    entry.reviewed = Some(today);
                };
                return edit_and_show(&tg, &content, &dialogue, chat, user, &id, change).await;
            }
            found => (problems(found), keyboards::editor_cancel(), None),
        },
        FaqState::AddVariant { id } => {
            let Some(entry) = index.entry(&id) else {
                stored(dialogue.exit().await)?;
                return tg.send(chat, tr_html!("editor-entry-gone"), Some(keyboards::editor_back())).await.checked();
            };
            match editor::check_variant(&index, &Draft::of(entry), text).as_slice() {
                [] => {
                    let change = |entry: &mut FaqEntry| entry.variants.push(text.to_owned());
                    return edit_and_show(&tg, &content, &dialogue, chat, user, &id, change).await;
                }
                found => (problems(found), keyboards::editor_cancel(), None),
            }
        }
        FaqState::Search => {
            let (words, searched) = (text.to_owned(), index.clone());
            let ids = tokio::task::spawn_blocking(move || searched.nearest(&words, FOUND)).await?;
            let (reply, keyboard) = keyboards::editor_found(&index, text, &ids);
            (reply, keyboard, Some(FaqState::Idle))
        }
    };
    match next {
        Some(FaqState::Idle) => stored(dialogue.exit().await)?,
        Some(next) => stored(dialogue.update(next).await)?,
        None => {}
    }
    tg.send(chat, reply, Some(keyboard)).await.checked()
}

fn variants_keyboard() -> InlineKeyboardMarkup {
    keyboards::editor_step(tr!("editor-done"), FaqAction::VariantsDone)
}

fn answer_keyboard() -> InlineKeyboardMarkup {
    keyboards::editor_step(tr!("editor-answer-ok"), FaqAction::AnswerOk)
}

/// Changes one stored entry with `change`, saves it and shows the outcome with the entry; the dialogue ends on
/// success and stays on its step when the change is refused.
async fn edit_and_show(
    tg: &Telegram,
    content: &LiveContent,
    dialogue: &FaqDialogue,
    chat: ChatId,
    user: &User,
    id: &str,
    change: impl FnOnce(&mut FaqEntry),
) -> HandlerResult {
    let mut entry = match content.stored_entry(id).await {
        Ok(entry) => entry,
        Err(ContentUpdateError::NotFound) => {
            stored(dialogue.exit().await)?;
            return tg.send(chat, tr_html!("editor-entry-gone"), Some(keyboards::editor_back())).await.checked();
        }
        Err(error) => return Err(error.into()),
    };
    change(&mut entry);
    let outcome = saved(content.save_entry(&entry, &author(user)).await)?;
    let (text, keyboard) = match outcome {
        Ok(applied) => {
            stored(dialogue.exit().await)?;
            entry_outcome(content, id, &applied)
        }
        Err(refused) => (refused, keyboards::editor_refused(id)),
    };
    tg.send(chat, text, Some(keyboard)).await.checked()
}

/// A change's outcome: what was recorded, or the problems that stopped it (in French).
fn saved(result: Result<Applied, ContentUpdateError>) -> anyhow::Result<Result<Applied, Html>> {
    match result {
        Ok(applied) => Ok(Ok(applied)),
        Err(ContentUpdateError::NotFound) => Ok(Err(tr_html!("editor-entry-gone"))),
        Err(ContentUpdateError::Invalid(errors)) => {
            let found: Vec<String> = errors.0.iter().map(|e| e.problem.french()).collect();
            Ok(Err(problems(&found)))
        }
        Err(ContentUpdateError::Unexpected(error)) => Err(error),
    }
}

/// "Saved (revision n)" above the entry as it is now, with its buttons.
fn entry_outcome(content: &LiveContent, id: &str, applied: &Applied) -> keyboards::Screen {
    let index = content.index();
    let head = match applied.first_revision {
        Some(revision) => tr_html!("editor-saved", id = id, revision = revision),
        None => tr_html!("editor-unchanged", id = id),
    };
    match index.entry(id) {
        Some(entry) => {
            let (text, keyboard) = keyboards::editor_entry(&index.content().curriculum, entry);
            (Html::paragraphs([head, text]), keyboard)
        }
        None => (head, keyboards::editor_back()),
    }
}

/// A button of the editor.
#[allow(clippy::too_many_arguments)]
pub async fn button(
    tg: Telegram,
    db: Db,
    content: LiveContent,
    clock: AppClock,
    settings: BotSettings,
    dialogue: FaqDialogue,
    query: CallbackQuery,
    action: FaqAction,
) -> HandlerResult {
    let chat = query.message.as_ref().map_or(ChatId::from(query.from.id), |message| message.chat().id);
    let state = stored(dialogue.get().await)?.unwrap_or_default();
    let index = content.index();
    let curriculum = &index.content().curriculum;
    let today = clock.now().to_zoned(settings.timezone.clone()).date();
    let expired = || Some(tr!("editor-step-expired"));
    let (text, keyboard): keyboards::Screen = match (action, state) {
        (FaqAction::Menu, _) => {
            stored(dialogue.exit().await)?;
            let (text, keyboard) = keyboards::editor_menu(&index);
            return tg.replace(query, text, keyboard, None).await.checked();
        }
        (FaqAction::List { chapter, page }, _) if FAQ_CHAPTERS.contains(&chapter.as_str()) => {
            let (text, keyboard) = keyboards::editor_chapter(&index, &chapter, usize::from(page));
            return tg.replace(query, text, keyboard, None).await.checked();
        }
        (FaqAction::New, _) => {
            stored(dialogue.update(FaqState::Question { draft: Draft::default() }).await)?;
            (tr_html!("editor-ask-question"), keyboards::editor_cancel())
        }
        (FaqAction::FromQuestion { question_id }, _) => match db.question(question_id).await {
            Ok(question) => {
                let draft = Draft::new(&question.text);
                let keyboard = keyboards::editor_step(tr!("editor-keep-question"), FaqAction::KeepQuestion);
                let text = tr_html!("editor-from-question", question = draft.question.as_str());
                stored(dialogue.update(FaqState::Question { draft }).await)?;
                (text, keyboard)
            }
            Err(DbError::NotFound) => (tr_html!("editor-question-gone"), keyboards::editor_back()),
            Err(DbError::Other(error)) => return Err(error),
        },
        (FaqAction::KeepQuestion, FaqState::Question { mut draft }) if !draft.question.is_empty() => {
            match editor::check_question(&index, &draft.question, None).as_slice() {
                [] => {
                    draft.question = draft.question.trim().to_owned();
                    let text = tr_html!(
                        "editor-ask-variants",
                        question = draft.question.as_str(),
                        min = editor::min_variants()
                    );
                    stored(dialogue.update(FaqState::Variants { draft }).await)?;
                    (text, variants_keyboard())
                }
                found => (problems(found), keyboards::editor_cancel()),
            }
        }
        (FaqAction::Cancel, _) => {
            stored(dialogue.exit().await)?;
            (tr_html!("editor-cancelled"), keyboards::editor_back())
        }
        (FaqAction::VariantsDone, FaqState::Variants { draft }) => match editor::check_variants(&draft).as_slice() {
            [] => {
                stored(dialogue.update(FaqState::Answer { draft }).await)?;
                (tr_html!("editor-ask-answer"), keyboards::editor_cancel())
            }
            found => (problems(found), variants_keyboard()),
        },
        (FaqAction::AnswerOk, FaqState::Answer { draft }) if !draft.answer.is_empty() => {
            stored(dialogue.update(FaqState::Chapter { draft }).await)?;
            (tr_html!("editor-ask-chapter"), keyboards::editor_chapters(curriculum))
        }
        (FaqAction::Chapter(chapter), FaqState::Chapter { mut draft }) if FAQ_CHAPTERS.contains(&chapter.as_str()) => {
            draft.chapter = chapter;
            let keyboard = keyboards::editor_modules(curriculum, &draft.chapter, &draft.modules);
            let text =
                tr_html!("editor-ask-modules", chapter = keyboards::faq_chapter_name(curriculum, &draft.chapter));
            stored(dialogue.update(FaqState::Modules { draft }).await)?;
            (text, keyboard)
        }
        (FaqAction::Module(module), FaqState::Modules { mut draft }) => {
            let mut modules = draft.modules.clone();
            match modules.iter().position(|m| *m == module) {
                Some(at) => _ = modules.remove(at),
                None => modules.push(module),
            }
            if let Some(problem) = editor::check_modules(curriculum, &modules).into_iter().next() {
                tg.answer_callback(query.id, Some(problem)).await;
                return Ok(());
            }
            draft.modules = modules;
            let keyboard = keyboards::editor_modules(curriculum, &draft.chapter, &draft.modules);
            let text =
                tr_html!("editor-ask-modules", chapter = keyboards::faq_chapter_name(curriculum, &draft.chapter));
            stored(dialogue.update(FaqState::Modules { draft }).await)?;
            return tg.replace(query, text, keyboard, None).await.checked();
        }
        (FaqAction::ModulesDone, FaqState::Modules { draft }) => match draft.id.clone() {
            Some(id) => {
                let change = |entry: &mut FaqEntry| {
                    entry.chapter.clone_from(&draft.chapter);
                    entry.modules.clone_from(&draft.modules);
                };
                edit_and_show(&tg, &content, &dialogue, chat, &query.from, &id, change).await?;
                tg.answer_callback(query.id, None).await;
                return Ok(());
            }
            None => {
                let entry = draft.entry(&editor::new_id(&index, &draft.question), today);
                let text = confirmation(curriculum, &entry);
                stored(dialogue.update(FaqState::Confirm { draft }).await)?;
                (text, keyboards::editor_step(tr!("editor-save"), FaqAction::Save))
            }
        },
        (FaqAction::Save, FaqState::Confirm { draft }) => {
            let entry = draft.entry(&editor::new_id(&index, &draft.question), today);
            match saved(content.save_entry(&entry, &author(&query.from)).await)? {
                Ok(applied) => {
                    stored(dialogue.exit().await)?;
                    entry_outcome(&content, &entry.id, &applied)
                }
                Err(refused) => (refused, keyboards::editor_step(tr!("editor-save"), FaqAction::Save)),
            }
        }
        (FaqAction::Search, _) => {
            stored(dialogue.update(FaqState::Search).await)?;
            (tr_html!("editor-ask-search"), keyboards::editor_cancel())
        }
        (FaqAction::View(id), _) => match index.entry(&id) {
            Some(entry) => {
                // Back to the entry: a text step left open is abandoned.
                stored(dialogue.exit().await)?;
                keyboards::editor_entry(curriculum, entry)
            }
            None => (tr_html!("editor-entry-gone"), keyboards::editor_back()),
        },
        (FaqAction::EditQuestion(id), _) if index.entry(&id).is_some() => {
            stored(dialogue.update(FaqState::EditQuestion { id: id.clone() }).await)?;
            (tr_html!("editor-ask-new-question", id = id), keyboards::editor_cancel())
        }
        (FaqAction::EditAnswer(id), _) if index.entry(&id).is_some() => {
            stored(dialogue.update(FaqState::EditAnswer { id: id.clone() }).await)?;
            (tr_html!("editor-ask-new-answer", id = id), keyboards::editor_cancel())
        }
        (FaqAction::AddVariant(id), _) if index.entry(&id).is_some() => {
            stored(dialogue.update(FaqState::AddVariant { id: id.clone() }).await)?;
            (tr_html!("editor-ask-new-variant", id = id), keyboards::editor_cancel())
        }
        (FaqAction::EditChapter(id), _) => match content.stored_entry(&id).await {
            Ok(entry) => {
                stored(dialogue.update(FaqState::Chapter { draft: Draft::of(&entry) }).await)?;
                (tr_html!("editor-ask-chapter"), keyboards::editor_chapters(curriculum))
            }
            Err(ContentUpdateError::NotFound) => (tr_html!("editor-entry-gone"), keyboards::editor_back()),
            Err(error) => return Err(error.into()),
        },
        (FaqAction::Variants(id), _) => match index.entry(&id) {
            Some(entry) => keyboards::editor_variants(entry),
            None => (tr_html!("editor-entry-gone"), keyboards::editor_back()),
        },
        (FaqAction::RemoveVariant { id, n }, _) => {
            let n = usize::from(n);
            let change = |entry: &mut FaqEntry| {
                if n < entry.variants.len() {
                    entry.variants.remove(n);
                }
            };
            edit_and_show(&tg, &content, &dialogue, chat, &query.from, &id, change).await?;
            tg.answer_callback(query.id, None).await;
            return Ok(());
        }
        (FaqAction::Delete(id), _) if index.entry(&id).is_some() => {
            (tr_html!("editor-ask-delete", id = id.as_str()), keyboards::editor_confirm_delete(&id))
        }
        (FaqAction::ConfirmDelete(id), _) => match saved(content.delete_entry(&id, &author(&query.from)).await)? {
            Ok(_) => (tr_html!("editor-deleted", id = id), keyboards::editor_back()),
            Err(refused) => (refused, keyboards::editor_back()),
        },
        _ => {
            tg.answer_callback(query.id, expired()).await;
            return Ok(());
        }
    };
    tg.send(chat, text, Some(keyboard)).await.checked()?;
    tg.answer_callback(query.id, None).await;
    Ok(())
}

/// The whole new entry before it is saved: its id, chapter, modules, variants and the answer's preview.
fn confirmation(curriculum: &crate::curriculum::content::Curriculum, entry: &FaqEntry) -> Html {
    let (view, _) = keyboards::editor_entry(curriculum, entry);
    Html::paragraphs([tr_html!("editor-confirm"), view])
}
