//! Exports: referral-sourced leads for HubSpot and Mailchimp, case studies that respect consent and
//! never let user text become markup, tables as CSV, everything as JSON, backup and restore.

mod common;

use common::{contact, named_contact, temp_db};
use flywheel_core::backup;
use flywheel_core::export::{
    self, case_study, leads, tables, CaseStudyFilter, CaseStudyFormat, ExportTable, LeadFilter, LeadFormat,
    Watch,
};
use flywheel_core::purchases::{self, PurchaseInput};
use flywheel_core::referrals::{self, ReferralInput};
use flywheel_core::stages::{self, Actor, Stage};
use flywheel_core::testimonials::{self, ConsentInput, TestimonialInput, TestimonialStatus};
use flywheel_core::{time, Connection, ErrorCode};
use std::sync::atomic::AtomicBool;

fn watch_none<T>(f: impl FnOnce(&mut Watch<'_>) -> T) -> T {
    let cancel = AtomicBool::new(false);
    let mut progress = |_: &export::ExportProgress| {};
    f(&mut Watch { progress: &mut progress, cancel: &cancel })
}

fn refer(conn: &Connection, advocate: i64, referred: i64, day: &str) {
    referrals::create(
        conn,
        &ReferralInput {
            advocate_id: advocate,
            referred_id: referred,
            referred_on: day.into(),
            ..Default::default()
        },
    )
    .unwrap();
}

fn read_csv(path: &std::path::Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new().has_headers(false).from_path(path).unwrap();
    r.records().map(|rec| rec.unwrap().iter().map(str::to_owned).collect()).collect()
}

#[test]
fn referral_leads_for_hubspot_and_mailchimp() {
    let db = temp_db();
    let ann = named_contact(&db, "Ann", "Lee", Some("ann@example.com"));
    let bob = named_contact(&db, "Bob", "Stone", Some("bob@example.com"));
    let cat = named_contact(&db, "Cat", "Ng", None);
    let dan = named_contact(&db, "Dan", "Ruiz", Some("dan@example.com"));
    refer(&db, ann, bob, "2024-03-05");
    refer(&db, ann, cat, "2024-04-10");
    refer(&db, bob, dan, "2024-05-20");
    stages::record(&db, bob, Stage::Mql, Actor::Marketing, "", time::now()).unwrap();

    let dir = db.dir.path();
    let path = dir.join("leads.csv");
    let all =
        watch_none(|w| leads::export(&db, &LeadFilter::default(), LeadFormat::Hubspot, &path, w)).unwrap();
    assert_eq!(all.rows, 3);
    let rows = read_csv(&path);
    assert_eq!(
        rows[0],
        [
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
            "Referral Date"
        ]
    );
    assert_eq!(
        rows[1],
        [
            "Bob",
            "Stone",
            "bob@example.com",
            "",
            "",
            "Marketing Qualified Lead",
            "Open",
            "Referrals",
            "Ann Lee",
            "ann@example.com",
            "2024-03-05"
        ]
    );
    // The date range keeps April only; the stage filter keeps Bob only.
    let april =
        LeadFilter { from: Some("2024-04-01".into()), to: Some("2024-04-30".into()), ..Default::default() };
    assert_eq!(watch_none(|w| leads::export(&db, &april, LeadFormat::Hubspot, &path, w)).unwrap().rows, 1);
    assert_eq!(read_csv(&path)[1][0], "Cat");
    let mql = LeadFilter { stage: Some(Stage::Mql), ..Default::default() };
    assert_eq!(watch_none(|w| leads::export(&db, &mql, LeadFormat::Hubspot, &path, w)).unwrap().rows, 1);
    let by_bob = LeadFilter { advocate_id: Some(bob), ..Default::default() };
    assert_eq!(watch_none(|w| leads::export(&db, &by_bob, LeadFormat::Hubspot, &path, w)).unwrap().rows, 1);
    assert_eq!(read_csv(&path)[1][2], "dan@example.com");

    // Mailchimp needs an email: Cat is left out and said so.
    let mc =
        watch_none(|w| leads::export(&db, &LeadFilter::default(), LeadFormat::Mailchimp, &path, w)).unwrap();
    assert_eq!((mc.rows, mc.skipped), (2, 1));
    let rows = read_csv(&path);
    assert_eq!(rows[0], ["Email Address", "First Name", "Last Name", "Tags"]);
    assert_eq!(rows[1], ["bob@example.com", "Bob", "Stone", "referral, advocate: Ann Lee"]);
    let bad = LeadFilter { from: Some("last week".into()), ..Default::default() };
    let e = watch_none(|w| leads::export(&db, &bad, LeadFormat::Hubspot, &path, w)).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("from"));
}

fn testimonial(conn: &Connection, who: i64, quote: &str, named: bool, status: TestimonialStatus) -> i64 {
    testimonials::create(conn, &story_input(who, quote, named, named), Some(status)).unwrap().id
}

fn story_input(who: i64, quote: &str, named: bool, share_figures: bool) -> TestimonialInput {
    TestimonialInput {
        contact_id: who,
        headline: "Bread & <b>butter</b>".into(),
        quote: quote.into(),
        rating: Some(5),
        product: "Sourdough".into(),
        segment: "cafe".into(),
        tags: vec!["wholesale".into()],
        consent: ConsentInput {
            publish: true,
            named,
            share_figures,
            channels: vec![],
            note: String::new(),
            given_at: None,
            incentive: String::new(),
        },
    }
}

#[test]
fn case_studies_respect_consent_and_escape_every_user_text() {
    let db = temp_db();
    let ann = named_contact(&db, "Ann<script>", "Lee", Some("ann@example.com"));
    let bob = named_contact(&db, "Bob", "Hidden", Some("bob@example.com"));
    let cat = named_contact(&db, "Cat", "Gone", Some("cat@example.com"));
    purchases::create(
        &db,
        &PurchaseInput {
            contact_id: ann,
            purchased_on: "2024-03-05".into(),
            amount_minor: 1250,
            currency: "USD".into(),
            product: "Rye <i>loaf</i>".into(),
            quantity: 1,
            external_id: None,
        },
    )
    .unwrap();
    testimonial(
        &db,
        ann,
        "<img src=x onerror=alert(1)> \"best\" & 'fresh'",
        true,
        TestimonialStatus::Approved,
    );
    testimonial(&db, bob, "Quietly great.", false, TestimonialStatus::Published);
    let withdrawn = testimonial(&db, cat, "Withdrawn words", true, TestimonialStatus::Published);
    testimonials::withdraw_consent(&db, withdrawn).unwrap();
    testimonial(&db, cat, "Only received", true, TestimonialStatus::Received);

    let html_path = db.dir.path().join("stories.html");
    let r = watch_none(|w| {
        case_study::export(
            &db,
            &CaseStudyFilter { segment: Some("CAFE".into()), ..Default::default() },
            CaseStudyFormat::Html,
            &html_path,
            w,
        )
    })
    .unwrap();
    assert_eq!(r.rows, 2, "Ann's approved and Bob's published; withdrawn and merely received are left out");
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(html.starts_with("<!doctype html>"));
    assert!(
        !html.contains("<script") && !html.contains("<img") && !html.contains("<b>") && !html.contains("<i>"),
        "{html}"
    );
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt; &quot;best&quot; &amp; &#39;fresh&#39;"));
    assert!(html.contains("Ann&lt;script&gt; Lee"));
    assert!(html.contains("Rye &lt;i&gt;loaf&lt;/i&gt; (12.50 USD)"), "purchase history as context");
    assert!(!html.contains("Hidden") && !html.contains("bob@example.com"), "anonymous consent shows no name");
    assert!(html.contains("A cafe customer"));
    assert!(!html.contains("Withdrawn words") && !html.contains("Only received"));
    assert!(!html.contains("http") || html.contains("http-equiv"), "self-contained: nothing is fetched");

    let md_path = db.dir.path().join("stories.md");
    let r = watch_none(|w| {
        case_study::export(&db, &CaseStudyFilter::default(), CaseStudyFormat::Markdown, &md_path, w)
    })
    .unwrap();
    assert_eq!(r.rows, 2);
    let md = std::fs::read_to_string(&md_path).unwrap();
    assert!(md.contains("\\<img src=x onerror=alert(1)> \"best\" & 'fresh'"), "{md}");
    assert!(!md.contains("Withdrawn words") && !md.contains("Hidden"));
    // Filters that match nothing give an empty, valid file.
    let none = CaseStudyFilter { tag: Some("retail".into()), ..Default::default() };
    assert_eq!(
        watch_none(|w| case_study::export(&db, &none, CaseStudyFormat::Markdown, &md_path, w)).unwrap().rows,
        0
    );
    assert_eq!(CaseStudyFormat::from_path("x/y.HTML".as_ref()).unwrap(), CaseStudyFormat::Html);
    assert!(CaseStudyFormat::from_path("x/y.pdf".as_ref()).is_err());
}

fn buy(conn: &Connection, who: i64, days_ago: i64, amount_minor: i64, product: &str) -> String {
    let day = (time::today() - chrono::Duration::days(days_ago)).to_string();
    let input = PurchaseInput {
        contact_id: who,
        purchased_on: day.clone(),
        amount_minor,
        currency: "USD".into(),
        product: product.into(),
        quantity: 1,
        external_id: None,
    };
    purchases::create(conn, &input).unwrap();
    day
}

fn export_both(conn: &Connection, dir: &std::path::Path) -> (String, String) {
    let (md, html) = (dir.join("one.md"), dir.join("one.html"));
    for (format, path) in [(CaseStudyFormat::Markdown, &md), (CaseStudyFormat::Html, &html)] {
        let r =
            watch_none(|w| case_study::export(conn, &CaseStudyFilter::default(), format, path, w)).unwrap();
        assert_eq!(r.rows, 1);
    }
    (std::fs::read_to_string(md).unwrap(), std::fs::read_to_string(html).unwrap())
}

#[test]
fn a_case_study_tells_the_story_and_shows_figures_only_with_consent() {
    let db = temp_db();
    let dan = named_contact(&db, "Dan", "Ruiz", Some("dan@example.com"));
    let first = buy(&db, dan, 400, 120_000, "Espresso machine");
    let second = buy(&db, dan, 200, 4_550, "Beans");
    buy(&db, dan, 200, 1_000, "Filters");
    let last = buy(&db, dan, 10, 8_000, "Beans");
    let quote = "Dr. Lee's self-serve idea: 10/10.\n1. Order\n- Pay";
    let id =
        testimonials::create(&db, &story_input(dan, quote, false, false), Some(TestimonialStatus::Published))
            .unwrap()
            .id;
    assert!(!testimonials::get(&db, id).unwrap().consent.share_figures, "figures are private by default");

    let (md, html) = export_both(&db, db.dir.path());
    for text in [&md, &html] {
        for secret in ["1200", "1,200", "45.50", "80.00", "USD", &first, &second, &last, "Dan", "Ruiz"] {
            assert!(!text.contains(secret), "{secret} shown without consent:\n{text}");
        }
        assert!(text.contains("A customer for 1 year who came back twice."), "the story: {text}");
        assert!(text.contains("Sourdough"), "the product of the testimonial");
        assert!(text.contains("A cafe customer"), "the segment");
    }
    // Plain text stays plain; only what Markdown would misread is escaped; one story is "1 story".
    assert!(md.contains("> Dr. Lee's self-serve idea: 10/10.\n> 1\\. Order\n> \\- Pay\n"), "{md}");
    assert!(!md.contains("\\.\n") && !md.contains("self\\-serve") && !md.contains("Dr\\."), "{md}");
    assert!(md.contains("_1 story, ") && !md.contains("stories,"), "{md}");
    assert!(html.contains(">1 story, "), "{html}");

    // With the customer's consent to share figures, the amounts and days are listed.
    testimonials::update(&db, id, &story_input(dan, quote, false, true)).unwrap();
    let (md, html) = export_both(&db, db.dir.path());
    for text in [&md, &html] {
        assert!(text.contains("4 purchases since") && text.contains(&first), "{text}");
        assert!(text.contains("45.50 USD") && text.contains(&last), "{text}");
        assert!(!text.contains("Ruiz"), "figures do not reveal the name");
    }
}

#[test]
fn tables_as_csv_and_everything_as_json() {
    let db = temp_db();
    flywheel_core::sample::generate(
        &db,
        flywheel_core::sample::SampleSize::Small,
        chrono::NaiveDate::from_ymd_opt(2025, 6, 30).unwrap(),
    )
    .unwrap();
    for table in ExportTable::ALL {
        let path = db.dir.path().join(format!("{}.csv", table.as_str()));
        let r = watch_none(|w| tables::csv(&db, *table, &path, w)).unwrap();
        assert_eq!(r.rows, common::count(&db, table.as_str()), "{table:?}");
        assert_eq!(read_csv(&path).len() as i64, r.rows + 1);
    }
    let path = db.dir.path().join("all.json");
    let r = watch_none(|w| tables::json(&db, &path, w)).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(doc["format"], "flywheel-export");
    assert_eq!(doc["tables"]["purchases"].as_array().unwrap().len() as i64, common::count(&db, "purchases"));
    assert!(r.rows > common::count(&db, "contacts"));
    // A cancelled export leaves no file behind.
    let cancel = AtomicBool::new(true);
    let gone = db.dir.path().join("cancelled.json");
    let e = tables::json(&db, &gone, &mut Watch { progress: &mut |_| {}, cancel: &cancel }).unwrap_err();
    assert_eq!(e.code, ErrorCode::Cancelled);
    assert!(!gone.exists());
}

#[test]
fn backup_and_restore_check_the_file_and_keep_the_old_one() {
    let db = temp_db();
    if db.team.is_some() {
        // A team database is backed up on its server (pg_dump); `backup_refuses_a_team_database` below.
        return;
    }
    let ann = contact(&db, "ann@example.com");
    let copy = db.dir.path().join("backup.db");
    let bytes = watch_none(|w| backup::backup(&db, &copy, w)).unwrap();
    assert!(bytes > 0);
    // Changes after the backup are undone by restoring it.
    contact(&db, "bob@example.com");
    flywheel_core::contacts::delete(&db, ann).unwrap();
    let r = watch_none(|w| backup::restore(&db, &copy, w)).unwrap();
    assert_eq!(r.contacts, 1);
    assert_eq!(common::count(&db, "contacts"), 1);
    assert!(flywheel_core::contacts::find_by_email(&db, "ann@example.com").unwrap().is_some());
    let kept = Connection::open(&r.previous_kept_at).unwrap();
    assert_eq!(common::count(&kept, "contacts"), 1, "the database as it was (bob only) is kept aside");
    assert!(flywheel_core::contacts::find_by_email(&kept, "bob@example.com").unwrap().is_some());

    // Not a database, a damaged one, another SQLite file, or a newer Flywheel: refused, nothing changes.
    let junk = db.dir.path().join("junk.db");
    std::fs::write(&junk, b"this is not a database at all, just some words in a file").unwrap();
    let other = db.dir.path().join("other.db");
    Connection::open(&other).unwrap().execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);").unwrap();
    let newer = db.dir.path().join("newer.db");
    std::fs::copy(&copy, &newer).unwrap();
    Connection::open(&newer).unwrap().pragma_update(None, "user_version", 999).unwrap();
    let damaged = db.dir.path().join("damaged.db");
    let mut raw = std::fs::read(&copy).unwrap();
    let len = raw.len();
    for b in &mut raw[len / 2..len / 2 + 4096.min(len / 2)] {
        *b = 0xAB;
    }
    std::fs::write(&damaged, raw).unwrap();
    for (bad, why) in [(&junk, "not"), (&other, "not a Flywheel"), (&newer, "newer"), (&damaged, "")] {
        let e = watch_none(|w| backup::restore(&db, bad, w)).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("path"), "{}: {}", bad.display(), e.message);
        assert!(e.message.contains(why), "{}", e.message);
        assert_eq!(common::count(&db, "contacts"), 1);
    }
    let e = watch_none(|w| backup::backup(&db, &db.path(), w)).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("path"));
}

#[test]
fn a_bare_file_name_goes_to_the_documents_folder_and_a_full_path_stays_as_it_is() {
    use flywheel_core::export::resolve_path;
    use std::path::{Path, PathBuf};
    let docs = Path::new("/home/ada/Documents");
    let home = Path::new("/home/ada");
    assert_eq!(
        resolve_path("leads.csv", Some(docs), Some(home)),
        PathBuf::from("/home/ada/Documents/leads.csv")
    );
    assert_eq!(
        resolve_path("  leads.csv ", Some(docs), Some(home)),
        PathBuf::from("/home/ada/Documents/leads.csv")
    );
    assert_eq!(
        resolve_path("/tmp/out/leads.csv", Some(docs), Some(home)),
        PathBuf::from("/tmp/out/leads.csv")
    );
    assert_eq!(resolve_path("out/leads.csv", Some(docs), Some(home)), PathBuf::from("out/leads.csv"));
    assert_eq!(resolve_path("~/leads.csv", Some(docs), Some(home)), PathBuf::from("/home/ada/leads.csv"));
    // No Documents folder known to the system: ~/Documents when it exists, else the home folder,
    // never the folder the app started in; with no home either, the name is kept.
    let real_home = tempfile::tempdir().unwrap();
    assert_eq!(resolve_path("leads.csv", None, Some(real_home.path())), real_home.path().join("leads.csv"));
    std::fs::create_dir(real_home.path().join("Documents")).unwrap();
    assert_eq!(
        resolve_path("leads.csv", None, Some(real_home.path())),
        real_home.path().join("Documents").join("leads.csv")
    );
    assert_eq!(resolve_path("leads.csv", None, None), PathBuf::from("leads.csv"));
    // An empty name stays empty for the export's own message.
    assert_eq!(resolve_path("", Some(docs), Some(home)), PathBuf::from(""));
}

#[test]
fn backup_refuses_a_team_database_and_says_how_it_is_backed_up() {
    let db = temp_db();
    if db.team.is_none() {
        return;
    }
    let e = watch_none(|w| backup::backup(&db, &db.dir.path().join("team.db"), w)).unwrap_err();
    assert_eq!(e.code, ErrorCode::Invalid);
    assert!(e.message.contains("pg_dump"), "{}", e.message);
}
