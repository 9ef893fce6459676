//! The one place that sends to the Bot API.
//!
//! [`Telegram`] wraps the Bot API client [`Tg`], the pacing of direct replies ([`super::pacer`]: the bot's reply
//! share and each chat's limits) and the database, so that a user found to have blocked the bot is flagged wherever
//! that is discovered. A 429 is retried after its `retry_after` and slows replies down. Every send takes [`Html`] and uses `ParseMode::Html`. Telegram errors are expected events:
//! they become a [`SendOutcome`], never a panic, and are counted by method and HTTP code for `/metrics`.

use std::{num::NonZeroU32, time::Duration};

use teloxide::{
    ApiError, RequestError,
    payloads::{
        AnswerCallbackQuerySetters, EditMessageReplyMarkupSetters, EditMessageTextSetters, SendDocumentSetters,
        SendMessageSetters,
    },
    prelude::*,
    requests::{Payload, Request},
    types::{
        CallbackQuery, CallbackQueryId, InlineKeyboardMarkup, InputFile, LinkPreviewOptions, MaybeInaccessibleMessage,
        MessageId, ParseMode,
    },
};

use super::pacer::{ChatPacer, Pacer};
use crate::{
    storage::Db,
    text::{Html, MESSAGE_LIMIT},
};

/// The Bot API client every request goes through (no teloxide adaptor: pacing is [`Telegram`]'s).
pub type Tg = Bot;

/// What happened to a request, as the rest of the bot cares about it. Handlers pass it on with
/// [`SendOutcome::checked`], so a reply Telegram refused becomes an error the user is told about; the delivery
/// worker turns each variant into one queue transition (`delivery::policy`).
#[must_use]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    /// Sent (or edited); the message id.
    Sent(MessageId),
    /// The edit would not change anything: not an error for us.
    Unchanged,
    /// The user blocked the bot, deleted their account or the chat is gone: stop writing to them.
    Unreachable,
    /// Telegram asks to wait (an interactive request was already retried after the delay).
    RetryAfter(Duration),
    /// Telegram rejected the request itself (bad text, markup, missing message...).
    Rejected(String),
    /// Network error, timeout or 5xx: worth retrying later.
    Transient(String),
}

impl SendOutcome {
    /// Classifies a teloxide error.
    pub fn from_error(error: &RequestError) -> Self {
        match error {
            RequestError::Api(ApiError::MessageNotModified) => Self::Unchanged,
            RequestError::Api(
                ApiError::BotBlocked
                | ApiError::UserDeactivated
                | ApiError::ChatNotFound
                | ApiError::BotKicked
                | ApiError::BotKickedFromSupergroup
                | ApiError::CantInitiateConversation
                | ApiError::CantTalkWithBots,
            ) => Self::Unreachable,
            RequestError::RetryAfter(seconds) => Self::RetryAfter(seconds.duration()),
            // A 5xx reaches us as an unknown API error carrying the HTTP reason phrase.
            RequestError::Api(ApiError::Unknown(description)) if is_server_error(description) => {
                Self::Transient(description.clone())
            }
            RequestError::Api(api) => Self::Rejected(api.to_string()),
            RequestError::MigrateToChatId(_) | RequestError::InvalidJson { .. } => Self::Rejected(error.to_string()),
            RequestError::Network(_) | RequestError::Io(_) => Self::Transient(error.to_string()),
        }
    }

    #[must_use]
    pub fn is_delivered(&self) -> bool {
        matches!(self, Self::Sent(_) | Self::Unchanged)
    }

    /// A reply's outcome as a handler result: delivered, or nobody to deliver to (the user blocked the bot), is
    /// fine; anything else is an error, so the reply wrapper ([`super::answered`]) apologises to the user.
    pub fn checked(self) -> anyhow::Result<()> {
        match self {
            Self::Sent(_) | Self::Unchanged | Self::Unreachable => Ok(()),
            Self::RetryAfter(delay) => anyhow::bail!("Telegram asked to retry the reply after {delay:?}"),
            Self::Rejected(reason) => anyhow::bail!("Telegram rejected the reply: {reason}"),
            Self::Transient(reason) => anyhow::bail!("the reply failed: {reason}"),
        }
    }
}

/// Our gateway to Telegram: cheap to clone, injected into handlers.
#[derive(Clone)]
pub struct Telegram {
    bot: Tg,
    db: Db,
    /// The whole bot's direct replies (this replica's share of Telegram's budget).
    replies: Pacer,
    chats: ChatPacer,
}

impl Telegram {
    /// `reply_rate`: direct messages per second for the whole bot (each chat is also kept to its own limits).
    #[must_use]
    pub fn new(bot: Tg, db: Db, reply_rate: NonZeroU32) -> Self {
        Self { bot, db, replies: Pacer::new(reply_rate), chats: ChatPacer::default() }
    }

    pub fn bot(&self) -> &Tg {
        &self.bot
    }

    /// Sends an HTML message, optionally with an inline keyboard. A text longer than Telegram allows is sent as
    /// several messages cut at line ends ([`Html::split`]), the keyboard under the last; the outcome is the first
    /// failure, or the last message sent.
    pub async fn send(&self, chat: ChatId, text: Html, keyboard: Option<InlineKeyboardMarkup>) -> SendOutcome {
        let mut parts = text.split(MESSAGE_LIMIT);
        let last = parts.pop().unwrap_or_default();
        for part in parts {
            let outcome = self.send_one(chat, part, None).await;
            if !outcome.is_delivered() {
                return outcome;
            }
        }
        self.send_one(chat, last, keyboard).await
    }

    /// Sends an HTML message as one message, never split: an announcement's preview, which must reach its author
    /// exactly as recipients will get it (a text over Telegram's limit comes back `Rejected` with the reason).
    pub async fn send_whole(&self, chat: ChatId, text: Html, keyboard: Option<InlineKeyboardMarkup>) -> SendOutcome {
        self.send_one(chat, text, keyboard).await
    }

    async fn send_one(&self, chat: ChatId, text: Html, keyboard: Option<InlineKeyboardMarkup>) -> SendOutcome {
        let mut request = self
            .bot
            .send_message(chat, text.into_string())
            .parse_mode(ParseMode::Html)
            .link_preview_options(no_link_preview());
        if let Some(keyboard) = keyboard {
            request = request.reply_markup(keyboard);
        }
        self.deliver(chat, "sendMessage", request, Paced::Yes).await
    }

    /// Sends once, straight to the Bot API: not paced here, no retry, so a 429, a 5xx or a timeout comes back as
    /// it is. For the delivery worker, which paces itself and keeps its retries in the database.
    pub async fn send_once(&self, chat: ChatId, text: Html, keyboard: Option<InlineKeyboardMarkup>) -> SendOutcome {
        let mut request = self
            .bot
            .send_message(chat, text.into_string())
            .parse_mode(ParseMode::Html)
            .link_preview_options(no_link_preview());
        if let Some(keyboard) = keyboard {
            request = request.reply_markup(keyboard);
        }
        let outcome = match request.await {
            Ok(message) => SendOutcome::Sent(message.id),
            Err(error) => failed("sendMessage", &error),
        };
        self.after(chat, "sendMessage", &outcome).await;
        outcome
    }

    /// Replaces the text and keyboard of a message the bot sent; "not modified" counts as success.
    pub async fn edit(
        &self,
        chat: ChatId,
        message: MessageId,
        text: Html,
        keyboard: Option<InlineKeyboardMarkup>,
    ) -> SendOutcome {
        let mut request = self
            .bot
            .edit_message_text(chat, message, text.into_string())
            .parse_mode(ParseMode::Html)
            .link_preview_options(no_link_preview());
        if let Some(keyboard) = keyboard {
            request = request.reply_markup(keyboard);
        }
        self.deliver(chat, "editMessageText", request, Paced::No).await
    }

    /// Sends a file as a document, with an HTML caption.
    pub async fn send_document(&self, chat: ChatId, file_name: &str, content: Vec<u8>, caption: Html) -> SendOutcome {
        let file = InputFile::memory(content).file_name(file_name.to_owned());
        let request = self.bot.send_document(chat, file).caption(caption.into_string()).parse_mode(ParseMode::Html);
        self.deliver(chat, "sendDocument", request, Paced::Yes).await
    }

    /// Replaces only the keyboard of a message the bot sent (its text stays as it is).
    pub async fn edit_keyboard(&self, chat: ChatId, message: MessageId, keyboard: InlineKeyboardMarkup) -> SendOutcome {
        let request = self.bot.edit_message_reply_markup(chat, message).reply_markup(keyboard);
        self.deliver(chat, "editMessageReplyMarkup", request, Paced::No).await
    }

    /// Sends a request whose result is a message: each attempt waits for its turn when it is a new message (edits
    /// are not counted by Telegram's limits), a failure worth it is retried, then the outcome is logged and an
    /// unreachable user flagged.
    async fn deliver<R>(&self, chat: ChatId, method: &'static str, request: R, paced: Paced) -> SendOutcome
    where
        R: Request<Err = RequestError>,
        R::Payload: Payload<Output = Message>,
    {
        let outcome = retry_within(INTERACTIVE_PATIENCE, || async {
            if paced == Paced::Yes {
                self.chats.until_ready(chat).await;
                self.replies.until_ready().await;
            }
            match request.send_ref().await {
                Ok(message) => SendOutcome::Sent(message.id),
                Err(error) => {
                    let outcome = failed(method, &error);
                    if matches!(outcome, SendOutcome::RetryAfter(_)) {
                        self.replies.slow_down();
                    }
                    outcome
                }
            }
        })
        .await;
        self.after(chat, method, &outcome).await;
        outcome
    }

    /// Edits `message` in place when there is one, otherwise sends a new message (and when the edit target is gone).
    pub async fn show(
        &self,
        chat: ChatId,
        message: Option<MessageId>,
        text: Html,
        keyboard: Option<InlineKeyboardMarkup>,
    ) -> SendOutcome {
        if let Some(message) = message {
            match self.edit(chat, message, text.clone(), keyboard.clone()).await {
                SendOutcome::Rejected(_) => {}
                outcome => return outcome,
            }
        }
        self.send(chat, text, keyboard).await
    }

    /// Shows a screen in place of the message a button was pressed on, then answers the press. An edit that would
    /// change nothing is not sent (Telegram would reject it with "message is not modified").
    pub async fn replace(
        &self,
        query: CallbackQuery,
        text: Html,
        keyboard: InlineKeyboardMarkup,
        notification: Option<String>,
    ) -> SendOutcome {
        let outcome = match &query.message {
            Some(MaybeInaccessibleMessage::Regular(message)) => {
                let unchanged = message.text().map(str::trim) == Some(text.plain_text().as_str())
                    && message.reply_markup() == Some(&keyboard);
                if unchanged {
                    SendOutcome::Unchanged
                } else {
                    self.show(message.chat.id, Some(message.id), text, Some(keyboard)).await
                }
            }
            Some(MaybeInaccessibleMessage::Inaccessible(message)) => {
                self.send(message.chat.id, text, Some(keyboard)).await
            }
            None => self.send(ChatId::from(query.from.id), text, Some(keyboard)).await,
        };
        // A failed screen is left to the reply wrapper, which answers the press with an apology.
        if outcome.is_delivered() || outcome == SendOutcome::Unreachable {
            self.answer_callback(query.id, notification).await;
        }
        outcome
    }

    /// Stops the spinner on the button the user pressed, optionally with a short notification.
    pub async fn answer_callback(&self, id: CallbackQueryId, notification: Option<String>) {
        let mut request = self.bot.answer_callback_query(id);
        if let Some(text) = notification {
            request = request.text(text);
        }
        if let Err(error) = request.await {
            let _ = failed("answerCallbackQuery", &error);
            tracing::warn!(error = %error, "answerCallbackQuery failed");
        }
    }

    /// Logs failures and flags unreachable users, whatever sent the request.
    async fn after(&self, chat: ChatId, method: &'static str, outcome: &SendOutcome) {
        match outcome {
            SendOutcome::Sent(_) | SendOutcome::Unchanged => {}
            SendOutcome::Unreachable => {
                tracing::info!(chat_id = chat.0, method, "user unreachable (blocked the bot?), flagging");
                if let Some(user) = chat.as_user()
                    && let Err(error) = self.db.set_blocked(user, true).await
                {
                    tracing::error!(chat_id = chat.0, error = ?error, "cannot flag a blocked user");
                }
            }
            other => tracing::warn!(chat_id = chat.0, method, outcome = ?other, "Telegram request failed"),
        }
    }
}

/// Whether a request counts against Telegram's message limits (new messages do, edits do not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Paced {
    Yes,
    No,
}

/// How long an interactive request keeps being retried, from its first attempt, before its failure is reported.
const INTERACTIVE_PATIENCE: Duration = Duration::from_secs(30);
/// Pause before the first retry after a transient failure; doubled before each further one, up to
/// [`MAX_TRANSIENT_RETRY_DELAY`].
const TRANSIENT_RETRY_DELAY: Duration = Duration::from_millis(500);
const MAX_TRANSIENT_RETRY_DELAY: Duration = Duration::from_secs(4);
/// The longest `retry_after` an interactive reply waits for; a longer one is reported, so the handler's user gets
/// the apology instead of silence.
const MAX_INTERACTIVE_WAIT: Duration = Duration::from_secs(10);

/// Runs `attempt` again while it fails for a reason worth retrying and the next try would still start within
/// `patience` of the first (interactive replies: [`INTERACTIVE_PATIENCE`]): network, timeout or 5xx (after 0.5 s,
/// then 1, 2, 4, 4… s), or a 429 whose `retry_after` is short (after that delay; Telegram may refuse several times
/// in a row, hence a time budget rather than a number of tries). An interactive reply arriving a little late beats
/// one that never arrives. (A timeout after Telegram delivered can show the message twice; a call that failed or
/// was refused was not carried out, so its retry cannot.)
async fn retry_within<F, Fut>(patience: Duration, mut attempt: F) -> SendOutcome
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = SendOutcome>,
{
    let started = tokio::time::Instant::now();
    let mut backoff = TRANSIENT_RETRY_DELAY;
    let mut outcome = attempt().await;
    loop {
        let pause = match &outcome {
            SendOutcome::Transient(_) => {
                let pause = backoff;
                backoff = (backoff * 2).min(MAX_TRANSIENT_RETRY_DELAY);
                pause
            }
            SendOutcome::RetryAfter(delay) if *delay <= MAX_INTERACTIVE_WAIT => *delay,
            _ => return outcome,
        };
        if started.elapsed() + pause > patience {
            return outcome;
        }
        match &outcome {
            SendOutcome::Transient(reason) => tracing::warn!(reason, ?pause, "transient Telegram failure, retrying"),
            _ => tracing::warn!(?pause, "Telegram asked to wait again, retrying after the delay"),
        }
        tokio::time::sleep(pause).await;
        outcome = attempt().await;
    }
}

/// A failed call: counted by method and code ([`crate::observe::telegram_error`]), then classified.
fn failed(method: &'static str, error: &RequestError) -> SendOutcome {
    crate::observe::telegram_error(method, error_code(error));
    SendOutcome::from_error(error)
}

/// The HTTP status Telegram answered with, as a metric label (teloxide keeps the description, not the code); `network`
/// when no answer came, `invalid_json` when the answer could not be read.
fn error_code(error: &RequestError) -> &'static str {
    match error {
        RequestError::RetryAfter(_) => "429",
        RequestError::Api(
            ApiError::BotBlocked
            | ApiError::UserDeactivated
            | ApiError::BotKicked
            | ApiError::BotKickedFromSupergroup
            | ApiError::CantInitiateConversation
            | ApiError::CantTalkWithBots,
        ) => "403",
        RequestError::Api(ApiError::InvalidToken) => "401",
        RequestError::Api(ApiError::Unknown(description)) => match description.as_str() {
            d if d.starts_with("Internal Server Error") => "500",
            d if d.starts_with("Bad Gateway") => "502",
            d if d.starts_with("Service Unavailable") => "503",
            d if d.starts_with("Gateway Timeout") => "504",
            d if d.starts_with("Forbidden") => "403",
            d if d.starts_with("Unauthorized") => "401",
            d if d.starts_with("Not Found") => "404",
            _ => "400",
        },
        RequestError::Api(_) | RequestError::MigrateToChatId(_) => "400",
        RequestError::Network(_) | RequestError::Io(_) => "network",
        RequestError::InvalidJson { .. } => "invalid_json",
    }
}

fn is_server_error(description: &str) -> bool {
    ["Internal Server Error", "Bad Gateway", "Service Unavailable", "Gateway Timeout"]
        .iter()
        .any(|reason| description.starts_with(reason))
}

fn no_link_preview() -> LinkPreviewOptions {
    LinkPreviewOptions {
        is_disabled: true,
        url: None,
        prefer_small_media: false,
        prefer_large_media: false,
        show_above_text: false,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use teloxide::types::Seconds;

    use super::*;

    /// Telegram may answer 429 several times in a row (six in the hardening test, all to one chat): a reply keeps
    /// being retried while its time budget lasts, however many refusals that takes.
    #[tokio::test]
    async fn a_reply_outlasts_many_429s_in_a_row() {
        let tries = AtomicU32::new(0);
        let outcome = retry_within(Duration::from_secs(5), || async {
            if tries.fetch_add(1, Ordering::SeqCst) < 8 {
                SendOutcome::RetryAfter(Duration::ZERO)
            } else {
                SendOutcome::Sent(MessageId(1))
            }
        })
        .await;
        assert_eq!(outcome, SendOutcome::Sent(MessageId(1)));
        assert_eq!(tries.load(Ordering::SeqCst), 9);
    }

    /// A failure that does not clear is reported once the next try would start after the time budget (0.5 s, then
    /// 1 s: the third try would start at 1.5 s, past a budget of 1 s).
    #[tokio::test]
    async fn a_transient_failure_is_reported_when_the_budget_is_spent() {
        let tries = AtomicU32::new(0);
        let started = std::time::Instant::now();
        let outcome = retry_within(Duration::from_secs(1), || async {
            tries.fetch_add(1, Ordering::SeqCst);
            SendOutcome::Transient("connection reset".into())
        })
        .await;
        assert!(matches!(outcome, SendOutcome::Transient(_)));
        assert_eq!(tries.load(Ordering::SeqCst), 2);
        assert!(started.elapsed() < Duration::from_secs(1));
        // A rejection is final at once.
        let outcome = retry_within(Duration::from_secs(1), || async { SendOutcome::Rejected("bad".into()) }).await;
        assert!(matches!(outcome, SendOutcome::Rejected(_)));
    }

    #[test]
    fn blocked_and_deactivated_users_are_unreachable() {
        for error in [ApiError::BotBlocked, ApiError::UserDeactivated, ApiError::ChatNotFound] {
            assert_eq!(SendOutcome::from_error(&RequestError::Api(error)), SendOutcome::Unreachable);
        }
    }

    #[test]
    fn an_unmodified_edit_is_not_a_failure() {
        let outcome = SendOutcome::from_error(&RequestError::Api(ApiError::MessageNotModified));
        assert!(outcome.is_delivered());
    }

    #[test]
    fn server_errors_are_transient_and_bad_requests_are_not() {
        let bad_gateway = RequestError::Api(ApiError::Unknown("Bad Gateway".to_owned()));
        assert_eq!(SendOutcome::from_error(&bad_gateway), SendOutcome::Transient("Bad Gateway".to_owned()));
        let odd = RequestError::Api(ApiError::Unknown("Bad Request: something new".to_owned()));
        assert!(matches!(SendOutcome::from_error(&odd), SendOutcome::Rejected(_)));
    }

    #[test]
    fn error_codes_name_the_http_status() {
        assert_eq!(error_code(&RequestError::RetryAfter(Seconds::from_seconds(3))), "429");
        assert_eq!(error_code(&RequestError::Api(ApiError::BotBlocked)), "403");
        assert_eq!(error_code(&RequestError::Api(ApiError::Unknown("Bad Gateway".to_owned()))), "502");
        assert_eq!(error_code(&RequestError::Api(ApiError::MessageNotModified)), "400");
    }

    #[test]
    fn rate_limits_carry_their_delay() {
        let outcome = SendOutcome::from_error(&RequestError::RetryAfter(Seconds::from_seconds(3)));
        assert_eq!(outcome, SendOutcome::RetryAfter(Duration::from_secs(3)));
    }
}
