//! Storing parsed records inside the import's transaction: contacts deduplicated by email, purchases
//! by order id, every new row tagged with the batch and every changed row's prior values kept, so
//! the batch can be undone exactly. Prepared statements only: this is the hot loop.

use super::mapping::Field;
use super::parse::{Person, Sale};
use super::plan::Plan;
use super::{ImportKind, ImportRowOutcome as RowOutcome, PreviewRow};
use crate::error::{Error, Result};
use crate::referral_codes::{self, CodeSummary};
use crate::stages::Stage;
use crate::store::Connection;
use crate::time;
use crate::validate;
use crate::{customer_since, rewards, snapshot};
use rusqlite::{params, OptionalExtension};
use std::collections::{BTreeSet, HashMap};

/// How many customers' ids an import keeps at hand.
const KNOWN_EMAILS: usize = 200_000;

/// What storing one record did; `Skipped` says why.
pub(super) enum Stored {
    New(Vec<String>),
    Updated(Vec<String>),
    Skipped(String, Vec<String>),
    /// A line merged into an order already stored by this batch: not a record of its own.
    Merged,
    /// Refused, with the column at fault (a header) and the reason.
    Rejected(Option<String>, String),
}

pub(super) struct Writer<'c> {
    conn: &'c Connection,
    pub batch_id: i64,
    now: String,
    walk_in: Option<i64>,
    /// Contact ids by email, for customers with many orders in one file.
    known: HashMap<String, i64>,
    pub contacts_created: i64,
    /// The highest stage event id before the import, to tag the events it causes.
    events_before: i64,
    /// Whether the preview still wants rows: only then are a row's cells written out as text.
    pub previewing: bool,
    /// The contacts whose purchases this batch added or changed, noted as they are written: asking
    /// the purchases at the end sorted a row per purchase (most of an import's peak memory).
    buyers: BTreeSet<i64>,
}

pub(super) fn preview_columns(kind: ImportKind) -> Vec<String> {
    let cols: &[&str] = match kind {
        ImportKind::Contacts => {
            &["Email", "First name", "Last name", "Phone", "Company", "Stage", "Source", "Tags"]
        }
        ImportKind::Purchases => &["Order", "Customer", "Day", "Amount", "Refunded", "Product", "Quantity"],
    };
    cols.iter().map(|c| (*c).to_owned()).collect()
}

impl<'c> Writer<'c> {
    pub fn start(conn: &'c Connection, plan: &Plan) -> Result<Self> {
        let now = time::now_text();
        conn.execute(
            "INSERT INTO import_batches (kind, file_name, file_hash, format, started_at) VALUES (?1, ?2, '', ?3, ?4)",
            params![plan.kind, plan.file_name, plan.format, now],
        )?;
        let batch_id = conn.last_insert_rowid();
        let events_before =
            conn.query_row("SELECT coalesce(max(id), 0) FROM stage_events", [], |r| r.get(0))?;
        Ok(Writer {
            conn,
            batch_id,
            now,
            walk_in: None,
            known: HashMap::new(),
            contacts_created: 0,
            events_before,
            previewing: true,
            buyers: BTreeSet::new(),
        })
    }

    /// A contact row of a contacts import.
    pub fn contact(&mut self, plan: &Plan, p: &Person) -> Result<Stored> {
        if p.email.is_none() && !p.has_name() {
            let column = plan.header_of(Field::Email).or_else(|| plan.header_of(Field::FirstName));
            return Ok(Stored::Rejected(column, "No name and no email: give one or the other.".into()));
        }
        let cells = if self.previewing { contact_cells(p) } else { Vec::new() };
        let existing = match &p.email {
            Some(email) => self.find_contact(email)?,
            None => None,
        };
        let Some((id, batch)) = existing else {
            self.insert_contact(p, p.stage.unwrap_or(Stage::Lead), true)?;
            return Ok(Stored::New(cells));
        };
        // Blank cells never overwrite what is already known; tags add up.
        let (first, last, phone, company, segment, tags, notes, source, score): (
            String,
            String,
            String,
            String,
            String,
            String,
            String,
            String,
            i64,
        ) = self
            .conn
            .prepare_cached(
                "SELECT first_name, last_name, phone, company, segment, tags, notes, source, lead_score
                 FROM contacts WHERE id = ?1",
            )?
            .query_row([id], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                ))
            })?;
        let pick = |new: &str, old: String| if new.is_empty() { old } else { new.to_owned() };
        let mut all_tags: Vec<String> = serde_json::from_str(&tags)?;
        all_tags.extend(p.tags.iter().cloned());
        let all_tags = serde_json::to_string(&validate::tags("tags", &all_tags)?)?;
        let next = (
            pick(&p.first_name, first.clone()),
            pick(&p.last_name, last.clone()),
            pick(&p.phone, phone.clone()),
            pick(&p.company, company.clone()),
            pick(&p.segment, segment.clone()),
            all_tags,
            pick(&p.notes, notes.clone()),
            p.source.clone().unwrap_or_else(|| source.clone()),
            p.lead_score.unwrap_or(score),
        );
        if next == (first, last, phone, company, segment, tags, notes, source, score) {
            return Ok(Stored::Skipped("already up to date".into(), cells));
        }
        self.keep_prior("contacts", id, batch)?;
        self.conn
            .prepare_cached(
                "UPDATE contacts SET first_name = ?2, last_name = ?3, phone = ?4, company = ?5, segment = ?6,
                        tags = ?7, notes = ?8, source = ?9, lead_score = ?10, updated_at = ?11
                 WHERE id = ?1",
            )?
            .execute(params![
                id, next.0, next.1, next.2, next.3, next.4, next.5, next.6, next.7, next.8, self.now
            ])?;
        Ok(Stored::Updated(cells))
    }

    /// A purchase (one order) of a purchases import.
    pub fn purchase(&mut self, plan: &Plan, p: &Person, s: &Sale) -> Result<Stored> {
        let previewing = self.previewing;
        let who = || {
            p.email.clone().unwrap_or_else(|| format!("{} {}", p.first_name, p.last_name).trim().to_owned())
        };
        let cells = |who: &dyn Fn() -> String| if previewing { sale_cells(s, &who()) } else { Vec::new() };
        if s.cancelled {
            return Ok(Stored::Skipped("cancelled order".into(), cells(&who)));
        }
        if !plan.format.is_paid(&s.status) {
            return Ok(Stored::Skipped(format!("not paid (status {})", s.status), cells(&who)));
        }
        if s.day.is_none() {
            return Ok(Stored::Rejected(
                plan.header_of(Field::Date),
                "No date: every purchase needs its day.".into(),
            ));
        }
        let Some(amount) = s.amount else {
            let column = plan.header_of(Field::Amount).or_else(|| plan.header_of(Field::AmountMinor));
            return Ok(Stored::Rejected(column, "No amount.".into()));
        };
        if !plan.walk_in && p.email.is_none() && !p.has_name() {
            let column = plan.header_of(Field::Email).or_else(|| plan.header_of(Field::FullName));
            return Ok(Stored::Rejected(
                column,
                "No customer: the row has neither an email nor a name.".into(),
            ));
        }
        let refunded = match s.refunded {
            None if plan.format.is_fully_refunded(&s.status) => amount,
            r => r.unwrap_or(0),
        };
        if refunded > amount {
            return Ok(Stored::Rejected(
                plan.header_of(Field::Refunded),
                format!(
                    "The refund ({}) is more than the amount ({}).",
                    validate::display_money(refunded, &s.currency),
                    validate::display_money(amount, &s.currency)
                ),
            ));
        }
        let product = s.product();
        let quantity = s.quantity.unwrap_or(1);
        let day = s.day.map(time::format_day).unwrap_or_default();
        let (contact_id, created) = self.customer(plan, p)?;
        // Insert first and look the order up only when its id is taken: most orders are new.
        let n = self
            .conn
            .prepare_cached(
                "INSERT INTO purchases (contact_id, purchased_on, amount_minor, refunded_minor, currency, product,
                                        quantity, external_id, created_at, import_batch_id, referral_code)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT (external_id) WHERE external_id IS NOT NULL DO NOTHING",
            )?
            .execute(params![
                contact_id,
                day,
                amount,
                refunded,
                s.currency,
                product,
                quantity,
                s.order_id,
                self.now,
                self.batch_id,
                s.referral_code
            ])?;
        if n == 0 {
            if created {
                // The order is known, so its customer is too: the contact made for it goes again.
                self.conn.prepare_cached("DELETE FROM contacts WHERE id = ?1")?.execute([contact_id])?;
                self.known.retain(|_, id| *id != contact_id);
                self.contacts_created -= 1;
            }
            let order_id = s.order_id.as_deref().unwrap_or_default();
            let found = self
                .find_purchase(order_id)?
                .ok_or_else(|| Error::storage("An order vanished during the import."))?;
            return self.existing_purchase(plan, found, s, (amount, refunded, quantity), &day, cells(&who));
        }
        self.buyers.insert(contact_id);
        Ok(Stored::New(cells(&who)))
    }

    fn existing_purchase(
        &mut self,
        plan: &Plan,
        found: FoundPurchase,
        s: &Sale,
        (amount, refunded, quantity): (i64, i64, i64),
        day: &str,
        cells: Vec<String>,
    ) -> Result<Stored> {
        if found.batch == Some(self.batch_id) {
            if !plan.format.groups_rows() {
                return Ok(Stored::Skipped("order id repeated in this file".into(), cells));
            }
            // A line of an order whose other lines came earlier in the file.
            let mut products: Vec<String> = vec![found.product.clone()];
            products.extend(s.products.iter().cloned());
            let merged = Sale { products, ..Sale::default() }.product();
            self.conn
                .prepare_cached(
                    "UPDATE purchases SET amount_minor = amount_minor + ?2, refunded_minor = refunded_minor + ?3,
                            quantity = quantity + ?4, product = ?5 WHERE id = ?1",
                )?
                .execute(params![found.id, s.amount.unwrap_or(0), s.refunded.unwrap_or(0), s.quantity.unwrap_or(0), merged])?;
            return Ok(Stored::Merged);
        }
        let same =
            (found.amount, found.refunded, found.quantity, found.day.as_str(), found.currency.as_str())
                == (amount, refunded, quantity, day, s.currency.as_str())
                && found.product == s.product();
        if same {
            return Ok(Stored::Skipped("already imported".into(), cells));
        }
        if found.currency != s.currency {
            return Ok(Stored::Rejected(
                plan.header_of(Field::Currency),
                format!("This order is stored in {}; the file says {}.", found.currency, s.currency),
            ));
        }
        self.keep_prior("purchases", found.id, found.batch)?;
        self.buyers.insert(found.contact_id);
        self.conn
            .prepare_cached(
                "UPDATE purchases SET purchased_on = ?2, amount_minor = ?3, refunded_minor = ?4, product = ?5,
                        quantity = ?6 WHERE id = ?1",
            )?
            .execute(params![found.id, day, amount, refunded, s.product(), quantity])?;
        Ok(Stored::Updated(cells))
    }

    /// The contact a purchase belongs to, found by email or else created (its stage comes at the
    /// end); `true` when created.
    fn customer(&mut self, plan: &Plan, p: &Person) -> Result<(i64, bool)> {
        if plan.walk_in {
            return Ok((self.walk_in(plan)?, false));
        }
        if let Some(email) = &p.email {
            if let Some(id) = self.known.get(email) {
                return Ok((*id, false));
            }
            if let Some((id, _)) = self.find_contact(email)? {
                self.remember(email, id);
                return Ok((id, false));
            }
        }
        self.contacts_created += 1;
        let id = self.insert_contact(p, Stage::Customer, false)?;
        if let Some(email) = &p.email {
            self.remember(email, id);
        }
        Ok((id, true))
    }

    /// Remembers a customer's id for their next order; bounded, so memory stays flat.
    fn remember(&mut self, email: &str, id: i64) {
        if self.known.len() >= KNOWN_EMAILS {
            self.known.clear();
        }
        self.known.insert(email.to_owned(), id);
    }

    /// The one contact that takes the sales of a file that names no customer.
    fn walk_in(&mut self, plan: &Plan) -> Result<i64> {
        if let Some(id) = self.walk_in {
            return Ok(id);
        }
        let company = plan.format.label();
        let found: Option<i64> = self
            .conn
            .prepare_cached(
                "SELECT id FROM contacts WHERE email IS NULL AND first_name = 'Walk-in' AND last_name = 'customers'
                 AND company = ?1 ORDER BY id LIMIT 1",
            )?
            .query_row([company], |r| r.get(0))
            .optional()?;
        let id = match found {
            Some(id) => id,
            None => {
                self.contacts_created += 1;
                let p = Person {
                    first_name: "Walk-in".into(),
                    last_name: "customers".into(),
                    company: company.into(),
                    tags: vec!["walk-in".into()],
                    ..Person::default()
                };
                self.insert_contact(&p, Stage::Customer, false)?
            }
        };
        self.walk_in = Some(id);
        Ok(id)
    }

    /// Inserts a contact of this batch; `with_event` records its first stage now (contacts
    /// imports), otherwise [`Writer::finish`] dates it by the first purchase.
    fn insert_contact(&mut self, p: &Person, stage: Stage, with_event: bool) -> Result<i64> {
        self.conn
            .prepare_cached(
                "INSERT INTO contacts (first_name, last_name, email, phone, company, segment, tags, source,
                                       lead_score, notes, created_at, updated_at, import_batch_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12)",
            )?
            .execute(params![
                p.first_name,
                p.last_name,
                p.email,
                p.phone,
                p.company,
                p.segment,
                serde_json::to_string(&p.tags)?,
                p.source.as_deref().unwrap_or("other_campaigns"),
                p.lead_score.unwrap_or(0),
                p.notes,
                self.now,
                self.batch_id
            ])?;
        let id = self.conn.last_insert_rowid();
        if with_event {
            self.conn
                .prepare_cached(
                    "INSERT INTO stage_events (contact_id, stage, at, actor, reason, import_batch_id)
                     VALUES (?1, ?2, ?3, 'system', 'imported', ?4)",
                )?
                .execute(params![id, stage, self.now, self.batch_id])?;
        }
        Ok(id)
    }

    fn find_contact(&self, email: &str) -> Result<Option<(i64, Option<i64>)>> {
        Ok(self
            .conn
            .prepare_cached("SELECT id, import_batch_id FROM contacts WHERE email = ?1")?
            .query_row([email], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    fn find_purchase(&self, order_id: &str) -> Result<Option<FoundPurchase>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, import_batch_id, purchased_on, amount_minor, refunded_minor, currency, product, quantity,
                        contact_id
                 FROM purchases WHERE external_id = ?1",
            )?
            .query_row([order_id], |r| {
                Ok(FoundPurchase {
                    id: r.get(0)?,
                    batch: r.get(1)?,
                    day: r.get(2)?,
                    amount: r.get(3)?,
                    refunded: r.get(4)?,
                    currency: r.get(5)?,
                    product: r.get(6)?,
                    quantity: r.get(7)?,
                    contact_id: r.get(8)?,
                })
            })
            .optional()?)
    }

    /// Keeps a row's values before this batch first changes it (rows the batch inserted need none).
    fn keep_prior(&self, table: &'static str, id: i64, batch: Option<i64>) -> Result<()> {
        if batch == Some(self.batch_id) {
            return Ok(());
        }
        let json = snapshot::row_json(self.conn, table, id)?;
        self.conn
            .prepare_cached(
                "INSERT OR IGNORE INTO import_prior_values (batch_id, table_name, row_id, row_json) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![self.batch_id, table, id, json])?;
        Ok(())
    }

    /// Gives buyers their customer stage by the same rule as a purchase entered in the form
    /// (`customer_since`), for every contact whose purchases this batch added or changed; stage
    /// events it moves are kept as they were so undo puts them back. Referrals of buyers get the
    /// reward rules a purchase applies; then the orders' codes make their referrals (the batch's,
    /// so undo removes them), oldest order first. Then the batch gets its counts and the file's hash.
    pub fn finish(&self, rows_read: i64, counts: [i64; 4], hash: &str) -> Result<CodeSummary> {
        for &contact_id in &self.buyers {
            customer_since::rederive_keeping(self.conn, contact_id, &mut |event_id| {
                // Events this batch recorded go on undo anyway.
                if event_id > self.events_before {
                    return Ok(());
                }
                self.keep_prior("stage_events", event_id, None)
            })?;
        }
        // Contacts this batch created joined on their first purchase day, not on the day of the import.
        self.conn.execute(
            "UPDATE contacts SET created_at = stage_entered_at, updated_at = stage_entered_at
             WHERE import_batch_id = ?1 AND stage = 'customer' AND stage_entered_at < created_at",
            [self.batch_id],
        )?;
        // Referred contacts who bought may now earn their advocate a reward, as a hand-entered
        // purchase would; the referral as it was is kept for undo.
        let referrals: Vec<i64> = self
            .conn
            .prepare(
                "SELECT DISTINCT r.id FROM referrals r JOIN purchases p ON p.contact_id = r.referred_id
                 WHERE p.import_batch_id = ?1",
            )?
            .query_map([self.batch_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for id in referrals {
            self.keep_prior("referrals", id, None)?;
            rewards::review(self.conn, id)?;
        }
        let mut codes = CodeSummary::default();
        let coded: Vec<(i64, String)> = self
            .conn
            .prepare(
                "SELECT id, referral_code FROM purchases WHERE import_batch_id = ?1 AND referral_code IS NOT NULL
                 ORDER BY purchased_on, id",
            )?
            .query_map([self.batch_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (id, code) in coded {
            let order = crate::purchases::get(self.conn, id)?;
            let used = referral_codes::attribute(self.conn, &order, &code, Some(self.batch_id))?;
            codes.add(&used, &code);
        }
        // A lead the file brings at the MQL threshold becomes an MQL, as one typed into the form
        // does (`contacts::create`); the move is this batch's, so undo takes it back.
        let scored: Vec<i64> = self
            .conn
            .prepare(
                "SELECT id FROM contacts WHERE import_batch_id = ?1
                 UNION SELECT row_id FROM import_prior_values WHERE batch_id = ?1 AND table_name = 'contacts'
                 ORDER BY 1",
            )?
            .query_map([self.batch_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        crate::funnel::scoring::qualify_among(self.conn, &scored, time::parse_instant("at", &self.now)?)?;
        self.conn.execute(
            "UPDATE stage_events SET import_batch_id = ?1 WHERE id > ?2 AND import_batch_id IS NULL",
            params![self.batch_id, self.events_before],
        )?;
        let [inserted, updated, skipped, rejected] = counts;
        self.conn.execute(
            "UPDATE import_batches SET finished_at = ?2, inserted = ?3, updated = ?4, skipped = ?5, rejected = ?6,
                    rows_read = ?7, file_hash = ?8
             WHERE id = ?1",
            params![self.batch_id, time::now_text(), inserted, updated, skipped, rejected, rows_read, hash],
        )?;
        Ok(codes)
    }
}

struct FoundPurchase {
    id: i64,
    batch: Option<i64>,
    day: String,
    amount: i64,
    refunded: i64,
    currency: String,
    product: String,
    quantity: i64,
    contact_id: i64,
}

fn contact_cells(p: &Person) -> Vec<String> {
    vec![
        p.email.clone().unwrap_or_default(),
        p.first_name.clone(),
        p.last_name.clone(),
        p.phone.clone(),
        p.company.clone(),
        p.stage.unwrap_or(Stage::Lead).as_str().to_owned(),
        p.source.clone().unwrap_or_default(),
        p.tags.join(", "),
    ]
}

fn sale_cells(s: &Sale, customer: &str) -> Vec<String> {
    vec![
        s.order_id.clone().unwrap_or_default(),
        customer.to_owned(),
        s.day.map(time::format_day).unwrap_or_default(),
        validate::display_money(s.amount.unwrap_or(0), &s.currency),
        validate::display_money(s.refunded.unwrap_or(0), &s.currency),
        s.product(),
        s.quantity.unwrap_or(1).to_string(),
    ]
}

impl Stored {
    pub fn preview(self, row: i64) -> Option<PreviewRow> {
        let (outcome, cells) = match self {
            Stored::New(c) => (RowOutcome::New, c),
            Stored::Updated(c) => (RowOutcome::Updated, c),
            Stored::Skipped(_, c) => (RowOutcome::Skipped, c),
            Stored::Merged | Stored::Rejected(..) => return None,
        };
        Some(PreviewRow { row, outcome, cells })
    }
}
