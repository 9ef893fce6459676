//! Issue 3 acceptance, end to end through the emulator: one question of each outcome, suggestions, feedback,
//! forwarding to trainers, escaping, hostile input, live reload of the FAQ, and the privacy commands.

use std::{fs, path::Path};

use accelerateur::{
    faq::{content::FaqContent, index::FaqIndex, matcher::Outcome},
    storage::DbError,
    telegram_emulator::EntityKind,
};

use crate::helpers::{ADMIN, TRAINER, TestApp, assert_no_rejected_calls, fr, labels, spawn_app, spawn_app_with};
use crate::support_fs::copy_dir;

pub fn shipped_faq() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("faq")
}

pub fn index() -> FaqIndex {
    FaqIndex::build(&FaqContent::load_dir(&shipped_faq()).expect("the shipped FAQ is valid"))
}

/// The first of `questions` the matcher gives outcome `kind` (the test is about the bot's handling of it).
pub fn first_with<'a>(index: &FaqIndex, kind: &str, questions: &[&'a str]) -> &'a str {
    questions
        .iter()
        .find(|q| index.ask(q).outcome.kind() == kind)
        .unwrap_or_else(|| panic!("none of {questions:?} gives {kind}"))
}

pub const CLEAR: &[&str] =
    &["frais de port offerts ?", "cmt choisir un transporteur pour mes colis", "c quoi une marketplace"];
pub const VAGUE: &[&str] = &["amazon", "vendre", "livraison", "les prix", "site", "avis", "google", "mes clients"];
pub const OFF_TOPIC: &[&str] = &["Qui a gagné le match du PSG hier soir ?", "recette de la blanquette de veau"];

#[tokio::test]
async fn each_outcome_gets_its_reply_and_is_recorded() {
    let app = spawn_app().await;
    let index = index();
    let user = app.user(301);

    let clear = first_with(&index, "answer", CLEAR);
    let Outcome::Answer(answer) = index.ask(clear).outcome else { unreachable!() };
    let reply = user.sends(clear).await;
    assert!(reply.text.contains(&index.entry(&answer.id).unwrap().question), "{}", reply.text);
    assert!(reply.text.contains(&fr("Cette réponse vous a aidé ?")));
    assert!(labels(&reply).starts_with(&["👍 Oui".to_owned(), "👎 Non".to_owned()]));

    let vague = first_with(&index, "suggest", VAGUE);
    let reply = user.sends(vague).await;
    assert!(reply.text.contains("Vouliez-vous dire"), "{}", reply.text);
    let shown: Vec<String> =
        index.ask(vague).outcome.shown().iter().map(|c| index.entry(&c.id).unwrap().question.clone()).collect();
    let mut expected = shown.clone();
    expected.push(fr("📨 Aucune : transmettre à un formateur"));
    assert_eq!(labels(&reply), expected);

    let off_topic = first_with(&index, "fallback", OFF_TOPIC);
    let reply = user.sends(off_topic).await;
    assert!(reply.text.contains("sort de mon domaine"), "{}", reply.text);
    assert_eq!(
        labels(&reply),
        ["🎓 Parcourir les chapitres", "⬅️ Menu principal"],
        "an off-topic message is not forwarded"
    );

    assert!(user.sends("bonjour").await.text.starts_with(&fr("Bonjour ! 👋")));
    assert!(user.sends("merci beaucoup").await.text.starts_with("Avec plaisir"));

    let outcomes: Vec<String> =
        app.db.questions_of(user.user_id()).await.unwrap().into_iter().map(|q| q.outcome).collect();
    assert_eq!(outcomes, ["answer", "suggest", "fallback", "smalltalk", "smalltalk"]);
    assert_no_rejected_calls(&app);
}

#[tokio::test]
async fn a_suggestion_opens_its_answer_and_a_thumbs_up_is_recorded() {
    let app = spawn_app().await;
    let index = index();
    let user = app.user(302);
    let vague = first_with(&index, "suggest", VAGUE);
    let suggestion = user.sends(vague).await;
    let chosen = index.entry(&index.ask(vague).outcome.shown()[0].id).unwrap().clone();

    user.presses(suggestion.message_id, &chosen.question).await;
    let card = user.message(suggestion.message_id);
    assert!(card.text.contains(chosen.answer.trim().lines().next().unwrap()), "{}", card.text);
    assert_eq!(user.bot_messages().len(), 1, "the suggestion message became the answer");

    user.presses(suggestion.message_id, "👍 Oui").await;
    let question = app.db.questions_of(user.user_id()).await.unwrap().pop().unwrap();
    assert_eq!(app.db.feedback_of(question.id, user.user_id()).await.unwrap(), Some(true));
    assert!(user.message(suggestion.message_id).text.contains("Merci pour votre retour"));
    assert!(
        app.emulator
            .callback_answers()
            .iter()
            .any(|a| a.text.as_deref() == Some(fr("Merci pour votre avis !").as_str()))
    );
    assert_no_rejected_calls(&app);
}

#[tokio::test]
async fn a_thumbs_down_can_be_forwarded_and_trainers_are_told() {
    let app = spawn_app().await;
    let index = index();
    app.user(TRAINER).sends("/start").await;
    let user = app.user(303).named("<i>Zoé</i>");
    let clear = first_with(&index, "answer", CLEAR);
    let card = user.sends(clear).await;
    user.presses(card.message_id, "👎 Non").await;
    let card = user.message(card.message_id);
    user.presses(card.message_id, "📨 Transmettre à un formateur").await;
    let kept = user.message(card.message_id);
    assert_eq!(kept.text, card.text, "the answer stays on screen");
    assert!(!labels(&kept).contains(&"📨 Transmettre à un formateur".to_owned()), "{:?}", labels(&kept));
    assert_eq!(labels(&kept), labels(&card)[1..], "the module buttons stay");
    let confirmation = user.bot_messages().pop().unwrap();
    assert!(confirmation.text.contains("Un formateur l'a reçue et vous répondra ici"), "{}", confirmation.text);
    assert!(app.emulator.callback_answers().iter().any(|a| a.text.as_deref() == Some("Question transmise ✅")));
    assert_eq!(app.emulator.bot_messages(TRAINER).len(), 1, "the note waits in the outbox");
    // Pressing again does not queue a second note.
    user.presses_raw(card.message_id, &format!("t:{}", app.db.questions_of(user.user_id()).await.unwrap()[0].id)).await;
    assert_eq!(app.deliver_all().await, 1);

    let notes = app.emulator.wait_for_bot_messages(TRAINER, 2, crate::helpers::PATIENCE).await.unwrap();
    let note = notes.last().unwrap();
    assert!(note.text.contains("Question transmise par <i>Zoé</i>") && note.text.contains(clear), "{}", note.text);
    let question = app.db.questions_of(user.user_id()).await.unwrap().pop().unwrap();
    assert!(question.forwarded_at.is_some());
    assert_eq!(app.db.feedback_of(question.id, user.user_id()).await.unwrap(), Some(false));
    let unanswered = app.user(TRAINER).sends("/sans_reponse").await;
    assert!(unanswered.text.contains(clear), "{}", unanswered.text);
    assert_no_rejected_calls(&app);
}

#[tokio::test]
async fn a_trainer_who_blocked_the_bot_is_flagged_when_told_about_a_question() {
    let app = spawn_app().await;
    app.user(TRAINER).sends("/start").await;
    app.emulator.set_blocked(TRAINER, true);
    let reply = app.user(304).sends("/formateur mon site ne s'affiche plus").await;
    assert!(reply.text.contains("transmise"), "{}", reply.text);
    assert_eq!(app.deliver_all().await, 1);
    let trainer = teloxide::types::UserId(TRAINER as u64);
    assert!(app.db.user(trainer).await.unwrap().blocked, "the trainer who blocked the bot is flagged");
    assert_eq!(app.deliver_all().await, 0, "an unreachable delivery is not retried");
    let later = app.user(305).sends("/formateur mon panier est vide").await;
    assert!(later.text.contains("Aucun formateur n'est joignable"), "the only trainer is flagged: {}", later.text);
}

/// A copy of the shipped FAQ with one more entry, in a temporary directory.
fn faq_with_extra_entry(answer: &str) -> tempfile::TempDir {
    faq_with_extra_entry_sourced(answer, &[])
}

/// Same, the entry citing `sources`.
fn faq_with_extra_entry_sourced(answer: &str, sources: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&shipped_faq(), dir.path());
    let programme = dir.path().join("programme.toml");
    let mut text = fs::read_to_string(&programme).unwrap();
    text.push_str(&format!(
        "\n[[entry]]\nid = \"licornes\"\nchapter = \"programme\"\nquestion = \"Peut-on vendre des licornes en peluche ?\"\n\
         variants = [\"vendre des licornes\", \"licorne en peluche a vendre\", \"cmt vendre mes licornes\", \"les peluches licorne ca se vend ?\"]\n\
         keywords = [\"licorne\", \"peluche\"]\nanswer = '''{answer}'''\nmodules = []\nsources = {sources:?}\n"
    ));
    fs::write(programme, text).unwrap();
    dir
}

pub async fn app_with_faq(dir: &Path) -> TestApp {
    let dir = dir.to_path_buf();
    spawn_app_with(move |settings| settings.common.faq_dir = Some(dir)).await
}

#[tokio::test]
async fn answers_full_of_markup_characters_reach_the_user_literally() {
    let answer = "Oui : <b>gras</b> & _souligné_ *étoile* 3 < 5 > 2, [lien](x) `code`";
    let dir = faq_with_extra_entry(answer);
    let app = app_with_faq(dir.path()).await;
    let reply = app.user(305).sends("Peut-on vendre des licornes en peluche ?").await;
    assert!(reply.text.contains(&fr(answer)), "{}", reply.text);
    assert_no_rejected_calls(&app);
}

#[tokio::test]
async fn an_answer_with_sources_links_its_first_source_escaped() {
    let source = "https://www.example.gouv.fr/fiche?a=1&b=<2>";
    let dir = faq_with_extra_entry_sourced("Oui, avec un certificat.", &[source, "https://www.legifrance.gouv.fr"]);
    let app = app_with_faq(dir.path()).await;
    let reply = app.user(307).sends("Peut-on vendre des licornes en peluche ?").await;
    assert!(reply.text.contains(&fr("Oui, avec un certificat.\n\nSource : example.gouv.fr\n\n")), "{}", reply.text);
    assert!(!reply.text.contains("legifrance"), "only the first source is shown: {}", reply.text);
    let link = reply.entities.iter().find_map(|e| match &e.kind {
        EntityKind::TextLink { url } => Some(url.clone()),
        _ => None,
    });
    // Telegram gets the URL intact (the HTML escaping is undone); as a URL, `<` and `>` travel percent-encoded.
    assert_eq!(link.as_deref(), Some(url::Url::parse(source).unwrap().as_str()));
    assert_no_rejected_calls(&app);

    let without = app.user(308).sends("Qu'est-ce qu'une marketplace ?").await;
    assert!(without.text.contains(&fr("Cette réponse vous a aidé ?")), "{}", without.text);
    assert!(!without.text.contains(&fr("Source :")), "no sources, no line: {}", without.text);
}

#[tokio::test]
async fn huge_emoji_only_and_empty_messages_get_sensible_replies() {
    let app = spawn_app().await;
    let user = app.user(306);
    let mut long = String::from("Bonjour, ");
    while long.chars().count() < 4096 {
        long.push_str("je voudrais savoir comment vendre mes produits en ligne ");
    }
    let long: String = long.chars().take(4096).collect();
    let reply = user.sends(&long).await;
    assert!(!reply.text.is_empty());
    for text in ["😀🎉🔥", "?!?! ...", "   --   "] {
        let reply = user.sends(text).await;
        assert!(reply.text.contains("Je n'ai pas trouvé de question"), "{text:?}: {}", reply.text);
    }
    let stored = app.db.questions_of(user.user_id()).await.unwrap();
    assert_eq!(stored[0].text.chars().count(), 1000, "long questions are stored truncated");
    assert_no_rejected_calls(&app);
}

#[tokio::test]
async fn admins_reload_the_faq_live_and_a_broken_import_changes_nothing() {
    use accelerateur::{
        content::{ContentUpdateError, import_files},
        faq::files::ContentFiles,
    };
    let app = spawn_app().await;
    let user = app.user(307);
    let question = "Peut-on vendre des licornes en peluche ?";
    assert!(!user.sends(question).await.text.contains("Licornes bienvenues"));

    let with_entry = faq_with_extra_entry("Licornes bienvenues !");
    let files = ContentFiles::read_dir(with_entry.path());
    import_files(&app.db, &files, with_entry.path(), "import", 0).await.unwrap();
    let reloaded = app.user(ADMIN).sends("/recharger_faq").await;
    assert!(reloaded.text.contains(&fr("Contenu rechargé : 97 questions")), "{}", reloaded.text);
    assert!(user.sends(question).await.text.contains("Licornes bienvenues"));

    fs::write(with_entry.path().join("ventes.toml"), "[[entry]\nid = ").unwrap();
    let broken = ContentFiles::read_dir(with_entry.path());
    let refused = import_files(&app.db, &broken, with_entry.path(), "import", 0).await;
    let Err(ContentUpdateError::Invalid(errors)) = refused else { panic!("a broken file is refused") };
    assert!(errors.to_string().contains("ventes.toml: TOML error at line 1"), "{errors}");
    let reloaded = app.user(ADMIN).sends("/recharger_faq").await;
    assert!(reloaded.text.contains(&fr("Contenu rechargé : 97 questions")), "{}", reloaded.text);
    assert!(user.sends(question).await.text.contains("Licornes bienvenues"), "the previous content stays in force");

    let merchant = app.user(308).sends("/recharger_faq").await;
    assert!(merchant.text.contains("réservée aux administrateurs"), "{}", merchant.text);
}

#[tokio::test]
async fn merchants_export_and_erase_their_data() {
    let app = spawn_app().await;
    let user = app.user(309).named("Karim");
    user.sends("comment ouvrir un compte vendeur sur cdiscount").await;
    let replies = user.sends_expecting("/mes_donnees", 2).await;
    let summary = &replies[0].text;
    assert!(summary.contains("Voici tout ce que le bot conserve"), "{summary}");
    // START_TIME is Monday 23 November 2026, 09:00 in Paris.
    assert!(summary.contains(&fr("première visite : lundi 23 novembre 2026 à 9 h")), "{summary}");
    assert!(
        summary.contains("1 question posée, avec la réponse donnée") && summary.contains("aucun module vu"),
        "{summary}"
    );
    assert!(!summary.contains('{') && !summary.contains("1795"), "no JSON nor Unix time in the summary: {summary}");
    let file = replies[1].document.as_ref().expect("the export is attached as a document");
    assert_eq!(file.file_name.as_deref(), Some("mes-donnees-accelerateur.json"));
    let json: serde_json::Value = serde_json::from_slice(&file.content).expect("the attachment is JSON");
    assert_eq!(json["first_name"], "Karim");
    assert_eq!(json["questions"][0]["text"], "comment ouvrir un compte vendeur sur cdiscount");

    let confirm = user.sends("/supprimer_mes_donnees").await;
    user.presses(confirm.message_id, "🗑️ Oui, tout effacer").await;
    assert!(user.message(confirm.message_id).text.contains("Toutes vos données ont été effacées"));
    assert!(matches!(app.db.user(user.user_id()).await, Err(DbError::NotFound)));
    assert!(app.db.questions_of(user.user_id()).await.unwrap().is_empty());
    assert_no_rejected_calls(&app);
}

#[tokio::test]
async fn staff_see_an_entry_with_all_its_sources_and_its_review_date() {
    let app = spawn_app().await;
    let refused = app.user(311).sends("/fiche tva-en-ligne").await;
    assert!(!refused.text.contains("Fiche tva-en-ligne"), "merchants do not get the review view: {}", refused.text);

    let card = app.user(ADMIN).sends("/fiche tva-en-ligne").await;
    assert!(card.text.contains("🔎 Fiche tva-en-ligne · chapitre ventes"), "{}", card.text);
    assert!(
        card.text.contains(&fr("Sources :\n• https://entreprendre.service-public.gouv.fr/vosdroits/F21746\n• ")),
        "{}",
        card.text
    );
    assert!(card.text.contains("Relue le 3 décembre 2026."), "{}", card.text);
    assert!(!card.text.contains('⚠'), "{}", card.text);
    assert_no_rejected_calls(&app);

    let by_question = app.user(TRAINER).sends("/fiche Que faire si un colis est perdu ou abîmé ?").await;
    assert!(by_question.text.contains("🔎 Fiche colis-perdu · chapitre logistique"), "{}", by_question.text);
    assert!(by_question.text.contains("• https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000021486442"));

    let usage = app.user(ADMIN).sends("/fiche").await;
    assert!(usage.text.starts_with("Tapez /fiche suivi de l'identifiant"), "{}", usage.text);
}

#[tokio::test]
async fn the_review_view_flags_an_unsourced_fact_and_a_missing_review_date() {
    let dir = faq_with_extra_entry("Oui, comptez 39 € par licorne.");
    let app = app_with_faq(dir.path()).await;
    let card = app.user(TRAINER).sends("/fiche licornes").await;
    assert!(card.text.contains(&fr("Sources : aucune")), "{}", card.text);
    assert!(card.text.contains("⚠️ Jamais relue"), "{}", card.text);
    assert!(
        card.text.contains(
            &fr("⚠️ La réponse énonce un fait vérifiable (« 39 € ») sans aucune source.").replace("39 €", "39\u{a0}€")
        ),
        "{}",
        card.text
    );
    assert_no_rejected_calls(&app);
}
