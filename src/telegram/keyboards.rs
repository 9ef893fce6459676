//! Inline keyboards shared by several handlers.

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::{
    telegram::callback::{CallbackData, MenuItem},
    tr,
};

/// A button carrying typed callback data.
#[must_use]
pub fn button(label: String, data: &CallbackData) -> InlineKeyboardButton {
    InlineKeyboardButton::callback(label, data.to_string())
}

/// The main menu: the five entry points of the bot.
#[must_use]
pub fn main_menu() -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![
        vec![
            button(tr!("menu-ask"), &CallbackData::Menu(MenuItem::Ask)),
            button(tr!("menu-course"), &CallbackData::Menu(MenuItem::Course)),
        ],
        vec![
            button(tr!("menu-webinars"), &CallbackData::Menu(MenuItem::Webinars)),
            button(tr!("menu-reminders"), &CallbackData::Menu(MenuItem::Reminders)),
        ],
        vec![button(tr!("menu-help"), &CallbackData::Menu(MenuItem::Help))],
    ])
}

/// A single "back to the main menu" button.
#[must_use]
pub fn back_to_menu() -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![vec![button(tr!("menu-back"), &CallbackData::Menu(MenuItem::Home))]])
}
