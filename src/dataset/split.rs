//! One UniProt document split into many, in one sequential pass over a stream (plain, gzip or
//! stdin), so that a single `.xml.gz` can be converted on many machines.
//!
//! Every part is a well-formed document of its own: the input's prologue and root start tag
//! (namespaces included), whole entries in input order, and the input's trailer
//! (`<copyright>`, root end tag). The input is cut into runs of whole entries of about
//! `chunk_bytes` at `<entry` boundaries ([`BoundaryScanner`], as the pipeline does); with
//! `--parts N` the runs are dealt to the parts in turn (balanced without knowing the input's
//! size, which a gzip stream does not tell), with `--part-size` each part takes consecutive
//! runs until it holds that much XML. Each run is compressed on its own (a gzip member or a
//! zstd frame: concatenated, they are one valid stream) on all cores, so compression is not
//! the bottleneck; the trailer, known only at the end, is appended as the last member.
//!
//! Parts are written at temporary names and renamed into place only when the whole input was
//! read and ended with its root end tag: a failed split leaves no part that looks complete.

use std::fs::File;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::ValueEnum;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tempfile::TempPath;

use crate::error::{Error, Result};
use crate::pipeline::input;
use crate::pipeline::split::{find_root, BoundaryScanner, RootScan, Scan};
use crate::writer::tempfiles;

/// Bytes read from the input at a time.
const READ_BLOCK_BYTES: usize = 1024 * 1024;

/// How the parts are compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
pub enum PartCompression {
    /// gzip (multi-member), `.xml.gz`.
    Gzip,
    /// Zstandard (multi-frame), `.xml.zst`.
    Zstd,
    /// Plain XML, `.xml`.
    None,
}

impl PartCompression {
    /// The parts' file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            PartCompression::Gzip => "xml.gz",
            PartCompression::Zstd => "xml.zst",
            PartCompression::None => "xml",
        }
    }

    /// `bytes` compressed as one self-contained member (gzip) or frame (zstd).
    fn compress(self, bytes: &[u8]) -> io::Result<Vec<u8>> {
        match self {
            PartCompression::Gzip => {
                let mut encoder = flate2::write::GzEncoder::new(
                    Vec::with_capacity(bytes.len() / 4),
                    flate2::Compression::default(),
                );
                encoder.write_all(bytes)?;
                encoder.finish()
            }
            PartCompression::Zstd => zstd::bulk::compress(bytes, 3),
            PartCompression::None => Ok(bytes.to_vec()),
        }
    }
}

/// How many parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartCount {
    /// Exactly this many, runs dealt in turn.
    Parts(u32),
    /// As many as needed for about this much XML each, consecutive.
    Size(u64),
}

/// What to split and how.
#[derive(Debug, Clone)]
pub struct SplitRequest {
    /// Input path, or `-` for stdin.
    pub input: String,
    /// Output directory.
    pub dir: PathBuf,
    /// How many parts.
    pub count: PartCount,
    /// How the parts are compressed.
    pub compression: PartCompression,
    /// Bytes of XML per run.
    pub chunk_bytes: u64,
}

/// One part written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SplitPart {
    /// Its path.
    pub path: PathBuf,
    /// Entries in it.
    pub entries: u64,
    /// Bytes of XML in it (uncompressed).
    pub xml_bytes: u64,
    /// Bytes of the file.
    pub bytes: u64,
}

/// What a split did.
#[derive(Debug, Clone, Serialize)]
pub struct SplitSummary {
    /// The parts, in order.
    pub parts: Vec<SplitPart>,
    /// Bytes read from the input (compressed, if it was).
    pub input_bytes: u64,
    /// Bytes of XML read.
    pub xml_bytes: u64,
    /// Wall time.
    pub elapsed: Duration,
}

/// A part being written: its temporary file, holding the prologue and its runs so far. The
/// file is closed between writes, so thousands of parts need no more file descriptors than one.
struct OpenPart {
    temp: TempPath,
    path: PathBuf,
    entries: u64,
    xml_bytes: u64,
}

/// A run of whole entries and the part it goes to.
struct Run {
    part: usize,
    bytes: Vec<u8>,
}

/// Splits `request.input` into documents in `request.dir`.
pub fn split(request: &SplitRequest) -> Result<SplitSummary> {
    let started = Instant::now();
    let consumed = Arc::new(AtomicU64::new(0));
    let opened = input::open(&request.input, Arc::clone(&consumed), None)?;
    let mut splitter = Splitter::new(request, opened.reader)?;
    splitter.run()?;
    let xml_bytes = splitter.xml_bytes;
    let parts = splitter.finish()?;
    Ok(SplitSummary {
        parts,
        input_bytes: consumed.load(std::sync::atomic::Ordering::Relaxed),
        xml_bytes,
        elapsed: started.elapsed(),
    })
}

/// The state of one split.
struct Splitter<'a> {
    request: &'a SplitRequest,
    input: Box<dyn BufRead>,
    name: String,
    /// Bytes read but not yet cut into runs.
    pending: Vec<u8>,
    /// The prologue and root start tag every part starts with.
    header: Vec<u8>,
    /// The root's qualified name.
    root: String,
    scanner: Option<BoundaryScanner>,
    parts: Vec<OpenPart>,
    runs: u64,
    /// Runs cut but not yet written.
    batch: Vec<Run>,
    xml_bytes: u64,
}

impl<'a> Splitter<'a> {
    fn new(request: &'a SplitRequest, input: Box<dyn BufRead>) -> Result<Self> {
        let dir = &request.dir;
        std::fs::create_dir_all(dir).map_err(|e| out_error(dir, "cannot create", e))?;
        let existing = std::fs::read_dir(dir)
            .map_err(|e| out_error(dir, "cannot list", e))?
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .find(|name| name.starts_with("part-") && name.contains(".xml"));
        if let Some(name) = existing {
            return Err(Error::Config(format!(
                "{} already holds split parts ({name}); split into an empty directory",
                request.dir.display()
            )));
        }
        Ok(Splitter {
            request,
            input,
            name: request.input.clone(),
            pending: Vec::new(),
            header: Vec::new(),
            root: String::new(),
            scanner: None,
            parts: Vec::new(),
            runs: 0,
            batch: Vec::new(),
            xml_bytes: 0,
        })
    }

    /// Reads the whole input, cutting runs and writing them as batches fill.
    fn run(&mut self) -> Result<()> {
        let batch_runs = rayon::current_num_threads() * 2;
        let mut scan_from = 0;
        loop {
            let n = self.read_block()?;
            if self.scanner.is_none() {
                if !self.find_header(n == 0)? {
                    continue;
                }
                scan_from = 0;
            }
            // Cut runs at the first boundary at least chunk_bytes from the run's start.
            while let Some(at) = self.next_cut(&mut scan_from) {
                let rest = self.pending.split_off(at);
                let run = std::mem::replace(&mut self.pending, rest);
                self.push_run(run)?;
                scan_from = 1;
            }
            if self.batch.len() >= batch_runs {
                self.write_batch()?;
            }
            if n == 0 {
                return self.write_batch();
            }
        }
    }

    /// Where the run in `pending` ends, if its bytes reach that far; else where to scan from
    /// next time is left in `scan_from`.
    fn next_cut(&self, scan_from: &mut usize) -> Option<usize> {
        let scanner = self.scanner.as_ref()?;
        loop {
            match scanner.scan(&self.pending, *scan_from) {
                Scan::Boundary(at) if (at as u64) < self.request.chunk_bytes || at == 0 => {
                    *scan_from = at + 1;
                }
                Scan::Boundary(at) => return Some(at),
                Scan::NeedMore(at) => {
                    *scan_from = at;
                    return None;
                }
            }
        }
    }

    /// Appends the next block of input to `pending`; 0 at the end.
    fn read_block(&mut self) -> Result<usize> {
        let block = self.input.fill_buf().map_err(|error| Error::Input {
            path: self.name.clone(),
            error,
        })?;
        let n = block.len().min(READ_BLOCK_BYTES);
        self.pending.extend_from_slice(&block[..n]);
        self.input.consume(n);
        self.xml_bytes += n as u64;
        Ok(n)
    }

    /// Takes the prologue and root start tag off `pending` once they are complete.
    fn find_header(&mut self, ended: bool) -> Result<bool> {
        match find_root(&self.pending) {
            RootScan::Found(root) if !root.self_closing => {
                self.header = self.pending.drain(..root.end).collect();
                self.scanner = Some(BoundaryScanner::for_root(&root.name));
                self.root = root.name;
                Ok(true)
            }
            RootScan::NeedMore if !ended => Ok(false),
            _ => Err(self.malformed(0, "no root element with entries to split")),
        }
    }

    fn push_run(&mut self, bytes: Vec<u8>) -> Result<()> {
        let entries = self.count_entries(&bytes);
        let part = self.part_for(bytes.len() as u64);
        self.parts_needed(part)?;
        self.parts[part].xml_bytes += bytes.len() as u64;
        self.parts[part].entries += entries;
        self.runs += 1;
        self.batch.push(Run { part, bytes });
        Ok(())
    }

    /// Entry start tags in a run.
    fn count_entries(&self, bytes: &[u8]) -> u64 {
        let Some(scanner) = &self.scanner else {
            return 0;
        };
        let mut count = 0;
        let mut from = 0;
        while let Scan::Boundary(at) = scanner.scan(bytes, from) {
            count += 1;
            from = at + 1;
        }
        count
    }

    /// The part the next run of `len` bytes goes to.
    fn part_for(&self, len: u64) -> usize {
        match self.request.count {
            PartCount::Parts(n) => (self.runs % u64::from(n.max(1))) as usize,
            PartCount::Size(size) => match self.parts.last() {
                Some(last) if last.xml_bytes + len / 2 <= size.max(1) => self.parts.len() - 1,
                Some(_) => self.parts.len(),
                None => 0,
            },
        }
    }

    /// Opens parts up to `index` (with `--parts N`, all N are opened by the end).
    fn parts_needed(&mut self, index: usize) -> Result<()> {
        while self.parts.len() <= index {
            let part = self.open_part(self.parts.len())?;
            self.parts.push(part);
        }
        Ok(())
    }

    fn open_part(&self, index: usize) -> Result<OpenPart> {
        let name = format!("part-{index:05}.{}", self.request.compression.extension());
        let path = self.request.dir.join(&name);
        let (mut file, temp) = tempfiles::create(&self.request.dir, &name)
            .map_err(|e| out_error(&path, "cannot create the temporary file", e))?
            .into_parts();
        let header = self
            .request
            .compression
            .compress(&self.header)
            .map_err(|e| out_error(&path, "cannot compress", e))?;
        file.write_all(&header)
            .map_err(|e| out_error(&path, "cannot write", e))?;
        Ok(OpenPart {
            temp,
            path,
            entries: 0,
            xml_bytes: 0,
        })
    }

    /// Compresses the batch's runs on all cores and appends each to its part, in order.
    fn write_batch(&mut self) -> Result<()> {
        let compression = self.request.compression;
        let batch = std::mem::take(&mut self.batch);
        let compressed: Vec<(usize, io::Result<Vec<u8>>)> = batch
            .par_iter()
            .map(|run| (run.part, compression.compress(&run.bytes)))
            .collect();
        for (part, bytes) in compressed {
            let open = &mut self.parts[part];
            let path = &open.path;
            let bytes = bytes.map_err(|e| out_error(path, "cannot compress", e))?;
            append(&open.temp, &bytes).map_err(|e| out_error(path, "cannot write", e))?;
        }
        Ok(())
    }

    /// Separates the trailer from the last run, checks that the document ended, appends the
    /// trailer to every part and renames them into place.
    fn finish(mut self) -> Result<Vec<SplitPart>> {
        if self.scanner.is_none() {
            return Err(self.malformed(self.xml_bytes, "no root element with entries to split"));
        }
        let entry_end = format!("</{}entry>", prefix_of(&self.root));
        let trailer_start = memchr::memmem::rfind(&self.pending, entry_end.as_bytes())
            .map_or(0, |at| at + entry_end.len());
        let trailer = self.pending.split_off(trailer_start);
        let root_end = format!("</{}>", self.root);
        if !trim_ascii_end(&trailer).ends_with(root_end.as_bytes()) {
            return Err(self.malformed(
                self.xml_bytes,
                &format!("the document ends before {root_end} (truncated?)"),
            ));
        }
        let last = std::mem::take(&mut self.pending);
        if !last.is_empty() {
            self.push_run(last)?;
        }
        let count = match self.request.count {
            PartCount::Parts(n) => n.max(1) as usize,
            PartCount::Size(_) => 1,
        };
        self.parts_needed(count - 1)?;
        self.write_batch()?;
        let compression = self.request.compression;
        let trailer = compression
            .compress(&trailer)
            .map_err(|e| out_error(&self.request.dir, "cannot compress", e))?;
        let mut written = Vec::new();
        for part in self.parts {
            let path = part.path.clone();
            let fail = |e| out_error(&path, "cannot finish", e);
            let file = append(&part.temp, &trailer).map_err(fail)?;
            file.sync_all().map_err(fail)?;
            let bytes = file.metadata().map_err(fail)?.len();
            part.temp.persist(&path).map_err(|e| fail(e.error))?;
            written.push(SplitPart {
                path,
                entries: part.entries,
                xml_bytes: part.xml_bytes,
                bytes,
            });
        }
        Ok(written)
    }

    fn malformed(&self, offset: u64, what: &str) -> Error {
        Error::Split {
            path: self.name.clone(),
            offset,
            problem: what.to_owned(),
        }
    }
}

/// Appends `bytes` to the file at `path`; returns it, still open.
fn append(path: &Path, bytes: &[u8]) -> io::Result<File> {
    let mut file = std::fs::OpenOptions::new().append(true).open(path)?;
    file.write_all(bytes)?;
    Ok(file)
}

/// `up:` for `up:uniprot`, else empty.
fn prefix_of(root: &str) -> &str {
    root.rfind(':').map_or("", |i| &root[..=i])
}

fn trim_ascii_end(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    &bytes[..end]
}

fn out_error(path: &Path, what: &'static str, error: io::Error) -> Error {
    Error::Write {
        path: path.to_owned(),
        what,
        source: error.into(),
    }
}
