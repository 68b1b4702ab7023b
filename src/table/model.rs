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
    /// One `<entry>`: a UniProtKB record, one Parquet row; its fields are the top-level columns.
    pub struct Entry => EntryColumns, EntryArrays {
        /// The primary accession: the first `<accession>` (derived by [`Entry::finish`]); an entry
        /// without one is an error.
        pub accession: String,
        /// All `<accession>` texts, in document order: the first is the primary accession, the rest
        /// are secondary.
        pub accessions: Vec<String>,
        /// All entry `<name>` texts, such as `INS_HUMAN`.
        pub names: Vec<String>,
        /// `@dataset`: `Swiss-Prot` or `TrEMBL` (dictionary-encoded).
        pub dataset: Option<String> => NullableColumns<DictionaryColumns>,
        /// `@created`: the date the entry was created.
        pub created: Option<Date>,
        /// `@modified`: the date the entry was last modified.
        pub modified: Option<Date>,
        /// `@version`: the entry version (the sequence version is `sequence.version`).
        pub version: Option<i32>,
        /// `<protein>`: every kind of protein name; null if the entry has none.
        pub protein: Option<Protein>,
        /// `<gene>` elements, in order.
        pub genes: Vec<Gene>,
        /// The source `<organism>`; null if absent.
        pub organism: Option<Organism>,
        /// `<organismHost>` elements (hosts of viruses), with the same derived fields as
        /// `organism`.
        pub organism_hosts: Vec<Organism>,
        /// `<geneLocation>` elements: the organelles or plasmids encoding the gene.
        pub gene_locations: Vec<GeneLocation>,
        /// `<reference>` elements with their citations.
        pub references: Vec<Reference>,
        /// `<comment>` elements of every type.
        pub comments: Vec<Comment>,
        /// Entry-level `<dbReference>` cross-references (EMBL, PDB, GO, InterPro, Pfam, …), in
        /// order; database-specific details (GO `term`, EMBL `protein sequence ID`) are in
        /// `properties`.
        pub db_references: Vec<DbReference>,
        /// `<proteinExistence>/@type`, as given: `evidence at protein level`,
        /// `evidence at transcript level`, `inferred from homology`, `predicted` or `uncertain`
        /// (older files capitalise).
        pub protein_existence: Option<String>,
        /// `<keyword>` elements.
        pub keywords: Vec<Keyword>,
        /// `<feature>` elements.
        pub features: Vec<Feature>,
        /// `<evidence>` elements: what the keys of the row's `evidence` fields stand for.
        pub evidences: Vec<Evidence>,
        /// The `<sequence>`; null if absent.
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
            if comment.mass_decimals.is_none() {
                comment.mass_decimals = comment.mass.and_then(|m| decimals(&m.to_string()));
            }
        }
    }
}

/// Digits after the decimal point of a number as written (`7615.0`: 1), `None` without one —
/// or for a form other than plain digits (an exponent), which is written back in Rust's
/// shortest form.
pub fn decimals(text: &str) -> Option<i32> {
    let (whole, fraction) = text.trim().split_once('.')?;
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let whole = whole.strip_prefix(['-', '+']).unwrap_or(whole);
    (digits(whole) && digits(fraction))
        .then(|| i32::try_from(fraction.len()).ok())
        .flatten()
}

columnar! {
    /// A text element with its optional `@evidence` and (older releases) `@status`: the shape of
    /// many names and texts.
    pub struct EvidencedString => EvidencedStringColumns, EvidencedStringArrays {
        /// The element text.
        pub value: String,
        /// `@evidence`: evidence keys as written, such as `"1 3"` or `"EC1"`.
        pub evidence: Option<String>,
        /// `@status` of older releases, such as `by similarity`.
        pub status: Option<String>,
    }
}

columnar! {
    /// `<protein>`: the protein's own names (the seven `ProteinNameGroup` fields, inlined at top
    /// level), plus its domains and components.
    pub struct Protein => ProteinColumns, ProteinArrays {
        /// `<recommendedName>`.
        pub recommended_name: Option<ProteinName>,
        /// `<alternativeName>` elements.
        pub alternative_names: Vec<ProteinName>,
        /// `<submittedName>` elements (mostly TrEMBL).
        pub submitted_names: Vec<ProteinName>,
        /// `<allergenName>`.
        pub allergen_name: Option<EvidencedString>,
        /// `<biotechName>`.
        pub biotech_name: Option<EvidencedString>,
        /// `<cdAntigenName>` elements.
        pub cd_antigen_names: Vec<EvidencedString>,
        /// `<innName>` elements.
        pub inn_names: Vec<EvidencedString>,
        /// `<domain>` elements (domains of a multifunctional enzyme), each a full name group.
        pub domains: Vec<ProteinNameGroup>,
        /// `<component>` elements (chains cleaved from a precursor), each a full name group.
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
    /// The XSD's `proteinNameGroup`: the names of a `<domain>` or a `<component>` of `protein` (the
    /// protein's own group is inlined in `Protein`).
    pub struct ProteinNameGroup => ProteinNameGroupColumns, ProteinNameGroupArrays {
        /// `<recommendedName>`.
        pub recommended_name: Option<ProteinName>,
        /// `<alternativeName>` elements.
        pub alternative_names: Vec<ProteinName>,
        /// `<submittedName>` elements (mostly TrEMBL).
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
    /// `<recommendedName>`, `<alternativeName>` or `<submittedName>`: full name, short names and EC
    /// numbers.
    ///
    /// Evidence lists run parallel to the value lists (`short_evidence[i]` belongs to `short[i]`),
    /// so the published `short: list<utf8>` shape stays simple to query.
    pub struct ProteinName => ProteinNameColumns, ProteinNameArrays {
        /// `<fullName>` text.
        pub full: Option<String>,
        /// `fullName/@evidence`: evidence keys of `<fullName>`.
        pub full_evidence: Option<String>,
        /// `<shortName>` texts, in order.
        pub short: Vec<String>,
        /// `shortName/@evidence` of each `<shortName>`, aligned with `short`; an item is null when
        /// that name has none.
        pub short_evidence: Vec<Option<String>>,
        /// `<ecNumber>` texts, such as `3.4.21.4`.
        pub ec_numbers: Vec<String>,
        /// `ecNumber/@evidence` of each `<ecNumber>`, aligned with `ec_numbers`; an item is null
        /// when that number has none.
        pub ec_number_evidence: Vec<Option<String>>,
        /// `@ref`, present in some releases.
        pub ref_ as "ref": Option<String>,
    }
}

columnar! {
    /// `<gene>`: the names of one gene; an item of `genes`.
    pub struct Gene => GeneColumns, GeneArrays {
        /// `<name>` elements, in order.
        pub names: Vec<GeneName>,
    }
}

columnar! {
    /// A gene `<name>` with its type.
    pub struct GeneName => GeneNameColumns, GeneNameArrays {
        /// The `<name>` text.
        pub value: String,
        /// `name/@type`: `primary`, `synonym`, `ordered locus` or `ORF`.
        pub kind as "type": Option<String>,
        /// `name/@evidence`: evidence keys.
        pub evidence: Option<String>,
    }
}

columnar! {
    /// `<organism>` or `<organismHost>`: the shape of `organism` and of each `organism_hosts` item,
    /// with the same derived summary fields.
    pub struct Organism => OrganismColumns, OrganismArrays {
        /// Derived: the `value` of the first `names` item of type `scientific`.
        pub scientific_name: Option<String>,
        /// Derived: the `value` of the first `names` item of type `common`.
        pub common_name: Option<String>,
        /// Derived: the `id` of the first `db_references` item of type `NCBI Taxonomy`, as an
        /// integer (null if there is none or its id is not an integer).
        pub taxon_id: Option<i64>,
        /// `<lineage>/<taxon>` texts, root first (document order).
        pub lineage: Vec<String>,
        /// Every `<name>` with its type, in document order.
        pub names: Vec<OrganismName>,
        /// Every `<dbReference>` of the organism (such as `NCBI Taxonomy`).
        pub db_references: Vec<DbReference>,
        /// `@evidence`: evidence keys.
        pub evidence: Option<String>,
        /// `@key`, older releases only.
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
    /// An organism `<name>` with its type.
    pub struct OrganismName => OrganismNameColumns, OrganismNameArrays {
        /// The `<name>` text.
        pub value: String,
        /// `name/@type`: `scientific`, `common`, `synonym`, `full` or `abbreviation`.
        pub kind as "type": Option<String>,
    }
}

columnar! {
    /// `<geneLocation>`: an organelle or plasmid encoding the gene; an item of `gene_locations`.
    pub struct GeneLocation => GeneLocationColumns, GeneLocationArrays {
        /// `@type`: `apicoplast`, `chloroplast`, `mitochondrion`, `plasmid`, …
        pub kind as "type": Option<String>,
        /// `@evidence`: evidence keys.
        pub evidence: Option<String>,
        /// `<name>` elements (such as a plasmid name), each with its `status`.
        pub names: Vec<EvidencedString>,
    }
}

columnar! {
    /// `<reference>`: a citation and what the entry took from it; an item of `references`.
    pub struct Reference => ReferenceColumns, ReferenceArrays {
        /// `@key`: the reference number within the entry, as written (`xs:string` in the XSD;
        /// integers in every release seen, text since schema version 2).
        pub key: Option<String>,
        /// `@evidence`: evidence keys.
        pub evidence: Option<String>,
        /// The `<citation>`.
        pub citation: Option<Citation>,
        /// `<scope>` texts: what the entry took from the reference.
        pub scope: Vec<String>,
        /// The children of `<source>`, in order (strain, plasmid, transposon, tissue).
        pub source: Vec<SourceItem>,
    }
}

columnar! {
    /// One child of a reference's `<source>`.
    pub struct SourceItem => SourceItemColumns, SourceItemArrays {
        /// The child's element name: `strain`, `plasmid`, `transposon` or `tissue`.
        pub kind as "type": String,
        /// The child's text.
        pub value: String,
        /// The child's `@evidence`: evidence keys.
        pub evidence: Option<String>,
    }
}

columnar! {
    /// `<citation>`: the bibliographic record of a reference.
    pub struct Citation => CitationColumns, CitationArrays {
        /// `@type`: `journal article`, `book`, `online journal article`, `patent`, `submission`,
        /// `thesis` or `unpublished observations`.
        pub kind as "type": Option<String>,
        /// `<title>`.
        pub title: Option<String>,
        /// `@date`, kept as text: `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
        pub date: Option<String>,
        /// `@name`: the journal or book name.
        pub name: Option<String>,
        /// `@volume`.
        pub volume: Option<String>,
        /// `@first`: the first page.
        pub first: Option<String>,
        /// `@last`: the last page.
        pub last: Option<String>,
        /// `@publisher` (book).
        pub publisher: Option<String>,
        /// `@city` (book).
        pub city: Option<String>,
        /// `@db`: the submission database.
        pub db: Option<String>,
        /// `@number`: the patent number.
        pub number: Option<String>,
        /// `@institute` (thesis).
        pub institute: Option<String>,
        /// `@country` (thesis).
        pub country: Option<String>,
        /// `@name` of each `<person>` or `<consortium>` of `<authorList>`, in order.
        pub authors: Vec<String>,
        /// The element name of each author, `person` or `consortium`; aligned with `authors`.
        pub author_types: Vec<String>,
        /// `@name` of each `<person>` or `<consortium>` of `<editorList>`, in order.
        pub editors: Vec<String>,
        /// The element name of each editor, `person` or `consortium`; aligned with `editors`.
        pub editor_types: Vec<String>,
        /// `<locator>`.
        pub locator: Option<String>,
        /// `<dbReference>` elements: `PubMed`, `DOI`, `AGRICOLA`, …
        pub db_references: Vec<DbReference>,
    }
}

columnar! {
    /// `<comment>` of any type: free text and, depending on its type, structured parts. Fields a
    /// type does not use are null or empty; parts present in the XML are kept whatever the type.
    pub struct Comment => CommentColumns, CommentArrays {
        /// `@type`, as given: `function`, `catalytic activity`, `subcellular location`, …
        pub kind as "type": String,
        /// Derived: the `value` of the first `texts` item.
        pub text: Option<String>,
        /// The `<text>` elements directly under `<comment>`, with their evidence.
        pub texts: Vec<EvidencedString>,
        /// `@evidence`: evidence keys.
        pub evidence: Option<String>,
        /// `<molecule>`: the isoform or chain the comment is about.
        pub molecule: Option<Molecule>,
        /// `@name`: the resource name (online information).
        pub name: Option<String>,
        /// `@mass`, in Da (mass spectrometry).
        pub mass: Option<f64>,
        /// Digits after the decimal point of `@mass` as written (`7615.0`: 1; `9571`: null), so
        /// that `export` writes the mass back as given.
        pub mass_decimals: Option<i32>,
        /// `@error` (mass spectrometry).
        pub error: Option<String>,
        /// `@method` (mass spectrometry).
        pub method: Option<String>,
        /// `@locationType` (RNA editing).
        pub location_type: Option<String>,
        /// `<reaction>` (catalytic activity).
        pub reaction: Option<Reaction>,
        /// `<physiologicalReaction>` elements (catalytic activity).
        pub physiological_reactions: Vec<PhysiologicalReaction>,
        /// `<cofactor>` elements (cofactor).
        pub cofactors: Vec<Cofactor>,
        /// `<subcellularLocation>` elements (subcellular location).
        pub subcellular_locations: Vec<SubcellularLocation>,
        /// `<conflict>` (sequence caution).
        pub conflict: Option<Conflict>,
        /// `<link>/@uri` values (online information); `""` for a link without `uri`.
        pub links: Vec<String>,
        /// `<event>/@type` values (alternative products): `alternative splicing`,
        /// `alternative initiation`, …
        pub events: Vec<String>,
        /// `<isoform>` elements (alternative products).
        pub isoforms: Vec<Isoform>,
        /// `<interactant>` elements (interaction; normally two).
        pub interactants: Vec<Interactant>,
        /// `<organismsDiffer>` text, `true` or `false` (interaction).
        pub organisms_differ: Option<bool>,
        /// `<experiments>` text, as an integer (interaction).
        pub experiments: Option<i32>,
        /// `<disease>` (disease).
        pub disease: Option<Disease>,
        /// `<absorption>` (biophysicochemical properties).
        pub absorption: Option<Absorption>,
        /// `<kinetics>` (biophysicochemical properties).
        pub kinetics: Option<Kinetics>,
        /// `<phDependence>/<text>` elements (biophysicochemical properties); the direct text of
        /// older releases becomes one item.
        pub ph_dependence: Vec<EvidencedString>,
        /// `<redoxPotential>/<text>` elements (biophysicochemical properties); direct text as for
        /// `ph_dependence`.
        pub redox_potential: Vec<EvidencedString>,
        /// `<temperatureDependence>/<text>` elements (biophysicochemical properties); direct text
        /// as for `ph_dependence`.
        pub temperature_dependence: Vec<EvidencedString>,
        /// `<location>` elements (mass spectrometry, RNA editing).
        pub locations: Vec<Location>,
        /// True when `phDependence`, `redoxPotential` or `temperatureDependence` held its text
        /// directly instead of in `<text>` elements (releases up to about 2012), so that
        /// `export` writes it back that way.
        pub dependence_as_text: bool,
    }
}

columnar! {
    /// `<molecule>`: the isoform or chain a comment or cross-reference is about.
    pub struct Molecule => MoleculeColumns, MoleculeArrays {
        /// The element text; `""` when the element is empty.
        pub value: String,
        /// `@id`, such as an isoform id `P12345-2`.
        pub id: Option<String>,
    }
}

columnar! {
    /// `<reaction>` of a catalytic activity comment.
    pub struct Reaction => ReactionColumns, ReactionArrays {
        /// `<text>`: the reaction equation.
        pub text: Option<String>,
        /// `<dbReference>` elements: `Rhea`, `ChEBI` and `EC`.
        pub db_references: Vec<DbReference>,
        /// `@evidence`: evidence keys.
        pub evidence: Option<String>,
    }
}

columnar! {
    /// `<physiologicalReaction>` of a catalytic activity comment: the direction in which the
    /// reaction occurs in vivo.
    pub struct PhysiologicalReaction => PhysiologicalReactionColumns, PhysiologicalReactionArrays {
        /// `@direction`: `left-to-right` or `right-to-left`.
        pub direction: Option<String>,
        /// `<dbReference>`: the Rhea cross-reference.
        pub db_reference: Option<DbReference>,
        /// `@evidence`: evidence keys.
        pub evidence: Option<String>,
    }
}

columnar! {
    /// `<cofactor>` of a cofactor comment.
    pub struct Cofactor => CofactorColumns, CofactorArrays {
        /// `<name>`.
        pub name: Option<String>,
        /// `<dbReference>`: the ChEBI cross-reference.
        pub db_reference: Option<DbReference>,
        /// `@evidence`: evidence keys.
        pub evidence: Option<String>,
    }
}

columnar! {
    /// `<subcellularLocation>` of a subcellular location comment.
    pub struct SubcellularLocation => SubcellularLocationColumns, SubcellularLocationArrays {
        /// `<location>` elements.
        pub locations: Vec<EvidencedString>,
        /// `<topology>` elements.
        pub topologies: Vec<EvidencedString>,
        /// `<orientation>` elements.
        pub orientations: Vec<EvidencedString>,
    }
}

columnar! {
    /// `<conflict>` of a sequence caution comment.
    pub struct Conflict => ConflictColumns, ConflictArrays {
        /// `@type`: `frameshift`, `erroneous initiation`, …
        pub kind as "type": Option<String>,
        /// `@ref`.
        pub ref_ as "ref": Option<String>,
        /// `<sequence>`: the sequence the conflict is about.
        pub sequence: Option<ConflictSequence>,
    }
}

columnar! {
    /// `<sequence resource= id= version=>` of a conflict: the sequence it is about.
    pub struct ConflictSequence => ConflictSequenceColumns, ConflictSequenceArrays {
        /// `@resource`: `EMBL` or `EMBL-CDS`.
        pub resource: Option<String>,
        /// `@id`: the sequence id.
        pub id: Option<String>,
        /// `@version`: the sequence version.
        pub version: Option<i32>,
    }
}

columnar! {
    /// `<isoform>` of an alternative products comment.
    pub struct Isoform => IsoformColumns, IsoformArrays {
        /// `<id>` texts, such as `P12345-2`.
        pub ids: Vec<String>,
        /// `<name>` elements.
        pub names: Vec<EvidencedString>,
        /// `sequence/@type`: `displayed`, `described`, `external` or `not described`.
        pub sequence_type: Option<String>,
        /// `sequence/@ref`: the VSP feature ids, such as `VSP_001 VSP_002`.
        pub sequence_ref: Option<String>,
        /// `<text>` elements.
        pub texts: Vec<EvidencedString>,
        /// `<note>` elements, older releases only.
        pub notes: Vec<EvidencedString>,
    }
}

columnar! {
    /// `<interactant>` of an interaction comment.
    pub struct Interactant => InteractantColumns, InteractantArrays {
        /// `@intactId`.
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
    pub struct Disease => DiseaseColumns, DiseaseArrays {
        /// `@id`.
        pub id: Option<String>,
        /// `<name>`.
        pub name: Option<String>,
        /// `<acronym>`.
        pub acronym: Option<String>,
        /// `<description>`.
        pub description: Option<String>,
        /// `<dbReference>`: the MIM cross-reference.
        pub db_reference: Option<DbReference>,
    }
}

columnar! {
    /// `<absorption>` of a biophysicochemical properties comment.
    pub struct Absorption => AbsorptionColumns, AbsorptionArrays {
        /// `<max>`.
        pub max: Option<EvidencedString>,
        /// `<text>` elements.
        pub texts: Vec<EvidencedString>,
    }
}

columnar! {
    /// `<kinetics>` of a biophysicochemical properties comment.
    pub struct Kinetics => KineticsColumns, KineticsArrays {
        /// `<KM>` elements.
        pub km: Vec<EvidencedString>,
        /// `<Vmax>` elements.
        pub vmax: Vec<EvidencedString>,
        /// `<text>` elements.
        pub texts: Vec<EvidencedString>,
    }
}

columnar! {
    /// `<dbReference>` with its `<molecule>` and `<property>` children: a cross-reference to
    /// another database, the shape of every cross-reference (single or in a list).
    pub struct DbReference => DbReferenceColumns, DbReferenceArrays {
        /// `@type`: the database name, such as `PubMed`, `DOI`, `NCBI Taxonomy`, `ChEBI`, `Rhea`,
        /// `EMBL`, `GO`, …
        pub kind as "type": String,
        /// `@id`: the identifier in that database (`""` if the attribute is missing).
        pub id: String,
        /// `@evidence`: evidence keys.
        pub evidence: Option<String>,
        /// `@key`, older releases only.
        pub key: Option<String>,
        /// `<molecule>`.
        pub molecule: Option<Molecule>,
        /// `<property>` elements, in order.
        pub properties: Vec<Property>,
    }
}

columnar! {
    /// `<property type= value=>` of a cross-reference: a database-specific detail.
    pub struct Property => PropertyColumns, PropertyArrays {
        /// `@type`, such as `protein sequence ID`, `term` or `method`.
        pub kind as "type": String,
        /// `@value`.
        pub value: String,
    }
}

columnar! {
    /// `<keyword>`; an item of `keywords`.
    pub struct Keyword => KeywordColumns, KeywordArrays {
        /// `@id`: `KW-NNNN`.
        pub id: String,
        /// The keyword text, such as `Metal-binding`.
        pub value: String,
        /// `@evidence`: evidence keys.
        pub evidence: Option<String>,
    }
}

columnar! {
    /// `<feature>`: an annotated region or site of the sequence; an item of `features`.
    pub struct Feature => FeatureColumns, FeatureArrays {
        /// `@type`, as given: `chain`, `binding site`, `modified residue`, `sequence variant`, …
        /// (retired types kept).
        pub kind as "type": String,
        /// `@description`.
        pub description: Option<String>,
        /// `@id`: `PRO_…`, `VSP_…`, `VAR_…`.
        pub id: Option<String>,
        /// `<original>`: the original residues (variants, conflicts).
        pub original: Option<String>,
        /// `<variation>` texts: the replacement residues.
        pub variations: Vec<String>,
        /// `<location>`.
        pub location: Option<Location>,
        /// `@status`, older releases only.
        pub status: Option<String>,
        /// `@evidence`: evidence keys.
        pub evidence: Option<String>,
        /// `@ref`.
        pub ref_ as "ref": Option<String>,
        /// `<ligand>`: the bound ligand (binding sites in modern releases).
        pub ligand: Option<Ligand>,
        /// `<ligandPart>`: the bound part of the ligand.
        pub ligand_part: Option<Ligand>,
    }
}

columnar! {
    /// `<location sequence=>` holding `<position>` or `<begin>` and `<end>`, used by
    /// `features[].location` and `comments[].locations`; absent positions are null, never 0.
    pub struct Location => LocationColumns, LocationArrays {
        /// `begin/@position`; null when absent, never 0.
        pub begin: Option<i64>,
        /// `end/@position`; null when absent, never 0.
        pub end: Option<i64>,
        /// `position/@position`: a single-residue location; null when absent.
        pub position: Option<i64>,
        /// `begin/@status`: `certain`, `uncertain`, `less than`, `greater than` or `unknown`.
        pub begin_status: Option<String>,
        /// `end/@status`, values as for `begin_status`.
        pub end_status: Option<String>,
        /// `position/@status`, values as for `begin_status`.
        pub position_status: Option<String>,
        /// `begin/@evidence`: evidence keys of `<begin>`.
        pub begin_evidence: Option<String>,
        /// `end/@evidence`: evidence keys of `<end>`.
        pub end_evidence: Option<String>,
        /// `position/@evidence`: evidence keys of `<position>`.
        pub position_evidence: Option<String>,
        /// `@sequence`: the isoform the location refers to, such as `P12345-2`.
        pub sequence: Option<String>,
    }
}

columnar! {
    /// `<ligand>` or `<ligandPart>` of a binding site feature.
    pub struct Ligand => LigandColumns, LigandArrays {
        /// `<name>`, such as `Zn(2+)`.
        pub name: Option<String>,
        /// `<dbReference>`: the ChEBI cross-reference.
        pub db_reference: Option<DbReference>,
        /// `<label>`: tells apart several ligands of the same kind.
        pub label: Option<String>,
        /// `<note>`.
        pub note: Option<String>,
    }
}

columnar! {
    /// `<evidence>`: what an `evidence` key stands for; an item of `evidences`.
    pub struct Evidence => EvidenceColumns, EvidenceArrays {
        /// `@key`, as text: `"1"`, or `"EC1"` in old releases.
        pub key: String,
        /// `@type`: an ECO code (`ECO:0000269`), or an old-style word (`Literature`).
        pub kind as "type": Option<String>,
        /// `@category`, old releases only.
        pub category: Option<String>,
        /// `@attribute`, old releases only, such as `PubMed=11384978`.
        pub attribute: Option<String>,
        /// `@date`, old releases only; kept as text.
        pub date: Option<String>,
        /// `<source>`.
        pub source: Option<EvidenceSource>,
        /// `<importedFrom>/<dbReference>`.
        pub imported_from: Option<DbReference>,
    }
}

columnar! {
    /// `<source>` of an evidence.
    pub struct EvidenceSource => EvidenceSourceColumns, EvidenceSourceArrays {
        /// `@ref`: a `references[].key`, as text.
        pub ref_ as "ref": Option<String>,
        /// `<dbReference>`.
        pub db_reference: Option<DbReference>,
    }
}

columnar! {
    /// `<sequence>`: the canonical sequence.
    pub struct Sequence => SequenceColumns, SequenceArrays {
        /// The residues: the element text with all whitespace removed.
        pub value: String,
        /// `@length`.
        pub length: Option<i32>,
        /// `@mass`, in Da.
        pub mass: Option<i32>,
        /// `@checksum`: CRC64.
        pub checksum: Option<String>,
        /// `@modified`; absent in some older files.
        pub modified: Option<Date>,
        /// `@version`: the sequence version (the entry version is the `version` column).
        pub version: Option<i32>,
        /// `@fragment`: `single` or `multiple`.
        pub fragment: Option<String>,
        /// `@precursor`: `true` or `false` (`1` or `0` also read).
        pub precursor: Option<bool>,
    }
}
