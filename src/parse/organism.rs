//! `<organism>`, `<organismHost>` (same type) and `<geneLocation>`.

use super::xref::{db_reference, evidenced, set, text_into};
use super::{Tag, XmlCursor};
use crate::error::ParseError;
use crate::table::model::{GeneLocationColumns, NameSummary, Organism, OrganismColumns};
use crate::table::{ColumnBuilder, StructColumns, Utf8Columns};

/// Reads `<organism>` or `<organismHost>`, with its summary fields: the first scientific and
/// common names, and the id of the first NCBI Taxonomy cross-reference, each decided by the
/// same function as `Organism::finish` uses for model values.
pub fn organism<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    out: &mut OrganismColumns,
) -> Result<(), ParseError> {
    let row = out.row();
    cur.attrs(tag, |name, value| match name {
        "evidence" => set(&mut out.evidence, row, value),
        "key" => set(&mut out.key, row, value),
        _ => Ok(false),
    })?;
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "name" => {
                let mut kind = None;
                out.names.push_with(|name| {
                    let item = name.row();
                    cur.attrs(child, |attr, value| match attr {
                        "type" => {
                            let stored = set(&mut name.kind, item, value.clone())?;
                            if stored {
                                kind = Some(value);
                            }
                            Ok(stored)
                        }
                        _ => Ok(false),
                    })?;
                    name.value.push_str(&cur.text(child)?);
                    Ok(())
                })?;
                let summary = match kind.as_deref().and_then(Organism::name_summary) {
                    Some(NameSummary::Scientific) => &mut out.scientific_name,
                    Some(NameSummary::Common) => &mut out.common_name,
                    None => return Ok(true),
                };
                summary.set_str(row, last(&out.names.items.value));
            }
            "dbReference" => {
                out.db_references
                    .push_with(|reference| db_reference(cur, child, reference))?;
                let reference = &out.db_references.items;
                let taxon_id = Organism::taxon_id_of(last(&reference.kind), last(&reference.id));
                if let Some(taxon_id) = taxon_id.filter(|_| out.taxon_id.len() <= row) {
                    // The first one decides, even when its id is not a number (null).
                    out.taxon_id.append(&taxon_id);
                }
            }
            "lineage" => {
                cur.no_attrs(child)?;
                cur.children(child, |cur, taxon| {
                    if taxon.local_name() != "taxon" {
                        return Ok(false);
                    }
                    text_into(cur, taxon, &mut out.lineage.items)?;
                    Ok(true)
                })?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    })
}

/// The value just appended to `column`.
fn last(column: &Utf8Columns) -> &str {
    column.last().unwrap_or_default()
}

/// Reads `<geneLocation>`.
pub fn gene_location<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    out: &mut GeneLocationColumns,
) -> Result<(), ParseError> {
    let row = out.row();
    cur.attrs(tag, |name, value| match name {
        "type" => set(&mut out.kind, row, value),
        "evidence" => set(&mut out.evidence, row, value),
        _ => Ok(false),
    })?;
    cur.children(tag, |cur, child| {
        if child.local_name() != "name" {
            return Ok(false);
        }
        out.names.push_with(|name| evidenced(cur, child, name))?;
        Ok(true)
    })
}
