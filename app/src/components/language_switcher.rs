//! Links to every UI language. Without JavaScript each link asks the server to
//! remember the language and come back; once hydrated, a click switches the
//! text in place and remembers the choice in the same cookie.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::i18n::use_locale;
use crate::i18n::Locale;

/// `path`: the page's, when it is rendered without the router; otherwise
/// the router's location, which follows the dashboard's navigation.
#[component]
pub fn LanguageSwitcher(path: Option<String>) -> impl IntoView {
    let locale = use_locale();
    let path = match path {
        Some(path) => Signal::stored(path),
        None => {
            let location = use_location();
            Signal::derive(move || location.pathname.get())
        }
    };
    let label = move || locale.get().strings().language_switcher_label;

    let links = Locale::ALL
        .iter()
        .copied()
        .map(|l| {
            let href = move || format!("/lang/{}?next={}", l.code(), path.with(|p| encode_path(p)));
            let on_click = move |ev: leptos::ev::MouseEvent| {
                if ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key() {
                    return;
                }
                ev.prevent_default();
                locale.set(l);
                remember(l);
            };
            view! {
                <li>
                    <a
                        href=href
                        hreflang=l.code()
                        lang=l.code()
                        aria-current=move || (locale.get() == l).then_some("true")
                        on:click=on_click
                    >
                        {l.strings().language_name}
                    </a>
                </li>
            }
        })
        .collect_view();

    view! {
        <nav class="language-switcher" aria-label=label>
            <ul>{links}</ul>
        </nav>
    }
}

/// Keeps the choice for the next page load and tells assistive technology
/// that the document's language changed.
fn remember(locale: Locale) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let doc = document();
        if let Some(html) = doc.document_element() {
            let _ = html.set_attribute("lang", locale.code());
        }
        if let Ok(html_doc) = doc.dyn_into::<web_sys::HtmlDocument>() {
            let _ = html_doc.set_cookie(&crate::i18n::language_cookie(locale));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = locale;
}

/// Percent-encodes a path for use as a query value, keeping `/` readable.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::encode_path;

    #[test]
    fn encodes_query_significant_characters() {
        assert_eq!(encode_path("/t/gfms/sign in"), "/t/gfms/sign%20in");
        assert_eq!(encode_path("/a&b?c#d"), "/a%26b%3Fc%23d");
    }
}
