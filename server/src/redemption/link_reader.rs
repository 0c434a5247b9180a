//! The landing page's reads, joined: the link of an invitation is the most
//! opened page, and each query is a round trip (on SQLite, two hand-offs
//! between threads, which cost more than the query itself). One query runs
//! at a time; the lookups that arrive meanwhile go together in the next,
//! one query for all their tickets; alone, a lookup goes at once. Each
//! still reads the database: nothing is kept between requests.
//!
//! While lookups keep coming, the reader keeps one connection of the pool
//! (given back after a second without one): sqlx tests a connection with
//! a round trip each time it goes back to the pool, which was a second
//! round trip for every query and half of PostgreSQL's work (perf).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use sea_orm::sqlx::pool::PoolConnection;
use sea_orm::sqlx::{AssertSqlSafe, Postgres, Sqlite};
use sea_orm::{DatabaseConnection, DbBackend, DbErr, FromQueryResult, QueryResult, Value};
use tokio::sync::mpsc::error::TryRecvError;
use tokio::sync::{mpsc, oneshot};
use tokio::time::timeout;

use super::landing::{facts_of, LinkFacts};
use crate::invitations::ticket::InvitationTicket;

/// Tickets in one query at most.
const BATCH: usize = 64;
/// How long the reader keeps its connection without a lookup.
const KEEP: Duration = Duration::from_secs(1);

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
    let mut reader = Reader {
        keeps: pool_size(&db) > 1,
        db,
        held: None,
        queries: HashMap::new(),
    };
    loop {
        let first = match queue.try_recv() {
            Ok(lookup) => lookup,
            Err(TryRecvError::Disconnected) => return,
            Err(TryRecvError::Empty) => match timeout(KEEP, queue.recv()).await {
                Ok(Some(lookup)) => lookup,
                Ok(None) => return,
                Err(_) => {
                    // Idle: the connection goes back to the pool, which
                    // tests it before its next use.
                    reader.held = None;
                    match queue.recv().await {
                        Some(lookup) => lookup,
                        None => return,
                    }
                }
            },
        };
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
        answer(&mut reader, lookups).await;
        if !reader.keeps {
            reader.held = None;
        }
    }
}

/// Reads the links of `lookups` in one query and gives each its own.
async fn answer(reader: &mut Reader, lookups: Vec<Lookup>) {
    let mut hashes: Vec<String> = lookups.iter().map(|l| l.hash.clone()).collect();
    hashes.sort_unstable();
    hashes.dedup();
    match reader.facts(hashes).await {
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

/// The reader's database, the connection it holds while busy, and its
/// query's text for each number of tickets (built once: sea-query's
/// building was a twentieth of the page's time).
struct Reader {
    db: DatabaseConnection,
    held: Option<Held>,
    /// Whether it may hold a connection: not the pool's only one (an
    /// in-memory SQLite database).
    keeps: bool,
    queries: HashMap<usize, Arc<str>>,
}

enum Held {
    Postgres(PoolConnection<Postgres>),
    Sqlite(PoolConnection<Sqlite>),
}

impl Reader {
    /// The facts of the links whose tickets hash to `hashes`. A connection
    /// that failed is not kept.
    async fn facts(&mut self, hashes: Vec<String>) -> Result<Vec<LinkFacts>, DbErr> {
        let sql = self.query_for(&hashes)?;
        let rows = self.query(&sql, &hashes).await.inspect_err(|_| {
            self.held = None;
        })?;
        rows.iter()
            .map(|row| LinkFacts::from_query_result(row, ""))
            .collect()
    }

    /// The query for as many tickets as `hashes`, whose parameters are
    /// the hashes in their order (checked when it is built).
    fn query_for(&mut self, hashes: &[String]) -> Result<Arc<str>, DbErr> {
        if let Some(sql) = self.queries.get(&hashes.len()) {
            return Ok(sql.clone());
        }
        let query = facts_of(self.db.get_database_backend(), hashes.to_vec());
        let params: Vec<Value> = query.values.map(|v| v.0).unwrap_or_default();
        let expected: Vec<Value> = hashes.iter().map(|h| Value::from(h.as_str())).collect();
        if params != expected {
            return Err(DbErr::Custom(
                "the link query's parameters are not the tickets".into(),
            ));
        }
        let sql: Arc<str> = query.sql.into();
        self.queries.insert(hashes.len(), sql.clone());
        Ok(sql)
    }

    async fn query(
        &mut self,
        sql: &Arc<str>,
        params: &[String],
    ) -> Result<Vec<QueryResult>, DbErr> {
        let held = match &mut self.held {
            Some(held) => held,
            None => self.held.insert(acquire(&self.db).await?),
        };
        let failed = |e: sea_orm::sqlx::Error| DbErr::Custom(format!("reading links: {e}"));
        // Built by sea-query, every value a bound parameter.
        let sql = AssertSqlSafe(sql.clone());
        let rows: Vec<QueryResult> = match held {
            Held::Postgres(conn) => {
                let query = params
                    .iter()
                    .fold(sea_orm::sqlx::query(sql), |q, p| q.bind(p.as_str()));
                let rows = query.fetch_all(&mut **conn).await.map_err(failed)?;
                rows.into_iter().map(QueryResult::from).collect()
            }
            Held::Sqlite(conn) => {
                let query = params
                    .iter()
                    .fold(sea_orm::sqlx::query(sql), |q, p| q.bind(p.as_str()));
                let rows = query.fetch_all(&mut **conn).await.map_err(failed)?;
                rows.into_iter().map(QueryResult::from).collect()
            }
        };
        Ok(rows)
    }
}

fn pool_size(db: &DatabaseConnection) -> u32 {
    match db.get_database_backend() {
        DbBackend::Postgres => db
            .get_postgres_connection_pool()
            .options()
            .get_max_connections(),
        DbBackend::Sqlite => db
            .get_sqlite_connection_pool()
            .options()
            .get_max_connections(),
        _ => 1,
    }
}

async fn acquire(db: &DatabaseConnection) -> Result<Held, DbErr> {
    let failed = |e: sea_orm::sqlx::Error| DbErr::Custom(format!("no connection: {e}"));
    match db.get_database_backend() {
        DbBackend::Postgres => Ok(Held::Postgres(
            db.get_postgres_connection_pool()
                .acquire()
                .await
                .map_err(failed)?,
        )),
        DbBackend::Sqlite => Ok(Held::Sqlite(
            db.get_sqlite_connection_pool()
                .acquire()
                .await
                .map_err(failed)?,
        )),
        other => Err(DbErr::Custom(format!("{other:?} is not supported"))),
    }
}
