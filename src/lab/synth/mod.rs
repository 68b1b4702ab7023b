//! Synthetic UniProt entries for benchmarks, sweeps and tests: deterministic for a seed
//! (PCG64, a portable generator), shaped like Swiss-Prot (rich, ~10 KB/entry) or TrEMBL
//! (sparse, ~3 KB/entry). Over a few hundred entries every element family and every comment
//! type's structured part the parser models appears, so a synthetic run exercises the whole
//! parser. Entries are built as [`Entry`] values and serialized with [`crate::export::xml`], so a
//! test can compare what the converter read back with what was generated.

mod replicate;
pub mod residues;
mod vocabulary;

pub use replicate::{entries_of, replicate, sources_in, Copies, ReplicaStats};

use std::io::{self, Write};

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

use crate::export::xml;
use crate::table::model::*;
use vocabulary::*;

/// The shape of the generated entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// Reviewed, richly annotated entries (~10 KB each).
    Sprot,
    /// Unreviewed, sparse entries (~3 KB each).
    Trembl,
}

impl Profile {
    /// Parses `sprot` or `trembl`.
    pub fn parse(name: &str) -> Option<Profile> {
        match name {
            "sprot" => Some(Profile::Sprot),
            "trembl" => Some(Profile::Trembl),
            _ => None,
        }
    }

    /// The profile's name.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Sprot => "sprot",
            Profile::Trembl => "trembl",
        }
    }
}

/// How much to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Amount {
    /// Exactly this many entries.
    Entries(u64),
    /// Entries until the document has at least this many bytes.
    Bytes(u64),
}

/// What [`write_corpus`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CorpusStats {
    /// Entries written.
    pub entries: u64,
    /// Bytes of XML written.
    pub bytes: u64,
}

/// Generates entries one at a time.
pub struct Generator {
    rng: Pcg64,
    profile: Profile,
    index: u64,
}

impl Generator {
    /// A generator for `profile` seeded with `seed`: the same pair always gives the same entries.
    pub fn new(profile: Profile, seed: u64) -> Self {
        Generator {
            rng: Pcg64::seed_from_u64(seed),
            profile,
            index: 0,
        }
    }

    /// The next entry.
    pub fn next_entry(&mut self) -> Entry {
        self.index += 1;
        let mut entry = match self.profile {
            Profile::Sprot => self.sprot_entry(),
            Profile::Trembl => self.trembl_entry(),
        };
        entry.finish();
        entry
    }

    fn range(&mut self, low: usize, high: usize) -> usize {
        self.rng.random_range(low..=high)
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.random_range(0..items.len())]
    }

    fn words(&mut self, low: usize, high: usize) -> String {
        let n = self.range(low, high);
        let mut text = String::new();
        for i in 0..n {
            if i > 0 {
                text.push(' ');
            }
            text.push_str(self.pick(WORDS));
        }
        text
    }

    fn sentence(&mut self, low: usize, high: usize) -> String {
        let mut text = self.words(low, high);
        if let Some(first) = text.get(..1) {
            let upper = first.to_uppercase();
            text.replace_range(..1, &upper);
        }
        text.push('.');
        text
    }

    fn evidence(&mut self, keys: usize) -> Option<String> {
        if keys == 0 || !self.chance(0.7) {
            return None;
        }
        let first = self.range(1, keys);
        if self.chance(0.3) && first < keys {
            Some(format!("{first} {}", first + 1))
        } else {
            Some(first.to_string())
        }
    }

    /// Generator last, so callers can compute `text` with the generator first.
    fn evidenced(text: String, keys: usize, g: &mut Generator) -> EvidencedString {
        EvidencedString {
            value: text,
            evidence: g.evidence(keys),
            status: None,
        }
    }

    fn date(&mut self, first_year: i32) -> Date {
        let year = self.rng.random_range(first_year..=2025);
        let month = self.rng.random_range(1..=12);
        let day = self.rng.random_range(1..=28);
        Date(chrono::NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default())
    }

    fn accession(&mut self) -> String {
        let letter = self.pick(b"OPQ") as char;
        format!(
            "{letter}{}{:04}",
            self.range(0, 9),
            self.rng.random_range(0..10_000u32)
        )
    }

    fn gene_symbol(&mut self) -> String {
        let letters: String = (0..self.range(3, 4))
            .map(|_| (b'A' + self.rng.random_range(0..26u8)) as char)
            .collect();
        format!("{letters}{}", self.range(1, 20))
    }

    /// Generator last, so callers can compute `id` with the generator first.
    fn db_reference(kind: &str, id: String, properties: &[&str], g: &mut Generator) -> DbReference {
        DbReference {
            kind: kind.to_owned(),
            id,
            evidence: None,
            key: None,
            molecule: None,
            properties: properties
                .iter()
                .map(|p| Property {
                    kind: (*p).to_owned(),
                    value: g.words(1, 2),
                })
                .collect(),
        }
    }

    fn xref(&mut self, kind: &str) -> DbReference {
        let id = format!(
            "{}:{}",
            kind.to_uppercase(),
            self.rng.random_range(10_000..99_999u32)
        );
        Generator::db_reference(kind, id, &[], self)
    }

    fn organism(&mut self) -> Organism {
        let (scientific, common, taxon, lineage) = self.pick(ORGANISMS);
        let mut names = vec![OrganismName {
            value: scientific.to_owned(),
            kind: Some("scientific".into()),
        }];
        if let Some(common) = common {
            names.push(OrganismName {
                value: common.to_owned(),
                kind: Some("common".into()),
            });
        }
        Organism {
            names,
            db_references: vec![Generator::db_reference(
                "NCBI Taxonomy",
                taxon.to_string(),
                &[],
                self,
            )],
            lineage: lineage.iter().map(|t| (*t).to_owned()).collect(),
            ..Organism::default()
        }
    }

    fn protein_name(&mut self, keys: usize, shorts: usize, ecs: usize) -> ProteinName {
        let mut name = ProteinName {
            full: Some(self.sentence(2, 6).trim_end_matches('.').to_owned()),
            full_evidence: self.evidence(keys),
            ..ProteinName::default()
        };
        for _ in 0..self.range(0, shorts) {
            name.short.push(self.gene_symbol());
            name.short_evidence.push(self.evidence(keys));
        }
        for _ in 0..self.range(0, ecs) {
            name.ec_numbers.push(format!(
                "{}.{}.{}.{}",
                self.range(1, 7),
                self.range(1, 20),
                self.range(1, 30),
                self.range(1, 200)
            ));
            name.ec_number_evidence.push(self.evidence(keys));
        }
        name
    }

    fn reference(&mut self, key: usize, keys: usize, submission: bool) -> Reference {
        let persons = self.range(1, 15);
        let mut citation = Citation {
            kind: Some(
                if submission {
                    "submission"
                } else {
                    "journal article"
                }
                .into(),
            ),
            date: Some(format!(
                "{}-{:02}",
                self.range(1985, 2025),
                self.range(1, 12)
            )),
            ..Citation::default()
        };
        if submission {
            citation.db = Some("EMBL/GenBank/DDBJ databases".into());
        } else {
            citation.title = Some(self.sentence(6, 16));
            citation.name = Some(
                self.pick(&[
                    "J. Biol. Chem.",
                    "Nature",
                    "Cell",
                    "Proc. Natl. Acad. Sci. U.S.A.",
                ])
                .to_owned(),
            );
            citation.volume = Some(self.range(1, 400).to_string());
            let first = self.range(1, 9000);
            citation.first = Some(first.to_string());
            citation.last = Some((first + self.range(1, 20)).to_string());
            citation.db_references.push(Generator::db_reference(
                "PubMed",
                self.rng.random_range(1_000_000..40_000_000u32).to_string(),
                &[],
                self,
            ));
            citation.db_references.push(Generator::db_reference(
                "DOI",
                format!("10.{}/{}", self.range(1000, 9999), self.gene_symbol()),
                &[],
                self,
            ));
        }
        for _ in 0..persons {
            let name = format!(
                "{} {}.",
                self.gene_symbol(),
                (b'A' + self.rng.random_range(0..26u8)) as char
            );
            citation.authors.push(name);
            citation.author_types.push("person".into());
        }
        if self.chance(0.1) {
            citation
                .authors
                .push("The genome sequencing consortium".into());
            citation.author_types.push("consortium".into());
        }
        let mut source = Vec::new();
        if self.chance(0.5) {
            let kind = self.pick(&["strain", "tissue", "plasmid", "transposon"]);
            source.push(SourceItem {
                kind: kind.to_owned(),
                value: self.words(1, 3),
                evidence: self.evidence(keys),
            });
        }
        Reference {
            key: Some(key.to_string()),
            evidence: self.evidence(keys),
            citation: Some(citation),
            scope: (0..self.range(1, 3))
                .map(|_| self.words(2, 5).to_uppercase())
                .collect(),
            source,
        }
    }

    fn location(&mut self, length: usize) -> Location {
        let length = length.max(2) as i64;
        if self.chance(0.3) {
            return Location {
                position: Some(self.rng.random_range(1..=length)),
                ..Location::default()
            };
        }
        let begin = self.rng.random_range(1..length);
        let end = self.rng.random_range(begin..=length);
        let mut location = Location {
            begin: Some(begin),
            end: Some(end),
            ..Location::default()
        };
        if self.chance(0.05) {
            location.begin = None;
            location.begin_status = Some("unknown".into());
        }
        if self.chance(0.03) {
            location.end_status = Some("greater than".into());
        }
        location
    }

    fn feature(&mut self, length: usize, keys: usize, index: usize) -> Feature {
        let kind = self.pick(FEATURE_TYPES);
        let mut feature = Feature {
            kind: kind.to_owned(),
            description: self.chance(0.6).then(|| self.words(1, 4)),
            evidence: self.evidence(keys),
            location: Some(self.location(length)),
            ..Feature::default()
        };
        match kind {
            "chain" | "peptide" | "propeptide" => feature.id = Some(format!("PRO_{:010}", index)),
            "sequence variant" | "mutagenesis site" | "sequence conflict" => {
                feature.original = Some((self.pick(RESIDUES) as char).to_string());
                feature
                    .variations
                    .push((self.pick(RESIDUES) as char).to_string());
                if kind == "sequence variant" {
                    feature.id = Some(format!("VAR_{:06}", index));
                }
            }
            "splice variant" => feature.id = Some(format!("VSP_{:06}", index)),
            "binding site" => {
                feature.ligand = Some(Ligand {
                    name: Some(
                        self.pick(&["ATP", "Zn(2+)", "Mg(2+)", "heme", "NAD(+)"])
                            .to_owned(),
                    ),
                    db_reference: Some(self.xref("ChEBI")),
                    label: self.chance(0.2).then(|| self.range(1, 3).to_string()),
                    note: self.chance(0.1).then(|| self.words(2, 4)),
                });
                if self.chance(0.1) {
                    feature.ligand_part = Some(Ligand {
                        name: Some("Fe".into()),
                        db_reference: Some(self.xref("ChEBI")),
                        ..Ligand::default()
                    });
                }
            }
            _ => {}
        }
        if self.chance(0.02) {
            if let Some(location) = feature.location.as_mut() {
                location.sequence = Some("P00000-2".into());
            }
        }
        feature
    }

    fn comment(&mut self, kind: &str, keys: usize, length: usize) -> Comment {
        let mut c = Comment {
            kind: kind.to_owned(),
            ..Comment::default()
        };
        let text = |g: &mut Generator, c: &mut Comment| {
            let value = g.sentence(6, 30);
            c.texts.push(Generator::evidenced(value, keys, g));
        };
        match kind {
            "catalytic activity" => {
                c.reaction = Some(Reaction {
                    text: Some(format!("{} = {}", self.words(2, 5), self.words(2, 5))),
                    db_references: vec![self.xref("Rhea"), self.xref("ChEBI"), self.xref("ChEBI")],
                    evidence: self.evidence(keys),
                });
                if self.chance(0.5) {
                    c.physiological_reactions.push(PhysiologicalReaction {
                        direction: Some("left-to-right".into()),
                        db_reference: Some(self.xref("Rhea")),
                        evidence: self.evidence(keys),
                    });
                }
            }
            "cofactor" => {
                c.cofactors.push(Cofactor {
                    name: Some(self.pick(&["Mg(2+)", "Zn(2+)", "FAD", "heme b"]).to_owned()),
                    db_reference: Some(self.xref("ChEBI")),
                    evidence: self.evidence(keys),
                });
                text(self, &mut c);
            }
            "subcellular location" => {
                let location = self.pick(LOCATIONS).to_owned();
                let mut sub = SubcellularLocation {
                    locations: vec![Generator::evidenced(location, keys, self)],
                    ..SubcellularLocation::default()
                };
                if self.chance(0.4) {
                    sub.topologies.push(Generator::evidenced(
                        "Multi-pass membrane protein".into(),
                        keys,
                        self,
                    ));
                }
                if self.chance(0.1) {
                    sub.orientations.push(Generator::evidenced(
                        "Cytoplasmic side".into(),
                        keys,
                        self,
                    ));
                }
                c.subcellular_locations.push(sub);
                if self.chance(0.3) {
                    c.molecule = Some(Molecule {
                        value: "Isoform 2".into(),
                        id: Some("P00000-2".into()),
                    });
                }
            }
            "alternative products" => {
                c.events.push("alternative splicing".into());
                for i in 1..=self.range(2, 3) {
                    c.isoforms.push(Isoform {
                        ids: vec![format!("P00000-{i}")],
                        names: vec![Generator::evidenced(i.to_string(), 0, self)],
                        sequence_type: Some(if i == 1 { "displayed" } else { "described" }.into()),
                        sequence_ref: (i > 1).then(|| format!("VSP_{:06}", i)),
                        texts: if self.chance(0.2) {
                            vec![Generator::evidenced(self.words(2, 6), 0, self)]
                        } else {
                            Vec::new()
                        },
                        notes: Vec::new(),
                    });
                }
            }
            "interaction" => {
                for _ in 0..2 {
                    let id = self.accession();
                    c.interactants.push(Interactant {
                        intact_id: Some(format!("EBI-{}", self.rng.random_range(1000..999_999u32))),
                        label: self.chance(0.5).then(|| self.gene_symbol()),
                        db_reference: self
                            .chance(0.2)
                            .then(|| Generator::db_reference("UniProtKB", id.clone(), &[], self)),
                        id: Some(id),
                    });
                }
                c.organisms_differ = Some(self.chance(0.1));
                c.experiments = Some(self.range(1, 12) as i32);
            }
            "disease" => {
                c.disease = Some(Disease {
                    id: Some(format!("DI-{:05}", self.range(1, 99_999))),
                    name: Some(self.words(2, 4)),
                    acronym: Some(self.gene_symbol()),
                    description: Some(self.sentence(8, 20)),
                    db_reference: Some(Generator::db_reference(
                        "MIM",
                        self.range(100_000, 699_999).to_string(),
                        &[],
                        self,
                    )),
                });
                text(self, &mut c);
            }
            "biophysicochemical properties" => {
                c.kinetics = Some(Kinetics {
                    km: vec![Generator::evidenced(
                        format!("{} uM for ATP", self.range(1, 500)),
                        keys,
                        self,
                    )],
                    vmax: vec![Generator::evidenced(
                        format!("{} umol/min/mg enzyme", self.range(1, 90)),
                        keys,
                        self,
                    )],
                    texts: Vec::new(),
                });
                if self.chance(0.3) {
                    c.absorption = Some(Absorption {
                        max: Some(Generator::evidenced(
                            format!("{} nm", self.range(250, 700)),
                            keys,
                            self,
                        )),
                        texts: Vec::new(),
                    });
                }
                c.ph_dependence.push(Generator::evidenced(
                    format!("Optimum pH is {}.", self.range(4, 9)),
                    keys,
                    self,
                ));
                if self.chance(0.2) {
                    c.redox_potential.push(Generator::evidenced(
                        format!("E(0) is -{} mV.", self.range(100, 400)),
                        keys,
                        self,
                    ));
                }
                if self.chance(0.3) {
                    c.temperature_dependence.push(Generator::evidenced(
                        format!(
                            "Optimum temperature is {} degrees Celsius.",
                            self.range(20, 80)
                        ),
                        keys,
                        self,
                    ));
                }
            }
            "mass spectrometry" => {
                c.mass = Some(self.rng.random_range(1000..200_000u32) as f64 + 0.5);
                c.method = Some(self.pick(&["MALDI", "Electrospray"]).to_owned());
                c.error = self.chance(0.5).then(|| "0.5".to_owned());
                c.evidence = self.evidence(keys);
                c.locations.push(self.location(length));
            }
            "sequence caution" => {
                c.conflict = Some(Conflict {
                    kind: Some(
                        self.pick(&[
                            "frameshift",
                            "erroneous initiation",
                            "erroneous gene model prediction",
                        ])
                        .to_owned(),
                    ),
                    ref_: None,
                    sequence: Some(ConflictSequence {
                        resource: Some("EMBL-CDS".into()),
                        id: Some(format!("AAA{:05}", self.range(0, 99_999))),
                        version: Some(self.range(1, 3) as i32),
                    }),
                });
                c.evidence = self.evidence(keys);
            }
            "RNA editing" => {
                c.location_type = self.chance(0.2).then(|| "Not_applicable".to_owned());
                c.locations.push(Location {
                    position: Some(self.rng.random_range(1..=length.max(1) as i64)),
                    ..Location::default()
                });
                text(self, &mut c);
            }
            "online information" => {
                c.name = Some(self.words(1, 3));
                c.links
                    .push(format!("https://example.org/{}", self.gene_symbol()));
            }
            _ => text(self, &mut c),
        }
        c
    }

    fn sequence(&mut self, length: usize) -> Sequence {
        let value: String = (0..length).map(|_| self.pick(RESIDUES) as char).collect();
        Sequence {
            length: Some(length as i32),
            mass: Some((length * 110) as i32),
            checksum: Some(format!("{:016X}", self.rng.random::<u64>())),
            modified: Some(self.date(1990)),
            version: Some(self.range(1, 5) as i32),
            fragment: self.chance(0.03).then(|| "single".to_owned()),
            precursor: self.chance(0.1).then_some(true),
            value,
        }
    }

    fn evidences(&mut self, count: usize) -> Vec<Evidence> {
        (1..=count)
            .map(|key| Evidence {
                key: key.to_string(),
                kind: Some(self.pick(ECO_CODES).to_owned()),
                source: Some(EvidenceSource {
                    ref_: self.chance(0.2).then(|| "1".to_owned()),
                    db_reference: self.chance(0.8).then(|| {
                        Generator::db_reference(
                            "PubMed",
                            self.range(1_000_000, 39_999_999).to_string(),
                            &[],
                            self,
                        )
                    }),
                }),
                imported_from: self
                    .chance(0.05)
                    .then(|| Generator::db_reference("UniProtKB", "P00000".into(), &[], self)),
                ..Evidence::default()
            })
            .collect()
    }

    fn db_references(&mut self, low: usize, high: usize, keys: usize) -> Vec<DbReference> {
        (0..self.range(low, high))
            .map(|_| {
                let (kind, properties) = self.pick(DATABASES);
                let id = format!(
                    "{}{}",
                    &kind[..2.min(kind.len())].to_uppercase(),
                    self.range(10_000, 9_999_999)
                );
                let mut reference = Generator::db_reference(kind, id, properties, self);
                reference.evidence = if kind == "GO" {
                    self.evidence(keys)
                } else {
                    None
                };
                if kind == "RefSeq" && self.chance(0.3) {
                    reference.molecule = Some(Molecule {
                        value: String::new(),
                        id: Some("P00000-1".into()),
                    });
                }
                reference
            })
            .collect()
    }

    fn entry_head(&mut self, dataset: &str) -> Entry {
        let accessions = (0..if dataset == "Swiss-Prot" {
            self.range(1, 3)
        } else {
            1
        })
            .map(|_| self.accession())
            .collect();
        Entry {
            accessions,
            names: vec![format!(
                "{}_{}",
                self.gene_symbol(),
                self.pick(&["HUMAN", "MOUSE", "ECOLI", "YEAST", "ARATH", "BACSU"])
            )],
            dataset: Some(dataset.to_owned()),
            created: Some(self.date(1986)),
            modified: Some(self.date(2015)),
            version: Some(self.range(1, 250) as i32),
            ..Entry::default()
        }
    }

    fn sprot_entry(&mut self) -> Entry {
        let mut entry = self.entry_head("Swiss-Prot");
        let keys = self.range(2, 10);
        let length = self.range(50, 1200);
        let mut names = ProteinNameGroup {
            recommended_name: Some(self.protein_name(keys, 2, 2)),
            alternative_names: (0..self.range(0, 3))
                .map(|_| self.protein_name(keys, 1, 1))
                .collect(),
            ..ProteinNameGroup::default()
        };
        if self.chance(0.05) {
            names.cd_antigen_names.push(Generator::evidenced(
                format!("CD{}", self.range(1, 300)),
                0,
                self,
            ));
        }
        if self.chance(0.02) {
            names.allergen_name = Some(Generator::evidenced("Ara h 1".into(), 0, self));
        }
        if self.chance(0.02) {
            names.biotech_name = Some(Generator::evidenced(self.words(1, 2), 0, self));
        }
        if self.chance(0.02) {
            names.inn_names.push(Generator::evidenced(
                self.gene_symbol().to_lowercase(),
                0,
                self,
            ));
        }
        let domains = if self.chance(0.03) {
            vec![ProteinNameGroup {
                recommended_name: Some(self.protein_name(keys, 1, 1)),
                ..ProteinNameGroup::default()
            }]
        } else {
            Vec::new()
        };
        let components = if self.chance(0.05) {
            vec![ProteinNameGroup {
                recommended_name: Some(self.protein_name(keys, 0, 0)),
                ..ProteinNameGroup::default()
            }]
        } else {
            Vec::new()
        };
        entry.protein = Some(Protein::from_parts(names, domains, components));
        entry.genes = (0..self.range(0, 2))
            .map(|_| Gene {
                names: ["primary", "synonym", "ordered locus", "ORF"][..self.range(1, 4)]
                    .iter()
                    .map(|kind| GeneName {
                        value: self.gene_symbol(),
                        kind: Some((*kind).to_owned()),
                        evidence: self.evidence(keys),
                    })
                    .collect(),
            })
            .collect();
        entry.organism = Some(self.organism());
        if self.chance(0.05) {
            entry.organism_hosts.push(self.organism());
        }
        if self.chance(0.03) {
            entry.gene_locations.push(GeneLocation {
                kind: Some(
                    self.pick(&["plasmid", "mitochondrion", "chloroplast"])
                        .to_owned(),
                ),
                evidence: None,
                names: vec![Generator::evidenced(
                    format!("p{}", self.gene_symbol()),
                    0,
                    self,
                )],
            });
        }
        entry.references = (1..=self.range(2, 8))
            .map(|key| self.reference(key, keys, key == 1))
            .collect();
        let mut comment_kinds: Vec<&str> = vec!["function"];
        for _ in 0..self.range(3, 10) {
            let kind = if self.chance(0.5) {
                self.pick(TEXT_COMMENT_TYPES)
            } else {
                self.pick(&[
                    "catalytic activity",
                    "cofactor",
                    "subcellular location",
                    "alternative products",
                    "interaction",
                    "disease",
                    "biophysicochemical properties",
                    "mass spectrometry",
                    "sequence caution",
                    "RNA editing",
                    "online information",
                ])
            };
            comment_kinds.push(kind);
        }
        entry.comments = comment_kinds
            .into_iter()
            .map(|kind| self.comment(kind, keys, length))
            .collect();
        entry.db_references = self.db_references(15, 60, keys);
        entry.protein_existence = Some(
            self.pick(&[
                "evidence at protein level",
                "evidence at transcript level",
                "inferred from homology",
            ])
            .to_owned(),
        );
        entry.keywords = (0..self.range(3, 15))
            .map(|i| Keyword {
                id: format!("KW-{:04}", 100 + i * 37),
                value: self.words(1, 2),
                evidence: self.evidence(keys),
            })
            .collect();
        entry.features = (0..self.range(3, 40))
            .map(|i| self.feature(length, keys, i))
            .collect();
        entry.evidences = self.evidences(keys);
        entry.sequence = Some(self.sequence(length));
        entry
    }

    fn trembl_entry(&mut self) -> Entry {
        let mut entry = self.entry_head("TrEMBL");
        let keys = self.range(1, 4);
        let length = self.range(80, 800);
        let submitted = self.protein_name(keys, 0, 1);
        entry.protein = Some(Protein {
            submitted_names: vec![submitted],
            ..Protein::default()
        });
        entry.genes = vec![Gene {
            names: vec![GeneName {
                value: self.gene_symbol(),
                kind: Some(self.pick(&["ORF", "ordered locus"]).to_owned()),
                evidence: self.evidence(keys),
            }],
        }];
        entry.organism = Some(self.organism());
        entry.references = (1..=self.range(1, 2))
            .map(|key| self.reference(key, keys, true))
            .collect();
        entry.comments = (0..self.range(0, 2))
            .map(|_| {
                let kind =
                    self.pick(&["similarity", "subcellular location", "function", "caution"]);
                self.comment(kind, keys, length)
            })
            .collect();
        entry.db_references = self.db_references(4, 16, keys);
        entry.protein_existence = Some(
            self.pick(&["predicted", "inferred from homology"])
                .to_owned(),
        );
        entry.keywords = (0..self.range(0, 4))
            .map(|i| Keyword {
                id: format!("KW-{:04}", 800 + i),
                value: self.words(1, 2),
                evidence: self.evidence(keys),
            })
            .collect();
        entry.features = (0..self.range(0, 5))
            .map(|i| {
                let mut feature = self.feature(length, keys, i);
                feature.kind = self
                    .pick(&[
                        "domain",
                        "transmembrane region",
                        "region of interest",
                        "coiled-coil region",
                    ])
                    .to_owned();
                feature.ligand = None;
                feature.ligand_part = None;
                feature
            })
            .collect();
        entry.evidences = self.evidences(keys);
        entry.sequence = Some(self.sequence(length));
        entry
    }
}

/// Writes a whole synthetic document to `out`.
pub fn write_corpus<W: Write>(
    out: W,
    profile: Profile,
    seed: u64,
    amount: Amount,
) -> io::Result<CorpusStats> {
    let mut out = io::BufWriter::with_capacity(1 << 20, out);
    let mut generator = Generator::new(profile, seed);
    out.write_all(xml::DOCUMENT_HEADER.as_bytes())?;
    let mut stats = CorpusStats {
        entries: 0,
        bytes: xml::DOCUMENT_HEADER.len() as u64,
    };
    let mut text = String::with_capacity(64 * 1024);
    loop {
        let done = match amount {
            Amount::Entries(n) => stats.entries >= n,
            Amount::Bytes(n) => stats.bytes >= n,
        };
        if done {
            break;
        }
        text.clear();
        xml::entry_xml(&generator.next_entry(), &mut text);
        out.write_all(text.as_bytes())?;
        stats.entries += 1;
        stats.bytes += text.len() as u64;
    }
    out.write_all(xml::DOCUMENT_FOOTER.as_bytes())?;
    stats.bytes += xml::DOCUMENT_FOOTER.len() as u64;
    out.flush()?;
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_bytes_other_seed_other_bytes() {
        let write = |seed| {
            let mut out = Vec::new();
            write_corpus(&mut out, Profile::Sprot, seed, Amount::Entries(20)).unwrap();
            out
        };
        assert_eq!(write(7), write(7));
        assert_ne!(write(7), write(8));
    }

    #[test]
    fn sizes_parse() {
        use crate::config::parse_size;
        assert_eq!(parse_size("500MB"), Some(500_000_000));
        assert_eq!(parse_size("1.5GB"), Some(1_500_000_000));
        assert_eq!(parse_size("64KiB"), Some(65_536));
        assert_eq!(parse_size("42"), Some(42));
        assert_eq!(parse_size("5 parsecs"), None);
    }

    #[test]
    fn byte_amount_stops_at_the_size() {
        let mut out = Vec::new();
        let stats = write_corpus(&mut out, Profile::Trembl, 1, Amount::Bytes(100_000)).unwrap();
        assert_eq!(stats.bytes, out.len() as u64);
        assert!(stats.bytes >= 100_000 && stats.bytes < 120_000, "{stats:?}");
    }

    #[test]
    fn profiles_have_their_typical_entry_sizes() {
        for (profile, low, high) in [
            (Profile::Sprot, 6_000, 16_000),
            (Profile::Trembl, 1_500, 5_000),
        ] {
            let mut out = Vec::new();
            let stats = write_corpus(&mut out, profile, 3, Amount::Entries(300)).unwrap();
            let per_entry = stats.bytes / stats.entries;
            assert!(
                (low..high).contains(&per_entry),
                "{profile:?}: {per_entry} bytes/entry"
            );
        }
    }
}
