//! Plain SMTP to a relay (`smtp://host:port`, no TLS, no login) over pooled
//! connections with `TCP_NODELAY`. lettre writes a message's final `.` apart
//! from its body and leaves Nagle's algorithm on, so with the peer's delayed
//! acknowledgement every message waited about 40 ms; without Nagle it does not.

use std::sync::Mutex;
use std::time::Duration;

use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::extension::ClientId;
use lettre::Message;
use tokio::net::TcpStream;

use super::undelivered::Undelivered;

pub struct PlainSmtp {
    host: String,
    port: u16,
    hello: ClientId,
    idle: Mutex<Vec<AsyncSmtpConnection>>,
    max_idle: usize,
}

const TIMEOUT: Duration = Duration::from_secs(30);

impl PlainSmtp {
    /// For `smtp://host[:port]` with nothing else; other URLs (TLS, login,
    /// options) are lettre's own transport's.
    pub fn for_url(url: &str, max_idle: usize) -> Option<PlainSmtp> {
        let url = url::Url::parse(url).ok()?;
        let plain = url.scheme() == "smtp"
            && url.username().is_empty()
            && url.password().is_none()
            && url.query().is_none()
            && matches!(url.path(), "" | "/");
        plain.then(|| PlainSmtp {
            host: url.host_str().unwrap_or("localhost").to_owned(),
            port: url.port().unwrap_or(25),
            hello: ClientId::default(),
            idle: Mutex::new(Vec::new()),
            max_idle,
        })
    }

    fn pooled(&self) -> Option<AsyncSmtpConnection> {
        self.idle.lock().ok()?.pop()
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, String> {
        let stream =
            tokio::time::timeout(TIMEOUT, TcpStream::connect((self.host.as_str(), self.port)))
                .await
                .map_err(|_| "connecting timed out".to_owned())?
                .map_err(|e| e.to_string())?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        tokio::time::timeout(
            TIMEOUT,
            AsyncSmtpConnection::connect_with_transport(Box::new(stream), &self.hello),
        )
        .await
        .map_err(|_| "the greeting timed out".to_owned())?
        .map_err(|e| e.to_string())
    }

    async fn send_on(
        connection: &mut AsyncSmtpConnection,
        message: &Message,
    ) -> Result<(), Undelivered> {
        let formatted = message.formatted();
        match tokio::time::timeout(TIMEOUT, connection.send(message.envelope(), &formatted)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(Undelivered::from_smtp(&e)),
            Err(_) => Err(Undelivered::for_now("sending timed out")),
        }
    }

    pub async fn send(&self, message: &Message) -> Result<(), Undelivered> {
        // A pooled connection the server has closed meanwhile fails at once;
        // the message then goes over a new one.
        if let Some(mut pooled) = self.pooled() {
            if Self::send_on(&mut pooled, message).await.is_ok() {
                self.give_back(pooled).await;
                return Ok(());
            }
            pooled.abort().await;
        }
        let mut fresh = self.connect().await.map_err(Undelivered::for_now)?;
        let result = Self::send_on(&mut fresh, message).await;
        if result.is_ok() {
            self.give_back(fresh).await;
        } else {
            fresh.abort().await;
        }
        result
    }

    /// Keeps a working connection for the next message, up to `max_idle`.
    async fn give_back(&self, mut connection: AsyncSmtpConnection) {
        if !connection.has_broken() {
            if let Ok(mut idle) = self.idle.lock() {
                if idle.len() < self.max_idle {
                    idle.push(connection);
                    return;
                }
            }
        }
        connection.abort().await;
    }
}

#[cfg(test)]
mod tests {
    use super::PlainSmtp;

    #[test]
    fn only_plain_relays_without_login_or_options_take_this_path() {
        let plain = PlainSmtp::for_url("smtp://127.0.0.1:2525", 4).expect("plain");
        assert_eq!((plain.host.as_str(), plain.port), ("127.0.0.1", 2525));
        assert_eq!(
            PlainSmtp::for_url("smtp://relay.example", 4).map(|p| p.port),
            Some(25)
        );
        for other in [
            "smtps://relay.example",
            "smtp://user:secret@relay.example",
            "smtp://relay.example?tls=required",
        ] {
            assert!(PlainSmtp::for_url(other, 4).is_none(), "{other}");
        }
    }
}
