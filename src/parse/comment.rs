//! `<comment>` of every type: text, molecule, and the structured parts (reactions, cofactors,
//! subcellular locations, conflicts, links, isoforms, interactants, diseases,
//! biophysicochemical properties, mass spectrometry and RNA editing locations).

use super::cursor::{boolean, float, int};
use super::feature::location;
use super::xref::{db_reference, evidenced, molecule, set, set_str, set_with};
use super::{Tag, XmlCursor};
use crate::error::ParseError;
use crate::model::{
    Absorption, Cofactor, Comment, Conflict, ConflictSequence, Disease, EvidencedString,
    Interactant, Isoform, Kinetics, PhysiologicalReaction, Reaction, SubcellularLocation,
};

/// Reads `<comment>`; `Comment::text` is filled later by `Entry::finish`.
pub fn comment(cur: &mut XmlCursor<'_>, tag: &Tag) -> Result<Comment, ParseError> {
    let mut out = Comment::default();
    cur.attrs(tag, |name, value| match name {
        "type" => set_str(&mut out.kind, value),
        "evidence" => set(&mut out.evidence, value),
        "name" => set(&mut out.name, value),
        "mass" => set_with(&mut out.mass, &value, float),
        "error" => set(&mut out.error, value),
        "method" => set(&mut out.method, value),
        "locationType" => set(&mut out.location_type, value),
        _ => Ok(false),
    })?;
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "text" => out.texts.push(evidenced(cur, child)?),
            "molecule" => once!(out.molecule, molecule(cur, child)?),
            "reaction" => once!(out.reaction, reaction(cur, child)?),
            "physiologicalReaction" => out
                .physiological_reactions
                .push(physiological_reaction(cur, child)?),
            "cofactor" => out.cofactors.push(cofactor(cur, child)?),
            "subcellularLocation" => out
                .subcellular_locations
                .push(subcellular_location(cur, child)?),
            "conflict" => once!(out.conflict, conflict(cur, child)?),
            "link" => {
                let mut uri = None;
                cur.attrs(child, |name, value| match name {
                    "uri" => set(&mut uri, value),
                    _ => Ok(false),
                })?;
                cur.children(child, |_, _| Ok(false))?;
                out.links.push(uri.unwrap_or_default());
            }
            "event" => {
                let mut kind = None;
                cur.attrs(child, |name, value| match name {
                    "type" => set(&mut kind, value),
                    _ => Ok(false),
                })?;
                cur.children(child, |_, _| Ok(false))?;
                out.events.push(kind.unwrap_or_default());
            }
            "isoform" => out.isoforms.push(isoform(cur, child)?),
            "interactant" => out.interactants.push(interactant(cur, child)?),
            "organismsDiffer" => once!(out.organisms_differ, {
                let text = cur.plain_text(child)?;
                cur.value(&text, boolean)?
            }),
            "experiments" => once!(out.experiments, {
                let text = cur.plain_text(child)?;
                cur.value(&text, int)?
            }),
            "disease" => once!(out.disease, disease(cur, child)?),
            "absorption" => once!(out.absorption, absorption(cur, child)?),
            "kinetics" => once!(out.kinetics, kinetics(cur, child)?),
            "phDependence" => text_list(cur, child, &mut out.ph_dependence)?,
            "redoxPotential" => text_list(cur, child, &mut out.redox_potential)?,
            "temperatureDependence" => text_list(cur, child, &mut out.temperature_dependence)?,
            "location" => out.locations.push(location(cur, child)?),
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(out)
}

/// Reads an element holding `<text>` children (or, in older releases, the text itself).
fn text_list(
    cur: &mut XmlCursor<'_>,
    tag: &Tag,
    texts: &mut Vec<EvidencedString>,
) -> Result<(), ParseError> {
    cur.no_attrs(tag)?;
    let direct = cur.children_and_text(tag, |cur, child| {
        if child.local_name() != "text" {
            return Ok(false);
        }
        texts.push(evidenced(cur, child)?);
        Ok(true)
    })?;
    if !direct.is_empty() {
        texts.push(EvidencedString {
            value: direct,
            ..EvidencedString::default()
        });
    }
    Ok(())
}

fn reaction(cur: &mut XmlCursor<'_>, tag: &Tag) -> Result<Reaction, ParseError> {
    let mut out = Reaction::default();
    cur.attrs(tag, |name, value| match name {
        "evidence" => set(&mut out.evidence, value),
        _ => Ok(false),
    })?;
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "text" => once!(out.text, cur.plain_text(child)?),
            "dbReference" => out.db_references.push(db_reference(cur, child)?),
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(out)
}

fn physiological_reaction(
    cur: &mut XmlCursor<'_>,
    tag: &Tag,
) -> Result<PhysiologicalReaction, ParseError> {
    let mut out = PhysiologicalReaction::default();
    cur.attrs(tag, |name, value| match name {
        "direction" => set(&mut out.direction, value),
        "evidence" => set(&mut out.evidence, value),
        _ => Ok(false),
    })?;
    cur.children(tag, |cur, child| {
        if child.local_name() != "dbReference" {
            return Ok(false);
        }
        once!(out.db_reference, db_reference(cur, child)?);
        Ok(true)
    })?;
    Ok(out)
}

fn cofactor(cur: &mut XmlCursor<'_>, tag: &Tag) -> Result<Cofactor, ParseError> {
    let mut out = Cofactor::default();
    cur.attrs(tag, |name, value| match name {
        "evidence" => set(&mut out.evidence, value),
        _ => Ok(false),
    })?;
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "name" => once!(out.name, cur.plain_text(child)?),
            "dbReference" => once!(out.db_reference, db_reference(cur, child)?),
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(out)
}

fn subcellular_location(
    cur: &mut XmlCursor<'_>,
    tag: &Tag,
) -> Result<SubcellularLocation, ParseError> {
    cur.no_attrs(tag)?;
    let mut out = SubcellularLocation::default();
    cur.children(tag, |cur, child| {
        let list = match child.local_name() {
            "location" => &mut out.locations,
            "topology" => &mut out.topologies,
            "orientation" => &mut out.orientations,
            _ => return Ok(false),
        };
        list.push(evidenced(cur, child)?);
        Ok(true)
    })?;
    Ok(out)
}

fn conflict(cur: &mut XmlCursor<'_>, tag: &Tag) -> Result<Conflict, ParseError> {
    let mut out = Conflict::default();
    cur.attrs(tag, |name, value| match name {
        "type" => set(&mut out.kind, value),
        "ref" => set(&mut out.ref_, value),
        _ => Ok(false),
    })?;
    cur.children(tag, |cur, child| {
        if child.local_name() != "sequence" {
            return Ok(false);
        }
        once!(out.sequence, {
            let mut sequence = ConflictSequence::default();
            cur.attrs(child, |name, value| match name {
                "resource" => set(&mut sequence.resource, value),
                "id" => set(&mut sequence.id, value),
                "version" => set_with(&mut sequence.version, &value, int),
                _ => Ok(false),
            })?;
            cur.children(child, |_, _| Ok(false))?;
            sequence
        });
        Ok(true)
    })?;
    Ok(out)
}

fn isoform(cur: &mut XmlCursor<'_>, tag: &Tag) -> Result<Isoform, ParseError> {
    cur.no_attrs(tag)?;
    let mut out = Isoform::default();
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "id" => out.ids.push(cur.plain_text(child)?),
            "name" => out.names.push(evidenced(cur, child)?),
            "text" => out.texts.push(evidenced(cur, child)?),
            "note" => out.notes.push(evidenced(cur, child)?),
            "sequence" => {
                if out.sequence_type.is_some() || out.sequence_ref.is_some() {
                    return Ok(false);
                }
                cur.attrs(child, |name, value| match name {
                    "type" => set(&mut out.sequence_type, value),
                    "ref" => set(&mut out.sequence_ref, value),
                    _ => Ok(false),
                })?;
                cur.children(child, |_, _| Ok(false))?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(out)
}

fn interactant(cur: &mut XmlCursor<'_>, tag: &Tag) -> Result<Interactant, ParseError> {
    let mut out = Interactant::default();
    cur.attrs(tag, |name, value| match name {
        "intactId" => set(&mut out.intact_id, value),
        _ => Ok(false),
    })?;
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "id" => once!(out.id, cur.plain_text(child)?),
            "label" => once!(out.label, cur.plain_text(child)?),
            "dbReference" => once!(out.db_reference, db_reference(cur, child)?),
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(out)
}

fn disease(cur: &mut XmlCursor<'_>, tag: &Tag) -> Result<Disease, ParseError> {
    let mut out = Disease::default();
    cur.attrs(tag, |name, value| match name {
        "id" => set(&mut out.id, value),
        _ => Ok(false),
    })?;
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "name" => once!(out.name, cur.plain_text(child)?),
            "acronym" => once!(out.acronym, cur.plain_text(child)?),
            "description" => once!(out.description, cur.plain_text(child)?),
            "dbReference" => once!(out.db_reference, db_reference(cur, child)?),
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(out)
}

fn absorption(cur: &mut XmlCursor<'_>, tag: &Tag) -> Result<Absorption, ParseError> {
    cur.no_attrs(tag)?;
    let mut out = Absorption::default();
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "max" => once!(out.max, evidenced(cur, child)?),
            "text" => out.texts.push(evidenced(cur, child)?),
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(out)
}

fn kinetics(cur: &mut XmlCursor<'_>, tag: &Tag) -> Result<Kinetics, ParseError> {
    cur.no_attrs(tag)?;
    let mut out = Kinetics::default();
    cur.children(tag, |cur, child| {
        let list = match child.local_name() {
            "KM" => &mut out.km,
            "Vmax" => &mut out.vmax,
            "text" => &mut out.texts,
            _ => return Ok(false),
        };
        list.push(evidenced(cur, child)?);
        Ok(true)
    })?;
    Ok(out)
}
