//! Slash commands, typed, and their registration with `setMyCommands`.
//!
//! Merchants see [`Command`]; trainers also see [`StaffCommand`]; admins also see [`AdminCommand`]. Telegram shows
//! each its own list through a per-chat scope. Descriptions are French Fluent messages.

use teloxide::{
    prelude::*,
    types::{BotCommand, BotCommandScope, Recipient},
    utils::command::BotCommands,
};

use fuzzy_matcher::{FuzzyMatcher, skim::SkimMatcherV2};

use crate::{roles::Role, telegram::Tg, tr};

/// Commands every merchant can use.
#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "snake_case")]
pub enum Command {
    Start,
    Menu,
    Aide,
    Help,
    Parcours,
    Progression,
    Webinaires,
    Rappels,
    MesDonnees,
    SupprimerMesDonnees,
    Formateur(String),
}

/// Commands for trainers (and admins).
#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "snake_case")]
pub enum StaffCommand {
    Stats,
    Questions,
    SansReponse,
    Fiche(String),
    Annonce,
    Annonces,
    Seances,
    SeanceAjouter(String),
    SeanceAnnuler(String),
    SeanceModifier(String),
}

/// Commands for admins only.
#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "snake_case")]
pub enum AdminCommand {
    RechargerFaq,
    FaqHistorique(String),
    Formateurs,
    ResumeHebdo,
    Faq,
    FaqNouvelle,
}

/// The commands shown to merchants (`/menu` and `/help` work but are not advertised).
#[must_use]
pub fn merchant_list() -> Vec<BotCommand> {
    vec![
        BotCommand::new("start", tr!("cmd-start")),
        BotCommand::new("parcours", tr!("cmd-parcours")),
        BotCommand::new("progression", tr!("cmd-progression")),
        BotCommand::new("webinaires", tr!("cmd-webinaires")),
        BotCommand::new("rappels", tr!("cmd-rappels")),
        BotCommand::new("formateur", tr!("cmd-formateur")),
        BotCommand::new("aide", tr!("cmd-aide")),
        BotCommand::new("mes_donnees", tr!("cmd-mes-donnees")),
        BotCommand::new("supprimer_mes_donnees", tr!("cmd-supprimer-mes-donnees")),
    ]
}

#[must_use]
pub fn staff_list() -> Vec<BotCommand> {
    vec![
        BotCommand::new("stats", tr!("cmd-stats")),
        BotCommand::new("questions", tr!("cmd-questions")),
        BotCommand::new("fiche", tr!("cmd-fiche")),
        BotCommand::new("annonce", tr!("cmd-annonce")),
        BotCommand::new("annonces", tr!("cmd-annonces")),
        BotCommand::new("seances", tr!("cmd-seances")),
        BotCommand::new("seance_ajouter", tr!("cmd-seance-ajouter")),
        BotCommand::new("seance_annuler", tr!("cmd-seance-annuler")),
        BotCommand::new("seance_modifier", tr!("cmd-seance-modifier")),
    ]
}

#[must_use]
pub fn admin_list() -> Vec<BotCommand> {
    vec![
        BotCommand::new("formateurs", tr!("cmd-formateurs")),
        BotCommand::new("recharger_faq", tr!("cmd-recharger-faq")),
        BotCommand::new("faq_historique", tr!("cmd-faq-historique")),
        BotCommand::new("faq", tr!("cmd-faq")),
        BotCommand::new("faq_nouvelle", tr!("cmd-faq-nouvelle")),
        BotCommand::new("resume_hebdo", tr!("cmd-resume-hebdo")),
    ]
}

/// The list a user with `role` sees: their role's own commands first (admin, then staff), then the merchant
/// commands, so that a phone's "/" menu shows what only they can do without scrolling.
#[must_use]
pub fn list_for(role: Role) -> Vec<BotCommand> {
    let mut commands = Vec::new();
    if role >= Role::Admin {
        commands.extend(admin_list());
    }
    if role >= Role::Trainer {
        commands.extend(staff_list());
    }
    commands.extend(merchant_list());
    commands
}

/// The advertised command closest to a mistyped one (`/parcour`, `/progresion`), fzf-style, for a "did you
/// mean" hint. Only commands the user's role can see are proposed.
#[must_use]
pub fn closest(typed: &str, role: Role) -> Option<String> {
    let matcher = SkimMatcherV2::default();
    let typed = typed.trim_start_matches('/').split(['@', ' ']).next().unwrap_or_default().to_lowercase();
    if typed.len() < 2 {
        return None;
    }
    list_for(role)
        .into_iter()
        .filter_map(|command| matcher.fuzzy_match(&command.command, &typed).map(|score| (score, command.command)))
        .max_by_key(|(score, _)| *score)
        .map(|(_, command)| command)
}

/// Registers the merchant list for everyone, and the longer lists in the private chats of staff members (see
/// `crate::roles`, which also changes one chat's list when a role is granted or revoked).
pub async fn register(bot: &Tg, staff: &[(UserId, Role)]) -> Result<(), teloxide::RequestError> {
    bot.set_my_commands(merchant_list()).await?;
    for (user, role) in staff {
        let scope = BotCommandScope::Chat { chat_id: Recipient::Id(ChatId::from(*user)) };
        bot.set_my_commands(list_for(*role)).scope(scope).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[BotCommand]) -> Vec<String> {
        list.iter().map(|c| c.command.clone()).collect()
    }

    #[test]
    fn every_advertised_command_parses() {
        for command in names(&list_for(Role::Admin)) {
            let text = format!("/{command}");
            let parsed = Command::parse(&text, "bot").is_ok()
                || StaffCommand::parse(&text, "bot").is_ok()
                || AdminCommand::parse(&text, "bot").is_ok();
            assert!(parsed, "{text} is advertised but not handled");
        }
    }

    #[test]
    fn staff_see_their_own_commands_first() {
        assert_eq!(
            names(&list_for(Role::Admin))[..7],
            ["formateurs", "recharger_faq", "faq_historique", "faq", "faq_nouvelle", "resume_hebdo", "stats"]
        );
        assert_eq!(names(&list_for(Role::Trainer))[..2], ["stats", "questions"]);
        assert_eq!(names(&list_for(Role::Merchant))[0], "start");
    }

    #[test]
    fn merchants_do_not_see_staff_commands() {
        let merchant = names(&list_for(Role::Merchant));
        assert!(!merchant.contains(&"stats".to_owned()));
        assert!(names(&list_for(Role::Trainer)).contains(&"stats".to_owned()));
        assert!(!names(&list_for(Role::Trainer)).contains(&"recharger_faq".to_owned()));
        assert!(!names(&list_for(Role::Trainer)).contains(&"formateurs".to_owned()));
    }

    #[test]
    fn mistyped_commands_find_their_closest_match() {
        assert_eq!(closest("/parcour", Role::Merchant).as_deref(), Some("parcours"));
        assert_eq!(closest("/progresion", Role::Merchant).as_deref(), Some("progression"));
        assert_eq!(closest("/aid@accelerateur_bot", Role::Merchant).as_deref(), Some("aide"));
        assert_eq!(
            closest("/stat", Role::Merchant).as_deref(),
            Some("start"),
            "merchants are not offered staff commands"
        );
        assert_eq!(closest("/stat", Role::Trainer).as_deref(), Some("stats"));
        assert_eq!(closest("/xyzzy", Role::Merchant), None);
    }

    #[test]
    fn descriptions_fit_telegram_limits() {
        for command in list_for(Role::Admin) {
            assert!((1..=256).contains(&command.description.chars().count()), "{}", command.command);
        }
    }
}
