//! The CSV reader over arbitrary bytes: sniffing, decoding, every record, the end-of-file checks
//! and the hash. Any panic is a finding; an `Err` is the reader doing its job.
#![no_main]

use flywheel_core::import::reader;
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;

/// The reader takes a path, so each input is written to one file per fuzzing process.
fn scratch() -> PathBuf {
    std::env::temp_dir().join(format!("flywheel-fuzz-{}.csv", std::process::id()))
}

fuzz_target!(|data: &[u8]| {
    let path = scratch();
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let Ok(mut csv) = reader::open(&path) else { return };
    let width = csv.headers.len();
    let mut rows = 0u64;
    while let Ok(Some(row)) = csv.next_row() {
        assert!(row.number > rows, "row numbers go up");
        rows = row.number;
    }
    let _ = csv.check_balanced();
    let _ = csv.check_complete(width);
    assert_eq!(csv.hash().len(), 64);
});
