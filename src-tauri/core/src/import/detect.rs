//! Which tool wrote a file, told by its header row (FORMATS.md), and what that tool's rows mean.

use super::ImportKind;
use crate::text_enum;

text_enum! {
    pub enum ImportFormat {
        ShopifyCustomers => "shopify-customers",
        ShopifyOrders => "shopify-orders",
        StripePayments => "stripe-payments",
        SquareItems => "square-items",
        HubspotContacts => "hubspot-contacts",
        MailchimpAudience => "mailchimp-audience",
        Generic => "generic",
    }
}

impl ImportFormat {
    pub fn label(self) -> &'static str {
        match self {
            ImportFormat::ShopifyCustomers => "Shopify customers",
            ImportFormat::ShopifyOrders => "Shopify orders",
            ImportFormat::StripePayments => "Stripe payments",
            ImportFormat::SquareItems => "Square item sales",
            ImportFormat::HubspotContacts => "HubSpot contacts",
            ImportFormat::MailchimpAudience => "Mailchimp audience",
            ImportFormat::Generic => "Spreadsheet (generic CSV)",
        }
    }

    /// What the file is usually imported as.
    pub fn usual_kind(self) -> ImportKind {
        match self {
            ImportFormat::ShopifyOrders | ImportFormat::StripePayments | ImportFormat::SquareItems => {
                ImportKind::Purchases
            }
            _ => ImportKind::Contacts,
        }
    }

    /// Whether consecutive rows sharing an order id are parts of one purchase (Shopify's line
    /// items, Square's item rows), whose amounts add up. Elsewhere a repeated id is a duplicate.
    pub fn groups_rows(self) -> bool {
        matches!(self, ImportFormat::ShopifyOrders | ImportFormat::SquareItems)
    }

    /// Whether a payment status (lower-cased) means money was received. Stripe counts only
    /// paid payments; Shopify's refunded orders were paid first (the refund is recorded against
    /// them); elsewhere anything not plainly unpaid counts.
    pub fn is_paid(self, status: &str) -> bool {
        match self {
            ImportFormat::StripePayments => matches!(status, "paid" | "succeeded"),
            ImportFormat::ShopifyOrders => {
                matches!(status, "paid" | "partially_paid" | "partially_refunded" | "refunded" | "")
            }
            _ => !matches!(
                status,
                "pending"
                    | "failed"
                    | "voided"
                    | "void"
                    | "expired"
                    | "authorized"
                    | "unpaid"
                    | "declined"
                    | "canceled"
                    | "cancelled"
                    | "incomplete"
            ),
        }
    }

    /// A fully refunded status whose refund amount the file may leave blank.
    pub fn is_fully_refunded(self, status: &str) -> bool {
        self == ImportFormat::ShopifyOrders && status == "refunded"
    }
}

/// Header cells compared as different tools and people write them: lower-case, accents dropped,
/// and only letters and digits kept, so `order_date`, `Order Date`, `ORDER-DATE`, `Order date.` and
/// `Créé (UTC)`/`cree_utc` compare equal.
pub fn normalise(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    for c in header.trim().trim_start_matches('\u{feff}').chars().flat_map(char::to_lowercase) {
        match fold_accent(c) {
            Some(folded) => out.push_str(folded),
            None if c.is_alphanumeric() => out.push(c),
            None => {}
        }
    }
    out
}

/// The plain letters of an accented Latin letter (lower-case).
fn fold_accent(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
        'æ' => "ae",
        'ç' => "c",
        'è' | 'é' | 'ê' | 'ë' => "e",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => "o",
        'œ' => "oe",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'ý' | 'ÿ' => "y",
        'ß' => "ss",
        _ => return None,
    })
}

/// The columns that tell a tool's export, each with its weight (columns only that tool writes
/// weigh 2, ones it shares with others 1) and alternatives for headers renamed between versions.
struct Signature {
    format: ImportFormat,
    columns: &'static [(&'static [&'static str], u32)],
    /// The least score that names the format.
    threshold: u32,
    /// Columns without which the format's rows cannot be read, whatever the score.
    needs: &'static [&'static [&'static str]],
}

const SIGNATURES: &[Signature] = &[
    Signature {
        format: ImportFormat::ShopifyOrders,
        columns: &[
            (&["Financial Status"], 2),
            (&["Fulfillment Status"], 2),
            (&["Lineitem name"], 2),
            (&["Lineitem quantity"], 2),
            (&["Lineitem price"], 2),
            (&["Lineitem sku"], 2),
            (&["Paid at"], 1),
            (&["Billing Name"], 1),
            (&["Refunded Amount"], 1),
            (&["Discount Code"], 1),
            (&["Shipping"], 1),
            (&["Taxes"], 1),
            (&["Subtotal"], 1),
        ],
        threshold: 4,
        needs: &[&["Name"], &["Total"]],
    },
    Signature {
        format: ImportFormat::ShopifyCustomers,
        columns: &[
            (&["Accepts Email Marketing", "Accepts Marketing"], 2),
            (&["Accepts SMS Marketing"], 2),
            (&["Total Spent"], 2),
            (&["Total Orders"], 2),
            (&["Default Address Company", "Company"], 1),
            (&["Default Address Phone"], 1),
            (&["Default Address Country Code", "Country Code"], 1),
            (&["Tax Exempt"], 1),
            (&["Customer ID"], 1),
            (&["First Name"], 1),
            (&["Last Name"], 1),
        ],
        threshold: 4,
        needs: &[&["Email"]],
    },
    Signature {
        format: ImportFormat::StripePayments,
        columns: &[
            (&["Created date (UTC)", "Created (UTC)"], 2),
            (&["Amount Refunded"], 2),
            (&["Converted Amount Refunded"], 2),
            (&["Seller Message"], 2),
            (&["Statement Descriptor"], 2),
            (&["PaymentIntent ID"], 2),
            (&["Refunded date (UTC)"], 2),
            (&["Customer Description"], 1),
            (&["Customer Email"], 1),
            (&["Converted Amount"], 1),
            (&["Card ID"], 1),
            (&["Captured"], 1),
            (&["Decline Reason"], 1),
            (&["Status"], 1),
            (&["Fee"], 1),
        ],
        threshold: 4,
        needs: &[&["id"], &["Amount"]],
    },
    Signature {
        format: ImportFormat::SquareItems,
        columns: &[
            (&["Transaction ID"], 2),
            (&["Net Sales"], 2),
            (&["Gross Sales"], 2),
            (&["Price Point Name"], 2),
            (&["Modifiers Applied"], 2),
            (&["Time Zone"], 1),
            (&["Device Name"], 1),
            (&["Payment ID"], 1),
            (&["Category"], 1),
            (&["Qty"], 1),
        ],
        threshold: 4,
        needs: &[&["Item"], &["Net Sales", "Gross Sales"]],
    },
    Signature {
        format: ImportFormat::MailchimpAudience,
        columns: &[
            (&["Email Address"], 2),
            (&["MEMBER_RATING"], 2),
            (&["OPTIN_TIME"], 2),
            (&["CONFIRM_TIME"], 2),
            (&["LEID"], 2),
            (&["EUID"], 2),
            (&["LAST_CHANGED"], 1),
            (&["Birthday"], 1),
        ],
        threshold: 2,
        needs: &[&["Email Address"]],
    },
    Signature {
        format: ImportFormat::HubspotContacts,
        columns: &[
            (&["Lifecycle Stage"], 2),
            (&["Lead Status"], 2),
            (&["Original Source"], 2),
            (&["Contact Owner"], 2),
            (&["Record ID"], 1),
            (&["Job Title"], 1),
            (&["Company Name"], 1),
            (&["Phone Number"], 1),
            (&["Create Date"], 1),
            (&["Last Activity Date"], 1),
        ],
        threshold: 2,
        needs: &[
            &["Email"],
            &["Lifecycle Stage", "Lead Status", "Original Source", "Contact Owner", "Record ID"],
        ],
    },
];

/// The format a file was recognised as, and why: the columns that told it, as the file writes them.
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    pub format: ImportFormat,
    pub score: u32,
    pub evidence: Vec<String>,
}

impl Detection {
    /// "Stripe payments: has id, Created date (UTC), Amount, …": the first few telling columns.
    pub fn reason(&self) -> String {
        if self.format == ImportFormat::Generic {
            return "No shop, payment or CRM export has these columns: each column is read by its name."
                .to_owned();
        }
        const SHOWN: usize = 6;
        let mut has = self.evidence.iter().take(SHOWN).cloned().collect::<Vec<_>>().join(", ");
        if self.evidence.len() > SHOWN {
            has.push_str(&format!(" and {} more", self.evidence.len() - SHOWN));
        }
        format!("{}: has {has}", self.format.label())
    }
}

/// The format whose telling columns score highest, when they score enough; generic otherwise.
/// One renamed or missing column does not lose a format: each column only adds to its score.
pub fn detect(headers: &[String]) -> ImportFormat {
    detect_why(headers).format
}

/// [`detect`] with the columns that decided it.
pub fn detect_why(headers: &[String]) -> Detection {
    let names: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
    let find = |alternatives: &[&str]| {
        alternatives.iter().find_map(|a| {
            let a = normalise(a);
            names.iter().position(|n| *n == a)
        })
    };
    let mut best = Detection { format: ImportFormat::Generic, score: 0, evidence: Vec::new() };
    for sig in SIGNATURES {
        if !sig.needs.iter().all(|alternatives| find(alternatives).is_some()) {
            continue;
        }
        let mut score = 0;
        let mut found = Vec::new();
        for (alternatives, weight) in sig.columns {
            if let Some(i) = find(alternatives) {
                score += weight;
                found.push(i);
            }
        }
        if score >= sig.threshold && score > best.score {
            // The needed columns are evidence too, in the file's column order.
            for alternatives in sig.needs {
                found.extend(find(alternatives));
            }
            found.sort_unstable();
            found.dedup();
            let evidence =
                found.into_iter().map(|i| headers[i].trim().trim_start_matches('\u{feff}').to_owned());
            best = Detection { format: sig.format, score, evidence: evidence.collect() };
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(line: &str) -> Vec<String> {
        line.split(',').map(str::to_owned).collect()
    }

    #[test]
    fn every_format_in_formats_md_is_recognised() {
        use ImportFormat::*;
        let cases = [
            ("Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Company,Default Address Address1,Default Address Address2,Default Address City,Default Address Province Code,Default Address Country Code,Default Address Zip,Default Address Phone,Phone,Accepts SMS Marketing,Total Spent,Total Orders,Note,Tax Exempt,Tags", ShopifyCustomers),
            ("First Name,Last Name,Email,Accepts Email Marketing,Company,Address1,Address2,City,Province,Province Code,Country,Country Code,Zip,Phone,Accepts SMS Marketing,Total Spent,Total Orders,Tags,Note,Tax Exempt", ShopifyCustomers),
            ("Name,Email,Financial Status,Paid at,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Billing Name,Billing Company,Billing Phone,Cancelled at,Refunded Amount,Id,Tags,Source", ShopifyOrders),
            ("id,Description,Seller Message,Created (UTC),Amount,Amount Refunded,Currency,Converted Amount,Converted Amount Refunded,Fee,Tax,Converted Currency,Mode,Status,Statement Descriptor,Customer ID,Customer Description,Customer Email,Captured,Card ID,Invoice ID", StripePayments),
            ("Date,Time,Time Zone,Category,Item,Qty,Price Point Name,SKU,Modifiers Applied,Gross Sales,Discounts,Net Sales,Tax,Transaction ID", SquareItems),
            ("First Name,Last Name,Email,Phone Number,Company Name,Job Title,Lifecycle Stage,Lead Status,Original Source,Contact Owner", HubspotContacts),
            ("Email Address,First Name,Last Name,Address,Phone Number,Birthday,Tags", MailchimpAudience),
            ("\u{feff}Email Address,First Name,Last Name,MEMBER_RATING,OPTIN_TIME,TAGS", MailchimpAudience),
            ("id,Created date (UTC),Amount,Amount Refunded,Currency,Captured,Converted Amount,Converted Amount Refunded,Converted Currency,Decline Reason,Description,Fee,Refunded date (UTC),Statement Descriptor,Status,Seller Message,Taxes On Fee,Card ID,Customer ID,Customer Description,Customer Email,Invoice ID,PaymentIntent ID,order_id (metadata)", StripePayments),
            // A trimmed Stripe file keeps enough of its columns to be told.
            ("id,Created date (UTC),Amount,Amount Refunded,Status,Customer Email", StripePayments),
            ("First Name,Last Name,Email,Accepts Marketing,Company,Address1,City,Zip,Phone,Total Spent,Total Orders,Tags,Note", ShopifyCustomers),
            ("Record ID,First Name,Last Name,Email,Phone Number,Lifecycle Stage,Create Date", HubspotContacts),
            ("Date,Time,Time Zone,Category,Item,Qty,Price Point Name,SKU,Modifiers Applied,Gross Sales,Discounts,Net Sales,Tax,Transaction ID,Payment ID,Device Name,Customer ID,Customer Name", SquareItems),
            ("email,name,amount,date", Generic),
            // A plain contact list is no HubSpot export, nor orders with a name and a total Shopify's.
            ("Email,Phone Number,Company Name,Job Title", Generic),
            ("Name,Email,Total,Created at,Tags", Generic),
        ];
        for (line, format) in cases {
            assert_eq!(detect(&headers(line)), format, "{line}");
        }
    }

    #[test]
    fn headers_compare_without_case_spaces_punctuation_or_accents() {
        for same in [
            ["order_date", "Order Date", "ORDER-DATE", "order.date"],
            ["Created (UTC)", "created_utc", "CREATED UTC", "created-(utc)"],
            ["E-Mail", "email", "E_MAIL", "e.mail"],
            ["Prénom", "prenom", "PRÉNOM", "pre-nom"],
            ["\u{feff}Währung", "wahrung", "WAHRUNG", " Währung "],
        ] {
            for h in same {
                assert_eq!(normalise(h), normalise(same[0]), "{h}");
            }
        }
        assert_eq!(normalise("Straße"), "strasse");
    }

    #[test]
    fn the_reason_names_the_columns_that_told_the_format() {
        let d =
            detect_why(&headers("id,Created date (UTC),Amount,Amount Refunded,Status,Customer Email,Notes"));
        assert_eq!(d.format, ImportFormat::StripePayments);
        assert_eq!(
            d.reason(),
            "Stripe payments: has id, Created date (UTC), Amount, Amount Refunded, Status, Customer Email"
        );
        // A long list is cut after six columns.
        let shopify = detect_why(&headers("Name,Email,Financial Status,Paid at,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Billing Name,Billing Company,Billing Phone,Cancelled at,Refunded Amount,Id,Tags,Source"));
        assert_eq!(
            shopify.reason(),
            "Shopify orders: has Name, Financial Status, Paid at, Subtotal, Shipping, Taxes and 8 more"
        );
        let g = detect_why(&headers("email,amount"));
        assert_eq!(g.format, ImportFormat::Generic);
        assert!(g.reason().contains("read by its name"), "{}", g.reason());
    }

    #[test]
    fn paid_statuses_follow_each_tool() {
        use ImportFormat::*;
        assert!(StripePayments.is_paid("paid"));
        assert!(!StripePayments.is_paid("refunded") && !StripePayments.is_paid("failed"));
        assert!(ShopifyOrders.is_paid("partially_refunded") && ShopifyOrders.is_paid("refunded"));
        assert!(!ShopifyOrders.is_paid("pending") && !ShopifyOrders.is_paid("voided"));
        assert!(Generic.is_paid("completed") && !Generic.is_paid("failed"));
        for f in ImportFormat::ALL {
            assert_eq!(ImportFormat::parse(f.as_str()), Some(*f));
        }
    }
}
