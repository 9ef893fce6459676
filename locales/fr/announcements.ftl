# Trainers' announcements: /annonce (composition), the progress message and report, /annonces.

announce-progress = 📤 Envoi en cours : { $done } / { $total }
announce-stop = ⏹ Arrêter l'envoi
announce-report =
    ✅ <b>Annonce terminée</b> ({ $total } destinataires)

    Reçue : { $sent }
    Injoignables (bot bloqué, compte supprimé) : { $unreachable }
    Échecs : { $failed }
    Non envoyées (envoi arrêté) : { $cancelled }
