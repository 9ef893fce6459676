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

admin-history-usage = Tapez /faq_historique suivi de l'identifiant d'une question, par exemple : /faq_historique creer-site
admin-history-none = Aucune révision pour la question « { $id } ».
admin-history-title = 🕓 Historique de « { $id } » ({ $count ->
        [one] { $count } révision
       *[other] { $count } révisions
    }, les plus récentes d'abord) :
admin-history-line = n° { $revision } · { $date } · { $author } · { $change ->
        [created] création
        [deleted] suppression
       *[changed] modification
    }
admin-history-restore = ↩️ Restaurer n° { $revision }
admin-restored = ✅ « { $id } » est revenue à son texte de la révision n° { $revision } (nouvelle révision n° { $new }). Elle est en ligne.
admin-restore-unchanged = « { $id } » a déjà le texte de la révision n° { $revision } : rien à restaurer.
admin-restore-not-found = Cette révision n'existe pas.
admin-restore-refused =
    ❌ Restauration refusée : le contenu ne serait plus valide ({ $count ->
        [one] { $count } problème
       *[other] { $count } problèmes
    }) ; rien n'a changé.

## Problèmes de contenu montrés aux administrateurs par /recharger_faq (src/curriculum/content.rs)

content-problem = { $file } : { $problem }
content-problem-item = { $file }, { $item } : { $problem }
content-item-entry = question « { $id } »
content-item-module = module « { $id } »
content-item-chapter = chapitre « { $id } »
content-cannot-read = fichier illisible
content-toml-at = erreur de syntaxe TOML ligne { $line }, colonne { $column }
content-toml = erreur de syntaxe TOML
content-chapter-missing = chapitre absent
content-unknown-chapter-id = identifiant de chapitre inconnu (attendus : { $expected })
content-chapter-module-count = { $count ->
        [one] le chapitre a { $count } module
       *[other] le chapitre a { $count } modules
    } (il en faut de 4 à 8)
content-invalid-id = identifiant invalide : lettres minuscules sans accents, chiffres et tirets, { $max } caractères au plus
content-duplicate-module = identifiant de module déjà utilisé
content-unknown-chapter = chapitre « { $chapter } » inconnu
content-chapter-mismatch = chapitre « { $chapter } » différent de celui du fichier (« { $expected } » attendu)
content-invalid-path = chemin « { $path } » invalide (lettres minuscules, chiffres, tirets et /, sans / au début)
content-question-empty = question vide
content-question-too-long = question de { $chars } caractères ({ $max } au plus)
content-too-few-variants = { $count ->
        [one] { $count } variante
       *[other] { $count } variantes
    } (il en faut { $min } au moins)
content-answer-empty = réponse vide
content-answer-too-long = réponse de { $chars } caractères ({ $max } au plus)
content-message-too-long = message Telegram trop long : { $units } unités UTF-16 ({ $max } au plus)
content-unknown-module = module « { $module } » inconnu
content-too-many-modules = { $count } modules liés (3 au plus)
content-invalid-link = lien « { $link } » invalide dans la réponse
content-duplicate-entry = identifiant déjà utilisé (d'abord dans { $first })
content-mandatory-missing = sujet obligatoire absent
content-mandatory-elsewhere = sujet obligatoire rangé dans le mauvais chapitre (« { $chapter } » attendu)
content-invalid-source = source « { $source } » invalide (une adresse http ou https)
content-unsourced-fact = la réponse avance un fait (« { $fragment } ») sans source
content-no-review-date = pas de date de relecture (reviewed = AAAA-MM-JJ)
content-review-in-future = date de relecture { $date } dans le futur
content-review-stale = relu le { $date }, il y a plus de { $months } mois
