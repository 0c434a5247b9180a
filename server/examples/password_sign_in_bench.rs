//! Benchmark (not a test): invitees signing in with their password through
//! the real server (`lobby serve`, release build, fresh SQLite file), with
//! as many requests in flight as it takes to keep both cores busy. Prints
//! the requests per second against the argon2 bound measured in the same run
//! (one hash's time on one thread, times the cores), p50 and p99 latency,
//! and the server's resident memory idle and under the load. Each client
//! comes from its own loopback address (127.0.0.x), so the per-address rate
//! limit applies as it would to many customers. Run it with
//! `bench/password_sign_in.sh`.
// A benchmark stops at its first failure, with the reason: it is a
// measuring tool run by hand, not part of Lobby.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/bench_db.rs"]
mod bench_db;

use std::net::IpAddr;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use lobby::clock::{Clock, SystemClock};
use lobby::secret::Secret;
use lobby::store::entities::user;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

const PASSWORD: &str = "seven blue herons over the river";
const INVITEE: &str = "jiwoo.kim@customer.example";

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

#[tokio::main]
async fn main() {
    let requests: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(600);
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let in_flight = cores * 4;
    let lobby_bin = std::env::var("LOBBY_BIN").expect("LOBBY_BIN: the release lobby binary");
    let port = 3900 + (std::process::id() % 90) as u16;
    let base = format!("http://127.0.0.1:{port}");

    // The organization, an operator and an API token, as `lobby` would make them.
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let bench_db::BenchDb {
        dir,
        url: database,
        db,
        org,
        operator,
    } = bench_db::fresh("sign-in-bench", clock.as_ref()).await;
    let token = lobby::api_tokens::create(&db, operator.id, org.id, "bench", clock.as_ref())
        .await
        .expect("token");

    let mut server = Command::new(&lobby_bin)
        .arg("serve")
        .env("LOBBY_LISTEN", format!("127.0.0.1:{port}"))
        .env("LOBBY_PUBLIC_URL", format!("{base}/"))
        .env("DATABASE_URL", &database)
        .env("LOBBY_ORG_SLUG", "gfms")
        .env("LOBBY_ORG_NAME", "GFMS")
        .env("LOBBY_DATA_DIR", &dir)
        .env("LOBBY_LOG_FORMAT", "json")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("lobby serve");
    let pid = server.id();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let mut up = false;
    for _ in 0..100 {
        if http.get(format!("{base}/healthz")).send().await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(up, "lobby serve did not start");

    // An invitation, and an account for it with a password.
    let body = serde_json::json!({
        "invitedUserEmailAddress": INVITEE,
        "inviteRedirectUrl": format!("{base}/"),
    });
    let created = http
        .post(format!("{base}/v1.0/invitations"))
        .bearer_auth(token.token.expose())
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("invite")
        .text()
        .await
        .expect("invitation");
    let created: serde_json::Value = serde_json::from_str(&created).expect("json");
    let link = created["inviteRedeemUrl"].as_str().expect("link");
    let ticket = link.rsplit('=').next().expect("ticket").to_owned();
    let hash = lobby::auth::password::hash(Secret::new(PASSWORD.into()))
        .await
        .expect("hash");
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(hash.clone()))
        .col_expr(user::Column::EmailVerified, Expr::value(true))
        .filter(user::Column::Email.eq(INVITEE))
        .exec(&db)
        .await
        .expect("password");

    // The bound: one verification's time on one thread.
    let rounds = 20;
    let start = Instant::now();
    for _ in 0..rounds {
        assert!(
            lobby::auth::password::verify(Secret::new(PASSWORD.into()), Some(hash.clone()))
                .await
                .expect("verify")
        );
    }
    let per_hash = start.elapsed() / rounds;
    let bound = cores as f64 / per_hash.as_secs_f64();

    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle_kib = rss_kib(pid);

    // The load: each request from its own loopback address, at most a few
    // per address, well under the per-address limit.
    let url = format!("{base}/invite/{ticket}/password");
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let peak = Arc::new(std::sync::atomic::AtomicU64::new(idle_kib));
    let sampling = {
        let peak = peak.clone();
        tokio::spawn(async move {
            loop {
                peak.fetch_max(rss_kib(pid), std::sync::atomic::Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    };
    let started = Instant::now();
    let workers: Vec<_> = (0..in_flight)
        .map(|_| {
            let (next, url, base) = (next.clone(), url.clone(), base.clone());
            tokio::spawn(async move {
                let mut timings = Vec::new();
                loop {
                    let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if n >= requests {
                        return timings;
                    }
                    let address: IpAddr = format!("127.0.{}.{}", 1 + n / 250, 2 + n % 250)
                        .parse()
                        .expect("address");
                    let client = reqwest::Client::builder()
                        .redirect(reqwest::redirect::Policy::none())
                        .local_address(address)
                        .build()
                        .expect("client");
                    let sent = Instant::now();
                    let response = client
                        .post(&url)
                        .header("origin", &base)
                        .form(&[("password", PASSWORD)])
                        .send()
                        .await
                        .expect("answer");
                    timings.push(sent.elapsed());
                    let location = response.headers()["location"].to_str().unwrap_or("");
                    assert!(
                        response.status() == 303 && location.ends_with("/continue"),
                        "sign-in failed: {} {location}",
                        response.status()
                    );
                }
            })
        })
        .collect();
    let mut timings = Vec::with_capacity(requests);
    for w in workers {
        timings.extend(w.await.expect("worker"));
    }
    let elapsed = started.elapsed();
    sampling.abort();
    let load_kib = peak.load(std::sync::atomic::Ordering::Relaxed);
    timings.sort();

    let rps = requests as f64 / elapsed.as_secs_f64();
    println!(
        "password sign-ins: {requests} with {in_flight} in flight on {cores} cores in {:.1} s",
        elapsed.as_secs_f64()
    );
    println!("argon2id (m=19 MiB, t=2, p=1): {:.1} ms per hash on one thread -> bound {bound:.1} sign-ins/s on {cores} cores", per_hash.as_secs_f64() * 1000.0);
    println!(
        "throughput: {rps:.1} sign-ins/s = {:.2} of the bound ({:.1} per core)",
        rps / bound,
        rps / cores as f64
    );
    println!(
        "latency: p50 {:.0} ms, p99 {:.0} ms",
        percentile(&timings, 0.5).as_secs_f64() * 1000.0,
        percentile(&timings, 0.99).as_secs_f64() * 1000.0
    );
    println!(
        "server RSS: idle {:.1} MB, under load (peak) {:.1} MB",
        idle_kib as f64 / 1024.0,
        load_kib as f64 / 1024.0
    );

    let _ = Command::new("kill").arg(pid.to_string()).status();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&dir);
}
