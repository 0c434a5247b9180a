//! The live parts of the customer's pages: the few pieces that react as the
//! invitee types (a new password's feedback, the company form). The rest of
//! a customer's page is complete as the server renders it and is never
//! hydrated, so the customer's bundle carries these parts, the shared rules
//! they check with and Leptos's reactive core, and not the router, the
//! pages or the server functions (issue 22: a phone downloads a fraction).
//!
//! The server renders a part inside `<div data-live="…">`, the part's props
//! form-encoded in that attribute, and puts the customer's bundle into the page's
//! head; in the browser, [`hydrate`] finds each such element and hydrates
//! the same component from the same props. A language link on such a page
//! asks the server for the page in the other language (as without
//! JavaScript), since the text around a part is the server's.

use leptos::either::Either;
use leptos::prelude::*;

use crate::components::company_form::CompanyForm;
use crate::components::new_password::NewPassword;
use crate::model::company::CompanyField;
use crate::model::journey::CompanyPage;

/// The attribute that marks a live part and carries its props (`Live`
/// writes it, as `data-live`).
#[cfg(feature = "hydrate")]
const MARK: &str = "data-live";

/// A live part with what it is rendered from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LivePart {
    /// A new password; `context`: words it must not be built from.
    NewPassword { context: Vec<String> },
    /// The company step's form for the link `ticket`.
    Company {
        company: CompanyPage,
        ticket: String,
    },
}

impl LivePart {
    fn view(self) -> impl IntoView {
        // `Either`, not `AnyView`: a type-erased view would carry its async
        // hydration into the bundle.
        match self {
            LivePart::NewPassword { context } => Either::Left(view! { <NewPassword context/> }),
            LivePart::Company { company, ticket } => {
                Either::Right(view! { <CompanyForm company ticket/> })
            }
        }
    }

    /// The part's name and its props as texts, as the page carries them.
    /// Plain texts rather than JSON: the browser's `URLSearchParams` reads
    /// them, so no JSON parser (nor the float formatting its errors bring)
    /// is compiled into the bundle.
    #[cfg_attr(not(feature = "ssr"), allow(dead_code))] // the server writes them
    fn props(&self) -> (&'static str, Vec<String>) {
        match self {
            LivePart::NewPassword { context } => ("new-password", context.clone()),
            LivePart::Company { company, ticket } => {
                let resubmitted = if company.resubmitted { "1" } else { "" };
                let mut props = vec![
                    ticket.clone(),
                    company.org_name.clone(),
                    resubmitted.to_owned(),
                ];
                props.extend(CompanyField::ALL.map(|field| {
                    let value = company.values.iter().find(|(f, _)| *f == field);
                    value.map(|(_, v)| v.clone()).unwrap_or_default()
                }));
                ("company", props)
            }
        }
    }

    /// The part [`LivePart::props`] describes; `None` for anything else.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))] // the browser reads them
    fn from_props(name: &str, props: Vec<String>) -> Option<LivePart> {
        match name {
            "new-password" => Some(LivePart::NewPassword { context: props }),
            "company" if props.len() == 3 + CompanyField::ALL.len() => {
                let mut props = props.into_iter();
                let ticket = props.next()?;
                let org_name = props.next()?;
                let resubmitted = props.next()? == "1";
                let values = CompanyField::ALL.into_iter().zip(props).collect();
                Some(LivePart::Company {
                    company: CompanyPage {
                        org_name,
                        values,
                        resubmitted,
                    },
                    ticket,
                })
            }
            _ => None,
        }
    }
}

/// A live part as the server renders it, with the customer's bundle that
/// hydrates it. Its box takes no room of its own (`display: contents`), so
/// the part lays out as if it stood in the page directly.
#[component]
pub fn Live(part: LivePart) -> impl IntoView {
    let props = encode(&part);
    // Erased here, in the server's page, where it keeps the pages' view
    // types short; the bundle hydrates `part.view()` itself.
    view! {
        <CustomerBundle/>
        <div class="live" data-live=props>{part.view()}</div>
    }
    .into_any()
}

/// `name=<part>&p=<prop>&p=<prop>…`, form-encoded.
#[cfg(feature = "ssr")]
fn encode(part: &LivePart) -> String {
    let (name, props) = part.props();
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("name", name);
    for prop in &props {
        query.append_pair("p", prop);
    }
    query.finish()
}

#[cfg(not(feature = "ssr"))]
fn encode(_: &LivePart) -> String {
    String::new()
}

/// The customer's bundle in the page's head: fetched at once, run once the
/// page is parsed (a module script), under the response's CSP nonce.
#[component]
fn CustomerBundle() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        use leptos_meta::{Link, Script};
        crate::csp::set_policy(true);
        let dir = use_context::<LeptosOptions>()
            .map(|o| o.site_pkg_dir.to_string())
            .unwrap_or_else(|| "pkg".into());
        let (js, wasm) = (
            format!("/{dir}/{CUSTOMER_BUNDLE}.js"),
            format!("/{dir}/{CUSTOMER_BUNDLE}.wasm"),
        );
        let start = format!(
            "import init, {{ hydrate }} from {js:?}; \
             init({{ module_or_path: {wasm:?} }}).then(hydrate);"
        );
        view! {
            <Link rel="modulepreload" href=js/>
            <Link rel="preload" href=wasm as_="fetch" type_="application/wasm" crossorigin="anonymous"/>
            <Script type_="module">{start}</Script>
        }
    }
}

/// The customer's bundle, by its name under `/pkg`.
pub const CUSTOMER_BUNDLE: &str = "customer";

/// In the browser: hydrates every live part of the page, each on its own,
/// in the language the server rendered the page in.
#[cfg(feature = "hydrate")]
pub fn hydrate() {
    use wasm_bindgen::JsCast;

    let Ok(parts) = document().query_selector_all(&format!("[{MARK}]")) else {
        return;
    };
    let locale = crate::i18n::page_locale();
    for i in 0..parts.length() {
        let Some(element) = parts
            .item(i)
            .and_then(|node| node.dyn_into::<web_sys::HtmlElement>().ok())
        else {
            continue;
        };
        let query = element.get_attribute(MARK).unwrap_or_default();
        // Once only, should the bundle run again.
        let _ = element.remove_attribute(MARK);
        let Ok(query) = web_sys::UrlSearchParams::new_with_str(&query) else {
            continue;
        };
        let props: Vec<String> = query
            .get_all("p")
            .iter()
            .filter_map(|p| p.as_string())
            .collect();
        let part = query
            .get("name")
            .and_then(|name| LivePart::from_props(&name, props));
        let Some(part) = part else {
            continue;
        };
        leptos::mount::hydrate_from(element, move || {
            provide_context(crate::i18n::UiLocale(RwSignal::new(locale)));
            part.view()
        })
        .forget();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts() -> Vec<LivePart> {
        let values = CompanyField::ALL
            .iter()
            .map(|f| (*f, format!("{f:?} & = + % 한국 \u{1f}")))
            .collect();
        vec![
            LivePart::NewPassword {
                context: vec!["jiwoo@customer.example".into(), "GFMS & Co".into()],
            },
            LivePart::NewPassword { context: vec![] },
            LivePart::Company {
                company: CompanyPage {
                    org_name: "GFMS".into(),
                    values,
                    resubmitted: true,
                },
                ticket: "9c1f7a0e-1b2c-4d5e-8f90-0123456789ab".into(),
            },
        ]
    }

    #[test]
    fn a_part_comes_back_whole_from_the_texts_the_page_carries() {
        for part in parts() {
            let (name, props) = part.props();
            assert_eq!(LivePart::from_props(name, props), Some(part));
        }
        assert_eq!(LivePart::from_props("company", vec!["t".into()]), None);
        assert_eq!(LivePart::from_props("dashboard", vec![]), None);
    }

    /// What the browser's `URLSearchParams` reads is what was written, for
    /// any text (form decoding, as `url::form_urlencoded::parse` does).
    #[cfg(feature = "ssr")]
    #[test]
    fn the_attribute_decodes_to_the_same_texts() {
        for part in parts() {
            let encoded = encode(&part);
            let pairs: Vec<(String, String)> = form_urlencoded::parse(encoded.as_bytes())
                .into_owned()
                .collect();
            let (name, props) = part.props();
            assert_eq!(pairs[0], ("name".to_owned(), name.to_owned()));
            let decoded: Vec<String> = pairs[1..].iter().map(|(_, v)| v.clone()).collect();
            assert_eq!(decoded, props);
        }
    }
}
