//! The conversion pipeline: parser (this thread) → bounded channel → writer thread.
//!
//! The parser fills batches of `batch_size` entries (closed early at `batch_max_bytes` of XML)
//! and sends them through a `crossbeam_channel::bounded(channel_capacity)`; when the writer falls
//! behind, `send` blocks, so memory is bounded by the channel and batch limits, never by the
//! input size. A writer error drops the receiver, the parser's next `send` fails and the parser
//! stops; the writer's error is the one reported. A parser error drops the sender without
//! `Finish`, the writer abandons its temporary file, and the parser's error is reported. The
//! output appears at its final path only when both succeeded.
//!
//! Between entries the parser checks the [`QuitFlag`] (SIGINT/SIGTERM): when set it stops like
//! on a parser error and the run ends with [`Error::Interrupted`]. Entries rejected under
//! `parser.on_error: skip` go to the [`RejectsFile`] this module owns, never into a batch.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{bounded, Sender};

use crate::config::{OnError, Settings};
use crate::error::{Error, Result};
use crate::interrupt::QuitFlag;
use crate::metrics::Metrics;
use crate::model::Entry;
use crate::parse::{EntryReader, Item, ParseLimits};
use crate::rejects::{RejectsFile, REJECTS_FILE};
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
    /// Entries rejected under `parser.on_error: skip`.
    pub rejected: u64,
    /// The rejects file, when any entry was rejected.
    pub rejects_file: Option<PathBuf>,
}

/// Where rejects go and what may stop a conversion; the defaults suit library callers.
#[derive(Debug, Clone, Default)]
pub struct ConvertOptions {
    /// The rejects file for `parser.on_error: skip` (default: `OUTPUT.rejects.xml`).
    pub rejects_path: Option<PathBuf>,
    /// Checked between entries; set by SIGINT/SIGTERM in the binary.
    pub quit: QuitFlag,
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
    convert_with(
        input,
        input_name,
        output,
        settings,
        metrics,
        &ConvertOptions::default(),
    )
}

/// [`convert`] with a rejects file location and a quit flag.
pub fn convert_with<R: BufRead>(
    input: R,
    input_name: &str,
    output: PathBuf,
    settings: &Settings,
    metrics: Arc<Metrics>,
    options: &ConvertOptions,
) -> Result<Summary> {
    let started = Instant::now();
    let spec = OutputSpec {
        path: output,
        parquet: settings.parquet.clone(),
        max_row_group_rows: settings.pipeline.batch_size,
        input_name: input_name.to_owned(),
    };
    let limits = ParseLimits::from_settings(&settings.parser);
    let mut reader = EntryReader::new(input, settings.parser.strict, limits)
        .with_on_error(settings.parser.on_error);
    let rejects_path = options.rejects_path.clone().unwrap_or_else(|| {
        let mut name = spec.path.as_os_str().to_owned();
        name.push(".");
        name.push(REJECTS_FILE);
        PathBuf::from(name)
    });
    let mut rejects = RejectsFile::new(rejects_path, input_name);
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
        let mut parser = Parser {
            reader: &mut reader,
            rejects: &mut rejects,
            input_name,
            settings,
            metrics: &metrics,
            quit: &options.quit,
        };
        let parsed = parser.produce(tx);
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

    let rejected = rejects.count();
    let rejects_path = rejects.path().to_owned();
    let rejects_file = rejects.finish().map_err(|e| Error::Rejects {
        path: rejects_path,
        message: e.to_string(),
    });
    let file = match (parsed, written) {
        (Ok(()), Ok(file)) => file,
        (Err(ParserStop::Failed(e)), _) => return Err(e),
        (_, Err(e)) => return Err(e),
        (Err(ParserStop::WriterGone), Ok(_)) => return Err(writer::abandoned(&output_path)),
    };
    let rejects_file = rejects_file?;
    if options.quit.requested().is_some() {
        // A signal that arrived after the last entry still stops the run before the rename.
        return Err(interrupted(&options.quit, &metrics));
    }
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
        rejected,
        rejects_file,
    })
}

fn interrupted(quit: &QuitFlag, metrics: &Metrics) -> Error {
    Error::Interrupted {
        signal: quit.requested().unwrap_or(0),
        entries: Metrics::get(&metrics.entries),
    }
}

/// Why the parser stopped early.
enum ParserStop {
    /// The input is bad or unreadable.
    Failed(Error),
    /// The writer hung up (it failed; its error is reported instead).
    WriterGone,
}

/// The parser side of the pipeline: what it reads, where rejects go, what may stop it.
struct Parser<'a, R> {
    reader: &'a mut EntryReader<R>,
    rejects: &'a mut RejectsFile,
    input_name: &'a str,
    settings: &'a Settings,
    metrics: &'a Metrics,
    quit: &'a QuitFlag,
}

impl<R: BufRead> Parser<'_, R> {
    /// Parses every entry, sending full batches and finally `Finish`.
    fn produce(&mut self, tx: Sender<WriterMessage>) -> std::result::Result<(), ParserStop> {
        let metrics = self.metrics;
        let batch_size = self.settings.pipeline.batch_size;
        let send = |message: WriterMessage| {
            let waiting = Instant::now();
            let sent = tx.send(message).map_err(|_| ParserStop::WriterGone);
            Metrics::add_duration(&metrics.parser_blocked_nanos, waiting.elapsed());
            sent
        };
        let mut batch: Vec<Entry> = Vec::with_capacity(batch_size.min(100_000));
        let mut batch_start = self.reader.position();
        loop {
            if self.quit.requested().is_some() {
                return Err(ParserStop::Failed(interrupted(self.quit, metrics)));
            }
            let item = self.reader.next_item().map_err(|error| {
                ParserStop::Failed(Error::Parse {
                    path: self.input_name.to_owned(),
                    error,
                })
            })?;
            let entry = match item {
                Some(Item::Entry(entry)) => entry,
                Some(Item::Rejected(rejected)) => {
                    debug_assert_eq!(self.settings.parser.on_error, OnError::Skip);
                    log::warn!("{}: rejected entry: {}", self.input_name, rejected.error);
                    self.rejects.write(&rejected).map_err(|e| {
                        ParserStop::Failed(Error::Rejects {
                            path: self.rejects.path().to_owned(),
                            message: e.to_string(),
                        })
                    })?;
                    Metrics::add(&metrics.rejected, 1);
                    continue;
                }
                None => break,
            };
            batch.push(entry);
            Metrics::add(&metrics.entries, 1);
            let batch_bytes = self.reader.position() - batch_start;
            if batch.len() >= batch_size || batch_bytes >= self.settings.pipeline.batch_max_bytes {
                let full =
                    std::mem::replace(&mut batch, Vec::with_capacity(batch_size.min(100_000)));
                send(WriterMessage::Batch(full))?;
                Metrics::add(&metrics.batches_sent, 1);
                batch_start = self.reader.position();
            }
        }
        if !batch.is_empty() {
            send(WriterMessage::Batch(batch))?;
            Metrics::add(&metrics.batches_sent, 1);
        }
        send(WriterMessage::Finish(self.reader.trailer().clone()))
    }
}
