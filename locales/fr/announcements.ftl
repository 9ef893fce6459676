# Trainers' announcements: /annonce (composition), the progress message and report, /annonces.

cmd-annonce = Envoyer une annonce aux commerçants
cmd-annonces = Annonces récentes et programmées

announce-ask-text =
    📣 <b>Nouvelle annonce</b>

    Écrivez le texte de l'annonce. La mise en forme Telegram est permise : <b>gras</b>, <i>italique</i> et liens (balises HTML <code>b</code>, <code>i</code>, <code>a</code>).
    Envoyez /annuler pour abandonner.
announce-text-only = Il me faut le texte de l'annonce (un message écrit). Envoyez /annuler pour abandonner.
announce-ask-button =
    Voulez-vous un bouton lien sous l'annonce ?
    Envoyez-le sous la forme <code>Libellé | adresse</code> (une adresse en https), ou appuyez sur « Sans bouton ».
announce-button-invalid = Je n'ai pas compris ce bouton. Écrivez <code>Libellé | adresse</code> (une adresse en https), ou appuyez sur « Sans bouton ».
announce-no-button = Sans bouton
announce-preview-title = 👀 <b>Aperçu</b> : voici l'annonce telle que les commerçants la recevront.
announce-markup-rejected =
    ⚠️ Telegram refuse cette mise en forme : <i>{ $reason }</i>

    Vérifiez que chaque balise ouverte est fermée (<code>b</code> … <code>/b</code>) et que seules les balises permises sont utilisées, puis renvoyez le texte. Rien n'a été envoyé.
announce-ask-audience = À qui l'envoyer ?
announce-audience-all = Tous les commerçants ({ $count })
announce-audience-reminders = Abonnés aux rappels ({ $count })
announce-audience-chapter = Ont commencé « { $title } » ({ $count })
announce-confirm =
    Destinataires : <b>{ $count }</b>.
    Envoyer maintenant, programmer l'envoi, ou annuler ?
announce-send-now = ✅ Envoyer maintenant
announce-schedule = 🕒 Programmer
announce-abort = Annuler
announce-aborted = Annonce annulée : rien n'a été envoyé.
announce-ask-time = Quand l'envoyer ? Écrivez la date et l'heure ({ $timezone }), par exemple <code>{ $example }</code>.
announce-time-invalid = Je n'ai pas compris cette date. Écrivez-la comme <code>{ $example }</code>, dans le futur.
announce-scheduled = 🕒 Annonce programmée pour { $when } ({ $count } destinataires). /annonces pour la voir ou l'annuler.
announce-already-confirmed = Cette annonce a déjà été confirmée.
announce-expired = Cette composition n'est plus en cours. Envoyez /annonce pour en commencer une.
announce-nobody = Personne ne correspond à ce choix pour le moment. Choisissez un autre public.
announce-progress = 📤 Envoi en cours : { $done } / { $total }
announce-stop = ⏹ Arrêter l'envoi
announce-stopped = Envoi arrêté.
announce-not-running = Cette annonce n'est plus en cours.
announce-cancelled = Annonce programmée annulée.
announce-report =
    ✅ <b>Annonce terminée</b> ({ $total } destinataires)

    Reçue : { $sent }
    Injoignables (bot bloqué, compte supprimé) : { $unreachable }
    Échecs : { $failed }
    Non envoyées (envoi arrêté) : { $cancelled }
announce-list-title = 📣 <b>Annonces</b>
announce-list-none = Aucune annonce pour le moment. /annonce pour en écrire une.
announce-list-item = • n°{ $id }, { $status } : { $sent } reçues, { $unreachable } injoignables, { $failed } échecs sur { $total }
announce-status-scheduled = programmée pour { $when }
announce-status-sending = en cours
announce-status-done = terminée
announce-status-stopped = arrêtée
announce-status-cancelled = annulée
announce-cancel-button = Annuler l'annonce n°{ $id }
