//! Shared small element families: `<dbReference>` with `<property>` and `<molecule>`, evidenced
//! strings (text with `evidence`/`status`), and the attribute setters every family uses.

use std::borrow::Cow;

use super::cursor::{ValueResult, XmlCursor};
use super::Tag;
use crate::error::ParseError;
use crate::model::{DbReference, EvidencedString, Molecule, Property};

/// Stores an attribute value in an optional text slot; always "mapped".
pub fn set(slot: &mut Option<String>, value: Cow<'_, str>) -> ValueResult<bool> {
    *slot = Some(value.into_owned());
    Ok(true)
}

/// Stores an attribute value in a text slot; always "mapped".
pub fn set_str(slot: &mut String, value: Cow<'_, str>) -> ValueResult<bool> {
    *slot = value.into_owned();
    Ok(true)
}

/// Parses an attribute value with `parse` into an optional slot.
pub fn set_with<T>(
    slot: &mut Option<T>,
    value: &str,
    parse: fn(&str) -> ValueResult<T>,
) -> ValueResult<bool> {
    *slot = Some(parse(value)?);
    Ok(true)
}

/// Reads a text element that may carry `evidence` and `status`.
pub fn evidenced(cur: &mut XmlCursor<'_>, tag: &Tag) -> Result<EvidencedString, ParseError> {
    let mut out = EvidencedString::default();
    cur.attrs(tag, |name, value| match name {
        "evidence" => set(&mut out.evidence, value),
        "status" => set(&mut out.status, value),
        _ => Ok(false),
    })?;
    out.value = cur.text(tag)?;
    Ok(out)
}

/// Reads a text element that may carry only `evidence`: returns (text, evidence).
pub fn text_with_evidence(
    cur: &mut XmlCursor<'_>,
    tag: &Tag,
) -> Result<(String, Option<String>), ParseError> {
    let mut evidence = None;
    cur.attrs(tag, |name, value| match name {
        "evidence" => set(&mut evidence, value),
        _ => Ok(false),
    })?;
    Ok((cur.text(tag)?, evidence))
}

/// Reads `<molecule id=…>text</molecule>`.
pub fn molecule(cur: &mut XmlCursor<'_>, tag: &Tag) -> Result<Molecule, ParseError> {
    let mut out = Molecule::default();
    cur.attrs(tag, |name, value| match name {
        "id" => set(&mut out.id, value),
        _ => Ok(false),
    })?;
    out.value = cur.text(tag)?;
    Ok(out)
}

/// Reads a `<dbReference>` with its `<molecule>` and `<property>` children.
pub fn db_reference(cur: &mut XmlCursor<'_>, tag: &Tag) -> Result<DbReference, ParseError> {
    let mut out = DbReference::default();
    cur.attrs(tag, |name, value| match name {
        "type" => set_str(&mut out.kind, value),
        "id" => set_str(&mut out.id, value),
        "evidence" => set(&mut out.evidence, value),
        "key" => set(&mut out.key, value),
        _ => Ok(false),
    })?;
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "molecule" => once!(out.molecule, molecule(cur, child)?),
            "property" => {
                let mut property = Property::default();
                cur.attrs(child, |name, value| match name {
                    "type" => set_str(&mut property.kind, value),
                    "value" => set_str(&mut property.value, value),
                    _ => Ok(false),
                })?;
                cur.children(child, |_, _| Ok(false))?;
                out.properties.push(property);
            }
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(out)
}

/// Reads an element that should hold exactly one `<dbReference>` (ligand, source, importedFrom…).
pub fn single_db_reference(
    cur: &mut XmlCursor<'_>,
    tag: &Tag,
) -> Result<Option<DbReference>, ParseError> {
    let mut out = None;
    cur.children(tag, |cur, child| {
        if child.local_name() != "dbReference" {
            return Ok(false);
        }
        once!(out, db_reference(cur, child)?);
        Ok(true)
    })?;
    Ok(out)
}
