//! Pagination shared by every list.

use serde::{Deserialize, Serialize};

/// One page of a list, with the total count of rows that match the filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub offset: u32,
    pub limit: u32,
}

/// Clamps a requested page size; zero means the default.
pub fn limit(requested: u32) -> u32 {
    match requested {
        0 => 50,
        n => n.min(500),
    }
}

/// Escapes `%`, `_` and `\` so user search text is matched literally by `LIKE ... ESCAPE '\'`.
pub fn like_pattern(search: &str) -> String {
    let mut p = String::from("%");
    for c in search.trim().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(like_pattern(" 50%_off "), "%50\\%\\_off%");
        assert_eq!(limit(0), 50);
        assert_eq!(limit(10_000), 500);
    }
}
