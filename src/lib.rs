//! `accelerateur`: a Telegram bot serving a free e-commerce training programme
//! to French small businesses.
