//! Opening the input: a path or `-` for stdin, gzip or Zstandard detected by its magic bytes
//! (not the file name; multi-member gzip and multi-frame zstd supported), and a [`TrackedReader`] that counts the bytes consumed
//! so progress and metrics know how far the conversion is.
//!
//! Reading is streaming: memory is a few fixed buffers whatever the input size.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use flate2::bufread::MultiGzDecoder;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The stretch of the file a shard converts, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ByteRange {
    /// First byte (an `<entry` start tag, or the end of the stretch when empty).
    pub start: u64,
    /// One past the last byte.
    pub end: u64,
}

/// Size of the read buffers, in bytes.
const READ_BUFFER_BYTES: usize = 256 * 1024;

/// The first two bytes of every gzip member.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// The first four bytes of every Zstandard frame (what `split --compress zstd` writes).
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// A SHA-256 fed by a reader on one thread and read by whoever finishes the run.
pub type DigestHandle = Arc<Mutex<Sha256>>;

/// A new, empty [`DigestHandle`].
pub fn new_digest() -> DigestHandle {
    Arc::new(Mutex::new(Sha256::new()))
}

/// The hex SHA-256 of everything fed into `digest` so far.
pub fn digest_hex(digest: &DigestHandle) -> String {
    let hasher = digest.lock().unwrap_or_else(|e| e.into_inner()).clone();
    format!("{:x}", hasher.finalize())
}

/// A `BufRead` that adds every consumed byte to a shared counter and, when asked, to a
/// SHA-256 (the manifest's source checksums cost no second read).
pub struct TrackedReader<R> {
    inner: R,
    consumed: Arc<AtomicU64>,
    digest: Option<DigestHandle>,
}

impl<R> TrackedReader<R> {
    /// Wraps `inner`, counting into `consumed`.
    pub fn new(inner: R, consumed: Arc<AtomicU64>) -> Self {
        TrackedReader {
            inner,
            consumed,
            digest: None,
        }
    }

    /// Also hashes every consumed byte into `digest`, when given.
    pub fn hashing(mut self, digest: Option<DigestHandle>) -> Self {
        self.digest = digest;
        self
    }

    fn hash(&self, bytes: &[u8]) {
        if let Some(digest) = &self.digest {
            digest
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .update(bytes);
        }
    }
}

impl<R: Read> Read for TrackedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.consumed.fetch_add(n as u64, Ordering::Relaxed);
        self.hash(&buf[..n]);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for TrackedReader<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        self.consumed.fetch_add(amount as u64, Ordering::Relaxed);
        if let Some(digest) = &self.digest {
            // The bytes being consumed are the front of the buffer already filled.
            if let Ok(buffered) = self.inner.fill_buf() {
                let end = amount.min(buffered.len());
                digest
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .update(&buffered[..end]);
            }
        }
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

/// Opens `path` (or stdin for `-`), counting raw (possibly compressed) bytes into `consumed`
/// and hashing them into `digest` when given.
pub fn open(path: &str, consumed: Arc<AtomicU64>, digest: Option<DigestHandle>) -> Result<Input> {
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
    decoded(raw, path, size, consumed, digest)
}

/// The XML of the raw (plain, gzip or Zstandard: sniffed by magic bytes) byte stream `raw`
/// called `name`, `size` bytes long when known; counts raw bytes into `consumed` and hashes
/// them into `digest` when given. [`open`] reads files this way; a library caller (the Python
/// package) any other stream.
pub fn decoded(
    raw: Box<dyn Read>,
    name: &str,
    size: Option<u64>,
    consumed: Arc<AtomicU64>,
    digest: Option<DigestHandle>,
) -> Result<Input> {
    let io_error = |error| Error::Input {
        path: name.to_owned(),
        error,
    };
    let mut tracked =
        TrackedReader::new(BufReader::with_capacity(READ_BUFFER_BYTES, raw), consumed)
            .hashing(digest);
    let gzip = starts_with(&mut tracked, &GZIP_MAGIC).map_err(io_error)?;
    let zstd = starts_with(&mut tracked, &ZSTD_MAGIC).map_err(io_error)?;
    let reader: Box<dyn BufRead> = if gzip {
        Box::new(BufReader::with_capacity(
            READ_BUFFER_BYTES,
            MultiGzDecoder::new(tracked),
        ))
    } else if zstd {
        // Reads every frame of a multi-frame stream.
        let decoder = zstd::stream::read::Decoder::with_buffer(tracked).map_err(io_error)?;
        Box::new(BufReader::with_capacity(READ_BUFFER_BYTES, decoder))
    } else {
        Box::new(tracked)
    };
    let compressed = gzip || zstd;
    Ok(Input {
        reader,
        name: name.to_owned(),
        size,
        compressed,
    })
}

/// Peeks at the first bytes without consuming them.
fn starts_with<R: BufRead>(reader: &mut R, magic: &[u8]) -> io::Result<bool> {
    let available = reader.fill_buf()?;
    Ok(available.starts_with(magic))
}
