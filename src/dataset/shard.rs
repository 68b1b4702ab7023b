//! Shards of one input: `--shard K/N` converts exactly the entries that *start* in the K-th of
//! N equal byte ranges of a plain (uncompressed, seekable) file.
//!
//! Every shard computes the same cut points from the same bytes, so the N shards tile the
//! document with no entry lost or counted twice, whatever N is. A range `[lo, hi)` of the file
//! becomes the stretch `[cut(lo), cut(hi))`, where `cut(p)` is the first `<entry` start tag at or
//! after `p` (never before the end of the root start tag) or the file's end when none follows.
//! An entry that starts before `hi` is therefore finished by its shard, reading past `hi`; the
//! next shard starts at that entry's end. The shard is read as a document of its own: the file's
//! prologue and root start tag, the stretch, and (unless the stretch reaches the document's real
//! end) the root end tag, with positions relocated so errors name offsets in the file.
//!
//! Cut points come from the same `<entry` scan as the pipeline's chunks ([`BoundaryScanner`]),
//! started at `p` without knowing what precedes it. In a well-formed document `<entry` outside
//! markup is always a tag; a comment or CDATA section that itself contains `<entry` text and
//! straddles a cut point makes a shard malformed, which its parser reports (never a silent
//! loss).

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read, Seek, SeekFrom};
use std::str::FromStr;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
pub use crate::pipeline::input::ByteRange;
use crate::pipeline::input::{DigestHandle, TrackedReader};
use crate::pipeline::split::{find_root, BoundaryScanner, RootScan, Scan};
use crate::pipeline::Relocation;

/// Bytes read at a time while looking for a cut point or the root start tag.
const SCAN_BLOCK_BYTES: usize = 1024 * 1024;

/// The most bytes of prologue read while looking for the root start tag.
const MAX_PROLOGUE_BYTES: usize = 16 * 1024 * 1024;

/// Which of N shards, counted from 1: `--shard K/N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// K, from 1 to `count`.
    pub index: u32,
    /// N, at least 1.
    pub count: u32,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> std::result::Result<Self, String> {
        let (k, n) = text
            .split_once('/')
            .ok_or_else(|| format!("`{text}`: expected K/N, e.g. 3/8"))?;
        let parse = |s: &str| {
            s.trim()
                .parse::<u32>()
                .map_err(|e| format!("`{text}`: {e}"))
        };
        let (index, count) = (parse(k)?, parse(n)?);
        if count == 0 || index == 0 || index > count {
            return Err(format!("`{text}`: K must be between 1 and N (N ≥ 1)"));
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// The shard's nominal byte range of a `size`-byte file: `[lo, hi)`.
    pub fn nominal_range(&self, size: u64) -> (u64, u64) {
        let at = |k: u32| (u128::from(size) * u128::from(k) / u128::from(self.count)) as u64;
        (at(self.index - 1), at(self.index))
    }
}

/// A shard opened as a document of its own, ready for the pipeline.
pub struct ShardInput {
    /// The prologue, the stretch and the root end tag.
    pub reader: Box<dyn BufRead + Send>,
    /// Maps offsets of `reader` back to the file.
    pub relocation: Relocation,
    /// The stretch of the file this shard converts.
    pub range: ByteRange,
    /// The size of the whole file.
    pub file_bytes: u64,
}

/// Opens shard `shard` of the plain UniProt XML file `path`; the stretch's bytes are counted
/// into `consumed` and hashed into `digest` as they are read.
pub fn open(
    path: &str,
    shard: Shard,
    consumed: Arc<AtomicU64>,
    digest: Option<DigestHandle>,
) -> Result<ShardInput> {
    let size = std::fs::metadata(path).map_or(0, |m| m.len());
    open_range(path, shard.nominal_range(size), consumed, digest)
}

/// Opens the entries of `path` that start in the byte range `[lo, hi)` (what [`open`] does
/// for a shard's nominal range; any ranges that tile the file give shards that tile it).
pub fn open_range(
    path: &str,
    (lo, hi): (u64, u64),
    consumed: Arc<AtomicU64>,
    digest: Option<DigestHandle>,
) -> Result<ShardInput> {
    let refuse = |reason: String| Error::Shard {
        path: path.to_owned(),
        reason,
    };
    if path == "-" {
        return Err(refuse(
            "stdin cannot be sharded (it cannot be entered in the middle); \
             use `uniprot-etl split - --parts N -o DIR` and convert the parts"
                .into(),
        ));
    }
    let io_error = |error| Error::Input {
        path: path.to_owned(),
        error,
    };
    let mut file = File::open(path).map_err(io_error)?;
    let metadata = file.metadata().map_err(io_error)?;
    if !metadata.is_file() {
        return Err(refuse("not a regular file".into()));
    }
    let size = metadata.len();
    let prologue = read_prologue(&mut file).map_err(io_error)?;
    if prologue.starts_with(&[0x1f, 0x8b]) {
        return Err(refuse(format!(
            "it is gzip-compressed, and a compressed stream cannot be entered in the middle; \
             split it first with `uniprot-etl split {path} --parts N -o DIR` (one sequential \
             pass) and convert the parts, or decompress it"
        )));
    }
    let root = match find_root(&prologue) {
        RootScan::Found(root) if !root.self_closing => root,
        // Nothing to cut: the first shard reads it whole (the parser says what is wrong, or
        // finds no entries); the others are empty.
        _ => {
            // The shard that holds byte 0 (all of them for an empty file).
            let whole = if lo == 0 && (hi > 0 || size == 0) {
                size
            } else {
                0
            };
            return range_reader(
                file,
                Vec::new(),
                ByteRange {
                    start: 0,
                    end: whole,
                },
                None,
            )
            .map(|reader| ShardInput {
                reader: wrap(reader, consumed, digest),
                relocation: Relocation::NONE,
                range: ByteRange {
                    start: 0,
                    end: whole,
                },
                file_bytes: size,
            })
            .map_err(io_error);
        }
    };
    let header_end = root.end as u64;
    let scanner = BoundaryScanner::for_root(&root.name);
    let start = cut_point(&mut file, lo.max(header_end), size, &scanner).map_err(io_error)?;
    let end = cut_point(&mut file, hi.max(header_end), size, &scanner)
        .map_err(io_error)?
        .max(start);
    let range = ByteRange { start, end };
    // The stretch ends inside the document (or is empty): close the root. Otherwise it holds
    // the document's own end.
    let end_tag = (end < size || start == end).then(|| format!("</{}>", root.name).into_bytes());
    let header = prologue[..root.end].to_vec();
    let reader = range_reader(file, header, range, end_tag).map_err(io_error)?;
    Ok(ShardInput {
        reader: wrap(reader, consumed, digest),
        relocation: Relocation {
            from: header_end,
            shift: start - header_end,
        },
        range,
        file_bytes: size,
    })
}

/// Counts and hashes what the pipeline consumes.
fn wrap(
    reader: Box<dyn BufRead + Send>,
    consumed: Arc<AtomicU64>,
    digest: Option<DigestHandle>,
) -> Box<dyn BufRead + Send> {
    Box::new(TrackedReader::new(reader, consumed).hashing(digest))
}

/// The file's first bytes, enough to hold the root start tag (or all of a short file).
fn read_prologue(file: &mut File) -> io::Result<Vec<u8>> {
    let mut prologue = Vec::new();
    let mut block = vec![0; SCAN_BLOCK_BYTES];
    loop {
        let n = file.read(&mut block)?;
        prologue.extend_from_slice(&block[..n]);
        let decided = !matches!(find_root(&prologue), RootScan::NeedMore);
        if n == 0 || decided || prologue.len() >= MAX_PROLOGUE_BYTES {
            return Ok(prologue);
        }
    }
}

/// The first `<entry` start tag at or after `from`, or `size` when none follows.
pub fn cut_point(
    file: &mut File,
    from: u64,
    size: u64,
    scanner: &BoundaryScanner,
) -> io::Result<u64> {
    if from >= size {
        return Ok(size);
    }
    file.seek(SeekFrom::Start(from))?;
    let mut window = Vec::new();
    let mut window_start = from;
    let mut scan_from = 0;
    let mut block = vec![0; SCAN_BLOCK_BYTES];
    loop {
        let n = file.read(&mut block)?;
        if n == 0 {
            return Ok(size);
        }
        window.extend_from_slice(&block[..n]);
        match scanner.scan(&window, scan_from) {
            Scan::Boundary(at) => return Ok(window_start + at as u64),
            Scan::NeedMore(at) => {
                // Keep only what a later scan needs (an open comment, a split pattern).
                window.drain(..at);
                window_start += at as u64;
                scan_from = 0;
            }
        }
    }
}

/// `header`, then the file's bytes `range`, then `end_tag`.
fn range_reader(
    mut file: File,
    header: Vec<u8>,
    range: ByteRange,
    end_tag: Option<Vec<u8>>,
) -> io::Result<Box<dyn BufRead + Send>> {
    file.seek(SeekFrom::Start(range.start))?;
    let stretch = BufReader::with_capacity(256 * 1024, file).take(range.end - range.start);
    Ok(Box::new(
        Cursor::new(header)
            .chain(stretch)
            .chain(Cursor::new(end_tag.unwrap_or_default())),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_specs_parse_and_reject_nonsense() {
        assert_eq!("3/8".parse(), Ok(Shard { index: 3, count: 8 }));
        for bad in ["0/4", "5/4", "1/0", "2", "a/b", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn nominal_ranges_tile_the_file() {
        for count in 1..20u32 {
            for size in [0u64, 1, 7, 1000, u64::MAX / 2] {
                let mut next = 0;
                for index in 1..=count {
                    let (lo, hi) = Shard { index, count }.nominal_range(size);
                    assert_eq!(lo, next);
                    assert!(hi >= lo);
                    next = hi;
                }
                assert_eq!(next, size);
            }
        }
    }
}
