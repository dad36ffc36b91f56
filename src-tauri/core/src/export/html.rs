//! Escaping user text for the files Flywheel writes: no quote, name or note may ever become markup.

/// Text made safe anywhere in HTML, element content and quoted attribute values alike.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Text made literal in Markdown, escaping only what Markdown (or the HTML it may hold) would
/// read as syntax at that position, so the file still reads well as plain text ("Dr. Lee", "self-serve",
/// "Bread & butter (fresh)" stay as typed):
/// - anywhere: `\`, `` ` ``, `*`, `_`, `[`, `]`, `|`, `~` (emphasis, code, links, tables,
///   strikethrough) and `<` (HTML, autolinks); `&` only before a letter or `#` (an entity);
/// - at the start of a line: `#`, `>`, `-`, `+`, `=` (headings, quotes, lists, rules) and the `.`
///   or `)` after leading digits (a numbered list).
///
/// The text is taken to start a line (a quote's line after `> `); see [`escape_markdown_inline`]
/// for text placed after other words on its line.
pub fn escape_markdown(text: &str) -> String {
    escape_markdown_at(text, true)
}

/// Like [`escape_markdown`] for text that follows other words on its line ("Product: …", a
/// heading's text after `## `): its first characters cannot open a block, so only what is
/// syntax anywhere is escaped (and line starts after a line break inside it).
pub fn escape_markdown_inline(text: &str) -> String {
    escape_markdown_at(text, false)
}

fn escape_markdown_at(text: &str, starts_line: bool) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let block = starts_line || i > 0;
        let indent = line.len() - line.trim_start().len();
        let digits = line[indent..].chars().take_while(char::is_ascii_digit).count();
        let mut chars = line.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            let line_start = block && at == indent;
            let after_digits = block && digits > 0 && at == indent + digits;
            let next = chars.peek().map(|&(_, n)| n);
            // A list marker or a numbered item's `.` is syntax only before a space or the end.
            let ends_marker = next.is_none_or(char::is_whitespace);
            // A line of only `-` or `=` is a rule or underlines the line above as a heading.
            let rule = line.trim().chars().all(|r| matches!(r, '-' | '=' | ' '));
            let escape = match c {
                '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '<' => true,
                '&' => next.is_some_and(|n| n.is_ascii_alphabetic() || n == '#'),
                '#' | '>' => line_start,
                '-' | '+' => line_start && (ends_marker || rule),
                '=' => line_start && rule,
                '.' | ')' => after_digits && ends_marker,
                _ => false,
            };
            if escape {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_special_characters_become_entities() {
        assert_eq!(escape_html("Tom & \"Jerry\" <b>"), "Tom &amp; &quot;Jerry&quot; &lt;b&gt;");
        assert_eq!(escape_html("it's"), "it&#39;s");
        let attack = "<script>alert('x')</script><img src=x onerror=alert(1)>";
        let safe = escape_html(attack);
        assert!(!safe.contains('<') && !safe.contains('>') && !safe.contains('\''), "{safe}");
        assert_eq!(escape_html("Zoë — naïve"), "Zoë — naïve");
    }

    #[test]
    fn markdown_syntax_is_made_literal() {
        assert_eq!(
            escape_markdown("**bold** [link](javascript:x)"),
            "\\*\\*bold\\*\\* \\[link\\](javascript:x)"
        );
        assert_eq!(escape_markdown("# not a heading"), "\\# not a heading");
        assert_eq!(escape_markdown("<img src=x>"), "\\<img src=x>");
        assert_eq!(escape_markdown("1. Ann"), "1\\. Ann");
        assert_eq!(escape_markdown("- item\n> quote\n+ more"), "\\- item\n\\> quote\n\\+ more");
        assert_eq!(escape_markdown("&amp; &#60;"), "\\&amp; \\&#60;");
        assert_eq!(escape_markdown("---"), "\\---");
        assert_eq!(escape_markdown("2) two"), "2\\) two");
    }

    #[test]
    fn text_after_words_on_its_line_cannot_open_a_block() {
        assert_eq!(escape_markdown_inline("80.00 USD"), "80.00 USD");
        assert_eq!(escape_markdown_inline("- # 1. <b>"), "- # 1. \\<b>");
        assert_eq!(escape_markdown_inline("a\n- b"), "a\n\\- b");
    }

    #[test]
    fn plain_text_stays_as_typed_in_markdown() {
        for plain in
            ["Dr. Lee, self-serve.", "Bread & butter (fresh)!", "12.50 USD", "2 + 2 = 4", "A-team > B-team"]
        {
            assert_eq!(escape_markdown(plain), plain);
        }
    }
}
