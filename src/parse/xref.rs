//! Shared small element families: `<dbReference>` with `<property>` and `<molecule>`, evidenced
//! strings (text with `evidence`/`status`), and the setters every family uses to put a value into
//! a column of the open row.
//!
//! A setter returns `Ok(false)` when the column has its value for the row already — a repeated
//! single element, or a second attribute with the same local name — so the cursor counts it as
//! unmapped instead of writing the row twice.

use std::borrow::Cow;

use super::cursor::{ValueResult, XmlCursor};
use super::Tag;
use crate::error::ParseError;
use crate::table::model::{DbReferenceColumns, EvidencedStringColumns, MoleculeColumns};
use crate::table::{ColumnBuilder, NullableColumns, StructColumns, Utf8Columns};

/// Sets an optional text column of the open row `row` from an attribute value.
pub fn set<const DICTIONARY: bool>(
    column: &mut NullableColumns<Utf8Columns<DICTIONARY>>,
    row: usize,
    value: Cow<'_, str>,
) -> ValueResult<bool> {
    Ok(column.set_str(row, &value))
}

/// Sets a text column of the open row `row` from an attribute value.
pub fn set_str(column: &mut Utf8Columns, row: usize, value: Cow<'_, str>) -> ValueResult<bool> {
    if column.len() > row {
        return Ok(false);
    }
    column.push_str(&value);
    Ok(true)
}

/// Sets an optional column of the open row `row` to an attribute value parsed with `parse`.
pub fn set_with<B: ColumnBuilder>(
    column: &mut NullableColumns<B>,
    row: usize,
    value: &str,
    parse: fn(&str) -> ValueResult<B::Value>,
) -> ValueResult<bool> {
    if column.len() > row {
        return Ok(false);
    }
    Ok(column.set(row, &parse(value)?))
}

/// Reads the text of `tag`, an element without attributes, into `column`.
pub fn text_into<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    column: &mut Utf8Columns,
) -> Result<(), ParseError> {
    let text = cur.plain_text(tag)?;
    column.push_str(&text);
    Ok(())
}

/// Reads a text element that may carry `evidence` and `status`.
pub fn evidenced<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    out: &mut EvidencedStringColumns,
) -> Result<(), ParseError> {
    let row = out.row();
    cur.attrs(tag, |name, value| match name {
        "evidence" => set(&mut out.evidence, row, value),
        "status" => set(&mut out.status, row, value),
        _ => Ok(false),
    })?;
    out.value.push_str(&cur.text(tag)?);
    Ok(())
}

/// Reads a text element that may carry only `evidence`: the text into `text`, the evidence
/// keys into `evidence` (a null when there are none).
pub fn text_with_evidence<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    text: &mut Utf8Columns,
    evidence: &mut NullableColumns<Utf8Columns>,
) -> Result<(), ParseError> {
    let row = evidence.len();
    cur.attrs(tag, |name, value| match name {
        "evidence" => set(evidence, row, value),
        _ => Ok(false),
    })?;
    evidence.fill(row + 1);
    text.push_str(&cur.text(tag)?);
    Ok(())
}

/// Reads `<molecule id=…>text</molecule>`.
pub fn molecule<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    out: &mut MoleculeColumns,
) -> Result<(), ParseError> {
    let row = out.row();
    cur.attrs(tag, |name, value| match name {
        "id" => set(&mut out.id, row, value),
        _ => Ok(false),
    })?;
    out.value.push_str(&cur.text(tag)?);
    Ok(())
}

/// Reads a `<dbReference>` with its `<molecule>` and `<property>` children.
pub fn db_reference<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    out: &mut DbReferenceColumns,
) -> Result<(), ParseError> {
    let row = out.row();
    cur.attrs(tag, |name, value| match name {
        "type" => set_str(&mut out.kind, row, value),
        "id" => set_str(&mut out.id, row, value),
        "evidence" => set(&mut out.evidence, row, value),
        "key" => set(&mut out.key, row, value),
        _ => Ok(false),
    })?;
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "molecule" => once!(out
                .molecule
                .set_with(row, |molecule_| molecule(cur, child, molecule_))),
            "property" => out.properties.push_with(|property| {
                let item = property.row();
                cur.attrs(child, |name, value| match name {
                    "type" => set_str(&mut property.kind, item, value),
                    "value" => set_str(&mut property.value, item, value),
                    _ => Ok(false),
                })?;
                cur.children(child, |_, _| Ok(false))
            })?,
            _ => return Ok(false),
        }
        Ok(true)
    })
}

/// Reads an element that should hold exactly one `<dbReference>` (ligand, source, importedFrom…)
/// into the open slot `row` of `out`; a second one is unmapped.
pub fn single_db_reference<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    row: usize,
    out: &mut NullableColumns<DbReferenceColumns>,
) -> Result<(), ParseError> {
    cur.children(tag, |cur, child| {
        if child.local_name() != "dbReference" {
            return Ok(false);
        }
        once!(out.set_with(row, |reference| db_reference(cur, child, reference)));
        Ok(true)
    })
}
