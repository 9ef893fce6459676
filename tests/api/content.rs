//! Issue 12: the content lives in the database. A change (through the storage API the chat editor uses, or an
//! import) is answered with no restart, in this process and in another one on the same database; `/faq_historique`
//! lists and restores revisions; import validates everything first and applies all or nothing; export writes the
//! shipped files back byte for byte; the binary runs from an empty directory with only the database URL.

use std::{
    fs,
    path::Path,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use accelerateur::{
    content::{ContentUpdateError, IMPORT_AUTHOR, LiveContent, export_files},
    faq::{content::FaqEntry, files::ContentFiles},
};

use crate::{
    faq::shipped_faq,
    helpers::{ADMIN, PATIENCE, TestApp, assert_no_rejected_calls, fr, spawn_app},
    process::{Stage, terminate, wait_until},
    support_fs::copy_dir,
};

const QUESTION: &str = "Peut-on vendre des licornes en peluche ?";

fn unicorns(answer: &str) -> FaqEntry {
    FaqEntry {
        id: "licornes".to_owned(),
        chapter: "programme".to_owned(),
        question: QUESTION.to_owned(),
        variants: [
            "vendre des licornes",
            "licorne en peluche a vendre",
            "cmt vendre mes licornes",
            "les peluches licorne ca se vend ?",
        ]
        .map(str::to_owned)
        .to_vec(),
        keywords: vec!["licorne".to_owned(), "peluche".to_owned()],
        answer: answer.to_owned(),
        modules: Vec::new(),
        sources: Vec::new(),
        reviewed: Some(jiff::civil::date(2026, 12, 3)),
    }
}

/// Asks `question` every half second until the reply contains `expected`; how long it took.
async fn until_answered(app: &TestApp, user: i64, question: &str, expected: &str) -> Duration {
    let start = Instant::now();
    loop {
        let reply = app.user(user).sends(question).await;
        if reply.text.contains(expected) {
            return start.elapsed();
        }
        assert!(start.elapsed() < PATIENCE, "never answered with {expected:?}; last reply: {}", reply.text);
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[tokio::test]
async fn an_entry_saved_in_the_database_is_answered_at_once_without_a_restart() {
    let app = spawn_app().await;
    assert!(!app.user(1201).sends(QUESTION).await.text.contains("Licornes bienvenues"));

    // Another handle on the same database, as the chat editor of another process would be.
    let editor = LiveContent::open(&app.db, None).await.unwrap();
    let saved = editor.save_entry(&unicorns("Licornes bienvenues !"), "Awa (9001)").await.unwrap();
    assert_eq!(saved.revisions, 1);
    assert!(editor.index().ask(QUESTION).outcome.kind() == "answer", "in force at once where it was saved");
    let delay = until_answered(&app, 1201, QUESTION, "Licornes bienvenues").await;
    println!("the bot answered with the change after {delay:?}");
    assert!(delay < Duration::from_secs(6), "the bot noticed the change after {delay:?}");

    // An invalid entry is refused with its problems, and nothing changes.
    let mut bad = unicorns("");
    bad.variants.truncate(2);
    let Err(ContentUpdateError::Invalid(errors)) = editor.save_entry(&bad, "Awa (9001)").await else {
        panic!("an invalid entry is refused")
    };
    let problems: Vec<String> = errors.0.iter().map(ToString::to_string).collect();
    assert!(problems.iter().any(|p| p.contains("entry \"licornes\": 2 variants (min 4)")), "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("answer is empty")), "{problems:?}");
    assert!(errors.0[0].french().contains(&fr("question « licornes »")), "{}", errors.0[0].french());
    assert_eq!(app.db.content_version().await.unwrap(), saved.version);

    // `/recharger_faq` re-reads the database now.
    let reloaded = app.user(ADMIN).sends("/recharger_faq").await;
    assert!(reloaded.text.contains(&fr("Contenu rechargé : 97 questions")), "{}", reloaded.text);
    assert_no_rejected_calls(&app);
}

#[tokio::test]
async fn faq_historique_lists_the_revisions_and_restores_one_in_a_tap() {
    let app = spawn_app().await;
    let editor = LiveContent::open(&app.db, None).await.unwrap();
    editor.save_entry(&unicorns("Première version."), "Awa (9001)").await.unwrap();
    editor.save_entry(&unicorns("Deuxième version."), "Awa (9001)").await.unwrap();
    until_answered(&app, 1202, QUESTION, "Deuxième version.").await;

    let admin = app.user(ADMIN);
    let list = admin.sends("/faq_historique licornes").await;
    assert!(list.text.contains(&fr("Historique de « licornes » (2 révisions")), "{}", list.text);
    assert!(list.text.contains("· Awa (9001) · modification") && list.text.contains("· Awa (9001) · création"));
    let revisions = app.db.entry_revisions("licornes", 10).await.unwrap();
    let first = revisions.last().unwrap().id;
    assert_eq!(crate::helpers::labels(&list), [format!("↩️ Restaurer n° {first}")], "the current text has no button");

    admin.presses(list.message_id, &format!("↩️ Restaurer n° {first}")).await;
    let done = admin.bot_messages().last().unwrap().text.clone();
    assert!(done.contains(&format!("est revenue à son texte de la révision n° {first}")), "{done}");
    // Restored in the process that received the tap: the next question gets the old text.
    assert!(app.user(1202).sends(QUESTION).await.text.contains("Première version."));
    let revisions = app.db.entry_revisions("licornes", 10).await.unwrap();
    assert_eq!(revisions.len(), 3, "the restore is a revision");
    assert_eq!(revisions[0].after, revisions[2].after);
    assert!(revisions[0].author.contains("9001"));

    // A deletion is a revision too, and its button puts the entry back; a mandatory topic cannot be deleted.
    let Err(ContentUpdateError::Invalid(errors)) = editor.delete_entry("creer-site", "Awa (9001)").await else {
        panic!("a mandatory topic cannot be deleted")
    };
    assert!(errors.to_string().contains("entry \"creer-site\": mandatory topic is missing"), "{errors}");
    editor.delete_entry("licornes", "Awa (9001)").await.unwrap();
    let list = admin.sends("/faq_historique licornes").await;
    assert!(list.text.contains("· Awa (9001) · suppression"), "{}", list.text);
    let deletion = app.db.entry_revisions("licornes", 1).await.unwrap()[0].id;
    admin.presses(list.message_id, &format!("↩️ Restaurer n° {deletion}")).await;
    until_answered(&app, 1202, QUESTION, "Première version.").await;
    assert_eq!(app.db.entry_revisions("licornes", 10).await.unwrap().len(), 5);

    // The shipped entries have their import as first revision.
    let shipped = admin.sends("/faq_historique creer-site").await;
    assert!(shipped.text.contains("· import · création"), "{}", shipped.text);
    let merchant = app.user(1203).sends("/faq_historique creer-site").await;
    assert!(merchant.text.contains("réservée aux administrateurs"), "{}", merchant.text);
    // A forged restore button from a merchant changes nothing.
    app.user(1203).presses_raw(merchant.message_id, &format!("rv:{first}")).await;
    assert_eq!(app.db.entry_revisions("licornes", 10).await.unwrap().len(), 5);
    assert_no_rejected_calls(&app);
}

/// `accelerateur faq <args>` with only DATABASE_URL set, from `dir`.
fn faq_command(database: &str, dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_accelerateur"))
        .arg("faq")
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("DATABASE_URL", database)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

#[tokio::test]
async fn export_gives_the_shipped_files_back_and_a_bad_import_changes_nothing() {
    let app = spawn_app().await;
    let database = app.settings.common.database.expose().to_owned();
    let work = tempfile::tempdir().unwrap();

    // A fresh database exports the shipped files byte for byte.
    assert_eq!(export_files(&app.db).await.unwrap(), ContentFiles::shipped());
    let exported = work.path().join("export");
    let output = faq_command(&database, work.path(), &["export", "export"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(ContentFiles::read_dir(&exported), ContentFiles::read_dir(&shipped_faq()));

    // Export then import changes nothing.
    let version = app.db.content_version().await.unwrap();
    let output = faq_command(&database, work.path(), &["import", "export"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("0 change(s)"));
    assert_eq!(app.db.content_version().await.unwrap(), version);

    // One bad entry among good changes: refused, named, nothing applied.
    let edited = work.path().join("edited");
    fs::create_dir(&edited).unwrap();
    copy_dir(&exported, &edited);
    let boutique = edited.join("boutique.toml");
    let text = fs::read_to_string(&boutique).unwrap();
    fs::write(&boutique, text.replace("Comment créer un site e-commerce sans savoir coder ?", "Créer son site ?"))
        .unwrap();
    let ventes = edited.join("ventes.toml");
    let text = fs::read_to_string(&ventes).unwrap();
    let (head, tail) = text.split_at(text.find("answer = \"\"\"\n").unwrap() + "answer = \"\"\"\n".len());
    let tail = &tail[tail.find("\"\"\"").unwrap()..];
    fs::write(&ventes, format!("{head}{tail}")).unwrap();
    let output = faq_command(&database, work.path(), &["import", "edited"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success());
    assert!(stdout.contains("ventes.toml: entry \"") && stdout.contains("answer is empty"), "{stdout}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("nothing was imported"));
    assert_eq!(app.db.content_version().await.unwrap(), version, "nothing applied");
    assert_eq!(export_files(&app.db).await.unwrap(), ContentFiles::shipped());

    // Fixed, it goes in as one revision by "import", and the bot answers with the new question.
    fs::copy(shipped_faq().join("ventes.toml"), &ventes).unwrap();
    let output = faq_command(&database, work.path(), &["import", "edited"]);
    assert!(String::from_utf8_lossy(&output.stdout).contains("1 change(s)"), "{output:?}");
    let revision = &app.db.entry_revisions("creer-site", 1).await.unwrap()[0];
    assert_eq!(revision.author, IMPORT_AUTHOR);
    assert!(revision.after.as_deref().unwrap().contains("question = \"Créer son site ?\""));
    until_answered(&app, 1204, "cmt faire un site de vente moi meme sans etre informaticien", "Créer son site").await;

    // And the export is again what was imported.
    let again = work.path().join("again");
    assert!(faq_command(&database, work.path(), &["export", "again"]).status.success());
    assert_eq!(ContentFiles::read_dir(&again), ContentFiles::read_dir(&edited));
}

#[tokio::test]
async fn the_binary_runs_from_an_empty_directory_and_another_process_sees_changes_within_seconds() {
    let stage = Stage::new("content-test").await;
    let empty = tempfile::tempdir().unwrap();
    let mut bot = Command::new(env!("CARGO_BIN_EXE_accelerateur"))
        .current_dir(empty.path())
        .env_clear()
        .env("TELOXIDE_TOKEN", stage.emulator.token())
        .env("TELOXIDE_API_URL", stage.api_url())
        .env("DATABASE_URL", stage.database_url())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(if std::env::var_os("TEST_LOG").is_some() { Stdio::inherit() } else { Stdio::null() })
        .spawn()
        .expect("the binary starts");

    let emulator = &stage.emulator;
    let ask = async |user: i64, text: &str, n: usize| -> String {
        emulator.send_text(user, text);
        let messages = emulator.wait_for_bot_messages(user, n, Duration::from_secs(60)).await.expect("the bot replies");
        messages[n - 1].text.clone()
    };
    let answer = ask(1205, "frais de port offerts ?", 1).await;
    assert!(answer.contains(&fr("Cette réponse vous a aidé ?")), "{answer}");
    let course = ask(1205, "/parcours", 2).await;
    assert!(course.contains("Parcours de formation") && course.contains("7 chapitres"), "{course}");
    assert!(fs::read_dir(empty.path()).unwrap().next().is_none(), "nothing written in the working directory");

    // A change made by another process (this one) reaches the bot within a few seconds.
    let editor = LiveContent::open(&stage.db, None).await.unwrap();
    editor.save_entry(&unicorns("Licornes bienvenues !"), "test").await.unwrap();
    let start = Instant::now();
    let mut replies = 2;
    loop {
        replies += 1;
        if ask(1205, QUESTION, replies).await.contains("Licornes bienvenues") {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "the other process never saw the change");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    println!("the other process answered with the change after {:?}", start.elapsed());
    // The poll (2 s) plus a debug build of the index on a machine running other tests.
    assert!(start.elapsed() < Duration::from_secs(10), "seen after {:?}", start.elapsed());

    terminate(&bot);
    wait_until("the bot stops", Duration::from_secs(15), async || bot.try_wait().unwrap().is_some()).await;
}
