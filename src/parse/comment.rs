//! `<comment>` of every type: text, molecule, and the structured parts (reactions, cofactors,
//! subcellular locations, conflicts, links, isoforms, interactants, diseases,
//! biophysicochemical properties, mass spectrometry and RNA editing locations).

use super::cursor::{boolean, float, int};
use super::feature::location;
use super::xref::{
    db_reference, evidenced, molecule, set, set_str, set_with, single_db_reference, text_into,
};
use super::{Tag, XmlCursor};
use crate::error::ParseError;
use crate::table::model;
use crate::table::model::{
    AbsorptionColumns, CofactorColumns, CommentColumns, ConflictColumns, DiseaseColumns,
    EvidencedStringColumns, InteractantColumns, IsoformColumns, KineticsColumns,
    PhysiologicalReactionColumns, ReactionColumns, SubcellularLocationColumns,
};
use crate::table::{BooleanColumns, ColumnBuilder, ListColumns, StructColumns, Utf8Columns};

/// Reads `<comment>`, with its summary field `text`: the first `<text>` (as `Entry::finish`
/// derives it for model values).
pub fn comment<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    out: &mut CommentColumns,
) -> Result<(), ParseError> {
    let row = out.row();
    cur.attrs(tag, |name, value| match name {
        "type" => set_str(&mut out.kind, row, value),
        "evidence" => set(&mut out.evidence, row, value),
        "name" => set(&mut out.name, row, value),
        "mass" => {
            if let Some(decimals) = model::decimals(&value) {
                out.mass_decimals.set(row, &decimals);
            }
            set_with(&mut out.mass, row, &value, float)
        }
        "error" => set(&mut out.error, row, value),
        "method" => set(&mut out.method, row, value),
        "locationType" => set(&mut out.location_type, row, value),
        _ => Ok(false),
    })?;
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "text" => {
                out.texts.push_with(|text| evidenced(cur, child, text))?;
                let first = out.texts.items.value.last().unwrap_or_default();
                out.text.set_str(row, first);
            }
            "molecule" => once!(out.molecule.set_with(row, |m| molecule(cur, child, m))),
            "reaction" => once!(out.reaction.set_with(row, |r| reaction(cur, child, r))),
            "physiologicalReaction" => out
                .physiological_reactions
                .push_with(|r| physiological_reaction(cur, child, r))?,
            "cofactor" => out.cofactors.push_with(|c| cofactor(cur, child, c))?,
            "subcellularLocation" => out
                .subcellular_locations
                .push_with(|l| subcellular_location(cur, child, l))?,
            "conflict" => once!(out.conflict.set_with(row, |c| conflict(cur, child, c))),
            "link" => attribute_item(cur, child, "uri", &mut out.links)?,
            "event" => attribute_item(cur, child, "type", &mut out.events)?,
            "isoform" => out.isoforms.push_with(|i| isoform(cur, child, i))?,
            "interactant" => out.interactants.push_with(|i| interactant(cur, child, i))?,
            "organismsDiffer" => {
                if out.organisms_differ.len() > row {
                    return Ok(false);
                }
                let text = cur.plain_text(child)?;
                out.organisms_differ.set(row, &cur.value(&text, boolean)?);
            }
            "experiments" => {
                if out.experiments.len() > row {
                    return Ok(false);
                }
                let text = cur.plain_text(child)?;
                out.experiments.set(row, &cur.value(&text, int)?);
            }
            "disease" => once!(out.disease.set_with(row, |d| disease(cur, child, d))),
            "absorption" => once!(out.absorption.set_with(row, |a| absorption(cur, child, a))),
            "kinetics" => once!(out.kinetics.set_with(row, |k| kinetics(cur, child, k))),
            "phDependence" => {
                let as_text = text_list(cur, child, &mut out.ph_dependence)?;
                mark_dependence_as_text(&mut out.dependence_as_text, row, as_text);
            }
            "redoxPotential" => {
                let as_text = text_list(cur, child, &mut out.redox_potential)?;
                mark_dependence_as_text(&mut out.dependence_as_text, row, as_text);
            }
            "temperatureDependence" => {
                let as_text = text_list(cur, child, &mut out.temperature_dependence)?;
                mark_dependence_as_text(&mut out.dependence_as_text, row, as_text);
            }
            "location" => out.locations.push_with(|l| location(cur, child, l))?,
            _ => return Ok(false),
        }
        Ok(true)
    })
}

/// Reads an empty element that carries one value in attribute `attr` (`<link uri=…>`,
/// `<event type=…>`) as an item of the open list `out`; an absent attribute is "".
fn attribute_item<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    attr: &str,
    out: &mut ListColumns<Utf8Columns>,
) -> Result<(), ParseError> {
    let mut value = None;
    cur.attrs(tag, |name, found| {
        if name != attr || value.is_some() {
            return Ok(false);
        }
        value = Some(found);
        Ok(true)
    })?;
    cur.children(tag, |_, _| Ok(false))?;
    out.items.push_str(value.as_deref().unwrap_or_default());
    Ok(())
}

/// Reads an element holding `<text>` children (or, in older releases, the text itself) into
/// the open list `texts`.
/// Sets the comment's `dependence_as_text` (once) when a dependence held its text directly.
fn mark_dependence_as_text(flag: &mut BooleanColumns, row: usize, as_text: bool) {
    if as_text && flag.len() <= row {
        flag.append(&true);
    }
}

/// Reads the `<text>` children of `tag` into `texts`, and its direct text (older releases) as
/// one more item; returns whether there was direct text.
fn text_list<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    texts: &mut ListColumns<EvidencedStringColumns>,
) -> Result<bool, ParseError> {
    cur.no_attrs(tag)?;
    let direct = cur.children_and_text(tag, |cur, child| {
        if child.local_name() != "text" {
            return Ok(false);
        }
        texts.push_with(|text| evidenced(cur, child, text))?;
        Ok(true)
    })?;
    if !direct.is_empty() {
        texts.push_with(|text| {
            text.value.push_str(&direct);
            Ok::<(), ParseError>(())
        })?;
    }
    Ok(!direct.is_empty())
}

fn reaction<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    out: &mut ReactionColumns,
) -> Result<(), ParseError> {
    let row = out.row();
    cur.attrs(tag, |name, value| match name {
        "evidence" => set(&mut out.evidence, row, value),
        _ => Ok(false),
    })?;
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "text" => once!(out.text.set_with(row, |t| text_into(cur, child, t))),
            "dbReference" => out
                .db_references
                .push_with(|reference| db_reference(cur, child, reference))?,
            _ => return Ok(false),
        }
        Ok(true)
    })
}

fn physiological_reaction<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    out: &mut PhysiologicalReactionColumns,
) -> Result<(), ParseError> {
    let row = out.row();
    cur.attrs(tag, |name, value| match name {
        "direction" => set(&mut out.direction, row, value),
        "evidence" => set(&mut out.evidence, row, value),
        _ => Ok(false),
    })?;
    single_db_reference(cur, tag, row, &mut out.db_reference)
}

fn cofactor<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    out: &mut CofactorColumns,
) -> Result<(), ParseError> {
    let row = out.row();
    cur.attrs(tag, |name, value| match name {
        "evidence" => set(&mut out.evidence, row, value),
        _ => Ok(false),
    })?;
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "name" => once!(out.name.set_with(row, |n| text_into(cur, child, n))),
            "dbReference" => once!(out
                .db_reference
                .set_with(row, |reference| db_reference(cur, child, reference))),
            _ => return Ok(false),
        }
        Ok(true)
    })
}

fn subcellular_location<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    out: &mut SubcellularLocationColumns,
) -> Result<(), ParseError> {
    cur.no_attrs(tag)?;
    cur.children(tag, |cur, child| {
        let list = match child.local_name() {
            "location" => &mut out.locations,
            "topology" => &mut out.topologies,
            "orientation" => &mut out.orientations,
            _ => return Ok(false),
        };
        list.push_with(|text| evidenced(cur, child, text))?;
        Ok(true)
    })
}

fn conflict<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    out: &mut ConflictColumns,
) -> Result<(), ParseError> {
    let row = out.row();
    cur.attrs(tag, |name, value| match name {
        "type" => set(&mut out.kind, row, value),
        "ref" => set(&mut out.ref_, row, value),
        _ => Ok(false),
    })?;
    cur.children(tag, |cur, child| {
        if child.local_name() != "sequence" {
            return Ok(false);
        }
        once!(out.sequence.set_with(row, |sequence| {
            let row = sequence.row();
            cur.attrs(child, |name, value| match name {
                "resource" => set(&mut sequence.resource, row, value),
                "id" => set(&mut sequence.id, row, value),
                "version" => set_with(&mut sequence.version, row, &value, int),
                _ => Ok(false),
            })?;
            cur.children(child, |_, _| Ok(false))
        }));
        Ok(true)
    })
}

fn isoform<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    out: &mut IsoformColumns,
) -> Result<(), ParseError> {
    cur.no_attrs(tag)?;
    let row = out.row();
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "id" => text_into(cur, child, &mut out.ids.items)?,
            "name" => out.names.push_with(|name| evidenced(cur, child, name))?,
            "text" => out.texts.push_with(|text| evidenced(cur, child, text))?,
            "note" => out.notes.push_with(|note| evidenced(cur, child, note))?,
            "sequence" => {
                if out.sequence_type.len() > row || out.sequence_ref.len() > row {
                    return Ok(false);
                }
                cur.attrs(child, |name, value| match name {
                    "type" => set(&mut out.sequence_type, row, value),
                    "ref" => set(&mut out.sequence_ref, row, value),
                    _ => Ok(false),
                })?;
                cur.children(child, |_, _| Ok(false))?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    })
}

fn interactant<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    out: &mut InteractantColumns,
) -> Result<(), ParseError> {
    let row = out.row();
    cur.attrs(tag, |name, value| match name {
        "intactId" => set(&mut out.intact_id, row, value),
        _ => Ok(false),
    })?;
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "id" => once!(out.id.set_with(row, |id| text_into(cur, child, id))),
            "label" => once!(out
                .label
                .set_with(row, |label| text_into(cur, child, label))),
            "dbReference" => once!(out
                .db_reference
                .set_with(row, |reference| db_reference(cur, child, reference))),
            _ => return Ok(false),
        }
        Ok(true)
    })
}

fn disease<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    out: &mut DiseaseColumns,
) -> Result<(), ParseError> {
    let row = out.row();
    cur.attrs(tag, |name, value| match name {
        "id" => set(&mut out.id, row, value),
        _ => Ok(false),
    })?;
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "name" => once!(out.name.set_with(row, |n| text_into(cur, child, n))),
            "acronym" => once!(out.acronym.set_with(row, |a| text_into(cur, child, a))),
            "description" => once!(out.description.set_with(row, |d| text_into(cur, child, d))),
            "dbReference" => once!(out
                .db_reference
                .set_with(row, |reference| db_reference(cur, child, reference))),
            _ => return Ok(false),
        }
        Ok(true)
    })
}

fn absorption<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    out: &mut AbsorptionColumns,
) -> Result<(), ParseError> {
    cur.no_attrs(tag)?;
    let row = out.row();
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "max" => once!(out.max.set_with(row, |max| evidenced(cur, child, max))),
            "text" => out.texts.push_with(|text| evidenced(cur, child, text))?,
            _ => return Ok(false),
        }
        Ok(true)
    })
}

fn kinetics<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    out: &mut KineticsColumns,
) -> Result<(), ParseError> {
    cur.no_attrs(tag)?;
    cur.children(tag, |cur, child| {
        let list = match child.local_name() {
            "KM" => &mut out.km,
            "Vmax" => &mut out.vmax,
            "text" => &mut out.texts,
            _ => return Ok(false),
        };
        list.push_with(|text| evidenced(cur, child, text))?;
        Ok(true)
    })
}
