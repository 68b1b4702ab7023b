//! The encoding plan: per leaf column, whether it is dictionary-encoded and which statistics it
//! carries, kept as data in one table ([`TUNED`]) and chosen by measurement: `cargo xtask
//! columns` encodes every leaf both ways in one run, and docs/PERFORMANCE.md has the table the
//! rules come from.
//!
//! The plan only ever turns a setting off. The switches of the Parquet settings (`dictionary`,
//! `statistics`, `list_statistics`) still hold for every column, and `plan: uniform` gives every
//! column exactly the switches' values, as files had before the plan.

use std::sync::OnceLock;

use parquet::arrow::ArrowSchemaConverter;
use parquet::file::properties::{EnabledStatistics, WriterPropertiesBuilder};
use parquet::schema::types::ColumnPath;

use crate::config::{EncodingPlan, ParquetSettings};
use crate::table::schema;

/// The statistics a column keeps, from none to the page index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Statistics {
    /// No min/max or null counts: nobody filters on the column, or its min/max say nothing.
    None,
    /// Per column chunk (row group) only: enough for row-group pruning.
    Chunk,
    /// Per chunk and per page (the page index): what Spark and pyarrow skip pages with.
    Page,
}

impl Statistics {
    fn parquet(self) -> EnabledStatistics {
        match self {
            Statistics::None => EnabledStatistics::None,
            Statistics::Chunk => EnabledStatistics::Chunk,
            Statistics::Page => EnabledStatistics::Page,
        }
    }
}

/// What the plan says of one column and every leaf below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// A column path as `uniprot-etl columns` names them (`features.location.begin.position`):
    /// the rule covers this column and every leaf under it; the longest matching path wins.
    pub path: &'static str,
    /// Dictionary-encode the column (otherwise plain, then compressed).
    pub dictionary: bool,
    /// The most statistics the column keeps.
    pub statistics: Statistics,
}

const fn rule(path: &'static str, dictionary: bool, statistics: Statistics) -> Rule {
    Rule {
        path,
        dictionary,
        statistics,
    }
}

/// The tuned plan: the columns that differ from the switches' values. Measured on the
/// release-like corpus, every leaf encoded both ways in one run (`cargo xtask columns`;
/// docs/PERFORMANCE.md, "The encoding plan"):
/// - **Plain** where a dictionary makes the column larger: values that rarely repeat within a
///   row group (accessions, entry names, checksums, identifiers, masses, dates, positions).
///   There zstd over the plain values does better than over bit-packed dictionary indices
///   plus the dictionary page (accession 71 KB with a dictionary, 25 KB plain), and the
///   dictionary's hashing is saved. Columns of names, types, keys and repeated text keep
///   theirs (`properties.type` 16 KB against 56 KB plain).
/// - **No statistics** where min/max cannot prune: a protein sequence, a checksum, free text
///   and author lists span nearly the whole range in every row group. They are the costliest
///   statistics to keep (long strings compared value by value).
pub const TUNED: &[Rule] = &[
    // Unique to an entry.
    rule("accession", false, Statistics::Page),
    rule("accessions", false, Statistics::Page),
    rule("names", false, Statistics::Page),
    rule("sequence.value", false, Statistics::None),
    rule("sequence.checksum", false, Statistics::None),
    rule("sequence.mass", false, Statistics::Page),
    rule("sequence.modified", false, Statistics::Page),
    // Identifiers, numbers and dates that rarely repeat within a row group.
    rule("db_references.id", false, Statistics::Page),
    rule("organism.taxon_id", false, Statistics::Page),
    rule("organism.db_references.id", false, Statistics::Page),
    rule("organism_hosts.taxon_id", false, Statistics::Page),
    rule("organism_hosts.db_references.id", false, Statistics::Page),
    rule("organism_hosts.scientific_name", false, Statistics::Page),
    rule("organism_hosts.names.value", false, Statistics::Page),
    rule("references.citation.date", false, Statistics::Page),
    rule("references.citation.name", false, Statistics::Page),
    rule("references.citation.first", false, Statistics::Page),
    rule("references.citation.last", false, Statistics::Page),
    rule(
        "references.citation.db_references.id",
        false,
        Statistics::Page,
    ),
    rule("features.id", false, Statistics::Page),
    rule("features.location.begin", false, Statistics::Page),
    rule("features.location.end", false, Statistics::Page),
    rule("features.location.position", false, Statistics::Page),
    rule("features.original", false, Statistics::Page),
    // Free text and lists of names: min/max prune nothing.
    rule("references.citation.title", true, Statistics::None),
    rule("references.citation.authors", true, Statistics::None),
    rule("comments.text", true, Statistics::None),
    rule("comments.texts.value", true, Statistics::None),
    rule("features.description", true, Statistics::None),
    rule("db_references.properties.value", true, Statistics::None),
];

/// The rule of the column at `dotted` (a path without list levels): the longest rule path
/// that is the column or one of its ancestors.
pub fn rule_for(dotted: &str) -> Option<&'static Rule> {
    TUNED
        .iter()
        .filter(|rule| {
            dotted == rule.path
                || dotted
                    .strip_prefix(rule.path)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
        .max_by_key(|rule| rule.path.len())
}

/// One leaf column of the output schema.
#[derive(Debug, Clone)]
pub struct Leaf {
    /// Its Parquet path (`features.list.element.type`).
    pub path: ColumnPath,
    /// Its path as `uniprot-etl columns` names it (`features.type`).
    pub dotted: String,
    /// Whether it sits inside a list (repetition level above 0).
    pub in_list: bool,
}

/// Every leaf column of the output schema, in schema order.
pub fn leaves() -> &'static [Leaf] {
    static LEAVES: OnceLock<Vec<Leaf>> = OnceLock::new();
    LEAVES.get_or_init(|| {
        // The same conversion as `ArrowWriter`'s with our properties (`coerce_types` off; were
        // it on, it would have to be on here too for the paths to match).
        let parquet = ArrowSchemaConverter::new()
            .convert(&schema::schema())
            // The schema is fixed at compile time; a test converts it.
            .unwrap_or_else(|e| panic!("the output schema has no Parquet form: {e}"));
        parquet
            .columns()
            .iter()
            .map(|column| Leaf {
                path: column.path().clone(),
                dotted: dotted(column.path().parts()),
                in_list: column.max_rep_level() > 0,
            })
            .collect()
    })
}

/// A Parquet path without its list levels: `features.list.element.type` → `features.type`.
fn dotted(parts: &[String]) -> String {
    let mut out: Vec<&str> = Vec::with_capacity(parts.len());
    let mut i = 0;
    while i < parts.len() {
        if parts[i] == "list" && parts.get(i + 1).is_some_and(|p| p == "element") {
            i += 2;
            continue;
        }
        out.push(&parts[i]);
        i += 1;
    }
    out.join(".")
}

/// What `settings` give the leaf: the switches' values, lowered by the plan's rule under
/// `plan: tuned`.
pub fn choice(settings: &ParquetSettings, leaf: &Leaf) -> (bool, Statistics) {
    let mut dictionary = settings.dictionary;
    let mut statistics = if !settings.statistics || (leaf.in_list && !settings.list_statistics) {
        Statistics::None
    } else {
        Statistics::Page
    };
    if settings.plan == EncodingPlan::Tuned {
        if let Some(rule) = rule_for(&leaf.dotted) {
            dictionary &= rule.dictionary;
            statistics = statistics.min(rule.statistics);
        }
    }
    (dictionary, statistics)
}

/// Sets every leaf's dictionary and statistics per [`choice`] on `builder`, whose defaults are
/// the switches' values for a column outside lists.
pub fn apply(
    mut builder: WriterPropertiesBuilder,
    settings: &ParquetSettings,
) -> WriterPropertiesBuilder {
    let default_statistics = if settings.statistics {
        Statistics::Page
    } else {
        Statistics::None
    };
    builder = builder
        .set_dictionary_enabled(settings.dictionary)
        .set_statistics_enabled(default_statistics.parquet());
    for leaf in leaves() {
        let (dictionary, statistics) = choice(settings, leaf);
        if dictionary != settings.dictionary {
            builder = builder.set_column_dictionary_enabled(leaf.path.clone(), dictionary);
        }
        if statistics != default_statistics {
            builder =
                builder.set_column_statistics_enabled(leaf.path.clone(), statistics.parquet());
        }
    }
    builder
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_levels_are_left_out_of_the_dotted_path() {
        let parts = |s: &str| s.split('.').map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(
            dotted(&parts("features.list.element.type")),
            "features.type"
        );
        assert_eq!(
            dotted(&parts("comments.list.element.texts.list.element.value")),
            "comments.texts.value"
        );
        assert_eq!(dotted(&parts("sequence.value")), "sequence.value");
    }

    #[test]
    fn every_rule_names_a_column_of_the_schema_once() {
        let columns = crate::table::projection::column_paths();
        for (i, rule) in TUNED.iter().enumerate() {
            assert!(
                columns.iter().any(|c| c == rule.path),
                "{} is not a column",
                rule.path
            );
            assert!(
                TUNED[..i].iter().all(|other| other.path != rule.path),
                "{} has two rules",
                rule.path
            );
            assert!(
                leaves()
                    .iter()
                    .any(|leaf| rule_for(&leaf.dotted) == Some(rule)),
                "{} covers no leaf",
                rule.path
            );
        }
    }

    #[test]
    fn the_longest_rule_wins_and_only_whole_segments_match() {
        assert_eq!(rule_for("sequence.value").unwrap().path, "sequence.value");
        assert_eq!(rule_for("sequence.length"), None);
        assert_eq!(rule_for("accession").unwrap().path, "accession");
        assert_eq!(rule_for("accessions").unwrap().path, "accessions");
    }

    #[test]
    fn the_plan_lowers_the_switches_and_uniform_keeps_them() {
        let leaf = |dotted: &str| leaves().iter().find(|l| l.dotted == dotted).unwrap();
        let tuned = ParquetSettings::default();
        assert_eq!(
            choice(&tuned, leaf("sequence.value")),
            (false, Statistics::None)
        );
        assert_eq!(
            choice(&tuned, leaf("features.type")),
            (true, Statistics::Page)
        );
        let uniform = ParquetSettings {
            plan: EncodingPlan::Uniform,
            ..ParquetSettings::default()
        };
        assert_eq!(
            choice(&uniform, leaf("sequence.value")),
            (true, Statistics::Page)
        );
        let off = ParquetSettings {
            dictionary: false,
            list_statistics: false,
            ..ParquetSettings::default()
        };
        assert_eq!(
            choice(&off, leaf("evidences.key")),
            (false, Statistics::None)
        );
        assert_eq!(choice(&off, leaf("accession")), (false, Statistics::Page));
    }
}
