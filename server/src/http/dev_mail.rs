//! `/dev/mail`: the development mailbox (see [`crate::mail::dev_mailbox`]).
//! Routed only when Lobby has no SMTP server, and shown only to a signed-in
//! admin or to a browser on the machine Lobby runs on (a proxy on that
//! machine does not make its clients local: the client is what counts).

use std::path::PathBuf;

use app::fill;
use app::i18n::{Locale, ServerStrings};
use app::model::operator::CurrentOperator;
use axum::extract::{Path, Request};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{from_fn, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use uuid::Uuid;

use super::client_address::Client;
use super::replies::{document, short_page};
use super::AppState;
use crate::html;
use crate::html::Html;
use crate::mail::dev_mailbox::{self, StoredMail};

/// Where the messages are kept.
#[derive(Clone)]
struct Mailbox(PathBuf);

/// The mailbox's pages, for a server that keeps its messages in `dir`.
pub fn routes(dir: PathBuf) -> Router<AppState> {
    Router::new()
        .route("/dev/mail", get(list))
        .route("/dev/mail/{id}", get(message))
        .route("/dev/mail/{id}/html", get(html))
        .route_layer(from_fn(only_admins_or_this_machine))
        .layer(Extension(Mailbox(dir)))
}

async fn only_admins_or_this_machine(request: Request, next: Next) -> Response {
    let extensions = request.extensions();
    let local = extensions
        .get::<Client>()
        .is_some_and(|c| c.ip.is_loopback());
    let admin = extensions
        .get::<CurrentOperator>()
        .is_some_and(CurrentOperator::is_admin);
    if local || admin {
        return next.run(request).await;
    }
    let s = strings(request.headers());
    short_page(
        request.headers(),
        StatusCode::FORBIDDEN,
        s.dev_mail_heading,
        s.dev_mail_forbidden,
        None,
    )
}

fn strings(headers: &HeaderMap) -> &'static ServerStrings {
    Locale::of_request(headers).server_strings()
}

/// A page of the mailbox, in the site's style; nothing in it runs.
fn page(headers: &HeaderMap, title: &str, body: Html) -> Response {
    let html = document(headers, title, body);
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'self'; object-src 'none'; base-uri 'none'; \
                 form-action 'none'; frame-ancestors 'none'",
            ),
        ],
        html,
    )
        .into_response()
}

fn failed(e: std::io::Error) -> Response {
    tracing::error!(error = %e, "dev mailbox: cannot read the messages");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

fn when(mail: &StoredMail) -> String {
    mail.at.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// `GET /dev/mail`: every message, newest first.
async fn list(Extension(Mailbox(dir)): Extension<Mailbox>, headers: HeaderMap) -> Response {
    let s = strings(&headers);
    let mails = match dev_mailbox::list(&dir).await {
        Ok(mails) => mails,
        Err(e) => return failed(e),
    };
    let table = if mails.is_empty() {
        html!("<p>{empty}</p>", empty = s.dev_mail_empty)
    } else {
        let rows = Html::concat(mails.iter().map(|m| {
            html!(
                "<tr><td>{at}</td><td>{to}</td><td><a href=\"/dev/mail/{id}\">{subject}</a></td></tr>",
                at = when(m),
                to = m.to,
                id = m.id,
                subject = m.subject,
            )
        }));
        html!(
            "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"mail-caption\" tabindex=\"0\"><table><caption id=\"mail-caption\">{caption}</caption><thead><tr><th scope=\"col\">{at}</th><th scope=\"col\">{to}</th><th scope=\"col\">{subject}</th></tr></thead><tbody>{rows}</tbody></table></div>",
            caption = s.dev_mail_caption,
            at = s.column_received,
            to = s.column_to,
            subject = s.column_subject,
            rows = rows,
        )
    };
    let intro = fill!(s, dev_mail_intro, dir = dir.display().to_string());
    let body = html!(
        "<section class=\"card\" aria-labelledby=\"mail-heading\"><h1 id=\"mail-heading\">{heading}</h1><p>{intro}</p>{table}</section>",
        heading = s.dev_mail_heading,
        intro = intro,
        table = table,
    );
    page(&headers, s.dev_mail_title, body)
}

/// The message `id`, or a page saying there is none.
async fn found(
    dir: &std::path::Path,
    id: &str,
    headers: &HeaderMap,
) -> Result<StoredMail, Response> {
    let found = match Uuid::parse_str(id) {
        Ok(id) => dev_mailbox::find(dir, id).await.map_err(failed)?,
        Err(_) => None,
    };
    found.ok_or_else(|| {
        let s = strings(headers);
        short_page(
            headers,
            StatusCode::NOT_FOUND,
            s.dev_mail_heading,
            s.dev_mail_not_found,
            Some(("/dev/mail", s.dev_mail_back)),
        )
    })
}

/// `GET /dev/mail/{id}`: one message, its text with the links clickable,
/// and a link to its HTML.
async fn message(
    Extension(Mailbox(dir)): Extension<Mailbox>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let mail = match found(&dir, &id, &headers).await {
        Ok(mail) => mail,
        Err(answer) => return answer,
    };
    let s = strings(&headers);
    let cc = mail.cc.as_deref().map_or(Html::default(), |cc| {
        html!(
            "<dt>{label}</dt><dd>{cc}</dd>",
            label = s.dev_mail_cc,
            cc = cc
        )
    });
    let html = match mail.html {
        Some(_) => html!(
            "<p><a href=\"/dev/mail/{id}/html\">{open}</a></p>",
            id = mail.id,
            open = s.dev_mail_open_html,
        ),
        None => html!("<p>{none}</p>", none = s.dev_mail_no_html),
    };
    let body = html!(
        "<section class=\"card\" aria-labelledby=\"mail-heading\"><p><a href=\"/dev/mail\">{back}</a></p><h1 id=\"mail-heading\">{subject}</h1><dl class=\"facts\"><dt>{to_label}</dt><dd>{to}</dd>{cc}<dt>{at_label}</dt><dd>{at}</dd></dl><h2>{html_heading}</h2>{html}<h2>{text_heading}</h2><pre class=\"mail-text\">{text}</pre></section>",
        back = s.dev_mail_back,
        subject = mail.subject,
        to_label = s.column_to,
        to = mail.to,
        cc = cc,
        at_label = s.column_received,
        at = when(&mail),
        html_heading = s.dev_mail_html_heading,
        html = html,
        text_heading = s.dev_mail_text_heading,
        text = with_links(&mail.text),
    );
    page(&headers, &mail.subject, body)
}

/// `GET /dev/mail/{id}/html`: the message's HTML as the recipient sees it,
/// sandboxed: no script runs, no form posts, its links open.
async fn html(
    Extension(Mailbox(dir)): Extension<Mailbox>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let mail = match found(&dir, &id, &headers).await {
        Ok(mail) => mail,
        Err(answer) => return answer,
    };
    let Some(html) = mail.html else {
        return StatusCode::NOT_FOUND.into_response();
    };
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (
                header::CONTENT_SECURITY_POLICY,
                "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; \
                 style-src 'unsafe-inline'; img-src data: https:; object-src 'none'; \
                 base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            ),
        ],
        html,
    )
        .into_response()
}

/// `text` as HTML, with each http(s) address a link to itself.
fn with_links(text: &str) -> Html {
    // Each word with the whitespace after it, so the text keeps its lines.
    Html::concat(text.split_inclusive(char::is_whitespace).map(|piece| {
        let word = piece.trim_end_matches(char::is_whitespace);
        let space = &piece[word.len()..];
        if word.starts_with("https://") || word.starts_with("http://") {
            html!(
                "<a href=\"{url}\">{url}</a>{space}",
                url = word,
                space = space
            )
        } else {
            html!("{piece}", piece = piece)
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::with_links;

    #[test]
    fn addresses_become_links_and_the_rest_stays_text() {
        assert_eq!(
            with_links("Open https://lobby.test/x?a=1&b=2 now <b>\nthanks").as_str(),
            "Open <a href=\"https://lobby.test/x?a=1&amp;b=2\">https://lobby.test/x?a=1&amp;b=2</a> now &lt;b&gt;\nthanks"
        );
        assert_eq!(
            with_links("javascript:alert(1) ftp://x").as_str(),
            "javascript:alert(1) ftp://x"
        );
    }
}
