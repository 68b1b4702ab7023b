//! `<evidence>`: the entry's evidence table, modern (`type="ECO:…" key="1"`) and pre-2012
//! (`key="EC1" category= attribute= date=`) forms alike; keys stay text.

use super::xref::{set, set_str, single_db_reference};
use super::{Tag, XmlCursor};
use crate::error::ParseError;
use crate::table::model::{EvidenceColumns, EvidenceSourceColumns};
use crate::table::{ColumnBuilder, StructColumns};

/// Reads one `<evidence>` element.
pub fn evidence<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    out: &mut EvidenceColumns,
) -> Result<(), ParseError> {
    let row = out.row();
    cur.attrs(tag, |name, value| match name {
        "key" => set_str(&mut out.key, row, value),
        "type" => set(&mut out.kind, row, value),
        "category" => set(&mut out.category, row, value),
        "attribute" => set(&mut out.attribute, row, value),
        "date" => set(&mut out.date, row, value),
        _ => Ok(false),
    })?;
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "source" => once!(out
                .source
                .set_with(row, |source| evidence_source(cur, child, source))),
            "importedFrom" => {
                if out.imported_from.len() > row {
                    return Ok(false);
                }
                cur.no_attrs(child)?;
                single_db_reference(cur, child, row, &mut out.imported_from)?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    })
}

fn evidence_source<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    out: &mut EvidenceSourceColumns,
) -> Result<(), ParseError> {
    let row = out.row();
    cur.attrs(tag, |name, value| match name {
        "ref" => set(&mut out.ref_, row, value),
        _ => Ok(false),
    })?;
    single_db_reference(cur, tag, row, &mut out.db_reference)
}
