//! `<entry>`: its attributes and the dispatch of its children to the element families, plus the
//! small leaf elements (accession, name, proteinExistence, keyword, sequence).

use super::comment::comment;
use super::cursor::{boolean, count, date, int};
use super::evidence::evidence;
use super::feature::feature;
use super::organism::{gene_location, organism};
use super::protein::{gene, protein};
use super::reference::reference;
use super::xref::{db_reference, set, set_str, set_with, text_into};
use super::{Tag, XmlCursor};
use crate::error::{ParseError, ParseErrorKind};
use crate::table::model::{EntryColumns, SequenceColumns};
use crate::table::{ColumnBuilder, StructColumns};

/// Which child elements of `<entry>` are read: the others are skipped unread
/// ([`XmlCursor::skip_unread`]: the XML still checked as reading it would, its values not
/// interpreted), because a projection left out every column they fill. `<accession>` is always read: it names the entry in errors
/// and an entry without one is refused whatever was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryElements {
    /// One bit per skippable element, set when it is read; all set: nothing is skipped.
    read: u16,
}

/// The skippable child elements of `<entry>` and the top-level columns each one fills.
const ELEMENT_COLUMNS: [(&str, &str); 14] = [
    ("name", "names"),
    ("protein", "protein"),
    ("gene", "genes"),
    ("organism", "organism"),
    ("organismHost", "organism_hosts"),
    ("geneLocation", "gene_locations"),
    ("reference", "references"),
    ("comment", "comments"),
    ("dbReference", "db_references"),
    ("proteinExistence", "protein_existence"),
    ("keyword", "keywords"),
    ("feature", "features"),
    ("evidence", "evidences"),
    ("sequence", "sequence"),
];

impl EntryElements {
    /// Every element is read.
    pub const ALL: EntryElements = EntryElements { read: u16::MAX };

    /// The elements that fill the top-level `columns` (a projection's column names).
    pub fn for_columns<'c>(columns: impl IntoIterator<Item = &'c str>) -> EntryElements {
        let columns: Vec<&str> = columns.into_iter().collect();
        let mut read = 0u16;
        for (bit, (_, column)) in ELEMENT_COLUMNS.iter().enumerate() {
            if columns.contains(column) {
                read |= 1 << bit;
            }
        }
        EntryElements { read }
    }

    /// True when `element` (a child of `<entry>`) is skipped unread.
    fn skips(self, element: &str) -> bool {
        self != EntryElements::ALL
            && ELEMENT_COLUMNS
                .iter()
                .position(|(name, _)| *name == element)
                .is_some_and(|bit| self.read & (1 << bit) == 0)
    }
}

/// Reads one `<entry>` (already opened) up to its end tag into the open row of `out`, skipping
/// the child elements `elements` leaves out; the caller closes the row (or drops it, when this
/// fails).
pub fn entry<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    out: &mut EntryColumns,
    elements: EntryElements,
) -> Result<(), ParseError> {
    cur.accession = None;
    let row = out.row();
    cur.attrs(tag, |name, value| match name {
        "dataset" => set(&mut out.dataset, row, value),
        "created" => set_with(&mut out.created, row, &value, date),
        "modified" => set_with(&mut out.modified, row, &value, date),
        "version" => set_with(&mut out.version, row, &value, int),
        _ => Ok(false),
    })?;
    cur.children(tag, |cur, child| {
        if elements.skips(child.local_name()) {
            cur.skip_unread(child)?;
            return Ok(true);
        }
        match child.local_name() {
            "accession" => {
                let accession = cur.plain_text(child)?;
                // The first accession is the primary one, and names the entry in errors.
                if out.accession.len() <= row {
                    out.accession.push_str(&accession);
                    cur.accession = Some(accession.to_string());
                }
                out.accessions.items.push_str(&accession);
            }
            "name" => text_into(cur, child, &mut out.names.items)?,
            "protein" => once!(out.protein.set_with(row, |p| protein(cur, child, p))),
            "gene" => out.genes.push_with(|g| gene(cur, child, g))?,
            "organism" => once!(out.organism.set_with(row, |o| organism(cur, child, o))),
            "organismHost" => out.organism_hosts.push_with(|o| organism(cur, child, o))?,
            "geneLocation" => out
                .gene_locations
                .push_with(|g| gene_location(cur, child, g))?,
            "reference" => out.references.push_with(|r| reference(cur, child, r))?,
            "comment" => out.comments.push_with(|c| comment(cur, child, c))?,
            "dbReference" => out
                .db_references
                .push_with(|r| db_reference(cur, child, r))?,
            "proteinExistence" => {
                if out.has(&out.protein_existence) {
                    return Ok(false);
                }
                cur.attrs(child, |name, value| match name {
                    "type" => set(&mut out.protein_existence, row, value),
                    _ => Ok(false),
                })?;
                cur.children(child, |_, _| Ok(false))?;
            }
            "keyword" => out.keywords.push_with(|keyword| {
                let item = keyword.row();
                cur.attrs(child, |name, value| match name {
                    "id" => set_str(&mut keyword.id, item, value),
                    "evidence" => set(&mut keyword.evidence, item, value),
                    _ => Ok(false),
                })?;
                keyword.value.push_str(&cur.text(child)?);
                Ok(())
            })?,
            "feature" => out.features.push_with(|f| feature(cur, child, f))?,
            "evidence" => out.evidences.push_with(|e| evidence(cur, child, e))?,
            "sequence" => once!(out.sequence.set_with(row, |s| sequence(cur, child, s))),
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    if !out.has(&out.accession) {
        return Err(cur.error(ParseErrorKind::MissingAccession));
    }
    Ok(())
}

/// Reads `<sequence>`, removing all whitespace from the residues.
fn sequence<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    out: &mut SequenceColumns,
) -> Result<(), ParseError> {
    let row = out.row();
    cur.attrs(tag, |name, value| match name {
        "length" => set_with(&mut out.length, row, &value, count),
        "mass" => set_with(&mut out.mass, row, &value, count),
        "checksum" => set(&mut out.checksum, row, value),
        "modified" => set_with(&mut out.modified, row, &value, date),
        "version" => set_with(&mut out.version, row, &value, int),
        "fragment" => set(&mut out.fragment, row, value),
        "precursor" => set_with(&mut out.precursor, row, &value, boolean),
        _ => Ok(false),
    })?;
    out.value.push_without_whitespace(&cur.text(tag)?);
    Ok(())
}
