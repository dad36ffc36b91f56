//! One row's cells read into the fields they map to, checked as the forms check them. A cell that
//! cannot be read rejects its row with the column and the reason.

use super::dates;
use super::mapping::Field;
use super::money;
use super::plan::Plan;
use crate::stages::Stage;
use crate::time;
use crate::validate;
use chrono::NaiveDate;

/// Why a row was refused, and in which column.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct CellError {
    pub column: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Person {
    pub email: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub company: String,
    pub segment: String,
    pub tags: Vec<String>,
    pub notes: String,
    pub source: Option<String>,
    pub stage: Option<Stage>,
    pub lead_score: Option<i64>,
}

impl Person {
    pub fn has_name(&self) -> bool {
        !self.first_name.is_empty() || !self.last_name.is_empty()
    }
}

/// The purchase part of a row. Amounts are minor units of `currency`.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Sale {
    pub order_id: Option<String>,
    pub day: Option<NaiveDate>,
    pub amount: Option<i64>,
    pub refunded: Option<i64>,
    pub currency: String,
    pub products: Vec<String>,
    pub quantity: Option<i64>,
    pub status: String,
    pub cancelled: bool,
    /// The discount or referral code the order carried, as written.
    pub referral_code: Option<String>,
}

impl Sale {
    /// Adds a line of the same order (Shopify's line items, Square's item rows): amounts and
    /// quantities add up, order-level fields come from the first row that has them.
    pub fn absorb(&mut self, line: Sale) {
        let add = |a: Option<i64>, b: Option<i64>| match (a, b) {
            (Some(x), Some(y)) => Some(x.saturating_add(y)),
            (x, y) => x.or(y),
        };
        self.amount = add(self.amount, line.amount);
        self.refunded = add(self.refunded, line.refunded);
        self.quantity = add(self.quantity, line.quantity);
        self.day = self.day.or(line.day);
        if self.status.is_empty() {
            self.status = line.status;
        }
        self.cancelled |= line.cancelled;
        self.referral_code = self.referral_code.take().or(line.referral_code);
        for p in line.products {
            if !self.products.contains(&p) {
                self.products.push(p);
            }
        }
    }

    /// The products joined as stored, within the purchase's 200 characters.
    pub fn product(&self) -> String {
        let all = self.products.join(", ");
        if all.chars().count() <= 200 {
            return all;
        }
        let mut cut: String = all.chars().take(199).collect();
        cut.push('…');
        cut
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Parsed {
    pub person: Person,
    pub sale: Sale,
}

/// Money read from a cell before its currency is known.
struct RawAmount {
    column: usize,
    negative: bool,
    number: String,
}

/// Cells longer than any real value (a damaged file) stop the import instead of being stored.
pub(super) const MAX_CELL_BYTES: usize = 1_000_000;

pub(super) fn row(plan: &Plan, cells: &[&str]) -> Result<Parsed, CellError> {
    let mut p = Parsed::default();
    let mut full_name: Option<String> = None;
    let mut amounts: Vec<(Field, RawAmount)> = Vec::new();
    let mut currency: Option<String> = None;
    let mut hinted: Option<String> = None;
    let mut filled: Vec<Field> = Vec::new();
    for &(i, field) in &plan.columns {
        let cell = cells.get(i).map_or("", |c| c.trim());
        if cell.is_empty() || filled.contains(&field) {
            continue;
        }
        filled.push(field);
        let header = &plan.headers[i];
        let fail = |reason: String| CellError { column: Some(header.clone()), reason };
        let text = |max: usize| validate::text(field.as_str(), cell, max).map_err(|e| fail(e.message));
        let person = &mut p.person;
        let sale = &mut p.sale;
        match field {
            Field::Email => {
                person.email = validate::email("email", Some(cell)).map_err(|e| fail(e.message))?
            }
            Field::FirstName => person.first_name = text(100)?,
            Field::LastName => person.last_name = text(100)?,
            Field::FullName => full_name = Some(text(201)?),
            Field::Phone => person.phone = text(40)?,
            Field::Company => person.company = text(200)?,
            Field::Segment => person.segment = text(100)?,
            Field::Notes => person.notes = text(10_000)?,
            Field::Tags => {
                person.tags = validate::tags("tags", &split_list(cell)).map_err(|e| fail(e.message))?
            }
            Field::Source => {
                person.source = Some(channel(plan, cell).ok_or_else(|| {
                    fail(format!(
                        "'{cell}' is not one of your channels; add it in Settings or leave the column out."
                    ))
                })?)
            }
            Field::Stage => {
                person.stage = Some(stage(cell).ok_or_else(|| fail(format!("'{cell}' is not a stage.")))?)
            }
            Field::LeadScore => {
                let n = whole(cell).map_err(fail)?;
                person.lead_score =
                    Some(validate::range("lead_score", n, 0, 100).map_err(|e| fail(e.message))?);
            }
            Field::OrderId => sale.order_id = Some(text(200)?.trim_start_matches('\'').to_owned()),
            Field::Date => {
                let day = dates::parse_day(cell, plan.date_orders[i]).map_err(fail)?;
                let day = time::past_day("date", &time::format_day(day)).map_err(|e| fail(e.message))?;
                sale.day = Some(day);
            }
            Field::Amount | Field::Tax | Field::Refunded => {
                let a = money::split(cell).map_err(fail)?;
                if hinted.is_none() {
                    hinted = a.currency;
                }
                amounts.push((field, RawAmount { column: i, negative: a.negative, number: a.number }));
            }
            Field::AmountMinor => {
                let n = whole(cell).map_err(fail)?;
                sale.amount = Some(validate::money("amount", n).map_err(|e| fail(e.message))?);
            }
            Field::Currency => {
                currency = Some(validate::currency("currency", cell).map_err(|e| fail(e.message))?)
            }
            Field::Product => sale.products.push(text(200)?),
            Field::Quantity => {
                let n = whole(cell).map_err(fail)?;
                sale.quantity =
                    Some(validate::range("quantity", n, 1, 1_000_000).map_err(|e| fail(e.message))?);
            }
            Field::Status => sale.status = cell.to_lowercase(),
            Field::CancelledAt => sale.cancelled = true,
            Field::ReferralCode => sale.referral_code = Some(text(100)?).filter(|c| !c.trim().is_empty()),
        }
    }
    if let Some(name) = full_name {
        let (first, last) = name.split_once(' ').unwrap_or((&name, ""));
        if p.person.first_name.is_empty() && p.person.last_name.is_empty() {
            p.person.first_name = first.chars().take(100).collect();
            p.person.last_name = last.trim().chars().take(100).collect();
        }
    }
    // An explicit currency column wins over a symbol in the amount, then the shop's currency.
    p.sale.currency = currency.or(hinted).unwrap_or_else(|| plan.currency.clone());
    let digits = validate::minor_digits(&p.sale.currency);
    for (field, raw) in amounts {
        let header = &plan.headers[raw.column];
        let fail = |reason: String| CellError { column: Some(header.clone()), reason };
        let minor = money::to_minor(&raw.number, plan.marks[raw.column], digits).map_err(fail)?;
        if raw.negative && minor > 0 {
            return Err(fail(
                "A negative amount cannot be a purchase; a refund is recorded against its purchase.".into(),
            ));
        }
        let minor = validate::money("amount", minor).map_err(|e| fail(e.message))?;
        let slot = if field == Field::Refunded { &mut p.sale.refunded } else { &mut p.sale.amount };
        *slot = Some(slot.unwrap_or(0) + minor);
    }
    Ok(p)
}

/// A list inside one cell — `vip, wholesale`, Mailchimp's `"Customer","VIP"`, or the exporter's
/// quoted `"a, b",c` — split as CSV.
fn split_list(cell: &str) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(cell.as_bytes());
    let mut record = csv::StringRecord::new();
    match reader.read_record(&mut record) {
        Ok(true) => record.iter().map(str::to_owned).collect(),
        _ => vec![cell.to_owned()],
    }
}

fn whole(cell: &str) -> Result<i64, String> {
    let t = cell.trim().trim_end_matches(".0");
    t.parse().map_err(|_| format!("'{cell}' is not a whole number."))
}

/// A channel by key or by name, any case.
fn channel(plan: &Plan, cell: &str) -> Option<String> {
    plan.channels
        .iter()
        .find(|(key, name)| key.eq_ignore_ascii_case(cell) || name.eq_ignore_ascii_case(cell))
        .map(|(key, _)| key.clone())
}

/// A Flywheel stage, or a HubSpot lifecycle stage by its label or its internal value.
pub(super) fn stage(cell: &str) -> Option<Stage> {
    let key: String = cell.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
    Stage::parse(&key).or(match key.as_str() {
        "visitor" => Some(Stage::Subscriber),
        "marketingqualifiedlead" | "marketingqualified" => Some(Stage::Mql),
        "salesqualifiedlead" | "salesacceptedlead" | "sal" | "salesaccepted" => Some(Stage::Sql),
        "evangelist" => Some(Stage::Customer),
        "other" => Some(Stage::Lead),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hubspot_lifecycle_stages_map_to_the_funnel() {
        assert_eq!(stage("Marketing Qualified Lead"), Some(Stage::Mql));
        assert_eq!(stage("salesqualifiedlead"), Some(Stage::Sql));
        assert_eq!(stage("Evangelist"), Some(Stage::Customer));
        assert_eq!(stage("customer"), Some(Stage::Customer));
        assert_eq!(stage("MQL"), Some(Stage::Mql));
        assert_eq!(stage("nonsense"), None);
    }

    #[test]
    fn lists_split_as_csv() {
        assert_eq!(split_list("vip, wholesale"), vec!["vip", "wholesale"]);
        assert_eq!(split_list(r#""Customer","VIP""#), vec!["Customer", "VIP"]);
        assert_eq!(split_list(r#""a, b",c"#), vec!["a, b", "c"]);
    }

    #[test]
    fn order_lines_add_up() {
        let mut order = Sale {
            order_id: Some("#1001".into()),
            amount: Some(3000),
            quantity: Some(1),
            products: vec!["Rye".into()],
            status: "paid".into(),
            ..Sale::default()
        };
        order.absorb(Sale { quantity: Some(2), products: vec!["Sourdough".into()], ..Sale::default() });
        order.absorb(Sale { quantity: Some(1), products: vec!["Rye".into()], ..Sale::default() });
        assert_eq!(order.amount, Some(3000), "continuation lines carry no total");
        assert_eq!(order.quantity, Some(4));
        assert_eq!(order.product(), "Rye, Sourdough");
        let long = Sale { products: vec!["x".repeat(150), "y".repeat(150)], ..Sale::default() };
        assert_eq!(long.product().chars().count(), 200);
    }
}
