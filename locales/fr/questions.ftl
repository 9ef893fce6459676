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
