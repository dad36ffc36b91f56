//! Injection vectors for the XSS test. Each one, if the page ever ran it, would set its own marker
//! `xssNNN`: as the document title or as a property of the window. The test reads both.

/// `{m}` is replaced by the vector's marker. None starts or ends with whitespace: the core trims
/// free text, and the test compares what is shown with what was stored.
const TEMPLATES: &[&str] = &[
    // Script tags.
    "<script>document.title='{m}'</script>",
    "<SCRIPT>window.{m}=1</SCRIPT>",
    "<script src=data:,window.{m}=1></script>",
    "\"><script>window.{m}=1</script>",
    "'><script>window.{m}=1</script>",
    "</textarea><script>window.{m}=1</script>",
    "</title><script>window.{m}=1</script>",
    "<scr<script>ipt>window.{m}=1</scr</script>ipt>",
    "<script type=module>window.{m}=1</script>",
    "<script>eval('window.{m}=1')</script>",
    "<<script>window.{m}=1//<</script>",
    "</script><script>window.{m}=1</script>",
    "<script>setTimeout('window.{m}=1')</script>",
    "<script>window.{m}=1</script",
    "</style><script>window.{m}=1</script>",
    "]]><script>window.{m}=1</script>",
    "\"},{\"x\":\"<script>window.{m}=1</script>",
    "{{7*7}}<script>window.{m}=1</script>",
    "__proto__<script>window.{m}=1</script>",
    "<script>Function('window.{m}=1')()</script>",
    // Event-handler attributes.
    "<img src=x onerror=window.{m}=1>",
    "<img src=x onerror=\"document.title='{m}'\">",
    "<IMG SRC=x ONERROR=window.{m}=1>",
    "<img/src=x/onerror=window.{m}=1>",
    "<img src onerror=window.{m}=1>",
    "<body onload=window.{m}=1>",
    "<input autofocus onfocus=window.{m}=1>",
    "<select autofocus onfocus=window.{m}=1>",
    "<textarea autofocus onfocus=window.{m}=1>",
    "<details open ontoggle=window.{m}=1>",
    "<video src=x onerror=window.{m}=1>",
    "<audio src=x onerror=window.{m}=1>",
    "<marquee onstart=window.{m}=1>",
    "<div onmouseover=window.{m}=1>hover</div>",
    "<button onclick=window.{m}=1>click</button>",
    "<iframe onload=window.{m}=1>",
    "<object data=x onerror=window.{m}=1>",
    "<embed src=x onerror=window.{m}=1>",
    "<style onload=window.{m}=1></style>",
    "<link rel=stylesheet href=x onerror=window.{m}=1>",
    "\" onmouseover=\"window.{m}=1",
    "' onfocus='window.{m}=1' autofocus='",
    "\" autofocus onfocus=\"window.{m}=1",
    "<x onclick=window.{m}=1>x</x>",
    "<body onpageshow=window.{m}=1>",
    "<img src=x onerror=eval('win'+'dow.{m}=1')>",
    "<img src=x onerror=&#119;indow.{m}=1>",
    "<img src=x onerror=\\u0077indow.{m}=1>",
    "<img src=x onerror=window['{m}']=1>",
    "<img src=x onerror=top.{m}=1>",
    "<img src=x onerror=globalThis.{m}=1>",
    "<img src=x onerror=Reflect.set(window,'{m}',1)>",
    "<img srcset=x onerror=window.{m}=1>",
    "<input type=image src=x onerror=window.{m}=1>",
    "<xss id=x tabindex=1 onfocus=window.{m}=1></xss>",
    "<a id=x tabindex=1 onfocusin=window.{m}=1>x</a>",
    "<frameset onload=window.{m}=1>",
    "<img src=1 onerror=import('data:text/javascript,window.{m}=1')>",
    // SVG and MathML.
    "<svg onload=window.{m}=1>",
    "<svg/onload=window.{m}=1>",
    "<svg><script>window.{m}=1</script></svg>",
    "<svg><animate onbegin=window.{m}=1 attributeName=x dur=1s>",
    "<svg><set onbegin=window.{m}=1 attributeName=x to=1>",
    "<svg><a xlink:href=javascript:window.{m}=1><text>x</text></a>",
    "<svg><foreignObject><img src=x onerror=window.{m}=1>",
    "<svg><image href=x onerror=window.{m}=1>",
    "<math><mtext><img src=x onerror=window.{m}=1>",
    "<svg><style><img src=x onerror=window.{m}=1>",
    "<svg><script href=data:,window.{m}=1 />",
    // javascript: and data: URLs.
    "javascript:window.{m}=1",
    "JaVaScRiPt:window.{m}=1",
    "<a href=javascript:window.{m}=1>click</a>",
    "<a href=\"jav&#x09;ascript:window.{m}=1\">x</a>",
    "<a href=\" javascript:window.{m}=1\">x</a>",
    "<iframe src=javascript:parent.{m}=1>",
    "<form action=javascript:window.{m}=1><input type=submit>",
    "<object data=javascript:window.{m}=1>",
    "<embed src=javascript:window.{m}=1>",
    "<meta http-equiv=refresh content=\"0;url=javascript:window.{m}=1\">",
    "<base href=javascript:window.{m}=1//>",
    "<iframe srcdoc=\"<script>parent.{m}=1</script>\">",
    "<a href=data:text/html,<script>window.{m}=1</script>>x</a>",
    "<iframe src=data:text/html,<script>parent.{m}=1</script>>",
    "javascript:/*--></title></style></textarea></script><svg/onload=window.{m}=1>",
    "&#106;avascript:window.{m}=1",
    "<form><button formaction=javascript:window.{m}=1>x",
    "[x](javascript:window.{m}=1)",
    "<table background=javascript:window.{m}=1>",
    "<div style=\"background:url(javascript:window.{m}=1)\">",
    // Broken markup.
    "<img src=x onerror=window.{m}=1",
    "<<img src=x onerror=window.{m}=1>>",
    "<img \"\"\"><script>window.{m}=1</script>\">",
    "<!--<img src=\"--><img src=x onerror=window.{m}=1//\">",
    "<![CDATA[<script>window.{m}=1</script>]]>",
    "<noscript><p title=\"</noscript><img src=x onerror=window.{m}=1>\">",
    "<title><img src=x onerror=window.{m}=1></title>",
    "<textarea><img src=x onerror=window.{m}=1></textarea>",
    "</p><img src=x onerror=window.{m}=1><p>",
    "<div/onclick=window.{m}=1>x</div>",
    "<img src=`x`onerror=window.{m}=1>",
    "<img src=\"x\"onerror=\"window.{m}=1\">",
    "<a \"\"\" onclick=window.{m}=1>x</a>",
    "{{constructor.constructor('window.{m}=1')()}}",
    "${window.{m}=1}",
    "{@html '<img src=x onerror=window.{m}=1>'}",
    "<template><img src=x onerror=window.{m}=1></template>",
    "line one\n<script>window.{m}=1</script>\nline\tthree",
    "<style>@import 'javascript:window.{m}=1';</style>",
    "=HYPERLINK(\"javascript:window.{m}=1\")",
    // Unicode tricks.
    "＜script＞window.{m}=1＜/script＞",
    "\\u003cscript\\u003ewindow.{m}=1\\u003c/script\\u003e",
    "&lt;script&gt;window.{m}=1&lt;/script&gt;",
    "&#60;img src=x onerror=window.{m}=1&#62;",
    "%3Cscript%3Ewindow.{m}=1%3C/script%3E",
    "<scr\u{200b}ipt>window.{m}=1</scr\u{200b}ipt>",
    "a\u{202e}<img src=x onerror=window.{m}=1>",
    "a\u{feff}<img src=x onerror=window.{m}=1>",
    "Z\u{337}\u{353}a\u{335}l\u{336}g\u{338}o <script>window.{m}=1</script>",
    "👩‍💻<img src=x onerror=window.{m}=1>🔥",
    "<ѕcript>window.{m}=1</ѕcript>",
    "a\u{2028}<script>window.{m}=1</script>",
    "שלום <img src=x onerror=window.{m}=1> مرحبا",
    "日本語<svg onload=window.{m}=1>",
    "+ADw-script+AD4-window.{m}=1+ADw-/script+AD4-",
    "\\x3cscript\\x3ewindow.{m}=1\\x3c/script\\x3e",
];

/// The marker vector `i` sets if it runs.
pub fn marker(i: usize) -> String {
    format!("xss{i:03}")
}

/// Every vector, each with its own marker.
pub fn vectors() -> Vec<String> {
    TEMPLATES.iter().enumerate().map(|(i, t)| t.replace("{m}", &marker(i))).collect()
}

#[test]
fn at_least_a_hundred_distinct_vectors_each_with_its_own_marker() {
    let all = vectors();
    assert!(all.len() >= 100, "only {} vectors", all.len());
    let mut seen = std::collections::HashSet::new();
    for (i, v) in all.iter().enumerate() {
        assert!(seen.insert(v.to_lowercase()), "vector {i} repeats another (ignoring case): {v}");
        assert!(v.contains(&marker(i)), "vector {i} does not set its own marker: {v}");
        assert!(!v.contains("{m}"), "vector {i} kept its placeholder: {v}");
        assert_eq!(v.trim(), v, "vector {i} would be trimmed on save");
        // Names hold at most 100 characters; the test stores each vector as a name.
        assert!(v.chars().count() <= 100, "vector {i} is too long for a name: {v}");
    }
}
