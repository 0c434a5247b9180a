//! HTML in which text cannot become markup, for the emails and the bare
//! pages. A template is a string literal in the code; [`html!`] puts each
//! value into it escaped, unless the value is [`Html`] already (markup
//! built the same way). Nothing needs to remember to escape.
//!
//! ```ignore
//! let link = html!("<a href=\"{href}\">{text}</a>", href = url, text = name);
//! let page = html!("<main>{link}</main>", link = link);
//! ```

use std::fmt;

/// Markup made only from templates in the code and escaped values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Html(String);

impl Html {
    /// Markup that is safe by construction: what [`html!`] wrote, or what
    /// a renderer that escapes its text made (the terms' Markdown). Never
    /// text from anywhere else.
    #[doc(hidden)]
    pub fn from_template(markup: String) -> Html {
        Html(markup)
    }

    /// Pieces of markup one after another.
    pub fn concat(parts: impl IntoIterator<Item = Html>) -> Html {
        Html(parts.into_iter().map(|p| p.0).collect())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// How a value goes into a template: text escaped, markup as it is.
pub trait ToHtml {
    fn write_html(&self, out: &mut String);
}

impl ToHtml for str {
    fn write_html(&self, out: &mut String) {
        for c in self.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                _ => out.push(c),
            }
        }
    }
}

impl ToHtml for String {
    fn write_html(&self, out: &mut String) {
        self.as_str().write_html(out);
    }
}

impl ToHtml for uuid::Uuid {
    fn write_html(&self, out: &mut String) {
        self.to_string().write_html(out);
    }
}

impl ToHtml for Html {
    fn write_html(&self, out: &mut String) {
        out.push_str(&self.0);
    }
}

impl<T: ToHtml + ?Sized> ToHtml for &T {
    fn write_html(&self, out: &mut String) {
        (**self).write_html(out);
    }
}

/// A value as [`html!`] formats it.
#[doc(hidden)]
pub struct Put<'a, T: ?Sized>(pub &'a T);

impl<T: ToHtml + ?Sized> fmt::Display for Put<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        self.0.write_html(&mut out);
        f.write_str(&out)
    }
}

/// Fills a template literal with named values, each escaped unless it is
/// [`Html`]. Every `{name}` of the template must be one of the names given
/// (checked when compiling), so no value slips in unescaped by being
/// captured from the surrounding code.
#[macro_export]
macro_rules! html {
    ($template:literal $(, $name:ident = $value:expr)* $(,)?) => {{
        const _: () = $crate::html::check_template($template, &[$(stringify!($name)),*]);
        $crate::html::Html::from_template(format!(
            $template $(, $name = $crate::html::Put(&$value))*
        ))
    }};
}

/// Fails the build unless every placeholder of `template` is `{name}` with
/// `name` among `names` (`{{` and `}}` are literal braces).
#[doc(hidden)]
// A panic here is a compile error in the template's `const`, never at run time.
#[allow(clippy::panic)]
pub const fn check_template(template: &str, names: &[&str]) {
    let t = template.as_bytes();
    let mut i = 0;
    while i < t.len() {
        let doubled = i + 1 < t.len() && t[i + 1] == t[i];
        if (t[i] == b'{' || t[i] == b'}') && doubled {
            i += 2;
        } else if t[i] == b'{' {
            let start = i + 1;
            let mut end = start;
            while end < t.len() && t[end] != b'}' {
                end += 1;
            }
            if end == t.len() || !app::i18n::is_one_of(t, start, end, names) {
                panic!("html!: each placeholder must name a value given to it");
            }
            i = end + 1;
        } else if t[i] == b'}' {
            panic!("html!: a lone closing brace (write two)");
        } else {
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_markup_kept() {
        let name = "<b>Ada & \"Bo\"</b> o'clock".to_owned();
        let cell = html!("<td>{name}</td>", name = name);
        assert_eq!(
            cell.as_str(),
            "<td>&lt;b&gt;Ada &amp; &quot;Bo&quot;&lt;/b&gt; o&#39;clock</td>"
        );
        let row = html!("<tr>{cell}</tr>", cell = cell);
        assert_eq!(
            row.as_str(),
            "<tr><td>&lt;b&gt;Ada &amp; &quot;Bo&quot;&lt;/b&gt; o&#39;clock</td></tr>"
        );
        assert_eq!(
            Html::concat([html!("<p>{a}</p>", a = "1"), html!("<p>{a}</p>", a = "2")]).as_str(),
            "<p>1</p><p>2</p>"
        );
        assert_eq!(html!("a {{b}}").as_str(), "a {b}");
    }

    #[test]
    fn templates_name_each_placeholder_with_a_value() {
        check_template("<p>{a}{b}</p>{{x}}", &["a", "b"]);
        for (template, names) in [
            ("<p>{a}</p>", &[][..]),
            ("<p>{}</p>", &[][..]),
            ("<p>{a:?}</p>", &["a"][..]),
            ("<p>{a</p>", &["a"][..]),
            ("<p>}</p>", &[][..]),
        ] {
            let refused = std::panic::catch_unwind(|| check_template(template, names));
            assert!(refused.is_err(), "{template} is refused");
        }
    }
}
