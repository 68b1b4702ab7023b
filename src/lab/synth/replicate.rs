//! Real-entry corpora: the entries of real UniProt files copied round after round until a
//! target size, with every `<accession>` made unique per round (`P12345` becomes `P12345_r1`,
//! `P12345_r2`, …; round 0 keeps the originals). The lab measures real entries this way, with
//! the shapes, sizes and rare elements of real releases, at any size.
//!
//! Copies of a few hundred entries repeat their sequences and names round after round, which
//! dictionaries and zstd find: the Parquet comes out far smaller (and cheaper to encode) than a
//! release's. [`Copies::Unique`] makes each copy look like an entry of its own, as in a
//! release: its own entry name (`_rN` too) and its own sequence — the residues redrawn with the
//! amino-acid composition of real proteins, same length and line layout, `checksum` (CRC64) and
//! `mass` recomputed from them ([`super::residues`]). Evidence keys are per entry already.
//! Cross-references, citations and comment texts stay as they were (a release repeats many).
//!
//! Entries are found with the pipeline's own boundary scanner; each source file may be plain
//! or gzip. The output is one well-formed UniProt document.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use memchr::memmem;
use rand::SeedableRng;

use super::Amount;
use crate::pipeline::split::{find_root, BoundaryScanner, RootScan, Scan};

/// How copies of an entry (rounds after the first) differ from it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Copies {
    /// Only the accessions change: sequences and names repeat every round.
    Verbatim,
    /// As in a release: the accessions, the entry name and the sequence are the copy's own.
    #[default]
    Unique,
}

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
/// accessions (and, for [`Copies::Unique`], their own names and sequences) until `amount` is
/// reached.
pub fn replicate<W: Write>(
    sources: &[PathBuf],
    amount: Amount,
    copies: Copies,
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
        for (index, entry) in entries.iter().enumerate() {
            if done(written, out.bytes) {
                break 'rounds;
            }
            match copies {
                Copies::Unique if round > 0 => {
                    out.write_all(&unique_copy(entry, round, index as u64))?;
                }
                _ => write_with_round(&mut out, entry, round)?,
            }
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
    out.write_all(&suffixed(
        entry,
        b"</accession>",
        &format!("_r{round}"),
        usize::MAX,
    ))
}

/// `text` with `suffix` written before the first `limit` occurrences of `end_tag`.
fn suffixed(text: &[u8], end_tag: &[u8], suffix: &str, limit: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 64);
    let mut rest = text;
    let mut done = 0;
    while done < limit {
        let Some(at) = memmem::find(rest, end_tag) else {
            break;
        };
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(suffix.as_bytes());
        out.extend_from_slice(end_tag);
        rest = &rest[at + end_tag.len()..];
        done += 1;
    }
    out.extend_from_slice(rest);
    out
}

/// The copy of `entry` (the `index`-th source entry) for `round` > 0 under [`Copies::Unique`]:
/// `_r{round}` on every accession and on the entry name (the entry's first `<name>`, which
/// the schema puts right after the accessions), and a sequence of its own, drawn from a
/// generator seeded by round and index (the same corpus every time).
fn unique_copy(entry: &[u8], round: u64, index: u64) -> Vec<u8> {
    let suffix = format!("_r{round}");
    let copy = suffixed(entry, b"</accession>", &suffix, usize::MAX);
    let copy = match memmem::find(&copy, b"<name>") {
        Some(at) => {
            let mut named = copy[..at].to_vec();
            named.extend(suffixed(&copy[at..], b"</name>", &suffix, 1));
            named
        }
        None => copy,
    };
    let mut rng = rand_pcg::Pcg64::seed_from_u64((round << 32) ^ index);
    redraw_sequence(&copy, &mut rng)
}

/// `entry` with the residues of its canonical `<sequence>` (the one with content; isoforms'
/// are empty elements) redrawn — whitespace and line breaks kept — and its `checksum` and
/// `mass` attributes recomputed. An entry without one is returned as it is.
fn redraw_sequence(entry: &[u8], rng: &mut impl rand::RngCore) -> Vec<u8> {
    const END_TAG: &[u8] = b"</sequence>";
    let canonical = memmem::find_iter(entry, b"<sequence").find_map(|start| {
        let tag_end = start + memchr::memchr(b'>', &entry[start..])?;
        let empty = entry[tag_end - 1] == b'/';
        let named = matches!(
            entry.get(start + 9),
            Some(b' ' | b'>' | b'\t' | b'\n' | b'\r')
        );
        (!empty && named).then_some((start, tag_end))
    });
    let Some((start, tag_end)) = canonical else {
        return entry.to_vec();
    };
    let Some(length) = memmem::find(&entry[tag_end..], END_TAG) else {
        return entry.to_vec();
    };
    let text_end = tag_end + length;
    let mut text = entry[tag_end + 1..text_end].to_vec();
    let mut residues = Vec::with_capacity(text.len());
    for byte in &mut text {
        if byte.is_ascii_alphabetic() {
            *byte = super::residues::draw_residue(rng);
            residues.push(*byte);
        }
    }
    let mut tag = entry[start..=tag_end].to_vec();
    tag = with_attribute(&tag, b"checksum", &super::residues::crc64(&residues));
    if let Some(mass) = super::residues::average_mass(&residues) {
        tag = with_attribute(&tag, b"mass", &mass.to_string());
    }
    let mut out = Vec::with_capacity(entry.len());
    out.extend_from_slice(&entry[..start]);
    out.extend_from_slice(&tag);
    out.extend_from_slice(&text);
    out.extend_from_slice(&entry[text_end..]);
    out
}

/// The start tag `tag` with the value of its attribute `name` replaced by `value` (unchanged
/// when it has no such attribute).
fn with_attribute(tag: &[u8], name: &[u8], value: &str) -> Vec<u8> {
    let mut pattern = b" ".to_vec();
    pattern.extend_from_slice(name);
    pattern.extend_from_slice(b"=\"");
    let Some(at) = memmem::find(tag, &pattern) else {
        return tag.to_vec();
    };
    let value_start = at + pattern.len();
    let Some(length) = memchr::memchr(b'"', &tag[value_start..]) else {
        return tag.to_vec();
    };
    let mut out = tag[..value_start].to_vec();
    out.extend_from_slice(value.as_bytes());
    out.extend_from_slice(&tag[value_start + length..]);
    out
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
