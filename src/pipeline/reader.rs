//! The reader stage: pulls decompressed XML from the input and cuts it into [`Chunk`]s of whole
//! entries that parse workers can read independently and in any order.
//!
//! A chunk ends at the first `<entry` boundary at least `pipeline.chunk_bytes` after its
//! start, so where the document is cut depends only on its content, never on read sizes or the
//! thread count. Each chunk after the first is made a small document of its own: the input's
//! root start tag (namespace declarations included) is copied in front of its entries and the
//! root end tag after them, so the one parser ([`crate::parse::EntryReader`]) reads it as it
//! would the whole file; positions map back to the input with [`Chunk::input_offset`]. The
//! last chunk carries the document's real end (`<copyright>`, `</uniprot>`); a read error
//! ends the stream with a chunk that says so, so the worker can name the entry it cut.
//!
//! Memory: one chunk buffer being filled, capped at the chunk target plus the larger of the
//! parser's entry and token limits (a longer stretch without a boundary is sent as it is and the parser's
//! limit error stops the run). Buffers come back from the workers and are reused.

use std::io::BufRead;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use crossbeam_channel::Receiver;

use super::metrics::{Metrics, StageClock};
use super::split::{find_root, BoundaryScanner, RootScan, Scan};
use super::stop::StopSignals;
use crate::config::ParserSettings;

/// Bytes the reader may hold beyond the chunk target and the parser's limits before it gives
/// the stretch to the parser as it is.
const CHUNK_SLACK_BYTES: usize = 64 * 1024;

/// A piece of the input that parses as a document of its own.
#[derive(Debug)]
pub struct Chunk {
    /// Position in the input, from 0.
    pub seq: u64,
    /// The copied root start tag, the input's bytes, and (except in the last chunk, which
    /// holds the document's own end) the root end tag.
    pub data: Vec<u8>,
    /// Bytes of `data` before the input's own bytes.
    pub header_len: usize,
    /// Bytes of `data` that come from the input.
    pub input_len: usize,
    /// Offset in the input of `data[header_len]`.
    pub base: u64,
    /// Reading the input failed right after this chunk's bytes.
    pub read_error: Option<Arc<std::io::Error>>,
    /// Maps stream offsets to the file's (a shard's stream skips part of the file).
    pub relocation: Relocation,
}

/// Maps offsets of the stream the pipeline reads to offsets in the file it came from: a
/// shard's stream is the file's prologue followed by a stretch from further in, so offsets
/// from `from` on move by `shift`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Relocation {
    /// First stream offset that moves.
    pub from: u64,
    /// How far it moves.
    pub shift: u64,
}

impl Relocation {
    /// The stream is the file.
    pub const NONE: Relocation = Relocation {
        from: u64::MAX,
        shift: 0,
    };

    /// The file offset of stream offset `offset`.
    pub fn apply(self, offset: u64) -> u64 {
        if offset >= self.from {
            offset + self.shift
        } else {
            offset
        }
    }
}

impl Chunk {
    /// The input offset of position `local` in `data`.
    pub fn input_offset(&self, local: u64) -> u64 {
        let own = local
            .saturating_sub(self.header_len as u64)
            .min(self.input_len as u64);
        self.relocation.apply(self.base + own)
    }
}

/// Why the reader stopped before the end of the input.
#[derive(Debug, PartialEq, Eq)]
pub enum ReaderStop {
    /// The pipeline shut down (another stage failed); the reader's work is moot.
    Closed,
    /// SIGINT/SIGTERM was requested.
    Interrupted,
}

/// How the document is cut, decided once its root start tag has been read.
enum Framing {
    /// The root start tag has not been read yet.
    Unknown,
    /// No usable root (not XML, wrong, or self-closing): the input goes to the parser whole.
    Whole,
    /// Chunks are framed with copies of the root's tags and cut at its entries.
    Split {
        /// The root start tag, put in front of every chunk after the first.
        start_tag: Vec<u8>,
        /// The root end tag, put behind every chunk but the last.
        end_tag: Vec<u8>,
        /// Finds the `<entry` boundaries (boxed: it holds three SIMD searchers).
        scanner: Box<BoundaryScanner>,
    },
}

/// Reads `input` to its end, handing each chunk to `dispatch` in input order.
pub struct ChunkReader<'a, R> {
    input: R,
    target: usize,
    limit: usize,
    recycled: &'a Receiver<Vec<u8>>,
    relocation: Relocation,
    /// Decompressed bytes read so far.
    pub xml_bytes: u64,
}

impl<'a, R: BufRead> ChunkReader<'a, R> {
    /// A reader over `input` cutting chunks of `target` bytes; `recycled` returns buffers of
    /// finished chunks for reuse.
    pub fn new(
        input: R,
        target: usize,
        parser: &ParserSettings,
        recycled: &'a Receiver<Vec<u8>>,
    ) -> Self {
        let max_entry = usize::try_from(parser.max_entry_bytes).unwrap_or(usize::MAX);
        // Enough for the parser to see either limit exceeded inside the chunk.
        let limit = target
            .saturating_add(max_entry.max(parser.max_text_bytes))
            .saturating_add(CHUNK_SLACK_BYTES);
        ChunkReader {
            input,
            target,
            limit,
            recycled,
            relocation: Relocation::NONE,
            xml_bytes: 0,
        }
    }

    /// Positions in the chunks are mapped to the file with `relocation`.
    pub fn relocated(mut self, relocation: Relocation) -> Self {
        self.relocation = relocation;
        self
    }

    /// The reader stage, on the caller's thread: cuts the whole input into chunks, and each
    /// takes a free slot (of `slots`, the pipeline's memory bound) before `dispatch` queues it;
    /// stops when a stage failed or a signal came.
    pub fn read_all(
        &mut self,
        slots: &Receiver<()>,
        stop: &StopSignals,
        metrics: &Metrics,
        mut dispatch: impl FnMut(Chunk),
    ) -> Result<(), ReaderStop> {
        let mut clock = StageClock::start(&metrics.read_nanos, &metrics.reader_blocked_nanos);
        let take_slot = |chunk: Chunk| {
            let slot = clock.wait(|| slots.recv());
            if slot.is_err() || stop.closing() {
                return Err(ReaderStop::Closed);
            }
            Metrics::add(&metrics.chunks_dispatched, 1);
            let in_flight = metrics.chunks_in_flight();
            metrics
                .chunks_in_flight_peak
                .fetch_max(in_flight, Ordering::Relaxed);
            dispatch(chunk);
            Ok(())
        };
        self.run(take_slot, || stop.quit_requested())
    }

    /// Cuts the whole input into chunks; `dispatch` fails when the pipeline is closing, and
    /// `stop_requested` is polled between reads.
    pub fn run(
        &mut self,
        mut dispatch: impl FnMut(Chunk) -> Result<(), ReaderStop>,
        stop_requested: impl Fn() -> bool,
    ) -> Result<(), ReaderStop> {
        let mut data = self.buffer();
        let mut framing = Framing::Unknown;
        let mut header_len = 0;
        let mut base = 0u64;
        let mut scan_from = 0;
        let mut seq = 0u64;
        loop {
            if stop_requested() {
                return Err(ReaderStop::Interrupted);
            }
            let read = self.read_more(&mut data);
            let ended = !matches!(read, Ok(n) if n > 0);
            let stretch = data.len() - header_len;
            if ended || stretch > self.limit {
                let chunk = Chunk {
                    seq,
                    input_len: stretch,
                    data,
                    header_len,
                    base,
                    read_error: read.err().map(Arc::new),
                    relocation: self.relocation,
                };
                return dispatch(chunk);
            }
            if let Framing::Unknown = framing {
                framing = match find_root(&data) {
                    RootScan::NeedMore => continue,
                    RootScan::Found(root) if !root.self_closing => {
                        scan_from = root.end;
                        Framing::Split {
                            start_tag: data[root.start..root.end].to_vec(),
                            end_tag: format!("</{}>", root.name).into_bytes(),
                            scanner: Box::new(BoundaryScanner::for_root(&root.name)),
                        }
                    }
                    // Nothing to split: the parser reads it whole and says what is wrong.
                    RootScan::Found(_) | RootScan::Unusable => Framing::Whole,
                };
            }
            let Framing::Split {
                start_tag,
                end_tag,
                scanner,
            } = &framing
            else {
                continue;
            };
            // Cut at every boundary far enough from the chunk start, as often as the bytes allow.
            loop {
                match scanner.scan(&data, scan_from) {
                    Scan::NeedMore(at) => {
                        scan_from = at;
                        break;
                    }
                    Scan::Boundary(at) if at - header_len < self.target => {
                        scan_from = at + 1;
                    }
                    Scan::Boundary(at) => {
                        let mut next = self.buffer();
                        next.extend_from_slice(start_tag);
                        next.extend_from_slice(&data[at..]);
                        data.truncate(at);
                        data.extend_from_slice(end_tag);
                        let input_len = at - header_len;
                        let chunk = Chunk {
                            seq,
                            data,
                            header_len,
                            input_len,
                            base,
                            read_error: None,
                            relocation: self.relocation,
                        };
                        dispatch(chunk)?;
                        seq += 1;
                        base += input_len as u64;
                        header_len = start_tag.len();
                        scan_from = header_len + 1;
                        data = next;
                    }
                }
            }
        }
    }

    /// A reused buffer if a worker returned one, else a new one.
    fn buffer(&self) -> Vec<u8> {
        match self.recycled.try_recv() {
            Ok(mut buffer) => {
                buffer.clear();
                buffer
            }
            Err(_) => Vec::with_capacity(self.target + self.target / 4),
        }
    }

    /// Appends the next block of input to `data`; `Ok(0)` at the end.
    fn read_more(&mut self, data: &mut Vec<u8>) -> std::io::Result<usize> {
        loop {
            match self.input.fill_buf() {
                Ok(block) => {
                    let n = block.len();
                    if data.len() + n > data.capacity() {
                        // Grow by doubling, but never far past the limit: a hostile stretch
                        // without boundaries must not allocate twice what it may hold.
                        let wanted = (data.capacity() * 2)
                            .min(self.limit + n)
                            .max(data.len() + n);
                        data.reserve_exact(wanted - data.len());
                    }
                    data.extend_from_slice(block);
                    self.input.consume(n);
                    self.xml_bytes += n as u64;
                    return Ok(n);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(doc: &[u8], block: usize) -> Vec<Chunk> {
        let (_tx, rx) = crossbeam_channel::unbounded();
        let input = std::io::BufReader::with_capacity(block, doc);
        let mut reader = ChunkReader::new(input, 1 << 20, &ParserSettings::default(), &rx);
        let mut out = Vec::new();
        reader
            .run(
                |c| {
                    out.push(c);
                    Ok(())
                },
                || false,
            )
            .unwrap();
        assert_eq!(reader.xml_bytes, doc.len() as u64);
        out
    }

    fn document(entries: usize) -> Vec<u8> {
        let mut doc =
            b"<?xml version=\"1.0\"?>\n<uniprot xmlns=\"http://uniprot.org/uniprot\">\n".to_vec();
        for i in 0..entries {
            let filler = "x".repeat(1000 + i % 7);
            doc.extend_from_slice(
                format!("<entry><accession>P{i:05}</accession><name>{filler}</name></entry>\n")
                    .as_bytes(),
            );
        }
        doc.extend_from_slice(b"<copyright>c</copyright></uniprot>\n");
        doc
    }

    #[test]
    fn chunks_cover_the_input_and_do_not_depend_on_read_sizes() {
        let doc = document(3000);
        let reference = chunks(&doc, 1 << 16);
        assert!(reference.len() >= 2, "{}", reference.len());
        let mut rebuilt = Vec::new();
        for (i, chunk) in reference.iter().enumerate() {
            assert_eq!(chunk.seq, i as u64);
            assert_eq!(chunk.base, rebuilt.len() as u64);
            rebuilt.extend_from_slice(&chunk.data[chunk.header_len..][..chunk.input_len]);
            if i > 0 {
                assert!(chunk
                    .data
                    .starts_with(b"<uniprot xmlns=\"http://uniprot.org/uniprot\">"));
                assert!(chunk.data[chunk.header_len..].starts_with(b"<entry>"));
            }
            if i + 1 < reference.len() {
                assert!(chunk.data.ends_with(b"</entry>\n</uniprot>"));
            }
        }
        assert_eq!(rebuilt, doc);
        for block in [1, 7, 4096, 1 << 20] {
            let other = chunks(&doc, block);
            let cuts = |c: &[Chunk]| c.iter().map(|c| (c.base, c.input_len)).collect::<Vec<_>>();
            assert_eq!(cuts(&other), cuts(&reference), "block {block}");
        }
    }

    #[test]
    fn unsplittable_input_is_one_last_chunk() {
        for doc in [&b"hello, world"[..], b"<uniprot/><entry>", b""] {
            let all = chunks(doc, 3);
            assert_eq!(all.len(), 1);
            assert_eq!(all[0].data, doc);
        }
    }
}
