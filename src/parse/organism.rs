//! `<organism>`, `<organismHost>` (same type) and `<geneLocation>`.

use super::xref::{db_reference, evidenced, set};
use super::{Tag, XmlCursor};
use crate::error::ParseError;
use crate::model::{GeneLocation, Organism, OrganismName};

/// Reads `<organism>` or `<organismHost>`; summary fields are filled later by `Entry::finish`.
pub fn organism(cur: &mut XmlCursor<'_>, tag: &Tag) -> Result<Organism, ParseError> {
    let mut out = Organism::default();
    cur.attrs(tag, |name, value| match name {
        "evidence" => set(&mut out.evidence, value),
        "key" => set(&mut out.key, value),
        _ => Ok(false),
    })?;
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "name" => {
                let mut name = OrganismName::default();
                cur.attrs(child, |attr, value| match attr {
                    "type" => set(&mut name.kind, value),
                    _ => Ok(false),
                })?;
                name.value = cur.text(child)?;
                out.names.push(name);
            }
            "dbReference" => out.db_references.push(db_reference(cur, child)?),
            "lineage" => {
                cur.no_attrs(child)?;
                cur.children(child, |cur, taxon| {
                    if taxon.local_name() != "taxon" {
                        return Ok(false);
                    }
                    out.lineage.push(cur.plain_text(taxon)?);
                    Ok(true)
                })?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(out)
}

/// Reads `<geneLocation>`.
pub fn gene_location(cur: &mut XmlCursor<'_>, tag: &Tag) -> Result<GeneLocation, ParseError> {
    let mut out = GeneLocation::default();
    cur.attrs(tag, |name, value| match name {
        "type" => set(&mut out.kind, value),
        "evidence" => set(&mut out.evidence, value),
        _ => Ok(false),
    })?;
    cur.children(tag, |cur, child| {
        if child.local_name() != "name" {
            return Ok(false);
        }
        out.names.push(evidenced(cur, child)?);
        Ok(true)
    })?;
    Ok(out)
}
