//! Announcements, the parts that neither send nor store: reading what a trainer types while composing one (a link
//! button, a date and time in the programme's time zone) and showing times back.

use jiff::{Timestamp, civil, tz::TimeZone};
use url::Url;

use crate::storage::deliveries::LinkButton;

/// Longest button label accepted (Telegram cuts long labels on phones).
pub const MAX_LABEL_CHARS: usize = 40;

/// Formats accepted for a send time, tried in order.
const TIME_FORMATS: [&str; 4] = ["%d/%m/%Y %H:%M", "%d/%m/%Y %Hh%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"];

/// `Libellé | https://adresse` → a link button; `None` when either side is missing or the URL is not http(s).
#[must_use]
pub fn parse_link_button(raw: &str) -> Option<LinkButton> {
    let (label, url) = raw.split_once('|')?;
    let label = label.trim();
    let url = Url::parse(url.trim()).ok().filter(|url| matches!(url.scheme(), "http" | "https") && url.has_host())?;
    let valid_label = !label.is_empty() && label.chars().count() <= MAX_LABEL_CHARS;
    valid_label.then(|| LinkButton { label: label.to_owned(), url: url.to_string() })
}

/// A local date and time (`24/12/2026 09:30`, `24/12/2026 9h30`, `2026-12-24 09:30`) in `tz`, if it is after `now`.
/// A time skipped by a daylight-saving change is moved forward, as clocks are.
#[must_use]
pub fn parse_send_time(raw: &str, tz: &TimeZone, now: Timestamp) -> Option<Timestamp> {
    let raw = raw.trim();
    let local = TIME_FORMATS.iter().find_map(|format| civil::DateTime::strptime(format, raw).ok())?;
    let at = local.to_zoned(tz.clone()).ok()?.timestamp();
    (at > now).then_some(at)
}

/// « vendredi 4 décembre à 9 h », in `tz`: the one French date style (`french::day_and_time`).
#[must_use]
pub fn local_time(at: Timestamp, tz: &TimeZone) -> String {
    crate::french::day_and_time(&at.to_zoned(tz.clone()))
}

/// An example the trainer can copy: tomorrow at 09:00, in the first accepted format.
#[must_use]
pub fn example_time(tz: &TimeZone, now: Timestamp) -> String {
    let tomorrow = now.to_zoned(tz.clone()).date().tomorrow().unwrap_or(civil::date(2030, 1, 1));
    tomorrow.at(9, 0, 0, 0).strftime(TIME_FORMATS[0]).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paris() -> TimeZone {
        TimeZone::get("Europe/Paris").unwrap()
    }

    #[test]
    fn link_buttons_need_a_label_and_a_web_address() {
        let button = parse_link_button(" S'inscrire | https://exemple.fr/atelier ").unwrap();
        assert_eq!((button.label.as_str(), button.url.as_str()), ("S'inscrire", "https://exemple.fr/atelier"));
        for raw in
            ["https://exemple.fr", "| https://exemple.fr", "Lien | exemple.fr", "Lien | javascript:alert(1)", "Lien |"]
        {
            assert_eq!(parse_link_button(raw), None, "{raw}");
        }
        assert_eq!(parse_link_button(&format!("{} | https://a.fr", "x".repeat(41))), None);
    }

    #[test]
    fn send_times_are_read_in_the_programme_time_zone() {
        let now: Timestamp = "2026-12-03T14:00:00Z".parse().unwrap();
        let expected: Timestamp = "2026-12-24T08:30:00Z".parse().unwrap();
        for raw in ["24/12/2026 09:30", "24/12/2026 9h30", "2026-12-24 09:30"] {
            assert_eq!(parse_send_time(raw, &paris(), now), Some(expected), "{raw}");
        }
        // Summer time: UTC+2.
        let summer: Timestamp = "2027-06-01T07:00:00Z".parse().unwrap();
        assert_eq!(parse_send_time("01/06/2027 09:00", &paris(), now), Some(summer));
    }

    #[test]
    fn past_and_malformed_times_are_refused() {
        let now: Timestamp = "2026-12-03T14:00:00Z".parse().unwrap();
        for raw in ["03/12/2026 14:59", "01/01/2020 10:00", "demain 9h", "32/12/2026 10:00", ""] {
            assert_eq!(parse_send_time(raw, &paris(), now), None, "{raw}");
        }
        assert!(parse_send_time("03/12/2026 15:01", &paris(), now).is_some());
    }

    #[test]
    fn the_example_is_tomorrow_morning_and_parses() {
        let now: Timestamp = "2026-12-03T14:00:00Z".parse().unwrap();
        let example = example_time(&paris(), now);
        assert_eq!(example, "04/12/2026 09:00");
        let at = parse_send_time(&example, &paris(), now).unwrap();
        assert_eq!(local_time(at, &paris()), "vendredi 4 décembre à 9\u{a0}h");
    }
}
