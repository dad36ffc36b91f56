//! No silent overwrite: a form sends back the record as it opened it, and a write whose record
//! someone else changed since (another desktop on a team database, or another window) is refused
//! with what changed, so the person chooses: keep theirs by taking the new values, or keep their
//! own by saving again over the new values ("keep mine" sends the new values as what it opened).
//! Contacts, testimonials and referrals' notes use it.

use crate::error::{Error, Result};

/// The field an error names when the record changed since its form opened: the form shows the
/// message with "keep mine" and "take theirs" instead of beside one input.
pub const FIELD: &str = "changed_since_opened";

/// Refuses the write when any field's value as the form opened it differs from its value now.
/// `fields` are (label, opened, now), the values as a person reads them.
pub fn check(what: &str, fields: &[(&str, String, String)]) -> Result<()> {
    let changed: Vec<String> = fields
        .iter()
        .filter(|(_, opened, now)| opened != now)
        .map(|(label, opened, now)| format!("{label} is now {} (was {})", shown(now), shown(opened)))
        .collect();
    if changed.is_empty() {
        return Ok(());
    }
    tracing::info!(what, fields = changed.len(), "a write met a record changed since its form opened");
    Err(Error::conflict_on(
        FIELD,
        format!(
            "Someone else changed this {what} since you opened it: {}. Keep yours to save your version over \
             theirs, or take theirs to start again from it.",
            changed.join("; ")
        ),
    ))
}

fn shown(value: &str) -> String {
    if value.is_empty() {
        "empty".to_owned()
    } else {
        format!("“{value}”")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_each_changed_field_with_both_values() {
        assert!(check("contact", &[("Phone", "1".into(), "1".into())]).is_ok());
        let e =
            check("contact", &[("Phone", "555".into(), "777".into()), ("Notes", "x".into(), String::new())])
                .unwrap_err();
        assert_eq!(e.field.as_deref(), Some(FIELD));
        assert!(
            e.message.contains("Phone is now “777” (was “555”); Notes is now empty (was “x”)"),
            "{}",
            e.message
        );
    }
}
