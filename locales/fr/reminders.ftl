## Webinaires et rappels : /webinaires, /rappels, la question de l'accueil, le rappel lui-même, les commandes
## des formateurs pour le planning (/seances, /seance_ajouter, /seance_annuler, /seance_modifier).

webinar-default-title = Questions-réponses en direct avec un formateur
webinars-coming-title = <b>Séances à venir</b>
webinars-coming-item = • { $when } : { $title }
webinars-none = Aucune séance n'est prévue pour le moment.

start-reminders-question = 🔔 Voulez-vous un rappel avec le lien de connexion chaque jour de webinaire ? Vous pourrez changer d'avis à tout moment avec /rappels.
onboarding-reminders-yes = 🔔 Oui, me le rappeler
onboarding-reminders-no = Non merci

reminders-on =
    🔔 <b>Mes rappels</b>

    Rappels <b>activés</b> ✅ : chaque jour de webinaire, vous recevez à { $time } (heure de Paris) un message avec le thème du jour et le lien de connexion. Pas de webinaire le week-end ni les jours fériés, sauf séance spéciale annoncée.
reminders-off =
    🔔 <b>Mes rappels</b>

    Rappels <b>désactivés</b> : vous ne recevez aucun message avant les webinaires.

    Activez-les pour recevoir à { $time } (heure de Paris), chaque jour de webinaire, le thème du jour et le lien de connexion.
reminders-turn-on = 🔔 Activer les rappels
reminders-turn-off = 🔕 Désactiver les rappels
reminders-stop = 🔕 Ne plus recevoir ces rappels
reminders-enabled-notice = Rappels activés
reminders-disabled-notice = Rappels désactivés
reminders-stopped-notice = Rappels désactivés. Pour les réactiver : /rappels

reminder-text =
    🔔 <b>Webinaire aujourd'hui à { $time }</b>

    { $title }
reminder-join-below = Appuyez sur le bouton ci-dessous pour rejoindre la séance : pas besoin de caméra ni de micro, vos questions se posent dans le chat.

webinar-cancel-notice =
    📅 <b>Pas de webinaire { $day }</b>

    { $message }

## Équipe : le planning des webinaires

sessions-day = le { $day }
sessions-title = 📅 <b>Prochaines séances</b>
sessions-item = • { $when } : { $title }{ $special ->
        [yes] {" "}(séance spéciale)
       *[no] {""}
    }
sessions-item-link = { "  " }lien : { $url }
sessions-help =
    Commandes du planning :
    • /seance_ajouter 19/12/2026 14h Titre | lien : une séance spéciale (le lien, une adresse web, est facultatif)
    • /seance_annuler 24/12/2026 Message aux abonnés : annuler un jour (le message est facultatif)
    • /seance_modifier 07/12/2026 Nouveau titre | lien : changer le titre, le lien ou les deux
sessions-usage-add = Tapez par exemple : /seance_ajouter 19/12/2026 14h Spécial Noël | { $example_link } (date, heure, titre, et le lien si ce n'est pas celui d'habitude).
sessions-usage-cancel = Tapez par exemple : /seance_annuler 24/12/2026 Bonnes fêtes, reprise le lundi 28 ! (date, puis le message facultatif envoyé aux abonnés des rappels).
sessions-usage-change = Tapez par exemple : /seance_modifier 07/12/2026 Les frais de port | { $example_link } (date, puis le nouveau titre, le nouveau lien après « | », ou les deux).
sessions-past = Ce jour est déjà passé : choisissez une date à venir.
sessions-no-session = Aucune séance n'est prévue { $day } : rien à changer.
sessions-added = ✅ Séance ajoutée : { $when }, « { $title } ».
sessions-cancelled = ✅ Webinaire annulé { $day }. { $notified ->
        [0] Aucun abonné prévenu.
        [one] { $notified } abonné prévenu.
       *[other] { $notified } abonnés prévenus.
    }
sessions-changed = ✅ Séance modifiée : { $when }, « { $title } ».

cmd-seances = Prochains webinaires et leurs liens (équipe)
cmd-seance-ajouter = Ajouter une séance spéciale (équipe)
cmd-seance-annuler = Annuler le webinaire d'un jour (équipe)
cmd-seance-modifier = Changer le titre ou le lien d'une séance (équipe)
