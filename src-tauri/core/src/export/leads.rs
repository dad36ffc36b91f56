//! Referral-sourced leads — the contacts an advocate brought in — as the files HubSpot's contact
//! import and Mailchimp's audience import take (FORMATS.md).

use super::{write_file, ExportReport, Watch};
use crate::error::{Error, Result};
use crate::page::Filter;
use crate::stages::Stage;
use crate::store::{params_from_iter, Connection};
use crate::text_enum;
use crate::time;
use serde::{Deserialize, Serialize};
use std::path::Path;

text_enum! {
    pub enum LeadFormat {
        Hubspot => "hubspot",
        Mailchimp => "mailchimp",
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct LeadFilter {
    /// First referral day included, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last referral day included, `YYYY-MM-DD`.
    pub to: Option<String>,
    pub advocate_id: Option<i64>,
    /// The lead's current stage.
    pub stage: Option<Stage>,
}

/// HubSpot's lifecycle stage for a Flywheel stage (exits have none of their own: Other).
pub fn lifecycle_stage(stage: Stage) -> &'static str {
    match stage {
        Stage::Subscriber => "Subscriber",
        Stage::Lead => "Lead",
        Stage::Mql => "Marketing Qualified Lead",
        Stage::Sql => "Sales Qualified Lead",
        Stage::Opportunity => "Opportunity",
        Stage::Customer => "Customer",
        Stage::Disqualified | Stage::Lost => "Other",
    }
}

/// HubSpot's lead status for where the lead stands; customers have none.
pub fn lead_status(stage: Stage) -> &'static str {
    match stage {
        Stage::Subscriber | Stage::Lead => "New",
        Stage::Mql => "Open",
        Stage::Sql => "In Progress",
        Stage::Opportunity => "Open Deal",
        Stage::Customer => "",
        Stage::Disqualified => "Unqualified",
        Stage::Lost => "Bad Timing",
    }
}

/// Where HubSpot's `Contact Owner` goes among the columns: after `Original Source`, as
/// FORMATS.md lists it.
const OWNER_AT: usize = 8;

/// Mailchimp cuts text fields at 255 bytes; cut on a character boundary before it does.
fn cut_255(text: &str) -> &str {
    let mut end = text.len().min(255);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Writes the leads of `filter` to `path`, oldest referral first.
pub fn export(
    conn: &Connection,
    filter: &LeadFilter,
    format: LeadFormat,
    path: &Path,
    watch: &mut Watch<'_>,
) -> Result<ExportReport> {
    let mut f = Filter::default();
    if let Some(from) = filter.from.as_deref().filter(|s| !s.trim().is_empty()) {
        f.and("r.referred_on >= ?", time::format_day(time::parse_day("from", from)?));
    }
    if let Some(to) = filter.to.as_deref().filter(|s| !s.trim().is_empty()) {
        f.and("r.referred_on <= ?", time::format_day(time::parse_day("to", to)?));
    }
    if let Some(id) = filter.advocate_id {
        f.and("r.advocate_id = ?", id);
    }
    if let Some(stage) = filter.stage {
        f.and("c.stage = ?", stage.as_str().to_owned());
    }
    let (where_sql, args) = f.into_parts();
    let sql = format!(
        "SELECT c.first_name, c.last_name, c.email, c.phone, c.company, c.stage,
                trim(a.first_name || ' ' || a.last_name), a.email, r.referred_on, o.email
         FROM referrals r JOIN contacts c ON c.id = r.referred_id JOIN contacts a ON a.id = r.advocate_id
              LEFT JOIN people o ON o.login = c.owner
         {where_sql} ORDER BY r.referred_on, r.id"
    );
    let mut stmt = conn.prepare(&sql)?;
    // A team with people names each lead's owner by email, as HubSpot matches a contact owner
    // (blank when no one owns it); a solo file has no people, and its file stays as it was.
    let owners: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM people)", [], |r| r.get(0))?;
    let ((rows, skipped), bytes) = write_file(path, |out| {
        let mut w = csv::Writer::from_writer(out);
        match format {
            LeadFormat::Hubspot => {
                let mut header = vec![
                    "First Name",
                    "Last Name",
                    "Email",
                    "Phone Number",
                    "Company Name",
                    "Lifecycle Stage",
                    "Lead Status",
                    "Original Source",
                    "Referred By",
                    "Referred By Email",
                    "Referral Date",
                ];
                if owners {
                    header.insert(OWNER_AT, "Contact Owner");
                }
                w.write_record(header)?
            }
            LeadFormat::Mailchimp => w.write_record(["Email Address", "First Name", "Last Name", "Tags"])?,
        }
        let (mut rows, mut skipped) = (0_i64, 0_i64);
        let mut found = stmt.query(params_from_iter(args.iter()))?;
        // Cells are read in place, not copied out: 50,000 leads are 450,000 strings otherwise.
        while let Some(r) = found.next()? {
            let text = |i: usize| -> Result<&str> {
                let cell = r.get_ref(i)?.as_str_or_null();
                Ok(cell.map_err(|e| Error::storage(format!("A referred lead's text: {e}")))?.unwrap_or(""))
            };
            let stage: Stage = r.get(5)?;
            match format {
                LeadFormat::Hubspot => {
                    let mut record = vec![
                        text(0)?,
                        text(1)?,
                        text(2)?,
                        text(3)?,
                        text(4)?,
                        lifecycle_stage(stage),
                        lead_status(stage),
                        "Referrals",
                        text(6)?,
                        text(7)?,
                        text(8)?,
                    ];
                    if owners {
                        record.insert(OWNER_AT, text(9)?);
                    }
                    w.write_record(record)?
                }
                LeadFormat::Mailchimp => {
                    // Mailchimp needs the address; a lead without one cannot be in the audience.
                    let email = text(2)?;
                    if email.is_empty() {
                        skipped += 1;
                        continue;
                    }
                    let tags = format!("referral, advocate: {}", text(6)?.replace(',', " "));
                    w.write_record([email, cut_255(text(0)?), cut_255(text(1)?), cut_255(&tags)])?;
                }
            }
            rows += 1;
            watch.tick(rows, 0)?;
        }
        w.flush()?;
        Ok((rows, skipped))
    })?;
    let notes = if skipped > 0 {
        vec![format!(
            "{skipped} referred leads have no email address, which Mailchimp requires; they were left out."
        )]
    } else {
        Vec::new()
    };
    Ok(ExportReport { path: path.to_string_lossy().into_owned(), rows, skipped, bytes, notes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stage_has_hubspot_values_from_formats_md() {
        const LIFECYCLE: &[&str] = &[
            "Subscriber",
            "Lead",
            "Marketing Qualified Lead",
            "Sales Qualified Lead",
            "Opportunity",
            "Customer",
            "Evangelist",
            "Other",
        ];
        const STATUS: &[&str] = &[
            "",
            "New",
            "Open",
            "In Progress",
            "Open Deal",
            "Unqualified",
            "Attempted to Contact",
            "Connected",
            "Bad Timing",
        ];
        for s in Stage::ALL {
            assert!(LIFECYCLE.contains(&lifecycle_stage(*s)), "{s:?}");
            assert!(STATUS.contains(&lead_status(*s)), "{s:?}");
        }
    }

    #[test]
    fn mailchimp_fields_are_cut_on_a_character() {
        let long = "é".repeat(200);
        let cut = cut_255(&long);
        assert!(cut.len() <= 255 && cut.chars().all(|c| c == 'é'));
        assert_eq!(cut_255("short"), "short");
    }
}
