//! Splice variants as edits of the canonical sequence: an isoform's sequence is the canonical
//! with exactly the `<feature type="splice variant">` edits its `sequence/@ref` names applied
//! (never all of an entry's variants at once), and a canonical coordinate maps onto the
//! isoform by the length changes of the edits before it.
//!
//! An edit replaces residues `begin..=end` (1-based, inclusive) by its `<variation>`, or deletes
//! them when it has none (UniProt's "Missing"). Its `<original>`, when given, must equal the
//! canonical residues it replaces.

use std::fmt;

/// One splice variant feature, as read from the entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit<'a> {
    /// `@id`, such as `VSP_004370`.
    pub id: &'a str,
    /// First canonical residue replaced (1-based); `None` when the location has none.
    pub begin: Option<i64>,
    /// Last canonical residue replaced (inclusive); `None` when the location has none.
    pub end: Option<i64>,
    /// `<original>`: the canonical residues, when given.
    pub original: Option<&'a str>,
    /// `<variation>`: the isoform's residues in their place; `None` deletes them.
    pub variation: Option<&'a str>,
    /// How many `<variation>` elements the feature has (more than one is ambiguous).
    pub variations: usize,
    /// Whether the location names an isoform (`location/@sequence`): its coordinates are not
    /// the canonical's.
    pub elsewhere: bool,
}

/// Why an isoform gets no sequence.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum NoSequence {
    /// `sequence/@type="external"`: the isoform's sequence is in another entry.
    External,
    /// `sequence/@type="not described"`.
    NotDescribed,
    /// The isoform has no `<sequence>` type UniProt defines (absent or unknown).
    UnknownType,
    /// The entry has no canonical sequence.
    NoCanonical,
    /// A described isoform whose `@ref` names no variant.
    NoEdits,
    /// `@ref` names a variant the entry does not have.
    MissingVariant(String),
    /// A variant without a begin and an end.
    VariantWithoutLocation(String),
    /// A variant outside the canonical sequence.
    VariantOutOfRange(String),
    /// Two variants of the isoform cover the same residue.
    OverlappingVariants(String, String),
    /// A variant's `<original>` differs from the canonical residues it replaces.
    OriginalMismatch(String),
    /// A variant with several `<variation>`s: which one the isoform has is not said.
    AmbiguousVariant(String),
    /// A variant whose `<variation>` is not a run of residue letters.
    InvalidVariation(String),
    /// A variant located on another isoform (`location/@sequence`), not on the canonical.
    VariantOnAnotherIsoform(String),
}

impl NoSequence {
    /// The reason's kind, without the variant ids: what the report counts by.
    pub fn kind(&self) -> &'static str {
        match self {
            NoSequence::External => "external",
            NoSequence::NotDescribed => "not described",
            NoSequence::UnknownType => "unknown sequence type",
            NoSequence::NoCanonical => "no canonical sequence",
            NoSequence::NoEdits => "described without variants",
            NoSequence::MissingVariant(_) => "missing variant",
            NoSequence::VariantWithoutLocation(_) => "variant without location",
            NoSequence::VariantOutOfRange(_) => "variant out of range",
            NoSequence::OverlappingVariants(..) => "overlapping variants",
            NoSequence::OriginalMismatch(_) => "original mismatch",
            NoSequence::AmbiguousVariant(_) => "ambiguous variant",
            NoSequence::InvalidVariation(_) => "invalid variation",
            NoSequence::VariantOnAnotherIsoform(_) => "variant on another isoform",
        }
    }
}

impl fmt::Display for NoSequence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoSequence::MissingVariant(id)
            | NoSequence::VariantWithoutLocation(id)
            | NoSequence::VariantOutOfRange(id)
            | NoSequence::OriginalMismatch(id)
            | NoSequence::AmbiguousVariant(id)
            | NoSequence::InvalidVariation(id)
            | NoSequence::VariantOnAnotherIsoform(id) => write!(f, "{}: {id}", self.kind()),
            NoSequence::OverlappingVariants(a, b) => write!(f, "{}: {a} and {b}", self.kind()),
            _ => f.write_str(self.kind()),
        }
    }
}

/// An edit checked against the canonical sequence: 0-based half-open span and replacement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span<'a> {
    /// First canonical residue replaced, 0-based.
    pub start: usize,
    /// One past the last canonical residue replaced.
    pub stop: usize,
    /// The residues in their place (empty for a deletion).
    pub replacement: &'a str,
}

/// Checks the edits named by `refs` against `canonical` and orders them by position.
pub fn spans<'a>(
    canonical: &str,
    variants: &[Edit<'a>],
    refs: &[&str],
) -> Result<Vec<Span<'a>>, NoSequence> {
    if refs.is_empty() {
        return Err(NoSequence::NoEdits);
    }
    let mut spans: Vec<(Span<'a>, &str)> = Vec::with_capacity(refs.len());
    for &id in refs {
        let edit = variants
            .iter()
            .find(|edit| edit.id == id)
            .ok_or_else(|| NoSequence::MissingVariant(id.to_owned()))?;
        if edit.elsewhere {
            return Err(NoSequence::VariantOnAnotherIsoform(id.to_owned()));
        }
        if edit.variations > 1 {
            return Err(NoSequence::AmbiguousVariant(id.to_owned()));
        }
        let residues = |text: &str| text.bytes().all(|b| b.is_ascii_alphabetic());
        if edit.variation.is_some_and(|v| v.is_empty() || !residues(v)) {
            return Err(NoSequence::InvalidVariation(id.to_owned()));
        }
        let (Some(begin), Some(end)) = (edit.begin, edit.end) else {
            return Err(NoSequence::VariantWithoutLocation(id.to_owned()));
        };
        if begin < 1 || end < begin || end as u64 > canonical.len() as u64 {
            return Err(NoSequence::VariantOutOfRange(id.to_owned()));
        }
        let (start, stop) = (begin as usize - 1, end as usize);
        if edit
            .original
            .is_some_and(|original| canonical.get(start..stop) != Some(original))
        {
            return Err(NoSequence::OriginalMismatch(id.to_owned()));
        }
        let span = Span {
            start,
            stop,
            replacement: edit.variation.unwrap_or(""),
        };
        spans.push((span, edit.id));
    }
    spans.sort_by_key(|(span, _)| (span.start, span.stop));
    for pair in spans.windows(2) {
        if pair[1].0.start < pair[0].0.stop {
            return Err(NoSequence::OverlappingVariants(
                pair[0].1.to_owned(),
                pair[1].1.to_owned(),
            ));
        }
    }
    Ok(spans
        .into_iter()
        .filter_map(|(span, _)| trimmed(canonical, span))
        .collect())
}

/// `span` without the residues its replacement keeps at either end (`L` → `LERSLNQ` keeps the
/// `L`: only what follows it is inserted), so a feature on a kept residue still maps; `None`
/// when nothing changes.
fn trimmed<'a>(canonical: &str, span: Span<'a>) -> Option<Span<'a>> {
    let old = &canonical.as_bytes()[span.start..span.stop];
    let new = span.replacement.as_bytes();
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let (old_rest, new_rest) = (&old[prefix..], &new[prefix..]);
    let suffix = old_rest
        .iter()
        .rev()
        .zip(new_rest.iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let span = Span {
        start: span.start + prefix,
        stop: span.stop - suffix,
        replacement: &span.replacement[prefix..new.len() - suffix],
    };
    (span.start < span.stop || !span.replacement.is_empty()).then_some(span)
}

/// The canonical sequence with `spans` (ordered, not overlapping) applied.
pub fn apply(canonical: &str, spans: &[Span<'_>]) -> String {
    let mut out = String::with_capacity(canonical.len());
    let mut at = 0;
    for span in spans {
        out.push_str(&canonical[at..span.start]);
        out.push_str(span.replacement);
        at = span.stop;
    }
    out.push_str(&canonical[at..]);
    out
}

/// Why a canonical coordinate has no place on an isoform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Unmapped {
    /// The residue is deleted on the isoform.
    InDeletedSpan,
    /// The residue is replaced by other residues on the isoform.
    InReplacedSpan,
    /// A range that contains an edit: its residues differ on the isoform.
    SpansAnEdit,
    /// The feature has no position (unknown, or no location).
    PositionUnknown,
    /// The feature's location names another isoform (`location/@sequence`).
    OnAnotherIsoform,
    /// A position outside the sequence it refers to.
    OutOfRange,
}

impl Unmapped {
    /// The words of the table and the report.
    pub fn name(self) -> &'static str {
        match self {
            Unmapped::InDeletedSpan => "in a deleted span",
            Unmapped::InReplacedSpan => "in a replaced span",
            Unmapped::SpansAnEdit => "spans an edit",
            Unmapped::PositionUnknown => "position unknown",
            Unmapped::OnAnotherIsoform => "on another isoform",
            Unmapped::OutOfRange => "out of range",
        }
    }
}

/// The isoform position (1-based) of residue `position` of a sequence of `len` residues (the
/// canonical) that `spans` edit, or why it has none.
pub fn map_position(position: i64, len: usize, spans: &[Span<'_>]) -> Result<i64, Unmapped> {
    if position < 1 || position as u64 > len as u64 {
        return Err(Unmapped::OutOfRange);
    }
    // Bounded by the lengths of the canonical and the replacements: no overflow.
    let mut shift: i64 = 0;
    for span in spans {
        let (start, stop) = (span.start as i64 + 1, span.stop as i64);
        if position < start {
            break;
        }
        if position <= stop {
            return Err(if span.replacement.is_empty() {
                Unmapped::InDeletedSpan
            } else {
                Unmapped::InReplacedSpan
            });
        }
        shift += span.replacement.len() as i64 - (stop - start + 1);
    }
    Ok(position + shift)
}

/// The isoform range of residues `begin..=end` of a sequence of `len` residues that `spans`
/// edit: both ends mapped and no edit between them.
pub fn map_range(
    begin: i64,
    end: i64,
    len: usize,
    spans: &[Span<'_>],
) -> Result<(i64, i64), Unmapped> {
    if end < begin {
        return Err(Unmapped::OutOfRange);
    }
    let mapped = (
        map_position(begin, len, spans)?,
        map_position(end, len, spans)?,
    );
    let inside = spans
        .iter()
        .any(|span| span.start as i64 + 1 > begin && span.stop as i64 <= end);
    if inside {
        return Err(Unmapped::SpansAnEdit);
    }
    Ok(mapped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit<'a>(id: &'a str, begin: i64, end: i64, variation: Option<&'a str>) -> Edit<'a> {
        Edit {
            id,
            begin: Some(begin),
            end: Some(end),
            original: None,
            variation,
            variations: usize::from(variation.is_some()),
            elsewhere: false,
        }
    }

    #[test]
    fn only_the_named_variants_are_applied_in_position_order() {
        let canonical = "MABCDEFGHIJ";
        let variants = [
            edit("VSP_1", 2, 3, None),
            edit("VSP_2", 6, 7, Some("XYZ")),
            edit("VSP_3", 10, 11, None),
        ];
        let spans2 = spans(canonical, &variants, &["VSP_2", "VSP_1"]).unwrap();
        assert_eq!(apply(canonical, &spans2), "MCDXYZGHIJ");
        let spans3 = spans(canonical, &variants, &["VSP_3"]).unwrap();
        assert_eq!(apply(canonical, &spans3), "MABCDEFGH");
    }

    #[test]
    fn bad_references_give_their_reason() {
        let canonical = "MABCDEF";
        let mut variants = vec![edit("VSP_1", 2, 4, None), edit("VSP_2", 4, 5, Some("Q"))];
        assert_eq!(
            spans(canonical, &variants, &["VSP_9"]),
            Err(NoSequence::MissingVariant("VSP_9".into()))
        );
        assert_eq!(
            spans(canonical, &variants, &["VSP_1", "VSP_2"]),
            Err(NoSequence::OverlappingVariants(
                "VSP_1".into(),
                "VSP_2".into()
            ))
        );
        assert_eq!(spans(canonical, &variants, &[]), Err(NoSequence::NoEdits));
        variants[0].original = Some("ABX");
        assert_eq!(
            spans(canonical, &variants, &["VSP_1"]),
            Err(NoSequence::OriginalMismatch("VSP_1".into()))
        );
        variants[0].original = Some("ABC");
        assert!(spans(canonical, &variants, &["VSP_1"]).is_ok());
        variants[1].end = Some(8);
        assert_eq!(
            spans(canonical, &variants, &["VSP_2"]),
            Err(NoSequence::VariantOutOfRange("VSP_2".into()))
        );
        variants[1].begin = None;
        assert_eq!(
            spans(canonical, &variants, &["VSP_2"]),
            Err(NoSequence::VariantWithoutLocation("VSP_2".into()))
        );
        variants[1].variations = 2;
        assert_eq!(
            spans(canonical, &variants, &["VSP_2"]),
            Err(NoSequence::AmbiguousVariant("VSP_2".into()))
        );
        variants[1].variations = 1;
        variants[1].variation = Some("Q Q");
        assert_eq!(
            spans(canonical, &variants, &["VSP_2"]),
            Err(NoSequence::InvalidVariation("VSP_2".into()))
        );
        variants[0].elsewhere = true;
        assert_eq!(
            spans(canonical, &variants, &["VSP_1"]),
            Err(NoSequence::VariantOnAnotherIsoform("VSP_1".into()))
        );
    }

    #[test]
    fn residues_a_variant_keeps_at_its_ends_still_map() {
        // L -> LERS at 4: the L stays, ERS is inserted after it.
        let canonical = "MKVLAAG";
        let mut insertion = edit("VSP_1", 4, 4, Some("LERS"));
        insertion.original = Some("L");
        let spans = spans(canonical, &[insertion], &["VSP_1"]).unwrap();
        assert_eq!(apply(canonical, &spans), "MKVLERSAAG");
        let len = canonical.len();
        assert_eq!(map_position(4, len, &spans), Ok(4));
        assert_eq!(map_position(5, len, &spans), Ok(8));
        // A variant identical to the canonical changes nothing.
        let same = edit("VSP_2", 2, 3, Some("KV"));
        assert_eq!(spans_of(canonical, same), vec![]);
    }

    fn spans_of<'a>(canonical: &str, edit: Edit<'a>) -> Vec<Span<'a>> {
        spans(canonical, std::slice::from_ref(&edit), &[edit.id]).unwrap()
    }

    #[test]
    fn positions_shift_by_the_edits_before_them() {
        let canonical = "MABCDEFGHIJ";
        let variants = [edit("VSP_1", 2, 3, None), edit("VSP_2", 6, 7, Some("XYZ"))];
        let spans = spans(canonical, &variants, &["VSP_1", "VSP_2"]).unwrap();
        let len = canonical.len();
        assert_eq!(map_position(1, len, &spans), Ok(1));
        assert_eq!(map_position(2, len, &spans), Err(Unmapped::InDeletedSpan));
        assert_eq!(map_position(4, len, &spans), Ok(2));
        assert_eq!(map_position(7, len, &spans), Err(Unmapped::InReplacedSpan));
        assert_eq!(map_position(8, len, &spans), Ok(7));
        assert_eq!(map_range(4, 5, len, &spans), Ok((2, 3)));
        assert_eq!(map_range(4, 9, len, &spans), Err(Unmapped::SpansAnEdit));
        for outside in [0, 12, i64::MAX, i64::MIN] {
            assert_eq!(
                map_position(outside, len, &spans),
                Err(Unmapped::OutOfRange)
            );
        }
        assert_eq!(map_range(5, 4, len, &spans), Err(Unmapped::OutOfRange));
        let isoform = apply(canonical, &spans);
        for position in [1, 4, 5, 8, 9, 10, 11] {
            let mapped = map_position(position, len, &spans).unwrap();
            assert_eq!(
                isoform.as_bytes()[mapped as usize - 1],
                canonical.as_bytes()[position as usize - 1]
            );
        }
    }
}
