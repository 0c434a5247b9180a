//! The `lobby` binary as an operator runs it: a command in a directory of its
//! own, and a served instance on a free loopback port whose logs go to a file
//! (a pipe nobody reads would stall a chatty server).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const LOBBY: &str = env!("CARGO_BIN_EXE_lobby");

/// A directory removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        let dir = std::env::temp_dir().join(format!("lobby-proc-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn db_url(&self) -> String {
        format!("sqlite://{}/lobby.db", self.0.display())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `lobby` run in `dir` with nothing from the test's environment but `PATH`:
/// SQLite in `dir`, and a fixed secret key.
pub fn lobby(dir: &TempDir) -> Command {
    let mut cmd = Command::new(LOBBY);
    cmd.current_dir(&dir.0)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", dir.db_url())
        .env("LOBBY_DATA_DIR", dir.0.join("data"))
        .env("LOBBY_SECRET_KEY", "1f".repeat(32));
    cmd
}

/// Runs `cmd` to its end; its standard output, or the test fails with its errors.
pub fn output_of(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running `lobby serve`, killed if the test ends before stopping it.
pub struct Server {
    child: Child,
    pub port: u16,
    log: PathBuf,
}

impl Server {
    /// Starts `cmd` serving on a free port; its output goes to `<log>`.
    pub fn start(cmd: Command, log: PathBuf) -> Server {
        Self::start_on(cmd, free_port(), log)
    }

    /// Starts `cmd` on `port` and waits until it listens.
    pub fn start_on(mut cmd: Command, port: u16, log: PathBuf) -> Server {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .unwrap();
        let child = cmd
            .arg("serve")
            .env("LOBBY_LISTEN", format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .unwrap();
        let mut server = Server { child, port, log };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(status) = server.child.try_wait().unwrap() {
                panic!(
                    "lobby exited ({status}) before listening:\n{}",
                    server.logs()
                );
            }
            assert!(Instant::now() < deadline, "lobby did not start listening");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// Starts `cmd` on a port the system picks as it binds (no other test
    /// can take it in between), read from its log once it listens.
    pub fn start_anywhere(mut cmd: Command, log: PathBuf) -> Server {
        let said = |log: &PathBuf| {
            std::fs::read_to_string(log)
                .unwrap_or_default()
                .matches("Lobby is listening")
                .count()
        };
        let before = said(&log);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .unwrap();
        let child = cmd
            .arg("serve")
            .env("LOBBY_LISTEN", "127.0.0.1:0")
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .unwrap();
        let mut server = Server {
            child,
            port: 0,
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while said(&server.log) == before {
            if let Some(status) = server.child.try_wait().unwrap() {
                panic!(
                    "lobby exited ({status}) before listening:\n{}",
                    server.logs()
                );
            }
            assert!(Instant::now() < deadline, "lobby did not start listening");
            std::thread::sleep(Duration::from_millis(50));
        }
        let logs = server.logs();
        let line = logs
            .lines()
            .rfind(|l| l.contains("Lobby is listening"))
            .unwrap();
        server.port = port_in(line);
        server
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// What it logged so far.
    pub fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends SIGTERM and waits for the exit: whether it exited with 0, and
    /// everything it logged.
    pub fn terminate(mut self) -> (bool, String) {
        self.signal("TERM");
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return (status.success(), self.logs());
            }
            assert!(Instant::now() < deadline, "lobby did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGKILL: the process ends at once, in the middle of whatever it does.
    pub fn kill(mut self) {
        self.signal("KILL");
        self.child.wait().unwrap();
    }

    fn signal(&self, name: &str) {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill")
            .args([&format!("-{name}"), &pid])
            .status()
            .unwrap()
            .success());
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The port of the last `127.0.0.1:<port>` a log line names.
pub fn port_in(line: &str) -> u16 {
    line.rsplit("127.0.0.1:")
        .next()
        .and_then(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .unwrap_or_else(|| panic!("no port in {line:?}"))
}
