//! Where a customer agreed to have their testimonial published: a closed set of channels, chosen
//! with checkboxes, so an export that needs case-study consent finds every testimonial that has it
//! (free text let "case study" with a space slip past `case_study`).
//!
//! Databases from before the set kept free text; the migration to schema 011 maps it with
//! [`from_free_text`] and keeps whatever did not map in the testimonial's consent note, so nothing
//! the user typed is lost. The rules are listed in docs/METRICS.md ("Consent channels").

use crate::error::{Error, Result};
use crate::store::Connection;
use crate::text_enum;
use rusqlite::params;

text_enum! {
    /// The channels a testimonial may be published on.
    pub enum ConsentChannel {
        Website => "website",
        Social => "social",
        Email => "email",
        Ads => "ads",
        Print => "print",
        CaseStudy => "case_study",
        SalesDeck => "sales_deck",
        Other => "other",
    }
}

impl ConsentChannel {
    /// The name a person reads beside the checkbox.
    pub fn label(self) -> &'static str {
        use ConsentChannel as C;
        match self {
            C::Website => "Website",
            C::Social => "Social media",
            C::Email => "Email",
            C::Ads => "Ads",
            C::Print => "Print",
            C::CaseStudy => "Case study",
            C::SalesDeck => "Sales deck",
            C::Other => "Other",
        }
    }
}

/// The error field of the channels in a testimonial's input.
pub const FIELD: &str = "consent_channels";

/// Reads the channels a form or a caller sends: each must be one of the set, by its key
/// (`case_study`). Repeats are dropped; the result is in the set's order.
pub fn parse_channels(raw: &[String]) -> Result<Vec<ConsentChannel>> {
    let mut picked = Vec::new();
    for text in raw {
        let key = text.trim();
        let channel = ConsentChannel::parse(key).ok_or_else(|| {
            let known: Vec<&str> = ConsentChannel::ALL.iter().map(|c| c.as_str()).collect();
            Error::invalid(
                FIELD,
                format!("'{key}' is not a consent channel; choose from {}.", known.join(", ")),
            )
        })?;
        picked.push(channel);
    }
    Ok(ConsentChannel::ALL.iter().copied().filter(|c| picked.contains(c)).collect())
}

/// How free text is compared: lower case, trimmed, with spaces, hyphens and underscores
/// dropped, so "Case-Study", "case study" and "casestudy" read alike.
fn squash(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_') && !c.is_whitespace())
        .collect()
}

/// Free text people typed for a channel, squashed (see [`squash`]), and the channel it means.
/// Plurals are listed where people write them.
const SYNONYMS: &[(&str, ConsentChannel)] = {
    use ConsentChannel as C;
    &[
        ("website", C::Website),
        ("websites", C::Website),
        ("web", C::Website),
        ("site", C::Website),
        ("webpage", C::Website),
        ("homepage", C::Website),
        ("landingpage", C::Website),
        ("blog", C::Website),
        ("social", C::Social),
        ("socialmedia", C::Social),
        ("socials", C::Social),
        ("twitter", C::Social),
        ("x", C::Social),
        ("instagram", C::Social),
        ("linkedin", C::Social),
        ("facebook", C::Social),
        ("tiktok", C::Social),
        ("youtube", C::Social),
        ("email", C::Email),
        ("emails", C::Email),
        ("mail", C::Email),
        ("newsletter", C::Email),
        ("newsletters", C::Email),
        ("ads", C::Ads),
        ("ad", C::Ads),
        ("advert", C::Ads),
        ("adverts", C::Ads),
        ("advertising", C::Ads),
        ("advertisement", C::Ads),
        ("advertisements", C::Ads),
        ("paidads", C::Ads),
        ("print", C::Print),
        ("printed", C::Print),
        ("brochure", C::Print),
        ("brochures", C::Print),
        ("flyer", C::Print),
        ("flyers", C::Print),
        ("catalogue", C::Print),
        ("catalog", C::Print),
        ("casestudy", C::CaseStudy),
        ("casestudies", C::CaseStudy),
        ("salesdeck", C::SalesDeck),
        ("salesdecks", C::SalesDeck),
        ("deck", C::SalesDeck),
        ("pitch", C::SalesDeck),
        ("pitchdeck", C::SalesDeck),
        ("other", C::Other),
    ]
};

/// The channel a piece of free text means, if any (see [`SYNONYMS`]).
pub fn from_free_text(text: &str) -> Option<ConsentChannel> {
    let key = squash(text);
    SYNONYMS.iter().find(|(word, _)| *word == key).map(|(_, c)| *c)
}

/// Maps a stored free-text list: the channels it names (in the set's order) and the texts that
/// did not map, which make the channel `other` and are kept word for word in the note.
pub fn map_free_text(texts: &[String]) -> (Vec<ConsentChannel>, Vec<String>) {
    let mut picked = Vec::new();
    let mut unmapped: Vec<String> = Vec::new();
    for text in texts.iter().filter(|t| !t.trim().is_empty()) {
        match from_free_text(text) {
            Some(c) => picked.push(c),
            None => {
                picked.push(ConsentChannel::Other);
                unmapped.push(text.trim().to_owned());
            }
        }
    }
    let channels = ConsentChannel::ALL.iter().copied().filter(|c| picked.contains(c)).collect();
    (channels, unmapped)
}

/// The migration step to schema 011: every testimonial's free-text channels become channels of
/// the set; what did not map is kept in `consent_note` ("Consent channels as typed before: …").
pub fn migrate_free_text(tx: &Connection) -> crate::Result<()> {
    let rows: Vec<(i64, String)> = tx
        .prepare("SELECT id, consent_channels FROM testimonials")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut write =
        tx.prepare("UPDATE testimonials SET consent_channels = ?2, consent_note = ?3 WHERE id = ?1")?;
    for (id, json) in rows {
        // A list of texts, or (hand-edited files) one text or something else: keep it all in the note.
        let texts: Vec<String> = match serde_json::from_str::<serde_json::Value>(&json) {
            Ok(serde_json::Value::Array(items)) => items
                .into_iter()
                .map(|v| match v {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                })
                .collect(),
            Ok(serde_json::Value::String(s)) => s.split(',').map(str::to_owned).collect(),
            _ => vec![json.clone()],
        };
        let (channels, unmapped) = map_free_text(&texts);
        let keys: Vec<&str> = channels.iter().map(|c| c.as_str()).collect();
        let keys = serde_json::to_string(&keys)?;
        let note = if unmapped.is_empty() {
            String::new()
        } else {
            format!("Consent channels as typed before: {}", unmapped.join(", "))
        };
        if keys != json || !note.is_empty() {
            write.execute(params![id, keys, note])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ConsentChannel as C;

    #[test]
    fn every_channel_has_a_label_and_round_trips() {
        for c in C::ALL {
            assert!(!c.label().is_empty());
            assert_eq!(C::parse(c.as_str()), Some(*c));
            assert_eq!(from_free_text(c.as_str()), Some(*c), "a key reads as itself");
            assert_eq!(from_free_text(c.label()), Some(*c), "a label reads as its channel");
        }
    }

    #[test]
    fn channels_from_a_form_must_be_keys_of_the_set() {
        let got = parse_channels(&["case_study".into(), " website ".into(), "case_study".into()]).unwrap();
        assert_eq!(got, vec![C::Website, C::CaseStudy]);
        let e = parse_channels(&["case study".into()]).unwrap_err();
        assert_eq!(e.field.as_deref(), Some(FIELD));
        assert!(e.message.contains("case_study"), "{}", e.message);
    }

    #[test]
    fn synonyms_are_squashed_and_unique() {
        for (i, (word, _)) in SYNONYMS.iter().enumerate() {
            assert_eq!(squash(word), *word, "{word} is stored squashed");
            assert!(!SYNONYMS[..i].iter().any(|(w, _)| w == word), "{word} listed twice");
        }
    }
}
