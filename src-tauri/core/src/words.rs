//! Words around numbers, as a person reads them: "1 customer", "2 customers", "1 story".

/// The count and the noun in the number it takes; `many` is the plural ("stories" for "story").
pub fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::plural;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(plural(1, "story", "stories"), "1 story");
        assert_eq!(plural(0, "story", "stories"), "0 stories");
        assert_eq!(plural(2, "record", "records"), "2 records");
        assert_eq!(plural(-1, "day", "days"), "-1 days");
    }
}
