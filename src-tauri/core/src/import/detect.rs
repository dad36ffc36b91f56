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

/// Header cells compared as written by different tools: trimmed, lower-case.
pub fn normalise(header: &str) -> String {
    header.trim().trim_start_matches('\u{feff}').to_lowercase()
}

/// The format whose signature columns are all present; generic when none fits.
pub fn detect(headers: &[String]) -> ImportFormat {
    let names: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
    let has = |want: &[&str]| want.iter().all(|w| names.iter().any(|n| n == w));
    let any = |want: &[&str]| want.iter().any(|w| names.iter().any(|n| n == w));
    if has(&["name", "financial status", "lineitem name"]) {
        ImportFormat::ShopifyOrders
    } else if has(&["first name", "last name", "email", "accepts email marketing", "total spent"]) {
        ImportFormat::ShopifyCustomers
    } else if has(&["id", "amount", "amount refunded", "status"]) && any(&["created (utc)", "customer email"])
    {
        ImportFormat::StripePayments
    } else if has(&["transaction id", "item", "net sales"]) {
        ImportFormat::SquareItems
    } else if has(&["email address"]) {
        ImportFormat::MailchimpAudience
    } else if has(&["email"]) && any(&["lifecycle stage", "lead status", "original source", "contact owner"])
    {
        ImportFormat::HubspotContacts
    } else {
        ImportFormat::Generic
    }
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
            ("email,name,amount,date", Generic),
        ];
        for (line, format) in cases {
            assert_eq!(detect(&headers(line)), format, "{line}");
        }
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
