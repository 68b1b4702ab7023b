//! `<protein>` (recommended, alternative, submitted, allergen, biotech, CD antigen and INN names,
//! plus `<domain>` and `<component>` name groups) and `<gene>`.

use super::xref::{evidenced, set, text_with_evidence};
use super::{Tag, XmlCursor};
use crate::error::ParseError;
use crate::model::{Gene, GeneName, Protein, ProteinName, ProteinNameGroup};

/// Reads `<protein>`.
pub fn protein(cur: &mut XmlCursor<'_>, tag: &Tag) -> Result<Protein, ParseError> {
    cur.no_attrs(tag)?;
    let mut names = ProteinNameGroup::default();
    let mut domains = Vec::new();
    let mut components = Vec::new();
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "domain" => domains.push(name_group(cur, child)?),
            "component" => components.push(name_group(cur, child)?),
            _ => return name_group_child(cur, child, &mut names),
        }
        Ok(true)
    })?;
    Ok(Protein::from_parts(names, domains, components))
}

/// Reads a `<domain>` or `<component>`: a name group of its own.
fn name_group(cur: &mut XmlCursor<'_>, tag: &Tag) -> Result<ProteinNameGroup, ParseError> {
    cur.no_attrs(tag)?;
    let mut names = ProteinNameGroup::default();
    cur.children(tag, |cur, child| name_group_child(cur, child, &mut names))?;
    Ok(names)
}

/// Maps one child of a name group; `Ok(false)` if it is not a name element.
fn name_group_child(
    cur: &mut XmlCursor<'_>,
    child: &Tag,
    names: &mut ProteinNameGroup,
) -> Result<bool, ParseError> {
    match child.local_name() {
        "recommendedName" => once!(names.recommended_name, protein_name(cur, child)?),
        "alternativeName" => names.alternative_names.push(protein_name(cur, child)?),
        "submittedName" => names.submitted_names.push(protein_name(cur, child)?),
        "allergenName" => once!(names.allergen_name, evidenced(cur, child)?),
        "biotechName" => once!(names.biotech_name, evidenced(cur, child)?),
        "cdAntigenName" => names.cd_antigen_names.push(evidenced(cur, child)?),
        "innName" => names.inn_names.push(evidenced(cur, child)?),
        _ => return Ok(false),
    }
    Ok(true)
}

/// Reads `<recommendedName>`, `<alternativeName>` or `<submittedName>`.
fn protein_name(cur: &mut XmlCursor<'_>, tag: &Tag) -> Result<ProteinName, ParseError> {
    let mut out = ProteinName::default();
    cur.attrs(tag, |name, value| match name {
        "ref" => set(&mut out.ref_, value),
        _ => Ok(false),
    })?;
    cur.children(tag, |cur, child| {
        match child.local_name() {
            "fullName" => once!(out.full, {
                let (full, evidence) = text_with_evidence(cur, child)?;
                out.full_evidence = evidence;
                full
            }),
            "shortName" => {
                let (short, evidence) = text_with_evidence(cur, child)?;
                out.short.push(short);
                out.short_evidence.push(evidence);
            }
            "ecNumber" => {
                let (ec_number, evidence) = text_with_evidence(cur, child)?;
                out.ec_numbers.push(ec_number);
                out.ec_number_evidence.push(evidence);
            }
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(out)
}

/// Reads `<gene>`.
pub fn gene(cur: &mut XmlCursor<'_>, tag: &Tag) -> Result<Gene, ParseError> {
    cur.no_attrs(tag)?;
    let mut out = Gene::default();
    cur.children(tag, |cur, child| {
        if child.local_name() != "name" {
            return Ok(false);
        }
        let mut name = GeneName::default();
        cur.attrs(child, |attr, value| match attr {
            "type" => set(&mut name.kind, value),
            "evidence" => set(&mut name.evidence, value),
            _ => Ok(false),
        })?;
        name.value = cur.text(child)?;
        out.names.push(name);
        Ok(true)
    })?;
    Ok(out)
}
