//! `accelerateur`: a Telegram bot serving a free e-commerce training programme
//! to French small businesses.

// Local Telegram Bot API: integration tests and the browser sandbox run the bot against it.
pub mod telegram_emulator;
