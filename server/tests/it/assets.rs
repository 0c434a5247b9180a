//! How answers travel: the browser's files precompressed and cached for good
//! under their version, pages and JSON compressed when the browser accepts
//! it (never a signed-in operator's pages), pages revalidated or not stored.

use axum::http::{header, StatusCode};
use serde_json::json;

use crate::support::api::{create_invitation, setup};
use crate::support::operator::admin_session;
use crate::support::process::TempDir;
use crate::support::router::{app_with_site, get};

const STYLE: &str = "body { color: black; } /* the stylesheet, long enough to matter */";

/// A site root whose `pkg/` holds a stylesheet and its compressed forms
/// (distinct contents, to tell which one was sent).
fn site() -> TempDir {
    let root = TempDir::new();
    let pkg = root.0.join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    std::fs::write(pkg.join("lobby.css"), STYLE).unwrap();
    std::fs::write(pkg.join("lobby.css.br"), "brotli bytes").unwrap();
    std::fs::write(pkg.join("lobby.css.gz"), "gzip bytes").unwrap();
    root
}

/// The stylesheet's address as the home page links it.
async fn style_link(app: &axum::Router) -> String {
    let (_, _, page) = get(app, "/", &[]).await;
    let at = page.find("href=\"/pkg/").expect("a link to the stylesheet") + "href=\"".len();
    page[at..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn the_browsers_files_come_precompressed_and_are_kept_for_good_under_their_version() {
    let root = site();
    let app = app_with_site(root.0.as_path()).await;
    let link = style_link(&app).await;
    let version = link.split('/').nth(2).unwrap();
    assert!(
        link.ends_with("/lobby.css") && version.len() == 12,
        "the link carries the files' version: {link}"
    );

    for (accepts, encoding, body) in [
        ("br, gzip", Some("br"), "brotli bytes"),
        ("gzip", Some("gzip"), "gzip bytes"),
        ("zstd", None, STYLE),
        ("identity", None, STYLE),
    ] {
        let (status, headers, sent) = get(&app, &link, &[("accept-encoding", accepts)]).await;
        assert_eq!(status, StatusCode::OK, "{accepts}");
        assert_eq!(sent, body, "{accepts}");
        assert_eq!(
            headers
                .get(header::CONTENT_ENCODING)
                .map(|v| v.to_str().unwrap()),
            encoding,
            "{accepts}"
        );
        assert_eq!(
            headers[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
        assert!(
            headers
                .get_all(header::VARY)
                .iter()
                .any(|v| v == "accept-encoding"),
            "{accepts}: {headers:?}"
        );
    }

    // A part, and "not modified" for a copy the browser holds.
    let (status, _, part) = get(&app, &link, &[("range", "bytes=0-3")]).await;
    assert_eq!(
        (status, part.as_str()),
        (StatusCode::PARTIAL_CONTENT, "body")
    );
    let (_, headers, _) = get(&app, &link, &[]).await;
    let modified = headers[header::LAST_MODIFIED].to_str().unwrap().to_owned();
    let (status, headers, body) = get(&app, &link, &[("if-modified-since", &modified)]).await;
    assert_eq!((status, body.as_str()), (StatusCode::NOT_MODIFIED, ""));
    assert_eq!(
        headers[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );

    // Unversioned, the same file is asked again each time.
    let (status, headers, _) = get(&app, "/pkg/lobby.css", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");

    // A file that does not exist, or another build's: a bare 404, not kept.
    for missing in [
        link.replace("lobby.css", "nothing.js"),
        "/pkg/000000000000/lobby.css".to_owned(),
    ] {
        let (status, headers, body) = get(&app, &missing, &[]).await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::NOT_FOUND, ""),
            "{missing}"
        );
        assert!(headers.get(header::CACHE_CONTROL).is_none(), "{missing}");
    }

    // A new build is a new version: nothing old hides it.
    std::fs::write(root.0.as_path().join("pkg/lobby.css"), "body {}").unwrap();
    let rebuilt = style_link(&app_with_site(root.0.as_path()).await).await;
    assert_ne!(rebuilt, link);
}

#[tokio::test]
async fn pages_and_json_travel_compressed_but_never_a_signed_in_operators_pages() {
    let api = setup().await;
    let br = [("accept-encoding", "br, gzip")];

    let (status, headers, _) = get(&api.app, "/", &br).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_ENCODING], "br");
    assert!(headers
        .get_all(header::VARY)
        .iter()
        .any(|v| v == "accept-encoding"));
    let (_, headers, page) = get(&api.app, "/", &[]).await;
    assert!(headers.get(header::CONTENT_ENCODING).is_none());
    assert!(
        page.contains("Welcome to GFMS"),
        "plain for a browser that asks for it"
    );

    create_invitation(
        &api,
        json!({
            "invitedUserEmailAddress": "jiwoo@customer.example",
            "inviteRedirectUrl": "http://lobby.test/welcome",
        }),
    )
    .await;
    let bearer = format!("Bearer {}", api.token);
    let gzip = [
        ("accept-encoding", "gzip"),
        ("authorization", bearer.as_str()),
    ];
    let (status, headers, _) = get(&api.app, "/v1.0/invitations", &gzip).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_ENCODING], "gzip");

    // The dashboard carries the session's CSRF token: never compressed.
    let admin = admin_session(&api).await;
    let signed_in = [
        ("accept-encoding", "br, gzip"),
        ("cookie", admin.cookie.as_str()),
    ];
    let (status, headers, page) = get(&api.app, "/admin/settings", &signed_in).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers.get(header::CONTENT_ENCODING).is_none(),
        "{headers:?}"
    );
    assert!(page.contains(&admin.csrf));
}

#[tokio::test]
async fn pages_are_asked_again_each_time_and_those_about_a_person_never_kept() {
    let api = setup().await;
    let created = create_invitation(
        &api,
        json!({
            "invitedUserEmailAddress": "jiwoo@customer.example",
            "inviteRedirectUrl": "http://lobby.test/welcome",
        }),
    )
    .await;
    let url = created["inviteRedeemUrl"].as_str().unwrap();
    let ticket = url.split("invitationId=").nth(1).unwrap();
    let admin = admin_session(&api).await;
    for (page, cache) in [
        ("/".to_owned(), "no-cache"),
        ("/signin".to_owned(), "no-cache"),
        (format!("/invite/{ticket}"), "private, no-store"),
        ("/admin/settings".to_owned(), "private, no-store"),
    ] {
        let (status, headers, _) = get(&api.app, &page, &[("cookie", &admin.cookie)]).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(headers[header::CACHE_CONTROL], cache, "{page}");
    }
}
