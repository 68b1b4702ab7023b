//! `<reference>`: `<citation>` (title, editor and author lists, locator, cross-references),
//! `<scope>` and `<source>`.

use super::cursor::int;
use super::xref::{db_reference, set, set_with};
use super::{Tag, XmlCursor};
use crate::error::ParseError;
use crate::model::{Citation, Reference, SourceItem};

/// Reads `<reference>`.
pub fn reference(cur: &mut XmlCursor<'_>, tag: &Tag) -> Result<Reference, ParseError> {
    let mut out = Reference::default();
    cur.attrs(tag, |name, value| match name {
        "key" => set_with(&mut out.key, &value, int),
        "evidence" => set(&mut out.evidence, value),
        _ => Ok(false),
    })?;
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "citation" => once!(out.citation, citation(cur, child)?),
            "scope" => {
                out.scope.push(cur.plain_text(child)?);
            }
            "source" => {
                cur.no_attrs(child)?;
                cur.children(child, |cur, item| {
                    let kind = item.local_name();
                    if !matches!(kind, "strain" | "plasmid" | "transposon" | "tissue") {
                        return Ok(false);
                    }
                    let mut source = SourceItem {
                        kind: kind.to_owned(),
                        ..SourceItem::default()
                    };
                    cur.attrs(item, |name, value| match name {
                        "evidence" => set(&mut source.evidence, value),
                        _ => Ok(false),
                    })?;
                    source.value = cur.text(item)?;
                    out.source.push(source);
                    Ok(true)
                })?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(out)
}

/// Reads `<citation>`.
fn citation(cur: &mut XmlCursor<'_>, tag: &Tag) -> Result<Citation, ParseError> {
    let mut out = Citation::default();
    cur.attrs(tag, |name, value| {
        let slot = match name {
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
        set(slot, value)
    })?;
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "title" => once!(out.title, cur.plain_text(child)?),
            "locator" => once!(out.locator, cur.plain_text(child)?),
            "authorList" => name_list(cur, child, &mut out.authors, &mut out.author_types)?,
            "editorList" => name_list(cur, child, &mut out.editors, &mut out.editor_types)?,
            "dbReference" => out.db_references.push(db_reference(cur, child)?),
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(out)
}

/// Reads `<authorList>` / `<editorList>`: `<person name=>` and `<consortium name=>` in order.
fn name_list(
    cur: &mut XmlCursor<'_>,
    tag: &Tag,
    names: &mut Vec<String>,
    kinds: &mut Vec<String>,
) -> Result<(), ParseError> {
    cur.no_attrs(tag)?;
    cur.children(tag, |cur, child| {
        let kind = child.local_name();
        if kind != "person" && kind != "consortium" {
            return Ok(false);
        }
        let mut name = String::new();
        cur.attrs(child, |attr, value| match attr {
            "name" => {
                name = value.into_owned();
                Ok(true)
            }
            _ => Ok(false),
        })?;
        kinds.push(kind.to_owned());
        names.push(name);
        cur.children(child, |_, _| Ok(false))?;
        Ok(true)
    })
}
