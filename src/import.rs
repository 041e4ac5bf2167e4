//! `report-portal import`: a platform's backlog, NDJSON (one report a line, each exactly the
//! body of `POST /v1/reports`), stored for one credential through the API's own reading,
//! rules and preparation ([`JsonBody`], [`received`]) and its submission's judging and storing
//! ([`service::import::store_chunk`]), in bulk transactions.
//!
//! A line gets what the same body posted alone would: stored, skipped as a duplicate (same
//! `external_id` and content already stored, so a run again after an interruption stores nothing
//! twice), or rejected with the API's problem document (400, 409, 410, 413 beyond
//! `max_body_bytes`, 422), reported on stderr with its line number. Memory stays bounded
//! whatever the file's size: lines are read in chunks of at most [`REPORTS_PER_TRANSACTION`]
//! lines and [`MAX_CHUNK_BYTES`] bytes, prepared on every core while the previous chunk is stored.
//! Part of the stored correlation index is held in memory for the lookups
//! ([`service::import::hold_index`]).

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::sync::mpsc::SyncSender;
use std::time::Instant;

use chrono::Utc;
use serde::Serialize;

use crate::bulk::{REPORTS_PER_TRANSACTION, handover, map_on_every_core};
use crate::config::Settings;
use crate::db::DbConnection;
use crate::domain::received::ReceivedBody;
use crate::domain::report::NewReport;
use crate::domain::search::WordHasher;
use crate::error::{ApiError, Problem};
use crate::keys::{KeyStore, NewKey};
use crate::routes::body::JsonBody;
use crate::routes::submission::received;
use crate::service;
use crate::service::import::Imported;
use crate::store::owner::Submitter;

/// The most bytes of lines read ahead into one chunk.
pub const MAX_CHUNK_BYTES: usize = 64 * 1024 * 1024;

/// What to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The NDJSON file; `-` for standard input.
    pub file: PathBuf,
    /// The API credential the reports are submitted as (its organization and mode).
    pub client_id: String,
    /// Stop at the first rejected line (nothing after it is stored).
    pub stop_on_error: bool,
}

/// What `import` did.
#[derive(Debug, Default, Serialize)]
pub struct ImportSummary {
    /// Lines read (blank lines not counted; with `--stop-on-error`, those of the chunks read
    /// up to the stop).
    pub lines: u64,
    /// Reports stored.
    pub stored: u64,
    /// Lines skipped: their report was already stored with the same content.
    pub duplicates: u64,
    /// Lines rejected (each reported on stderr).
    pub rejected: u64,
    /// Whether `--stop-on-error` stopped the import at a rejected line.
    pub stopped: bool,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Reports stored per second.
    pub reports_per_second: f64,
}

/// A rejected line, as printed on stderr (one JSON object a line).
#[derive(Debug, Serialize)]
struct Rejected {
    /// Its line number, from 1.
    line: u64,
    /// The problem document the API would have answered.
    problem: Problem,
}

/// A line read: its number and its bytes, or its refusal when too long to read.
type Line = (u64, Result<Vec<u8>, ApiError>);

/// A line prepared: its number and its body ready to store, or its refusal.
type PreparedLine = (u64, Result<ReceivedBody, ApiError>);

/// A chunk of lines prepared, with a data key for each body ready to store, in order.
type PreparedChunk = (Vec<PreparedLine>, Vec<NewKey>);

/// Reads `input` in chunks of lines of at most `limit` bytes, prepares each chunk
/// ([`prepare`]), takes a data key for each body ready to store (one key-store transaction a
/// chunk, beside the database's writes rather than inside them) and sends it to the writer.
/// Stops early when the writer has stopped receiving.
fn read(
    input: Box<dyn Read + Send>,
    limit: usize,
    hasher: &WordHasher,
    keys: &KeyStore,
    progress: &indicatif::ProgressBar,
    chunks: SyncSender<PreparedChunk>,
) -> anyhow::Result<()> {
    let mut lines = LineReader::new(BufReader::new(input), limit);
    loop {
        let chunk = lines.next_chunk()?;
        progress.set_position(lines.bytes_read);
        if chunk.is_empty() {
            return Ok(());
        }
        let prepared = prepare(chunk, hasher);
        let data_keys = keys.take(prepared.iter().filter(|(_, body)| body.is_ok()).count())?;
        if chunks.send((prepared, data_keys)).is_err() {
            return Ok(());
        }
    }
}

/// Imports `options.file` for credential `options.client_id`, with a progress bar on stderr;
/// answers the summary. Fails before storing anything when the credential may not submit.
pub fn run(
    conn: &mut DbConnection,
    keys: &KeyStore,
    settings: &Settings,
    options: &ImportOptions,
) -> anyhow::Result<ImportSummary> {
    let started = Instant::now();
    let hasher = crate::state::load_word_hasher(settings)?;
    let (input, size): (Box<dyn Read + Send>, Option<u64>) = if options.file.as_os_str() == "-" {
        (Box::new(std::io::stdin()), None)
    } else {
        let file = std::fs::File::open(&options.file)
            .map_err(|e| anyhow::anyhow!("{}: {e}", options.file.display()))?;
        let size = file.metadata()?.len();
        (Box::new(file), Some(size))
    };
    let threshold = settings.correlation_common_threshold;
    let submitter = service::import::importer(conn, &options.client_id, threshold)
        .map_err(|e| anyhow::anyhow!("credential {}: {e}", options.client_id))?;
    let progress = progress_bar(size)?;

    let limit = settings.max_body_bytes;
    let (chunks, prepared) = handover::<PreparedChunk>();
    let mut summary = ImportSummary::default();
    std::thread::scope(|scope| {
        let reader = scope.spawn(|| read(input, limit, &hasher, keys, &progress, chunks));
        let _held = service::import::hold_index();
        for chunk in prepared {
            if store_prepared(conn, &submitter, options, &progress, &mut summary, chunk)? {
                summary.stopped = true;
                break;
            }
        }
        reader
            .join()
            .map_err(|_| anyhow::anyhow!("the line reader panicked"))?
    })?;
    progress.finish();
    summary.seconds = started.elapsed().as_secs_f64();
    summary.reports_per_second = summary.stored as f64 / summary.seconds;
    Ok(summary)
}

/// Stores one prepared chunk for `submitter`, counts it into `summary` and prints its rejected
/// lines; answers whether `--stop-on-error` stops the import at one of them.
fn store_prepared(
    conn: &mut DbConnection,
    submitter: &Submitter,
    options: &ImportOptions,
    progress: &indicatif::ProgressBar,
    summary: &mut ImportSummary,
    (chunk, mut data_keys): PreparedChunk,
) -> anyhow::Result<bool> {
    summary.lines += chunk.len() as u64;
    let mut bodies = Vec::with_capacity(chunk.len());
    let mut numbers = Vec::with_capacity(chunk.len());
    let mut refused = Vec::new();
    for (line, prepared) in chunk {
        match prepared {
            Ok(body) => {
                bodies.push(body);
                numbers.push(line);
            }
            Err(error) => refused.push((line, error)),
        }
    }
    if options.stop_on_error {
        // Only the lines before the first refused one count.
        if let Some(&(first, _)) = refused.first() {
            let before = numbers.partition_point(|&n| n < first);
            bodies.truncate(before);
            numbers.truncate(before);
            data_keys.truncate(before);
            refused.truncate(1);
        }
    }
    let outcomes =
        service::import::store_chunk(conn, submitter, &bodies, &data_keys, options.stop_on_error)?;
    for (line, outcome) in numbers.into_iter().zip(outcomes) {
        match outcome {
            Ok(Imported::Stored) => summary.stored += 1,
            Ok(Imported::Duplicate) => summary.duplicates += 1,
            Err(error) => refused.push((line, error)),
        }
    }
    refused.sort_by_key(|(line, _)| *line);
    if options.stop_on_error {
        refused.truncate(1);
    }
    for (line, error) in &refused {
        report_rejected(progress, *line, error)?;
    }
    summary.rejected += refused.len() as u64;
    progress.set_message(format!(
        "{} stored, {} duplicates, {} rejected",
        summary.stored, summary.duplicates, summary.rejected
    ));
    Ok(options.stop_on_error && !refused.is_empty())
}

/// The progress bar on stderr: by bytes of a file of known `size`, a spinner on standard input.
fn progress_bar(size: Option<u64>) -> anyhow::Result<indicatif::ProgressBar> {
    Ok(match size {
        Some(size) => {
            indicatif::ProgressBar::new(size).with_style(indicatif::ProgressStyle::with_template(
                "{elapsed_precise} [{wide_bar}] {bytes}/{total_bytes}, eta {eta}: {msg}",
            )?)
        }
        None => indicatif::ProgressBar::new_spinner().with_style(
            indicatif::ProgressStyle::with_template("{elapsed_precise} {spinner} {bytes}: {msg}")?,
        ),
    })
}

/// Prints rejected `line` with the problem document `error` makes, above the progress bar.
fn report_rejected(
    progress: &indicatif::ProgressBar,
    line: u64,
    error: &ApiError,
) -> anyhow::Result<()> {
    if let ApiError::Internal(cause) = error {
        tracing::error!(line, "import: {cause:#}");
    }
    let text = serde_json::to_string(&Rejected {
        line,
        problem: error.problem(None),
    })?;
    progress.suspend(|| eprintln!("{text}"));
    Ok(())
}

/// Reads and prepares each line of `chunk` as the API reads and prepares a body (on every
/// core): JSON of the report's shape (400, 422), then its rules (422), its hash and keys.
fn prepare(chunk: Vec<Line>, hasher: &WordHasher) -> Vec<PreparedLine> {
    let now = Utc::now();
    map_on_every_core(chunk, |(number, line)| {
        let body = line.and_then(|bytes| JsonBody::<NewReport>::parse(&bytes));
        (number, body.and_then(|body| received(body, now, hasher)))
    })
}

/// Reads lines of at most `limit` bytes, in chunks.
struct LineReader<R> {
    input: R,
    limit: usize,
    /// The number of the last line read.
    number: u64,
    /// Bytes read so far.
    bytes_read: u64,
}

impl<R: BufRead> LineReader<R> {
    fn new(input: R, limit: usize) -> Self {
        LineReader {
            input,
            limit,
            number: 0,
            bytes_read: 0,
        }
    }

    /// The next lines that are not blank: at most [`REPORTS_PER_TRANSACTION`] of them and
    /// [`MAX_CHUNK_BYTES`] bytes (at least one line); empty at the end.
    fn next_chunk(&mut self) -> std::io::Result<Vec<Line>> {
        let mut chunk = Vec::new();
        let mut bytes = 0;
        while chunk.len() < REPORTS_PER_TRANSACTION && bytes < MAX_CHUNK_BYTES {
            let Some(line) = self.next_line()? else {
                break;
            };
            if let (_, Ok(text)) = &line {
                if text.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                bytes += text.len();
            }
            chunk.push(line);
        }
        Ok(chunk)
    }

    /// The next line without its end (`\n` or `\r\n`), or 413 when longer than `limit` (the rest
    /// of it then skipped, never held); `None` at the end.
    fn next_line(&mut self) -> std::io::Result<Option<Line>> {
        let mut text = Vec::new();
        let read = (&mut self.input)
            .take(self.limit as u64 + 2)
            .read_until(b'\n', &mut text)?;
        if read == 0 {
            return Ok(None);
        }
        self.bytes_read += read as u64;
        self.number += 1;
        let ended = text.last() == Some(&b'\n');
        if ended {
            text.pop();
            if text.last() == Some(&b'\r') {
                text.pop();
            }
        }
        if text.len() > self.limit {
            if !ended {
                self.skip_rest_of_line()?;
            }
            let too_large = ApiError::PayloadTooLarge { limit: self.limit };
            return Ok(Some((self.number, Err(too_large))));
        }
        Ok(Some((self.number, Ok(text))))
    }

    fn skip_rest_of_line(&mut self) -> std::io::Result<()> {
        loop {
            let buffer = self.input.fill_buf()?;
            if buffer.is_empty() {
                return Ok(());
            }
            let (used, ended) = match buffer.iter().position(|&b| b == b'\n') {
                Some(end) => (end + 1, true),
                None => (buffer.len(), false),
            };
            self.input.consume(used);
            self.bytes_read += used as u64;
            if ended {
                return Ok(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &str, limit: usize) -> Vec<(u64, Result<String, u16>)> {
        let mut reader = LineReader::new(input.as_bytes(), limit);
        let mut all = Vec::new();
        loop {
            let chunk = reader.next_chunk().unwrap();
            if chunk.is_empty() {
                return all;
            }
            all.extend(chunk.into_iter().map(|(n, line)| {
                (
                    n,
                    line.map(|t| String::from_utf8(t).unwrap())
                        .map_err(|e| actix_web::ResponseError::status_code(&e).as_u16()),
                )
            }));
        }
    }

    #[test]
    fn lines_are_numbered_from_one_and_blank_ones_skipped() {
        assert_eq!(
            lines("{\"a\":1}\r\n\n  \n{\"b\":2}", 100),
            vec![(1, Ok("{\"a\":1}".into())), (4, Ok("{\"b\":2}".into()))]
        );
    }

    #[test]
    fn a_line_longer_than_the_limit_is_413_and_the_next_one_is_read() {
        let long = "x".repeat(25);
        let input = format!("{}\n{long}\n{}\n", "y".repeat(10), "z".repeat(10));
        assert_eq!(
            lines(&input, 10),
            vec![
                (1, Ok("y".repeat(10))),
                (2, Err(413)),
                (3, Ok("z".repeat(10)))
            ]
        );
        assert_eq!(lines(&"x".repeat(11), 10), vec![(1, Err(413))]);
    }
}
