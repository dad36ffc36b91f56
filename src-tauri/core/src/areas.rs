//! The areas of the data a write changes, as the window hears of them (the shell's `DataChanged`
//! event): every open view that shows one of them reloads. Each write path declares its areas
//! here, once, beside the others; `core/tests/areas.rs` runs every path with each table's changes
//! recorded and fails when a path changes a table whose area it does not announce.

use crate::text_enum;

text_enum! {
    /// One area of the data, named as the window listens for it.
    pub enum Area {
        Contacts => "contacts",
        /// Stage events, and the customer stage a purchase places.
        Stages => "stages",
        Purchases => "purchases",
        Testimonials => "testimonials",
        Nps => "nps",
        /// Referrals and their rewards.
        Referrals => "referrals",
        Followups => "followups",
        Channels => "channels",
        /// Spend per channel and month.
        Spend => "spend",
        Settings => "settings",
        /// Lead-scoring rules.
        Scoring => "scoring",
        /// Past imports (their batches, mappings and what undo restores).
        Imports => "imports",
        /// Merged contacts and what undoing a merge restores.
        Merges => "merges",
        /// The people of a team database and their roles.
        People => "people",
        /// Everything: the database was filled or replaced (sample data, restore).
        All => "all",
    }
}

impl Area {
    /// The area a table of the schema belongs to; `None` for a table this version does not know
    /// (the test of every table fails until it is named here).
    pub fn of_table(table: &str) -> Option<Area> {
        use Area::*;
        Some(match table {
            "contacts" => Contacts,
            t if t.starts_with("contacts_search") => Contacts,
            "stage_events" => Stages,
            "purchases" => Purchases,
            "testimonials" => Testimonials,
            "nps_answers" => Nps,
            "referrals" | "referral_codes" => Referrals,
            "followups" => Followups,
            "channels" => Channels,
            "channel_spend" => Spend,
            "settings" => Settings,
            "score_rules" => Scoring,
            t if t.starts_with("import_") => Imports,
            "contact_merges" => Merges,
            "people" => People,
            // Kept by triggers from the contacts (likely duplicates) and the purchases (summaries).
            "contact_keys" | "duplicate_groups" => Contacts,
            // (`summary_days_dirty`: PostgreSQL's days a bulk write touched, empty again at its end.)
            "purchase_days" | "customer_summaries" | "purchase_gaps" | "sales_days" | "summaries_paused"
            | "summaries_dirty" | "summary_days_dirty" => Purchases,
            "nps_latest" => Nps,
            // What each referral brought: from the purchase days and the referrals.
            "referral_sales" => Referrals,
            // What each customer bought, from the purchases.
            "customer_products" => Purchases,
            // The new contacts of each day, and how many a referral brought.
            "contact_days" => Contacts,
            _ => return None,
        })
    }

    /// Whether a view showing `self` must reload after a write that announced `changed`.
    pub fn touched_by(self, changed: &[Area]) -> bool {
        changed.iter().any(|&a| a == self || a == Area::All)
    }
}

use Area::*;

/// Everything that hangs off a contact: a contact's delete or a merge moves all of it.
const AROUND_A_CONTACT: [Area; 7] = [Contacts, Stages, Purchases, Testimonials, Nps, Referrals, Followups];

/// A contact created, edited or archived: its first stage, and an MQL its lead score reaches.
pub const CONTACT: &[Area] = &[Contacts, Stages];
/// A contact deleted, with everything that was theirs.
pub const CONTACT_DELETE: &[Area] = &AROUND_A_CONTACT;
/// A stage move, a handoff accepted or rejected (the contact's current stage moves with it).
pub const STAGE_MOVE: &[Area] = &[Stages, Contacts];
/// A lead-scoring rule added, changed or removed: scores move and leads may become MQL.
pub const SCORING: &[Area] = &[Scoring, Contacts, Stages];
/// A purchase recorded, edited, refunded or deleted: it places the customer stage and can earn
/// (or lose) a referral reward.
pub const PURCHASE: &[Area] = &[Purchases, Referrals, Stages, Contacts];
/// A testimonial recorded, edited, received, moved along its lifecycle, withdrawn or deleted.
pub const TESTIMONIAL: &[Area] = &[Testimonials];
/// An NPS answer recorded or deleted.
pub const NPS: &[Area] = &[Nps];
/// A referral recorded, its reward or notes changed, or deleted: its contact counts as a referred
/// new contact, or no longer.
pub const REFERRAL: &[Area] = &[Referrals, Contacts];
/// Someone new: their contact and the referral together.
pub const REFERRAL_FOR_NEW_CONTACT: &[Area] = &[Referrals, Contacts, Stages];
/// Asking an advocate: a follow-up, and a testimonial recorded as requested.
pub const ASK: &[Area] = &[Followups, Testimonials];
/// A follow-up done or snoozed.
pub const FOLLOWUP: &[Area] = &[Followups];
/// A channel added.
pub const CHANNEL: &[Area] = &[Channels];
/// Spend set or deleted.
pub const SPEND: &[Area] = &[Spend];
/// The shop's settings saved: a lower MQL threshold qualifies leads.
pub const SETTINGS: &[Area] = &[Settings, Stages, Contacts];
/// An import committed or undone: contacts, their stages and purchases, the rewards those
/// purchases earn, the batch itself, and the shop's currency when the first import adopts one.
pub const IMPORT: &[Area] = &[Contacts, Stages, Purchases, Referrals, Imports, Settings];
/// Two contacts merged or a merge undone: everything that follows the survivor.
pub const MERGE: &[Area] = &[Contacts, Stages, Purchases, Testimonials, Nps, Referrals, Followups, Merges];
/// A person added or changed (their name shows beside what they did, on contacts they own).
pub const PERSON: &[Area] = &[People, Contacts, Stages];
/// The database filled with the sample shop or replaced by a backup.
pub const EVERYTHING: &[Area] = &[All];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_reloads_for_its_own_area_and_for_all() {
        assert!(Purchases.touched_by(PURCHASE));
        assert!(!Nps.touched_by(PURCHASE));
        assert!(Nps.touched_by(EVERYTHING));
    }

    #[test]
    fn every_table_of_the_schema_has_an_area() {
        let conn = crate::db::open_in_memory().unwrap();
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            .unwrap();
        let tables: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(|t| t.unwrap()).collect();
        let unknown: Vec<&String> = tables.iter().filter(|t| Area::of_table(t).is_none()).collect();
        assert!(unknown.is_empty(), "tables with no area: {unknown:?}");
    }
}
