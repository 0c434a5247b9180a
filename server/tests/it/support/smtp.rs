//! A small real SMTP server on 127.0.0.1 that keeps what it receives.
//! It speaks enough of RFC 5321 for lettre: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

#[derive(Clone, Debug)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

impl Received {
    /// The plain-text part as its reader sees it (quoted-printable, as
    /// lettre sends it, decoded).
    pub fn text(&self) -> String {
        let part = self
            .data
            .split("Content-Type: text/plain")
            .nth(1)
            .unwrap_or(&self.data);
        let (head, body) = part.split_once("\r\n\r\n").unwrap_or(("", part));
        let body = body.split("\r\n--").next().unwrap_or(body);
        if !head.contains("quoted-printable") {
            return body.to_owned();
        }
        // RFC 2045 6.7: `=` at a line's end joins it to the next; `=XX` is a byte.
        let joined = body.replace("=\r\n", "");
        let mut bytes = Vec::with_capacity(joined.len());
        let mut rest = joined.as_bytes();
        while let Some((&first, tail)) = rest.split_first() {
            let hex = tail.get(..2).and_then(|h| std::str::from_utf8(h).ok());
            match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                Some(byte) if first == b'=' => {
                    bytes.push(byte);
                    rest = &tail[2..];
                }
                _ => {
                    bytes.push(first);
                    rest = tail;
                }
            }
        }
        String::from_utf8_lossy(&bytes).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or("");
        head.split("\r\n").find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }
}

pub struct SmtpSink {
    pub port: u16,
    pub received: Arc<Mutex<Vec<Received>>>,
    tasks: JoinSet<()>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        Self::start_on(0, Arc::default()).await
    }

    /// Listens on `port` (0: any free one), appending to `received`.
    pub async fn start_on(port: u16, received: Arc<Mutex<Vec<Received>>>) -> SmtpSink {
        Self::start_with_delay(port, received, Duration::ZERO).await
    }

    /// Like `start_on`, but each message takes `delay` to be accepted.
    pub async fn start_with_delay(
        port: u16,
        received: Arc<Mutex<Vec<Received>>>,
        delay: Duration,
    ) -> SmtpSink {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("bind smtp sink");
        let port = listener.local_addr().expect("addr").port();
        let mut tasks = JoinSet::new();
        let store = received.clone();
        tasks.spawn(async move {
            let mut connections = JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                connections.spawn(session(stream, store.clone(), delay));
            }
        });
        SmtpSink {
            port,
            received,
            tasks,
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Closes the listener and every open connection.
    pub async fn stop(mut self) -> (u16, Arc<Mutex<Vec<Received>>>) {
        self.tasks.shutdown().await;
        (self.port, self.received.clone())
    }

    pub fn count(&self) -> usize {
        self.received.lock().expect("lock").len()
    }

    /// Waits until at least `n` messages arrived.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let got = self.received.lock().expect("lock").clone();
            if got.len() >= n || tokio::time::Instant::now() > deadline {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn session(stream: TcpStream, store: Arc<Mutex<Vec<Received>>>, delay: Duration) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    let _ = write.write_all(b"220 sink.test ESMTP\r\n").await;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let upper = line.to_ascii_uppercase();
        let answer: &[u8] = if upper.starts_with("EHLO") {
            b"250-sink.test\r\n250 8BITMIME\r\n"
        } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
            b"250 ok\r\n"
        } else if upper.starts_with("MAIL FROM:") {
            from = address(&line);
            to.clear();
            b"250 ok\r\n"
        } else if upper.starts_with("RCPT TO:") {
            // As a real server would answer for a mailbox that does not
            // exist, or one that is over quota for now.
            let rcpt = address(&line);
            if rcpt.starts_with("no-such-mailbox@") {
                b"550 5.1.1 <no-such-mailbox>: Recipient address rejected: User unknown\r\n"
            } else if rcpt.starts_with("over-quota@") {
                b"452 4.2.2 Mailbox full, try again later\r\n"
            } else {
                to.push(rcpt);
                b"250 ok\r\n"
            }
        } else if upper.starts_with("RSET") {
            from.clear();
            to.clear();
            b"250 ok\r\n"
        } else if upper.starts_with("DATA") {
            let _ = write.write_all(b"354 go ahead\r\n").await;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                    return;
                }
                if line == ".\r\n" {
                    break;
                }
                data.push_str(
                    line.strip_prefix('.')
                        .filter(|_| line.starts_with(".."))
                        .unwrap_or(&line),
                );
            }
            tokio::time::sleep(delay).await;
            store.lock().expect("lock").push(Received {
                from: from.clone(),
                to: to.clone(),
                data,
            });
            b"250 queued\r\n"
        } else if upper.starts_with("QUIT") {
            let _ = write.write_all(b"221 bye\r\n").await;
            return;
        } else {
            b"502 not implemented\r\n"
        };
        if write.write_all(answer).await.is_err() {
            return;
        }
    }
}

fn address(line: &str) -> String {
    let start = line.find('<').map(|i| i + 1).unwrap_or(0);
    let end = line[start..]
        .find('>')
        .map(|i| start + i)
        .unwrap_or(line.len());
    line[start..end].trim().to_owned()
}
