//! `Entry` → UniProt XML: the inverse of the parser.
//!
//! What `export` writes, and what the synthetic corpus generator and the round-trip property
//! tests (generate → serialize → parse → compare) write, so all of them exercise exactly the XML
//! the parser reads. Elements come in the order of the UniProt XSD. Fields that
//! [`Entry::finish`] derives (primary accession, organism summaries, first comment text) are not
//! written; everything else is, escaped so that any string survives the trip.

use crate::table::model::{
    Citation, Comment, DbReference, Entry, Evidence, EvidencedString, Feature, Ligand, Location,
    Molecule, Organism, Protein, ProteinName, ProteinNameGroup, Reference, Sequence,
};

/// The XML declaration and `<uniprot>` start tag of a document.
pub const DOCUMENT_HEADER: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
    "<uniprot xmlns=\"http://uniprot.org/uniprot\" ",
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" ",
    "xsi:schemaLocation=\"http://uniprot.org/uniprot http://www.uniprot.org/support/docs/uniprot.xsd\">\n"
);

/// The closing of a document.
pub const DOCUMENT_FOOTER: &str = "</uniprot>\n";

/// A complete document holding `entries`, as a string.
pub fn document(entries: &[Entry]) -> String {
    let mut text = String::from(DOCUMENT_HEADER);
    for entry in entries {
        entry_xml(entry, &mut text);
    }
    text.push_str(DOCUMENT_FOOTER);
    text
}

/// Appends one `<entry>…</entry>` (and a newline) to `out`, for model values known to be
/// writable (the generator, tests); what [`checked_entry_xml`] refuses is written as it is.
pub fn entry_xml(entry: &Entry, out: &mut String) {
    let mut x = XmlText::new(out);
    write_entry(&mut x, entry);
}

/// Appends one `<entry>…</entry>` (and a newline) to `out`, or says why the entry cannot be
/// UniProt XML (`export`: rows from any writer): a character XML 1.0 cannot carry, an element
/// name that is no element of the XSD, a mass that is not a number.
pub fn checked_entry_xml(entry: &Entry, out: &mut String) -> Result<(), String> {
    let mut x = XmlText::new(out);
    write_entry(&mut x, entry);
    match x.refused {
        None => Ok(()),
        Some(why) => Err(format!("entry {}: {why}", entry.accession)),
    }
}

/// Writes `entry` into `x`.
fn write_entry(x: &mut XmlText<'_>, entry: &Entry) {
    let created = entry.created.map(|d| d.to_string());
    let modified = entry.modified.map(|d| d.to_string());
    let version = entry.version.map(|v| v.to_string());
    x.open(
        "entry",
        &[
            ("dataset", entry.dataset.as_deref()),
            ("created", created.as_deref()),
            ("modified", modified.as_deref()),
            ("version", version.as_deref()),
        ],
    );
    for accession in &entry.accessions {
        x.leaf("accession", &[], accession);
    }
    for name in &entry.names {
        x.leaf("name", &[], name);
    }
    if let Some(protein) = &entry.protein {
        protein_xml(x, protein);
    }
    for gene in &entry.genes {
        x.open("gene", &[]);
        for name in &gene.names {
            let attrs = [
                ("type", name.kind.as_deref()),
                ("evidence", name.evidence.as_deref()),
            ];
            x.leaf("name", &attrs, &name.value);
        }
        x.close("gene");
    }
    if let Some(organism) = &entry.organism {
        organism_xml(x, "organism", organism);
    }
    for host in &entry.organism_hosts {
        organism_xml(x, "organismHost", host);
    }
    for location in &entry.gene_locations {
        let attrs = [
            ("type", location.kind.as_deref()),
            ("evidence", location.evidence.as_deref()),
        ];
        x.open("geneLocation", &attrs);
        for name in &location.names {
            x.evidenced("name", name);
        }
        x.close("geneLocation");
    }
    for reference in &entry.references {
        reference_xml(x, reference);
    }
    for comment in &entry.comments {
        comment_xml(x, comment);
    }
    for db_reference in &entry.db_references {
        db_reference_xml(x, db_reference);
    }
    if let Some(existence) = &entry.protein_existence {
        x.empty("proteinExistence", &[("type", Some(existence))]);
    }
    for keyword in &entry.keywords {
        let attrs = [
            ("id", Some(keyword.id.as_str())),
            ("evidence", keyword.evidence.as_deref()),
        ];
        x.leaf("keyword", &attrs, &keyword.value);
    }
    for feature in &entry.features {
        feature_xml(x, feature);
    }
    for evidence in &entry.evidences {
        evidence_xml(x, evidence);
    }
    if let Some(sequence) = &entry.sequence {
        sequence_xml(x, sequence);
    }
    x.close("entry");
    x.out.push('\n');
}

fn protein_xml(x: &mut XmlText<'_>, protein: &Protein) {
    x.open("protein", &[]);
    name_group_xml(x, &protein.names());
    for domain in &protein.domains {
        x.open("domain", &[]);
        name_group_xml(x, domain);
        x.close("domain");
    }
    for component in &protein.components {
        x.open("component", &[]);
        name_group_xml(x, component);
        x.close("component");
    }
    x.close("protein");
}

fn name_group_xml(x: &mut XmlText<'_>, group: &ProteinNameGroup) {
    if let Some(name) = &group.recommended_name {
        protein_name_xml(x, "recommendedName", name);
    }
    for name in &group.alternative_names {
        protein_name_xml(x, "alternativeName", name);
    }
    for name in &group.submitted_names {
        protein_name_xml(x, "submittedName", name);
    }
    if let Some(name) = &group.allergen_name {
        x.evidenced("allergenName", name);
    }
    if let Some(name) = &group.biotech_name {
        x.evidenced("biotechName", name);
    }
    for name in &group.cd_antigen_names {
        x.evidenced("cdAntigenName", name);
    }
    for name in &group.inn_names {
        x.evidenced("innName", name);
    }
}

fn protein_name_xml(x: &mut XmlText<'_>, element: &str, name: &ProteinName) {
    x.open(element, &[("ref", name.ref_.as_deref())]);
    if let Some(full) = &name.full {
        x.leaf(
            "fullName",
            &[("evidence", name.full_evidence.as_deref())],
            full,
        );
    }
    let parallel = |values: &[String], evidence: &[Option<String>], x: &mut XmlText<'_>, tag| {
        for (i, value) in values.iter().enumerate() {
            let evidence = evidence.get(i).and_then(|e| e.as_deref());
            x.leaf(tag, &[("evidence", evidence)], value);
        }
    };
    parallel(&name.short, &name.short_evidence, x, "shortName");
    parallel(&name.ec_numbers, &name.ec_number_evidence, x, "ecNumber");
    x.close(element);
}

fn organism_xml(x: &mut XmlText<'_>, element: &str, organism: &Organism) {
    let attrs = [
        ("evidence", organism.evidence.as_deref()),
        ("key", organism.key.as_deref()),
    ];
    x.open(element, &attrs);
    for name in &organism.names {
        x.leaf("name", &[("type", name.kind.as_deref())], &name.value);
    }
    for db_reference in &organism.db_references {
        db_reference_xml(x, db_reference);
    }
    if !organism.lineage.is_empty() {
        x.open("lineage", &[]);
        for taxon in &organism.lineage {
            x.leaf("taxon", &[], taxon);
        }
        x.close("lineage");
    }
    x.close(element);
}

fn reference_xml(x: &mut XmlText<'_>, reference: &Reference) {
    let attrs = [
        ("key", reference.key.as_deref()),
        ("evidence", reference.evidence.as_deref()),
    ];
    x.open("reference", &attrs);
    if let Some(citation) = &reference.citation {
        citation_xml(x, citation);
    }
    for scope in &reference.scope {
        x.leaf("scope", &[], scope);
    }
    if !reference.source.is_empty() {
        x.open("source", &[]);
        for item in &reference.source {
            let kind = x.element_name(&item.kind, SOURCE_ELEMENTS, "references.source.type");
            x.leaf(kind, &[("evidence", item.evidence.as_deref())], &item.value);
        }
        x.close("source");
    }
    x.close("reference");
}

fn citation_xml(x: &mut XmlText<'_>, c: &Citation) {
    let attrs = [
        ("type", c.kind.as_deref()),
        ("date", c.date.as_deref()),
        ("name", c.name.as_deref()),
        ("volume", c.volume.as_deref()),
        ("first", c.first.as_deref()),
        ("last", c.last.as_deref()),
        ("publisher", c.publisher.as_deref()),
        ("city", c.city.as_deref()),
        ("db", c.db.as_deref()),
        ("number", c.number.as_deref()),
        ("institute", c.institute.as_deref()),
        ("country", c.country.as_deref()),
    ];
    x.open("citation", &attrs);
    if let Some(title) = &c.title {
        x.leaf("title", &[], title);
    }
    let name_list = |x: &mut XmlText<'_>, element, names: &[String], kinds: &[String]| {
        if names.is_empty() {
            return;
        }
        x.open(element, &[]);
        for (i, name) in names.iter().enumerate() {
            let kind = kinds.get(i).map_or("person", String::as_str);
            let kind = x.element_name(kind, NAME_ELEMENTS, "an author or editor type");
            x.empty(kind, &[("name", Some(name))]);
        }
        x.close(element);
    };
    name_list(x, "editorList", &c.editors, &c.editor_types);
    name_list(x, "authorList", &c.authors, &c.author_types);
    if let Some(locator) = &c.locator {
        x.leaf("locator", &[], locator);
    }
    for db_reference in &c.db_references {
        db_reference_xml(x, db_reference);
    }
    x.close("citation");
}

fn comment_xml(x: &mut XmlText<'_>, c: &Comment) {
    if c.mass.is_some_and(|m| !m.is_finite()) {
        x.refuse("comments.mass is not a finite number".into());
    }
    let mass = c.mass.map(|m| match c.mass_decimals {
        Some(decimals @ 0..=MAX_DECIMALS) => format!("{m:.*}", decimals as usize),
        _ => m.to_string(),
    });
    let attrs = [
        ("type", Some(c.kind.as_str())),
        ("evidence", c.evidence.as_deref()),
        ("name", c.name.as_deref()),
        ("mass", mass.as_deref()),
        ("error", c.error.as_deref()),
        ("method", c.method.as_deref()),
        ("locationType", c.location_type.as_deref()),
    ];
    x.open("comment", &attrs);
    if let Some(molecule) = &c.molecule {
        molecule_xml(x, molecule);
    }
    if let Some(absorption) = &c.absorption {
        x.open("absorption", &[]);
        if let Some(max) = &absorption.max {
            x.evidenced("max", max);
        }
        x.evidenced_list("text", &absorption.texts);
        x.close("absorption");
    }
    if let Some(kinetics) = &c.kinetics {
        x.open("kinetics", &[]);
        x.evidenced_list("KM", &kinetics.km);
        x.evidenced_list("Vmax", &kinetics.vmax);
        x.evidenced_list("text", &kinetics.texts);
        x.close("kinetics");
    }
    for (element, texts) in [
        ("phDependence", &c.ph_dependence),
        ("redoxPotential", &c.redox_potential),
        ("temperatureDependence", &c.temperature_dependence),
    ] {
        match texts.as_slice() {
            [] => {}
            // Older releases: the text directly in the element, which the parser keeps as the
            // last item (after any `<text>` children); one with evidence or status cannot be.
            [rest @ .., text]
                if c.dependence_as_text && text.evidence.is_none() && text.status.is_none() =>
            {
                x.open(element, &[]);
                x.evidenced_list("text", rest);
                x.text(&text.value);
                x.close(element);
            }
            texts => {
                x.open(element, &[]);
                x.evidenced_list("text", texts);
                x.close(element);
            }
        }
    }
    if let Some(reaction) = &c.reaction {
        x.open("reaction", &[("evidence", reaction.evidence.as_deref())]);
        if let Some(text) = &reaction.text {
            x.leaf("text", &[], text);
        }
        for db_reference in &reaction.db_references {
            db_reference_xml(x, db_reference);
        }
        x.close("reaction");
    }
    for reaction in &c.physiological_reactions {
        let attrs = [
            ("direction", reaction.direction.as_deref()),
            ("evidence", reaction.evidence.as_deref()),
        ];
        x.open("physiologicalReaction", &attrs);
        if let Some(db_reference) = &reaction.db_reference {
            db_reference_xml(x, db_reference);
        }
        x.close("physiologicalReaction");
    }
    for cofactor in &c.cofactors {
        x.open("cofactor", &[("evidence", cofactor.evidence.as_deref())]);
        if let Some(name) = &cofactor.name {
            x.leaf("name", &[], name);
        }
        if let Some(db_reference) = &cofactor.db_reference {
            db_reference_xml(x, db_reference);
        }
        x.close("cofactor");
    }
    for location in &c.subcellular_locations {
        x.open("subcellularLocation", &[]);
        x.evidenced_list("location", &location.locations);
        x.evidenced_list("topology", &location.topologies);
        x.evidenced_list("orientation", &location.orientations);
        x.close("subcellularLocation");
    }
    if let Some(conflict) = &c.conflict {
        let attrs = [
            ("type", conflict.kind.as_deref()),
            ("ref", conflict.ref_.as_deref()),
        ];
        x.open("conflict", &attrs);
        if let Some(sequence) = &conflict.sequence {
            let version = sequence.version.map(|v| v.to_string());
            let attrs = [
                ("resource", sequence.resource.as_deref()),
                ("id", sequence.id.as_deref()),
                ("version", version.as_deref()),
            ];
            x.empty("sequence", &attrs);
        }
        x.close("conflict");
    }
    for uri in &c.links {
        x.empty("link", &[("uri", Some(uri))]);
    }
    for event in &c.events {
        x.empty("event", &[("type", Some(event))]);
    }
    for isoform in &c.isoforms {
        x.open("isoform", &[]);
        for id in &isoform.ids {
            x.leaf("id", &[], id);
        }
        x.evidenced_list("name", &isoform.names);
        if isoform.sequence_type.is_some() || isoform.sequence_ref.is_some() {
            let attrs = [
                ("type", isoform.sequence_type.as_deref()),
                ("ref", isoform.sequence_ref.as_deref()),
            ];
            x.empty("sequence", &attrs);
        }
        x.evidenced_list("text", &isoform.texts);
        x.evidenced_list("note", &isoform.notes);
        x.close("isoform");
    }
    for interactant in &c.interactants {
        x.open(
            "interactant",
            &[("intactId", interactant.intact_id.as_deref())],
        );
        if let Some(id) = &interactant.id {
            x.leaf("id", &[], id);
        }
        if let Some(label) = &interactant.label {
            x.leaf("label", &[], label);
        }
        if let Some(db_reference) = &interactant.db_reference {
            db_reference_xml(x, db_reference);
        }
        x.close("interactant");
    }
    if let Some(differ) = c.organisms_differ {
        x.leaf(
            "organismsDiffer",
            &[],
            if differ { "true" } else { "false" },
        );
    }
    if let Some(experiments) = c.experiments {
        x.leaf("experiments", &[], &experiments.to_string());
    }
    if let Some(disease) = &c.disease {
        x.open("disease", &[("id", disease.id.as_deref())]);
        for (element, value) in [
            ("name", &disease.name),
            ("acronym", &disease.acronym),
            ("description", &disease.description),
        ] {
            if let Some(value) = value {
                x.leaf(element, &[], value);
            }
        }
        if let Some(db_reference) = &disease.db_reference {
            db_reference_xml(x, db_reference);
        }
        x.close("disease");
    }
    for location in &c.locations {
        location_xml(x, location);
    }
    x.evidenced_list("text", &c.texts);
    x.close("comment");
}

fn molecule_xml(x: &mut XmlText<'_>, molecule: &Molecule) {
    x.leaf(
        "molecule",
        &[("id", molecule.id.as_deref())],
        &molecule.value,
    );
}

fn db_reference_xml(x: &mut XmlText<'_>, r: &DbReference) {
    let attrs = [
        ("type", Some(r.kind.as_str())),
        ("id", Some(r.id.as_str())),
        ("evidence", r.evidence.as_deref()),
        ("key", r.key.as_deref()),
    ];
    if r.molecule.is_none() && r.properties.is_empty() {
        x.empty("dbReference", &attrs);
        return;
    }
    x.open("dbReference", &attrs);
    if let Some(molecule) = &r.molecule {
        molecule_xml(x, molecule);
    }
    for property in &r.properties {
        let attrs = [
            ("type", Some(property.kind.as_str())),
            ("value", Some(property.value.as_str())),
        ];
        x.empty("property", &attrs);
    }
    x.close("dbReference");
}

fn feature_xml(x: &mut XmlText<'_>, f: &Feature) {
    let attrs = [
        ("type", Some(f.kind.as_str())),
        ("description", f.description.as_deref()),
        ("id", f.id.as_deref()),
        ("status", f.status.as_deref()),
        ("evidence", f.evidence.as_deref()),
        ("ref", f.ref_.as_deref()),
    ];
    x.open("feature", &attrs);
    if let Some(original) = &f.original {
        x.leaf("original", &[], original);
    }
    for variation in &f.variations {
        x.leaf("variation", &[], variation);
    }
    if let Some(location) = &f.location {
        location_xml(x, location);
    }
    for (element, ligand) in [("ligand", &f.ligand), ("ligandPart", &f.ligand_part)] {
        if let Some(ligand) = ligand {
            ligand_xml(x, element, ligand);
        }
    }
    x.close("feature");
}

fn ligand_xml(x: &mut XmlText<'_>, element: &str, ligand: &Ligand) {
    x.open(element, &[]);
    if let Some(name) = &ligand.name {
        x.leaf("name", &[], name);
    }
    if let Some(db_reference) = &ligand.db_reference {
        db_reference_xml(x, db_reference);
    }
    if let Some(label) = &ligand.label {
        x.leaf("label", &[], label);
    }
    if let Some(note) = &ligand.note {
        x.leaf("note", &[], note);
    }
    x.close(element);
}

/// `<location>`: `<begin>` and `<end>`, or `<position>` (the XSD's choice). The model does not
/// keep whether an element without attributes was there: a location with no point at all is
/// written as an empty range, `<begin/><end/>`, which the XSD accepts.
fn location_xml(x: &mut XmlText<'_>, l: &Location) {
    x.open("location", &[("sequence", l.sequence.as_deref())]);
    let given = |p: Option<i64>, s: &Option<String>, e: &Option<String>| {
        p.is_some() || s.is_some() || e.is_some()
    };
    let mut point =
        |element, position: Option<i64>, status: &Option<String>, evidence: &Option<String>| {
            let position = position.map(|p| p.to_string());
            let attrs = [
                ("position", position.as_deref()),
                ("status", status.as_deref()),
                ("evidence", evidence.as_deref()),
            ];
            x.empty(element, &attrs);
        };
    let range = given(l.begin, &l.begin_status, &l.begin_evidence)
        || given(l.end, &l.end_status, &l.end_evidence);
    let single = given(l.position, &l.position_status, &l.position_evidence);
    if range || !single {
        point("begin", l.begin, &l.begin_status, &l.begin_evidence);
        point("end", l.end, &l.end_status, &l.end_evidence);
    }
    if single {
        point(
            "position",
            l.position,
            &l.position_status,
            &l.position_evidence,
        );
    }
    x.close("location");
}

fn evidence_xml(x: &mut XmlText<'_>, e: &Evidence) {
    let attrs = [
        ("type", e.kind.as_deref()),
        ("key", Some(e.key.as_str())),
        ("category", e.category.as_deref()),
        ("attribute", e.attribute.as_deref()),
        ("date", e.date.as_deref()),
    ];
    x.open("evidence", &attrs);
    if let Some(source) = &e.source {
        x.open("source", &[("ref", source.ref_.as_deref())]);
        if let Some(db_reference) = &source.db_reference {
            db_reference_xml(x, db_reference);
        }
        x.close("source");
    }
    if let Some(db_reference) = &e.imported_from {
        x.open("importedFrom", &[]);
        db_reference_xml(x, db_reference);
        x.close("importedFrom");
    }
    x.close("evidence");
}

fn sequence_xml(x: &mut XmlText<'_>, s: &Sequence) {
    let length = s.length.map(|v| v.to_string());
    let mass = s.mass.map(|v| v.to_string());
    let modified = s.modified.map(|d| d.to_string());
    let version = s.version.map(|v| v.to_string());
    let precursor = s.precursor.map(|p| p.to_string());
    let attrs = [
        ("length", length.as_deref()),
        ("mass", mass.as_deref()),
        ("checksum", s.checksum.as_deref()),
        ("modified", modified.as_deref()),
        ("version", version.as_deref()),
        ("precursor", precursor.as_deref()),
        ("fragment", s.fragment.as_deref()),
    ];
    x.leaf("sequence", &attrs, &s.value);
}

/// The element names a reference's `<source>` holds (`references.source.type`).
const SOURCE_ELEMENTS: &[&str] = &["strain", "plasmid", "transposon", "tissue"];

/// The element names of an author or editor list (`citation.author_types`, `editor_types`).
const NAME_ELEMENTS: &[&str] = &["person", "consortium"];

/// Most digits after the decimal point a mass is written with (beyond, Rust's shortest form).
const MAX_DECIMALS: i32 = 30;

/// A string being filled with XML, and the first reason it cannot be UniProt XML; attribute
/// pairs with a `None` value are left out.
struct XmlText<'a> {
    out: &'a mut String,
    refused: Option<String>,
}

impl<'a> XmlText<'a> {
    fn new(out: &'a mut String) -> Self {
        XmlText { out, refused: None }
    }
}

impl XmlText<'_> {
    /// Notes why the entry cannot be written (the first reason is kept).
    fn refuse(&mut self, why: String) {
        self.refused.get_or_insert(why);
    }

    /// `name` if it is one of `allowed` element names, else a refusal naming `what`.
    fn element_name<'n>(&mut self, name: &'n str, allowed: &[&str], what: &str) -> &'n str {
        if !allowed.contains(&name) {
            self.refuse(format!("{what} {name:?} is no element of UniProt XML"));
        }
        name
    }

    /// Appends `value` escaped (as an attribute value when `attribute`).
    fn escaped(&mut self, value: &str, attribute: bool) {
        if !escape_into(self.out, value, attribute) {
            self.refuse(format!(
                "text {:?} holds a character XML 1.0 cannot carry",
                crate::parse::shown(value)
            ));
        }
    }

    /// Appends element content.
    fn text(&mut self, value: &str) {
        self.escaped(value, false);
    }

    fn start_tag(&mut self, name: &str, attrs: &[(&str, Option<&str>)]) {
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attrs {
            if let Some(value) = value {
                self.out.push(' ');
                self.out.push_str(key);
                self.out.push_str("=\"");
                self.escaped(value, true);
                self.out.push('"');
            }
        }
    }

    fn open(&mut self, name: &str, attrs: &[(&str, Option<&str>)]) {
        self.start_tag(name, attrs);
        self.out.push('>');
    }

    fn close(&mut self, name: &str) {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    fn empty(&mut self, name: &str, attrs: &[(&str, Option<&str>)]) {
        self.start_tag(name, attrs);
        self.out.push_str("/>");
    }

    fn leaf(&mut self, name: &str, attrs: &[(&str, Option<&str>)], text: &str) {
        self.open(name, attrs);
        self.text(text);
        self.close(name);
    }

    fn evidenced(&mut self, name: &str, value: &EvidencedString) {
        let attrs = [
            ("evidence", value.evidence.as_deref()),
            ("status", value.status.as_deref()),
        ];
        self.leaf(name, &attrs, &value.value);
    }

    fn evidenced_list(&mut self, name: &str, values: &[EvidencedString]) {
        for value in values {
            self.evidenced(name, value);
        }
    }
}

/// Appends `text` to `out` escaped as element content; false when it holds a character XML
/// 1.0 cannot carry (appended as it is).
pub fn escape_text(out: &mut String, text: &str) -> bool {
    escape_into(out, text, false)
}

/// Escapes markup characters; in attributes also quotes and the whitespace that attribute
/// normalization would otherwise turn into spaces. `\r` is always a character reference
/// because parsers normalize raw line endings. Returns false when `text` holds a character XML
/// 1.0 cannot carry even as a reference (other C0 controls, U+FFFE, U+FFFF), which is appended
/// as it is for the caller to refuse.
fn escape_into(out: &mut String, text: &str, attribute: bool) -> bool {
    // The bytes replaced are ASCII, never inside a multi-byte character: the text is copied
    // in stretches between them.
    let mut copied = 0;
    let mut allowed = true;
    for (at, byte) in text.bytes().enumerate() {
        let replacement = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'\r' => "&#13;",
            b'"' if attribute => "&quot;",
            b'\n' if attribute => "&#10;",
            b'\t' if attribute => "&#9;",
            b'\t' | b'\n' => continue,
            0..=0x1f => {
                allowed = false;
                continue;
            }
            // U+FFFE and U+FFFF: EF BF BE, EF BF BF.
            0xbe | 0xbf
                if at >= 2
                    && text.as_bytes()[at - 2] == 0xef
                    && text.as_bytes()[at - 1] == 0xbf =>
            {
                allowed = false;
                continue;
            }
            _ => continue,
        };
        out.push_str(&text[copied..at]);
        out.push_str(replacement);
        copied = at + 1;
    }
    out.push_str(&text[copied..]);
    allowed
}
