//! `<evidence>`: the entry's evidence table, modern (`type="ECO:…" key="1"`) and pre-2012
//! (`key="EC1" category= attribute= date=`) forms alike; keys stay text.

use super::xref::{set, set_str, single_db_reference};
use super::{Tag, XmlCursor};
use crate::error::ParseError;
use crate::model::{Evidence, EvidenceSource};

/// Reads one `<evidence>` element.
pub fn evidence(cur: &mut XmlCursor<'_>, tag: &Tag) -> Result<Evidence, ParseError> {
    let mut out = Evidence::default();
    cur.attrs(tag, |name, value| match name {
        "key" => set_str(&mut out.key, value),
        "type" => set(&mut out.kind, value),
        "category" => set(&mut out.category, value),
        "attribute" => set(&mut out.attribute, value),
        "date" => set(&mut out.date, value),
        _ => Ok(false),
    })?;
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "source" => once!(out.source, evidence_source(cur, child)?),
            "importedFrom" => {
                if out.imported_from.is_some() {
                    return Ok(false);
                }
                cur.no_attrs(child)?;
                out.imported_from = single_db_reference(cur, child)?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(out)
}

fn evidence_source(cur: &mut XmlCursor<'_>, tag: &Tag) -> Result<EvidenceSource, ParseError> {
    let mut source = EvidenceSource::default();
    cur.attrs(tag, |name, value| match name {
        "ref" => set(&mut source.ref_, value),
        _ => Ok(false),
    })?;
    source.db_reference = single_db_reference(cur, tag)?;
    Ok(source)
}
