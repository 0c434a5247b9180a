//! Behind a TLS-terminating proxy: the client address comes from the proxy's
//! forwarding headers only when the connecting peer is a trusted proxy
//! (`LOBBY_TRUSTED_PROXIES`), and rate limits count that client, by /64 for
//! IPv6. Through the real router, with the peer set as axum's `ConnectInfo`.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use lobby::auth::rate_limit::{self, SIGN_IN_PER_ADDRESS};
use lobby::store::entities::audit_event;
use sea_orm::{EntityTrait, QueryOrder};

use crate::support::operator::{setup, Operator};
use crate::support::router::{answer, ORIGIN, TRUSTED_PROXY};

/// Signs Ada in from `peer` with `headers`; the answer's status and the
/// client address the sign-in was recorded with.
async fn sign_in_from(
    op: &Operator,
    peer: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, Option<String>) {
    let mut request = Request::post("/admin/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ORIGIN, ORIGIN);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let mut request = request
        .body(Body::from(
            "email=ada%40gfms.example&password=a+calm+lake+at+dawn",
        ))
        .unwrap();
    let peer: SocketAddr = match peer.parse::<std::net::IpAddr>() {
        Ok(ip) => SocketAddr::new(ip, 40000),
        Err(_) => peer.parse().unwrap(),
    };
    request.extensions_mut().insert(ConnectInfo(peer));
    // Each sign-in a second later, so the newest audit entry is this one's.
    op.clock.advance(chrono::Duration::seconds(1));
    let status = answer(&op.app, request).await.status();
    let recorded = audit_event::Entity::find()
        .order_by_desc(audit_event::Column::CreatedAt)
        .all(&op.db)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.action == "operator.signed_in")
        .and_then(|e| e.details["address"].as_str().map(str::to_owned));
    (status, recorded)
}

#[tokio::test]
async fn spoofed_forwarding_headers_from_an_untrusted_peer_change_nothing() {
    let op = setup().await;
    let (status, address) = sign_in_from(
        &op,
        "203.0.113.5",
        &[
            ("x-forwarded-for", "198.51.100.1"),
            ("forwarded", "for=198.51.100.2"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(address.as_deref(), Some("203.0.113.5"));
}

#[tokio::test]
async fn a_trusted_proxy_names_the_client_in_either_header() {
    let op = setup().await;
    let cases = [
        (("x-forwarded-for", "198.51.100.1"), "198.51.100.1"),
        (
            ("forwarded", "for=198.51.100.2;proto=https"),
            "198.51.100.2",
        ),
        (("forwarded", "for=\"[2001:db8::7]:4711\""), "2001:db8::7"),
        // The right-most address that is not a trusted proxy: what the
        // client wrote on the left of it is not believed.
        (("x-forwarded-for", "1.2.3.4, 198.51.100.3"), "198.51.100.3"),
    ];
    for ((name, value), expected) in cases {
        let (status, address) = sign_in_from(&op, TRUSTED_PROXY, &[(name, value)]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{name}: {value}");
        assert_eq!(address.as_deref(), Some(expected), "{name}: {value}");
    }
}

#[tokio::test]
async fn a_chain_of_two_trusted_proxies_names_the_client_before_them() {
    let op = setup().await;
    // The test router trusts 10.9.9.9 and 10.8.0.0/16: the edge proxy
    // 10.8.0.1 forwarded to the inner one, which connected to Lobby.
    let (_, address) = sign_in_from(
        &op,
        TRUSTED_PROXY,
        &[("x-forwarded-for", "6.6.6.6, 198.51.100.4, 10.8.0.1")],
    )
    .await;
    assert_eq!(address.as_deref(), Some("198.51.100.4"));
    let (_, address) = sign_in_from(
        &op,
        TRUSTED_PROXY,
        &[
            ("forwarded", "for=198.51.100.5"),
            ("forwarded", "for=10.8.0.1"),
        ],
    )
    .await;
    assert_eq!(address.as_deref(), Some("198.51.100.5"));
}

#[tokio::test]
async fn a_garbage_forwarding_header_is_ignored_not_a_500() {
    let op = setup().await;
    for (name, value) in [
        ("x-forwarded-for", "not-an-address"),
        ("x-forwarded-for", ",,,"),
        ("forwarded", "for=unknown"),
        ("forwarded", "for=\"[::1"),
        ("forwarded", "garbage;;=="),
    ] {
        let (status, address) = sign_in_from(&op, TRUSTED_PROXY, &[(name, value)]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{name}: {value}");
        assert_eq!(address.as_deref(), Some(TRUSTED_PROXY), "{name}: {value}");
    }
}

#[tokio::test]
async fn two_clients_behind_one_trusted_proxy_have_separate_limits() {
    let op = setup().await;
    // The first client has used up its sign-in attempts.
    for _ in 0..SIGN_IN_PER_ADDRESS.max {
        let key = rate_limit::per_client("operator-sign-in", "198.51.100.1");
        rate_limit::hit(&op.db, &key, SIGN_IN_PER_ADDRESS, &op.clock)
            .await
            .unwrap();
    }
    let first = [("x-forwarded-for", "198.51.100.1")];
    let (status, _) = sign_in_from(&op, TRUSTED_PROXY, &first).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let second = [("x-forwarded-for", "198.51.100.2")];
    let (status, address) = sign_in_from(&op, TRUSTED_PROXY, &second).await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "another client is not held back"
    );
    assert_eq!(address.as_deref(), Some("198.51.100.2"));
    // Nor is the proxy itself, nor whoever else reaches Lobby directly.
    let (status, _) = sign_in_from(&op, "203.0.113.9", &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn ipv6_clients_are_limited_per_64() {
    let op = setup().await;
    for _ in 0..SIGN_IN_PER_ADDRESS.max {
        let key = rate_limit::per_client("operator-sign-in", "2001:db8:1:2::1");
        rate_limit::hit(&op.db, &key, SIGN_IN_PER_ADDRESS, &op.clock)
            .await
            .unwrap();
    }
    // Another address of the same /64, directly and through the proxy.
    let (status, _) = sign_in_from(&op, "[2001:db8:1:2:ffff::9]:40000", &[]).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let same = [("forwarded", "for=\"[2001:db8:1:2::abcd]\"")];
    let (status, _) = sign_in_from(&op, TRUSTED_PROXY, &same).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // The next /64 is someone else.
    let (status, address) = sign_in_from(&op, "[2001:db8:1:3::1]:40000", &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(address.as_deref(), Some("2001:db8:1:3::1"));
}

#[tokio::test]
async fn hsts_follows_the_scheme_a_trusted_proxy_reports() {
    let op = setup().await;
    let hsts = |peer: &'static str| {
        let app = op.app.clone();
        async move {
            let mut request = Request::get("/livez")
                .header("x-forwarded-proto", "https")
                .body(Body::empty())
                .unwrap();
            let peer: std::net::IpAddr = peer.parse().unwrap();
            request
                .extensions_mut()
                .insert(ConnectInfo(SocketAddr::new(peer, 40000)));
            answer(&app, request)
                .await
                .headers()
                .contains_key(header::STRICT_TRANSPORT_SECURITY)
        }
    };
    assert!(hsts(TRUSTED_PROXY).await);
    assert!(
        !hsts("203.0.113.5").await,
        "an untrusted peer's word is not taken"
    );
}

/// Someone who knows an operator's address (it is in every invitation's
/// contact line) and guesses at it shuts out only their own client: the
/// operator, from anywhere else, still signs in with the right password.
#[tokio::test]
async fn guesses_at_an_operators_address_do_not_lock_the_operator_out() {
    use lobby::auth::password_attempts::PER_PAIR;
    let op = setup().await;
    let attacker = [("x-forwarded-for", "198.51.100.66")];
    let guess = |op: &Operator| {
        let app = op.app.clone();
        async move {
            let mut request = Request::post("/admin/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ORIGIN, ORIGIN)
                .header("x-forwarded-for", "198.51.100.66")
                .body(Body::from(
                    "email=ada%40gfms.example&password=a+wrong+guess+here",
                ))
                .unwrap();
            let peer = SocketAddr::new(TRUSTED_PROXY.parse().unwrap(), 40000);
            request.extensions_mut().insert(ConnectInfo(peer));
            answer(&app, request).await.status()
        }
    };
    for _ in 0..PER_PAIR.max {
        assert_eq!(guess(&op).await, StatusCode::SEE_OTHER);
    }
    assert_eq!(guess(&op).await, StatusCode::TOO_MANY_REQUESTS);
    // The attacker's client is refused even the right password …
    let (status, _) = sign_in_from(&op, TRUSTED_PROXY, &attacker).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // … while the operator, elsewhere, signs in (after a short delay).
    let (status, address) =
        sign_in_from(&op, TRUSTED_PROXY, &[("x-forwarded-for", "203.0.113.50")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(address.as_deref(), Some("203.0.113.50"));
}
