//! Where messages go: an SMTP server, or (without `LOBBY_SMTP_URL`) `.eml`
//! files for development, with the first link of each message in the log.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::plain_smtp::PlainSmtp;
use crate::secret::Secret;
use crate::store::entities::email_outbox;

pub use super::undelivered::Undelivered;

/// SMTP connections kept open at most, and so messages in flight at once.
/// A process killed mid-send may send these again (the server accepted them
/// but the outbox had not recorded it yet): 8 keeps that under 0.1 % of a
/// 10 000-message backlog, and local sends are bound by the database anyway.
pub const CONNECTIONS: u32 = 8;

pub enum MailTransport {
    /// A plain relay, over connections without Nagle's delay.
    Plain(PlainSmtp),
    /// Anything with TLS or a login: lettre's transport.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Dev {
        dir: PathBuf,
    },
}

impl MailTransport {
    /// `smtp://` or `smtps://` with optional `user:password@`; see the README.
    pub fn smtp(url: &Secret<String>) -> Result<MailTransport, lettre::transport::smtp::Error> {
        if let Some(plain) = PlainSmtp::for_url(url.expose(), CONNECTIONS as usize) {
            return Ok(MailTransport::Plain(plain));
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())?
            .timeout(Some(Duration::from_secs(30)))
            .pool_config(PoolConfig::new().max_size(CONNECTIONS))
            .build();
        Ok(MailTransport::Smtp(transport))
    }

    pub fn dev(dir: PathBuf) -> MailTransport {
        MailTransport::Dev { dir }
    }

    /// Delivers one outbox row.
    pub async fn send(&self, from: &Mailbox, row: &email_outbox::Model) -> Result<(), Undelivered> {
        let message = build_message(from, row).map_err(Undelivered::permanent)?;
        match self {
            MailTransport::Plain(plain) => plain.send(&message).await,
            MailTransport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| Undelivered::from_smtp(&e)),
            MailTransport::Dev { dir } => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| Undelivered::for_now(e.to_string()))?;
                let file = dir.join(format!(
                    "{}-{}.eml",
                    row.created_at.format("%Y%m%dT%H%M%S"),
                    row.id
                ));
                tokio::fs::write(&file, message.formatted())
                    .await
                    .map_err(|e| Undelivered::for_now(e.to_string()))?;
                let kept = super::dev_mailbox::StoredMail::of(row, chrono::Utc::now());
                super::dev_mailbox::store(dir, &kept)
                    .await
                    .map_err(|e| Undelivered::for_now(e.to_string()))?;
                tracing::info!(
                    to = %row.to_address,
                    subject = %row.subject,
                    file = %file.display(),
                    link = first_link(&row.body_text).unwrap_or("-"),
                    "dev mail stored"
                );
                Ok(())
            }
        }
    }
}

/// The MIME message for a row. Its Message-ID is derived from the row's id, so
/// a receiver can recognise a message delivered twice after a crash.
pub fn build_message(from: &Mailbox, row: &email_outbox::Model) -> Result<Message, String> {
    let to: Mailbox = row
        .to_address
        .parse()
        .map_err(|e| format!("bad recipient: {e}"))?;
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(row.subject.clone())
        .message_id(Some(format!("<{}@lobby>", row.id)));
    if let Some(cc) = &row.cc_address {
        builder = builder.cc(cc.parse().map_err(|e| format!("bad cc recipient: {e}"))?);
    }
    let text = SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(row.body_text.clone());
    let result = match &row.body_html {
        Some(html) => builder.multipart(
            MultiPart::alternative().singlepart(text).singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_HTML)
                    .body(html.clone()),
            ),
        ),
        None => builder.singlepart(text),
    };
    result.map_err(|e| e.to_string())
}

fn first_link(text: &str) -> Option<&str> {
    let start = ["http://", "https://"]
        .iter()
        .filter_map(|scheme| text.find(scheme))
        .min()?;
    text[start..].split_whitespace().next()
}

#[cfg(test)]
mod tests {
    use super::first_link;

    #[test]
    fn finds_the_first_link() {
        assert_eq!(
            first_link("Open http://x/invite/abc now, or https://y"),
            Some("http://x/invite/abc")
        );
        assert_eq!(first_link("no link"), None);
    }
}
