//! The `lobby` binary as an operator runs it: configuration errors, migrate,
//! serve, logs and SIGTERM.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use lobby::store::entities::organization;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

const LOBBY: &str = env!("CARGO_BIN_EXE_lobby");

struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        let dir = std::env::temp_dir().join(format!("lobby-proc-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    fn db_url(&self) -> String {
        format!("sqlite://{}/lobby.db", self.0.display())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn lobby(dir: &TempDir) -> Command {
    let mut cmd = Command::new(LOBBY);
    cmd.current_dir(&dir.0)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", dir.db_url())
        .env("LOBBY_DATA_DIR", dir.0.join("data"))
        .env("LOBBY_SECRET_KEY", "1f".repeat(32));
    cmd
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running `lobby serve`, killed if the test fails before stopping it.
struct Server(Child, u16);

impl Server {
    fn start(mut cmd: Command) -> Server {
        let port = free_port();
        let child = cmd
            .arg("serve")
            .env("LOBBY_LISTEN", format!("127.0.0.1:{port}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let server = Server(child, port);
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "lobby did not start listening");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// Sends SIGTERM and returns (success, stdout, stderr).
    fn terminate(mut self) -> (bool, String, String) {
        let pid = self.0.id().to_string();
        assert!(Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.0.try_wait().unwrap() {
                let mut out = String::new();
                let mut err = String::new();
                use std::io::Read;
                self.0
                    .stdout
                    .take()
                    .unwrap()
                    .read_to_string(&mut out)
                    .unwrap();
                self.0
                    .stderr
                    .take()
                    .unwrap()
                    .read_to_string(&mut err)
                    .unwrap();
                return (status.success(), out, err);
            }
            assert!(Instant::now() < deadline, "lobby did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

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
    let server = Server::start(cmd);
    let health = reqwest::get(format!("http://127.0.0.1:{}/healthz", server.1))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let page = reqwest::get(format!("http://127.0.0.1:{}/", server.1))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Welcome to Acme AG") && page.contains("--accent:#123abc"));

    let (ok, out, _) = server.terminate();
    assert!(ok, "exit status 0 after SIGTERM");
    assert!(
        out.contains("outbox worker stopped") && out.contains("Lobby stopped"),
        "{out}"
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
    let server = Server::start(cmd);
    let (ok, out, _) = server.terminate();
    assert!(ok);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not JSON: {l}")))
        .collect();
    assert!(lines
        .iter()
        .any(|l| l["fields"]["message"] == "Lobby is listening" && l["level"] == "INFO"));
}
