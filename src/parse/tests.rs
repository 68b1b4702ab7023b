//! Unit tests of each element family: a fragment inside one entry, parsed, fields checked.

use std::collections::BTreeMap;

use super::{EntryReader, ParseLimits, Step};
use crate::config::OnError;
use crate::error::{ParseError, ParseErrorKind};
use crate::table::batch::EntryBatchBuilder;
use crate::table::model::Entry;

const NS: &str = "http://uniprot.org/uniprot";

fn document(body: &str) -> String {
    format!("<?xml version='1.0' encoding='UTF-8'?>\n<uniprot xmlns=\"{NS}\">{body}</uniprot>")
}

/// Unmapped paths with their counts, sorted.
type Unmapped = BTreeMap<String, u64>;

/// Recognizes the expected kind of error.
type KindCheck = fn(&ParseErrorKind) -> bool;

fn parse_document(xml: &str) -> Result<(Vec<Entry>, Unmapped), ParseError> {
    let mut reader = EntryReader::new(xml.as_bytes(), false, ParseLimits::default());
    let mut entries = Vec::new();
    while let Some(entry) = reader.next_entry()? {
        entries.push(entry);
    }
    Ok((entries, reader.unmapped()))
}

/// Parses one entry whose children are `fragment` (after an accession); asserts nothing unmapped.
fn entry(fragment: &str) -> Entry {
    let xml = document(&format!(
        "<entry dataset=\"Swiss-Prot\" created=\"2001-02-03\" modified=\"2020-12-31\" version=\"7\">\
         <accession>P1</accession>{fragment}</entry>"
    ));
    let (mut entries, unmapped) = parse_document(&xml).unwrap();
    assert!(unmapped.is_empty(), "unmapped: {unmapped:?}");
    assert_eq!(entries.len(), 1);
    entries.remove(0)
}

fn error(xml: &str) -> ParseError {
    parse_document(xml).unwrap_err()
}

#[test]
fn entry_attributes_accessions_and_names() {
    let e = entry("<accession>Q2</accession><name>A_HUMAN</name>");
    assert_eq!(e.accession, "P1");
    assert_eq!(e.accessions, ["P1", "Q2"]);
    assert_eq!(e.names, ["A_HUMAN"]);
    assert_eq!(e.dataset.as_deref(), Some("Swiss-Prot"));
    assert_eq!(e.created.unwrap().to_string(), "2001-02-03");
    assert_eq!(e.modified.unwrap().to_string(), "2020-12-31");
    assert_eq!(e.version, Some(7));
}

#[test]
fn protein_name_groups() {
    let e = entry(
        "<protein><recommendedName ref=\"1\"><fullName evidence=\"1 2\">Kinase</fullName>\
         <shortName>K</shortName><shortName evidence=\"3\">KN</shortName><ecNumber>1.2.3.4</ecNumber>\
         </recommendedName><alternativeName><shortName>Alt</shortName></alternativeName>\
         <submittedName><fullName>Sub</fullName></submittedName><allergenName>Ara h 1</allergenName>\
         <biotechName>Bio</biotechName><cdAntigenName>CD1</cdAntigenName><innName>Inn</innName>\
         <domain><recommendedName><fullName>D1</fullName></recommendedName></domain>\
         <component><recommendedName><fullName>C1</fullName></recommendedName></component></protein>",
    );
    let p = e.protein.unwrap();
    let rec = p.recommended_name.unwrap();
    assert_eq!(rec.full.as_deref(), Some("Kinase"));
    assert_eq!(rec.full_evidence.as_deref(), Some("1 2"));
    assert_eq!(rec.short, ["K", "KN"]);
    assert_eq!(rec.short_evidence, [None, Some("3".to_owned())]);
    assert_eq!(rec.ec_numbers, ["1.2.3.4"]);
    assert_eq!(rec.ref_.as_deref(), Some("1"));
    assert_eq!(p.alternative_names[0].full, None);
    assert_eq!(p.alternative_names[0].short, ["Alt"]);
    assert_eq!(p.submitted_names[0].full.as_deref(), Some("Sub"));
    assert_eq!(p.allergen_name.unwrap().value, "Ara h 1");
    assert_eq!(p.biotech_name.unwrap().value, "Bio");
    assert_eq!(p.cd_antigen_names[0].value, "CD1");
    assert_eq!(p.inn_names[0].value, "Inn");
    let domain = p.domains[0].recommended_name.as_ref().unwrap();
    assert_eq!(domain.full.as_deref(), Some("D1"));
    let component = p.components[0].recommended_name.as_ref().unwrap();
    assert_eq!(component.full.as_deref(), Some("C1"));
}

#[test]
fn genes() {
    let e = entry(
        "<gene><name type=\"primary\" evidence=\"1\">ABC1</name><name type=\"ORF\">x</name></gene>",
    );
    let names = &e.genes[0].names;
    assert_eq!(names[0].value, "ABC1");
    assert_eq!(names[0].kind.as_deref(), Some("primary"));
    assert_eq!(names[0].evidence.as_deref(), Some("1"));
    assert_eq!(names[1].kind.as_deref(), Some("ORF"));
}

#[test]
fn organism_hosts_and_gene_locations() {
    let e = entry(
        "<organism key=\"1\" evidence=\"2\"><name type=\"common\">Human</name>\
         <name type=\"scientific\">Homo sapiens</name>\
         <dbReference type=\"NCBI Taxonomy\" id=\"9606\" key=\"2\"/>\
         <lineage><taxon>Eukaryota</taxon><taxon>Homo</taxon></lineage></organism>\
         <organismHost><name type=\"scientific\">Sus scrofa</name>\
         <dbReference type=\"NCBI Taxonomy\" id=\"9823\"/></organismHost>\
         <geneLocation type=\"plasmid\" evidence=\"1\"><name status=\"known\">pX</name></geneLocation>",
    );
    let o = e.organism.unwrap();
    assert_eq!(o.scientific_name.as_deref(), Some("Homo sapiens"));
    assert_eq!(o.common_name.as_deref(), Some("Human"));
    assert_eq!(o.taxon_id, Some(9606));
    assert_eq!(o.lineage, ["Eukaryota", "Homo"]);
    assert_eq!(o.key.as_deref(), Some("1"));
    assert_eq!(o.evidence.as_deref(), Some("2"));
    assert_eq!(o.db_references[0].key.as_deref(), Some("2"));
    assert_eq!(e.organism_hosts[0].taxon_id, Some(9823));
    let location = &e.gene_locations[0];
    assert_eq!(location.kind.as_deref(), Some("plasmid"));
    assert_eq!(location.names[0].value, "pX");
    assert_eq!(location.names[0].status.as_deref(), Some("known"));
}

#[test]
fn references_with_citations() {
    let e = entry(
        "<reference key=\"3\" evidence=\"5\"><citation type=\"journal article\" date=\"2004-05\" \
         name=\"J\" volume=\"1\" first=\"2\" last=\"3\" publisher=\"P\" city=\"C\" db=\"D\" \
         number=\"N\" institute=\"I\" country=\"K\"><title>T &amp; U</title>\
         <editorList><person name=\"Ed\"/></editorList>\
         <authorList><person name=\"A\"/><consortium name=\"Cons\"/></authorList>\
         <locator>L</locator><dbReference type=\"PubMed\" id=\"42\"/></citation>\
         <scope>SEQUENCE</scope><source><strain evidence=\"1\">S</strain><tissue>Liver</tissue>\
         <plasmid>p</plasmid><transposon>Tn</transposon></source></reference>",
    );
    let r = &e.references[0];
    assert_eq!(r.key.as_deref(), Some("3"));
    assert_eq!(r.evidence.as_deref(), Some("5"));
    let c = r.citation.as_ref().unwrap();
    assert_eq!(c.kind.as_deref(), Some("journal article"));
    assert_eq!(c.title.as_deref(), Some("T & U"));
    assert_eq!(c.date.as_deref(), Some("2004-05"));
    for (value, expected) in [
        (&c.name, "J"),
        (&c.volume, "1"),
        (&c.first, "2"),
        (&c.last, "3"),
        (&c.publisher, "P"),
        (&c.city, "C"),
        (&c.db, "D"),
        (&c.number, "N"),
        (&c.institute, "I"),
        (&c.country, "K"),
    ] {
        assert_eq!(value.as_deref(), Some(expected));
    }
    assert_eq!(c.authors, ["A", "Cons"]);
    assert_eq!(c.author_types, ["person", "consortium"]);
    assert_eq!(c.editors, ["Ed"]);
    assert_eq!(c.locator.as_deref(), Some("L"));
    assert_eq!(c.db_references[0].id, "42");
    assert_eq!(r.scope, ["SEQUENCE"]);
    let kinds: Vec<&str> = r.source.iter().map(|s| s.kind.as_str()).collect();
    assert_eq!(kinds, ["strain", "tissue", "plasmid", "transposon"]);
    assert_eq!(r.source[0].evidence.as_deref(), Some("1"));
}

#[test]
fn text_comments_join_entities_and_character_references() {
    let e = entry(
        "<comment type=\"function\" evidence=\"9\"><text evidence=\"1\">A &amp; B &lt;C&gt; \
         &#945;&#x3B2; &apos;q&quot; <![CDATA[<raw>]]></text></comment>\
         <comment type=\"caution\"><text status=\"by similarity\">x</text><text>y</text></comment>",
    );
    let c = &e.comments[0];
    assert_eq!(c.kind, "function");
    assert_eq!(c.text.as_deref(), Some("A & B <C> αβ 'q\" <raw>"));
    assert_eq!(c.texts[0].evidence.as_deref(), Some("1"));
    assert_eq!(c.evidence.as_deref(), Some("9"));
    assert_eq!(
        e.comments[1].texts[0].status.as_deref(),
        Some("by similarity")
    );
    assert_eq!(e.comments[1].texts.len(), 2);
}

#[test]
fn catalytic_activity_cofactor_and_subcellular_location_comments() {
    let e = entry(
        "<comment type=\"catalytic activity\"><molecule id=\"P1-2\">Isoform 2</molecule>\
         <reaction evidence=\"1\"><text>A = B</text><dbReference type=\"Rhea\" id=\"RHEA:1\"/>\
         <dbReference type=\"EC\" id=\"1.1.1.1\"/></reaction>\
         <physiologicalReaction direction=\"left-to-right\" evidence=\"2\">\
         <dbReference type=\"Rhea\" id=\"RHEA:2\"/></physiologicalReaction></comment>\
         <comment type=\"cofactor\"><cofactor evidence=\"3\"><name>Zn(2+)</name>\
         <dbReference type=\"ChEBI\" id=\"CHEBI:29105\"/></cofactor><text>Binds 1.</text></comment>\
         <comment type=\"subcellular location\"><subcellularLocation><location evidence=\"1\">Membrane</location>\
         <topology>Multi-pass</topology><orientation>Cytoplasmic side</orientation></subcellularLocation></comment>",
    );
    let c = &e.comments[0];
    assert_eq!(c.molecule.as_ref().unwrap().id.as_deref(), Some("P1-2"));
    let reaction = c.reaction.as_ref().unwrap();
    assert_eq!(reaction.text.as_deref(), Some("A = B"));
    assert_eq!(reaction.db_references.len(), 2);
    assert_eq!(
        c.physiological_reactions[0].direction.as_deref(),
        Some("left-to-right")
    );
    assert_eq!(
        c.physiological_reactions[0]
            .db_reference
            .as_ref()
            .unwrap()
            .id,
        "RHEA:2"
    );
    let cofactor = &e.comments[1].cofactors[0];
    assert_eq!(cofactor.name.as_deref(), Some("Zn(2+)"));
    assert_eq!(cofactor.db_reference.as_ref().unwrap().id, "CHEBI:29105");
    assert_eq!(e.comments[1].text.as_deref(), Some("Binds 1."));
    let location = &e.comments[2].subcellular_locations[0];
    assert_eq!(location.locations[0].value, "Membrane");
    assert_eq!(location.topologies[0].value, "Multi-pass");
    assert_eq!(location.orientations[0].value, "Cytoplasmic side");
}

#[test]
fn alternative_products_interaction_and_disease_comments() {
    let e = entry(
        "<comment type=\"alternative products\"><event type=\"alternative splicing\"/>\
         <isoform><id>P1-1</id><id>P1-9</id><name evidence=\"1\">1</name>\
         <sequence type=\"described\" ref=\"VSP_1 VSP_2\"/><text>Note</text><note>old</note></isoform></comment>\
         <comment type=\"interaction\"><interactant intactId=\"EBI-1\"><id>P1</id></interactant>\
         <interactant intactId=\"EBI-2\"><id>Q9</id><label>GENE</label>\
         <dbReference type=\"UniProtKB\" id=\"Q9\"/></interactant>\
         <organismsDiffer>true</organismsDiffer><experiments>4</experiments></comment>\
         <comment type=\"disease\"><disease id=\"DI-1\"><name>N</name><acronym>A</acronym>\
         <description>D</description><dbReference type=\"MIM\" id=\"1\"/></disease></comment>",
    );
    let c = &e.comments[0];
    assert_eq!(c.events, ["alternative splicing"]);
    let isoform = &c.isoforms[0];
    assert_eq!(isoform.ids, ["P1-1", "P1-9"]);
    assert_eq!(isoform.names[0].evidence.as_deref(), Some("1"));
    assert_eq!(isoform.sequence_type.as_deref(), Some("described"));
    assert_eq!(isoform.sequence_ref.as_deref(), Some("VSP_1 VSP_2"));
    assert_eq!(isoform.texts[0].value, "Note");
    assert_eq!(isoform.notes[0].value, "old");
    let i = &e.comments[1];
    assert_eq!(i.interactants.len(), 2);
    assert_eq!(i.interactants[1].label.as_deref(), Some("GENE"));
    assert_eq!(i.interactants[1].intact_id.as_deref(), Some("EBI-2"));
    assert_eq!(i.organisms_differ, Some(true));
    assert_eq!(i.experiments, Some(4));
    let d = e.comments[2].disease.as_ref().unwrap();
    assert_eq!(
        (
            d.id.as_deref(),
            d.name.as_deref(),
            d.acronym.as_deref(),
            d.description.as_deref()
        ),
        (Some("DI-1"), Some("N"), Some("A"), Some("D"))
    );
}

#[test]
fn biophysicochemical_mass_spectrometry_caution_online_and_rna_editing_comments() {
    let e = entry(
        "<comment type=\"biophysicochemical properties\"><absorption><max>280 nm</max><text>t</text>\
         </absorption><kinetics><KM evidence=\"1\">5 uM</KM><Vmax>2 umol</Vmax><text>k</text></kinetics>\
         <phDependence><text>pH 7</text></phDependence><redoxPotential><text>E0</text></redoxPotential>\
         <temperatureDependence><text>37 C</text></temperatureDependence></comment>\
         <comment type=\"mass spectrometry\" mass=\"1234.5\" error=\"0.5\" method=\"MALDI\" evidence=\"2\">\
         <location><begin position=\"1\"/><end position=\"20\"/></location></comment>\
         <comment type=\"sequence caution\"><conflict type=\"frameshift\" ref=\"3\">\
         <sequence resource=\"EMBL-CDS\" id=\"AAA1\" version=\"2\"/></conflict></comment>\
         <comment type=\"online information\" name=\"DB\"><link uri=\"https://x.org/?a=1&amp;b=2\"/></comment>\
         <comment type=\"RNA editing\" locationType=\"Not_applicable\"><location><position position=\"5\"/>\
         </location></comment>",
    );
    let b = &e.comments[0];
    assert_eq!(
        b.absorption.as_ref().unwrap().max.as_ref().unwrap().value,
        "280 nm"
    );
    let k = b.kinetics.as_ref().unwrap();
    assert_eq!(
        (
            k.km[0].value.as_str(),
            k.vmax[0].value.as_str(),
            k.texts[0].value.as_str()
        ),
        ("5 uM", "2 umol", "k")
    );
    assert_eq!(b.ph_dependence[0].value, "pH 7");
    assert_eq!(b.redox_potential[0].value, "E0");
    assert_eq!(b.temperature_dependence[0].value, "37 C");
    let m = &e.comments[1];
    assert_eq!(m.mass, Some(1234.5));
    assert_eq!(m.error.as_deref(), Some("0.5"));
    assert_eq!(m.method.as_deref(), Some("MALDI"));
    assert_eq!(
        (m.locations[0].begin, m.locations[0].end),
        (Some(1), Some(20))
    );
    let conflict = e.comments[2].conflict.as_ref().unwrap();
    assert_eq!(conflict.kind.as_deref(), Some("frameshift"));
    assert_eq!(conflict.ref_.as_deref(), Some("3"));
    assert_eq!(conflict.sequence.as_ref().unwrap().version, Some(2));
    assert_eq!(e.comments[3].name.as_deref(), Some("DB"));
    assert_eq!(e.comments[3].links, ["https://x.org/?a=1&b=2"]);
    assert_eq!(
        e.comments[4].location_type.as_deref(),
        Some("Not_applicable")
    );
    assert_eq!(e.comments[4].locations[0].position, Some(5));
}

#[test]
fn old_style_direct_text_in_ph_dependence() {
    let e = entry(
        "<comment type=\"biophysicochemical properties\"><phDependence>Optimum pH is 6.</phDependence></comment>",
    );
    assert_eq!(e.comments[0].ph_dependence[0].value, "Optimum pH is 6.");
}

#[test]
fn db_references_keywords_and_protein_existence() {
    let e = entry(
        "<dbReference type=\"RefSeq\" id=\"NP_1\" evidence=\"1\"><molecule id=\"P1-1\"/>\
         <property type=\"nucleotide sequence ID\" value=\"NM_1\"/></dbReference>\
         <proteinExistence type=\"Evidence at transcript level\"/>\
         <keyword id=\"KW-0001\" evidence=\"2\">2Fe-2S</keyword>",
    );
    let r = &e.db_references[0];
    assert_eq!((r.kind.as_str(), r.id.as_str()), ("RefSeq", "NP_1"));
    assert_eq!(r.molecule.as_ref().unwrap().id.as_deref(), Some("P1-1"));
    assert_eq!(r.properties[0].kind, "nucleotide sequence ID");
    assert_eq!(r.properties[0].value, "NM_1");
    assert_eq!(
        e.protein_existence.as_deref(),
        Some("Evidence at transcript level")
    );
    assert_eq!(e.keywords[0].id, "KW-0001");
    assert_eq!(e.keywords[0].value, "2Fe-2S");
    assert_eq!(e.keywords[0].evidence.as_deref(), Some("2"));
}

#[test]
fn features_locations_and_ligands() {
    let e = entry(
        "<feature type=\"sequence variant\" id=\"VAR_1\" description=\"in X\" evidence=\"1\" ref=\"2\" \
         status=\"by similarity\"><original>A</original><variation>V</variation><variation>G</variation>\
         <location sequence=\"P1-2\"><position position=\"12\" status=\"uncertain\"/></location></feature>\
         <feature type=\"chain\"><location><begin status=\"unknown\"/><end position=\"99\" status=\"greater than\"/></location></feature>\
         <feature type=\"binding site\"><location><position position=\"7\"/></location>\
         <ligand><name>Zn(2+)</name><dbReference type=\"ChEBI\" id=\"CHEBI:1\"/><label>1</label><note>n</note></ligand>\
         <ligandPart><name>Fe</name></ligandPart></feature>",
    );
    let v = &e.features[0];
    assert_eq!(v.kind, "sequence variant");
    assert_eq!(v.original.as_deref(), Some("A"));
    assert_eq!(v.variations, ["V", "G"]);
    assert_eq!(
        (v.status.as_deref(), v.ref_.as_deref()),
        (Some("by similarity"), Some("2"))
    );
    let l = v.location.as_ref().unwrap();
    assert_eq!(
        (l.position, l.position_status.as_deref()),
        (Some(12), Some("uncertain"))
    );
    assert_eq!((l.begin, l.end), (None, None));
    assert_eq!(l.sequence.as_deref(), Some("P1-2"));
    let chain = e.features[1].location.as_ref().unwrap();
    assert_eq!(
        (chain.begin, chain.begin_status.as_deref()),
        (None, Some("unknown"))
    );
    assert_eq!(
        (chain.end, chain.end_status.as_deref()),
        (Some(99), Some("greater than"))
    );
    let ligand = e.features[2].ligand.as_ref().unwrap();
    assert_eq!(ligand.name.as_deref(), Some("Zn(2+)"));
    assert_eq!(ligand.db_reference.as_ref().unwrap().id, "CHEBI:1");
    assert_eq!(
        (ligand.label.as_deref(), ligand.note.as_deref()),
        (Some("1"), Some("n"))
    );
    assert_eq!(
        e.features[2].ligand_part.as_ref().unwrap().name.as_deref(),
        Some("Fe")
    );
}

#[test]
fn evidences_modern_and_old() {
    let e = entry(
        "<evidence type=\"ECO:0000269\" key=\"1\"><source ref=\"3\"><dbReference type=\"PubMed\" id=\"9\"/>\
         </source><importedFrom><dbReference type=\"EMBL\" id=\"X\"/></importedFrom></evidence>\
         <evidence key=\"EC1\" category=\"curator\" type=\"Literature\" attribute=\"PubMed=1\" date=\"2010-07-01\"/>\
         <evidence type=\"ECO:0000313\" key=\"2\"><source/></evidence>",
    );
    let modern = &e.evidences[0];
    assert_eq!(
        (modern.key.as_str(), modern.kind.as_deref()),
        ("1", Some("ECO:0000269"))
    );
    let source = modern.source.as_ref().unwrap();
    assert_eq!(source.ref_.as_deref(), Some("3"));
    assert_eq!(source.db_reference.as_ref().unwrap().id, "9");
    assert_eq!(modern.imported_from.as_ref().unwrap().id, "X");
    let old = &e.evidences[1];
    assert_eq!(old.key, "EC1");
    assert_eq!(old.category.as_deref(), Some("curator"));
    assert_eq!(old.attribute.as_deref(), Some("PubMed=1"));
    assert_eq!(old.date.as_deref(), Some("2010-07-01"));
    assert_eq!(e.evidences[2].source.as_ref().unwrap().ref_, None);
}

#[test]
fn sequence_strips_all_whitespace() {
    let e = entry(
        "<sequence length=\"12\" mass=\"1300\" checksum=\"ABC\" modified=\"1999-01-01\" version=\"3\" \
         precursor=\"true\" fragment=\"single\">\n  MKT LLV\n\tAAA VVV\r\n</sequence>",
    );
    let s = e.sequence.unwrap();
    assert_eq!(s.value, "MKTLLVAAAVVV");
    assert_eq!(
        (s.length, s.mass, s.version),
        (Some(12), Some(1300), Some(3))
    );
    assert_eq!(s.checksum.as_deref(), Some("ABC"));
    assert_eq!(s.modified.unwrap().to_string(), "1999-01-01");
    assert_eq!(
        (s.precursor, s.fragment.as_deref()),
        (Some(true), Some("single"))
    );
}

#[test]
fn missing_parts_are_null_or_empty_not_errors() {
    let xml = document("<entry><accession>P9</accession></entry>");
    let (entries, _) = parse_document(&xml).unwrap();
    let e = &entries[0];
    assert_eq!(
        (
            e.dataset.as_ref(),
            e.created,
            e.protein.as_ref(),
            e.sequence.as_ref()
        ),
        (None, None, None, None)
    );
    assert!(e.features.is_empty() && e.comments.is_empty());
}

#[test]
fn a_second_attribute_with_the_same_local_name_is_unmapped_not_written_twice() {
    let xml = document(
        "<entry dataset=\"Swiss-Prot\" x:dataset=\"TrEMBL\" xmlns:x=\"urn:x\"><accession>P1</accession>\
         <organism><name type=\"scientific\" x:type=\"common\">Homo sapiens</name></organism></entry>",
    );
    let (entries, unmapped) = parse_document(&xml).unwrap();
    assert_eq!(entries[0].dataset.as_deref(), Some("Swiss-Prot"));
    let organism = entries[0].organism.as_ref().unwrap();
    assert_eq!(organism.names[0].kind.as_deref(), Some("scientific"));
    assert_eq!(organism.scientific_name.as_deref(), Some("Homo sapiens"));
    assert_eq!(organism.common_name, None);
    let unmapped: Vec<(String, u64)> = unmapped.into_iter().collect();
    assert_eq!(
        unmapped,
        [
            ("/entry/organism/name@x:type".to_owned(), 1),
            ("/entry@x:dataset".to_owned(), 1),
        ]
    );
}

#[test]
fn a_rejected_entry_leaves_no_half_row_in_the_columns() {
    let good = |accession: &str| {
        format!(
            "<entry><accession>{accession}</accession><reference key=\"1\"><citation type=\"book\">\
             <title>T</title></citation></reference><comment type=\"function\"><text>x</text></comment>\
             <sequence length=\"1\">M</sequence></entry>"
        )
    };
    // Fails at its last element, after rows of references, citations, author lists, comments
    // and features were written into the shared columns.
    let bad = "<entry><accession>BAD</accession><reference key=\"2\"><citation type=\"x\">\
               <title>U</title><authorList><person name=\"A\"/></authorList></citation></reference>\
               <comment type=\"f\"><text>y</text></comment><feature type=\"chain\"><location>\
               <begin position=\"1\"/><end position=\"2\"/></location></feature>\
               <sequence length=\"x\">M</sequence></entry>";
    let xml = document(&format!("{}{bad}{}", good("P1"), good("P2")));
    let mut reader = EntryReader::new(xml.as_bytes(), false, ParseLimits::default())
        .with_on_error(OnError::Skip);
    let mut columns = EntryBatchBuilder::new();
    let mut steps = Vec::new();
    while let Some(step) = reader.next_into(columns.columns_mut()).unwrap() {
        steps.push(matches!(step, Step::Entry));
    }
    assert_eq!(steps, [true, false, true]);
    let without_bad = document(&format!("{}{}", good("P1"), good("P2")));
    assert_eq!(
        columns.finish_entries().unwrap(),
        parse_document(&without_bad).unwrap().0
    );
}

#[test]
fn unknown_elements_and_attributes_are_counted_by_path() {
    let xml = document(
        "<entry newAttr=\"1\"><accession>P1</accession><futureThing><x/></futureThing>\
         <feature type=\"chain\" future=\"y\"><location><position position=\"1\"/></location></feature>\
         <sequence length=\"1\">M</sequence><sequence length=\"1\">A</sequence></entry>\
         <entry><accession>P2</accession><futureThing/></entry>",
    );
    let (entries, unmapped) = parse_document(&xml).unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].sequence.as_ref().unwrap().value, "M");
    let unmapped: Vec<(String, u64)> = unmapped.into_iter().collect();
    assert_eq!(
        unmapped,
        [
            ("/entry/feature@future".to_owned(), 1),
            ("/entry/futureThing".to_owned(), 2),
            ("/entry/sequence".to_owned(), 1),
            ("/entry@newAttr".to_owned(), 1),
        ]
    );
}

#[test]
fn a_repeated_attribute_is_refused_however_many_the_tag_has() {
    // Past the first eight names the check moves from the stack to a hash set: both halves.
    let names: Vec<String> = (0..20).map(|i| format!("a{i}=\"{i}\"")).collect();
    let many = names.join(" ");
    let (entries, unmapped) = parse_document(&document(&format!(
        "<entry {many}><accession>P1</accession></entry>"
    )))
    .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(unmapped.get("/entry@a19"), Some(&1));
    for repeated in ["a0", "a7", "a8", "a19"] {
        let xml = document(&format!(
            "<entry {many} {repeated}=\"again\"><accession>P1</accession></entry>"
        ));
        let message = error(&xml).to_string();
        assert!(
            message.contains(&format!("duplicated attribute `{repeated}` in <entry>")),
            "{message}"
        );
    }
    let prefixed = document("<entry u:v=\"1\" u:v=\"2\"><accession>P1</accession></entry>");
    assert!(error(&prefixed)
        .to_string()
        .contains("duplicated attribute `u:v`"));
}

#[test]
fn strict_mode_turns_unmapped_into_an_error() {
    let xml = document("<entry><accession>P1</accession><futureThing/></entry>");
    let mut reader = EntryReader::new(xml.as_bytes(), true, ParseLimits::default());
    let err = reader.next_entry().unwrap_err();
    assert!(
        matches!(&err.kind, ParseErrorKind::Unmapped(p) if p == "/entry/futureThing"),
        "{err}"
    );
    assert_eq!(err.accession.as_deref(), Some("P1"));
}

#[test]
fn both_namespace_spellings_and_prefixed_documents_are_accepted() {
    for root in [
        "<uniprot xmlns=\"https://uniprot.org/uniprot\"><entry><accession>P1</accession></entry></uniprot>",
        "<u:uniprot xmlns:u=\"http://uniprot.org/uniprot\"><u:entry><u:accession>P1</u:accession></u:entry></u:uniprot>",
    ] {
        let (entries, unmapped) = parse_document(root).unwrap();
        assert_eq!(entries[0].accession, "P1");
        assert!(unmapped.is_empty());
    }
}

#[test]
fn document_level_errors() {
    let cases: [(&str, KindCheck); 8] = [
        ("", |k| matches!(k, ParseErrorKind::WrongRoot(_))),
        ("<html/>", |k| matches!(k, ParseErrorKind::WrongRoot(_))),
        ("<uniprot><entry/></uniprot>", |k| matches!(k, ParseErrorKind::WrongRoot(_))),
        (
            "<!DOCTYPE uniprot [<!ENTITY a \"b\">]><uniprot xmlns=\"http://uniprot.org/uniprot\"/>",
            |k| matches!(k, ParseErrorKind::Doctype),
        ),
        (
            "<uniprot xmlns=\"http://uniprot.org/uniprot\"><entry><accession>P1</accession></entry>",
            |k| matches!(k, ParseErrorKind::Truncated(_)),
        ),
        (
            "<uniprot xmlns=\"http://uniprot.org/uniprot\"><entry><accession>P&foo;</accession></entry></uniprot>",
            |k| matches!(k, ParseErrorKind::Xml(m) if m.contains("&foo;")),
        ),
        (
            "<uniprot xmlns=\"http://uniprot.org/uniprot\"><entry><name>X</name></entry></uniprot>",
            |k| matches!(k, ParseErrorKind::MissingAccession),
        ),
        (
            "<uniprot xmlns=\"http://uniprot.org/uniprot\"><entry><accession>P1</accession></entr></uniprot>",
            |k| matches!(k, ParseErrorKind::Xml(_)),
        ),
    ];
    for (xml, expected) in cases {
        let err = error(xml);
        assert!(expected(&err.kind), "{xml}: {err}");
    }
}

#[test]
fn invalid_values_name_their_path_and_entry() {
    for (fragment, what, path) in [
        (
            "<sequence length=\"99999999999999999999\">M</sequence>",
            "non-negative integer",
            "/entry/sequence@length",
        ),
        (
            "<sequence modified=\"2020-02-30\">M</sequence>",
            "date",
            "/entry/sequence@modified",
        ),
        (
            "<feature type=\"x\"><location><position position=\"-x\"/></location></feature>",
            "non-negative integer",
            "/entry/feature/location/position@position",
        ),
        (
            "<sequence length=\"-5\">M</sequence>",
            "non-negative integer",
            "/entry/sequence@length",
        ),
        (
            "<feature type=\"x\"><location><begin position=\"-1\"/></location></feature>",
            "non-negative integer",
            "/entry/feature/location/begin@position",
        ),
        (
            "<feature type=\"x\"><location><position position=\"-x\"/></location></feature>",
            "non-negative integer",
            "/entry/feature/location/position@position",
        ),
        (
            "<comment type=\"interaction\"><experiments>many</experiments></comment>",
            "integer",
            "/entry/comment/experiments",
        ),
    ] {
        let xml = document(&format!(
            "<entry><accession>P7</accession>{fragment}</entry>"
        ));
        let err = error(&xml);
        match &err.kind {
            ParseErrorKind::InvalidValue {
                what: w, path: p, ..
            } => {
                assert_eq!((*w, p.as_str()), (what, path), "{fragment}");
            }
            other => panic!("{fragment}: unexpected {other}"),
        }
        assert_eq!(err.accession.as_deref(), Some("P7"));
    }
}

#[test]
fn copyright_is_kept_in_the_trailer() {
    let xml =
        document("<entry><accession>P1</accession></entry><copyright>(c) UniProt</copyright>");
    let mut reader = EntryReader::new(xml.as_bytes(), false, ParseLimits::default());
    while reader.next_entry().unwrap().is_some() {}
    assert_eq!(reader.trailer().copyright.as_deref(), Some("(c) UniProt"));
}
