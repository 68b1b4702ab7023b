//! Opening the input: a path or `-` for stdin, gzip detected by its magic bytes (not the file
//! name; multi-member gzip supported), and a [`TrackedReader`] that counts the bytes consumed
//! so progress and metrics know how far the conversion is.
//!
//! Reading is streaming: memory is a few fixed buffers whatever the input size.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use flate2::bufread::MultiGzDecoder;

use crate::error::{Error, Result};

/// Size of the read buffers, in bytes.
const READ_BUFFER_BYTES: usize = 256 * 1024;

/// The first two bytes of every gzip member.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// A `BufRead` that adds every consumed byte to a shared counter.
pub struct TrackedReader<R> {
    inner: R,
    consumed: Arc<AtomicU64>,
}

impl<R> TrackedReader<R> {
    /// Wraps `inner`, counting into `consumed`.
    pub fn new(inner: R, consumed: Arc<AtomicU64>) -> Self {
        TrackedReader { inner, consumed }
    }
}

impl<R: Read> Read for TrackedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.consumed.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for TrackedReader<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        self.consumed.fetch_add(amount as u64, Ordering::Relaxed);
        self.inner.consume(amount);
    }
}

/// An opened input, ready for the parser.
pub struct Input {
    /// Decompressed XML bytes.
    pub reader: Box<dyn BufRead>,
    /// The name used in messages: the path, or `-` for stdin.
    pub name: String,
    /// Size on disk when known (regular files), for progress.
    pub size: Option<u64>,
    /// Whether the input was gzip-compressed.
    pub compressed: bool,
}

/// Opens `path` (or stdin for `-`), counting raw (possibly compressed) bytes into `consumed`.
pub fn open(path: &str, consumed: Arc<AtomicU64>) -> Result<Input> {
    let io_error = |error| Error::Input {
        path: path.to_owned(),
        error,
    };
    let (raw, size): (Box<dyn Read>, Option<u64>) = if path == "-" {
        (Box::new(io::stdin().lock()), None)
    } else {
        let file = File::open(path).map_err(io_error)?;
        let metadata = file.metadata().map_err(io_error)?;
        if metadata.is_dir() {
            return Err(io_error(io::Error::new(
                io::ErrorKind::InvalidInput,
                "is a directory",
            )));
        }
        (Box::new(file), Some(metadata.len()))
    };
    let mut tracked =
        TrackedReader::new(BufReader::with_capacity(READ_BUFFER_BYTES, raw), consumed);
    let compressed = starts_with_gzip_magic(&mut tracked).map_err(io_error)?;
    let reader: Box<dyn BufRead> = if compressed {
        Box::new(BufReader::with_capacity(
            READ_BUFFER_BYTES,
            MultiGzDecoder::new(tracked),
        ))
    } else {
        Box::new(tracked)
    };
    Ok(Input {
        reader,
        name: path.to_owned(),
        size,
        compressed,
    })
}

/// Peeks at the first bytes without consuming them.
fn starts_with_gzip_magic<R: BufRead>(reader: &mut R) -> io::Result<bool> {
    let available = reader.fill_buf()?;
    Ok(available.len() >= GZIP_MAGIC.len() && available[..GZIP_MAGIC.len()] == GZIP_MAGIC)
}
