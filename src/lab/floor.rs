//! Throughput floors of one corpus, measured in-process on one thread: how fast the bytes can
//! be read (I/O floor), cut into chunks and tokenized by the parser's lexer with nothing kept
//! (tokenizer floor), and parsed into Arrow columns without encoding or writing (parse-only). The converter's
//! efficiency = its throughput ÷ the tokenizer floor: a ratio that is comparable across
//! machines and robust to machine speed. (Before 2026-12-03 the tokenizer floor was quick-xml's
//! event loop; the lexer that replaced it is ~3× faster, so efficiencies of older ledgers are
//! not comparable with newer ones.)

use std::io::{BufRead, Read};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::config::ParserSettings;
use crate::error::{Error, ParseError, ParseErrorKind, Result};
use crate::parse::{EntryReader, Lexer, ParseLimits, Token};
use crate::pipeline::input;
use crate::pipeline::reader::{Chunk, ChunkReader};
use crate::table::batch::EntryBatchBuilder;

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
    /// The parser's lexer over the input's chunks, nothing kept.
    pub tokenizer: Throughput,
    /// The full parser filling Arrow columns, nothing encoded or written.
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

/// Cuts `path` into the pipeline's chunks and hands each to `visit`, on this thread; returns
/// the bytes of XML read.
fn for_each_chunk(path: &str, mut visit: impl FnMut(&Chunk) -> Result<()>) -> Result<u64> {
    let parser = ParserSettings::default();
    let (_recycle, recycled) = crossbeam_channel::unbounded();
    let mut reader = ChunkReader::new(
        open(path)?,
        crate::config::Settings::default().pipeline.chunk_bytes,
        &parser,
        &recycled,
    );
    let mut failure = None;
    // `run` stops at the first chunk `dispatch` refuses; the failure is kept to be returned.
    let _ = reader.run(
        |chunk| {
            visit(&chunk).map_err(|error| {
                failure = Some(error);
                crate::pipeline::reader::ReaderStop::Closed
            })
        },
        || false,
    );
    match failure {
        Some(error) => Err(error),
        None => Ok(reader.xml_bytes),
    }
}

/// A chunk's parse error as the converter reports it: the offset in the input.
fn chunk_error(path: &str, chunk: &Chunk, mut error: ParseError) -> Error {
    error.offset = chunk.input_offset(error.offset);
    Error::Parse {
        path: path.to_owned(),
        error,
    }
}

/// Runs the lexer over every chunk of `path`, counting start tags so the work is not elided.
pub fn tokenizer_floor(path: &str) -> Result<Throughput> {
    timed(|| {
        let mut elements = 0u64;
        let bytes = for_each_chunk(path, |chunk| {
            let mut attributes = Vec::new();
            let mut lexer = Lexer::new(&chunk.data, ParseLimits::default().max_text_bytes);
            loop {
                attributes.clear();
                match lexer.next_token(&mut attributes) {
                    Ok(Token::Start { .. }) => elements += 1,
                    Ok(Token::Eof) => return Ok(()),
                    Ok(_) => {}
                    Err(error) => {
                        let error = ParseError {
                            offset: error.offset as u64,
                            accession: None,
                            kind: ParseErrorKind::Xml(format!("{:?}", error.kind)),
                        };
                        return Err(chunk_error(path, chunk, error));
                    }
                }
            }
        })?;
        std::hint::black_box(elements);
        Ok(bytes)
    })
}

/// Parses every chunk of `path` into Arrow columns, as the pipeline's workers do, and drops
/// them: the parser's throughput without the encoder and writer.
pub fn parse_only(path: &str) -> Result<Throughput> {
    timed(|| {
        let mut builder = EntryBatchBuilder::new();
        let mut entries = 0u64;
        let bytes = for_each_chunk(path, |chunk| {
            let mut reader = EntryReader::new(&chunk.data, false, ParseLimits::default());
            while reader
                .next_into(builder.columns_mut())
                .map_err(|error| chunk_error(path, chunk, error))?
                .is_some()
            {
                entries += 1;
            }
            let batch = builder.finish().map_err(|source| Error::Arrow {
                input: path.to_owned(),
                source,
            })?;
            std::hint::black_box(batch);
            Ok(())
        })?;
        std::hint::black_box(entries);
        Ok(bytes)
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
