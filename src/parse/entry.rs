//! `<entry>`: its attributes and the dispatch of its children to the element families, plus the
//! small leaf elements (accession, name, proteinExistence, keyword, sequence).

use super::comment::comment;
use super::cursor::{boolean, count, date, int};
use super::evidence::evidence;
use super::feature::feature;
use super::organism::{gene_location, organism};
use super::protein::{gene, protein};
use super::reference::reference;
use super::xref::{db_reference, set, set_str, set_with};
use super::{Tag, XmlCursor};
use crate::error::{ParseError, ParseErrorKind};
use crate::model::{Entry, Keyword, Sequence};

/// Reads one `<entry>` (already opened) up to its end tag.
pub fn entry(cur: &mut XmlCursor<'_>, tag: &Tag) -> Result<Entry, ParseError> {
    cur.accession = None;
    let mut out = Entry::default();
    cur.attrs(tag, |name, value| match name {
        "dataset" => set(&mut out.dataset, value),
        "created" => set_with(&mut out.created, &value, date),
        "modified" => set_with(&mut out.modified, &value, date),
        "version" => set_with(&mut out.version, &value, int),
        _ => Ok(false),
    })?;
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "accession" => {
                let accession = cur.plain_text(child)?;
                if cur.accession.is_none() {
                    cur.accession = Some(accession.clone());
                }
                out.accessions.push(accession);
            }
            "name" => out.names.push(cur.plain_text(child)?),
            "protein" => once!(out.protein, protein(cur, child)?),
            "gene" => out.genes.push(gene(cur, child)?),
            "organism" => once!(out.organism, organism(cur, child)?),
            "organismHost" => out.organism_hosts.push(organism(cur, child)?),
            "geneLocation" => out.gene_locations.push(gene_location(cur, child)?),
            "reference" => out.references.push(reference(cur, child)?),
            "comment" => out.comments.push(comment(cur, child)?),
            "dbReference" => out.db_references.push(db_reference(cur, child)?),
            "proteinExistence" => {
                if out.protein_existence.is_some() {
                    return Ok(false);
                }
                cur.attrs(child, |name, value| match name {
                    "type" => set(&mut out.protein_existence, value),
                    _ => Ok(false),
                })?;
                cur.children(child, |_, _| Ok(false))?;
            }
            "keyword" => {
                let mut keyword = Keyword::default();
                cur.attrs(child, |name, value| match name {
                    "id" => set_str(&mut keyword.id, value),
                    "evidence" => set(&mut keyword.evidence, value),
                    _ => Ok(false),
                })?;
                keyword.value = cur.text(child)?;
                out.keywords.push(keyword);
            }
            "feature" => out.features.push(feature(cur, child)?),
            "evidence" => out.evidences.push(evidence(cur, child)?),
            "sequence" => once!(out.sequence, sequence(cur, child)?),
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    if out.accessions.is_empty() {
        return Err(cur.error(ParseErrorKind::MissingAccession));
    }
    out.finish();
    Ok(out)
}

/// Reads `<sequence>`, removing all whitespace from the residues.
fn sequence(cur: &mut XmlCursor<'_>, tag: &Tag) -> Result<Sequence, ParseError> {
    let mut out = Sequence::default();
    cur.attrs(tag, |name, value| match name {
        "length" => set_with(&mut out.length, &value, count),
        "mass" => set_with(&mut out.mass, &value, count),
        "checksum" => set(&mut out.checksum, value),
        "modified" => set_with(&mut out.modified, &value, date),
        "version" => set_with(&mut out.version, &value, int),
        "fragment" => set(&mut out.fragment, value),
        "precursor" => set_with(&mut out.precursor, &value, boolean),
        _ => Ok(false),
    })?;
    let mut residues = cur.text(tag)?;
    residues.retain(|c| !c.is_whitespace());
    out.value = residues;
    Ok(out)
}
