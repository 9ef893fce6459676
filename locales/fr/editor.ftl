# The FAQ editor in chat (admins): /faq, /faq_nouvelle and the buttons of an entry.

cmd-faq = Modifier la FAQ : chapitres, recherche, questions (admin)
cmd-faq-nouvelle = Ajouter une question à la FAQ, pas à pas (admin)
inbox-new-entry = ➕ Nouvelle entrée avec le n° { $number }

editor-menu = 📚 <b>FAQ</b> : { $count } questions. Choisissez un chapitre, cherchez une question ou ajoutez-en une.
editor-chapter-button = { $chapter } ({ $count })
editor-chapter-programme = Le programme
editor-new-button = ➕ Nouvelle entrée
editor-search-button = 🔎 Rechercher
editor-menu-button = 📚 Menu de la FAQ
editor-chapter = 📂 <b>{ $chapter }</b> : { $count } questions (page { $page }/{ $pages }). Touchez une question pour la voir et la modifier.
editor-search-found = 🔎 Questions les plus proches de « { $words } », la meilleure d'abord :
editor-search-none = 🔎 Aucune question ne ressemble à « { $words } ».
editor-ask-search = 🔎 Envoyez quelques mots de la question recherchée.

editor-entry =
    <b>{ $question }</b>
    Identifiant : { $id } · chapitre : { $chapter }
    Modules : { $modules }
editor-no-modules = aucun
editor-entry-variants = { $count ->
    [one] Une variante :
   *[other] { $count } variantes :
}
editor-entry-answer =
    Réponse :
    { $answer }
editor-edit-question = ✏️ Question
editor-edit-answer = ✏️ Réponse
editor-edit-chapter = 📂 Chapitre et modules
editor-add-variant = ➕ Variante
editor-remove-variant = ➖ Variante
editor-delete = 🗑 Supprimer
editor-back-chapter = ◀️ Chapitre
editor-back-entry = ◀️ Retour à la question
editor-variants = Quelle variante de « { $id } » retirer ?
editor-ask-delete = Supprimer « { $id } » de la FAQ ? Elle restera dans /faq_historique et pourra être restaurée.
editor-delete-confirm = Oui, supprimer
editor-deleted = 🗑 « { $id } » est supprimée. /faq_historique { $id } permet de la restaurer.

editor-cancel = Annuler
editor-done = ✅ Terminé
editor-cancelled = Modification abandonnée : rien n'a été enregistré.
editor-text-only = J'attends un texte. Envoyez-le, ou /annuler.
editor-use-buttons = Choisissez avec les boutons du message précédent, ou /annuler.
editor-step-expired = Cette étape est terminée ou a expiré : recommencez depuis /faq.
editor-entry-gone = Cette question n'existe plus dans la FAQ.
editor-question-gone = Cette question de commerçant n'existe plus (effacée ou purgée).
editor-problems = ⚠️ À corriger avant de continuer :

editor-ask-question = ➕ <b>Nouvelle entrée</b> (1/5). Envoyez la question telle que les commerçants la liront, par exemple : Comment choisir mon nom de domaine ? (ou /annuler)
editor-from-question =
    ➕ <b>Nouvelle entrée</b> (1/5) à partir de la question d'un commerçant :
    « { $question } »
    Gardez-la, ou envoyez la question telle que les commerçants la liront.
editor-keep-question = ✅ Garder cette question
editor-ask-variants = Question : « { $question } ». (2/5) Envoyez maintenant d'autres façons de la poser, une par message ({ $min } au moins), puis touchez « Terminé ».
editor-variant-added = { $count ->
    [one] Une variante enregistrée
   *[other] { $count } variantes enregistrées
} ({ $min } au moins). Une autre, ou « Terminé ».
editor-ask-answer = (3/5) Envoyez la réponse, en texte simple (un lien doit commencer par https).
editor-answer-preview = ☝️ Voici la réponse telle que les commerçants la recevront. Validez-la, ou envoyez un autre texte pour la remplacer.
editor-answer-ok = ✅ Valider la réponse
editor-ask-chapter = (4/5) Dans quel chapitre ranger cette question ?
editor-ask-modules = (5/5) Chapitre « { $chapter } ». Touchez les modules du parcours à proposer sous la réponse (3 au plus), puis « Terminé ».
editor-confirm = Tout est prêt. Enregistrer cette question ? Elle sera en ligne aussitôt.
editor-save = ✅ Enregistrer

editor-ask-new-question = Envoyez la nouvelle question de « { $id } » (ou /annuler).
editor-ask-new-answer = Envoyez la nouvelle réponse de « { $id } » (ou /annuler).
editor-ask-new-variant = Envoyez la variante à ajouter à « { $id } » (ou /annuler).
editor-saved = ✅ « { $id } » est enregistrée (révision n° { $revision }) et en ligne.
editor-unchanged = « { $id } » n'a pas changé : rien à enregistrer.

editor-duplicate-elsewhere = cette formulation est déjà celle de la question « { $id } » (ajoutez-y plutôt une variante)
editor-duplicate-here = cette formulation est déjà dans cette question
editor-variant-empty = variante vide
editor-variant-too-long = variante de { $chars } caractères ({ $max } au plus)
editor-answer-too-short = réponse de { $chars } caractères : trop courte ({ $min } au moins)
