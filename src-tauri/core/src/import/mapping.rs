//! Which column feeds which Flywheel field: known columns of each format first, then common names
//! any spreadsheet uses. The user may change any of it; the mapping used for a header shape is
//! remembered and offered again next time the same shape comes in.

use super::detect::{normalise, ImportFormat};
use super::ImportKind;
use crate::error::{Error, Result};
use crate::text_enum;
use crate::time;
use rusqlite::{params, Connection, OptionalExtension};

text_enum! {
    /// A Flywheel field a column can feed. Several columns may feed one field: the first non-blank
    /// cell in column order wins (Shopify's `Phone` and `Default Address Phone`).
    pub enum ImportField {
        Email => "email",
        FirstName => "first_name",
        LastName => "last_name",
        /// "Ann Lee": split at the first space.
        FullName => "full_name",
        Phone => "phone",
        Company => "company",
        Segment => "segment",
        Tags => "tags",
        Notes => "notes",
        /// A channel name or key (HubSpot's Original Source).
        Source => "source",
        /// A funnel stage or HubSpot lifecycle stage.
        Stage => "stage",
        LeadScore => "lead_score",
        /// The order or payment id: the dedupe key of purchases.
        OrderId => "order_id",
        Date => "date",
        /// Money in major units as written (`$1,234.50`).
        Amount => "amount",
        /// Money already in minor units (cents).
        AmountMinor => "amount_minor",
        /// Added to the amount (Square's Tax beside Net Sales).
        Tax => "tax",
        Refunded => "refunded",
        Currency => "currency",
        Product => "product",
        Quantity => "quantity",
        /// A payment status: unpaid ones are skipped.
        Status => "status",
        /// A cancelled order has a date here and is skipped.
        CancelledAt => "cancelled_at",
    }
}

/// The short name used throughout the import code.
pub type Field = ImportField;

impl Field {
    pub fn label(self) -> &'static str {
        match self {
            Field::Email => "Email",
            Field::FirstName => "First name",
            Field::LastName => "Last name",
            Field::FullName => "Full name",
            Field::Phone => "Phone",
            Field::Company => "Company",
            Field::Segment => "Segment",
            Field::Tags => "Tags",
            Field::Notes => "Notes",
            Field::Source => "Source channel",
            Field::Stage => "Stage",
            Field::LeadScore => "Lead score",
            Field::OrderId => "Order id",
            Field::Date => "Date",
            Field::Amount => "Amount",
            Field::AmountMinor => "Amount in cents",
            Field::Tax => "Tax (added)",
            Field::Refunded => "Refunded amount",
            Field::Currency => "Currency",
            Field::Product => "Product",
            Field::Quantity => "Quantity",
            Field::Status => "Payment status",
            Field::CancelledAt => "Cancelled at",
        }
    }

    /// Whether the field holds money, whose decimal mark may need asking about.
    pub fn is_money(self) -> bool {
        matches!(self, Field::Amount | Field::Tax | Field::Refunded)
    }
}

/// Known columns per format, by normalised header; `None` keeps a column out of the mapping.
fn known(format: ImportFormat) -> &'static [(&'static str, Option<Field>)] {
    use ImportField::*;
    match format {
        ImportFormat::ShopifyCustomers => &[
            ("company", Some(Company)),
            ("default address company", Some(Company)),
            ("phone", Some(Phone)),
            ("default address phone", Some(Phone)),
            ("note", Some(Notes)),
        ],
        ImportFormat::ShopifyOrders => &[
            ("name", Some(OrderId)),
            ("paid at", Some(Date)),
            ("created at", Some(Date)),
            ("total", Some(Amount)),
            ("refunded amount", Some(Refunded)),
            ("financial status", Some(Status)),
            ("cancelled at", Some(CancelledAt)),
            ("lineitem quantity", Some(Quantity)),
            ("lineitem name", Some(Product)),
            ("billing name", Some(FullName)),
            ("billing company", Some(Company)),
            ("billing phone", Some(Phone)),
            // The sales channel ("web", "pos") and order tags say nothing about the customer.
            ("source", None),
            ("tags", None),
        ],
        ImportFormat::StripePayments => &[
            ("id", Some(OrderId)),
            ("created (utc)", Some(Date)),
            ("amount", Some(Amount)),
            ("amount refunded", Some(Refunded)),
            ("customer email", Some(Email)),
            ("customer description", Some(FullName)),
            ("description", Some(Product)),
        ],
        ImportFormat::SquareItems => &[
            ("transaction id", Some(OrderId)),
            ("item", Some(Product)),
            ("qty", Some(Quantity)),
            ("net sales", Some(Amount)),
            ("tax", Some(Tax)),
            ("customer name", Some(FullName)),
        ],
        ImportFormat::HubspotContacts => &[
            ("lifecycle stage", Some(Stage)),
            ("original source", Some(Source)),
            ("company name", Some(Company)),
            ("phone number", Some(Phone)),
        ],
        ImportFormat::MailchimpAudience => {
            &[("email address", Some(Email)), ("phone number", Some(Phone)), ("notes", Some(Notes))]
        }
        ImportFormat::Generic => &[],
    }
}

/// Names any spreadsheet may use, by normalised header.
const COMMON: &[(&str, Field)] = &[
    ("email", Field::Email),
    ("e-mail", Field::Email),
    ("email address", Field::Email),
    ("customer email", Field::Email),
    ("first name", Field::FirstName),
    ("firstname", Field::FirstName),
    ("given name", Field::FirstName),
    ("last name", Field::LastName),
    ("lastname", Field::LastName),
    ("surname", Field::LastName),
    ("family name", Field::LastName),
    ("name", Field::FullName),
    ("full name", Field::FullName),
    ("customer name", Field::FullName),
    ("customer", Field::FullName),
    ("phone", Field::Phone),
    ("phone number", Field::Phone),
    ("mobile", Field::Phone),
    ("company", Field::Company),
    ("company name", Field::Company),
    ("organization", Field::Company),
    ("organisation", Field::Company),
    ("segment", Field::Segment),
    ("tags", Field::Tags),
    ("notes", Field::Notes),
    ("note", Field::Notes),
    ("source", Field::Source),
    ("original source", Field::Source),
    ("stage", Field::Stage),
    ("lifecycle stage", Field::Stage),
    ("lead score", Field::LeadScore),
    ("order id", Field::OrderId),
    ("order", Field::OrderId),
    ("order number", Field::OrderId),
    ("transaction id", Field::OrderId),
    ("invoice", Field::OrderId),
    ("date", Field::Date),
    ("order date", Field::Date),
    ("purchase date", Field::Date),
    ("purchased on", Field::Date),
    ("created at", Field::Date),
    ("amount", Field::Amount),
    ("total", Field::Amount),
    ("price", Field::Amount),
    ("amount (minor units)", Field::AmountMinor),
    ("amount cents", Field::AmountMinor),
    ("refunded", Field::Refunded),
    ("refunded amount", Field::Refunded),
    ("currency", Field::Currency),
    ("product", Field::Product),
    ("item", Field::Product),
    ("description", Field::Product),
    ("quantity", Field::Quantity),
    ("qty", Field::Quantity),
    ("status", Field::Status),
    // The same columns in the shop's own language (FORMATS.md): German, French, Spanish, Dutch,
    // Portuguese, Italian.
    ("e-mail-adresse", Field::Email),
    ("courriel", Field::Email),
    ("adresse e-mail", Field::Email),
    ("correo", Field::Email),
    ("correo electrónico", Field::Email),
    ("vorname", Field::FirstName),
    ("prénom", Field::FirstName),
    ("nachname", Field::LastName),
    ("kunde", Field::FullName),
    ("nom", Field::FullName),
    ("client", Field::FullName),
    ("nombre", Field::FullName),
    ("cliente", Field::FullName),
    ("klant", Field::FullName),
    ("naam", Field::FullName),
    ("nome", Field::FullName),
    ("telefon", Field::Phone),
    ("téléphone", Field::Phone),
    ("teléfono", Field::Phone),
    ("firma", Field::Company),
    ("société", Field::Company),
    ("entreprise", Field::Company),
    ("empresa", Field::Company),
    ("bestellnummer", Field::OrderId),
    ("bestellung", Field::OrderId),
    ("rechnungsnummer", Field::OrderId),
    ("numéro de commande", Field::OrderId),
    ("commande", Field::OrderId),
    ("pedido", Field::OrderId),
    ("bestelnummer", Field::OrderId),
    ("datum", Field::Date),
    ("bestelldatum", Field::Date),
    ("kaufdatum", Field::Date),
    ("date de commande", Field::Date),
    ("fecha", Field::Date),
    ("data", Field::Date),
    ("betrag", Field::Amount),
    ("gesamtbetrag", Field::Amount),
    ("summe", Field::Amount),
    ("montant", Field::Amount),
    ("importe", Field::Amount),
    ("bedrag", Field::Amount),
    ("valor", Field::Amount),
    ("importo", Field::Amount),
    ("währung", Field::Currency),
    ("devise", Field::Currency),
    ("moneda", Field::Currency),
    ("valuta", Field::Currency),
    ("produkt", Field::Product),
    ("artikel", Field::Product),
    ("produit", Field::Product),
    ("producto", Field::Product),
    ("produto", Field::Product),
    ("prodotto", Field::Product),
    ("menge", Field::Quantity),
    ("anzahl", Field::Quantity),
    ("quantité", Field::Quantity),
    ("cantidad", Field::Quantity),
];

/// The automatic mapping: the format's own columns, then common names.
pub fn auto(format: ImportFormat, headers: &[String]) -> Vec<Option<Field>> {
    let table = known(format);
    headers
        .iter()
        .map(|h| {
            let n = normalise(h);
            match table.iter().find(|(name, _)| *name == n) {
                Some((_, field)) => *field,
                None => COMMON.iter().find(|(name, _)| *name == n).map(|(_, f)| *f),
            }
        })
        .collect()
}

/// The key under which a mapping is remembered: the header cells, normalised.
pub fn shape(headers: &[String]) -> String {
    headers.iter().map(|h| normalise(h)).collect::<Vec<_>>().join("\u{1f}")
}

/// The mapping last used for this header shape, if any and if it still fits the columns.
pub fn remembered(conn: &Connection, headers: &[String]) -> Result<Option<Vec<Option<Field>>>> {
    let json: Option<String> = conn
        .prepare_cached("SELECT mapping FROM import_mappings WHERE shape = ?1")?
        .query_row([shape(headers)], |r| r.get(0))
        .optional()?;
    let Some(json) = json else { return Ok(None) };
    let mapping: Vec<Option<Field>> = serde_json::from_str(&json)?;
    Ok((mapping.len() == headers.len()).then_some(mapping))
}

pub fn remember(conn: &Connection, headers: &[String], mapping: &[Option<Field>]) -> Result<()> {
    conn.execute(
        "INSERT INTO import_mappings (shape, mapping, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (shape) DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at",
        params![shape(headers), serde_json::to_string(mapping)?, time::now_text()],
    )?;
    Ok(())
}

/// Applies `COLUMN=FIELD` overrides (the CLI's `--map`) to a mapping; `FIELD` may be `ignore`.
pub fn apply_overrides(
    headers: &[String],
    mapping: &mut [Option<Field>],
    overrides: &[String],
) -> Result<()> {
    for o in overrides {
        let (column, field) = o
            .rsplit_once('=')
            .ok_or_else(|| Error::invalid("mapping", format!("'{o}' should look like COLUMN=FIELD.")))?;
        let idx = headers.iter().position(|h| normalise(h) == normalise(column)).ok_or_else(|| {
            Error::invalid(
                "mapping",
                format!("There is no column '{column}'; the columns are: {}.", headers.join(", ")),
            )
        })?;
        mapping[idx] = match field.trim() {
            "ignore" | "" => None,
            f => Some(Field::parse(f).ok_or_else(|| {
                let names: Vec<&str> = Field::ALL.iter().map(|f| f.as_str()).collect();
                Error::invalid(
                    "mapping",
                    format!("'{f}' is not a field; use one of: ignore, {}.", names.join(", ")),
                )
            })?),
        };
    }
    Ok(())
}

/// Refuses a mapping that cannot make the records of `kind`.
pub fn check(kind: ImportKind, mapping: &[Option<Field>]) -> Result<()> {
    let has = |f: Field| mapping.contains(&Some(f));
    let person = has(Field::Email) || has(Field::FirstName) || has(Field::LastName) || has(Field::FullName);
    match kind {
        ImportKind::Contacts if !person => Err(Error::invalid(
            "mapping",
            "No column is mapped to Email or a name, so no contact could be made. Map at least one.",
        )),
        ImportKind::Purchases if !has(Field::Date) => {
            Err(Error::invalid("mapping", "Map a column to Date: every purchase needs its day."))
        }
        ImportKind::Purchases if !has(Field::Amount) && !has(Field::AmountMinor) => {
            Err(Error::invalid("mapping", "Map a column to Amount (or Amount in cents)."))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(line: &str) -> Vec<String> {
        line.split(',').map(str::to_owned).collect()
    }

    #[test]
    fn formats_map_their_own_columns_first() {
        let headers = h("Name,Email,Financial Status,Total,Lineitem name,Billing Name");
        let m = auto(ImportFormat::ShopifyOrders, &headers);
        use ImportField::*;
        assert_eq!(
            m,
            vec![Some(OrderId), Some(Email), Some(Status), Some(Amount), Some(Product), Some(FullName)]
        );
        // The same "Name" in a plain spreadsheet is a person's name.
        assert_eq!(
            auto(ImportFormat::Generic, &h("Name,E-mail,Weird"))[..],
            [Some(FullName), Some(Email), None]
        );
    }

    #[test]
    fn headers_in_the_shops_own_language() {
        use ImportField::*;
        assert_eq!(
            auto(ImportFormat::Generic, &h("Bestellnummer,Datum,E-Mail,Kunde,Betrag,Produkt,Währung"))[..],
            [
                Some(OrderId),
                Some(Date),
                Some(Email),
                Some(FullName),
                Some(Amount),
                Some(Product),
                Some(Currency)
            ]
        );
        assert_eq!(
            auto(ImportFormat::Generic, &h("Date,Courriel,Client,Montant,Produit"))[..],
            [Some(Date), Some(Email), Some(FullName), Some(Amount), Some(Product)]
        );
        assert_eq!(
            auto(ImportFormat::Generic, &h("Fecha,Correo,Importe"))[..],
            [Some(Date), Some(Email), Some(Amount)]
        );
    }

    #[test]
    fn overrides_and_checks() {
        let headers = h("Who,When,How much");
        let mut m = auto(ImportFormat::Generic, &headers);
        assert!(check(ImportKind::Purchases, &m).is_err());
        apply_overrides(
            &headers,
            &mut m,
            &["who=email".into(), "When=date".into(), "How much=amount".into()],
        )
        .unwrap();
        assert_eq!(m, vec![Some(Field::Email), Some(Field::Date), Some(Field::Amount)]);
        check(ImportKind::Purchases, &m).unwrap();
        assert!(apply_overrides(&headers, &mut m, &["Nope=email".into()]).is_err());
        assert!(apply_overrides(&headers, &mut m, &["Who=colour".into()]).is_err());
        apply_overrides(&headers, &mut m, &["Who=ignore".into()]).unwrap();
        assert_eq!(m[0], None);
    }

    #[test]
    fn mappings_are_remembered_per_shape() {
        let conn = crate::db::open_in_memory().unwrap();
        let headers = h("Who,When");
        assert_eq!(remembered(&conn, &headers).unwrap(), None);
        remember(&conn, &headers, &[Some(Field::Email), None]).unwrap();
        let again = h(" who , WHEN");
        assert_eq!(remembered(&conn, &again).unwrap(), Some(vec![Some(Field::Email), None]));
    }
}
