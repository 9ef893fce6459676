//! Roles: who may do what, in one place.
//!
//! The database is the source of truth (`users.role`, guarded by a CHECK in both backends). At start-up
//! [`seed`] grants the roles named in `ACCEL_ADMINS` / `ACCEL_TRAINERS` (it never takes one away); after that,
//! admins grant and revoke trainers in the bot (`/formateurs`). Everything that depends on a role asks here, per
//! update: the routing guards (the role returned when the update's sender is recorded, see
//! `telegram::sender`, or [`role_of`]), the notes about forwarded questions ([`reachable_staff`]), the
//! command menus ([`grant`] and [`revoke`] update the person's own menu; [`register_menus`] sets them all at
//! start-up) and the sandbox's demo identities. Nothing keeps a role beyond one update.

use serde::Serialize;
use teloxide::{
    prelude::*,
    types::{BotCommandScope, Recipient},
};

use crate::{
    config::RoleSettings,
    storage::{Db, DbResult},
    telegram::{Tg, commands},
};

/// What a user may do. Ordered: an admin can do everything a trainer can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Merchant,
    Trainer,
    Admin,
}

impl Role {
    /// The value stored in `users.role`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Merchant => "merchant",
            Self::Trainer => "trainer",
            Self::Admin => "admin",
        }
    }

    /// Reads a stored value; the CHECK constraint makes anything else impossible, and it would grant nothing.
    #[must_use]
    pub fn parse(raw: &str) -> Self {
        match raw {
            "admin" => Self::Admin,
            "trainer" => Self::Trainer,
            _ => Self::Merchant,
        }
    }
}

/// One trainer or admin, as `/formateurs` lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub id: UserId,
    /// Empty until they first write to the bot (granted by their numeric id, or seeded).
    pub first_name: String,
    pub role: Role,
    /// They opened the bot and did not block it: notes can reach them.
    pub reachable: bool,
}

/// The role of `user`, read from the database now. A user the database does not know is a merchant; so is
/// everyone when the database fails (logged): privileges are never granted by an error.
pub async fn role_of(db: &Db, user: UserId) -> Role {
    match db.role(user).await {
        Ok(role) => role,
        Err(error) => {
            tracing::error!(error = ?error, "cannot read the role; treating the user as a merchant");
            Role::Merchant
        }
    }
}

/// Every trainer and admin, admins first.
pub async fn staff(db: &Db) -> DbResult<Vec<StaffMember>> {
    db.staff().await
}

/// The trainers and admins a note can be sent to now (they opened the bot and did not block it).
pub async fn reachable_staff(db: &Db) -> DbResult<Vec<UserId>> {
    Ok(staff(db).await?.into_iter().filter(|member| member.reachable).map(|member| member.id).collect())
}

/// What [`grant`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Granted {
    /// They are a trainer now.
    Trainer,
    /// They already were a trainer or an admin: nothing changed.
    AlreadyStaff(Role),
}

/// Makes `user` a trainer (creating their row if they never wrote to the bot) and gives them the trainer menu.
pub async fn grant(db: &Db, bot: &Tg, user: UserId, first_name: Option<&str>, now: i64) -> DbResult<Granted> {
    let before = db.grant_trainer(user, first_name.unwrap_or_default(), now).await?;
    if before >= Role::Trainer {
        return Ok(Granted::AlreadyStaff(before));
    }
    tracing::info!(user = user.0, "trainer granted");
    set_menu(bot, user, Role::Trainer).await;
    Ok(Granted::Trainer)
}

/// Makes `user` a merchant again and gives them the default menu back. Returns whether they were staff.
pub async fn revoke(db: &Db, bot: &Tg, user: UserId) -> DbResult<bool> {
    let revoked = db.revoke_staff(user).await?;
    if revoked {
        tracing::info!(user = user.0, "staff role revoked");
        set_menu(bot, user, Role::Merchant).await;
    }
    Ok(revoked)
}

/// Grants the configured roles (`ACCEL_ADMINS`, then `ACCEL_TRAINERS`): the database keeps any role granted in
/// the bot, and an admin listed as trainer stays an admin. Nobody is demoted here.
pub async fn seed(db: &Db, roles: &RoleSettings, now: i64) -> DbResult<()> {
    for admin in &roles.admins {
        db.seed_role(*admin, Role::Admin, now).await?;
    }
    for trainer in roles.trainers.iter().filter(|id| !roles.admins.contains(id)) {
        db.seed_role(*trainer, Role::Trainer, now).await?;
    }
    Ok(())
}

/// Whether the configuration names `user`: such a role comes back at every start, so it is not revoked in chat.
#[must_use]
pub fn is_configured(roles: &RoleSettings, user: UserId) -> bool {
    roles.admins.contains(&user) || roles.trainers.contains(&user)
}

/// Registers the default (merchant) menu, and each trainer's and admin's own menu in their private chat.
pub async fn register_menus(db: &Db, bot: &Tg) -> anyhow::Result<()> {
    let staff: Vec<(UserId, Role)> = staff(db).await?.into_iter().map(|member| (member.id, member.role)).collect();
    commands::register(bot, &staff).await?;
    Ok(())
}

/// The menu of `user`'s private chat for `role`: the staff lists, or the default menu back for a merchant. A
/// failure is logged and left: the role itself is what guards the commands.
async fn set_menu(bot: &Tg, user: UserId, role: Role) {
    let scope = BotCommandScope::Chat { chat_id: Recipient::Id(ChatId::from(user)) };
    let result = match role {
        Role::Merchant => bot.delete_my_commands().scope(scope).await.map(|_| ()),
        _ => bot.set_my_commands(commands::list_for(role)).scope(scope).await.map(|_| ()),
    };
    if let Err(error) = result {
        tracing::warn!(error = %error, user = user.0, "cannot update the command menu of this chat");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_and_round_trip() {
        assert!(Role::Admin > Role::Trainer && Role::Trainer > Role::Merchant);
        for role in [Role::Merchant, Role::Trainer, Role::Admin] {
            assert_eq!(Role::parse(role.as_str()), role);
        }
        assert_eq!(Role::parse("superuser"), Role::Merchant, "an unknown value grants nothing");
    }

    #[test]
    fn configured_people_are_recognised() {
        let roles = RoleSettings { admins: vec![UserId(1)], trainers: vec![UserId(2)] };
        assert!(is_configured(&roles, UserId(1)) && is_configured(&roles, UserId(2)));
        assert!(!is_configured(&roles, UserId(3)));
    }
}
