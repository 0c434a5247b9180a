//! Terms of use are written in Markdown by admins and shown to invitees.
//! They are rendered on the server, and safely: HTML written into them is
//! shown as text, links lead only to http(s) and mailto addresses, and
//! images appear as their description.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};

fn safe_link(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    ["https://", "http://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
}

/// The HTML of the terms `markdown`.
/// The terms as markup for an email.
pub fn render_html(markdown: &str) -> crate::html::Html {
    crate::html::Html::from_template(render(markdown))
}

pub fn render(markdown: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let events = Parser::new_ext(markdown, options).filter_map(|event| match event {
        // Raw HTML is shown as the text it is.
        Event::Html(text) | Event::InlineHtml(text) => Some(Event::Text(text)),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest_url = if safe_link(&dest_url) {
                dest_url
            } else {
                CowStr::Borrowed("#")
            };
            Some(Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }))
        }
        // An image leaves its description, which follows as text.
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
        other => Some(other),
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn markdown_becomes_html() {
        let html = render(
            "# Terms\n\nYou **agree** to [our policy](https://gfms.example/p).\n\n- one\n- two\n",
        );
        assert!(html.contains("<h1>Terms</h1>"), "{html}");
        assert!(html.contains("<strong>agree</strong>"));
        assert!(html.contains(r#"<a href="https://gfms.example/p">our policy</a>"#));
        assert!(html.contains("<li>one</li>"));
    }

    #[test]
    fn html_and_dangerous_links_do_not_survive() {
        let html = render(
            "<script>alert(1)</script>\n\nHi <img src=x onerror=alert(2)> there\n\n[click](javascript:alert(3)) ![pic](https://x.example/a.png)",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains(r##"<a href="#">click</a>"##), "{html}");
        assert!(
            html.contains("pic"),
            "an image shows its description: {html}"
        );
    }
}
