//! French typography in one place: dates and times written the French way (« mardi 1er décembre », « 10 h »,
//! « 9 h 05 »), and the no-break spaces of content text ([`typography`]).
//!
//! The words (weekdays, months, « 1er », « h ») and the non-breaking spaces of messages come from the Fluent
//! files; this module only picks the message. Every date or time a user reads goes through here.

use jiff::{Zoned, civil::Weekday};

use crate::tr;

/// « mardi 1er décembre ».
#[must_use]
pub fn day(at: &Zoned) -> String {
    tr!("french-day", weekday = weekday(at.weekday()), day = i64::from(at.day()), month = month(at.month()))
}

/// « mardi 1er décembre 2026 ».
#[must_use]
pub fn day_with_year(at: &Zoned) -> String {
    tr!(
        "french-day-year",
        weekday = weekday(at.weekday()),
        day = i64::from(at.day()),
        month = month(at.month()),
        year = i64::from(at.year())
    )
}

/// « 10 h », « 9 h 05 ».
#[must_use]
pub fn time(at: &Zoned) -> String {
    let (hour, minute) = (i64::from(at.hour()), at.minute());
    if minute == 0 {
        tr!("french-time", hour = hour)
    } else {
        tr!("french-time-minutes", hour = hour, minutes = format!("{minute:02}"))
    }
}

/// « mardi 1er décembre à 10 h ».
#[must_use]
pub fn day_and_time(at: &Zoned) -> String {
    tr!("french-day-time", day = day(at), time = time(at))
}

/// « mardi 1er décembre 2026 à 9 h 05 ».
#[must_use]
pub fn day_with_year_and_time(at: &Zoned) -> String {
    tr!("french-day-time", day = day_with_year(at), time = time(at))
}

/// « 3 décembre 2026 », « 1er mars 2027 »: a calendar day without its weekday (review dates).
#[must_use]
pub fn date(date: jiff::civil::Date) -> String {
    tr!("date-long", day = i64::from(date.day()), month = month(date.month()), year = i64::from(date.year()))
}

/// Content text (FAQ questions and answers, chapter and module titles) with French no-break spaces, as the
/// Fluent files write them: a narrow one (U+202F) before « ? ! ; », a no-break one (U+00A0) before « : » and
/// « » », after « « », and between a number and « h », « min », « € » or « % ». A phone then never starts a line
/// with a lone « ? » or splits « 10 h ».
#[must_use]
pub fn typography(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        if c != ' ' {
            out.push(c);
            continue;
        }
        let previous = i.checked_sub(1).map(|j| chars[j]);
        let rest = &chars[i + 1..];
        let unit = previous.is_some_and(|p| p.is_ascii_digit())
            && ["h", "min", "€", "%"].iter().any(|unit| {
                let unit: Vec<char> = unit.chars().collect();
                rest.starts_with(&unit) && !rest.get(unit.len()).is_some_and(|c| c.is_alphanumeric())
            });
        out.push(match rest.first() {
            Some('?' | '!' | ';') => '\u{202f}',
            Some(':' | '»') => '\u{a0}',
            _ if previous == Some('«') || unit => '\u{a0}',
            _ => ' ',
        });
    }
    out
}

fn weekday(weekday: Weekday) -> String {
    match weekday {
        Weekday::Monday => tr!("weekday-monday"),
        Weekday::Tuesday => tr!("weekday-tuesday"),
        Weekday::Wednesday => tr!("weekday-wednesday"),
        Weekday::Thursday => tr!("weekday-thursday"),
        Weekday::Friday => tr!("weekday-friday"),
        Weekday::Saturday => tr!("weekday-saturday"),
        Weekday::Sunday => tr!("weekday-sunday"),
    }
}

fn month(month: i8) -> String {
    match month {
        1 => tr!("month-1"),
        2 => tr!("month-2"),
        3 => tr!("month-3"),
        4 => tr!("month-4"),
        5 => tr!("month-5"),
        6 => tr!("month-6"),
        7 => tr!("month-7"),
        8 => tr!("month-8"),
        9 => tr!("month-9"),
        10 => tr!("month-10"),
        11 => tr!("month-11"),
        _ => tr!("month-12"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paris(at: &str) -> Zoned {
        at.parse::<jiff::Timestamp>().unwrap().to_zoned(jiff::tz::TimeZone::get("Europe/Paris").unwrap())
    }

    #[test]
    fn the_first_of_the_month_is_premier() {
        assert_eq!(day(&paris("2026-12-01T09:00:00Z")), "mardi 1er décembre");
        assert_eq!(day(&paris("2026-12-02T09:00:00Z")), "mercredi 2 décembre");
    }

    #[test]
    fn content_gets_no_break_spaces_where_french_wants_them() {
        assert_eq!(
            typography("Livraison « gratuite » ? Oui : dès 50 € ; à 10 h, 30 % ! https://a.fr/x:y"),
            "Livraison «\u{a0}gratuite\u{a0}»\u{202f}? Oui\u{a0}: dès 50\u{a0}€\u{202f}; à 10\u{a0}h, 30\u{a0}%\u{202f}! https://a.fr/x:y"
        );
        assert_eq!(typography("3 heures, 2 minutes"), "3 heures, 2 minutes");
    }

    #[test]
    fn times_read_ten_h_with_a_non_breaking_space() {
        assert_eq!(time(&paris("2026-12-01T09:00:00Z")), "10\u{a0}h");
        assert_eq!(time(&paris("2026-12-01T08:05:00Z")), "9\u{a0}h\u{a0}05");
        assert_eq!(day_and_time(&paris("2026-11-23T09:00:00Z")), "lundi 23 novembre à 10\u{a0}h");
        assert_eq!(
            day_with_year_and_time(&paris("2026-03-01T09:30:00Z")),
            "dimanche 1er mars 2026 à 10\u{a0}h\u{a0}30"
        );
    }
}
