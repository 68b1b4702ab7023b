//! The UniProt entry as plain data: one struct per element family of the UniProt XML schema.
//!
//! Each struct is declared once, inside [`columnar!`](super::columns), which derives from that
//! declaration its typed Arrow column builders and its Arrow fields (the column names are the
//! field names, or the `as "name"` given, which is the serde name too; renaming a field is a
//! schema change). Types stay plain serde data for the generator, the tests and the lab. Nothing
//! here knows XML. Text is kept as given; enumerated values (feature types, comment types, …)
//! stay strings so that new or retired values from other releases are kept instead of rejected.

use super::columns::columnar;
pub use super::date::{Date, DATE_NEWTYPE};
use super::leaf::{DictionaryColumns, NullableColumns};

columnar! {
    /// One `<entry>`: a UniProtKB record, one Parquet row.
    pub struct Entry => EntryColumns {
        /// The primary accession: the first `<accession>` (derived by [`Entry::finish`]).
        pub accession: String,
        /// All `<accession>` values in document order.
        pub accessions: Vec<String>,
        /// All entry `<name>` values (such as `INS_HUMAN`).
        pub names: Vec<String>,
        /// `Swiss-Prot` or `TrEMBL`.
        pub dataset: Option<String> => NullableColumns<DictionaryColumns>,
        /// The `created` attribute.
        pub created: Option<Date>,
        /// The `modified` attribute.
        pub modified: Option<Date>,
        /// The entry `version` attribute.
        pub version: Option<i32>,
        /// `<protein>`: every kind of protein name.
        pub protein: Option<Protein>,
        /// `<gene>` elements.
        pub genes: Vec<Gene>,
        /// The source `<organism>`.
        pub organism: Option<Organism>,
        /// `<organismHost>` elements (viral hosts).
        pub organism_hosts: Vec<Organism>,
        /// `<geneLocation>` elements (organelle or plasmid).
        pub gene_locations: Vec<GeneLocation>,
        /// `<reference>` elements with their citations.
        pub references: Vec<Reference>,
        /// `<comment>` elements of every type.
        pub comments: Vec<Comment>,
        /// Entry-level `<dbReference>` cross-references.
        pub db_references: Vec<DbReference>,
        /// The `type` of `<proteinExistence>`, as given.
        pub protein_existence: Option<String>,
        /// `<keyword>` elements.
        pub keywords: Vec<Keyword>,
        /// `<feature>` elements.
        pub features: Vec<Feature>,
        /// `<evidence>` elements, referred to by `evidence="…"` attributes.
        pub evidences: Vec<Evidence>,
        /// The `<sequence>`.
        pub sequence: Option<Sequence>,
    }
}

impl Entry {
    /// Fills the fields that summarise others (the primary accession, organism summaries, the
    /// first comment text) of a model value, as the parser fills them while it writes a row:
    /// generators call it so that their entries equal the rows parsed from their XML.
    pub fn finish(&mut self) {
        self.accession = self.accessions.first().cloned().unwrap_or_default();
        for organism in self.organism.iter_mut().chain(&mut self.organism_hosts) {
            organism.finish();
        }
        for comment in &mut self.comments {
            comment.text = comment.texts.first().map(|t| t.value.clone());
        }
    }
}

columnar! {
    /// A text value with its optional `evidence` keys and (in old releases) `status`.
    pub struct EvidencedString => EvidencedStringColumns {
        /// The element's text.
        pub value: String,
        /// Evidence keys as written, such as `"1 3"` or `"EC1"`.
        pub evidence: Option<String>,
        /// The `status` attribute of older releases (for example "by similarity").
        pub status: Option<String>,
    }
}

columnar! {
    /// `<protein>`: the name groups of the protein, its domains and its components.
    pub struct Protein => ProteinColumns {
        /// `<recommendedName>`.
        pub recommended_name: Option<ProteinName>,
        /// `<alternativeName>` elements.
        pub alternative_names: Vec<ProteinName>,
        /// `<submittedName>` elements (TrEMBL).
        pub submitted_names: Vec<ProteinName>,
        /// `<allergenName>`.
        pub allergen_name: Option<EvidencedString>,
        /// `<biotechName>`.
        pub biotech_name: Option<EvidencedString>,
        /// `<cdAntigenName>` elements.
        pub cd_antigen_names: Vec<EvidencedString>,
        /// `<innName>` elements.
        pub inn_names: Vec<EvidencedString>,
        /// `<domain>` elements, each a full name group.
        pub domains: Vec<ProteinNameGroup>,
        /// `<component>` elements, each a full name group.
        pub components: Vec<ProteinNameGroup>,
    }
}

impl Protein {
    /// Builds a protein from its own name group plus its domains and components.
    pub fn from_parts(
        names: ProteinNameGroup,
        domains: Vec<ProteinNameGroup>,
        components: Vec<ProteinNameGroup>,
    ) -> Self {
        Protein {
            recommended_name: names.recommended_name,
            alternative_names: names.alternative_names,
            submitted_names: names.submitted_names,
            allergen_name: names.allergen_name,
            biotech_name: names.biotech_name,
            cd_antigen_names: names.cd_antigen_names,
            inn_names: names.inn_names,
            domains,
            components,
        }
    }

    /// The protein's own name group (without domains and components).
    pub fn names(&self) -> ProteinNameGroup {
        ProteinNameGroup {
            recommended_name: self.recommended_name.clone(),
            alternative_names: self.alternative_names.clone(),
            submitted_names: self.submitted_names.clone(),
            allergen_name: self.allergen_name.clone(),
            biotech_name: self.biotech_name.clone(),
            cd_antigen_names: self.cd_antigen_names.clone(),
            inn_names: self.inn_names.clone(),
        }
    }
}

columnar! {
    /// The schema's `proteinNameGroup`: the names of a protein, a domain or a component.
    pub struct ProteinNameGroup => ProteinNameGroupColumns {
        /// `<recommendedName>`.
        pub recommended_name: Option<ProteinName>,
        /// `<alternativeName>` elements.
        pub alternative_names: Vec<ProteinName>,
        /// `<submittedName>` elements.
        pub submitted_names: Vec<ProteinName>,
        /// `<allergenName>`.
        pub allergen_name: Option<EvidencedString>,
        /// `<biotechName>`.
        pub biotech_name: Option<EvidencedString>,
        /// `<cdAntigenName>` elements.
        pub cd_antigen_names: Vec<EvidencedString>,
        /// `<innName>` elements.
        pub inn_names: Vec<EvidencedString>,
    }
}

columnar! {
    /// A recommended, alternative or submitted name: full name, short names and EC numbers.
    ///
    /// Evidence lists run parallel to the value lists (`short_evidence[i]` belongs to `short[i]`),
    /// so the published `short: list<utf8>` shape stays simple to query.
    pub struct ProteinName => ProteinNameColumns {
        /// `<fullName>`.
        pub full: Option<String>,
        /// Evidence keys of `<fullName>`.
        pub full_evidence: Option<String>,
        /// `<shortName>` values.
        pub short: Vec<String>,
        /// Evidence keys of each `<shortName>`.
        pub short_evidence: Vec<Option<String>>,
        /// `<ecNumber>` values.
        pub ec_numbers: Vec<String>,
        /// Evidence keys of each `<ecNumber>`.
        pub ec_number_evidence: Vec<Option<String>>,
        /// The `ref` attribute some releases put on the name.
        pub ref_ as "ref": Option<String>,
    }
}

columnar! {
    /// `<gene>`: the names of one gene.
    pub struct Gene => GeneColumns {
        /// `<name>` elements.
        pub names: Vec<GeneName>,
    }
}

columnar! {
    /// A gene `<name>` with its `type` (primary, synonym, ordered locus, ORF).
    pub struct GeneName => GeneNameColumns {
        /// The name.
        pub value: String,
        /// The `type` attribute.
        pub kind as "type": Option<String>,
        /// Evidence keys.
        pub evidence: Option<String>,
    }
}

columnar! {
    /// `<organism>` or `<organismHost>`.
    pub struct Organism => OrganismColumns {
        /// The first name of type "scientific" (derived from `names`).
        pub scientific_name: Option<String>,
        /// The first name of type "common" (derived from `names`).
        pub common_name: Option<String>,
        /// The id of the first NCBI Taxonomy `<dbReference>` (derived from `db_references`).
        pub taxon_id: Option<i64>,
        /// `<lineage>/<taxon>` values, root first.
        pub lineage: Vec<String>,
        /// Every `<name>` with its type, in document order.
        pub names: Vec<OrganismName>,
        /// Every `<dbReference>` of the organism.
        pub db_references: Vec<DbReference>,
        /// Evidence keys.
        pub evidence: Option<String>,
        /// The `key` attribute of older releases.
        pub key: Option<String>,
    }
}

/// The summary field of an [`Organism`] that a `<name>` fills when it is the first of its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameSummary {
    /// `scientific_name`.
    Scientific,
    /// `common_name`.
    Common,
}

impl Organism {
    /// The summary field a name of type `kind` fills (the first name of each type wins). The
    /// parser (as it writes a row) and [`Organism::finish`] (on model values) both decide by it.
    pub fn name_summary(kind: &str) -> Option<NameSummary> {
        match kind {
            "scientific" => Some(NameSummary::Scientific),
            "common" => Some(NameSummary::Common),
            _ => None,
        }
    }

    /// The `taxon_id` a cross-reference of the organism gives: `Some` for an NCBI Taxonomy one
    /// (the first decides, `Some(None)` when its id is not a number), `None` for the others.
    pub fn taxon_id_of(database: &str, id: &str) -> Option<Option<i64>> {
        (database == "NCBI Taxonomy").then(|| id.parse().ok())
    }

    /// Fills the summary fields from `names` and `db_references`.
    pub fn finish(&mut self) {
        self.scientific_name = None;
        self.common_name = None;
        for name in &self.names {
            let summary = match name.kind.as_deref().and_then(Organism::name_summary) {
                Some(NameSummary::Scientific) => &mut self.scientific_name,
                Some(NameSummary::Common) => &mut self.common_name,
                None => continue,
            };
            summary.get_or_insert_with(|| name.value.clone());
        }
        self.taxon_id = self
            .db_references
            .iter()
            .find_map(|r| Organism::taxon_id_of(&r.kind, &r.id))
            .flatten();
    }
}

columnar! {
    /// An organism `<name>` with its `type` (scientific, common, synonym, full, abbreviation).
    pub struct OrganismName => OrganismNameColumns {
        /// The name.
        pub value: String,
        /// The `type` attribute.
        pub kind as "type": Option<String>,
    }
}

columnar! {
    /// `<geneLocation>`: an organelle or plasmid the gene lives on.
    pub struct GeneLocation => GeneLocationColumns {
        /// The `type` attribute (plasmid, mitochondrion, …).
        pub kind as "type": Option<String>,
        /// Evidence keys.
        pub evidence: Option<String>,
        /// `<name>` elements, each with its `status`.
        pub names: Vec<EvidencedString>,
    }
}

columnar! {
    /// `<reference>`: a citation and what the entry took from it.
    pub struct Reference => ReferenceColumns {
        /// The `key` attribute.
        pub key: Option<i32>,
        /// Evidence keys.
        pub evidence: Option<String>,
        /// The `<citation>`.
        pub citation: Option<Citation>,
        /// `<scope>` values.
        pub scope: Vec<String>,
        /// The children of `<source>` (strain, plasmid, transposon, tissue).
        pub source: Vec<SourceItem>,
    }
}

columnar! {
    /// One child of a reference's `<source>`.
    pub struct SourceItem => SourceItemColumns {
        /// The element name: strain, plasmid, transposon or tissue.
        pub kind as "type": String,
        /// The text.
        pub value: String,
        /// Evidence keys.
        pub evidence: Option<String>,
    }
}

columnar! {
    /// `<citation>`: the bibliographic record.
    pub struct Citation => CitationColumns {
        /// The `type` attribute (journal article, submission, …).
        pub kind as "type": Option<String>,
        /// `<title>`.
        pub title: Option<String>,
        /// The `date` attribute: a date, a year-month or a year, kept as text.
        pub date: Option<String>,
        /// Journal or book name.
        pub name: Option<String>,
        /// Volume.
        pub volume: Option<String>,
        /// First page.
        pub first: Option<String>,
        /// Last page.
        pub last: Option<String>,
        /// Publisher.
        pub publisher: Option<String>,
        /// City.
        pub city: Option<String>,
        /// Submission database.
        pub db: Option<String>,
        /// Patent number.
        pub number: Option<String>,
        /// Thesis institute.
        pub institute: Option<String>,
        /// Thesis country.
        pub country: Option<String>,
        /// `<authorList>` names, in order.
        pub authors: Vec<String>,
        /// For each author: "person" or "consortium".
        pub author_types: Vec<String>,
        /// `<editorList>` names, in order.
        pub editors: Vec<String>,
        /// For each editor: "person" or "consortium".
        pub editor_types: Vec<String>,
        /// `<locator>`.
        pub locator: Option<String>,
        /// Citation `<dbReference>` elements (PubMed, DOI, …).
        pub db_references: Vec<DbReference>,
    }
}

columnar! {
    /// `<comment>`: free text and, depending on its type, structured parts.
    pub struct Comment => CommentColumns {
        /// The `type` attribute (function, catalytic activity, …).
        pub kind as "type": String,
        /// The first `<text>` value (derived from `texts`).
        pub text: Option<String>,
        /// Every `<text>` with its evidence.
        pub texts: Vec<EvidencedString>,
        /// Evidence keys.
        pub evidence: Option<String>,
        /// `<molecule>`: the isoform or chain the comment is about.
        pub molecule: Option<Molecule>,
        /// `name` attribute (online information).
        pub name: Option<String>,
        /// `mass` attribute (mass spectrometry).
        pub mass: Option<f64>,
        /// `error` attribute (mass spectrometry).
        pub error: Option<String>,
        /// `method` attribute (mass spectrometry).
        pub method: Option<String>,
        /// `locationType` attribute (RNA editing).
        pub location_type: Option<String>,
        /// `<reaction>` (catalytic activity).
        pub reaction: Option<Reaction>,
        /// `<physiologicalReaction>` elements (catalytic activity).
        pub physiological_reactions: Vec<PhysiologicalReaction>,
        /// `<cofactor>` elements.
        pub cofactors: Vec<Cofactor>,
        /// `<subcellularLocation>` elements.
        pub subcellular_locations: Vec<SubcellularLocation>,
        /// `<conflict>` (sequence caution).
        pub conflict: Option<Conflict>,
        /// `<link uri=…>` values (online information).
        pub links: Vec<String>,
        /// `<event type=…>` values (alternative products).
        pub events: Vec<String>,
        /// `<isoform>` elements (alternative products).
        pub isoforms: Vec<Isoform>,
        /// `<interactant>` elements (interaction).
        pub interactants: Vec<Interactant>,
        /// `<organismsDiffer>` (interaction).
        pub organisms_differ: Option<bool>,
        /// `<experiments>` (interaction).
        pub experiments: Option<i32>,
        /// `<disease>`.
        pub disease: Option<Disease>,
        /// `<absorption>` (biophysicochemical properties).
        pub absorption: Option<Absorption>,
        /// `<kinetics>` (biophysicochemical properties).
        pub kinetics: Option<Kinetics>,
        /// `<phDependence>/<text>` values.
        pub ph_dependence: Vec<EvidencedString>,
        /// `<redoxPotential>/<text>` values.
        pub redox_potential: Vec<EvidencedString>,
        /// `<temperatureDependence>/<text>` values.
        pub temperature_dependence: Vec<EvidencedString>,
        /// `<location>` elements (mass spectrometry, RNA editing).
        pub locations: Vec<Location>,
    }
}

columnar! {
    /// `<molecule>`: names an isoform or chain.
    pub struct Molecule => MoleculeColumns {
        /// The text.
        pub value: String,
        /// The `id` attribute.
        pub id: Option<String>,
    }
}

columnar! {
    /// `<reaction>` of a catalytic activity comment.
    pub struct Reaction => ReactionColumns {
        /// `<text>`.
        pub text: Option<String>,
        /// Rhea, ChEBI and EC cross-references.
        pub db_references: Vec<DbReference>,
        /// Evidence keys.
        pub evidence: Option<String>,
    }
}

columnar! {
    /// `<physiologicalReaction>`: the direction in which a reaction occurs in vivo.
    pub struct PhysiologicalReaction => PhysiologicalReactionColumns {
        /// `left-to-right` or `right-to-left`.
        pub direction: Option<String>,
        /// The Rhea cross-reference.
        pub db_reference: Option<DbReference>,
        /// Evidence keys.
        pub evidence: Option<String>,
    }
}

columnar! {
    /// `<cofactor>`.
    pub struct Cofactor => CofactorColumns {
        /// `<name>`.
        pub name: Option<String>,
        /// The ChEBI cross-reference.
        pub db_reference: Option<DbReference>,
        /// Evidence keys.
        pub evidence: Option<String>,
    }
}

columnar! {
    /// `<subcellularLocation>`.
    pub struct SubcellularLocation => SubcellularLocationColumns {
        /// `<location>` values.
        pub locations: Vec<EvidencedString>,
        /// `<topology>` values.
        pub topologies: Vec<EvidencedString>,
        /// `<orientation>` values.
        pub orientations: Vec<EvidencedString>,
    }
}

columnar! {
    /// `<conflict>` of a sequence caution comment.
    pub struct Conflict => ConflictColumns {
        /// The `type` attribute (frameshift, erroneous initiation, …).
        pub kind as "type": Option<String>,
        /// The `ref` attribute.
        pub ref_ as "ref": Option<String>,
        /// `<sequence resource= id= version=>`.
        pub sequence: Option<ConflictSequence>,
    }
}

columnar! {
    /// The sequence a conflict is about.
    pub struct ConflictSequence => ConflictSequenceColumns {
        /// EMBL or EMBL-CDS.
        pub resource: Option<String>,
        /// The sequence id.
        pub id: Option<String>,
        /// The sequence version.
        pub version: Option<i32>,
    }
}

columnar! {
    /// `<isoform>` of an alternative products comment.
    pub struct Isoform => IsoformColumns {
        /// `<id>` values.
        pub ids: Vec<String>,
        /// `<name>` values.
        pub names: Vec<EvidencedString>,
        /// The `type` of `<sequence>` (displayed, described, external, not described).
        pub sequence_type: Option<String>,
        /// The `ref` of `<sequence>`: the VSP feature ids.
        pub sequence_ref: Option<String>,
        /// `<text>` values.
        pub texts: Vec<EvidencedString>,
        /// `<note>` values (older releases).
        pub notes: Vec<EvidencedString>,
    }
}

columnar! {
    /// `<interactant>` of an interaction comment.
    pub struct Interactant => InteractantColumns {
        /// The `intactId` attribute.
        pub intact_id: Option<String>,
        /// `<id>`: the UniProt accession.
        pub id: Option<String>,
        /// `<label>`: the gene name.
        pub label: Option<String>,
        /// `<dbReference>`.
        pub db_reference: Option<DbReference>,
    }
}

columnar! {
    /// `<disease>` of a disease comment.
    pub struct Disease => DiseaseColumns {
        /// The `id` attribute.
        pub id: Option<String>,
        /// `<name>`.
        pub name: Option<String>,
        /// `<acronym>`.
        pub acronym: Option<String>,
        /// `<description>`.
        pub description: Option<String>,
        /// `<dbReference>` (MIM).
        pub db_reference: Option<DbReference>,
    }
}

columnar! {
    /// `<absorption>` of a biophysicochemical properties comment.
    pub struct Absorption => AbsorptionColumns {
        /// `<max>`.
        pub max: Option<EvidencedString>,
        /// `<text>` values.
        pub texts: Vec<EvidencedString>,
    }
}

columnar! {
    /// `<kinetics>` of a biophysicochemical properties comment.
    pub struct Kinetics => KineticsColumns {
        /// `<KM>` values.
        pub km: Vec<EvidencedString>,
        /// `<Vmax>` values.
        pub vmax: Vec<EvidencedString>,
        /// `<text>` values.
        pub texts: Vec<EvidencedString>,
    }
}

columnar! {
    /// `<dbReference>`: a cross-reference to another database.
    pub struct DbReference => DbReferenceColumns {
        /// The database name (`type` attribute).
        pub kind as "type": String,
        /// The identifier in that database.
        pub id: String,
        /// Evidence keys.
        pub evidence: Option<String>,
        /// The `key` attribute of older releases.
        pub key: Option<String>,
        /// `<molecule>`.
        pub molecule: Option<Molecule>,
        /// `<property type= value=>` elements.
        pub properties: Vec<Property>,
    }
}

columnar! {
    /// `<property>` of a cross-reference.
    pub struct Property => PropertyColumns {
        /// The `type` attribute.
        pub kind as "type": String,
        /// The `value` attribute.
        pub value: String,
    }
}

columnar! {
    /// `<keyword>`.
    pub struct Keyword => KeywordColumns {
        /// The `id` attribute (KW-NNNN).
        pub id: String,
        /// The keyword text.
        pub value: String,
        /// Evidence keys.
        pub evidence: Option<String>,
    }
}

columnar! {
    /// `<feature>`: an annotated region or site of the sequence.
    pub struct Feature => FeatureColumns {
        /// The `type` attribute.
        pub kind as "type": String,
        /// The `description` attribute.
        pub description: Option<String>,
        /// The `id` attribute (PRO_…, VSP_…).
        pub id: Option<String>,
        /// `<original>`.
        pub original: Option<String>,
        /// `<variation>` values.
        pub variations: Vec<String>,
        /// `<location>`.
        pub location: Option<Location>,
        /// The `status` attribute of older releases.
        pub status: Option<String>,
        /// Evidence keys.
        pub evidence: Option<String>,
        /// The `ref` attribute.
        pub ref_ as "ref": Option<String>,
        /// `<ligand>`.
        pub ligand: Option<Ligand>,
        /// `<ligandPart>`.
        pub ligand_part: Option<Ligand>,
    }
}

columnar! {
    /// `<location>`: a position or a begin–end range; absent positions are null, never 0.
    pub struct Location => LocationColumns {
        /// `<begin position=>`.
        pub begin: Option<i64>,
        /// `<end position=>`.
        pub end: Option<i64>,
        /// `<position position=>`.
        pub position: Option<i64>,
        /// `<begin status=>`.
        pub begin_status: Option<String>,
        /// `<end status=>`.
        pub end_status: Option<String>,
        /// `<position status=>`.
        pub position_status: Option<String>,
        /// Evidence keys of `<begin>`.
        pub begin_evidence: Option<String>,
        /// Evidence keys of `<end>`.
        pub end_evidence: Option<String>,
        /// Evidence keys of `<position>`.
        pub position_evidence: Option<String>,
        /// The `sequence` attribute: the isoform the location refers to.
        pub sequence: Option<String>,
    }
}

columnar! {
    /// `<ligand>` or `<ligandPart>` of a binding site feature.
    pub struct Ligand => LigandColumns {
        /// `<name>`.
        pub name: Option<String>,
        /// `<dbReference>` (ChEBI).
        pub db_reference: Option<DbReference>,
        /// `<label>`.
        pub label: Option<String>,
        /// `<note>`.
        pub note: Option<String>,
    }
}

columnar! {
    /// `<evidence>`: what an `evidence="…"` key stands for.
    pub struct Evidence => EvidenceColumns {
        /// The `key` attribute, as text ("1", or "EC1" in old releases).
        pub key: String,
        /// The `type` attribute (an ECO code, or an old-style word).
        pub kind as "type": Option<String>,
        /// `category` attribute of old releases.
        pub category: Option<String>,
        /// `attribute` attribute of old releases.
        pub attribute: Option<String>,
        /// `date` attribute of old releases, kept as text.
        pub date: Option<String>,
        /// `<source>`.
        pub source: Option<EvidenceSource>,
        /// The `<dbReference>` of `<importedFrom>`.
        pub imported_from: Option<DbReference>,
    }
}

columnar! {
    /// `<source>` of an evidence.
    pub struct EvidenceSource => EvidenceSourceColumns {
        /// The `ref` attribute: a reference key.
        pub ref_ as "ref": Option<String>,
        /// `<dbReference>`.
        pub db_reference: Option<DbReference>,
    }
}

columnar! {
    /// `<sequence>`: the canonical sequence, whitespace removed.
    pub struct Sequence => SequenceColumns {
        /// The residues, with all whitespace removed.
        pub value: String,
        /// `length` attribute.
        pub length: Option<i32>,
        /// `mass` attribute (Da).
        pub mass: Option<i32>,
        /// `checksum` attribute (CRC64).
        pub checksum: Option<String>,
        /// `modified` attribute.
        pub modified: Option<Date>,
        /// `version` attribute.
        pub version: Option<i32>,
        /// `fragment` attribute (single, multiple).
        pub fragment: Option<String>,
        /// `precursor` attribute.
        pub precursor: Option<bool>,
    }
}
