//! The daily webinar: every weekday at 10:00 in the programme's time zone (Europe/Paris by default).

use jiff::{Timestamp, ToSpan, Zoned, civil::Weekday, tz::TimeZone};

/// Hour and minute of the live session, local time.
pub const SESSION_TIME: (i8, i8) = (10, 0);

/// The start of the next session at or after `now` (a session that started less than a minute ago still counts).
#[must_use]
pub fn next_session(now: Timestamp, tz: &TimeZone) -> Zoned {
    let local = now.to_zoned(tz.clone());
    let mut date = local.date();
    loop {
        let is_weekday = !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday);
        if is_weekday
            && let Ok(start) = date.at(SESSION_TIME.0, SESSION_TIME.1, 0, 0).to_zoned(tz.clone())
            && start.timestamp() >= now - 1.minute()
        {
            return start;
        }
        date = date.tomorrow().expect("date in range");
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn paris() -> TimeZone {
        TimeZone::get("Europe/Paris").unwrap()
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn a_saturday_leads_to_monday_ten_oclock() {
        let next = next_session(at("2026-11-21T12:00:00Z"), &paris());
        assert_eq!(next.to_string(), "2026-11-23T10:00:00+01:00[Europe/Paris]");
        assert_eq!(french_date(&next), "lundi 23 novembre à 10\u{a0}h");
    }

    #[test]
    fn the_first_of_the_month_is_written_1er_and_minutes_follow_the_hour() {
        let next = next_session(at("2027-01-30T12:00:00Z"), &paris());
        assert_eq!(french_date(&next), "lundi 1er février à 10\u{a0}h");
        let half_past = jiff::civil::date(2027, 3, 2).at(9, 5, 0, 0).to_zoned(paris()).unwrap();
        assert_eq!(french_date(&half_past), "mardi 2 mars à 9\u{a0}h\u{a0}05");
        assert_eq!(french_day(jiff::civil::date(2026, 12, 3)), "3 décembre 2026");
        assert_eq!(french_day(jiff::civil::date(2027, 3, 1)), "1er mars 2027");
    }

    #[test]
    fn before_ten_the_session_is_today_after_it_is_tomorrow() {
        assert_eq!(next_session(at("2026-11-24T08:30:00Z"), &paris()).day(), 24);
        assert_eq!(next_session(at("2026-11-24T09:30:00Z"), &paris()).day(), 25);
    }

    #[test]
    fn daylight_saving_changes_keep_ten_oclock_local() {
        // Sunday 29 March 2026 is the switch to summer time: Monday's session is at 08:00 UTC.
        let next = next_session(at("2026-03-28T12:00:00Z"), &paris());
        assert_eq!(next.timestamp(), at("2026-03-30T08:00:00Z"));
    }
}
