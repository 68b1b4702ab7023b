//! `<reference>`: `<citation>` (title, editor and author lists, locator, cross-references),
//! `<scope>` and `<source>`.

use super::xref::{db_reference, set, text_into};
use super::{Tag, XmlCursor};
use crate::error::ParseError;
use crate::table::model::{CitationColumns, ReferenceColumns};
use crate::table::{ListColumns, StructColumns, Utf8Columns};

/// Reads `<reference>`.
pub fn reference<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    out: &mut ReferenceColumns,
) -> Result<(), ParseError> {
    let row = out.row();
    cur.attrs(tag, |name, value| match name {
        "key" => set(&mut out.key, row, value),
        "evidence" => set(&mut out.evidence, row, value),
        _ => Ok(false),
    })?;
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "citation" => once!(out
                .citation
                .set_with(row, |citation_| citation(cur, child, citation_))),
            "scope" => text_into(cur, child, &mut out.scope.items)?,
            "source" => {
                cur.no_attrs(child)?;
                cur.children(child, |cur, item| {
                    let kind = item.local_name();
                    if !matches!(kind, "strain" | "plasmid" | "transposon" | "tissue") {
                        return Ok(false);
                    }
                    out.source.push_with(|source| {
                        let row = source.row();
                        source.kind.push_str(kind);
                        cur.attrs(item, |name, value| match name {
                            "evidence" => set(&mut source.evidence, row, value),
                            _ => Ok(false),
                        })?;
                        source.value.push_str(&cur.text(item)?);
                        Ok(())
                    })?;
                    Ok(true)
                })?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    })
}

/// Reads `<citation>`.
fn citation<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    out: &mut CitationColumns,
) -> Result<(), ParseError> {
    let row = out.row();
    cur.attrs(tag, |name, value| {
        let column = match name {
            "type" => &mut out.kind,
            "date" => &mut out.date,
            "name" => &mut out.name,
            "volume" => &mut out.volume,
            "first" => &mut out.first,
            "last" => &mut out.last,
            "publisher" => &mut out.publisher,
            "city" => &mut out.city,
            "db" => &mut out.db,
            "number" => &mut out.number,
            "institute" => &mut out.institute,
            "country" => &mut out.country,
            _ => return Ok(false),
        };
        set(column, row, value)
    })?;
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "title" => once!(out.title.set_with(row, |t| text_into(cur, child, t))),
            "locator" => once!(out.locator.set_with(row, |l| text_into(cur, child, l))),
            "authorList" => name_list(cur, child, &mut out.authors, &mut out.author_types)?,
            "editorList" => name_list(cur, child, &mut out.editors, &mut out.editor_types)?,
            "dbReference" => out
                .db_references
                .push_with(|reference| db_reference(cur, child, reference))?,
            _ => return Ok(false),
        }
        Ok(true)
    })
}

/// Reads `<authorList>` / `<editorList>`: `<person name=>` and `<consortium name=>` in order,
/// into the open lists `names` and `kinds`.
fn name_list<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    names: &mut ListColumns<Utf8Columns>,
    kinds: &mut ListColumns<Utf8Columns>,
) -> Result<(), ParseError> {
    cur.no_attrs(tag)?;
    cur.children(tag, |cur, child| {
        let kind = child.local_name();
        if kind != "person" && kind != "consortium" {
            return Ok(false);
        }
        let mut name = None;
        cur.attrs(child, |attr, value| match attr {
            "name" if name.is_none() => {
                name = Some(value);
                Ok(true)
            }
            _ => Ok(false),
        })?;
        kinds.items.push_str(kind);
        names.items.push_str(name.as_deref().unwrap_or_default());
        cur.children(child, |_, _| Ok(false))?;
        Ok(true)
    })
}
