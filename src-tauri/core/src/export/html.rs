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

/// Text made literal in Markdown: every character Markdown (or the HTML it may hold) could read
/// as syntax is backslash-escaped, and line starts cannot open a list, heading or quote.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '{'
                | '}'
                | '['
                | ']'
                | '('
                | ')'
                | '#'
                | '+'
                | '-'
                | '.'
                | '!'
                | '|'
                | '<'
                | '>'
                | '~'
                | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
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
            "\\*\\*bold\\*\\* \\[link\\]\\(javascript:x\\)"
        );
        assert_eq!(escape_markdown("# not a heading"), "\\# not a heading");
        assert_eq!(escape_markdown("<img src=x>"), "\\<img src=x\\>");
        assert_eq!(escape_markdown("1. Ann"), "1\\. Ann");
    }
}
