//! Writing to the terminal: aligned tables, and stdout that may be closed early (`| head`).

use flywheel_core::Result;
use std::io::{ErrorKind, Write};

/// Writes `text` to stdout; a reader that stopped reading is not an error.
pub fn emit(text: &str) -> Result<()> {
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// Left-aligned columns two spaces apart, headers first.
pub fn table<const N: usize>(headers: [&str; N], rows: &[[String; N]]) -> String {
    let mut widths = headers.map(|h| h.chars().count());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: [&str; N]| {
        let mut l = String::new();
        for (cell, w) in cells.iter().zip(widths) {
            l.push_str(&format!("{cell:<w$}  "));
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(headers);
    for row in rows {
        line(row.each_ref().map(String::as_str));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up() {
        let t = table(["A", "BB"], &[["xyz".into(), "1".into()], ["é".into(), "".into()]]);
        assert_eq!(t, "A    BB\nxyz  1\né\n");
    }
}
