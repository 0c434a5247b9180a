//! A time the server gives in UTC (`YYYY-MM-DD HH:MM`), shown in the
//! operator's own time zone once the page runs in their browser, with the
//! UTC time on hover. The server, which does not know the zone, writes it
//! as UTC and says so.

use leptos::prelude::*;

/// `YYYY-MM-DD HH:MM` (UTC) as an RFC 3339 instant.
fn instant(utc: &str) -> String {
    format!("{}:00Z", utc.replacen(' ', "T", 1))
}

/// The instant in the browser's time zone, `YYYY-MM-DD HH:MM`.
#[cfg(feature = "hydrate")]
fn in_browser_zone(instant: &str) -> Option<String> {
    use web_sys::js_sys::Date;
    let date = Date::new(&web_sys::wasm_bindgen::JsValue::from_str(instant));
    if date.get_time().is_nan() {
        return None;
    }
    Some(format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes()
    ))
}

#[cfg(not(feature = "hydrate"))]
fn in_browser_zone(_instant: &str) -> Option<String> {
    None
}

/// The time `utc` as the operator reads it: UTC as served, then in the
/// browser's zone.
pub fn local_time(utc: &str) -> ReadSignal<String> {
    let shown = RwSignal::new(format!("{utc} UTC"));
    let at = instant(utc);
    // Effects run only in the browser, after the page hydrated as served.
    Effect::new(move |_| {
        if let Some(local) = in_browser_zone(&at) {
            shown.set(local);
        }
    });
    shown.read_only()
}

/// A `<time>` of `utc`, in the operator's zone, UTC on hover.
#[component]
pub fn LocalTime(#[prop(into)] utc: String) -> impl IntoView {
    let shown = local_time(&utc);
    view! { <time datetime=instant(&utc) title=format!("{utc} UTC")>{shown}</time> }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_utc_minute_is_an_rfc_3339_instant() {
        assert_eq!(super::instant("2026-12-06 00:36"), "2026-12-06T00:36:00Z");
    }
}
