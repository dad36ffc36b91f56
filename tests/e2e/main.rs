//! End-to-end tests of the real Flywheel window. Run under Xvfb with tauri-driver installed:
//! `xvfb-run -a cargo test -p flywheel-e2e -- --test-threads=1` (see .ci/test-all).

mod codes;
mod contacts;
mod currency;
mod duplicates;
mod fields;
mod flywheel;
mod followups;
mod fresh;
mod funnel;
mod harness;
mod import;
mod import_variants;
mod keys;
mod labels;
mod money;
mod people;
mod predictions;
mod shots;
mod since;
mod team;
mod team_settings;
mod words;
mod xss;
mod xss_vectors;
