//! The development mailbox: with no SMTP server configured, each message is
//! kept as an `.eml` file and, beside it, as JSON that `/dev/mail` reads
//! back (recipient, subject, time, text and HTML).

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::store::entities::email_outbox;

/// One message as it was delivered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredMail {
    pub id: Uuid,
    pub to: String,
    pub cc: Option<String>,
    pub subject: String,
    pub at: DateTime<Utc>,
    pub text: String,
    pub html: Option<String>,
}

impl StoredMail {
    pub fn of(row: &email_outbox::Model, at: DateTime<Utc>) -> StoredMail {
        StoredMail {
            id: row.id,
            to: row.to_address.clone(),
            cc: row.cc_address.clone(),
            subject: row.subject.clone(),
            at,
            text: row.body_text.clone(),
            html: row.body_html.clone(),
        }
    }
}

fn file_of(dir: &Path, id: Uuid) -> PathBuf {
    dir.join(format!("{id}.json"))
}

/// Keeps `mail` in `dir`.
pub async fn store(dir: &Path, mail: &StoredMail) -> std::io::Result<()> {
    let json = serde_json::to_vec_pretty(mail).map_err(std::io::Error::other)?;
    tokio::fs::write(file_of(dir, mail.id), json).await
}

/// Every kept message, newest first; a file that does not read as one is
/// skipped. A missing directory is an empty mailbox.
pub async fn list(dir: &Path) -> std::io::Result<Vec<StoredMail>> {
    let mut entries = match tokio::fs::read_dir(dir).await {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut mails = Vec::new();
    while let Some(entry) = entries.next_entry().await? {
        if entry.path().extension().is_some_and(|e| e == "json") {
            let bytes = tokio::fs::read(entry.path()).await?;
            if let Ok(mail) = serde_json::from_slice::<StoredMail>(&bytes) {
                mails.push(mail);
            }
        }
    }
    mails.sort_by(|a, b| b.at.cmp(&a.at).then(b.id.cmp(&a.id)));
    Ok(mails)
}

/// The kept message `id`, if any.
pub async fn find(dir: &Path, id: Uuid) -> std::io::Result<Option<StoredMail>> {
    match tokio::fs::read(file_of(dir, id)).await {
        Ok(bytes) => Ok(serde_json::from_slice(&bytes).ok()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}
