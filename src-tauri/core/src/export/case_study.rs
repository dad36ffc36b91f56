//! Case studies: approved or published testimonials the customer agreed to have published, with
//! their purchase history as context, matched to a prospect by segment, product or tag. Consent
//! rules: a withdrawn testimonial is never exported; anonymous consent shows no name, no email and
//! no company; a testimonial whose consent names channels must name case studies among them.
//! A story tells how long they have been a customer and how often they came back; what they paid
//! and when is listed only when the customer agreed to share their figures.

use super::html::{escape_html, escape_markdown, escape_markdown_inline};
use super::{write_file, ExportReport, Watch};
use crate::error::{Error, Result};
use crate::page::Filter;
use crate::store::{params_from_iter, Connection};
use crate::text_enum;
use crate::{time, validate};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;

text_enum! {
    pub enum CaseStudyFormat {
        Markdown => "markdown",
        Html => "html",
    }
}

impl CaseStudyFormat {
    /// The format a file name asks for (`.md` or `.html`).
    pub fn from_path(path: &Path) -> Result<Self> {
        match path.extension().and_then(|e| e.to_str()).map(str::to_lowercase).as_deref() {
            Some("md" | "markdown") => Ok(CaseStudyFormat::Markdown),
            Some("html" | "htm") => Ok(CaseStudyFormat::Html),
            _ => Err(Error::invalid("path", "Name the file .md for Markdown or .html for a web page.")),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct CaseStudyFilter {
    /// Match whole values, ignoring case; blank means any.
    pub segment: Option<String>,
    pub product: Option<String>,
    pub tag: Option<String>,
}

/// The condition, on `testimonials t`, of what may go into a case study.
const PUBLISHABLE: &str = "t.status IN ('approved', 'published') AND t.consent_publish = 1
    AND t.consent_withdrawn_at IS NULL
    AND (json_array_length(t.consent_channels) = 0
         OR EXISTS (SELECT 1 FROM json_each(t.consent_channels) WHERE value = 'case_study'))";

struct Story {
    contact_id: i64,
    name: Option<String>,
    company: String,
    segment: String,
    headline: String,
    quote: String,
    rating: Option<i64>,
    product: String,
    incentive: String,
    share_figures: bool,
    /// Day, product and amount of each order not refunded in full, oldest first.
    purchases: Vec<(String, String, String)>,
}

fn stories(conn: &Connection, filter: &CaseStudyFilter) -> Result<Vec<Story>> {
    let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let mut f = Filter::default();
    f.and_fixed(PUBLISHABLE);
    if let Some(segment) = given(&filter.segment) {
        f.and("t.segment = ? COLLATE NOCASE", segment);
    }
    if let Some(product) = given(&filter.product) {
        f.and("t.product = ? COLLATE NOCASE", product);
    }
    if let Some(tag) = given(&filter.tag) {
        f.and("EXISTS (SELECT 1 FROM json_each(t.tags) AS g WHERE g.value = ? COLLATE NOCASE)", tag);
    }
    let (where_sql, args) = f.into_parts();
    let sql = format!(
        "SELECT t.contact_id, t.consent_named, trim(c.first_name || ' ' || c.last_name), c.company,
                coalesce(nullif(t.segment, ''), c.segment), t.headline, t.quote, t.rating, t.product, t.incentive,
                t.consent_share_figures
         FROM testimonials t JOIN contacts c ON c.id = t.contact_id {where_sql}
         ORDER BY t.rating DESC, coalesce(t.published_at, t.approved_at) DESC, t.id"
    );
    let mut found: Vec<Story> = conn
        .prepare(&sql)?
        .query_map(params_from_iter(args.iter()), |r| {
            let named: bool = r.get(1)?;
            let name: String = r.get(2)?;
            Ok(Story {
                contact_id: r.get(0)?,
                name: (named && !name.is_empty()).then_some(name),
                company: if named { r.get(3)? } else { String::new() },
                segment: r.get(4)?,
                headline: r.get(5)?,
                quote: r.get(6)?,
                rating: r.get(7)?,
                product: r.get(8)?,
                incentive: r.get(9)?,
                share_figures: r.get(10)?,
                purchases: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut history = conn.prepare_cached(
        "SELECT purchased_on, product, amount_minor - refunded_minor, currency FROM purchases
         WHERE contact_id = ?1 AND refunded_minor < amount_minor ORDER BY purchased_on, id",
    )?;
    for s in &mut found {
        s.purchases = history
            .query_map([s.contact_id], |r| {
                let minor: i64 = r.get(2)?;
                let currency: String = r.get(3)?;
                Ok((r.get(0)?, r.get(1)?, validate::display_money(minor, &currency)))
            })?
            .collect::<rusqlite::Result<_>>()?;
    }
    Ok(found)
}

/// How a story names its customer: the name they allowed, or who they are without it.
fn who(s: &Story) -> String {
    match (&s.name, s.segment.is_empty()) {
        (Some(name), _) if !s.company.is_empty() => format!("{name}, {}", s.company),
        (Some(name), _) => name.clone(),
        (None, false) => format!("A {} customer", s.segment),
        (None, true) => "A customer".to_owned(),
    }
}

fn stars(rating: Option<i64>) -> String {
    let r = rating.unwrap_or(0).clamp(0, 5) as usize;
    format!("{}{}", "★".repeat(r), "☆".repeat(5 - r))
}

/// "1 story", "2 stories" (`words::plural` for a count of things in hand).
fn plural(n: usize, one: &str, many: &str) -> String {
    crate::words::plural(n as i64, one, many)
}

/// How long someone has been a customer, from their first purchase day to `today`, in the
/// largest whole unit: "less than a month", "1 month", "5 months", "1 year", "3 years".
fn how_long(first: &str, today: chrono::NaiveDate) -> Option<String> {
    let first = chrono::NaiveDate::parse_from_str(first.get(..10)?, "%Y-%m-%d").ok()?;
    use chrono::Datelike;
    let mut months = (today.year() - first.year()) * 12 + today.month() as i32 - first.month() as i32;
    if today.day() < first.day() {
        months -= 1;
    }
    Some(match months {
        m if m < 1 => "less than a month".to_owned(),
        m if m < 12 => plural(m as usize, "month", "months"),
        m => plural((m / 12) as usize, "year", "years"),
    })
}

/// The story of a customer without a figure: how long they have bought and how often they came
/// back (a return is a purchase on a later day than the first).
fn story_line(s: &Story, today: chrono::NaiveDate) -> String {
    let Some((first, ..)) = s.purchases.first() else {
        return "No purchases on record.".to_owned();
    };
    let mut days: Vec<&str> = s.purchases.iter().map(|(d, ..)| d.get(..10).unwrap_or(d)).collect();
    days.dedup();
    let returns = days.len() - 1;
    let long = how_long(first, today).unwrap_or_else(|| "a while".to_owned());
    let back = match returns {
        0 => "has bought once so far".to_owned(),
        1 => "came back once".to_owned(),
        2 => "came back twice".to_owned(),
        n => format!("came back {n} times"),
    };
    format!("A customer for {long} who {back}.")
}

/// With consent to share figures: how many orders since which day (the list follows).
fn history_line(s: &Story) -> String {
    match s.purchases.first() {
        None => "No purchases on record.".to_owned(),
        Some((day, ..)) => format!("{} since {day}.", plural(s.purchases.len(), "purchase", "purchases")),
    }
}

/// Writes the case studies matching `filter` to `path` as Markdown or as one self-contained,
/// print-ready HTML page.
pub fn export(
    conn: &Connection,
    filter: &CaseStudyFilter,
    format: CaseStudyFormat,
    path: &Path,
    watch: &mut Watch<'_>,
) -> Result<ExportReport> {
    let found = stories(conn, filter)?;
    let title = match [&filter.segment, &filter.product, &filter.tag]
        .iter()
        .filter_map(|v| v.as_deref())
        .find(|v| !v.trim().is_empty())
    {
        Some(v) => format!("Customer stories: {}", v.trim()),
        None => "Customer stories".to_owned(),
    };
    let total = found.len() as i64;
    let (rows, bytes) = write_file(path, |out| {
        match format {
            CaseStudyFormat::Markdown => write_markdown(out, &title, &found, watch)?,
            CaseStudyFormat::Html => write_html(out, &title, &found, watch)?,
        }
        Ok(total)
    })?;
    let notes = if rows == 0 {
        vec!["No approved testimonial with publishing consent matches.".to_owned()]
    } else {
        Vec::new()
    };
    Ok(ExportReport { path: path.to_string_lossy().into_owned(), rows, skipped: 0, bytes, notes })
}

fn write_markdown(out: &mut dyn Write, title: &str, found: &[Story], watch: &mut Watch<'_>) -> Result<()> {
    let today = time::today();
    writeln!(
        out,
        "# {}\n\n_{}, {today}._\n",
        escape_markdown_inline(title),
        plural(found.len(), "story", "stories")
    )?;
    for (i, s) in found.iter().enumerate() {
        let heading = if s.headline.is_empty() { who(s) } else { s.headline.clone() };
        writeln!(out, "## {}\n", escape_markdown_inline(&heading))?;
        for line in s.quote.lines() {
            writeln!(out, "> {}", escape_markdown(line))?;
        }
        writeln!(out, "\n— {} · {}", escape_markdown_inline(&who(s)), stars(s.rating))?;
        if !s.product.is_empty() {
            writeln!(out, "\nProduct: {}", escape_markdown_inline(&s.product))?;
        }
        writeln!(out, "\n**As a customer.** {}", escape_markdown_inline(&story_line(s, today)))?;
        if s.share_figures {
            writeln!(out, "\n**Purchase history.** {}\n", escape_markdown_inline(&history_line(s)))?;
            for (day, product, amount) in s.purchases.iter().rev().take(10) {
                writeln!(
                    out,
                    "- {day}: {} ({})",
                    escape_markdown_inline(product),
                    escape_markdown_inline(amount)
                )?;
            }
        }
        if !s.incentive.is_empty() {
            writeln!(out, "\n_Disclosure: the customer received {}._", escape_markdown_inline(&s.incentive))?;
        }
        writeln!(out)?;
        watch.tick(i as i64 + 1, found.len() as i64)?;
    }
    Ok(())
}

const STYLE: &str = "body{font:15px/1.5 Georgia,serif;color:#1d2421;max-width:46rem;margin:2rem auto;padding:0 1rem}\
h1{font-family:system-ui,sans-serif}h2{font-family:system-ui,sans-serif;margin:0 0 .5rem}\
article{border-top:1px solid #dcd9d0;padding:1.25rem 0;break-inside:avoid;page-break-inside:avoid}\
blockquote{font-size:1.15rem;margin:0 0 .5rem;padding-left:1rem;border-left:3px solid #1f6f5c;white-space:pre-line}\
.who{font-weight:600}.stars{color:#a15c00}.meta,.note{color:#5d6863;font-size:.9rem}\
ul{margin:.25rem 0 0;padding-left:1.2rem}\
@media print{body{margin:0;max-width:none}a{color:inherit}}";

fn write_html(out: &mut dyn Write, title: &str, found: &[Story], watch: &mut Watch<'_>) -> Result<()> {
    let t = escape_html(title);
    let today = time::today();
    write!(
        out,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t}</title><style>{STYLE}</style></head><body>\n<h1>{t}</h1>\n<p class=\"meta\">{}, {today}.</p>\n",
        plural(found.len(), "story", "stories"),
    )?;
    for (i, s) in found.iter().enumerate() {
        let heading = if s.headline.is_empty() { who(s) } else { s.headline.clone() };
        write!(
            out,
            "<article>\n<h2>{}</h2>\n<blockquote>{}</blockquote>\n<p><span class=\"who\">{}</span> <span class=\"stars\" \
             aria-label=\"{} of 5\">{}</span></p>\n",
            escape_html(&heading),
            escape_html(&s.quote),
            escape_html(&who(s)),
            s.rating.unwrap_or(0),
            stars(s.rating)
        )?;
        if !s.product.is_empty() {
            writeln!(out, "<p class=\"meta\">Product: {}</p>", escape_html(&s.product))?;
        }
        writeln!(
            out,
            "<p class=\"meta\"><strong>As a customer.</strong> {}</p>",
            escape_html(&story_line(s, today))
        )?;
        if s.share_figures {
            write!(
                out,
                "<p class=\"meta\"><strong>Purchase history.</strong> {}</p>\n<ul>",
                escape_html(&history_line(s))
            )?;
            for (day, product, amount) in s.purchases.iter().rev().take(10) {
                write!(
                    out,
                    "<li>{} — {} ({})</li>",
                    escape_html(day),
                    escape_html(product),
                    escape_html(amount)
                )?;
            }
            writeln!(out, "</ul>")?;
        }
        if !s.incentive.is_empty() {
            writeln!(
                out,
                "<p class=\"note\">Disclosure: the customer received {}.</p>",
                escape_html(&s.incentive)
            )?;
        }
        writeln!(out, "</article>")?;
        watch.tick(i as i64 + 1, found.len() as i64)?;
    }
    writeln!(out, "</body></html>")?;
    Ok(())
}
