//! "Copy" next to a read-only field: puts its value on the clipboard. Shown
//! only once the page is hydrated; without JavaScript the field itself can
//! be selected and copied.

use leptos::prelude::*;

use crate::i18n::use_locale;

#[component]
pub fn CopyButton(
    /// The id of the `<input>` whose value is copied.
    target: &'static str,
) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().strings();
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let copied = RwSignal::new(false);
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let input = document()
                .get_element_by_id(target)
                .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok());
            if let Some(input) = input {
                input.select();
                let _ = window().navigator().clipboard().write_text(&input.value());
                copied.set(true);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = target;
    };
    move || {
        hydrated.get().then(|| {
            view! {
                <button type="button" class="copy" on:click=copy aria-controls=target>
                    {move || if copied.get() { t().link_copied } else { t().copy_link }}
                </button>
            }
        })
    }
}
