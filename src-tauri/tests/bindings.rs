//! The committed TypeScript bindings must be what the current commands and types export. This test
//! rewrites the file; it fails (and leaves the fresh file for you to commit) when it was stale.

use std::path::Path;

#[test]
fn committed_bindings_are_fresh() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(flywheel_app::BINDINGS_PATH);
    let before = std::fs::read_to_string(&path).unwrap_or_default();
    flywheel_app::export_bindings(&path).unwrap();
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(
        before == after,
        "ui/src/lib/bindings.ts was stale and has been regenerated: review and commit it"
    );
}
