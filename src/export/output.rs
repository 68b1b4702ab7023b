//! Where the exported document goes: a temporary file renamed onto the output path only when
//! the whole document is written, or stdout (`-`); and how its pieces are compressed.
//!
//! Compression happens in the workers, piece by piece: each piece becomes one gzip member or
//! one zstd frame. A stream of members (frames) is one document to every gzip (zstd) reader,
//! and the pieces are cut by the row groups, their footer figures and the settings alone, so
//! the bytes do not depend on the threads.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tempfile::NamedTempFile;

use crate::error::Result;
use crate::writer::{create_temp, persist_temp, write_error};

/// How the exported XML is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum XmlCompression {
    /// Plain XML.
    None,
    /// gzip (level 6), one member per piece.
    Gzip,
    /// Zstandard (level 3), one frame per piece.
    Zstd,
}

impl XmlCompression {
    /// The compression an output name asks for: `.gz` gzip, `.zst` zstd, anything else none.
    pub fn from_name(path: &Path) -> XmlCompression {
        match path.extension().and_then(|e| e.to_str()) {
            Some("gz") => XmlCompression::Gzip,
            Some("zst") => XmlCompression::Zstd,
            _ => XmlCompression::None,
        }
    }

    /// `xml` as this compression's bytes: one self-contained gzip member or zstd frame.
    pub fn compress(self, xml: Vec<u8>) -> io::Result<Vec<u8>> {
        match self {
            XmlCompression::None => Ok(xml),
            XmlCompression::Gzip => {
                let out = Vec::with_capacity(xml.len() / 4);
                let mut encoder = flate2::write::GzEncoder::new(out, flate2::Compression::new(6));
                encoder.write_all(&xml)?;
                encoder.finish()
            }
            XmlCompression::Zstd => zstd::stream::encode_all(xml.as_slice(), 3),
        }
    }
}

/// The document being written.
pub struct Output {
    path: PathBuf,
    sink: Sink,
    bytes: u64,
}

enum Sink {
    File {
        temp: NamedTempFile,
        out: BufWriter<File>,
    },
    Stdout(BufWriter<io::Stdout>),
}

/// Bytes buffered before a write to the file.
const WRITE_BUFFER_BYTES: usize = 1 << 20;

impl Output {
    /// The temporary file beside `path` (or stdout for `-`), created before any row is read so
    /// that an unwritable output fails at once.
    pub fn create(path: &Path) -> Result<Output> {
        let sink = if path == Path::new("-") {
            Sink::Stdout(BufWriter::with_capacity(WRITE_BUFFER_BYTES, io::stdout()))
        } else {
            let (temp, file) = create_temp(path)?;
            Sink::File {
                temp,
                out: BufWriter::with_capacity(WRITE_BUFFER_BYTES, file),
            }
        };
        Ok(Output {
            path: path.to_owned(),
            sink,
            bytes: 0,
        })
    }

    /// Appends `bytes` (already compressed).
    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        let written = match &mut self.sink {
            Sink::File { out, .. } => out.write_all(bytes),
            Sink::Stdout(out) => out.write_all(bytes),
        };
        written.map_err(|e| write_error(&self.path, "cannot write the XML", e))?;
        self.bytes += bytes.len() as u64;
        Ok(())
    }

    /// Bytes written so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Flushes, and for a file syncs it and renames it onto the output path; returns the bytes
    /// written. Dropped without this, the temporary file is removed.
    pub fn finish(self) -> Result<u64> {
        let fail = |e| write_error(&self.path, "cannot flush the XML", e);
        match self.sink {
            Sink::Stdout(mut out) => out.flush().map_err(fail)?,
            Sink::File { temp, mut out } => {
                out.flush().map_err(fail)?;
                drop(out);
                persist_temp(temp, &self.path)?;
            }
        }
        Ok(self.bytes)
    }
}
