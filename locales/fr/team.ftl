## L'équipe : /formateurs (administrateurs seulement)

cmd-formateurs = Gérer les formateurs : lister, ajouter, retirer (admin)
admins-only-button = Ce bouton est réservé aux administrateurs du bot.
team-title = <b>L'équipe du programme</b> ({ $count })
team-empty = Personne n'a encore de rôle dans l'équipe.
team-admin = 👑 { $name } — administrateur
team-trainer = 🎓 { $name } — formateur
team-configured = (fixé par la configuration du serveur)
team-not-reached = (n'a pas encore ouvert le bot : il ne reçoit rien pour l'instant)
team-unnamed = id { $id }
team-help =
    Pour ajouter un formateur : « Ajouter un formateur ». Les personnes fixées par la configuration du serveur (ACCEL_ADMINS, ACCEL_TRAINERS) se retirent dans cette configuration, pas ici.
team-add-button = ➕ Ajouter un formateur
team-remove-button = Retirer { $name }
team-cancel-button = Annuler
team-back-button = ↩️ Retour à l'équipe
team-confirm-button = Oui, retirer
team-ask-person =
    Transférez-moi un message de la personne à ajouter, ou envoyez son identifiant Telegram (un nombre).

    Elle recevra ensuite les questions transmises aux formateurs et le menu des formateurs. /annuler pour arrêter.
team-person-hidden =
    Ce message transféré ne dit pas qui l'a écrit (la personne a masqué son compte dans ses réglages de confidentialité). Envoyez plutôt son identifiant Telegram (un nombre) : elle peut le trouver avec un bot comme @userinfobot.
team-person-invalid =
    Je n'ai reconnu ni un message transféré d'une personne, ni un identifiant Telegram (un nombre). Réessayez, ou /annuler.
team-person-bot = Un bot ne peut pas être formateur. Transférez un message d'une personne, ou /annuler.
team-granted =
    { $name } fait maintenant partie des formateurs : { $name } reçoit les questions transmises et a le menu des formateurs.
team-granted-not-reached =
    { $name } fait maintenant partie des formateurs. Cette personne n'a pas encore ouvert le bot : elle recevra les questions transmises dès qu'elle lui aura écrit (/start).
team-already-trainer = { $name } est déjà formateur.
team-already-admin = { $name } est administrateur : rien à changer.
team-add-cancelled = Ajout annulé.
team-confirm-remove = Retirer { $name } de l'équipe ? Cette personne ne recevra plus les questions transmises et retrouvera le menu des commerçants.
team-removed = { $name } ne fait plus partie de l'équipe.
team-remove-configured = { $name } est fixé par la configuration du serveur : retirez cette personne d'ACCEL_ADMINS / ACCEL_TRAINERS, puis redémarrez le bot.
team-remove-self = Vous ne pouvez pas vous retirer vous-même : demandez-le à un autre administrateur.
team-not-staff = { $name } ne fait déjà plus partie de l'équipe.

## Résumé hebdomadaire (administrateurs)

cmd-resume-hebdo = Recevoir (ou non) le résumé des statistiques chaque lundi (admin)
weekly-on = ✅ Vous recevrez le résumé des statistiques chaque lundi à 8 h. Tapez /resume_hebdo pour l'arrêter.
weekly-off = 👍 Vous ne recevrez plus le résumé du lundi. Tapez /resume_hebdo pour le reprendre.
weekly-title = 📊 <b>Résumé de la semaine</b>
