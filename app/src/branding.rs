//! How the organization that runs this Lobby presents itself.

/// Name and accent colour of the organization, shown on every page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Branding {
    pub org_name: String,
    /// The portal's name its customers see (`LOBBY_PRODUCT_NAME`, else the
    /// organization's name).
    pub product_name: String,
    /// A CSS hex colour such as `#f26b21`, validated by the server's configuration.
    pub accent_color: String,
}

/// `<meta>` name that carries the organization's name to the browser.
pub const ORG_NAME_META: &str = "lobby-org-name";
/// `<meta>` name that carries the product name to the browser.
pub const PRODUCT_NAME_META: &str = "lobby-product-name";

impl Default for Branding {
    fn default() -> Self {
        Branding {
            org_name: "Lobby".into(),
            product_name: "Lobby".into(),
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
                    product_name: meta(PRODUCT_NAME_META).unwrap_or_else(|| org_name.clone()),
                    org_name,
                    ..Branding::default()
                };
            }
        }
        Branding::default()
    }

    /// `template` with `{org}` and `{product}` filled in.
    pub fn fill(&self, template: &str) -> String {
        crate::i18n::fill(
            template,
            &[("org", &self.org_name), ("product", &self.product_name)],
        )
    }

    /// The footer: the product's name, and the organization's when it differs.
    pub fn footer(&self, template: &str) -> String {
        if self.product_name == self.org_name {
            self.org_name.clone()
        } else {
            self.fill(template)
        }
    }
}

/// The text colour that reads best on `accent` (a `#rrggbb` colour): near
/// black or white, whichever has the higher WCAG contrast ratio. White on
/// the default orange is only 3:1; near black on it is over 6:1.
pub fn on_accent(accent: &str) -> &'static str {
    const INK: &str = "#1d1f24";
    let hex = accent.trim_start_matches('#');
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(hex.get(i..i + 2).unwrap_or("ff"), 16).unwrap_or(255))
            / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = |r: f64, g: f64, b: f64| 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let background = luminance(channel(0), channel(2), channel(4));
    let ink = luminance(0.0123, 0.0137, 0.0176); // #1d1f24, linearised
    let with_white = 1.05 / (background + 0.05);
    let with_ink = (background + 0.05) / (ink + 0.05);
    if with_ink > with_white {
        INK
    } else {
        "#ffffff"
    }
}

#[cfg(test)]
mod tests {
    use super::on_accent;

    #[test]
    fn text_on_the_accent_is_whichever_contrasts_more() {
        assert_eq!(on_accent("#f26b21"), "#1d1f24", "the default orange");
        assert_eq!(on_accent("#ffd400"), "#1d1f24");
        assert_eq!(on_accent("#1a5fd6"), "#ffffff");
        assert_eq!(on_accent("#000000"), "#ffffff");
    }
}
