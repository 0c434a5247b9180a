//! The `lobby` binary as an operator runs it: configuration errors, migrate,
//! serve, logs and SIGTERM.

use std::process::Stdio;

use lobby::store::entities::organization;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::support::process::{lobby, output_of, Server, TempDir};

#[test]
fn a_bad_value_stops_start_up_naming_the_variable() {
    let dir = TempDir::new();
    let out = lobby(&dir)
        .env("LOBBY_ACCENT_COLOR", "orange")
        .arg("serve")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "one message: {err}");
    assert!(
        err.contains("LOBBY_ACCENT_COLOR: expected a colour as #rgb or #rrggbb"),
        "{err}"
    );
    assert!(!dir.0.join("lobby.db").exists(), "nothing was created");

    std::fs::write(
        dir.0.join("lobby.toml"),
        "org_name = \"GFMS\"\nsmtp_host = \"mail\"\n",
    )
    .unwrap();
    let out = lobby(&dir).arg("migrate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("lobby.toml") && err.contains("unknown field `smtp_host`"),
        "{err}"
    );
}

#[test]
fn migrate_is_idempotent() {
    let dir = TempDir::new();
    for _ in 0..2 {
        let out = lobby(&dir).arg("migrate").output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(dir.0.join("lobby.db").exists());
}

#[tokio::test]
async fn serve_creates_the_organization_and_stops_cleanly_on_sigterm() {
    let dir = TempDir::new();
    let mut cmd = lobby(&dir);
    cmd.env("LOBBY_ORG_NAME", "Acme AG")
        .env("LOBBY_ORG_SLUG", "acme")
        .env("LOBBY_ACCENT_COLOR", "#123abc");
    let server = Server::start(cmd, dir.0.join("lobby.log"));
    let health = reqwest::get(server.url("/healthz")).await.unwrap();
    assert_eq!(health.status(), 200);
    let page = reqwest::get(server.url("/"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Welcome to Acme AG") && page.contains("--accent:#123abc"));

    let (ok, logs) = server.terminate();
    assert!(ok, "exit status 0 after SIGTERM");
    assert!(
        logs.contains("outbox worker stopped") && logs.contains("Lobby stopped"),
        "{logs}"
    );

    let db = lobby::store::connect(&dir.db_url()).await.unwrap();
    let org = organization::Entity::find()
        .filter(organization::Column::Slug.eq("acme"))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (org.name.as_str(), org.accent_color.as_str()),
        ("Acme AG", "#123abc")
    );
}

#[tokio::test]
async fn json_logs_on_request() {
    let dir = TempDir::new();
    let mut cmd = lobby(&dir);
    cmd.env("LOBBY_LOG_FORMAT", "json");
    let server = Server::start(cmd, dir.0.join("lobby.log"));
    let (ok, logs) = server.terminate();
    assert!(ok);
    let lines: Vec<serde_json::Value> = logs
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not JSON: {l}")))
        .collect();
    assert!(lines
        .iter()
        .any(|l| l["fields"]["message"] == "Lobby is listening" && l["level"] == "INFO"));
}

#[tokio::test]
async fn admin_create_makes_an_argon2id_admin_and_refuses_bad_input() {
    use lobby::store::entities::{audit_event, org_role, user};
    let dir = TempDir::new();
    let run = |email: &str, password: &str| {
        lobby(&dir)
            .env("LOBBY_ORG_SLUG", "gfms")
            .env("LOBBY_ADMIN_PASSWORD", password)
            .args([
                "admin",
                "create",
                "--email",
                email,
                "--name",
                "Ada Operator",
            ])
            .output()
            .unwrap()
    };

    let short = run("ada@gfms.example", "too short");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr)
        .contains("the password has 9 characters; it needs at least 15"));
    let common = run("ada@gfms.example", "1qaz2wsx3edc4rfv");
    assert!(String::from_utf8_lossy(&common.stderr).contains("too common"));
    let bad_email = run("ada-at-gfms", "a calm lake at dawn");
    assert!(String::from_utf8_lossy(&bad_email.stderr).contains("not an email address"));

    let ok = run(" Ada@GFMS.example ", "a calm lake at dawn");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("created admin ada@gfms.example"));
    let again = run("ada@gfms.example", "another calm lake at dusk");
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    let db = lobby::store::connect(&dir.db_url()).await.unwrap();
    let users = user::Entity::find().all(&db).await.unwrap();
    assert_eq!(users.len(), 1, "refused attempts changed nothing");
    let ada = &users[0];
    assert_eq!(ada.display_name.as_deref(), Some("Ada Operator"));
    assert!(ada
        .password_hash
        .as_deref()
        .unwrap()
        .starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    let roles = org_role::Entity::find().all(&db).await.unwrap();
    assert_eq!(
        (roles.len(), roles[0].role.as_str(), roles[0].user_id),
        (1, "admin", ada.id)
    );
    let events = audit_event::Entity::find().all(&db).await.unwrap();
    assert_eq!(
        (events.len(), events[0].action.as_str()),
        (1, "operator.created")
    );
}

#[test]
fn admin_create_reads_the_password_from_stdin() {
    use std::io::Write;
    let dir = TempDir::new();
    let mut child = lobby(&dir)
        .args(["admin", "create", "--email", "grace@gfms.example"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"piped passphrase of mine\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("created admin grace@gfms.example"));
}

#[test]
fn token_create_prints_the_token_once_and_revoke_ends_it() {
    let dir = TempDir::new();
    let admin = lobby(&dir)
        .env("LOBBY_ADMIN_PASSWORD", "a calm lake at dawn")
        .args(["admin", "create", "--email", "ada@gfms.example"])
        .output()
        .unwrap();
    assert!(admin.status.success());

    let unknown = lobby(&dir)
        .args([
            "token",
            "create",
            "--email",
            "nobody@gfms.example",
            "--name",
            "x",
        ])
        .output()
        .unwrap();
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no operator"));

    // Without LOBBY_SECRET_KEY a warning is logged; stdout still holds only the token.
    let out = lobby(&dir)
        .env_remove("LOBBY_SECRET_KEY")
        .args([
            "token",
            "create",
            "--email",
            "ada@gfms.example",
            "--name",
            "CI",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap();
    let token = token.trim();
    assert!(
        token.starts_with("lobby_") && token.len() == 6 + 64,
        "{token}"
    );
    let note = String::from_utf8_lossy(&out.stderr);
    assert!(note.contains("not shown again"));
    let id = note
        .lines()
        .find_map(|l| l.strip_prefix("token "))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .to_owned();

    let revoke = lobby(&dir)
        .args(["token", "revoke", "--id", &id])
        .output()
        .unwrap();
    assert!(
        revoke.status.success(),
        "{}",
        String::from_utf8_lossy(&revoke.stderr)
    );
    let again = lobby(&dir)
        .args(["token", "revoke", "--id", &id])
        .output()
        .unwrap();
    assert!(!again.status.success());
}

#[test]
fn app_create_prints_the_client_id_and_secret_once_and_list_and_delete_follow() {
    let dir = TempDir::new();
    let refused = lobby(&dir)
        .args([
            "app",
            "create",
            "--name",
            "Shop",
            "--redirect-uri",
            "http://shop.example/cb",
        ])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("http is only for loopback addresses"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );

    let out = output_of(lobby(&dir).args([
        "app",
        "create",
        "--name",
        "Shop",
        "--redirect-uri",
        "https://shop.example/cb",
        "--redirect-uri",
        "http://127.0.0.1:8080/cb",
        "--post-logout-uri",
        "https://shop.example/",
        "--launch-url",
        "https://shop.example/",
    ]));
    let value = |name: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")))
            .map(str::to_owned)
    };
    let client_id = value("client_id").unwrap();
    assert_eq!(value("client_secret").map(|s| s.len()), Some(64));
    let public = output_of(lobby(&dir).args([
        "app",
        "create",
        "--name",
        "Mobile",
        "--redirect-uri",
        "https://shop.example/app",
        "--public",
    ]));
    assert!(public.contains("client_id: ") && !public.contains("client_secret"));

    let list = output_of(lobby(&dir).args(["app", "list"]));
    assert_eq!(list.lines().count(), 2, "{list}");
    assert!(
        list.contains(&format!(
            "{client_id}\tconfidential\tShop\thttps://shop.example/cb http://127.0.0.1:8080/cb"
        )),
        "{list}"
    );
    assert!(
        !list.contains(&value("client_secret").unwrap()),
        "the secret is never shown again"
    );

    output_of(lobby(&dir).args(["app", "delete", "--client-id", &client_id]));
    assert_eq!(
        output_of(lobby(&dir).args(["app", "list"])).lines().count(),
        1
    );
    let again = lobby(&dir)
        .args(["app", "delete", "--client-id", &client_id])
        .output()
        .unwrap();
    assert!(!again.status.success());

    let rotated = output_of(lobby(&dir).args(["keys", "rotate"]));
    assert!(rotated.starts_with("published key "), "{rotated}");
}

#[tokio::test]
async fn serve_logs_a_setup_link_only_while_there_is_no_admin() {
    let dir = TempDir::new();
    let server = Server::start(lobby(&dir), dir.0.join("lobby.log"));
    // Answering means started: the link is logged before serving.
    reqwest::get(server.url("/healthz")).await.unwrap();
    let logs = server.logs();
    let at = logs
        .find("/setup?token=")
        .unwrap_or_else(|| panic!("a setup link in the log: {logs}"));
    let link: String = logs[at..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '"')
        .collect();
    assert_eq!(logs.matches("/setup?token=").count(), 1, "logged once");
    let page = reqwest::get(server.url(&link)).await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("Create the first admin"));
    let (ok, _) = server.terminate();
    assert!(ok);

    let created = lobby(&dir)
        .env("LOBBY_ADMIN_PASSWORD", "a calm lake at dawn")
        .args(["admin", "create", "--email", "ada@gfms.example"])
        .output()
        .unwrap();
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let server = Server::start(lobby(&dir), dir.0.join("lobby-again.log"));
    assert_eq!(reqwest::get(server.url(&link)).await.unwrap().status(), 404);
    let (ok, logs) = server.terminate();
    assert!(ok);
    assert!(!logs.contains("/setup?token="), "{logs}");
}

#[tokio::test]
async fn the_development_mailbox_exists_only_without_smtp() {
    let dir = TempDir::new();
    let server = Server::start(lobby(&dir), dir.0.join("dev.log"));
    let page = reqwest::get(server.url("/dev/mail")).await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Development mailbox"));
    assert!(server.terminate().0);

    let mut with_smtp = lobby(&dir);
    // Nothing listens there; the page must not exist whatever the server does.
    with_smtp.env("LOBBY_SMTP_URL", "smtp://127.0.0.1:9");
    let server = Server::start(with_smtp, dir.0.join("smtp.log"));
    let page = reqwest::get(server.url("/dev/mail")).await.unwrap();
    assert_eq!(page.status(), 404);
    assert!(!page.text().await.unwrap().contains("Development mailbox"));
    assert!(server.terminate().0);
}

/// Customers see the seller's portal: `LOBBY_PRODUCT_NAME` names it in the
/// invitation email, the home page's title and the footer; without it, the
/// organization's name does, and never "Lobby".
#[tokio::test]
async fn customers_see_the_configured_product_name_or_else_the_organizations() {
    let dir = TempDir::new();
    let gfms = || {
        let mut cmd = lobby(&dir);
        cmd.env("LOBBY_ORG_NAME", "GFMS");
        cmd
    };
    let ada = ["--email", "ada@gfms.example", "--name", "Ada"];
    crate::support::process::output_of(
        gfms()
            .env("LOBBY_ADMIN_PASSWORD", "a calm lake at dawn")
            .args(["admin", "create"])
            .args(ada),
    );
    let token = crate::support::process::output_of(gfms().args(["token", "create"]).args(ada));
    let token = token.trim().to_owned();

    for (product, shown, footer) in [
        (
            Some("GFMS Partner Portal"),
            "GFMS Partner Portal",
            "GFMS Partner Portal · GFMS",
        ),
        (None, "GFMS", "GFMS"),
    ] {
        let mut cmd = gfms();
        if let Some(product) = product {
            cmd.env("LOBBY_PRODUCT_NAME", product);
        }
        let server = Server::start(cmd, dir.0.join("lobby.log"));
        let home = reqwest::get(server.url("/"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(home.contains(&format!("<title>{shown}</title>")), "{home}");
        assert!(
            home.contains(&format!(r#"<footer class="site-footer">{footer}</footer>"#)),
            "{home}"
        );
        assert!(!home.contains("Lobby"), "{home}");

        let to = format!("{}@customer.example", shown.len());
        let answer = reqwest::Client::new()
            .post(server.url("/v1.0/invitations"))
            .bearer_auth(&token)
            .json(&serde_json::json!({
                "invitedUserEmailAddress": to,
                "inviteRedirectUrl": server.url("/"),
                "sendInvitationMessage": true,
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 201);
        let mail = delivered_to(&dir.0.join("data/mail"), &to).await;
        let line = format!("Ada from GFMS has invited you to use {shown} to collaborate");
        for body in [&mail.text, mail.html.as_ref().unwrap()] {
            assert!(body.contains(&line), "{body}");
            assert!(!body.contains("Lobby"), "{body}");
        }
        assert!(server.terminate().0);
    }
}

/// The development mailbox's message to `to`, once the outbox delivered it.
async fn delivered_to(dir: &std::path::Path, to: &str) -> lobby::mail::dev_mailbox::StoredMail {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let kept = lobby::mail::dev_mailbox::list(dir).await.unwrap();
        if let Some(mail) = kept.into_iter().find(|m| m.to == to) {
            return mail;
        }
        assert!(std::time::Instant::now() < deadline, "no email to {to}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Two `lobby serve` on one database, as behind a load balancer: a key
/// rotated with `lobby keys rotate` is published by both (each rereads the
/// keys within half a minute) next to the key that still signs; no instance
/// signs with it yet (it signs five minutes on: `it::provider`).
#[tokio::test]
async fn a_rotated_key_is_published_by_every_instance() {
    let dir = TempDir::new();
    // Both as the one service behind a load balancer at this address.
    let served = || {
        let mut cmd = lobby(&dir);
        cmd.env("LOBBY_PUBLIC_URL", "http://127.0.0.1:3000/");
        cmd
    };
    let one = Server::start_anywhere(served(), dir.0.join("one.log"));
    let two = Server::start_anywhere(served(), dir.0.join("two.log"));
    let kids = |server: &Server| {
        let url = server.url("/oidc/jwks");
        async move {
            let keys: serde_json::Value = reqwest::get(url).await.unwrap().json().await.unwrap();
            let mut kids: Vec<String> = keys["keys"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| k["kid"].as_str().unwrap().to_owned())
                .collect();
            kids.sort();
            kids
        }
    };
    let first = kids(&one).await;
    assert_eq!(first.len(), 1);
    assert_eq!(kids(&two).await, first, "one key for both");

    let out = output_of(lobby(&dir).args(["keys", "rotate"]));
    let new = out
        .strip_prefix("published key ")
        .and_then(|rest| rest.split(';').next())
        .unwrap_or_else(|| panic!("{out}"))
        .to_owned();
    let mut expected = vec![first[0].clone(), new];
    expected.sort();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(45);
    for server in [&one, &two] {
        while kids(server).await != expected {
            assert!(
                std::time::Instant::now() < deadline,
                "not published:\n{}",
                server.logs()
            );
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        }
    }
    assert!(one.terminate().0 && two.terminate().0);
}
