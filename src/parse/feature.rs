//! `<feature>` with `<original>`, `<variation>`, `<location>` and `<ligand>`/`<ligandPart>`;
//! `<location>` is shared with comments (mass spectrometry, RNA editing).

use super::cursor::count;
use super::xref::{db_reference, set, set_str, set_with, text_into};
use super::{Tag, XmlCursor};
use crate::error::ParseError;
use crate::table::model::{FeatureColumns, LigandColumns, LocationColumns};
use crate::table::StructColumns;

/// Reads `<feature>`.
pub fn feature<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    out: &mut FeatureColumns,
) -> Result<(), ParseError> {
    let row = out.row();
    cur.attrs(tag, |name, value| match name {
        "type" => set_str(&mut out.kind, row, value),
        "description" => set(&mut out.description, row, value),
        "id" => set(&mut out.id, row, value),
        "status" => set(&mut out.status, row, value),
        "evidence" => set(&mut out.evidence, row, value),
        "ref" => set(&mut out.ref_, row, value),
        _ => Ok(false),
    })?;
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "original" => once!(out.original.set_with(row, |o| text_into(cur, child, o))),
            "variation" => text_into(cur, child, &mut out.variations.items)?,
            "location" => once!(out.location.set_with(row, |l| location(cur, child, l))),
            "ligand" => once!(out.ligand.set_with(row, |l| ligand(cur, child, l))),
            "ligandPart" => once!(out.ligand_part.set_with(row, |l| ligand(cur, child, l))),
            _ => return Ok(false),
        }
        Ok(true)
    })
}

/// Reads `<location>`: `<position>` or `<begin>`/`<end>`, each with optional position and status.
pub fn location<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    out: &mut LocationColumns,
) -> Result<(), ParseError> {
    let row = out.row();
    cur.attrs(tag, |name, value| match name {
        "sequence" => set(&mut out.sequence, row, value),
        _ => Ok(false),
    })?;
    let mut seen = [false; 3];
    cur.children(tag, |cur, child| {
        let (index, position, status, evidence) = match child.local_name() {
            "begin" => (
                0,
                &mut out.begin,
                &mut out.begin_status,
                &mut out.begin_evidence,
            ),
            "end" => (1, &mut out.end, &mut out.end_status, &mut out.end_evidence),
            "position" => (
                2,
                &mut out.position,
                &mut out.position_status,
                &mut out.position_evidence,
            ),
            _ => return Ok(false),
        };
        if std::mem::replace(&mut seen[index], true) {
            return Ok(false);
        }
        cur.attrs(child, |name, value| match name {
            "position" => set_with(position, row, &value, count),
            "status" => set(status, row, value),
            "evidence" => set(evidence, row, value),
            _ => Ok(false),
        })?;
        cur.children(child, |_, _| Ok(false))?;
        Ok(true)
    })
}

/// Reads `<ligand>` or `<ligandPart>`.
fn ligand<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    out: &mut LigandColumns,
) -> Result<(), ParseError> {
    cur.no_attrs(tag)?;
    let row = out.row();
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "name" => once!(out.name.set_with(row, |n| text_into(cur, child, n))),
            "label" => once!(out.label.set_with(row, |l| text_into(cur, child, l))),
            "note" => once!(out.note.set_with(row, |n| text_into(cur, child, n))),
            "dbReference" => once!(out
                .db_reference
                .set_with(row, |reference| db_reference(cur, child, reference))),
            _ => return Ok(false),
        }
        Ok(true)
    })
}
