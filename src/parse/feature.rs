//! `<feature>` with `<original>`, `<variation>`, `<location>` and `<ligand>`/`<ligandPart>`;
//! `<location>` is shared with comments (mass spectrometry, RNA editing).

use super::cursor::count;
use super::xref::{db_reference, set, set_str, set_with};
use super::{Tag, XmlCursor};
use crate::error::ParseError;
use crate::model::{Feature, Ligand, Location};

/// Reads `<feature>`.
pub fn feature(cur: &mut XmlCursor<'_>, tag: &Tag) -> Result<Feature, ParseError> {
    let mut out = Feature::default();
    cur.attrs(tag, |name, value| match name {
        "type" => set_str(&mut out.kind, value),
        "description" => set(&mut out.description, value),
        "id" => set(&mut out.id, value),
        "status" => set(&mut out.status, value),
        "evidence" => set(&mut out.evidence, value),
        "ref" => set(&mut out.ref_, value),
        _ => Ok(false),
    })?;
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "original" => once!(out.original, cur.plain_text(child)?),
            "variation" => out.variations.push(cur.plain_text(child)?),
            "location" => once!(out.location, location(cur, child)?),
            "ligand" => once!(out.ligand, ligand(cur, child)?),
            "ligandPart" => once!(out.ligand_part, ligand(cur, child)?),
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(out)
}

/// Reads `<location>`: `<position>` or `<begin>`/`<end>`, each with optional position and status.
pub fn location(cur: &mut XmlCursor<'_>, tag: &Tag) -> Result<Location, ParseError> {
    let mut out = Location::default();
    cur.attrs(tag, |name, value| match name {
        "sequence" => set(&mut out.sequence, value),
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
            "position" => set_with(position, &value, count),
            "status" => set(status, value),
            "evidence" => set(evidence, value),
            _ => Ok(false),
        })?;
        cur.children(child, |_, _| Ok(false))?;
        Ok(true)
    })?;
    Ok(out)
}

/// Reads `<ligand>` or `<ligandPart>`.
fn ligand(cur: &mut XmlCursor<'_>, tag: &Tag) -> Result<Ligand, ParseError> {
    cur.no_attrs(tag)?;
    let mut out = Ligand::default();
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "name" => once!(out.name, cur.plain_text(child)?),
            "label" => once!(out.label, cur.plain_text(child)?),
            "note" => once!(out.note, cur.plain_text(child)?),
            "dbReference" => once!(out.db_reference, db_reference(cur, child)?),
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(out)
}
