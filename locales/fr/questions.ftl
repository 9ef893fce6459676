## Questions des commerçants : réponses, suggestions, « je ne sais pas », politesse.

answer-card =
    <b>{ $question }</b>

    { $answer }
answer-source = <i>Source : <a href="{ $url }">{ $site }</a></i>
answer-ask-feedback = <i>Cette réponse vous a aidé ?</i>
answer-thanks-helpful = <i>Merci pour votre retour 🙏</i>
answer-thanks-not-helpful = <i>Merci, nous allons améliorer cette réponse. Un formateur peut aussi vous répondre personnellement :</i>
answer-yes = 👍 Oui
answer-no = 👎 Non
feedback-thanks = Merci pour votre avis !

suggest-title =
    🤔 <b>Vouliez-vous dire…</b>

    Choisissez la question la plus proche de la vôtre :
suggest-none = 📨 Aucune : transmettre à un formateur

fallback-text =
    Je ne comprends pas bien votre question, et je préfère ne pas vous répondre à côté 🙏

    Je peux la transmettre à un formateur, qui vous répondra. Vous pouvez aussi reformuler en quelques mots, ou parcourir les chapitres de la formation :
forward-button = 📨 Transmettre à un formateur
forward-done =
    📨 <b>C'est noté !</b> Votre question a été transmise à l'équipe des formateurs, qui vous répondra ici.

    En attendant, que voulez-vous faire ?
forward-done-short = Question transmise ✅
forward-to-trainer =
    📨 <b>Question transmise par { $first_name }</b>

    <i>{ $question }</i>

trainer-how =
    📨 Pour écrire à un formateur, tapez /formateur suivi de votre message, par exemple :
    « /formateur je n'arrive pas à relier mon nom de domaine à ma boutique »

    L'équipe vous répondra ici.

question-empty =
    Je n'ai pas trouvé de question dans votre message 🙂

    Écrivez-la en quelques mots, par exemple « comment choisir un transporteur ? », ou utilisez le menu :

smalltalk-greeting = Bonjour ! 👋 Posez-moi votre question sur la vente en ligne, ou choisissez dans le menu :
smalltalk-thanks = Avec plaisir ! 😊 N'hésitez pas si vous avez une autre question.
smalltalk-ok = Parfait 👍 Je reste à votre disposition.
smalltalk-goodbye = À bientôt, et bonnes ventes ! 👋
smalltalk-laughter = 😄 Tant mieux si je vous fais sourire ! Une question sur votre boutique en ligne ?
smalltalk-about-bot = Je suis l'assistant du programme Accélérateur : un robot qui répond aux questions sur la vente en ligne et vous guide dans la formation. Pour parler à une personne, posez votre question : si je ne sais pas y répondre, je la transmets à un formateur.
smalltalk-how-are-you = Très bien, merci ! 😊 Et votre commerce ? Posez-moi votre question, ou choisissez dans le menu :
