//! Throughput floors of one corpus, measured in-process: how fast the bytes can be read
//! (I/O floor), tokenized by quick-xml with no allocation (tokenizer floor), and parsed into
//! entries without writing (parse-only). The converter's efficiency = its throughput ÷ the
//! tokenizer floor: a ratio that is comparable across machines and robust to machine speed.

use std::io::{BufRead, Read};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Instant;

use quick_xml::events::Event;
use quick_xml::Reader;
use serde::{Deserialize, Serialize};

use crate::error::{Error, ParseError, ParseErrorKind, Result};
use crate::parse::{EntryReader, ParseLimits};
use crate::pipeline::input;

/// One floor measurement.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Throughput {
    /// Decompressed bytes processed.
    pub bytes: u64,
    /// Wall time.
    pub secs: f64,
}

impl Throughput {
    /// MB (10^6 bytes) per second.
    pub fn mb_per_sec(&self) -> f64 {
        self.bytes as f64 / 1e6 / self.secs.max(1e-9)
    }
}

/// All three floors of one corpus, measured back to back.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Floors {
    /// Bytes through the input reader (decompression included for gzip).
    pub io: Throughput,
    /// quick-xml event loop over the bytes, one reused buffer, nothing kept.
    pub tokenizer: Throughput,
    /// The full parser producing entries, nothing written.
    pub parse_only: Throughput,
}

fn open(path: &str) -> Result<Box<dyn BufRead>> {
    Ok(input::open(path, Arc::new(AtomicU64::new(0)), None)?.reader)
}

fn timed(run: impl FnOnce() -> Result<u64>) -> Result<Throughput> {
    let started = Instant::now();
    let bytes = run()?;
    Ok(Throughput {
        bytes,
        secs: started.elapsed().as_secs_f64(),
    })
}

/// Reads every byte of `path` through the same reader stack the converter uses.
pub fn io_floor(path: &str) -> Result<Throughput> {
    let mut reader = open(path)?;
    timed(|| {
        let mut buf = vec![0u8; 256 * 1024];
        let mut total = 0u64;
        loop {
            let n = reader.read(&mut buf).map_err(|error| Error::Input {
                path: path.to_owned(),
                error,
            })?;
            if n == 0 {
                return Ok(total);
            }
            total += n as u64;
        }
    })
}

/// Runs the quick-xml event loop over `path`, counting start tags so the work is not elided.
pub fn tokenizer_floor(path: &str) -> Result<Throughput> {
    let mut reader = Reader::from_reader(open(path)?);
    timed(|| {
        let mut buf = Vec::with_capacity(64 * 1024);
        let mut elements = 0u64;
        loop {
            buf.clear();
            match reader.read_event_into(&mut buf) {
                Ok(Event::Start(_) | Event::Empty(_)) => elements += 1,
                Ok(Event::Eof) => break,
                Ok(_) => {}
                Err(e) => {
                    return Err(Error::Parse {
                        path: path.to_owned(),
                        error: ParseError {
                            offset: reader.error_position(),
                            accession: None,
                            kind: ParseErrorKind::Xml(e.to_string()),
                        },
                    })
                }
            }
        }
        std::hint::black_box(elements);
        Ok(reader.buffer_position())
    })
}

/// Parses every entry of `path` and drops it: the parser's throughput without the writer.
pub fn parse_only(path: &str) -> Result<Throughput> {
    let mut reader = EntryReader::new(open(path)?, false, ParseLimits::default());
    timed(|| {
        let mut entries = 0u64;
        while let Some(entry) = reader.next_entry().map_err(|error| Error::Parse {
            path: path.to_owned(),
            error,
        })? {
            entries += 1;
            std::hint::black_box(&entry);
        }
        std::hint::black_box(entries);
        Ok(reader.position())
    })
}

/// Measures all three floors of `path`, one after the other in this process.
pub fn measure(path: &str) -> Result<Floors> {
    Ok(Floors {
        io: io_floor(path)?,
        tokenizer: tokenizer_floor(path)?,
        parse_only: parse_only(path)?,
    })
}
