//! The Arrow schema is a published contract: a snapshot makes every change deliberate, and
//! every written batch must carry exactly this schema.

use arrow::datatypes::DataType;
use uniprot_etl::batch::EntryBatchBuilder;
use uniprot_etl::schema;

#[test]
fn schema_snapshot() {
    insta::assert_snapshot!(schema::describe());
}

#[test]
fn built_batches_have_exactly_the_schema() {
    let xml = std::fs::read(crate::util::samples_dir().join("uniprot-rs-tests-250.xml")).unwrap();
    let (entries, _) = crate::util::parse_all(&xml).unwrap();
    let batch = EntryBatchBuilder::new().unwrap().build(&entries).unwrap();
    assert_eq!(batch.schema(), schema::schema());
    assert_eq!(batch.num_rows(), entries.len());
}

#[test]
fn contract_columns_have_their_published_types() {
    let schema = schema::schema();
    let field = |name: &str| schema.field_with_name(name).unwrap().clone();
    assert_eq!(field("accession").data_type(), &DataType::Utf8);
    assert!(!field("accession").is_nullable());
    assert!(
        matches!(field("dataset").data_type(), DataType::Dictionary(_, v) if **v == DataType::Utf8)
    );
    assert_eq!(field("created").data_type(), &DataType::Date32);
    assert_eq!(field("modified").data_type(), &DataType::Date32);
    assert_eq!(field("version").data_type(), &DataType::Int32);
    assert_eq!(field("protein_existence").data_type(), &DataType::Utf8);
    for list in [
        "accessions",
        "names",
        "genes",
        "organism_hosts",
        "gene_locations",
        "references",
        "comments",
        "db_references",
        "keywords",
        "features",
        "evidences",
    ] {
        assert!(
            matches!(field(list).data_type(), DataType::List(_)),
            "{list}"
        );
    }
    let text = schema::describe();
    for nested in [
        "  recommended_name struct\n    full utf8\n",
        "    short list<utf8> not null\n",
        "    ec_numbers list<utf8> not null\n",
        "  taxon_id int64\n",
        "  lineage list<utf8> not null\n",
        "  key int32\n",
        "    authors list<utf8> not null\n",
        "    begin int64\n",
        "    begin_status utf8\n",
        "  variations list<utf8> not null\n",
        "  length int32\n",
        "  mass int32\n",
        "  modified date32\n",
        "  precursor bool\n",
    ] {
        assert!(text.contains(nested), "schema lacks {nested:?}");
    }
}

#[test]
fn parsed_fixture_entries_snapshot() {
    let xml = std::fs::read(crate::util::fixture("sample.xml")).unwrap();
    let (entries, unmapped) = crate::util::parse_all(&xml).unwrap();
    assert!(unmapped.is_empty(), "{unmapped:?}");
    insta::assert_yaml_snapshot!(entries);
}
