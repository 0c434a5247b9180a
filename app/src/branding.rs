//! How the organization that runs this Lobby presents itself.

/// Name and accent colour of the organization, shown on every page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Branding {
    pub org_name: String,
    /// A CSS hex colour such as `#f26b21`, validated by the server's configuration.
    pub accent_color: String,
}

/// `<meta>` name that carries the organization's name to the browser.
pub const ORG_NAME_META: &str = "lobby-org-name";

impl Default for Branding {
    fn default() -> Self {
        Branding {
            org_name: "Lobby".into(),
            accent_color: "#f26b21".into(),
        }
    }
}

impl Branding {
    /// The branding of the current page: from the server's context while
    /// rendering, from the page's `<meta>` tags in the browser.
    pub fn current() -> Branding {
        use leptos::prelude::use_context;
        if let Some(b) = use_context::<Branding>() {
            return b;
        }
        #[cfg(feature = "hydrate")]
        {
            let meta = |name: &str| {
                leptos::prelude::document()
                    .query_selector(&format!("meta[name=\"{name}\"]"))
                    .ok()
                    .flatten()
                    .and_then(|el| el.get_attribute("content"))
            };
            if let Some(org_name) = meta(ORG_NAME_META) {
                return Branding {
                    org_name,
                    ..Branding::default()
                };
            }
        }
        Branding::default()
    }
}
