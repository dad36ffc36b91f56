//! Consent channels are a closed set: a form can only store channels of the set, and the upgrade to
//! schema 011 maps the free text older databases hold, so a testimonial with consent typed as
//! "case study" is found by the case-study export afterwards, and text that names no channel is
//! kept in the consent note.

mod common;

use common::{assert_invalid, contact, temp_db};
use flywheel_core::consent::{self, ConsentChannel as C};
use flywheel_core::export::{self, case_study, CaseStudyFilter, CaseStudyFormat, Watch};
use flywheel_core::testimonials::{self, ConsentInput, TestimonialInput, TestimonialStatus};
use flywheel_core::{db, Connection};
use std::path::Path;
use std::sync::atomic::AtomicBool;

/// A database as Flywheel left it before schema 011 (consent channels as free text), built from
/// the same migration files the binary embeds.
fn database_before_consent_channels(path: &Path) -> Connection {
    db::create_at_schema(path, 10).unwrap()
}

/// An approved testimonial with publishing consent whose channels were stored as `channels_json`
/// by the old free-text field; returns its id.
fn old_testimonial(conn: &Connection, email: &str, quote: &str, channels_json: &str) -> i64 {
    conn.execute(
        "INSERT INTO contacts (first_name, email, created_at, updated_at)
         VALUES ('Old', ?1, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')",
        [email],
    )
    .unwrap();
    let contact = conn.last_insert_rowid();
    conn.execute(
        "INSERT INTO testimonials (contact_id, status, quote, rating, consent_publish, consent_named,
             consent_channels, received_at, approved_at, created_at, updated_at)
         VALUES (?1, 'approved', ?2, 5, 1, 1, ?3, '2024-01-02T00:00:00Z', '2024-01-03T00:00:00Z',
                 '2024-01-02T00:00:00Z', '2024-01-03T00:00:00Z')",
        rusqlite::params![contact, quote, channels_json],
    )
    .unwrap();
    conn.last_insert_rowid()
}

fn case_studies(conn: &Connection, dir: &Path) -> String {
    let path = dir.join("stories.md");
    let cancel = AtomicBool::new(false);
    let mut progress = |_: &export::ExportProgress| {};
    let mut watch = Watch { progress: &mut progress, cancel: &cancel };
    case_study::export(conn, &CaseStudyFilter::default(), CaseStudyFormat::Markdown, &path, &mut watch)
        .unwrap();
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn a_testimonial_with_consent_typed_as_case_study_is_in_the_case_study_export_after_the_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let old = database_before_consent_channels(&path);
        old_testimonial(&old, "spaced@example.com", "Spaced words", r#"["case study"]"#);
        old_testimonial(&old, "web@example.com", "Website only", r#"["website"]"#);
        // Before the upgrade the export looks for `case_study` and misses "case study" (today's
        // export reads columns of later schemas, so the old file is asked the export's question).
        let before: i64 = old
            .query_row(
                "SELECT count(*) FROM testimonials WHERE EXISTS
                     (SELECT 1 FROM json_each(consent_channels) WHERE value = 'case_study')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(before, 0, "the old export missed it");
    }
    let conn = db::open(&path).unwrap();
    let stories = case_studies(&conn, dir.path());
    assert!(stories.contains("Spaced words"), "{stories}");
    assert!(!stories.contains("Website only"), "consent for the website alone is not for case studies");
    let t = testimonials::get(&conn, 1).unwrap();
    assert_eq!(t.consent.channels, vec![C::CaseStudy]);
    assert_eq!(t.consent.note, "");
}

#[test]
fn the_upgrade_maps_every_rule_and_keeps_what_did_not_map_in_the_note() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    // (stored free text, the channels it becomes, the note kept)
    let cases: &[(&str, &[C], &str)] = &[
        // Case, spaces, hyphens and underscores do not matter.
        (r#"["case study"]"#, &[C::CaseStudy], ""),
        (r#"["Case-Study"]"#, &[C::CaseStudy], ""),
        (r#"["casestudy"]"#, &[C::CaseStudy], ""),
        (r#"["  CASE_STUDIES "]"#, &[C::CaseStudy], ""),
        (r#"["site", "web"]"#, &[C::Website], ""),
        (r#"["Web Site", "Homepage", "blog"]"#, &[C::Website], ""),
        (r#"["twitter", "Instagram", "LinkedIn", "facebook", "social media"]"#, &[C::Social], ""),
        (r#"["newsletter", "mail", "E-mail"]"#, &[C::Email], ""),
        (r#"["ads", "Advertising", "paid ads"]"#, &[C::Ads], ""),
        (r#"["print", "brochure", "flyers"]"#, &[C::Print], ""),
        (r#"["sales deck", "deck", "pitch", "Pitch-Deck"]"#, &[C::SalesDeck], ""),
        (r#"["other"]"#, &[C::Other], ""),
        // Kept in the set's order, each once.
        (r#"["social", "website", "twitter"]"#, &[C::Website, C::Social], ""),
        // Anything else becomes `other`, and its words are kept.
        (r#"["podcast"]"#, &[C::Other], "Consent channels as typed before: podcast"),
        (
            r#"["case study", "Radio spot", " trade fair "]"#,
            &[C::CaseStudy, C::Other],
            "Consent channels as typed before: Radio spot, trade fair",
        ),
        (r#"["", "  "]"#, &[], ""),
        (r#"[]"#, &[], ""),
    ];
    let mut ids = Vec::new();
    {
        let old = database_before_consent_channels(&path);
        for (i, (json, ..)) in cases.iter().enumerate() {
            ids.push(old_testimonial(&old, &format!("c{i}@example.com"), &format!("Quote {i}"), json));
        }
    }
    let conn = db::open(&path).unwrap();
    for ((json, channels, note), id) in cases.iter().zip(ids) {
        let t = testimonials::get(&conn, id).unwrap();
        assert_eq!(&t.consent.channels, channels, "{json}");
        assert_eq!(t.consent.note, *note, "{json}");
    }
}

#[test]
fn free_text_reads_by_the_documented_rules() {
    for (text, want) in [
        ("Case Study", Some(C::CaseStudy)),
        ("case-studies", Some(C::CaseStudy)),
        ("WEBSITE", Some(C::Website)),
        ("x", Some(C::Social)),
        ("Sales_Deck", Some(C::SalesDeck)),
        ("Social media", Some(C::Social)),
        ("radio", None),
        ("case", None),
        ("", None),
    ] {
        assert_eq!(consent::from_free_text(text), want, "{text}");
    }
}

fn input(contact_id: i64, channels: &[&str]) -> TestimonialInput {
    TestimonialInput {
        contact_id,
        quote: "Good.".into(),
        rating: Some(5),
        consent: ConsentInput {
            publish: true,
            named: true,
            channels: channels.iter().map(|c| (*c).to_owned()).collect(),
            note: " Asked on the phone ".into(),
            ..ConsentInput::default()
        },
        ..TestimonialInput::default()
    }
}

#[test]
fn only_channels_of_the_set_are_stored_whatever_writes() {
    let db = temp_db();
    let ann = contact(&db, "ann@example.com");
    for bad in [&["case study"][..], &["website", "podcast"], &["Case_Study"], &[""]] {
        assert_invalid(testimonials::create(&db, &input(ann, bad), None), "consent_channels");
    }
    let t =
        testimonials::create(&db, &input(ann, &["sales_deck", "case_study", "sales_deck"]), None).unwrap();
    assert_eq!(t.consent.channels, vec![C::CaseStudy, C::SalesDeck]);
    assert_eq!(t.consent.note, "Asked on the phone");
    assert_invalid(testimonials::update(&db, t.id, &input(ann, &["radio"])), "consent_channels");
    let long = TestimonialInput {
        consent: ConsentInput { note: "x".repeat(1001), ..input(ann, &[]).consent },
        ..input(ann, &[])
    };
    assert_invalid(testimonials::update(&db, t.id, &long), "consent_note");

    // Even SQL that goes around the core cannot store a channel outside the set.
    let raw =
        db.execute("UPDATE testimonials SET consent_channels = '[\"case study\"]' WHERE id = ?1", [t.id]);
    assert!(raw.is_err(), "the schema refuses an unknown channel");
    assert_eq!(testimonials::get(&db, t.id).unwrap().consent.channels, vec![C::CaseStudy, C::SalesDeck]);
}

#[test]
fn a_testimonial_with_case_study_consent_from_the_form_is_exported() {
    let db = temp_db();
    let ann = contact(&db, "ann@example.com");
    let bob = contact(&db, "bob@example.com");
    let mut yes = input(ann, &["case_study"]);
    yes.quote = "For the case study".into();
    let mut no = input(bob, &["social"]);
    no.quote = "Only for social".into();
    testimonials::create(&db, &yes, Some(TestimonialStatus::Approved)).unwrap();
    testimonials::create(&db, &no, Some(TestimonialStatus::Approved)).unwrap();
    let stories = case_studies(&db, db.dir.path());
    assert!(stories.contains("For the case study"), "{stories}");
    assert!(!stories.contains("Only for social"), "{stories}");
}
