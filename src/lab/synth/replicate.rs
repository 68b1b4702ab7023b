//! Real-entry corpora: the entries of real UniProt files copied verbatim, round after round,
//! until a target size, with every `<accession>` made unique per round (`P12345` becomes
//! `P12345_r1`, `P12345_r2`, …; round 0 keeps the originals). The lab measures real entries
//! this way, with the shapes, sizes and rare elements of real releases, at any size.
//!
//! Entries are found with the pipeline's own boundary scanner; each source file may be plain
//! or gzip. The output is one well-formed UniProt document.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use memchr::memmem;

use super::Amount;
use crate::pipeline::split::{find_root, BoundaryScanner, RootScan, Scan};

/// What [`replicate`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplicaStats {
    /// Distinct real entries found in the sources.
    pub distinct: u64,
    /// Entries written.
    pub entries: u64,
    /// Bytes written.
    pub bytes: u64,
}

/// The UniProt XML files of `dir` (`*.xml`, `*.xml.gz`), sorted by name.
pub fn sources_in(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            name.is_some_and(|n| n.ends_with(".xml") || n.ends_with(".xml.gz"))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// The raw bytes of every entry of one UniProt document (start tag to end tag).
pub fn entries_of(document: &[u8]) -> Vec<&[u8]> {
    let RootScan::Found(root) = find_root(document) else {
        return Vec::new();
    };
    let scanner = BoundaryScanner::for_root(&root.name);
    let Some(prefix) = root.name.strip_suffix("uniprot") else {
        return Vec::new();
    };
    let end_tag = format!("</{prefix}entry>");
    let mut starts = Vec::new();
    let mut pos = root.end;
    while let Scan::Boundary(at) = scanner.scan(document, pos) {
        starts.push(at);
        pos = at + 1;
    }
    let mut entries = Vec::with_capacity(starts.len());
    for (i, &start) in starts.iter().enumerate() {
        let limit = starts.get(i + 1).copied().unwrap_or(document.len());
        let region = &document[start..limit];
        if let Some(end) = memmem::rfind(region, end_tag.as_bytes()) {
            entries.push(&region[..end + end_tag.len()]);
        }
    }
    entries
}

/// Writes a UniProt document of the entries of `sources`, repeated in rounds with unique
/// accessions until `amount` is reached.
pub fn replicate<W: Write>(
    sources: &[PathBuf],
    amount: Amount,
    out: W,
) -> io::Result<ReplicaStats> {
    let mut documents = Vec::with_capacity(sources.len());
    for path in sources {
        let path_text = path.to_string_lossy();
        let opened = crate::pipeline::input::open(&path_text, Arc::default(), None)
            .map_err(|e| io::Error::other(e.to_string()))?;
        let mut bytes = Vec::new();
        let mut reader = opened.reader;
        reader.read_to_end(&mut bytes)?;
        documents.push(bytes);
    }
    let entries: Vec<&[u8]> = documents.iter().flat_map(|d| entries_of(d)).collect();
    if entries.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "no UniProt entries found in the sources",
        ));
    }
    let mut out = CountingWriter {
        inner: out,
        bytes: 0,
    };
    out.write_all(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<uniprot xmlns=\"http://uniprot.org/uniprot\" \
          xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
          xsi:schemaLocation=\"http://uniprot.org/uniprot http://www.uniprot.org/support/docs/uniprot.xsd\">\n",
    )?;
    let mut written = 0u64;
    let done = |entries: u64, bytes: u64| match amount {
        Amount::Entries(n) => entries >= n,
        Amount::Bytes(n) => bytes >= n,
    };
    'rounds: for round in 0.. {
        for entry in &entries {
            if done(written, out.bytes) {
                break 'rounds;
            }
            write_with_round(&mut out, entry, round)?;
            out.write_all(b"\n")?;
            written += 1;
        }
    }
    out.write_all(
        b"<copyright>\nReplicated from real UniProtKB entries by uniprot-etl's lab; \
          accessions made unique per round. UniProtKB is distributed under CC BY 4.0.\n</copyright>\n</uniprot>\n",
    )?;
    out.flush()?;
    Ok(ReplicaStats {
        distinct: entries.len() as u64,
        entries: written,
        bytes: out.bytes,
    })
}

/// Copies `entry`, suffixing the text of every `<accession>` with `_r{round}` (round > 0).
fn write_with_round<W: Write>(out: &mut W, entry: &[u8], round: u64) -> io::Result<()> {
    if round == 0 {
        return out.write_all(entry);
    }
    const END_TAG: &[u8] = b"</accession>";
    let suffix = format!("_r{round}");
    let mut rest = entry;
    while let Some(at) = memmem::find(rest, END_TAG) {
        out.write_all(&rest[..at])?;
        out.write_all(suffix.as_bytes())?;
        out.write_all(END_TAG)?;
        rest = &rest[at + END_TAG.len()..];
    }
    out.write_all(rest)
}

/// Counts the bytes written through it.
struct CountingWriter<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for CountingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_cut_exactly_and_accessions_made_unique() {
        let doc = b"<?xml version=\"1.0\"?>\n<uniprot xmlns=\"http://uniprot.org/uniprot\">\n\
            <entry a=\"1\"><accession>P1</accession><accession>Q9</accession></entry>\n\
            <entry><accession>P2</accession></entry>\n<copyright>c</copyright>\n</uniprot>\n";
        let entries = entries_of(doc);
        assert_eq!(
            entries,
            [
                &b"<entry a=\"1\"><accession>P1</accession><accession>Q9</accession></entry>"[..],
                b"<entry><accession>P2</accession></entry>"
            ]
        );
        let mut out = Vec::new();
        write_with_round(&mut out, entries[0], 3).unwrap();
        assert_eq!(
            out,
            b"<entry a=\"1\"><accession>P1_r3</accession><accession>Q9_r3</accession></entry>"
        );
        assert!(entries_of(b"<html><entry></entry></html>").is_empty());
    }
}
