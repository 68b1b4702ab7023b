//! `<protein>` (recommended, alternative, submitted, allergen, biotech, CD antigen and INN names,
//! plus `<domain>` and `<component>` name groups) and `<gene>`.

use super::xref::{evidenced, set, text_with_evidence};
use super::{Tag, XmlCursor};
use crate::error::ParseError;
use crate::table::model::{
    EvidencedStringColumns, GeneColumns, ProteinColumns, ProteinNameColumns,
    ProteinNameGroupColumns,
};
use crate::table::{ListColumns, NullableColumns, StructColumns};

/// The name-group columns of one row: a protein's own, or a domain's or component's.
struct NameGroup<'c> {
    row: usize,
    recommended_name: &'c mut NullableColumns<ProteinNameColumns>,
    alternative_names: &'c mut ListColumns<ProteinNameColumns>,
    submitted_names: &'c mut ListColumns<ProteinNameColumns>,
    allergen_name: &'c mut NullableColumns<EvidencedStringColumns>,
    biotech_name: &'c mut NullableColumns<EvidencedStringColumns>,
    cd_antigen_names: &'c mut ListColumns<EvidencedStringColumns>,
    inn_names: &'c mut ListColumns<EvidencedStringColumns>,
}

/// The name group of the open row of `$columns`, a builder with the name-group fields.
macro_rules! name_group {
    ($columns:ident) => {
        NameGroup {
            row: $columns.row(),
            recommended_name: &mut $columns.recommended_name,
            alternative_names: &mut $columns.alternative_names,
            submitted_names: &mut $columns.submitted_names,
            allergen_name: &mut $columns.allergen_name,
            biotech_name: &mut $columns.biotech_name,
            cd_antigen_names: &mut $columns.cd_antigen_names,
            inn_names: &mut $columns.inn_names,
        }
    };
}

/// Reads `<protein>`: its own name group, its domains and its components.
pub fn protein<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    out: &mut ProteinColumns,
) -> Result<(), ParseError> {
    cur.no_attrs(tag)?;
    let mut names = name_group!(out);
    let (domains, components) = (&mut out.domains, &mut out.components);
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "domain" => domains.push_with(|group| name_group(cur, child, group))?,
            "component" => components.push_with(|group| name_group(cur, child, group))?,
            _ => return name_group_child(cur, child, &mut names),
        }
        Ok(true)
    })
}

/// Reads a `<domain>` or `<component>`: a name group of its own.
fn name_group<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    out: &mut ProteinNameGroupColumns,
) -> Result<(), ParseError> {
    cur.no_attrs(tag)?;
    let mut names = name_group!(out);
    cur.children(tag, |cur, child| name_group_child(cur, child, &mut names))
}

/// Maps one child of a name group; `Ok(false)` if it is not a name element.
fn name_group_child<'a>(
    cur: &mut XmlCursor<'a>,
    child: &Tag<'a>,
    names: &mut NameGroup<'_>,
) -> Result<bool, ParseError> {
    let row = names.row;
    match child.local_name() {
        "recommendedName" => once!(names
            .recommended_name
            .set_with(row, |name| protein_name(cur, child, name))),
        "alternativeName" => names
            .alternative_names
            .push_with(|name| protein_name(cur, child, name))?,
        "submittedName" => names
            .submitted_names
            .push_with(|name| protein_name(cur, child, name))?,
        "allergenName" => once!(names
            .allergen_name
            .set_with(row, |name| evidenced(cur, child, name))),
        "biotechName" => once!(names
            .biotech_name
            .set_with(row, |name| evidenced(cur, child, name))),
        "cdAntigenName" => names
            .cd_antigen_names
            .push_with(|name| evidenced(cur, child, name))?,
        "innName" => names
            .inn_names
            .push_with(|name| evidenced(cur, child, name))?,
        _ => return Ok(false),
    }
    Ok(true)
}

/// Reads `<recommendedName>`, `<alternativeName>` or `<submittedName>`.
fn protein_name<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    out: &mut ProteinNameColumns,
) -> Result<(), ParseError> {
    let row = out.row();
    cur.attrs(tag, |name, value| match name {
        "ref" => set(&mut out.ref_, row, value),
        _ => Ok(false),
    })?;
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "fullName" => once!(out.full.set_with(row, |full| {
                text_with_evidence(cur, child, full, &mut out.full_evidence)
            })),
            "shortName" => text_with_evidence(
                cur,
                child,
                &mut out.short.items,
                &mut out.short_evidence.items,
            )?,
            "ecNumber" => text_with_evidence(
                cur,
                child,
                &mut out.ec_numbers.items,
                &mut out.ec_number_evidence.items,
            )?,
            _ => return Ok(false),
        }
        Ok(true)
    })
}

/// Reads `<gene>`.
pub fn gene<'a>(
    cur: &mut XmlCursor<'a>,
    tag: &Tag<'a>,
    out: &mut GeneColumns,
) -> Result<(), ParseError> {
    cur.no_attrs(tag)?;
    cur.children(tag, |cur, child| {
        if child.local_name() != "name" {
            return Ok(false);
        }
        out.names.push_with(|name| {
            let row = name.row();
            cur.attrs(child, |attr, value| match attr {
                "type" => set(&mut name.kind, row, value),
                "evidence" => set(&mut name.evidence, row, value),
                _ => Ok(false),
            })?;
            name.value.push_str(&cur.text(child)?);
            Ok(())
        })?;
        Ok(true)
    })
}
