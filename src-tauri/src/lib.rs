//! The Flywheel desktop shell: opens the database, registers the typed commands and events, and
//! hosts the window. Every rule and figure lives in flywheel-core.

pub mod commands;
pub mod events;
pub mod jobs;
pub mod location;
pub mod state;
pub mod store;

use events::{DataChanged, Reachability};
use flywheel_core::store::notices::Notice;
use state::AppState;
use std::path::PathBuf;
use std::sync::Arc;
use store::Store;
use tauri::{Manager, Runtime};
use tauri_specta::Event;
use tauri_specta::{collect_commands, collect_events};

/// Where the generated TypeScript bindings live, relative to this crate.
pub const BINDINGS_PATH: &str = "../ui/src/lib/bindings.ts";

/// The one builder shared by the app and the bindings export, so the two cannot drift apart.
pub fn specta_builder<R: Runtime>() -> tauri_specta::Builder<R> {
    use commands::*;
    tauri_specta::Builder::<R>::new()
        .commands(collect_commands![
            app::db_summary,
            app::sample_load,
            app::db_reachable,
            channels::channels_list,
            contacts::contacts_list,
            contacts::contacts_get,
            contacts::contacts_create,
            contacts::contacts_update,
            contacts::contacts_set_archived,
            contacts::contacts_delete,
            contacts::stage_history,
            purchases::purchases_list,
            purchases::purchases_create,
            purchases::purchases_create_with_code,
            purchases::purchases_update,
            purchases::purchases_refund,
            purchases::purchases_delete,
            purchases::customers_list,
            purchases::customers_totals,
            purchases::customers_other_currencies,
            purchases::customers_model,
            purchases::customers_at_risk,
            purchases::customers_win_back,
            testimonials::testimonials_list,
            testimonials::testimonials_board,
            testimonials::testimonials_get,
            testimonials::testimonials_create,
            testimonials::testimonials_update,
            testimonials::testimonials_set_status,
            testimonials::testimonials_withdraw_consent,
            testimonials::testimonials_delete,
            testimonials::testimonials_coverage,
            nps::nps_list,
            nps::nps_create,
            nps::nps_delete,
            nps::nps_score,
            referrals::referrals_rows,
            referrals::referrals_create,
            referrals::referral_code_card,
            referrals::referral_code_set,
            referrals::referral_code_retire,
            referrals::referral_codes_results,
            referrals::referrals_create_for_new_contact,
            referrals::referrals_set_reward,
            referrals::referrals_set_reward_amount,
            referrals::referrals_update_notes,
            referrals::referrals_delete,
            referrals::referral_chain,
            flywheel::flywheel_report,
            flywheel::advocates_readiness,
            flywheel::advocates_ask,
            flywheel::contact_flywheel,
            flywheel::advocates_ask_in_days,
            flywheel::followups_agenda,
            flywheel::followups_complete,
            flywheel::followups_snooze,
            testimonials::testimonials_receive,
            import::import_inspect,
            import::import_run,
            import::job_cancel,
            import::imports_list,
            import::imports_undo,
            import::merge_suggestions,
            import::contacts_merge,
            import::merges_list,
            import::merge_undo,
            export::export_referral_leads,
            export::export_case_study,
            export::export_table,
            export::export_json,
            export::backup_create,
            export::backup_restore,
            channels::channels_create,
            funnel::funnel_report,
            funnel::channel_report,
            funnel::funnel_segments,
            funnel::contact_funnel,
            funnel::stage_move,
            funnel::stage_move_many,
            funnel::handoff_queue,
            funnel::handoff_accept,
            funnel::handoff_reject,
            people::people_list,
            people::people_me,
            people::handoff_queue_mine,
            people::handoff_by_person,
            funnel::score_rules_list,
            funnel::score_rule_create,
            funnel::score_rule_update,
            funnel::score_rule_delete,
            funnel::spend_list,
            funnel::spend_set,
            funnel::spend_delete,
            settings::settings_get,
            settings::settings_update,
            settings::money_read,
            settings::money_currencies,
            team::db_location,
            team::team_form,
            team::team_test,
            team::team_use,
            team::file_use,
        ])
        .events(collect_events![events::DataChanged, events::Reachability])
        // Ids and money are i64 in Rust; every value we send stays far below 2^53.
        .dangerously_cast_bigints_to_number()
        // One TypeScript type per Rust type (no separate _Serialize/_Deserialize shapes).
        .disable_serde_phases()
}

/// Exports the bindings with the settings the committed file was made with.
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    specta_builder::<tauri::Wry>()
        .export(specta_typescript::Typescript::default().header("// @ts-nocheck\n/* eslint-disable */"), path)
        .map_err(|e| e.to_string())
}

/// The database file: `--db PATH`, else `FLYWHEEL_DB`, else `flywheel.db` in the OS app-data folder.
pub fn database_path(args: &[String], app_data: Option<PathBuf>) -> Result<PathBuf, String> {
    if let Some(i) = args.iter().position(|a| a == "--db") {
        return args.get(i + 1).map(PathBuf::from).ok_or_else(|| "--db needs a file path".to_owned());
    }
    if let Some(a) = args.iter().find_map(|a| a.strip_prefix("--db=")) {
        return Ok(PathBuf::from(a));
    }
    if let Some(p) = std::env::var_os("FLYWHEEL_DB").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    let dir = app_data.ok_or_else(|| "The OS gives no app-data folder; start with --db FILE.".to_owned())?;
    std::fs::create_dir_all(&dir).map_err(|e| format!("Could not create {}: {e}", dir.display()))?;
    Ok(dir.join("flywheel.db"))
}

/// Gives a built app its state (the store and the change notifier) and its typed events. The app
/// does this at setup; the shell tests do it on Tauri's mock runtime, where setup does not run.
pub fn attach<R: Runtime>(app: &tauri::App<R>, specta: &tauri_specta::Builder<R>, store: Arc<Store>) {
    specta.mount_events(app);
    let handle = app.handle().clone();
    let notify: state::Notify = Box::new(move |areas| {
        // A window that misses this only shows stale figures until its next load.
        let _ = DataChanged { areas: areas.to_vec() }.emit(&handle);
    });
    let handle = app.handle().clone();
    let hear: state::Hear = Arc::new(move |notice| match notice {
        Notice::Changed(areas) => {
            let _ = DataChanged { areas }.emit(&handle);
        }
        Notice::Online => {
            let _ = Reachability::from(&store::Reachable::Yes).emit(&handle);
        }
        Notice::Offline(why) => {
            let _ = Reachability::from(&store::Reachable::No(why)).emit(&handle);
        }
    });
    app.manage(AppState::new(store, notify, hear));
    app.manage(jobs::Jobs::default());
    app.manage(commands::export::Places::of(app.path()));
}

pub fn run() {
    let specta = specta_builder::<tauri::Wry>();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(specta.invoke_handler())
        .setup(move |app| {
            let args: Vec<String> = std::env::args().collect();
            let (path, location) = location::Location::at_start(
                &args,
                app.path().app_data_dir().ok(),
                app.path().app_config_dir().ok(),
                Box::new(location::OsKeyring),
            )?;
            app.manage(location);
            attach(app, &specta, Store::open(&path));
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("Flywheel could not start: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn db_flag_wins_over_app_data() {
        let p = database_path(&args(&["app", "--db", "/tmp/x.db"]), Some("/data".into())).unwrap();
        assert_eq!(p, PathBuf::from("/tmp/x.db"));
        let p = database_path(&args(&["app", "--db=/tmp/y.db"]), None).unwrap();
        assert_eq!(p, PathBuf::from("/tmp/y.db"));
        assert!(database_path(&args(&["app", "--db"]), None).is_err());
    }
}
