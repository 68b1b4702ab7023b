//! The conversion pipeline: parser (this thread) → bounded channel → writer thread.
//!
//! The parser fills batches of `batch_size` entries (closed early at `batch_max_bytes` of XML)
//! and sends them through a `crossbeam_channel::bounded(channel_capacity)`; when the writer falls
//! behind, `send` blocks, so memory is bounded by the channel and batch limits, never by the
//! input size. A writer error drops the receiver, the parser's next `send` fails and the parser
//! stops; the writer's error is the one reported. A parser error drops the sender without
//! `Finish`, the writer abandons its temporary file, and the parser's error is reported. The
//! output appears at its final path only when both succeeded.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{bounded, Sender};

use crate::config::Settings;
use crate::error::{Error, Result};
use crate::metrics::Metrics;
use crate::model::Entry;
use crate::parse::{EntryReader, ParseLimits};
use crate::writer::{self, OutputSpec, WriterMessage};

/// What a successful conversion did.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Entries converted (= rows written).
    pub entries: u64,
    /// Batches sent (= row groups written).
    pub batches: u64,
    /// Bytes of XML parsed (decompressed).
    pub xml_bytes: u64,
    /// Bytes of the Parquet file.
    pub output_bytes: u64,
    /// Row groups in the Parquet file.
    pub row_groups: usize,
    /// Wall time of the whole conversion.
    pub elapsed: Duration,
    /// Unmapped element/attribute paths with their counts (empty when the model covers all).
    pub unmapped: BTreeMap<String, u64>,
    /// Final output path.
    pub output: PathBuf,
}

/// Converts the XML read from `input` into the Parquet file `output`.
///
/// `input_name` names the input in errors and in the file's metadata.
pub fn convert<R: BufRead>(
    input: R,
    input_name: &str,
    output: PathBuf,
    settings: &Settings,
    metrics: Arc<Metrics>,
) -> Result<Summary> {
    let started = Instant::now();
    let spec = OutputSpec {
        path: output,
        parquet: settings.parquet.clone(),
        max_row_group_rows: settings.pipeline.batch_size,
        input_name: input_name.to_owned(),
    };
    let limits = ParseLimits {
        max_text_bytes: settings.parser.max_text_bytes,
    };
    let mut reader = EntryReader::new(input, settings.parser.strict, limits);
    // The parser blocks on `send` once `channel_capacity` batches wait for the writer.
    let (tx, rx) = bounded::<WriterMessage>(settings.pipeline.channel_capacity);
    let output_path = spec.path.clone();

    let (parsed, written) = std::thread::scope(|scope| {
        let writer_metrics = Arc::clone(&metrics);
        let writer = std::thread::Builder::new()
            .name("parquet-writer".into())
            .spawn_scoped(scope, move || writer::run(rx, spec, writer_metrics));
        let writer = match writer {
            Ok(handle) => handle,
            Err(e) => {
                return (
                    Ok(()),
                    Err(Error::Internal(format!("cannot start writer: {e}"))),
                )
            }
        };
        let parsing = Instant::now();
        let parsed = produce(&mut reader, input_name, tx, settings, &metrics);
        let blocked = Duration::from_nanos(Metrics::get(&metrics.parser_blocked_nanos));
        Metrics::add_duration(
            &metrics.parse_nanos,
            parsing.elapsed().saturating_sub(blocked),
        );
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(Error::Internal("the writer thread panicked".into())));
        (parsed, written)
    });

    let file = match (parsed, written) {
        (Ok(()), Ok(file)) => file,
        (Err(ParserStop::Failed(e)), _) => return Err(e),
        (_, Err(e)) => return Err(e),
        (Err(ParserStop::WriterGone), Ok(_)) => return Err(writer::abandoned(&output_path)),
    };
    let (bytes, row_groups) = (file.bytes, file.row_groups);
    let output = file.persist()?;
    Ok(Summary {
        entries: Metrics::get(&metrics.entries),
        batches: Metrics::get(&metrics.batches_sent),
        xml_bytes: reader.position(),
        output_bytes: bytes,
        row_groups,
        elapsed: started.elapsed(),
        unmapped: reader
            .unmapped()
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect(),
        output,
    })
}

/// Why the parser stopped early.
enum ParserStop {
    /// The input is bad or unreadable.
    Failed(Error),
    /// The writer hung up (it failed; its error is reported instead).
    WriterGone,
}

/// Parses every entry, sending full batches and finally `Finish`.
fn produce<R: BufRead>(
    reader: &mut EntryReader<R>,
    input_name: &str,
    tx: Sender<WriterMessage>,
    settings: &Settings,
    metrics: &Metrics,
) -> std::result::Result<(), ParserStop> {
    let batch_size = settings.pipeline.batch_size;
    let send = |message: WriterMessage| {
        let waiting = Instant::now();
        let sent = tx.send(message).map_err(|_| ParserStop::WriterGone);
        Metrics::add_duration(&metrics.parser_blocked_nanos, waiting.elapsed());
        sent
    };
    let mut batch: Vec<Entry> = Vec::with_capacity(batch_size.min(100_000));
    let mut batch_start = reader.position();
    loop {
        let entry = reader.next_entry().map_err(|source| {
            ParserStop::Failed(Error::Parse {
                path: input_name.to_owned(),
                source,
            })
        })?;
        let Some(entry) = entry else { break };
        batch.push(entry);
        Metrics::add(&metrics.entries, 1);
        let batch_bytes = reader.position() - batch_start;
        if batch.len() >= batch_size || batch_bytes >= settings.pipeline.batch_max_bytes {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(batch_size.min(100_000)));
            send(WriterMessage::Batch(full))?;
            Metrics::add(&metrics.batches_sent, 1);
            batch_start = reader.position();
        }
    }
    if !batch.is_empty() {
        send(WriterMessage::Batch(batch))?;
        Metrics::add(&metrics.batches_sent, 1);
    }
    send(WriterMessage::Finish(reader.trailer().clone()))
}
