//! Which column feeds which Flywheel field: known columns of each format first, then common names
//! any spreadsheet uses. The user may change any of it; the mapping used for a header shape is
//! remembered and offered again next time the same shape comes in.

use super::detect::{normalise, ImportFormat};
use super::ImportKind;
use crate::error::{Error, Result};
use crate::store::Connection;
use crate::text_enum;
use crate::time;
use rusqlite::{params, OptionalExtension};

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
        /// A discount or referral code the order carried: an advocate's code makes the referral.
        ReferralCode => "referral_code",
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
            Field::ReferralCode => "Referral or discount code",
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
            ("discount code", Some(ReferralCode)),
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
            ("created date (utc)", Some(Date)),
            // Newer exports add when a refund was made; the payment's day is its creation.
            ("refunded date (utc)", None),
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

/// Names any spreadsheet may use, by field; compared normalised (case, spaces, `_`, `-`, `.`,
/// brackets and accents do not count), so `order_date`, `Order Date` and `ORDER-DATE` are one.
/// English first, then the shop's own language: German, French, Spanish, Dutch, Portuguese,
/// Italian. A word two languages share for different fields is left to the first field listed.
const COMMON: &[(Field, &[&str])] = &[
    (
        Field::Email,
        &[
            "email",
            "mail",
            "email address",
            "customer email",
            "buyer email",
            "contact email",
            "e-mail-adresse",
            "kunden e-mail",
            "courriel",
            "adresse e-mail",
            "adresse électronique",
            "mél",
            "e-mail du client",
            "correo",
            "correo electrónico",
            "email del cliente",
            "correo del cliente",
            "e-mailadres",
            "e-mail klant",
            "endereço de e-mail",
            "e-mail do cliente",
            "correio eletrónico",
            "indirizzo email",
            "posta elettronica",
            "email cliente",
        ],
    ),
    (
        Field::FirstName,
        &[
            "first name",
            "firstname",
            "given name",
            "forename",
            "vorname",
            "prénom",
            "nombre de pila",
            "voornaam",
            "primeiro nome",
            "nome próprio",
            "nome di battesimo",
        ],
    ),
    (
        Field::LastName,
        &[
            "last name",
            "lastname",
            "surname",
            "family name",
            "nachname",
            "familienname",
            "nom de famille",
            "apellido",
            "apellidos",
            "achternaam",
            "sobrenome",
            "apelido",
            "cognome",
        ],
    ),
    (
        Field::FullName,
        &[
            "name",
            "full name",
            "customer name",
            "customer",
            "client name",
            "contact name",
            "buyer",
            "buyer name",
            "kunde",
            "kundenname",
            "vollständiger name",
            "name des kunden",
            "nom",
            "client",
            "nom complet",
            "nom du client",
            "nombre",
            "cliente",
            "nombre completo",
            "nombre del cliente",
            "naam",
            "klant",
            "klantnaam",
            "volledige naam",
            "naam klant",
            "nome",
            "nome completo",
            "nome do cliente",
            "nome cliente",
        ],
    ),
    (
        Field::Phone,
        &[
            "phone",
            "phone number",
            "mobile",
            "telephone",
            "tel",
            "cell",
            "telefon",
            "telefonnummer",
            "handy",
            "mobil",
            "mobilnummer",
            "téléphone",
            "tél",
            "portable",
            "numéro de téléphone",
            "teléfono",
            "móvil",
            "celular",
            "número de teléfono",
            "telefoon",
            "telefoonnummer",
            "mobiel",
            "telefone",
            "telemóvel",
            "telefono",
            "cellulare",
            "numero di telefono",
        ],
    ),
    (
        Field::Company,
        &[
            "company",
            "company name",
            "organization",
            "organisation",
            "business",
            "firma",
            "unternehmen",
            "firmenname",
            "société",
            "entreprise",
            "raison sociale",
            "empresa",
            "compañía",
            "bedrijf",
            "bedrijfsnaam",
            "companhia",
            "azienda",
            "società",
            "ragione sociale",
            "ditta",
        ],
    ),
    (Field::Segment, &["segment", "kundensegment", "segmento"]),
    (
        Field::Tags,
        &[
            "tags",
            "labels",
            "schlagwörter",
            "schlagworte",
            "étiquettes",
            "etiquetas",
            "marcadores",
            "etichette",
            "tag",
        ],
    ),
    (
        Field::Notes,
        &[
            "notes",
            "note",
            "comments",
            "comment",
            "notizen",
            "notiz",
            "anmerkungen",
            "anmerkung",
            "bemerkung",
            "bemerkungen",
            "kommentar",
            "remarques",
            "commentaire",
            "commentaires",
            "notas",
            "nota",
            "comentarios",
            "observaciones",
            "notities",
            "opmerkingen",
            "opmerking",
            "observações",
            "comentários",
            "commenti",
            "osservazioni",
        ],
    ),
    (
        Field::Source,
        &[
            "source",
            "original source",
            "channel",
            "lead source",
            "referral source",
            "quelle",
            "kanal",
            "herkunft",
            "canal",
            "provenance",
            "fuente",
            "origen",
            "bron",
            "kanaal",
            "origem",
            "fonte",
            "origine",
            "canale",
        ],
    ),
    (Field::Stage, &["stage", "lifecycle stage", "phase", "stufe", "étape", "etapa", "fase"]),
    (Field::LeadScore, &["lead score", "lead-score", "puntuación", "pontuação", "punteggio"]),
    (
        Field::OrderId,
        &[
            "order id",
            "order",
            "order number",
            "order no",
            "transaction id",
            "invoice",
            "invoice number",
            "receipt",
            "bestellnummer",
            "bestellung",
            "bestell-nr",
            "rechnungsnummer",
            "rechnung",
            "auftragsnummer",
            "belegnummer",
            "numéro de commande",
            "commande",
            "n° de commande",
            "facture",
            "numéro de facture",
            "pedido",
            "número de pedido",
            "factura",
            "número de factura",
            "bestelnummer",
            "bestelling",
            "ordernummer",
            "factuurnummer",
            "factuur",
            "número do pedido",
            "encomenda",
            "fatura",
            "número da fatura",
            "ordine",
            "numero ordine",
            "numero d'ordine",
            "fattura",
            "numero fattura",
        ],
    ),
    (
        Field::Date,
        &[
            "date",
            "order date",
            "purchase date",
            "purchased on",
            "created at",
            "created",
            "created date",
            "paid at",
            "transaction date",
            "sale date",
            "datum",
            "bestelldatum",
            "kaufdatum",
            "rechnungsdatum",
            "auftragsdatum",
            "date de commande",
            "date d'achat",
            "date de la commande",
            "fecha",
            "fecha de pedido",
            "fecha de compra",
            "besteldatum",
            "aankoopdatum",
            "orderdatum",
            "data",
            "data do pedido",
            "data da compra",
            "data da encomenda",
            "data ordine",
            "data dell'ordine",
            "data acquisto",
        ],
    ),
    (
        Field::Amount,
        &[
            "amount",
            "total",
            "price",
            "order total",
            "total amount",
            "grand total",
            "sum",
            "revenue",
            "betrag",
            "gesamtbetrag",
            "summe",
            "preis",
            "gesamt",
            "umsatz",
            "endbetrag",
            "montant",
            "prix",
            "montant total",
            "importe",
            "precio",
            "monto",
            "importe total",
            "bedrag",
            "totaal",
            "prijs",
            "totaalbedrag",
            "valor",
            "preço",
            "valor total",
            "montante",
            "importo",
            "totale",
            "prezzo",
            "importo totale",
        ],
    ),
    (Field::AmountMinor, &["amount (minor units)", "amount cents", "amount in cents", "cents"]),
    (
        Field::Refunded,
        &[
            "refunded",
            "refunded amount",
            "refund",
            "amount refunded",
            "refunds",
            "erstattet",
            "erstattung",
            "rückerstattung",
            "erstatteter betrag",
            "remboursé",
            "remboursement",
            "montant remboursé",
            "reembolsado",
            "reembolso",
            "importe reembolsado",
            "terugbetaald",
            "terugbetaling",
            "restitutie",
            "valor reembolsado",
            "rimborsato",
            "rimborso",
            "importo rimborsato",
        ],
    ),
    (
        Field::Currency,
        &["currency", "währung", "devise", "monnaie", "moneda", "divisa", "valuta", "munteenheid", "moeda"],
    ),
    (
        Field::Product,
        &[
            "product",
            "item",
            "description",
            "product name",
            "item name",
            "produkt",
            "artikel",
            "artikelname",
            "produktname",
            "produit",
            "article",
            "désignation",
            "producto",
            "artículo",
            "descripción",
            "omschrijving",
            "produto",
            "artigo",
            "descrição",
            "prodotto",
            "articolo",
            "descrizione",
        ],
    ),
    (
        Field::Quantity,
        &[
            "quantity",
            "qty",
            "units",
            "menge",
            "anzahl",
            "stückzahl",
            "quantité",
            "qté",
            "cantidad",
            "cant",
            "aantal",
            "hoeveelheid",
            "quantidade",
            "qtd",
            "qtde",
            "quantità",
            "qtà",
        ],
    ),
    (
        Field::Status,
        &[
            "status",
            "payment status",
            "financial status",
            "zahlungsstatus",
            "statut",
            "statut du paiement",
            "état du paiement",
            "estado",
            "estado del pago",
            "betaalstatus",
            "situação",
            "status do pagamento",
            "stato",
            "stato pagamento",
            "stato del pagamento",
        ],
    ),
    (
        Field::CancelledAt,
        &["cancelled at", "canceled at", "storniert am", "annulé le", "cancelado el", "geannuleerd op"],
    ),
    (
        Field::ReferralCode,
        &[
            "referral code",
            "discount code",
            "code",
            "coupon",
            "coupon code",
            "voucher",
            "voucher code",
            "promo code",
            "empfehlungscode",
            "gutscheincode",
            "rabattcode",
            "gutschein",
            "code promo",
            "code de parrainage",
            "code de réduction",
            "código de descuento",
            "código de referido",
            "cupón",
            "kortingscode",
            "verwijzingscode",
            "código de desconto",
            "cupom",
            "codice sconto",
            "codice promozionale",
        ],
    ),
];

/// Bare words for a name: the whole name alone, the family name beside a first-name column
/// (`Vorname`/`Name`, `Prénom`/`Nom`) and the first name beside a family-name column
/// (`Nombre`/`Apellidos`, `Nome`/`Cognome`).
const BARE_NAMES: &[&str] = &["name", "nom", "naam", "nome", "nombre"];

/// The field a header names by common usage, if any.
fn common(header: &str) -> Option<Field> {
    let n = normalise(header);
    let lookup = |n: &str| {
        COMMON.iter().find(|(_, names)| names.iter().any(|name| normalise(name) == n)).map(|(f, _)| *f)
    };
    // `Order date (UTC)`, `Created GMT`: the time zone does not change what the column holds.
    lookup(&n).or_else(|| {
        ["utc", "gmt"].iter().find_map(|tz| n.strip_suffix(tz).filter(|s| !s.is_empty()).and_then(lookup))
    })
}

/// The automatic mapping: the format's own columns, then common names.
pub fn auto(format: ImportFormat, headers: &[String]) -> Vec<Option<Field>> {
    let table = known(format);
    let mut mapping: Vec<Option<Field>> = headers
        .iter()
        .map(|h| {
            let n = normalise(h);
            match table.iter().find(|(name, _)| normalise(name) == n) {
                Some((_, field)) => *field,
                None => common(h),
            }
        })
        .collect();
    let has = |m: &[Option<Field>], f: Field| m.contains(&Some(f));
    let pair = match (has(&mapping, Field::FirstName), has(&mapping, Field::LastName)) {
        (true, false) => Some(Field::LastName),
        (false, true) => Some(Field::FirstName),
        _ => None,
    };
    if let Some(pair) = pair {
        for (h, m) in headers.iter().zip(mapping.iter_mut()) {
            if *m == Some(Field::FullName) && BARE_NAMES.contains(&normalise(h).as_str()) {
                *m = Some(pair);
            }
        }
    }
    mapping
}

/// The columns a mapping leaves out, as the file writes them.
pub fn unmapped(headers: &[String], mapping: &[Option<Field>]) -> Vec<String> {
    headers
        .iter()
        .zip(mapping)
        .filter(|(_, m)| m.is_none())
        .map(|(h, _)| h.trim().trim_start_matches('\u{feff}').to_owned())
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
    fn snake_case_and_punctuation_map_like_plain_words() {
        use ImportField::*;
        assert_eq!(
            auto(
                ImportFormat::Generic,
                &h("order_id,order_date,customer_name,customer_email,Created (UTC),ORDER-TOTAL")
            )[..],
            [Some(OrderId), Some(Date), Some(FullName), Some(Email), Some(Date), Some(Amount)]
        );
        assert_eq!(
            auto(ImportFormat::Generic, &h("created_utc,Order date (UTC),amount_cents,E_Mail"))[..],
            [Some(Date), Some(Date), Some(AmountMinor), Some(Email)]
        );
    }

    #[test]
    fn a_bare_name_beside_a_first_or_last_name_is_the_other_half() {
        use ImportField::*;
        // German and French put the family name under "Name"/"Nom" beside the first name;
        // Spanish and Italian the first name under "Nombre"/"Nome" beside the family name.
        assert_eq!(auto(ImportFormat::Generic, &h("Vorname,Name"))[..], [Some(FirstName), Some(LastName)]);
        assert_eq!(auto(ImportFormat::Generic, &h("Prénom,Nom"))[..], [Some(FirstName), Some(LastName)]);
        assert_eq!(
            auto(ImportFormat::Generic, &h("Nombre,Apellidos"))[..],
            [Some(FirstName), Some(LastName)]
        );
        assert_eq!(auto(ImportFormat::Generic, &h("Nome,Cognome"))[..], [Some(FirstName), Some(LastName)]);
        assert_eq!(auto(ImportFormat::Generic, &h("Nom,Courriel"))[..], [Some(FullName), Some(Email)]);
        // A customer column is a whole name whatever stands beside it.
        assert_eq!(auto(ImportFormat::Generic, &h("Vorname,Kunde"))[..], [Some(FirstName), Some(FullName)]);
    }

    #[test]
    fn every_field_has_names_in_each_language_and_no_name_means_two_fields() {
        let mut seen = std::collections::HashMap::new();
        for (field, names) in COMMON {
            for name in *names {
                if let Some(other) = seen.insert(normalise(name), *field).filter(|f| f != field) {
                    panic!("'{name}' is listed for both {other:?} and {field:?}");
                }
            }
        }
        use ImportField::*;
        let per_language = [
            "E-Mail,Vorname,Nachname,Kunde,Firma,Telefon,Bestellnummer,Datum,Betrag,Erstattet,Währung,Produkt,Menge,Notizen,Quelle,Schlagwörter,Zahlungsstatus",
            "Courriel,Prénom,Nom de famille,Client,Société,Téléphone,Numéro de commande,Date,Montant,Remboursé,Devise,Produit,Quantité,Remarques,Provenance,Étiquettes,Statut",
            "Correo electrónico,Nombre de pila,Apellido,Cliente,Empresa,Teléfono,Número de pedido,Fecha,Importe,Reembolsado,Moneda,Producto,Cantidad,Notas,Origen,Etiquetas,Estado",
            "E-mailadres,Voornaam,Achternaam,Klant,Bedrijf,Telefoon,Bestelnummer,Datum,Bedrag,Terugbetaald,Valuta,Product,Aantal,Opmerkingen,Bron,Labels,Betaalstatus",
            "E-mail,Primeiro nome,Sobrenome,Cliente,Empresa,Telefone,Número do pedido,Data,Valor,Reembolsado,Moeda,Produto,Quantidade,Observações,Origem,Marcadores,Situação",
            "Email,Nome di battesimo,Cognome,Cliente,Azienda,Telefono,Numero ordine,Data,Importo,Rimborsato,Valuta,Prodotto,Quantità,Note,Fonte,Etichette,Stato",
        ];
        let fields = [
            Email, FirstName, LastName, FullName, Company, Phone, OrderId, Date, Amount, Refunded, Currency,
            Product, Quantity, Notes, Source, Tags, Status,
        ];
        for line in per_language {
            let mapped: Vec<Field> = auto(ImportFormat::Generic, &h(line)).into_iter().flatten().collect();
            assert_eq!(mapped, fields, "{line}");
        }
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
