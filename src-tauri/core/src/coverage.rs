//! Testimonials as the Testimonials page shows them: the cards of the board, and coverage: does
//! every kind of customer and every product have an approved testimonial a prospect can be shown?
//! Coverage is counted as of a day, with "approved" as advocacy counts it (approved or published,
//! not withdrawn by then). Segments come from the customer, products from what they bought; names
//! match ignoring case.

use crate::advocates::APPROVED;
use crate::asof::AsOf;
use crate::contacts;
use crate::error::Result;
use crate::page::Page;
use crate::repeat::COUNTED;
use crate::store::Connection;
use crate::summary;
use crate::testimonials::{self, Testimonial, TestimonialQuery, TestimonialStatus};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// A segment, a product, or a segment × product pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct CoverageLine {
    /// Blank means none given.
    pub segment: String,
    pub product: String,
    /// Approved testimonials.
    pub approved: i64,
    /// Customers who could give one: in the segment, or who bought the product.
    pub customers: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Coverage {
    pub as_of: String,
    /// Per segment (product blank), by name.
    pub segments: Vec<CoverageLine>,
    /// Per product (segment blank), by name.
    pub products: Vec<CoverageLine>,
    /// Per segment × product, by segment then product.
    pub cells: Vec<CoverageLine>,
    /// Named segments, products and pairs with customers but no approved testimonial yet: where
    /// to ask next.
    pub gaps: Vec<CoverageLine>,
}

/// Lines keyed by their names lower-cased, keeping the first spelling met.
type Lines = BTreeMap<(String, String), CoverageLine>;

fn add(lines: &mut Lines, segment: String, product: String, approved: i64, customers: i64) {
    let line = lines.entry((segment.to_lowercase(), product.to_lowercase())).or_insert(CoverageLine {
        segment,
        product,
        approved: 0,
        customers: 0,
    });
    line.approved += approved;
    line.customers += customers;
}

/// Customers counted by (segment, product) exactly as spelled, in the order each spelling was first
/// met: added to the lines once per spelling, which keeps the lines' first spelling what adding
/// row by row would keep, without a key made per row.
#[derive(Default)]
struct Tally {
    index: HashMap<String, HashMap<String, usize>>,
    counts: Vec<(String, String, i64)>,
}

impl Tally {
    fn bump(&mut self, segment: &str, product: &str) {
        if let Some(&k) = self.index.get(segment).and_then(|p| p.get(product)) {
            self.counts[k].2 += 1;
            return;
        }
        self.index.entry(segment.to_owned()).or_default().insert(product.to_owned(), self.counts.len());
        self.counts.push((segment.to_owned(), product.to_owned(), 1));
    }

    fn into_lines(self, lines: &mut Lines) {
        for (segment, product, n) in self.counts {
            add(lines, segment, product, 0, n);
        }
    }
}

/// Runs a query of (segment, product, approved) rows and adds them.
fn approvals(conn: &Connection, a: &AsOf, sql: &str, lines: &mut Lines) -> Result<()> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(a.args(sql, &[]).as_slice())?;
    while let Some(r) = rows.next()? {
        add(lines, r.get(0)?, r.get(1)?, r.get(2)?, 0);
    }
    Ok(())
}

/// Coverage as of the day (today when `None`).
pub fn coverage(conn: &Connection, as_of: Option<&str>) -> Result<Coverage> {
    let a = AsOf::parse(conn, "as_of", as_of)?;
    // Grouped by the names themselves ignoring case (a number with COLLATE would be a constant);
    // each group named by its first spelling in byte order, the same on both engines.
    let approved = |segment: &str, product: &str| {
        format!(
            "SELECT min({segment}), min({product}), count(*) FROM testimonials WHERE {APPROVED}
             GROUP BY {segment} COLLATE NOCASE, {product} COLLATE NOCASE"
        )
    };
    let mut segments = Lines::new();
    let mut products = Lines::new();
    let mut cells = Lines::new();
    approvals(conn, &a, &approved("segment", "''"), &mut segments)?;
    approvals(conn, &a, &approved("''", "product"), &mut products)?;
    approvals(conn, &a, &approved("segment", "product"), &mut cells)?;
    // Who bought what, once: each customer's segment with each product they bought, by customer
    // (so a customer is counted once in their segment).
    let (mut by_segment, mut by_product, mut by_cell) =
        (Tally::default(), Tally::default(), Tally::default());
    let mut last = None;
    let mut visit = |id: i64, segment: &str, product: &str| {
        if last != Some(id) {
            by_segment.bump(segment, "");
            last = Some(id);
        }
        by_product.bump("", product);
        by_cell.bump(segment, product);
    };
    if summary::current(conn)? {
        // Kept per customer with the first day they bought each product (`customer_products`);
        // the segments of everyone from the index of contacts by segment, not row by row.
        let mut names: Vec<String> = Vec::new();
        let mut segment_of: HashMap<i64, usize> = HashMap::new();
        let mut stmt = conn.prepare_cached("SELECT id, segment FROM contacts")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let segment: String = r.get("segment")?;
            if names.last() != Some(&segment) {
                names.push(segment);
            }
            segment_of.insert(r.get("id")?, names.len() - 1);
        }
        let sql = "SELECT contact_id, product FROM customer_products
                   WHERE currency = :currency AND first_day <= :as_of ORDER BY contact_id, product";
        let mut stmt = conn.prepare_cached(sql)?;
        let mut rows = stmt.query(a.args(sql, &[]).as_slice())?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get("contact_id")?;
            let segment = segment_of.get(&id).map_or("", |&k| names[k].as_str());
            let product = r.get_ref("product")?;
            let product = product.as_str().map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(1, product.data_type(), Box::new(e))
            })?;
            visit(id, segment, product);
        }
    } else {
        let sql = format!(
            "SELECT b.contact_id, c.segment, b.product
             FROM (SELECT DISTINCT contact_id, product FROM purchases WHERE {COUNTED}) b
             JOIN contacts c ON c.id = b.contact_id
             ORDER BY b.contact_id, b.product"
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(a.args(&sql, &[]).as_slice())?;
        while let Some(r) = rows.next()? {
            let (segment, product): (String, String) = (r.get("segment")?, r.get("product")?);
            visit(r.get("contact_id")?, &segment, &product);
        }
    }
    by_segment.into_lines(&mut segments);
    by_product.into_lines(&mut products);
    by_cell.into_lines(&mut cells);
    // A gap must name what to ask for: a blank segment or product is no target.
    let gaps = segments
        .values()
        .filter(|l| !l.segment.is_empty())
        .chain(products.values().filter(|l| !l.product.is_empty()))
        .chain(cells.values().filter(|l| !l.segment.is_empty() && !l.product.is_empty()))
        .filter(|l| l.approved == 0 && l.customers > 0)
        .cloned()
        .collect();
    let list = |lines: Lines| lines.into_values().collect();
    Ok(Coverage {
        as_of: a.as_of,
        segments: list(segments),
        products: list(products),
        cells: list(cells),
        gaps,
    })
}

/// A testimonial on the board: who gave it, and where it may move next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct TestimonialCard {
    pub testimonial: Testimonial,
    pub contact_name: String,
    /// The statuses the lifecycle allows from here.
    pub next: Vec<TestimonialStatus>,
}

/// Testimonials as `testimonials::list` filters and pages them, as cards.
pub fn board(conn: &Connection, q: &TestimonialQuery) -> Result<Page<TestimonialCard>> {
    let page = testimonials::list(conn, q)?;
    let items = page
        .items
        .into_iter()
        .map(|t| {
            Ok(TestimonialCard {
                contact_name: contacts::get(conn, t.contact_id)?.display_name(),
                next: t.status.next().to_vec(),
                testimonial: t,
            })
        })
        .collect::<Result<_>>()?;
    Ok(Page { items, total: page.total, offset: page.offset, limit: page.limit })
}
