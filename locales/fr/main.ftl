## Accueil, menu et aide. Tout ce que lit l'utilisateur est ici (HTML Telegram autorisé : <b>, <i>, <a>).

start-greeting =
    Bonjour <b>{ $first_name }</b> 👋

    Bienvenue dans <b>Accélérateur</b>, le programme gratuit qui accompagne les commerçants, artisans et producteurs dans la vente en ligne.

    Posez-moi vos questions comme elles vous viennent, suivez le parcours de formation en vidéo et ne manquez pas le webinaire en direct, chaque jour de semaine à 10 h.

    Que voulez-vous faire ?
menu-title = Que voulez-vous faire ?
menu-ask = ❓ Poser une question
menu-course = 🎓 Parcours de formation
menu-webinars = 📅 Webinaires
menu-reminders = 🔔 Mes rappels
menu-help = ℹ️ Aide
menu-back = ⬅️ Menu principal
menu-resume = ▶️ Reprendre : { $title }

help-text =
    <b>Ce que je sais faire</b>

    ❓ <b>Répondre à vos questions</b> sur la vente en ligne : écrivez simplement votre question, même en abrégé (« cmt ouvrir une boutique en ligne », « frais de port offerts ? »). Si je ne connais pas la réponse, je vous propose de la transmettre à un formateur.
    🎓 <b>Le parcours de formation</b> : 7 chapitres de vidéos courtes, de la préparation aux premières ventes. /parcours
    📈 <b>Votre progression</b> : les modules vus et le prochain à regarder. /progression
    📅 <b>Les webinaires</b> en direct, chaque jour de semaine à 10 h (heure de Paris). /webinaires
    📨 <b>Écrire à un formateur</b> : /formateur suivi de votre message.

    🔒 <b>Vos données</b> : /mes_donnees pour les voir, /supprimer_mes_donnees pour tout effacer.

    Commandes : /start pour le menu, /aide pour revoir ce message.

ask-prompt =
    ❓ <b>Posez votre question</b>

    Écrivez-la simplement dans la conversation, comme vous la diriez à un formateur. Par exemple :
    • « comment choisir un transporteur ? »
    • « faut-il un SIRET pour vendre sur internet ? »
    • « cb coûte de vendre sur Amazon ? »

webinars-text =
    📅 <b>Webinaires en direct</b>

    Un webinaire a lieu chaque jour de semaine à 10 h (heure de Paris), sauf les jours fériés : un formateur présente un thème et répond à vos questions en direct.

    Prochaine séance : <b>{ $next_session }</b>.

webinars-join-below = Pour la rejoindre, appuyez sur le bouton ci-dessous quelques minutes avant 10 h : pas besoin de caméra ni de micro, vos questions se posent dans le chat.
webinars-join-later = Le lien de connexion est publié ici par l'équipe avant chaque séance : pas besoin de caméra ni de micro, vos questions se posent dans le chat.
webinar-join = ▶️ Rejoindre le webinaire
date-long = { $day ->
        [1] 1er
       *[other] { $day }
    } { $month } { $year }

unknown-command =
    Je ne connais pas cette commande 🤔

    Écrivez votre question en toutes lettres, ou utilisez /start pour le menu et /aide pour l'aide.
unknown-command-closest =
    Je ne connais pas cette commande 🤔 Vouliez-vous dire { $command } ?

    Vous pouvez aussi écrire votre question en toutes lettres, ou utiliser /start pour le menu.
non-text =
    Je ne sais lire que les messages écrits 🙂

    Écrivez votre question en quelques mots, ou utilisez /start pour afficher le menu.
menu-expired = Ce menu a expiré : voici le menu à jour.
technical-problem =
    Pardon, un problème technique m'empêche de répondre pour l'instant. Réessayez dans quelques minutes.
private-only =
    Je réponds seulement en conversation privée, pour que vos questions restent entre nous : { $link }
technical-problem-short = Pardon, un problème technique : réessayez dans quelques minutes.
not-allowed = Cette commande est réservée à l'équipe du programme.
admins-only = Cette commande est réservée aux administrateurs du bot.

## Descriptions des commandes (menu « / » de Telegram)

cmd-start = Accueil et menu principal
cmd-aide = Ce que le bot sait faire
cmd-parcours = Parcours de formation
cmd-progression = Ma progression
cmd-webinaires = Prochain webinaire
cmd-rappels = Mes rappels
cmd-formateur = Écrire à un formateur
cmd-mes-donnees = Voir et exporter mes données
cmd-supprimer-mes-donnees = Effacer toutes mes données
cmd-stats = Statistiques du bot (équipe)
cmd-questions = Questions des commerçants à traiter, regroupées (équipe)
cmd-fiche = Une fiche de la FAQ avec ses sources et sa date de relecture (équipe)
cmd-recharger-faq = Relire la FAQ et le parcours depuis la base (admin)
cmd-faq-historique = Historique d'une question de la FAQ, et la restaurer (admin)

## Dates et heures en français (src/french.rs) : « mardi 1er décembre à 10 h »

french-day = { $weekday } { $day ->
        [1] 1er
       *[other] { $day }
    } { $month }
french-day-year = { $weekday } { $day ->
        [1] 1er
       *[other] { $day }
    } { $month } { $year }
french-time = { $hour } h
french-time-minutes = { $hour } h { $minutes }
french-day-time = { $day } à { $time }
weekday-monday = lundi
weekday-tuesday = mardi
weekday-wednesday = mercredi
weekday-thursday = jeudi
weekday-friday = vendredi
weekday-saturday = samedi
weekday-sunday = dimanche
month-1 = janvier
month-2 = février
month-3 = mars
month-4 = avril
month-5 = mai
month-6 = juin
month-7 = juillet
month-8 = août
month-9 = septembre
month-10 = octobre
month-11 = novembre
month-12 = décembre

## Équipe : statistiques et questions sans réponse

staff-stats =
    📊 <b>Statistiques</b>

    Commerçants : { $merchants } · actifs sur 7 jours : { $active_7 } · sur 30 jours : { $active_30 }
    Abonnés aux rappels des webinaires : { $subscribers }

    Questions posées : { $questions }
    • répondues : { $answered } ({ $answered_share } %)
    • suggestions proposées : { $suggested } ({ $suggested_share } %)
    • sans réponse : { $unanswered } ({ $unanswered_share } %)
    Transmises à un formateur : { $forwarded } (après 👎, sans réponse ou par /formateur)
    Messages de politesse : { $smalltalk }
    Avis sur les réponses : 👍 { $helpful } · 👎 { $not_helpful } ({ $helpful_share } % positifs)
    Annonces envoyées : { $announcements } ({ $announcement_messages } messages remis)
stats-topics-title = <b>Sujets les plus demandés</b>
stats-topic = • { $question } ({ $count })
stats-groups-title = <b>Questions sans réponse les plus fréquentes</b>
stats-group = • <i>{ $question }</i> ({ $count })
stats-chapters-title = <b>Progression par chapitre</b> (commencé · terminé)
stats-chapter = • { $number }. { $title } : { $started } · { $finished }
stats-none = • aucun pour le moment
review-card =
    🔎 <b>Fiche { $id }</b> · chapitre { $chapter }

    <b>{ $question }</b>

    { $answer }
review-sources = <b>Sources</b> :
review-no-sources = <b>Sources</b> : aucune
review-date = Relue le { $date }.
review-date-stale = ⚠️ Relue le { $date }, il y a plus de 12 mois : à relire (faq/REVIEW.md).
review-never = ⚠️ Jamais relue : ajoutez la date de relecture (reviewed) à la fiche.
review-unsourced = ⚠️ La réponse énonce un fait vérifiable (« { $fragment } ») sans aucune source.
review-usage = Tapez /fiche suivi de l'identifiant d'une fiche (par exemple /fiche tva-en-ligne) ou d'une question.

## Données personnelles

privacy-nothing = Je n'ai aucune donnée enregistrée à votre sujet.
privacy-summary =
    🔒 <b>Vos données</b>

    Voici tout ce que le bot conserve sur vous :
    • identifiant Telegram : { $telegram_id }
    • prénom : { $first_name }
    • première visite : { $first_seen }
    • dernière visite : { $last_seen }
    • rappels des webinaires : { $reminders ->
        [yes] activés
       *[no] désactivés
    }
    • { $modules ->
        [0] aucun module vu
        [one] { $modules } module vu
       *[other] { $modules } modules vus
    }
    • { $questions ->
        [0] aucune question posée
        [one] { $questions } question posée, avec la réponse donnée
       *[other] { $questions } questions posées, avec les réponses données
    }

    Rien d'autre : ni numéro de téléphone, ni e-mail. Le fichier joint contient tout, en détail (format JSON).

    Pour tout effacer : /supprimer_mes_donnees
privacy-file-caption = Toutes vos données enregistrées par le bot Accélérateur (JSON)
privacy-erase-question =
    🗑️ <b>Effacer toutes vos données ?</b>

    Votre prénom, votre progression dans le parcours, vos questions et vos préférences seront supprimés définitivement. Vous pourrez revenir quand vous voulez avec /start, en repartant de zéro.
privacy-erase-confirm = 🗑️ Oui, tout effacer
privacy-erase-cancel = Non, garder mes données
privacy-erased = ✅ Toutes vos données ont été effacées. Merci d'avoir suivi le programme ! Pour revenir un jour : /start
privacy-erase-cancelled = 👍 Rien n'a été effacé.
