//! What a page shows where a server call failed: the message for the
//! [`ApiError`], in the page's language. The router puts it in an
//! `ErrorBoundary` around every page; a page lets a failed load reach it
//! by rendering the `Result`.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::i18n::{use_locale, Strings};

/// The message for one failure.
pub fn error_message(s: &'static Strings, error: Option<&ApiError>) -> &'static str {
    match error {
        Some(ApiError::Unauthorized) => s.error_signed_out,
        Some(ApiError::Forbidden) => s.error_forbidden,
        Some(ApiError::NotFound) => s.not_found_text,
        Some(ApiError::Unavailable) => s.error_unavailable,
        Some(ApiError::BadRequest | ApiError::Call(_)) | None => s.load_failed,
    }
}

#[component]
pub fn ErrorNotice(errors: ArcRwSignal<Errors>) -> impl IntoView {
    let locale = use_locale();
    let messages = move || {
        let s = locale.get().strings();
        let mut shown: Vec<&'static str> = errors
            .read()
            .iter()
            .map(|(_, e)| error_message(s, e.downcast_ref::<ApiError>()))
            .collect();
        shown.dedup();
        shown
            .into_iter()
            .map(|m| view! { <p class="notice alert" role="alert">{m}</p> })
            .collect_view()
    };
    view! { <div class="card">{messages}</div> }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::locale::Locale;

    #[test]
    fn each_failure_says_what_to_do_in_both_languages() {
        for locale in Locale::ALL {
            let s = locale.strings();
            let say = |e: ApiError| error_message(s, Some(&e));
            assert_eq!(say(ApiError::Unauthorized), s.error_signed_out);
            assert_eq!(say(ApiError::Forbidden), s.error_forbidden);
            assert_eq!(say(ApiError::NotFound), s.not_found_text);
            assert_eq!(say(ApiError::Unavailable), s.error_unavailable);
            assert_eq!(say(ApiError::Call("offline".into())), s.load_failed);
            assert_eq!(error_message(s, None), s.load_failed, "another error");
        }
    }
}
