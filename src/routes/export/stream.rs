//! Streaming an export in constant memory: a blocking thread with a connection of its own reads the
//! matching fundings in keyset batches inside one read snapshot and hands each batch's bytes to
//! the response through a channel of two chunks, so at most a few batches are ever held.

use std::time::Duration;

use actix_web::web::Bytes;
use futures_util::Stream;
use tokio::sync::{mpsc, oneshot};

use crate::db::models::FundingRow;
use crate::db::{read_snapshot, Database};
use crate::error::AppError;
use crate::read::export::{self, Named, Rows, Summary};
use crate::read::fundings::FundingQuery;

/// Fundings per batch (one statement for the rows, five for what they name).
pub const BATCH: i64 = 500;

/// How long the export waits for a client to take the next chunk before it gives up (and frees
/// its connection).
const STALLED_AFTER: Duration = Duration::from_secs(60);

/// What an export writes: a head, each batch, a tail.
pub trait Body: Send + 'static {
    /// Which fundings the batches hold.
    fn rows(&self) -> Rows;
    /// The bytes before the first batch.
    ///
    /// # Errors
    /// Serialising fails.
    fn head(&mut self, summary: &Summary) -> Result<Vec<u8>, AppError>;
    /// One batch's bytes.
    ///
    /// # Errors
    /// Serialising fails.
    fn batch(&mut self, rows: &[FundingRow], named: &Named) -> Result<Vec<u8>, AppError>;
    /// The bytes after the last batch.
    ///
    /// # Errors
    /// Serialising fails.
    fn tail(&mut self, summary: &Summary) -> Result<Vec<u8>, AppError>;
}

/// The chunks of a running export.
pub type Chunks = std::pin::Pin<Box<dyn Stream<Item = Result<Bytes, std::io::Error>>>>;

/// Starts writing `body` for the fundings `query` matches; returns the summary (read first, in
/// the same snapshot as every batch) and the chunks. An error before the summary is returned; one
/// after it ends the stream with an error (the response is cut off, never completed wrongly) and
/// is logged with `request_id`. `turn` is held until the last chunk is written.
///
/// # Errors
/// No connection within the pool's wait (`SERVICE_UNAVAILABLE`), or a database error.
pub async fn start(
    db: Database,
    query: FundingQuery,
    body: impl Body,
    request_id: String,
    turn: Option<tokio::sync::OwnedSemaphorePermit>,
) -> Result<(Summary, Chunks), AppError> {
    let (head_tx, head_rx) = oneshot::channel();
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(2);
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || {
        let _entered = span.enter();
        // The export's turn ends with its last chunk.
        let _turn = turn;
        produce(&db, &query, body, head_tx, &tx, &request_id);
    });
    let summary = head_rx.await.map_err(|_| AppError::internal("the export stopped before it began"))??;
    let chunks = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) });
    Ok((summary, Box::pin(chunks)))
}

fn produce(
    db: &Database,
    query: &FundingQuery,
    mut body: impl Body,
    head_tx: oneshot::Sender<Result<Summary, AppError>>,
    tx: &mpsc::Sender<Result<Bytes, std::io::Error>>,
    request_id: &str,
) {
    let handle = tokio::runtime::Handle::current();
    // False when the client went away or stopped reading.
    let send = |bytes: Vec<u8>| {
        let sent = handle.block_on(tokio::time::timeout(STALLED_AFTER, tx.send(Ok(Bytes::from(bytes)))));
        matches!(sent, Ok(Ok(())))
    };
    let mut head_tx = Some(head_tx);
    let result = db.get().and_then(|mut conn| {
        read_snapshot(&mut conn, |c| {
            let summary = export::summary(c, query)?;
            let Some(head) = head_tx.take() else { return Ok(()) };
            if head.send(Ok(summary)).is_err() || !send(body.head(&summary)?) {
                return Ok(());
            }
            let mut after = 0;
            loop {
                let rows = export::batch(c, query, body.rows(), after, BATCH)?;
                let Some(last) = rows.last() else { break };
                after = last.id.0;
                let named = export::named(c, &rows)?;
                if !send(body.batch(&rows, &named)?) {
                    return Ok(());
                }
                if (rows.len() as i64) < BATCH {
                    break;
                }
            }
            send(body.tail(&summary)?);
            Ok(())
        })
    });
    if let Err(e) = result {
        match head_tx.take() {
            // Logged where the response is made.
            Some(head) => {
                let _ = head.send(Err(e));
            }
            None => {
                e.log(request_id);
                let _ = handle.block_on(tx.send(Err(std::io::Error::other("the export failed"))));
            }
        }
    }
}
