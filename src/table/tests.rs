//! Unit tests of the column builders on model types: nulls and offsets, warm builders, type
//! mismatches, rows set field by field, dictionary columns.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::datatypes::{DataType, Field, FieldRef};

use super::columns::{ColumnBuilder, Columnar, StructColumns};
use super::leaf::ListColumns;
use super::model::{DbReference, DbReferenceColumns, Molecule, Property};

fn field(data_type: DataType, nullable: bool) -> FieldRef {
    Arc::new(Field::new("x", data_type, nullable))
}

#[test]
fn options_become_nulls_and_lists_offsets() {
    let mut builder = <Vec<Option<String>> as Columnar>::Columns::default();
    builder.append(&vec![Some("a".into()), None]);
    builder.append_placeholder();
    builder.append(&vec![Some("bc".into())]);
    let item = field(DataType::Utf8, true);
    let list = builder
        .finish(&field(DataType::List(item), false), None)
        .unwrap();
    let list = list.as_list::<i32>();
    assert_eq!(list.value_offsets(), &[0, 2, 2, 3]);
    let strings = list.values().as_string::<i32>();
    assert_eq!(strings.null_count(), 1);
    assert_eq!(strings.value(0), "a");
    assert_eq!(strings.value(2), "bc");
}

#[test]
fn a_warm_builder_starts_each_batch_empty() {
    let mut builder = <String as Columnar>::Columns::default();
    let utf8 = field(DataType::Utf8, false);
    builder.append(&"first".to_owned());
    assert_eq!(builder.finish(&utf8, None).unwrap().len(), 1);
    builder.append(&"second".to_owned());
    let second = builder.finish(&utf8, None).unwrap();
    assert_eq!(second.as_string::<i32>().value(0), "second");
    assert_eq!(second.len(), 1);
}

#[test]
fn a_schema_of_another_type_is_an_error_not_a_panic() {
    let mut strings = <String as Columnar>::Columns::default();
    strings.append(&"x".to_owned());
    let error = strings
        .finish(&field(DataType::Int32, false), None)
        .unwrap_err();
    assert!(error.to_string().contains("built as utf8"), "{error}");
    let mut numbers = <i32 as Columnar>::Columns::default();
    assert!(numbers
        .finish(&field(DataType::Int64, false), None)
        .is_err());
    let mut list = <Vec<i32> as Columnar>::Columns::default();
    assert!(list.finish(&field(DataType::Int32, false), None).is_err());
}

/// The array of a `DbReference` list column built by `fill_rows`.
fn db_reference_lists(fill_rows: impl FnOnce(&mut ListColumns<DbReferenceColumns>)) -> ArrayRef {
    let mut builder = <Vec<DbReference> as Columnar>::Columns::default();
    fill_rows(&mut builder);
    let schema = super::schema::schema();
    let (_, field) = schema.fields().find("db_references").unwrap();
    builder.finish(field, None).unwrap()
}

/// Appends `reference` to the open list the way the parser does: field by field.
fn push_field_by_field(lists: &mut ListColumns<DbReferenceColumns>, reference: &DbReference) {
    lists
        .push_with(|row| {
            let at = row.row();
            row.kind.push_str(&reference.kind);
            row.id.push_str(&reference.id);
            if let Some(evidence) = &reference.evidence {
                assert!(row.evidence.set_str(at, evidence));
                assert!(!row.evidence.set_str(at, "again"), "a row takes one value");
            }
            if let Some(molecule) = &reference.molecule {
                row.molecule.set_with(at, |m| {
                    m.value.push_str(&molecule.value);
                    Ok::<(), ()>(())
                })?;
            }
            for property in &reference.properties {
                row.properties.push(property);
            }
            Ok::<(), ()>(())
        })
        .unwrap();
}

#[test]
fn rows_set_field_by_field_equal_model_values_and_half_rows_are_dropped() {
    let first = DbReference {
        kind: "PDB".into(),
        id: "1ABC".into(),
        molecule: Some(Molecule {
            value: "chain A".into(),
            id: None,
        }),
        properties: vec![Property {
            kind: "method".into(),
            value: "X-ray".into(),
        }],
        ..DbReference::default()
    };
    let second = DbReference {
        kind: "GO".into(),
        id: "GO:1".into(),
        evidence: Some("3".into()),
        ..DbReference::default()
    };
    let expected = db_reference_lists(|lists| {
        lists.append(&vec![first.clone(), second.clone()]);
        lists.append(&vec![]);
    });
    let built = db_reference_lists(|lists| {
        // Row 0, item by item, field by field.
        push_field_by_field(lists, &first);
        push_field_by_field(lists, &second);
        lists.fill(1);
        // Row 1: an item and half of another, then the entry fails: back to one row.
        push_field_by_field(lists, &first);
        lists.items.kind.push_str("half");
        lists.truncate(1);
        // Row 1 again, left empty.
        lists.fill(2);
    });
    assert_eq!(&built, &expected);
}

#[test]
fn dictionary_columns_are_cast_from_strings() {
    let mut builder = <Option<String> as Columnar>::Columns::default();
    for value in [Some("Swiss-Prot"), None, Some("TrEMBL"), Some("Swiss-Prot")] {
        builder.append(&value.map(str::to_owned));
    }
    let dictionary = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
    let array = builder
        .finish(&field(dictionary.clone(), true), None)
        .unwrap();
    assert_eq!(array.data_type(), &dictionary);
    assert_eq!(array.null_count(), 1);
}
