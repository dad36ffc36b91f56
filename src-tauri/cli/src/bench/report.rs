//! docs/BENCHMARKS.md as the bench writes it: the machine, the command, each figure's median
//! against its goal, and the runs behind it.

use super::growth::Size;
use super::import::Imports;
use super::reads::Reads;
use super::reads::PARTS;
use super::team::Team;
use super::{Args, Figure, Shop};
use flywheel_core::sample::SampleSize;
use flywheel_core::{Connection, Result};
use std::path::Path;

pub struct Inputs<'a> {
    pub args: &'a Args,
    pub db: &'a Path,
    pub shop: &'a Shop,
    pub imports: Option<Imports>,
    pub reads: Reads,
    pub team: Option<Team>,
    pub growth: Option<Vec<Size>>,
    pub app: Option<String>,
}

/// The first line of `file` that starts with `key`, after the key and a colon.
fn proc_value(file: &str, key: &str) -> String {
    std::fs::read_to_string(file)
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "?".to_owned())
}

fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!(
        "{}, {cpus} CPUs available, {} RAM, Linux {}",
        proc_value("/proc/cpuinfo", "model name"),
        proc_value("/proc/meminfo", "MemTotal"),
        kernel.trim()
    )
}

fn runs(f: &Figure, digits: usize) -> String {
    f.runs.iter().map(|r| format!("{r:.digits$}")).collect::<Vec<_>>().join(", ")
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "**missed**"
    }
}

pub fn markdown(i: &Inputs<'_>) -> Result<String> {
    let sqlite: String =
        Connection::open_in_memory()?.query_row("SELECT sqlite_version()", [], |r| r.get(0))?;
    let (rd, a) = (&i.reads, i.args);
    let mut t = String::from("# Benchmarks\n\n");
    t.push_str(
        "Written by `flywheel bench` (release build); every figure is the median of the runs listed \
         beside it. Speed goals are checked here, never as timed assertions in tests.\n\n",
    );
    t.push_str(&format!("- **Machine**: {}\n", machine()));
    t.push_str(&format!(
        "- **Software**: SQLite {sqlite} (bundled in Flywheel), sqlite3 CLI {}\n",
        i.imports.as_ref().map_or("(not run)", |im| im.sqlite3.as_str())
    ));
    t.push_str(&format!(
        "- **Command**: `cargo build --release -p flywheel-cli && target/release/flywheel --db {} bench \
         --runs {} --fast-runs {}{}{}` (an empty or missing database is seeded with the Large sample as of \
         {} first)\n",
        i.db.display(),
        a.runs,
        a.fast_runs,
        if a.no_import { " --no-import" } else { "" },
        [
            (i.team.is_some(), " --team postgresql://…"),
            (i.growth.is_some(), " --growth"),
            (i.args.app_figures.is_some(), " --app-figures FILE"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, flag)| *flag)
        .collect::<String>(),
        a.as_of
    ));
    let counts: Vec<String> = i.shop.counts.iter().map(|(label, n)| format!("{n} {label}")).collect();
    t.push_str(&format!(
        "- **Shop**: the deterministic Large sample: {}; figures as of {}.\n\n",
        counts.join(", "),
        i.shop.day
    ));
    t.push_str("| figure | median | goal | | runs |\n|---|---|---|---|---|\n");
    let mut row = |name: String, median: String, goal: &str, met: Option<bool>, runs: String| {
        let v = met.map_or("", verdict);
        t.push_str(&format!("| {name} | {median} | {goal} | {v} | {runs} |\n"));
    };
    if let Some(im) = &i.imports {
        let ratio = im.rate.median() / im.floor.median();
        row(
            format!("validated import of {} purchases ({:.0} MiB CSV), rows/s", im.rows, im.file_mib),
            format!("{:.0}", im.rate.median()),
            "",
            None,
            runs(&im.rate, 0),
        );
        row(
            "raw floor: `sqlite3 .import` of the same file into a bare table, rows/s".into(),
            format!("{:.0}", im.floor.median()),
            "",
            None,
            runs(&im.floor, 0),
        );
        row("import ÷ floor".into(), format!("{ratio:.2}"), "≥ 0.5", Some(ratio >= 0.5), String::new());
        row(
            "the same rows moved by `sqlite3` from that bare table into Flywheel's purchases (its indexes, no checks), rows/s".into(),
            format!("{:.0}", im.schema_floor.median()),
            "",
            None,
            runs(&im.schema_floor, 0),
        );
        row(
            "import ÷ that schema floor".into(),
            format!("{:.2}", im.rate.median() / im.schema_floor.median()),
            "",
            None,
            String::new(),
        );
        let peak = im.peak_mib.median();
        row(
            "peak resident memory of the importing process, MiB".into(),
            format!("{peak:.0}"),
            "≤ 100",
            Some(peak <= 100.0),
            runs(&im.peak_mib, 0),
        );
    }
    let warm = rd.dashboard_warm.median();
    row(
        "full dashboard, warm, ms".into(),
        format!("{warm:.1}"),
        "≤ 30",
        Some(warm <= 30.0),
        runs(&rd.dashboard_warm, 1),
    );
    row(
        "full dashboard, cold (fresh connection), ms".into(),
        format!("{:.1}", rd.dashboard_cold.median()),
        "",
        None,
        runs(&rd.dashboard_cold, 1),
    );
    let fresh = rd.write_then_dashboard.median();
    row(
        "record one purchase, then the full dashboard, fresh (nothing kept from before the write), ms".into(),
        format!("{fresh:.1}"),
        "≤ 100",
        Some(fresh <= 100.0),
        runs(&rd.write_then_dashboard, 1),
    );
    let fit = rd.predictions_after_write.median();
    row(
        format!(
            "record one purchase, then both prediction models fitted on all {} customers with everyone's predictions, ms",
            rd.predicted_customers
        ),
        format!("{fit:.1}"),
        "≤ 500",
        Some(fit <= 500.0),
        runs(&rd.predictions_after_write, 1),
    );
    let first = rd.predictions_first.median();
    row(
        "the same from scratch (fresh connection, no earlier fit to start from), ms".into(),
        format!("{first:.1}"),
        "≤ 500",
        Some(first <= 500.0),
        runs(&rd.predictions_first, 1),
    );
    let past = rd.past_dashboard.median();
    row(
        format!("full dashboard as of a past day ({}), cold, ms", rd.past_day),
        format!("{past:.1}"),
        "≤ 1000",
        Some(past <= 1000.0),
        runs(&rd.past_dashboard, 1),
    );
    for (page, figure) in &rd.pages {
        let ms = figure.median();
        row(
            format!("{page}: its data right after a write, ms"),
            format!("{ms:.1}"),
            "≤ 100",
            Some(ms <= 100.0),
            runs(figure, 1),
        );
    }
    let page = rd.contacts_page.median();
    row(
        format!("contacts page: search \"son\", sorted by name, 50 of {} matches, ms", rd.contacts_total),
        format!("{page:.2}"),
        "≤ 5",
        Some(page <= 5.0),
        runs(&rd.contacts_page, 2),
    );
    row(
        "the same page on a reader of the app's pool (its own page cache), ms".into(),
        format!("{:.2}", rd.contacts_on_reader.median()),
        "",
        None,
        runs(&rd.contacts_on_reader, 2),
    );
    let beside = rd.contacts_beside_dashboard.median();
    row(
        "contacts search while the dashboard recomputes (the same page on that reader), ms".into(),
        format!("{beside:.2}"),
        "≤ 10",
        Some(beside <= 10.0),
        runs(&rd.contacts_beside_dashboard, 2),
    );
    let export = rd.export.median();
    row(
        format!("export of {} referral-sourced leads (HubSpot CSV), ms", rd.leads),
        format!("{export:.1}"),
        "≤ 150",
        Some(export <= 150.0),
        runs(&rd.export, 1),
    );
    let duplicates = rd.duplicates.median();
    row(
        format!("duplicate suggestions ({} of 50), fresh (new connection), ms", rd.duplicate_pairs),
        format!("{duplicates:.1}"),
        "≤ 100",
        Some(duplicates <= 100.0),
        runs(&rd.duplicates, 1),
    );
    t.push_str("\nThe dashboard by part, ms, cold (runs) / warm (runs):\n\n");
    for (name, cold, warm) in &rd.parts {
        t.push_str(&format!(
            "- {name}: {:.1} ({}) / {:.2} ({})\n",
            cold.median(),
            runs(cold, 1),
            warm.median(),
            runs(warm, 2)
        ));
    }
    if let Some(team) = &i.team {
        side_by_side(&mut t, rd, team);
    }
    if let Some(sizes) = &i.growth {
        growth(&mut t, sizes);
    }
    t.push_str(
        "\nWhat is measured: the import runs in a child process (`flywheel bench-import`) on a fresh copy \
         of the Large shop, inspecting and importing the file exactly as `flywheel import` does (every row \
         validated, deduplicated by order id, matched to its customer by email, in one transaction), and \
         reports its own peak resident set (VmHWM); the floor is the whole `sqlite3` process. The full \
         dashboard is every call the Dashboard page makes for its default period (the last 12 months) plus \
         the top-50 advocates with their chains. Cold: a fresh connection with nothing cached (as after \
         the app starts or any write); warm: the same calls again on unchanged data. The search beside \
         the dashboard is the contacts page on one connection (as the app's pool of readers gives it) \
         while another thread recomputes the full dashboard cold on its own, in a loop.\n",
    );
    if i.imports.is_some() {
        t.push_str(
            "\nReading the import rows: the bare floor writes ten text columns into a table with no index, \
             key or check. Flywheel's purchases carry the indexes the figures read (order id for dedupe, \
             customer, day, batch for undo) and a key to the customer. The schema floor row loads \
             the same rows into a copy of the shop's own `purchases` table in pure SQL, with the same \
             page cache as the import and no validation. It shows what SQLite needs for this \
             schema before Flywheel does any work of its own. The import's ratio to the bare floor \
             cannot pass the schema floor's ratio to it.\n",
        );
    }
    t.push_str(
        "\n## What stands in the way of the missed goals\n\n\
         Read with the figures above (the dashboard by part, every page after a write).\n\n\
         - **What is summarised.** Kept by triggers with the data (`core/src/summary.rs`, migrations \
         014 and 016): each customer's purchase days and totals, the shop's sales per day, each \
         contact's latest NPS answer, what each referral brought (`referral_sales`), the new and \
         referred new contacts per day (`contact_days`) and what each customer bought \
         (`customer_products`). The funnel reads each contact's stage path from one covering index \
         (migration 015), once for the Funnel page's two reports. None of these grows with the history.\n\
         - **What a fresh dashboard still pays** is one pass over sets the size of the shop's people: the \
         customers (34,000 here) against the advocacy signals (10,600 approved testimonials, 12,500 \
         referrers, 13,000 promoters), the period's 45,000 referrals grouped by advocate (the \
         leaderboard), every customer's readiness (who to ask next), and 308,000 stage events (the \
         funnel, whose figures need each contact's whole path for any period). Each is tens of \
         milliseconds; together they are the dashboard. Under 100 ms needs those counted as writes \
         happen (per-advocate and per-stage counters kept by triggers for today's period), not read.\n\
         - **At XL** (a million contacts, ten million purchases) the growth table shows the cost \
         following the customers, not the history: ten times the customers, about ten to thirteen \
         times the time, the same passes as at Large over sets ten times the size. Its 300 ms goal \
         needs what the 100 ms goal at Large needs: counts kept as writes happen instead of passes \
         at read time. The first XL run reads its 4 GB file from disk; the median is of a file the \
         OS holds in memory, as an app in use would have it.\n\
         - **A past day** reads the repeat figures from the history (the customer summaries hold \
         today's state); the loop, coverage and new-contact summaries hold for any day.\n\
         - **The Testimonials page** reads every customer's products (140,000 rows) for coverage; \
         per-segment and per-product counts kept for today would make it constant.\n\
         - **The app's memory and start** (the section below, from `.ci/bench-app`): at the first \
         contact row, before any other page, the app and its WebKit processes already hold about \
         250 MiB (PSS) of the 300 MiB budget: WebKitGTK's web and network processes and the app's \
         own runtime. Every page visited adds to the web process (the charts, each page's state) and \
         the app (SQLite's page caches: the writer's 32 MiB and up to four readers' 8 MiB each), and \
         a second round adds more again: pages keep something per visit, not yet found. Start to the \
         first row is the window's start (WebKit) more than the core's list (a few ms).\n\
         - **The import** spends about a third of its time rebuilding the summaries of every customer \
         it touched, from their whole history (old purchases and new, a chunk of 4,096 customers at a \
         time); the next lever is to update them from the batch's own rows. The schema floor row \
         inserts through every trigger, unpaused, which is what a write outside a bulk import pays.\n",
    );
    if let Some(app) = &i.app {
        t.push_str("\n## The app under Xvfb\n\n");
        t.push_str(app.trim_end());
        t.push('\n');
    }
    Ok(t)
}

/// The growth table: each shop's size and its fresh dashboard, whole and by part.
fn growth(t: &mut String, sizes: &[Size]) {
    t.push_str(
        "\n## How the fresh dashboard grows with the shop\n\n\
         A purchase recorded, then the full dashboard with nothing kept from before the write, on the \
         Small, Large and XL samples (`--growth`; Small and XL are seeded once into the work folder). \
         The goal at XL is 300 ms; the cost should grow with the customers, not with the history. \
         Medians, ms (runs beside the whole).\n\n",
    );
    t.push_str("| shop | contacts | purchases | customers | fresh dashboard | ");
    t.push_str(&PARTS.iter().map(|(name, _)| *name).collect::<Vec<_>>().join(" | "));
    t.push_str(" | a past day, cold | µs per customer |\n|---|---:|---:|---:|---:|");
    t.push_str(&"---:|".repeat(PARTS.len()));
    t.push_str("---:|---:|\n");
    for s in sizes {
        let fresh = s.fresh.median();
        let parts: Vec<String> = s.parts.iter().map(|p| format!("{:.1}", p.median())).collect();
        let goal = match s.size {
            SampleSize::Xl => format!(" ({} ≤ 300)", verdict(fresh <= 300.0)),
            SampleSize::Large => format!(" ({} ≤ 100)", verdict(fresh <= 100.0)),
            _ => String::new(),
        };
        t.push_str(&format!(
            "| {} | {} | {} | {} | **{fresh:.1}**{goal} ({}) | {} | {:.1} | {:.1} |\n",
            s.size.as_str(),
            s.contacts,
            s.purchases,
            s.customers,
            runs(&s.fresh, 0),
            parts.join(" | "),
            s.past.median(),
            fresh * 1000.0 / s.customers.max(1) as f64
        ));
    }
    if let [small, large, xl] = sizes {
        let ratio = |a: &Size, b: &Size| b.fresh.median() / a.fresh.median().max(f64::MIN_POSITIVE);
        t.push_str(&format!(
            "\nLarge → XL: {:.1}× the customers, {:.1}× the purchases, {:.1}× the time (Small → Large: {:.1}×).\n",
            xl.customers as f64 / large.customers.max(1) as f64,
            xl.purchases as f64 / large.purchases.max(1) as f64,
            ratio(large, xl),
            ratio(small, large)
        ));
    }
}

/// Every read figure of a run with its label, in the order the report lists them.
fn read_figures(rd: &Reads) -> Vec<(String, &Figure)> {
    let mut v = vec![
        ("full dashboard, warm".to_owned(), &rd.dashboard_warm),
        ("full dashboard, cold (fresh connection)".to_owned(), &rd.dashboard_cold),
        ("record one purchase, then the full dashboard, fresh".to_owned(), &rd.write_then_dashboard),
        (format!("full dashboard as of a past day ({}), cold", rd.past_day), &rd.past_dashboard),
    ];
    for (name, cold, warm) in &rd.parts {
        v.push((format!("dashboard part, cold: {name}"), cold));
        v.push((format!("dashboard part, warm: {name}"), warm));
    }
    v.extend(rd.pages.iter().map(|(page, f)| (format!("{page}: its data right after a write"), f)));
    v.push((
        format!("contacts page: search \"son\", sorted by name ({} matches)", rd.contacts_total),
        &rd.contacts_page,
    ));
    v.push(("the same page on a reader of the app's pool".to_owned(), &rd.contacts_on_reader));
    v.push(("contacts search while the dashboard recomputes".to_owned(), &rd.contacts_beside_dashboard));
    v.push((format!("export of {} referral-sourced leads (HubSpot CSV)", rd.leads), &rd.export));
    v.push(("duplicate suggestions, fresh".to_owned(), &rd.duplicates));
    v
}

/// The read figures on both engines, side by side, with the team database's figure as a multiple
/// of the file's.
fn side_by_side(t: &mut String, rd: &Reads, team: &Team) {
    t.push_str(&format!(
        "\n## The same figures on a team database (PostgreSQL)\n\n\
         The same Large shop in a team database on this machine (`--team`: {}; a unix socket, so no \
         network in the way), the same calls, the same runs. The shop was {}. Medians, ms.\n\n",
        team.version.split(" on ").next().unwrap_or(&team.version),
        match team.pushed_s {
            Some(s) => format!("pushed from the file by `flywheel team push` in this run, in {s:.0} s"),
            None => "pushed from the file by `flywheel team push` before this run".to_owned(),
        }
    ));
    t.push_str("| figure | SQLite file | PostgreSQL | PostgreSQL ÷ SQLite |\n|---|---:|---:|---:|\n");
    let (file, pg) = (read_figures(rd), read_figures(&team.reads));
    for ((label, a), (_, b)) in file.iter().zip(&pg) {
        let (a, b) = (a.median(), b.median());
        t.push_str(&format!("| {label} | {a:.1} | {b:.1} | {:.1}× |\n", b / a.max(f64::MIN_POSITIVE)));
    }
    t.push_str(&format!(
        "\nLive updates between desktops (`store::notices`): a contact edited on one session, from its \
         commit to the change notice reaching another desktop's listener, and to that desktop's \
         handoff queue read again (what its window then shows). Medians of {} runs, ms.\n\n\
         | figure | median | slowest |\n|---|---:|---:|\n\
         | another desktop hears the write | {:.1} | {:.1} |\n\
         | ... and has its handoff queue again | {:.1} | {:.1} |\n",
        team.live.heard.runs.len(),
        team.live.heard.median(),
        team.live.heard.runs.iter().copied().fold(0.0, f64::max),
        team.live.queue.median(),
        team.live.queue.runs.iter().copied().fold(0.0, f64::max),
    ));
    if let Some(im) = &team.import {
        let (rate, floor) = (im.rate.median(), im.floor.median());
        t.push_str(&format!(
            "\nThe import on the team database: the first {} rows of the same purchases file (the whole \
             million would take tens of minutes a run), inspected and imported by a child process \
             exactly as `flywheel import` does, then undone (Import / Export's undo) so each run \
             imports into the same shop. The floor is `psql`'s `\\copy` of the same file into a bare \
             temporary table, the whole process.\n\n\
             | figure | median | runs |\n|---|---:|---|\n\
             | validated import, rows/s | {rate:.0} | {} |\n\
             | raw floor: `psql \\copy` into a bare table, rows/s | {floor:.0} | {} |\n\
             | import ÷ floor | {:.3} | |\n\
             | undo of that import, ms | {:.0} | {} |\n\
             | peak resident memory of the importing process, MiB | {:.0} | {} |\n",
            im.rows,
            runs(&im.rate, 0),
            runs(&im.floor, 0),
            rate / floor.max(f64::MIN_POSITIVE),
            im.undo.median(),
            runs(&im.undo, 0),
            im.peak_mib.median(),
            runs(&im.peak_mib, 0),
        ));
    }
}
