## Questions des commerçants : réponses, suggestions, « je ne sais pas », politesse.

answer-card =
    <b>{ $question }</b>

    { $answer }
answer-source = <i>Source : <a href="{ $url }">{ $site }</a></i>
answer-ask-feedback = <i>Cette réponse vous a aidé ?</i>
answer-thanks-helpful = <i>Merci pour votre retour 🙏</i>
answer-thanks-not-helpful = <i>Merci, nous allons améliorer cette réponse. Un formateur peut aussi vous répondre personnellement :</i>
answer-yes = 👍 Oui
answer-no = 👎 Non
feedback-thanks = Merci pour votre avis !

suggest-title =
    🤔 <b>Vouliez-vous dire…</b>

    Choisissez la question la plus proche de la vôtre :
suggest-none = 📨 Aucune : transmettre à un formateur

fallback-text =
    Je n'ai pas de réponse fiable à cette question, et je préfère ne pas vous répondre à côté 🙏

    Un formateur peut vous répondre, ou reformulez en quelques mots.
fallback-off-topic =
    Je réponds aux questions sur la vente en ligne et sur la formation Accélérateur : ce message-là sort de mon domaine 🙂

    Reformulez votre question en quelques mots, ou parcourez les chapitres.
fallback-chapters = 🎓 Parcourir les chapitres
forward-button = 📨 Transmettre à un formateur
forward-done-short = Question transmise ✅
forward-done =
    📨 <b>Question transmise</b> à l'équipe des formateurs. Un formateur l'a reçue et vous répondra ici, dans cette conversation.
forward-done-later =
    📨 <b>Question enregistrée</b> pour l'équipe des formateurs. Aucun formateur n'est joignable dans le bot pour le moment : elle leur sera présentée à leur prochaine connexion, et la réponse arrivera ici. Cela peut prendre quelques jours.
forward-to-trainer =
    📨 <b>Question transmise par { $first_name }</b>

    <i>{ $question }</i>
staff-pending-title =
    📨 <b>Questions transmises avant votre arrivée</b> ({ $count })

    Elles attendent une réponse d'un formateur :

trainer-how =
    📨 Pour écrire à un formateur, tapez /formateur suivi de votre message, par exemple :
    « /formateur je n'arrive pas à relier mon nom de domaine à ma boutique »

    L'équipe vous répondra ici.

question-empty =
    Je n'ai pas trouvé de question dans votre message 🙂

    Écrivez-la en quelques mots, par exemple « comment choisir un transporteur ? », ou utilisez le menu :

smalltalk-greeting = Bonjour ! 👋 Posez-moi votre question sur la vente en ligne, ou choisissez dans le menu :
smalltalk-greeting-again = Re-bonjour ! 👋 Je vous écoute : posez votre question.
smalltalk-thanks = Avec plaisir ! 😊 N'hésitez pas si vous avez une autre question.
smalltalk-ok = Parfait 👍 Je reste à votre disposition.
smalltalk-goodbye = À bientôt, et bonnes ventes ! 👋
smalltalk-laughter = 😄 Ça fait plaisir de vous faire sourire ! Une question sur votre boutique en ligne ?
smalltalk-about-bot = Je suis l'assistant du programme Accélérateur : un robot qui répond aux questions sur la vente en ligne et vous guide dans la formation. Pour parler à une personne, posez votre question : si je ne sais pas y répondre, je la transmets à un formateur.
smalltalk-how-are-you = Très bien, merci ! 😊 Et votre commerce ? Posez-moi votre question quand vous voulez.

## Boucle des formateurs : /questions, réponse d'un formateur, relance du commerçant.

inbox-empty = Aucune question en attente ces 30 derniers jours 🎉
inbox-title =
    📨 <b>Questions des commerçants</b> · { $groups ->
        [one] 1 sujet
       *[other] { $groups } sujets
    }, les plus récents d'abord · page { $page }/{ $pages }
inbox-group =
    <b>{ $number }.</b> <i>{ $question }</i>
    { $count ->
        [one] 1 fois
       *[other] { $count } fois
    } · { $waiting ->
        [0] toutes répondues
        [one] 1 en attente
       *[other] { $waiting } en attente
    } · { $forwarded ->
        [0] aucune transmise
        [one] 1 transmise
       *[other] { $forwarded } transmises
    }
inbox-guess = Meilleure piste : { $question }
inbox-no-guess = Aucune piste dans la FAQ
inbox-reply = ✍️ Répondre au n° { $number }
inbox-previous = ◀️ Précédents
inbox-next = Suivants ▶️
reply-button = ✍️ Répondre
reply-ask =
    ✍️ <b>Votre réponse à { $first_name }</b>

    <i>{ $question }</i>

    Écrivez votre réponse dans un seul message (ou /annuler) : elle lui sera envoyée telle quelle, avec sa question.
reply-text-only = Écrivez votre message en texte, ou tapez /annuler.
reply-to-merchant =
    💬 <b>Réponse de { $trainer }, de l'équipe des formateurs</b>

    Votre question : <i>{ $question }</i>

    { $answer }
reply-sent = ✅ Réponse envoyée à { $first_name }.
reply-aborted = 👍 Rien n'a été envoyé.
followup-button = ↩️ Répondre
followup-ask = ↩️ Écrivez votre message pour { $trainer } en un seul message (ou /annuler) : il lui sera transmis.
followup-used = Vous avez déjà répondu à ce message. Pour une nouvelle question, écrivez-la simplement ici, ou tapez /formateur suivi de votre message.
followup-sent = 📨 Message transmis. Vous aurez la réponse ici.
followup-to-trainer =
    ↩️ <b>{ $first_name } vous répond</b>

    <i>{ $message }</i>

## Ajouter une question comme variante d'une fiche (formateurs, administrateurs).

inbox-variant = ➕ Ajouter le n° { $number } comme variante
variant-button = ➕ Ajouter comme variante de…
variant-choose =
    ➕ <b>Ajouter comme variante</b>

    <i>{ $question }</i>

    De quelle fiche cette question est-elle une autre formulation ? Choisissez-la, ou cherchez-en une autre.
variant-no-guess =
    ➕ <b>Ajouter comme variante</b>

    <i>{ $question }</i>

    Aucune fiche proche : cherchez celle dont cette question est une autre formulation.
variant-search = 🔎 Chercher une fiche
variant-search-ask = 🔎 Tapez quelques mots de la fiche cherchée (ou son identifiant), ou /annuler.
variant-search-found = Fiches trouvées : choisissez celle à compléter.
variant-search-none = Aucune fiche ne correspond à ces mots. Essayez d'autres mots.
variant-added = ✅ Ajoutée comme variante de « { $entry } » (révision n° { $revision }). La même question reçoit désormais cette réponse directement.
variant-already = « { $entry } » a déjà cette formulation : rien à changer.
variant-gone = Cette fiche n'existe plus.
variant-refused =
    ❌ Variante refusée : la fiche ne serait plus valide ({ $count ->
        [one] { $count } problème
       *[other] { $count } problèmes
    }). Rien n'a été modifié.
