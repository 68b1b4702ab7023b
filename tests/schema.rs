//! The Arrow schema is a published contract: a snapshot makes every change deliberate, and
//! every written batch must carry exactly this schema.

use std::collections::BTreeSet;

use arrow::datatypes::{DataType, Schema};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::file::metadata::ParquetMetaData;
use parquet::file::statistics::Statistics;
use serde::de::Visitor;
use serde::Deserialize;
use uniprot_etl::config::{EncodingPlan, Settings};
use uniprot_etl::table::model::{Entry, DATE_NEWTYPE};
use uniprot_etl::table::schema;
use uniprot_etl::writer::plan;

#[test]
fn schema_snapshot() {
    insta::assert_snapshot!(schema::describe());
}

#[test]
fn written_files_read_back_with_exactly_the_schema() {
    // Through the whole pipeline and a Parquet file, read by parquet's own Arrow reader: any
    // type the builders, the encoder or the writer changed on the way shows here.
    let xml = std::fs::read(crate::util::samples_dir().join("uniprot-rs-tests-250.xml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.parquet");
    let summary =
        crate::util::convert_bytes(&xml, &out, &uniprot_etl::config::Settings::default()).unwrap();
    let file = std::fs::File::open(&out).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    let read = Schema::new(reader.schema().fields().clone());
    assert_eq!(read, Schema::new(schema::schema().fields().clone()));
    let rows: usize = reader.build().unwrap().map(|b| b.unwrap().num_rows()).sum();
    assert_eq!(rows as u64, summary.entries);
}

/// Converts the 250-entry sample with `settings` and returns the file's footer.
fn written_metadata(settings: &Settings) -> ParquetMetaData {
    let xml = std::fs::read(crate::util::samples_dir().join("uniprot-rs-tests-250.xml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.parquet");
    crate::util::convert_bytes(&xml, &out, settings).unwrap();
    let file = std::fs::File::open(&out).unwrap();
    ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .metadata()
        .as_ref()
        .clone()
}

/// For each leaf column of the first row group: its path and whether it has statistics.
fn columns_with_statistics(metadata: &ParquetMetaData) -> Vec<(String, bool)> {
    metadata
        .row_group(0)
        .columns()
        .iter()
        .map(|c| (c.column_path().string(), c.statistics().is_some()))
        .collect()
}

#[test]
fn statistics_cover_every_column_or_only_those_outside_lists() {
    let inside_lists: BTreeSet<String> = plan::leaves()
        .iter()
        .filter(|leaf| leaf.in_list)
        .map(|leaf| leaf.path.string())
        .collect();
    // Every list of the schema is written as `<name>.list.element`: the columns inside lists
    // are exactly those with such a step in their path.
    let all_paths: Vec<String> = columns_with_statistics(&written_metadata(&Settings::default()))
        .into_iter()
        .map(|(path, _)| path)
        .collect();
    let by_path: BTreeSet<String> = all_paths
        .iter()
        .filter(|path| path.contains(".list.element"))
        .cloned()
        .collect();
    assert_eq!(inside_lists, by_path);
    assert_eq!((all_paths.len(), inside_lists.len()), (392, 364));

    // The uniform plan: every column, with the real extremes (a reader prunes with them).
    let mut uniform = Settings::default();
    uniform.parquet.plan = EncodingPlan::Uniform;
    let metadata = written_metadata(&uniform);
    let columns = columns_with_statistics(&metadata);
    assert!(columns.iter().all(|(_, has)| *has));
    let xml = std::fs::read(crate::util::samples_dir().join("uniprot-rs-tests-250.xml")).unwrap();
    let (entries, _) = crate::util::parse_all(&xml).unwrap();
    let lengths: Vec<i32> = entries
        .iter()
        .filter_map(|e| e.sequence.as_ref()?.length)
        .collect();
    let group = metadata.row_group(0);
    assert_eq!(group.num_rows() as usize, entries.len());
    let length = group
        .columns()
        .iter()
        .find(|c| c.column_path().string() == "sequence.length")
        .unwrap();
    let Some(Statistics::Int32(stats)) = length.statistics() else {
        panic!("sequence.length has int32 statistics");
    };
    assert_eq!(stats.min_opt(), lengths.iter().min());
    assert_eq!(stats.max_opt(), lengths.iter().max());

    // `list_statistics: false`: none inside lists, all outside.
    let mut outside_only = uniform.clone();
    outside_only.parquet.list_statistics = false;
    for (path, has) in columns_with_statistics(&written_metadata(&outside_only)) {
        assert_eq!(has, !inside_lists.contains(&path), "{path}");
    }
    // `statistics: false`: none at all.
    let mut none = Settings::default();
    none.parquet.statistics = false;
    let columns = columns_with_statistics(&written_metadata(&none));
    assert!(columns.iter().all(|(_, has)| !*has));
}

#[test]
fn the_written_file_follows_the_encoding_plan() {
    let settings = Settings::default();
    let metadata = written_metadata(&settings);
    let group = metadata.row_group(0);
    let mut dictionaries = 0;
    for (leaf, chunk) in plan::leaves().iter().zip(group.columns()) {
        assert_eq!(leaf.path, *chunk.column_path());
        let (dictionary, statistics) = plan::choice(&settings.parquet, leaf);
        assert_eq!(
            chunk.statistics().is_some(),
            statistics != plan::Statistics::None,
            "{}",
            leaf.dotted
        );
        let has_dictionary = chunk.dictionary_page_offset().is_some();
        assert!(
            dictionary || !has_dictionary,
            "{} has a dictionary",
            leaf.dotted
        );
        dictionaries += usize::from(has_dictionary);
    }
    // Where the plan keeps them, dictionaries are written (the columns of repeated values).
    assert!(dictionaries > 300, "{dictionaries} dictionaries");
    for unique in ["accession", "sequence.value", "sequence.checksum"] {
        let leaf = plan::leaves().iter().find(|l| l.dotted == unique).unwrap();
        assert!(!plan::choice(&settings.parquet, leaf).0, "{unique}");
    }
    // The page index is written only for the columns with page statistics.
    let sequence = group
        .columns()
        .iter()
        .find(|c| c.column_path().string() == "sequence.value")
        .unwrap();
    assert!(sequence.statistics().is_none());
    assert!(sequence.column_index_offset().is_none());
}

#[test]
fn every_date_field_of_the_model_is_a_date32_column_and_no_other_is() {
    // The schema comes from the builders; this walks the model through serde instead, so a
    // `Date` field stored as anything but `date32` (or a date32 column of another type) shows.
    let mut walk = ModelWalk::default();
    Entry::deserialize(&mut walk).unwrap();
    let mut found = walk.dates;
    found.sort();
    let mut date32 = Vec::new();
    for field in schema::fields() {
        date32_paths(field, "", &mut date32);
    }
    date32.sort();
    assert_eq!(found, date32);
    assert_eq!(found, ["created", "modified", "sequence.modified"]);
    assert!(
        walk.fields > 300,
        "the walk reached only {} fields",
        walk.fields
    );
}

/// The paths of the `date32` columns under `field` (list items add nothing to a path).
fn date32_paths(field: &arrow::datatypes::Field, parent: &str, out: &mut Vec<String>) {
    let path = if parent.is_empty() {
        field.name().clone()
    } else {
        format!("{parent}.{}", field.name())
    };
    match field.data_type() {
        DataType::Date32 => out.push(path),
        DataType::Struct(children) => {
            for child in children {
                date32_paths(child, &path, out);
            }
        }
        DataType::List(item) => match item.data_type() {
            DataType::Struct(children) => {
                for child in children {
                    date32_paths(child, &path, out);
                }
            }
            DataType::Date32 => out.push(path),
            _ => {}
        },
        _ => {}
    }
}

/// A `Deserializer` that builds the fullest possible value of a model type — every option
/// present, every list one element long — and records the path of every [`DATE_NEWTYPE`] it
/// is asked for. Struct paths join field names with `.`; list items add nothing (as in the
/// schema's paths).
#[derive(Default)]
struct ModelWalk {
    path: Vec<&'static str>,
    dates: Vec<String>,
    fields: usize,
}

impl<'de> serde::Deserializer<'de> for &mut ModelWalk {
    type Error = serde::de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(serde::de::Error::custom(format!(
            "the model asked for any value at {}",
            self.path.join(".")
        )))
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_bool(true)
    }

    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_i32(1)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_i64(1)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_u32(1)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_u64(1)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_f64(1.0)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_str("x")
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_string("x".to_owned())
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        if name == DATE_NEWTYPE {
            self.dates.push(self.path.join("."));
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_seq(OneItem(Some(self)))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_map(Fields {
            walk: self,
            fields,
            next: 0,
        })
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_str(self.path.last().copied().unwrap_or_default())
    }

    serde::forward_to_deserialize_any! {
        i8 i16 u8 u16 f32 char bytes byte_buf unit unit_struct tuple tuple_struct map enum
        ignored_any i128 u128
    }
}

/// The one element of every list.
struct OneItem<'a>(Option<&'a mut ModelWalk>);

impl<'de> serde::de::SeqAccess<'de> for OneItem<'_> {
    type Error = serde::de::value::Error;

    fn next_element_seed<T: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Self::Error> {
        match self.0.take() {
            Some(walk) => seed.deserialize(walk).map(Some),
            None => Ok(None),
        }
    }
}

/// Every field of a struct, by name.
struct Fields<'a> {
    walk: &'a mut ModelWalk,
    fields: &'static [&'static str],
    next: usize,
}

impl<'de> serde::de::MapAccess<'de> for Fields<'_> {
    type Error = serde::de::value::Error;

    fn next_key_seed<K: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        let Some(&field) = self.fields.get(self.next) else {
            return Ok(None);
        };
        self.walk.path.push(field);
        let key = seed.deserialize(&mut *self.walk);
        self.walk.path.pop();
        key.map(Some)
    }

    fn next_value_seed<V: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        let field = self.fields[self.next];
        self.next += 1;
        self.walk.fields += 1;
        self.walk.path.push(field);
        let value = seed.deserialize(&mut *self.walk);
        self.walk.path.pop();
        value
    }
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
        "  key utf8\n",
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

/// Checks that `projected` holds exactly `full`'s values for the fields it kept (by name,
/// through structs and lists), with the same nulls and offsets.
fn assert_projected_values_equal(
    full: &arrow::array::ArrayRef,
    projected: &arrow::array::ArrayRef,
) {
    use arrow::array::{Array, AsArray};
    if full.data_type() == projected.data_type() {
        assert_eq!(full, projected);
        return;
    }
    assert_eq!(full.len(), projected.len());
    assert_eq!(full.nulls(), projected.nulls());
    match (full.data_type(), projected.data_type()) {
        (DataType::Struct(_), DataType::Struct(kept)) => {
            let (full, projected) = (full.as_struct(), projected.as_struct());
            for field in kept {
                assert_projected_values_equal(
                    full.column_by_name(field.name()).unwrap(),
                    projected.column_by_name(field.name()).unwrap(),
                );
            }
        }
        (DataType::List(_), DataType::List(_)) => {
            let (full, projected) = (full.as_list::<i32>(), projected.as_list::<i32>());
            assert_eq!(full.value_offsets(), projected.value_offsets());
            assert_projected_values_equal(full.values(), projected.values());
        }
        (full, projected) => panic!("{projected} is no projection of {full}"),
    }
}

#[test]
fn a_projected_batch_holds_the_full_batch_values_of_its_columns() {
    use uniprot_etl::lab::synth::{Generator, Profile};
    use uniprot_etl::table::{EntryBatchBuilder, Projection};
    let mut generator = Generator::new(Profile::Sprot, 11);
    let entries: Vec<Entry> = (0..40).map(|_| generator.next_entry()).collect();
    let full = EntryBatchBuilder::new().build(&entries).unwrap();
    for columns in [
        &["accession", "organism", "sequence"][..],
        &[
            "sequence.length",
            "organism.taxon_id",
            "features.type",
            "features.location",
        ],
        &[
            "comments.isoforms.ids",
            "references.citation.db_references",
            "protein.domains",
        ],
    ] {
        let projection = Projection::parse(columns).unwrap();
        let mut builder = EntryBatchBuilder::with_schema(projection.schema());
        // Twice: what a projection left out must not linger into the next batch.
        for _ in 0..2 {
            let batch = builder.build(&entries).unwrap();
            assert_eq!(batch.schema(), projection.schema());
            for field in projection.schema().fields() {
                assert_projected_values_equal(
                    full.column_by_name(field.name()).unwrap(),
                    batch.column_by_name(field.name()).unwrap(),
                );
            }
        }
    }
}

/// Every record batch of a Parquet file, concatenated.
fn read_parquet(path: &std::path::Path) -> arrow::record_batch::RecordBatch {
    let file = std::fs::File::open(path).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    let schema = reader.schema().clone();
    let batches: Vec<_> = reader.build().unwrap().map(Result::unwrap).collect();
    arrow::compute::concat_batches(&schema, &batches).unwrap()
}

#[test]
fn convert_columns_writes_those_columns_with_the_full_conversions_values() {
    use crate::util::{run, stderr};
    use uniprot_etl::table::Projection;
    let dir = tempfile::tempdir().unwrap();
    let input = crate::util::samples_dir().join("uniprot-rs-tests-250.xml");
    let input = input.to_str().unwrap();
    let columns = "accession,organism.taxon_id,features.type,features.location,sequence";
    let full = run(dir.path(), &["convert", "-q", input, "-o", "full.parquet"]);
    assert!(full.status.success(), "{}", stderr(&full));
    let some = run(
        dir.path(),
        &[
            "convert",
            "-q",
            input,
            "-o",
            "some.parquet",
            "--columns",
            columns,
        ],
    );
    assert!(some.status.success(), "{}", stderr(&some));
    let full = read_parquet(&dir.path().join("full.parquet"));
    let some = read_parquet(&dir.path().join("some.parquet"));
    let names: Vec<&str> = columns.split(',').collect();
    let projection = Projection::parse(&names).unwrap();
    assert_eq!(some.schema().fields(), projection.schema().fields());
    assert_eq!(some.num_rows(), full.num_rows());
    for field in projection.schema().fields() {
        assert_projected_values_equal(
            full.column_by_name(field.name()).unwrap(),
            some.column_by_name(field.name()).unwrap(),
        );
    }
    // The run's report names the columns asked for.
    let runs = uniprot_etl::ledger::list_run_dirs(&dir.path().join("runs")).unwrap();
    let report = std::fs::read_to_string(runs.last().unwrap().join("report.yaml")).unwrap();
    assert!(report.contains("features.location"), "{report}");
}

#[test]
fn an_unknown_column_fails_before_anything_is_read_naming_close_matches() {
    use crate::util::{run, stderr};
    let dir = tempfile::tempdir().unwrap();
    // The input does not even exist: the column is refused first.
    let out = run(
        dir.path(),
        &[
            "convert",
            "missing.xml",
            "-o",
            "x.parquet",
            "--columns",
            "acession,sequence.lenght",
        ],
    );
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(message.contains("unknown column \"acession\""), "{message}");
    assert!(message.contains("did you mean accession"), "{message}");
    assert!(!message.contains("missing.xml"), "{message}");
    assert!(!dir.path().join("x.parquet").exists());
    // A dataset's records do not say which columns its parts hold: refused for now.
    let input = crate::util::samples_dir().join("P84001.xml");
    let input = input.to_str().unwrap();
    let out = run(
        dir.path(),
        &[
            "convert",
            input,
            input,
            "-o",
            "ds/",
            "--columns",
            "accession",
        ],
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("dataset output"), "{}", stderr(&out));
    // `uniprot-etl columns` lists every path the flag takes.
    let listed = run(dir.path(), &["columns"]);
    let listed = String::from_utf8(listed.stdout).unwrap();
    assert_eq!(
        listed.lines().collect::<Vec<_>>(),
        uniprot_etl::table::projection::column_paths()
    );
}

#[test]
fn elements_skipped_for_a_projection_are_still_checked_as_xml() {
    use crate::util::{run, stderr};
    let dir = tempfile::tempdir().unwrap();
    let entry = |reference: &str| {
        format!(
            "<entry><accession>P2</accession>{reference}<sequence length=\"1\">M</sequence></entry>"
        )
    };
    let cases = [
        // Well-formed: converts, projected or not.
        (entry("<reference key=\"1\"><citation type=\"x\"><title>a &amp; b</title></citation></reference>"), true, true),
        // Not XML: refused either way, since skipped elements are still read as XML.
        (entry("<reference key=\"1\"><citation></reference>"), false, false),
        (entry("<reference key=\"1\"><citation><title>&xxe;</title></citation></reference>"), false, false),
        (entry("<reference key=\"1\" key=\"2\"/>"), false, false),
        (entry("<reference key=\"1\"><citation title=\"&#0;\"/></reference>"), false, false),
        // A value that does not parse is not XML's business: a skipped element's values are
        // not interpreted, so only the full conversion refuses it.
        (entry("<comment type=\"mass spectrometry\" mass=\"heavy\"/>"), false, true),
    ];
    for (body, full_ok, projected_ok) in cases {
        let xml = format!(
            "<?xml version=\"1.0\"?><uniprot xmlns=\"http://uniprot.org/uniprot\">{body}</uniprot>"
        );
        std::fs::write(dir.path().join("in.xml"), xml).unwrap();
        for (columns, ok) in [(None, full_ok), (Some("accession,sequence"), projected_ok)] {
            let _ = std::fs::remove_file(dir.path().join("out.parquet"));
            let mut args = vec!["convert", "-q", "in.xml", "-o", "out.parquet"];
            args.extend(columns.iter().flat_map(|c| ["--columns", *c]));
            let out = run(dir.path(), &args);
            assert_eq!(
                out.status.success(),
                ok,
                "{body} {columns:?}: {}",
                stderr(&out)
            );
            if !ok {
                assert!(stderr(&out).contains("entry P2"), "{}", stderr(&out));
                assert!(!dir.path().join("out.parquet").exists());
            }
        }
    }
}

#[test]
fn every_top_level_column_projected_through_the_parser_equals_the_full_conversion() {
    use uniprot_etl::pipeline::Job;
    use uniprot_etl::table::Projection;
    use uniprot_etl::writer::Target;
    let xml = std::fs::read(crate::util::samples_dir().join("uniprot-rs-tests-250.xml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let full_path = dir.path().join("full.parquet");
    crate::util::convert_bytes(&xml, &full_path, &Settings::default()).unwrap();
    let full = read_parquet(&full_path);
    // One column at a time: each is filled by its own element(s), none by a skipped one.
    for field in schema::fields() {
        let out = dir.path().join(format!("{}.parquet", field.name()));
        let job = Job {
            columns: Projection::parse(&[field.name()]).unwrap(),
            ..Job::new("sample", Target::File(out.clone()), Settings::default())
        };
        crate::util::convert_job(&xml[..], &job).unwrap();
        let projected = read_parquet(&out);
        assert_eq!(projected.num_columns(), 1, "{}", field.name());
        assert_eq!(
            full.column_by_name(field.name()).unwrap(),
            projected.column(0),
            "{}",
            field.name()
        );
    }
}
