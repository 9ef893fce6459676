//! The webinar schedule: a session every weekday at 10:00 in the programme's time zone (Europe/Paris by
//! default), none on French public holidays, changed day by day by trainers ([`SessionChange`]: a special
//! session, a cancelled day, a new title or link). [`Schedule`] answers "which session on this day" and "the next
//! sessions"; this module also reads what trainers type in the session commands. Pure functions: storage and
//! sending live elsewhere ([`crate::storage::webinars`], [`crate::reminders`]).

use jiff::{
    SignedDuration, Timestamp, ToSpan, Zoned,
    civil::{Date, Time, Weekday},
    tz::TimeZone,
};
use url::Url;

/// Hour and minute of the default live session, local time.
pub const SESSION_TIME: (i8, i8) = (10, 0);

/// How long a session lasts: a reminder missed while the bot was down is still sent until then.
pub const SESSION_LENGTH: SignedDuration = SignedDuration::from_hours(1);

/// How far ahead the schedule looks for coming sessions.
const HORIZON_DAYS: i32 = 60;

/// Longest session title accepted.
pub const MAX_TITLE_CHARS: usize = 120;

/// The start of the default session.
#[must_use]
pub fn default_start() -> Time {
    Time::constant(SESSION_TIME.0, SESSION_TIME.1, 0, 0)
}

/// A trainer's change to one day: a special session (any day, holidays included), a cancellation, a title or a
/// link. Unset fields fall back to the default session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionChange {
    pub date: Date,
    pub start: Time,
    pub title: Option<String>,
    pub url: Option<String>,
    pub cancelled: bool,
}

/// One session as merchants see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub date: Date,
    pub start: Zoned,
    /// `None`: the default title (a Fluent message).
    pub title: Option<String>,
    /// Where to join: the day's link, else `ACCEL_WEBINAR_URL`.
    pub url: Option<String>,
    /// Added by a trainer on a day without a default session.
    pub special: bool,
}

impl Session {
    #[must_use]
    pub fn end(&self) -> Timestamp {
        self.start.timestamp() + SESSION_LENGTH
    }

    /// The key of this session in storage (its local day): one session per day.
    #[must_use]
    pub fn key(&self) -> String {
        self.date.to_string()
    }
}

/// The default schedule, the configured link, and the trainers' changes over some range of days.
#[derive(Debug, Clone, Copy)]
pub struct Schedule<'a> {
    pub tz: &'a TimeZone,
    pub default_url: Option<&'a Url>,
    pub changes: &'a [SessionChange],
}

impl Schedule<'_> {
    /// The session held on `date`, if any.
    #[must_use]
    pub fn session_on(&self, date: Date) -> Option<Session> {
        let change = self.changes.iter().find(|change| change.date == date);
        let default_day = is_weekday(date) && !is_public_holiday(date);
        let (start, title, url, special) = match change {
            Some(change) if change.cancelled => return None,
            Some(change) => (change.start, change.title.clone(), change.url.clone(), !default_day),
            None if default_day => (default_start(), None, None, false),
            None => return None,
        };
        // A time skipped by a daylight-saving change moves forward, as clocks do.
        let start = date.to_datetime(start).to_zoned(self.tz.clone()).ok()?;
        let url = url.or_else(|| self.default_url.map(ToString::to_string));
        Some(Session { date, start, title, url, special })
    }

    /// Up to `count` sessions that have not ended at `now`, in order.
    #[must_use]
    pub fn coming(&self, now: Timestamp, count: usize) -> Vec<Session> {
        let today = now.to_zoned(self.tz.clone()).date();
        let mut sessions = Vec::new();
        let mut date = today;
        for _ in 0..HORIZON_DAYS {
            if sessions.len() == count {
                break;
            }
            if let Some(session) = self.session_on(date).filter(|session| session.end() > now) {
                sessions.push(session);
            }
            match date.tomorrow() {
                Ok(next) => date = next,
                Err(_) => break,
            }
        }
        sessions
    }
}

/// Monday to Friday.
#[must_use]
pub fn is_weekday(date: Date) -> bool {
    !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// Easter Sunday (Gregorian calendar), by the anonymous Gregorian algorithm (Meeus/Jones/Butcher).
#[must_use]
pub fn easter_sunday(year: i16) -> Date {
    let y = i32::from(year);
    let (a, b, c) = (y % 19, y / 100, y % 100);
    let (d, e) = (b / 4, b % 4);
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date::new(year, month as i8, day as i8).expect("Easter is a valid date")
}

/// The eleven French public holidays (metropolitan France): eight fixed dates, Easter Monday, Ascension Thursday
/// and Whit Monday.
#[must_use]
pub fn is_public_holiday(date: Date) -> bool {
    const FIXED: [(i8, i8); 8] = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)];
    if FIXED.contains(&(date.month(), date.day())) {
        return true;
    }
    let easter = easter_sunday(date.year());
    [1_i32, 39, 50].into_iter().any(|days| easter.checked_add(days.days()).is_ok_and(|holiday| holiday == date))
}

/// « lundi 23 novembre à 10 h ».
#[must_use]
pub fn french_date(start: &Zoned) -> String {
    crate::french::day_and_time(start)
}

/// « 3 décembre 2026 », « 1er mars 2027 »: a day in French style, for review dates.
#[must_use]
pub fn french_day(date: jiff::civil::Date) -> String {
    crate::french::date(date)
}

/// A day as trainers type it: `24/12/2026`, `24/12` (the next such day from `today`) or `2026-12-24`.
#[must_use]
pub fn parse_day(raw: &str, today: Date) -> Option<Date> {
    let raw = raw.trim();
    if let Ok(date) = Date::strptime("%d/%m/%Y", raw).or_else(|_| Date::strptime("%Y-%m-%d", raw)) {
        return Some(date);
    }
    let (day, month) = raw.split_once('/')?;
    let (day, month): (i8, i8) = (day.parse().ok()?, month.parse().ok()?);
    let this_year = Date::new(today.year(), month, day).ok()?;
    if this_year >= today { Some(this_year) } else { Date::new(today.year() + 1, month, day).ok() }
}

/// A time of day as trainers type it: `14:00`, `14h`, `14h30`, `9h05`.
#[must_use]
pub fn parse_time(raw: &str) -> Option<Time> {
    let raw = raw.trim().to_lowercase();
    let (hour, minute) = raw.split_once([':', 'h'])?;
    let hour: i8 = hour.parse().ok()?;
    let minute: i8 = if minute.is_empty() { 0 } else { minute.parse().ok()? };
    Time::new(hour, minute, 0, 0).ok()
}

/// The title and link of `Titre | https://lien`, `Titre` or `| https://lien`; `None` when the link is not a web
/// address or the title too long.
#[must_use]
pub fn parse_title_and_link(raw: &str) -> Option<(Option<String>, Option<String>)> {
    let (title, link) = match raw.split_once('|') {
        Some((title, link)) => (title.trim(), Some(link.trim())),
        None => (raw.trim(), None),
    };
    let link = match link {
        Some(link) => Some(
            Url::parse(link).ok().filter(|url| matches!(url.scheme(), "http" | "https") && url.has_host())?.to_string(),
        ),
        None => None,
    };
    if title.chars().count() > MAX_TITLE_CHARS {
        return None;
    }
    let title = (!title.is_empty()).then(|| title.to_owned());
    Some((title, link))
}

/// What a trainer asked for with a session command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionCommand {
    /// `/seance_ajouter 19/12/2026 14:00 Titre | https://lien`: a session on that day (the link is optional).
    Add { date: Date, start: Time, title: String, url: Option<String> },
    /// `/seance_annuler 24/12/2026 [message to subscribers]`.
    Cancel { date: Date, notice: Option<String> },
    /// `/seance_modifier 07/12/2026 Titre | https://lien`: a new title, a new link, or both.
    Change { date: Date, title: Option<String>, url: Option<String> },
}

impl SessionCommand {
    #[must_use]
    pub fn parse_add(args: &str, today: Date) -> Option<Self> {
        let mut parts = args.trim().splitn(3, char::is_whitespace);
        let date = parse_day(parts.next()?, today)?;
        let start = parse_time(parts.next()?)?;
        let (title, url) = parse_title_and_link(parts.next()?)?;
        Some(Self::Add { date, start, title: title?, url })
    }

    #[must_use]
    pub fn parse_cancel(args: &str, today: Date) -> Option<Self> {
        let args = args.trim();
        let (date, notice) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
        let notice = notice.trim();
        Some(Self::Cancel { date: parse_day(date, today)?, notice: (!notice.is_empty()).then(|| notice.to_owned()) })
    }

    #[must_use]
    pub fn parse_change(args: &str, today: Date) -> Option<Self> {
        let (date, rest) = args.trim().split_once(char::is_whitespace)?;
        let (title, url) = parse_title_and_link(rest)?;
        if title.is_none() && url.is_none() {
            return None;
        }
        Some(Self::Change { date: parse_day(date, today)?, title, url })
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn paris() -> TimeZone {
        TimeZone::get("Europe/Paris").unwrap()
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn next(now: &str, changes: &[SessionChange]) -> Session {
        let tz = paris();
        Schedule { tz: &tz, default_url: None, changes }.coming(at(now), 1).remove(0)
    }

    #[test]
    fn a_saturday_leads_to_monday_ten_oclock() {
        let next = next("2026-11-21T12:00:00Z", &[]);
        assert_eq!(next.start.to_string(), "2026-11-23T10:00:00+01:00[Europe/Paris]");
        assert_eq!(french_date(&next.start), "lundi 23 novembre à 10\u{a0}h");
    }

    #[test]
    fn the_first_of_the_month_is_written_1er_and_minutes_follow_the_hour() {
        let next = next("2027-01-30T12:00:00Z", &[]);
        assert_eq!(french_date(&next.start), "lundi 1er février à 10\u{a0}h");
        let half_past = jiff::civil::date(2027, 3, 2).at(9, 5, 0, 0).to_zoned(paris()).unwrap();
        assert_eq!(french_date(&half_past), "mardi 2 mars à 9\u{a0}h\u{a0}05");
        assert_eq!(french_day(jiff::civil::date(2026, 12, 3)), "3 décembre 2026");
        assert_eq!(french_day(jiff::civil::date(2027, 3, 1)), "1er mars 2027");
    }

    #[test]
    fn a_session_is_coming_until_it_ends() {
        assert_eq!(next("2026-11-24T08:30:00Z", &[]).date.day(), 24);
        assert_eq!(next("2026-11-24T09:30:00Z", &[]).date.day(), 24, "in progress");
        assert_eq!(next("2026-11-24T10:00:00Z", &[]).date.day(), 25);
    }

    #[test]
    fn daylight_saving_changes_keep_ten_oclock_local() {
        // 29 March 2026 and 28 March 2027: summer time; 25 October 2026: winter time.
        assert_eq!(next("2026-03-28T12:00:00Z", &[]).start.timestamp(), at("2026-03-30T08:00:00Z"));
        assert_eq!(next("2026-03-27T10:00:00Z", &[]).start.timestamp(), at("2026-03-30T08:00:00Z"));
        assert_eq!(next("2026-10-24T12:00:00Z", &[]).start.timestamp(), at("2026-10-26T09:00:00Z"));
        assert_eq!(next("2026-10-23T08:30:00Z", &[]).start.timestamp(), at("2026-10-23T08:00:00Z"));
        // Monday 29 March 2027 is Easter Monday: the next session is on Tuesday.
        assert_eq!(next("2027-03-27T12:00:00Z", &[]).start.timestamp(), at("2027-03-30T08:00:00Z"));
        assert_eq!(next("2027-03-26T08:30:00Z", &[]).start.timestamp(), at("2027-03-26T09:00:00Z"));
    }

    #[test]
    fn special_sessions_on_the_dst_sunday_itself_are_at_local_time() {
        let sunday = SessionChange {
            date: date(2026, 10, 25),
            start: Time::constant(10, 0, 0, 0),
            title: Some("Spécial".to_owned()),
            url: None,
            cancelled: false,
        };
        let session = next("2026-10-25T05:00:00Z", std::slice::from_ref(&sunday));
        assert_eq!(session.start.timestamp(), at("2026-10-25T09:00:00Z"), "UTC+1 from 03:00 that day");
        assert!(session.special);
        let spring = SessionChange { date: date(2027, 3, 28), start: Time::constant(2, 30, 0, 0), ..sunday };
        let session = next("2027-03-28T00:00:00Z", &[spring]);
        assert_eq!(session.start.to_string(), "2027-03-28T03:30:00+02:00[Europe/Paris]", "02:30 does not exist");
    }

    #[test]
    fn easter_and_the_holidays_that_follow_it() {
        assert_eq!(easter_sunday(2026), date(2026, 4, 5));
        assert_eq!(easter_sunday(2027), date(2027, 3, 28));
        assert_eq!(easter_sunday(2024), date(2024, 3, 31));
        assert_eq!(easter_sunday(2000), date(2000, 4, 23));
        for holiday in [
            date(2026, 1, 1),
            date(2026, 4, 6),
            date(2026, 5, 1),
            date(2026, 5, 8),
            date(2026, 5, 14),
            date(2026, 5, 25),
            date(2026, 7, 14),
            date(2026, 8, 15),
            date(2026, 11, 1),
            date(2026, 11, 11),
            date(2026, 12, 25),
            date(2027, 3, 29),
            date(2027, 5, 6),
            date(2027, 5, 17),
        ] {
            assert!(is_public_holiday(holiday), "{holiday}");
        }
        for ordinary in [date(2026, 4, 5), date(2026, 4, 7), date(2026, 5, 13), date(2026, 12, 24)] {
            assert!(!is_public_holiday(ordinary), "{ordinary}");
        }
    }

    #[test]
    fn holidays_have_no_session_unless_a_trainer_adds_one() {
        let tz = paris();
        let schedule = Schedule { tz: &tz, default_url: None, changes: &[] };
        assert_eq!(schedule.session_on(date(2026, 11, 11)), None, "Armistice, a Wednesday");
        let coming = schedule.coming(at("2026-11-10T12:00:00Z"), 1);
        assert_eq!(coming[0].date, date(2026, 11, 12));
        let added = SessionChange {
            date: date(2026, 11, 11),
            start: Time::constant(14, 0, 0, 0),
            title: Some("Spécial".to_owned()),
            url: None,
            cancelled: false,
        };
        let schedule = Schedule { changes: std::slice::from_ref(&added), ..schedule };
        assert_eq!(schedule.coming(at("2026-11-10T12:00:00Z"), 1)[0].date, date(2026, 11, 11));
        let cancelled = SessionChange { date: date(2026, 11, 12), cancelled: true, ..added.clone() };
        let changes = [cancelled];
        let schedule = Schedule { changes: &changes, ..schedule };
        assert_eq!(schedule.coming(at("2026-11-11T12:00:00Z"), 1)[0].date, date(2026, 11, 13));
    }

    #[test]
    fn trainers_type_days_times_titles_and_links_the_french_way() {
        let today = date(2026, 12, 3);
        assert_eq!(parse_day("24/12/2026", today), Some(date(2026, 12, 24)));
        assert_eq!(parse_day("2026-12-24", today), Some(date(2026, 12, 24)));
        assert_eq!(parse_day("24/12", today), Some(date(2026, 12, 24)));
        assert_eq!(parse_day("02/01", today), Some(date(2027, 1, 2)), "next January");
        assert_eq!(parse_day("31/02/2026", today), None);
        assert_eq!(parse_time("14h"), Some(Time::constant(14, 0, 0, 0)));
        assert_eq!(parse_time("9h05"), Some(Time::constant(9, 5, 0, 0)));
        assert_eq!(parse_time("25:00"), None);
        assert_eq!(
            SessionCommand::parse_add("19/12/2026 14:00 Spécial Noël | https://visio.example.org/noel", today),
            Some(SessionCommand::Add {
                date: date(2026, 12, 19),
                start: Time::constant(14, 0, 0, 0),
                title: "Spécial Noël".to_owned(),
                url: Some("https://visio.example.org/noel".to_owned()),
            })
        );
        assert_eq!(SessionCommand::parse_add("19/12/2026 14:00", today), None, "a title is needed");
        assert_eq!(SessionCommand::parse_add("19/12/2026 14:00 Titre | ftp://x", today), None);
        assert_eq!(
            SessionCommand::parse_cancel("24/12 Bonnes fêtes !", today),
            Some(SessionCommand::Cancel { date: date(2026, 12, 24), notice: Some("Bonnes fêtes !".to_owned()) })
        );
        assert_eq!(
            SessionCommand::parse_cancel("24/12", today),
            Some(SessionCommand::Cancel { date: date(2026, 12, 24), notice: None })
        );
        assert_eq!(
            SessionCommand::parse_change("07/12/2026 | https://visio.example.org/b", today),
            Some(SessionCommand::Change {
                date: date(2026, 12, 7),
                title: None,
                url: Some("https://visio.example.org/b".to_owned()),
            })
        );
        assert_eq!(SessionCommand::parse_change("07/12/2026", today), None);
    }

    #[test]
    fn the_bundled_time_zone_database_knows_paris_without_the_system_one() {
        let db = jiff::tz::TimeZoneDatabase::bundled();
        let tz = db.get("Europe/Paris").expect("Europe/Paris is bundled");
        let schedule = Schedule { tz: &tz, default_url: None, changes: &[] };
        let monday = schedule.session_on(date(2026, 3, 30)).unwrap();
        assert_eq!(monday.start.timestamp(), at("2026-03-30T08:00:00Z"));
    }
}
