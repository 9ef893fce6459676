## Parcours de formation : chapitres, modules, progression.

course-title =
    🎓 <b>Parcours de formation</b>

    { $chapters } chapitres, { $modules } modules courts en vidéo. Vous en avez vu { $seen }.
    Choisissez un chapitre :
chapter-progress = { $mark } { $number }. { $title } — { $done }/{ $total }
chapter-title =
    <b>Chapitre { $number } · { $title }</b>

    { $summary }

    Modules vus : { $done }/{ $total } · page { $page }/{ $pages }
chapters-back = ⬅️ Chapitres
page-previous = ◀️ Précédents
page-next = Suivants ▶️

module-button = 🎬 { $title } · { $minutes } min
module-button-seen = ✅ { $title } · { $minutes } min
format-video = Vidéo
format-tutoriel = Tutoriel
format-webinaire = Webinaire
module-card =
    <b>{ $title }</b>
    { $format } · { $minutes } min

    { $summary }

    <i>{ $chapter } — module { $position }/{ $size }</i>
module-status-new = Pas encore vu.
module-status-seen = ✅ Vu.
module-watch = ▶️ Regarder ({ $minutes } min)
module-open-tutorial = ▶️ Ouvrir le tutoriel ({ $minutes } min)
module-watch-replay = ▶️ Voir le replay ({ $minutes } min)
module-mark-seen = ✅ Marquer comme vu
module-already-seen = ✅ Déjà vu
module-next = Module suivant ➡️
module-back = ⬅️ Retour
module-marked = Module marqué comme vu ✅
module-was-seen = Ce module est déjà marqué comme vu.

progress-button = 📈 Ma progression
progress-title =
    📈 <b>Ma progression</b>

progress-line = { $mark } { $number }. { $title } : { $done }/{ $total }
progress-next = Prochain module : <b>{ $title }</b>
progress-finished = 🎉 Vous avez vu tous les modules du parcours. Bravo !

course-finished =
    🎓 <b>Félicitations { $first_name } !</b>

    Vous avez terminé les { $modules } modules du parcours Accélérateur.

    <b>Attestation de suivi</b>
    { $first_name } a suivi l'intégralité du parcours de formation Accélérateur (e-commerce pour les commerces de proximité), le { $date }.

    Gardez ce message : il vaut attestation de suivi de la formation.

## Administration

admin-reloaded = ✅ Contenu rechargé : { $entries } questions et { $modules } modules sont en ligne.
admin-reload-failed =
    ❌ Le contenu n'a pas été rechargé ({ $count ->
        [one] { $count } problème
       *[other] { $count } problèmes
    }) ; l'ancien reste en ligne.

