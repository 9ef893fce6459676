//! `/stats` for trainers and admins: the programme's figures gathered from the database, composed in pure
//! functions (shares, per-chapter progress) so they are checked without the bot.

use std::collections::{BTreeMap, HashSet};

use crate::{
    course,
    curriculum::content::Curriculum,
    storage::{Db, questions::QuestionStats, stats::AudienceStats},
};

/// Topics listed.
pub const TOP_TOPICS: i64 = 10;
/// Unanswered groups listed.
pub const TOP_GROUPS: usize = 5;
/// How far back the unanswered groups look.
const GROUPS_WINDOW_SECONDS: i64 = 30 * 24 * 3600;

/// Everything `/stats` shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub audience: AudienceStats,
    pub questions: QuestionStats,
    /// FAQ entry ids answered most, with counts.
    pub topics: Vec<(String, i64)>,
    /// The most asked unanswered groups: newest wording and count.
    pub unanswered_groups: Vec<(String, usize)>,
    pub chapters: Vec<ChapterStats>,
}

/// How far merchants got in one chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChapterStats {
    pub number: u8,
    pub title: String,
    /// Users who saw at least one of its modules.
    pub started: usize,
    /// Users who saw all of them.
    pub finished: usize,
}

/// `part` as a whole percentage of `whole` (0 when `whole` is 0).
#[must_use]
pub fn percent(part: i64, whole: i64) -> i64 {
    if whole <= 0 { 0 } else { (part * 100 + whole / 2) / whole }
}

/// Per-chapter progress over every user's seen modules, in programme order.
#[must_use]
pub fn chapter_stats(curriculum: &Curriculum, seen: &BTreeMap<i64, HashSet<String>>) -> Vec<ChapterStats> {
    let mut chapters: Vec<ChapterStats> = course::chapters(curriculum)
        .into_iter()
        .map(|chapter| ChapterStats { number: chapter.number, title: chapter.title.clone(), started: 0, finished: 0 })
        .collect();
    for modules in seen.values() {
        for (stats, progress) in chapters.iter_mut().zip(course::progress(curriculum, modules)) {
            stats.started += usize::from(progress.done > 0);
            stats.finished += usize::from(progress.is_complete());
        }
    }
    chapters
}

/// Gathers the report at `now`.
pub async fn gather(db: &Db, curriculum: &Curriculum, now: i64) -> anyhow::Result<Report> {
    let audience = db.audience_stats(now).await?;
    let questions = db.question_stats().await?;
    let topics = db.top_topics(TOP_TOPICS).await?;
    let waiting: Vec<_> = db
        .unanswered_questions(now - GROUPS_WINDOW_SECONDS, 500)
        .await?
        .into_iter()
        .filter(|question| question.answered_at.is_none())
        .collect();
    let mut groups = tokio::task::spawn_blocking(move || crate::inbox::group(&waiting)).await?;
    groups.sort_by(|a, b| b.count().cmp(&a.count()).then(b.newest_at.cmp(&a.newest_at)));
    let unanswered_groups = groups
        .into_iter()
        .take(TOP_GROUPS)
        .map(|group| {
            let count = group.count();
            (group.text, count)
        })
        .collect();
    let chapters = chapter_stats(curriculum, &db.modules_seen_by_user().await?);
    Ok(Report { audience, questions, topics, unanswered_groups, chapters })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_and_survive_an_empty_whole() {
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(2, 3), 67);
        assert_eq!(percent(0, 0), 0);
        assert_eq!(percent(5, 5), 100);
    }
}
