//! The landing page's reads, joined: the link of an invitation is the most
//! opened page, and each query is a round trip (on SQLite, two hand-offs
//! between threads, which cost more than the query itself). One query runs
//! at a time; the lookups that arrive meanwhile go together in the next,
//! one query for all their tickets; alone, a lookup goes at once. Each
//! still reads the database: nothing is kept between requests.

use std::collections::HashMap;
use std::sync::Arc;

use sea_orm::{DatabaseConnection, DbErr};
use tokio::sync::{mpsc, oneshot};

use super::landing::{facts_of, LinkFacts};
use crate::invitations::ticket::InvitationTicket;

/// Tickets in one query at most.
const BATCH: usize = 64;

type Answer = Result<Option<Arc<LinkFacts>>, Arc<DbErr>>;

struct Lookup {
    hash: String,
    answer: oneshot::Sender<Answer>,
}

/// Hands lookups to the task that batches them; cloned into every handler.
#[derive(Clone)]
pub struct LinkReader {
    lookups: mpsc::UnboundedSender<Lookup>,
}

impl LinkReader {
    /// Starts the batching task on the current runtime; it ends when the
    /// last `LinkReader` is dropped.
    pub fn start(db: DatabaseConnection) -> LinkReader {
        let (lookups, queue) = mpsc::unbounded_channel();
        tokio::spawn(batch(db, queue));
        LinkReader { lookups }
    }

    /// What the landing page shows of the invitation behind `raw` (as
    /// written in the link).
    pub async fn read(&self, raw: &str) -> Result<Option<Arc<LinkFacts>>, DbErr> {
        let Some(ticket) = InvitationTicket::parse(raw) else {
            return Ok(None);
        };
        let (answer, answered) = oneshot::channel();
        let lookup = Lookup {
            hash: ticket.hash(),
            answer,
        };
        let stopped = || DbErr::Custom("the link reader has stopped".into());
        self.lookups.send(lookup).map_err(|_| stopped())?;
        match answered.await.map_err(|_| stopped())? {
            Ok(link) => Ok(link),
            Err(e) => Err(DbErr::Custom(e.to_string())),
        }
    }
}

async fn batch(db: DatabaseConnection, mut queue: mpsc::UnboundedReceiver<Lookup>) {
    while let Some(first) = queue.recv().await {
        // The handlers ready to run ask too before this batch goes; while
        // it runs, the next one fills.
        tokio::task::yield_now().await;
        let mut lookups = vec![first];
        while lookups.len() < BATCH {
            match queue.try_recv() {
                Ok(lookup) => lookups.push(lookup),
                Err(_) => break,
            }
        }
        answer(&db, lookups).await;
    }
}

/// Reads the links of `lookups` in one query and gives each its own.
async fn answer(db: &DatabaseConnection, lookups: Vec<Lookup>) {
    let mut hashes: Vec<String> = lookups.iter().map(|l| l.hash.clone()).collect();
    hashes.sort_unstable();
    hashes.dedup();
    match facts_of(db, hashes).await {
        Ok(links) => {
            let found: HashMap<String, Arc<LinkFacts>> = links
                .into_iter()
                .map(|link| (link.ticket_hash.clone(), Arc::new(link)))
                .collect();
            for lookup in lookups {
                let link = found.get(&lookup.hash).cloned();
                let _ = lookup.answer.send(Ok(link));
            }
        }
        Err(e) => {
            let e = Arc::new(e);
            for lookup in lookups {
                let _ = lookup.answer.send(Err(e.clone()));
            }
        }
    }
}
