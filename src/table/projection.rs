//! Column projection: a selection of the output's columns by name, checked against the schema
//! before anything is read, and the projected schema it gives.
//!
//! A name is a top-level column (`accession`, `organism`) or a dotted path into a struct
//! (`sequence.length`, `organism.taxon_id`) or into the items of a list of structs
//! (`features.type`, `features.location.begin`): a list is kept whole or by its items' fields.
//! The projected schema keeps the schema's order whatever the order of the names, and a column
//! is the same column as in the full schema (same type, same nullability), so a projected
//! value always equals the full conversion's. The builders skip the columns a projected schema
//! leaves out ([`super::columns`] finds fields by name). Knows no XML.

use std::collections::BTreeMap;
use std::sync::Arc;

use arrow::datatypes::{DataType, Field, FieldRef, Fields, Schema, SchemaRef};

use super::schema;
pub use crate::error::UnknownColumn;

/// The columns asked for, as the schema they make.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    schema: SchemaRef,
    /// The names as asked for (empty: every column).
    names: Vec<String>,
}

/// The selected part of one field: all of it, or some of its struct's (or items') fields.
#[derive(Debug, Default)]
struct Selection {
    whole: bool,
    children: BTreeMap<String, Selection>,
}

impl Projection {
    /// Every column: the full schema.
    pub fn all() -> Projection {
        Projection {
            schema: schema::schema(),
            names: Vec::new(),
        }
    }

    /// The columns named by `names` (top-level names or dotted paths); fails on the first name
    /// that is no column, with the closest ones. No names at all selects every column.
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<Projection, UnknownColumn> {
        if names.is_empty() {
            return Ok(Projection::all());
        }
        let mut root = Selection::default();
        for name in names {
            let name = name.as_ref().trim();
            if !select(schema::fields(), name, &mut root) {
                let close = if name.is_empty() {
                    Vec::new()
                } else {
                    close_matches(name)
                };
                return Err(UnknownColumn {
                    name: name.to_owned(),
                    close,
                });
            }
        }
        let fields: Vec<FieldRef> = schema::fields()
            .iter()
            .filter_map(|field| project(field, root.children.get(field.name())?))
            .collect();
        Ok(Projection {
            schema: Arc::new(Schema::new(fields)),
            names: names.iter().map(|n| n.as_ref().trim().to_owned()).collect(),
        })
    }

    /// The projected schema, in the full schema's column order.
    pub fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    /// The names asked for, as given (empty when every column was).
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// True when every column is selected.
    pub fn is_all(&self) -> bool {
        self.schema.fields() == &Fields::from(schema::fields().to_vec())
    }
}

/// Marks the field that `path` names below `fields` in `selection`; false when there is none.
fn select(fields: &[FieldRef], path: &str, selection: &mut Selection) -> bool {
    let (head, rest) = match path.split_once('.') {
        Some((head, rest)) => (head, Some(rest)),
        None => (path, None),
    };
    let Some(field) = fields.iter().find(|f| f.name() == head) else {
        return false;
    };
    match rest {
        None => {
            selection.children.entry(head.to_owned()).or_default().whole = true;
            true
        }
        Some(rest) => {
            let Some(children) = struct_fields(field.data_type()) else {
                return false;
            };
            let children: Vec<FieldRef> = children.iter().cloned().collect();
            let mut inner = selection.children.remove(head).unwrap_or_default();
            let found = select(&children, rest, &mut inner);
            selection.children.insert(head.to_owned(), inner);
            found
        }
    }
}

/// The fields of a struct, or of a list's struct items.
fn struct_fields(data_type: &DataType) -> Option<&Fields> {
    match data_type {
        DataType::Struct(fields) => Some(fields),
        DataType::List(item) => struct_fields(item.data_type()),
        _ => None,
    }
}

/// `field` cut down to `selection` (kept whole when selected whole).
fn project(field: &FieldRef, selection: &Selection) -> Option<FieldRef> {
    if selection.whole {
        return Some(Arc::clone(field));
    }
    let data_type = project_type(field.data_type(), selection)?;
    Some(Arc::new(
        Field::new(field.name(), data_type, field.is_nullable())
            .with_metadata(field.metadata().clone()),
    ))
}

fn project_type(data_type: &DataType, selection: &Selection) -> Option<DataType> {
    match data_type {
        DataType::Struct(fields) => {
            let kept: Vec<FieldRef> = fields
                .iter()
                .filter_map(|f| project(f, selection.children.get(f.name())?))
                .collect();
            (!kept.is_empty()).then(|| DataType::Struct(Fields::from(kept)))
        }
        DataType::List(item) => {
            let item_type = project_type(item.data_type(), selection)?;
            let item = Field::new(item.name(), item_type, item.is_nullable())
                .with_metadata(item.metadata().clone());
            Some(DataType::List(Arc::new(item)))
        }
        _ => None,
    }
}

/// Every column path of the schema, in schema order: each top-level column, then each field of
/// its struct (or of its list's struct items), depth first (`protein`,
/// `protein.recommended_name`, `protein.recommended_name.full`, …).
pub fn column_paths() -> Vec<String> {
    let mut paths = Vec::new();
    for field in schema::fields() {
        push_paths(field, "", &mut paths);
    }
    paths
}

fn push_paths(field: &FieldRef, parent: &str, out: &mut Vec<String>) {
    let path = if parent.is_empty() {
        field.name().clone()
    } else {
        format!("{parent}.{}", field.name())
    };
    if let Some(children) = struct_fields(field.data_type()) {
        out.push(path.clone());
        for child in children {
            push_paths(child, &path, out);
        }
    } else {
        out.push(path);
    }
}

/// Up to five column paths close to `name`: those containing it or its last step, then those
/// within a small edit distance, nearest first.
fn close_matches(name: &str) -> Vec<String> {
    let wanted = name.to_ascii_lowercase();
    let last = wanted.rsplit('.').next().unwrap_or(&wanted).to_owned();
    let mut scored: Vec<(usize, String)> = column_paths()
        .into_iter()
        .filter_map(|path| {
            let lower = path.to_ascii_lowercase();
            let step = lower.rsplit('.').next().unwrap_or(&lower);
            let distance = edit_distance(&wanted, &lower).min(edit_distance(&last, step) + 1);
            let contains = lower.contains(&wanted) || (last.len() > 2 && step.contains(&last));
            let limit = (wanted.len() / 3).clamp(1, 3);
            (contains || distance <= limit).then_some((if contains { 0 } else { distance }, path))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(5).map(|(_, path)| path).collect()
}

/// Levenshtein distance between two strings, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb {
                previous
            } else {
                1 + previous.min(current).min(row[j])
            };
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(projection: &Projection) -> Vec<String> {
        projection
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    #[test]
    fn top_level_names_keep_the_schema_order_and_types() {
        let projection = Projection::parse(&["sequence", "accession", "organism"]).unwrap();
        assert_eq!(names(&projection), ["accession", "organism", "sequence"]);
        let full = schema::schema();
        for field in projection.schema().fields() {
            assert_eq!(field.as_ref(), full.field_with_name(field.name()).unwrap());
        }
        assert!(!projection.is_all());
        assert!(Projection::parse::<&str>(&[]).unwrap().is_all());
    }

    #[test]
    fn dotted_paths_select_struct_fields_and_list_item_fields() {
        let projection = Projection::parse(&[
            "sequence.length",
            "features.type",
            "features.location.begin",
        ])
        .unwrap();
        let schema = projection.schema();
        let sequence = schema.field_with_name("sequence").unwrap();
        let DataType::Struct(children) = sequence.data_type() else {
            panic!("sequence is a struct");
        };
        assert_eq!(children.len(), 1);
        assert_eq!(children[0].name(), "length");
        let features = schema.field_with_name("features").unwrap();
        let DataType::List(item) = features.data_type() else {
            panic!("features is a list");
        };
        let DataType::Struct(children) = item.data_type() else {
            panic!("features are structs");
        };
        let kept: Vec<&str> = children.iter().map(|c| c.name().as_str()).collect();
        assert_eq!(kept, ["type", "location"]);
        // The whole column and one of its fields: the whole column.
        let both = Projection::parse(&["sequence", "sequence.length"]).unwrap();
        let full = schema::schema();
        assert_eq!(
            both.schema().field_with_name("sequence").unwrap(),
            full.field_with_name("sequence").unwrap()
        );
    }

    #[test]
    fn unknown_names_fail_with_close_matches() {
        let error = Projection::parse(&["acession"]).unwrap_err();
        assert_eq!(error.name, "acession");
        assert!(error.close.contains(&"accession".to_owned()), "{error}");
        let error = Projection::parse(&["sequence.lenght"]).unwrap_err();
        assert!(
            error.close.contains(&"sequence.length".to_owned()),
            "{error}"
        );
        assert!(error.to_string().contains("did you mean"), "{error}");
        // A dotted path below a column that is no struct.
        assert!(Projection::parse(&["accession.x"]).is_err());
        assert!(Projection::parse(&["no_such_column"])
            .unwrap_err()
            .close
            .is_empty());
    }

    #[test]
    fn every_column_path_selects_itself() {
        let paths = column_paths();
        assert!(paths.len() > 390, "{} paths", paths.len());
        for path in &paths {
            Projection::parse(&[path]).unwrap_or_else(|e| panic!("{path}: {e}"));
        }
    }
}
