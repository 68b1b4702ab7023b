//! The parse stage: one [`Chunk`] of XML in, its entries as one Arrow `RecordBatch` out, sent
//! to the in-order stage as a [`StageMessage`].
//!
//! Runs as jobs on the worker pool ([`ParseStage::job`]), any number of chunks at once, in any
//! order; everything that depends on order (row groups, rejects file, first copyright) is left
//! to the in-order stage.
//! The XML→column mapping is the one of the whole crate: [`EntryReader`] writes each entry
//! straight into the columns of the thread's [`EntryBatchBuilder`] (no model value is built),
//! which is reused across chunks. Positions in errors and rejects are mapped from the chunk back
//! to the input, so messages name the same byte offsets as a single-threaded read would.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use crossbeam_channel::Sender;

use super::metrics::Metrics;
use super::pool::Job;
use super::reader::Chunk;
use super::stop::{panicked, StopSignals};
use crate::config::ParserSettings;
use crate::error::{Error, ParseError, ParseErrorKind};
use crate::isoform::{self, IsoformCounts};
use crate::parse::{EntryElements, EntryReader, ParseLimits, Rejected, Step};
use crate::table::batch::EntryBatchBuilder;

/// What the parse workers and the reader tell the in-order stage.
pub enum StageMessage {
    /// A parsed chunk (by its number), or why it could not be parsed.
    Chunk(u64, Result<ParsedChunk, Error>),
    /// The reader dispatched every chunk of the input: this many.
    End {
        /// Chunks dispatched.
        chunks: u64,
    },
}

/// What every parse job shares: the input's name, the parser settings, the counters, the stop
/// signals and the queues back (results to the in-order stage, buffers to the reader).
pub struct ParseStage {
    /// Names the input in errors.
    pub input_name: String,
    /// The parser settings.
    pub settings: ParserSettings,
    /// The columns built (the output schema, or a projection of it).
    pub schema: SchemaRef,
    /// The child elements of `<entry>` those columns need (the others are skipped unread).
    pub elements: EntryElements,
    /// Where parse time is counted.
    pub metrics: Arc<Metrics>,
    /// Checked before a job starts: a closing pipeline skips queued work.
    pub stop: StopSignals,
    /// Where results go.
    pub results: Sender<StageMessage>,
    /// Where the chunk's buffer goes back for reuse.
    pub recycle: Sender<Vec<u8>>,
    /// Derive the isoforms table from the chunk's rows too (`convert --isoforms`).
    pub isoforms: bool,
}

impl ParseStage {
    /// The pool job that parses `chunk` (unless the pipeline is closing by then) and sends
    /// the result.
    pub fn job(self: &Arc<Self>, chunk: Chunk) -> Job {
        let stage = Arc::clone(self);
        Box::new(move || stage.parse(chunk))
    }

    fn parse(&self, chunk: Chunk) {
        if self.stop.closing() {
            return;
        }
        let parsed = Metrics::timed(&self.metrics.parse_nanos, || {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let mut parsed = parse_chunk(
                    &chunk,
                    &self.input_name,
                    &self.settings,
                    &self.schema,
                    self.elements,
                )?;
                if self.isoforms {
                    parsed.isoforms = Some(Box::new(isoform::derive(&parsed.rows)?));
                }
                Ok(parsed)
            }))
            .unwrap_or_else(|_| Err(panicked("parse")))
        });
        let _ = self.results.send(StageMessage::Chunk(chunk.seq, parsed));
        let _ = self.recycle.send(chunk.data);
    }
}

/// What one chunk parsed into.
#[derive(Debug)]
pub struct ParsedChunk {
    /// Its entries, one row each, in input order.
    pub rows: RecordBatch,
    /// For each row, the input offset just past its `</entry>`.
    pub ends: Vec<u64>,
    /// Entries rejected under `parser.on_error: skip`, in input order.
    pub rejected: Vec<Rejected>,
    /// Unmapped element/attribute paths met in this chunk, with counts.
    pub unmapped: BTreeMap<String, u64>,
    /// The document's `<copyright>` text, when this chunk holds it.
    pub copyright: Option<String>,
    /// The isoform rows derived from `rows`, with their counts, when asked for.
    pub isoforms: Option<Box<(RecordBatch, IsoformCounts)>>,
}

thread_local! {
    /// The thread's Arrow builder, reused across chunks.
    static BUILDER: RefCell<Option<EntryBatchBuilder>> = const { RefCell::new(None) };
}

/// Parses `chunk` of the input called `input_name` with the parser `settings`, each entry
/// straight into the Arrow builders, so a worker holds the chunk's columns and nothing else;
/// the batch has the columns of `schema`, and only the child elements of `<entry>` in
/// `elements` are read.
pub fn parse_chunk(
    chunk: &Chunk,
    input_name: &str,
    settings: &ParserSettings,
    schema: &SchemaRef,
    elements: EntryElements,
) -> Result<ParsedChunk, Error> {
    BUILDER.with(|cell| {
        let mut slot = cell.borrow_mut();
        // The same conversion hands every chunk the same `Arc`: compare fields only otherwise.
        let other_columns =
            |b: &EntryBatchBuilder| !Arc::ptr_eq(b.schema(), schema) && b.schema() != schema;
        if slot.as_ref().is_some_and(other_columns) {
            // Another conversion on this thread asked for other columns.
            *slot = None;
        }
        let builder =
            slot.get_or_insert_with(|| EntryBatchBuilder::with_schema(Arc::clone(schema)));
        builder.reserve_like_last();
        let parsed = match read_entries(chunk, settings, elements, builder) {
            Ok(parsed) => parsed,
            Err(error) => {
                // Start the next chunk from empty builders.
                *slot = None;
                return Err(Error::Parse {
                    path: input_name.to_owned(),
                    error,
                });
            }
        };
        let rows = builder.finish().map_err(|source| Error::Arrow {
            input: input_name.to_owned(),
            source,
        })?;
        Ok(ParsedChunk {
            rows,
            ends: parsed.ends,
            rejected: parsed.rejected,
            unmapped: parsed.unmapped,
            copyright: parsed.copyright,
            isoforms: None,
        })
    })
}

/// What [`read_entries`] found besides the entries.
struct ChunkItems {
    ends: Vec<u64>,
    rejected: Vec<Rejected>,
    unmapped: BTreeMap<String, u64>,
    copyright: Option<String>,
}

/// Reads every entry of `chunk` into `builder`; positions are input offsets.
fn read_entries(
    chunk: &Chunk,
    settings: &ParserSettings,
    elements: EntryElements,
    builder: &mut EntryBatchBuilder,
) -> Result<ChunkItems, ParseError> {
    let mut reader = EntryReader::new(
        &chunk.data[..],
        settings.strict,
        ParseLimits::from_settings(settings),
    )
    .with_on_error(settings.on_error)
    .with_elements(elements);
    let mut items = ChunkItems {
        ends: Vec::new(),
        rejected: Vec::new(),
        unmapped: BTreeMap::new(),
        copyright: None,
    };
    loop {
        let item = match reader.next_into(builder.columns_mut()) {
            Ok(item) => item,
            Err(mut error) => {
                error.offset = chunk.input_offset(error.offset);
                return Err(read_error_instead(chunk, error));
            }
        };
        match item {
            Some(Step::Entry) => items.ends.push(chunk.input_offset(reader.position())),
            Some(Step::Rejected(mut rejected)) => {
                rejected.error.offset = chunk.input_offset(rejected.error.offset);
                rejected.start = chunk.input_offset(rejected.start);
                rejected.end = chunk.input_offset(rejected.end);
                items.rejected.push(rejected);
            }
            None => break,
        }
    }
    if let Some(read_error) = &chunk.read_error {
        // The bytes before the failure parsed as a whole document; the input is still broken.
        return Err(ParseError {
            offset: chunk.input_offset((chunk.header_len + chunk.input_len) as u64),
            accession: None,
            kind: ParseErrorKind::Io(std::sync::Arc::clone(read_error)),
        });
    }
    items.unmapped = reader.unmapped();
    items.copyright = reader.trailer().copyright.clone();
    Ok(items)
}

/// When the input failed to read right after this chunk, the parser's complaint about the
/// cut-off end is really that read error: report it, keeping position and accession.
fn read_error_instead(chunk: &Chunk, error: ParseError) -> ParseError {
    match (&chunk.read_error, &error.kind) {
        (Some(read_error), ParseErrorKind::Truncated(_) | ParseErrorKind::Xml(_)) => ParseError {
            kind: ParseErrorKind::Io(std::sync::Arc::clone(read_error)),
            ..error
        },
        _ => error,
    }
}
