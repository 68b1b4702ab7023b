//! Typed errors of the library, each carrying the context a user needs to find the problem:
//! the file, the byte offset in the (decompressed) XML and the accession of the entry in progress.
//!
//! Only the binary edge turns these into `anyhow` chains; the library never panics on bad input.

use std::path::PathBuf;

/// What went wrong while reading XML, without position context.
#[derive(Debug, thiserror::Error)]
pub enum ParseErrorKind {
    /// The XML is not well-formed (mismatched tags, bad syntax, bad UTF-8, unknown entity, …).
    #[error("malformed XML: {0}")]
    Xml(String),
    /// The document ended before `</uniprot>`.
    #[error("unexpected end of input {0}")]
    Truncated(&'static str),
    /// The root element is not a UniProt `<uniprot>`.
    #[error("not a UniProt XML document: {0}")]
    WrongRoot(String),
    /// A DOCTYPE was found; UniProt never uses one and entity definitions are refused.
    #[error("DOCTYPE declarations are not accepted (UniProt XML uses none; entity definitions are refused)")]
    Doctype,
    /// An attribute or text that must be a number, a date or a boolean is not.
    #[error("invalid {what} {value:?} at {path}")]
    InvalidValue {
        /// What was expected (integer, date, …).
        what: &'static str,
        /// The offending text, cut to a readable length.
        value: String,
        /// Element path (and `@attribute`) of the value.
        path: String,
    },
    /// An entry without any `<accession>`.
    #[error("entry has no <accession>")]
    MissingAccession,
    /// `--strict` is on and the parser met an element or attribute it does not map.
    #[error("unmapped element or attribute {0} (strict mode)")]
    Unmapped(String),
    /// A configured size or depth limit was exceeded.
    #[error("{message}")]
    Limit {
        /// Which limit, and where.
        message: String,
        /// Whether parsing can go on with the next entry (see [`ParseErrorKind::recoverable`]).
        recoverable: bool,
    },
    /// Reading the input failed (I/O error, corrupt gzip, …): the error itself, shared by the
    /// chunk that met it and the error that reports it (in the message, as the other kinds).
    #[error("read error: {0}")]
    Io(std::sync::Arc<std::io::Error>),
    /// A parsed entry could not be read back out of its columns as a model value (only where
    /// model values are asked for: tests, fuzzing); a bug, not bad input.
    #[cfg(feature = "readback")]
    #[error("reading the parsed entry back failed: {0}")]
    ReadBack(ReadBackError),
}

impl ParseErrorKind {
    /// True for problems confined to one entry of otherwise well-formed XML: the parser can
    /// skip the rest of the entry and go on (`parser.on_error: skip`). Malformed XML, read
    /// errors, truncation, a token larger than `max_text_bytes` and nesting deeper than
    /// `max_depth` are not: the stream cannot be resynchronised in bounded memory.
    pub fn recoverable(&self) -> bool {
        match self {
            ParseErrorKind::InvalidValue { .. }
            | ParseErrorKind::MissingAccession
            | ParseErrorKind::Unmapped(_) => true,
            ParseErrorKind::Limit { recoverable, .. } => *recoverable,
            ParseErrorKind::Xml(_)
            | ParseErrorKind::Truncated(_)
            | ParseErrorKind::WrongRoot(_)
            | ParseErrorKind::Doctype
            | ParseErrorKind::Io(_) => false,
            #[cfg(feature = "readback")]
            ParseErrorKind::ReadBack(_) => false,
        }
    }
}

/// A parse failure with its position: byte offset and the accession of the entry in progress.
#[derive(Debug, thiserror::Error)]
#[error("byte {offset}{}: {kind}", accession_suffix(.accession))]
pub struct ParseError {
    /// Byte offset in the decompressed XML stream.
    pub offset: u64,
    /// Accession of the entry being parsed, when one was read already.
    pub accession: Option<String>,
    /// What went wrong.
    pub kind: ParseErrorKind,
}

fn accession_suffix(accession: &Option<String>) -> String {
    match accession {
        Some(acc) => format!(" (entry {acc})"),
        None => String::new(),
    }
}

/// Every error a conversion can end with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input could not be opened or read.
    #[error("{path}: {error}")]
    Input {
        /// The input path (`-` for stdin).
        path: String,
        /// The underlying I/O error (in the message, not chained as a `source`: `{:#}` would
        /// print it twice).
        error: std::io::Error,
    },
    /// The input is not valid UniProt XML.
    #[error("{path}: {error}")]
    Parse {
        /// The input path.
        path: String,
        /// What and where (in the message, not chained as a `source`).
        error: ParseError,
    },
    /// Building the Arrow columns of parsed entries failed.
    #[error("{input}: building Arrow columns")]
    Arrow {
        /// The input whose entries were being converted.
        input: String,
        /// What Arrow reported.
        #[source]
        source: arrow::error::ArrowError,
    },
    /// Creating, encoding, writing, syncing or renaming the output failed.
    #[error("writing {path}: {what}")]
    Write {
        /// The output path.
        path: PathBuf,
        /// Which step failed.
        what: &'static str,
        /// The cause.
        #[source]
        source: StorageError,
    },
    /// A stage stopped before the end of the input; the output was not written.
    #[error("writing {path}: conversion abandoned: the parser stopped")]
    Abandoned {
        /// The output path.
        path: PathBuf,
    },
    /// Reading a Parquet file back into entries failed (verification, tests, fuzzing).
    #[error("reading {path} back")]
    ReadBack {
        /// The Parquet file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: StorageError,
    },
    /// A Parquet input of `export` cannot be read as entries of this schema.
    #[error("{}: {what}", path.display())]
    Export {
        /// The Parquet file.
        path: PathBuf,
        /// What failed.
        what: &'static str,
        /// The cause (the column named for a schema that does not fit).
        #[source]
        source: StorageError,
    },
    /// The input cannot be converted in shards.
    #[error("{path}: cannot shard: {reason}")]
    Shard {
        /// The input.
        path: String,
        /// Why, and what to do instead.
        reason: String,
    },
    /// An input cannot be split into documents.
    #[error("{path}: byte {offset}: cannot split: {problem}")]
    Split {
        /// The input.
        path: String,
        /// Where in the (decompressed) XML.
        offset: u64,
        /// What is wrong.
        problem: String,
    },
    /// A dataset directory's files or records are inconsistent.
    #[error("dataset {dir}: {problem}")]
    Dataset {
        /// The dataset directory.
        dir: PathBuf,
        /// What is wrong, naming the file.
        problem: String,
    },
    /// A file of a dataset directory (a record, the manifest, the directory itself) cannot be
    /// read, written or decoded.
    #[error("dataset {}: {}", dir.display(), path.display())]
    DatasetFile {
        /// The dataset directory.
        dir: PathBuf,
        /// The file.
        path: PathBuf,
        /// The I/O or JSON error.
        #[source]
        source: DatasetFileError,
    },
    /// The configuration is invalid (a value out of range, conflicting arguments): the message
    /// names the key or flag.
    #[error("configuration: {0}")]
    Config(String),
    /// The config file cannot be read or is not YAML of the settings.
    #[error("configuration file {}", path.display())]
    ConfigFile {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: ConfigFileError,
    },
    /// The run directory (the ledger) cannot be created.
    #[error("cannot create a run directory in {}", runs_dir.display())]
    RunDir {
        /// The directory of run directories.
        runs_dir: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// SIGINT or SIGTERM stopped the conversion; no output file was left.
    #[error("interrupted by {} after {entries} entries; no output written", crate::interrupt::signal_name(*.signal))]
    Interrupted {
        /// The signal number.
        signal: i32,
        /// Entries parsed before stopping.
        entries: u64,
    },
    /// The caller of a scan stopped taking its batches before the input ended.
    #[error("the scan of {input} was closed before its end")]
    Closed {
        /// The input's name.
        input: String,
    },
    /// Keeping a rejected entry failed (`parser.on_error: skip`).
    #[error("writing rejected entries to {}", path.display())]
    Rejects {
        /// The rejects file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A column asked for (`--columns`, a projection) is no column of the schema.
    #[error(transparent)]
    UnknownColumn(#[from] UnknownColumn),
    /// A pipeline thread panicked (a bug; reported instead of propagated).
    #[error("internal error: {0}")]
    Internal(String),
}

/// A name that is no column of the schema, with the closest column paths.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown column {name:?}{}", suggestion(.close))]
pub struct UnknownColumn {
    /// The name as given.
    pub name: String,
    /// Column paths close to it (edit distance or containment), best first.
    pub close: Vec<String>,
}

fn suggestion(close: &[String]) -> String {
    if close.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", close.join(", "))
    }
}

/// The failure behind an [`Error::DatasetFile`].
#[derive(Debug, thiserror::Error)]
pub enum DatasetFileError {
    /// Reading, writing or listing.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// A record or manifest that is not the JSON of its type.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

/// Why an entry parsed into columns could not be read back as a model value (feature
/// `readback`: tests and fuzzing).
#[cfg(feature = "readback")]
#[derive(Debug, thiserror::Error)]
pub enum ReadBackError {
    /// The columns did not make a batch.
    #[error("building the batch: {0}")]
    Arrow(#[from] arrow::error::ArrowError),
    /// The batch did not read back as entries.
    #[error("reading the rows back: {0}")]
    Rows(#[from] serde_arrow::Error),
    /// The batch held no row.
    #[error("the batch holds no row")]
    NoRow,
}

/// The lower-level failure behind a [`Error::Write`] or [`Error::ReadBack`].
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The file system.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The Parquet encoder or decoder.
    #[error(transparent)]
    Parquet(#[from] parquet::errors::ParquetError),
    /// Reading Arrow data back into entries.
    #[cfg(feature = "readback")]
    #[error(transparent)]
    Entries(#[from] serde_arrow::Error),
    /// Building Arrow columns of entries.
    #[error(transparent)]
    Arrow(#[from] arrow::error::ArrowError),
}

impl Error {
    /// The error and every cause below it, joined with `: ` (what `{:#}` prints for an
    /// `anyhow` chain), for places that keep errors as text such as `report.yaml`.
    pub fn chain(&self) -> String {
        chain(self)
    }
}

/// Any error with its causes, `outer: inner: …` — what `{:#}` shows for an `anyhow` error,
/// for the library, which does not use anyhow.
pub fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a config file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigFileError {
    /// Reading it failed.
    #[error(transparent)]
    Read(#[from] std::io::Error),
    /// It is not YAML of the settings (unknown key, wrong type); the message names the key.
    #[error(transparent)]
    Yaml(#[from] serde_yaml_ng::Error),
}
