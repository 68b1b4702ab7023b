//! Random UniProt entries for property tests and structured fuzzing: proptest strategies over
//! small value sets, so that collisions, empty strings, markup characters and every optional
//! element show up often, within what UniProt XML can carry (text a document can hold, evidence
//! key lists, consistent locations). The property tests draw from [`entry_strategy`] with
//! proptest's own random source; the structured fuzz target ([`super::fuzz::structured`]) drives
//! the same strategy from a random source seeded by the fuzzer's bytes. Built with the `random`
//! feature (on for `cargo test` and fuzzing).

use chrono::NaiveDate;
use proptest::collection::vec;
use proptest::option::of;
use proptest::prelude::*;

use crate::table::model::*;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-zA-Z0-9]{1,8}",
        "[ a-z&<>\"'\t\n\r;#=/é—α\u{1F9EC}]{0,12}",
    ]
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    of(text())
}

fn evidence_keys() -> impl Strategy<Value = Option<String>> {
    of(prop_oneof![
        Just("1".to_owned()),
        Just("1 3".to_owned()),
        Just("EC2 EC3".to_owned())
    ])
}

fn date() -> impl Strategy<Value = Date> {
    (-30_000i64..60_000).prop_map(|days| Date(NaiveDate::default() + chrono::TimeDelta::days(days)))
}

fn evidenced() -> impl Strategy<Value = EvidencedString> {
    (
        text(),
        evidence_keys(),
        of(Just("by similarity".to_owned())),
    )
        .prop_map(|(value, evidence, status)| EvidencedString {
            value,
            evidence,
            status,
        })
}

fn db_reference() -> impl Strategy<Value = DbReference> {
    (
        text(),
        text(),
        evidence_keys(),
        opt_text(),
        of((text(), opt_text()).prop_map(|(value, id)| Molecule { value, id })),
        vec(
            (text(), text()).prop_map(|(kind, value)| Property { kind, value }),
            0..3,
        ),
    )
        .prop_map(
            |(kind, id, evidence, key, molecule, properties)| DbReference {
                kind,
                id,
                evidence,
                key,
                molecule,
                properties,
            },
        )
}

fn protein_name() -> impl Strategy<Value = ProteinName> {
    (
        of((text(), evidence_keys())),
        vec((text(), evidence_keys()), 0..3),
        vec((text(), evidence_keys()), 0..2),
        opt_text(),
    )
        .prop_map(|(full, short, ec, ref_)| {
            let (full, full_evidence) = full.map_or((None, None), |(f, e)| (Some(f), e));
            let (short, short_evidence) = short.into_iter().unzip();
            let (ec_numbers, ec_number_evidence) = ec.into_iter().unzip();
            ProteinName {
                full,
                full_evidence,
                short,
                short_evidence,
                ec_numbers,
                ec_number_evidence,
                ref_,
            }
        })
}

fn name_group() -> impl Strategy<Value = ProteinNameGroup> {
    (
        of(protein_name()),
        vec(protein_name(), 0..2),
        vec(protein_name(), 0..2),
        of(evidenced()),
        of(evidenced()),
        vec(evidenced(), 0..2),
        vec(evidenced(), 0..2),
    )
        .prop_map(
            |(rec, alt, sub, allergen, biotech, cd, inn)| ProteinNameGroup {
                recommended_name: rec,
                alternative_names: alt,
                submitted_names: sub,
                allergen_name: allergen,
                biotech_name: biotech,
                cd_antigen_names: cd,
                inn_names: inn,
            },
        )
}

fn protein() -> impl Strategy<Value = Protein> {
    (
        name_group(),
        vec(name_group(), 0..2),
        vec(name_group(), 0..2),
    )
        .prop_map(|(names, domains, components)| Protein::from_parts(names, domains, components))
}

fn organism() -> impl Strategy<Value = Organism> {
    let name_kind = prop_oneof![Just("scientific"), Just("common"), Just("synonym")];
    (
        vec(
            (text(), of(name_kind)).prop_map(|(value, kind)| OrganismName {
                value,
                kind: kind.map(str::to_owned),
            }),
            0..3,
        ),
        vec(
            prop_oneof![
                (0i64..10_000_000).prop_map(|id| DbReference {
                    kind: "NCBI Taxonomy".into(),
                    id: id.to_string(),
                    ..DbReference::default()
                }),
                db_reference(),
            ],
            0..2,
        ),
        vec(text(), 0..4),
        evidence_keys(),
        opt_text(),
    )
        .prop_map(|(names, db_references, lineage, evidence, key)| Organism {
            names,
            db_references,
            lineage,
            evidence,
            key,
            ..Organism::default()
        })
}

fn citation() -> impl Strategy<Value = Citation> {
    let kind = prop_oneof![Just("person".to_owned()), Just("consortium".to_owned())];
    (
        vec(opt_text(), 13),
        opt_text(),
        vec((text(), kind.clone()), 0..4),
        vec((text(), kind), 0..2),
        vec(db_reference(), 0..2),
    )
        .prop_map(|(attrs, locator, authors, editors, db_references)| {
            let mut a = attrs.into_iter();
            let mut next = || a.next().flatten();
            let (authors, author_types) = authors.into_iter().unzip();
            let (editors, editor_types) = editors.into_iter().unzip();
            Citation {
                kind: next(),
                title: next(),
                date: next(),
                name: next(),
                volume: next(),
                first: next(),
                last: next(),
                publisher: next(),
                city: next(),
                db: next(),
                number: next(),
                institute: next(),
                country: next(),
                authors,
                author_types,
                editors,
                editor_types,
                locator,
                db_references,
            }
        })
}

fn reference() -> impl Strategy<Value = Reference> {
    let source_kind = prop_oneof![
        Just("strain"),
        Just("plasmid"),
        Just("transposon"),
        Just("tissue")
    ];
    (
        opt_text(),
        evidence_keys(),
        of(citation()),
        vec(text(), 0..3),
        vec((source_kind, text(), evidence_keys()), 0..3),
    )
        .prop_map(|(key, evidence, citation, scope, source)| Reference {
            key,
            evidence,
            citation,
            scope,
            source: source
                .into_iter()
                .map(|(kind, value, evidence)| SourceItem {
                    kind: kind.into(),
                    value,
                    evidence,
                })
                .collect(),
        })
}

/// One `<begin>`, `<end>` or `<position>`: (position, status, evidence).
fn location_point() -> impl Strategy<Value = (Option<i64>, Option<String>, Option<String>)> {
    let status = of(prop_oneof![
        Just("unknown".to_owned()),
        Just("less than".to_owned())
    ]);
    (of(0..=i64::MAX), status, evidence_keys()).prop_map(|(position, status, evidence)| {
        // A point with nothing at all is not written, so it cannot come back: give it a status.
        let status = if position.is_none() && evidence.is_none() && status.is_none() {
            Some("unknown".to_owned())
        } else {
            status
        };
        (position, status, evidence)
    })
}

fn location() -> impl Strategy<Value = Location> {
    (
        prop_oneof![
            (location_point(), location_point()).prop_map(|(b, e)| (Some(b), Some(e), None)),
            location_point().prop_map(|p| (None, None, Some(p))),
        ],
        opt_text(),
    )
        .prop_map(|((begin, end, position), sequence)| {
            let mut l = Location {
                sequence,
                ..Location::default()
            };
            if let Some((p, s, e)) = begin {
                (l.begin, l.begin_status, l.begin_evidence) = (p, s, e);
            }
            if let Some((p, s, e)) = end {
                (l.end, l.end_status, l.end_evidence) = (p, s, e);
            }
            if let Some((p, s, e)) = position {
                (l.position, l.position_status, l.position_evidence) = (p, s, e);
            }
            l
        })
}

fn ligand() -> impl Strategy<Value = Ligand> {
    (opt_text(), of(db_reference()), opt_text(), opt_text()).prop_map(
        |(name, db_reference, label, note)| Ligand {
            name,
            db_reference,
            label,
            note,
        },
    )
}

fn feature() -> impl Strategy<Value = Feature> {
    (
        (
            text(),
            opt_text(),
            opt_text(),
            opt_text(),
            vec(text(), 0..2),
        ),
        (
            of(location()),
            opt_text(),
            evidence_keys(),
            opt_text(),
            of(ligand()),
            of(ligand()),
        ),
    )
        .prop_map(
            |(
                (kind, description, id, original, variations),
                (location, status, evidence, ref_, ligand, ligand_part),
            )| Feature {
                kind,
                description,
                id,
                original,
                variations,
                location,
                status,
                evidence,
                ref_,
                ligand,
                ligand_part,
            },
        )
}

fn comment() -> impl Strategy<Value = Comment> {
    let attrs = (
        text(),
        vec(evidenced(), 0..3),
        evidence_keys(),
        of((text(), opt_text()).prop_map(|(value, id)| Molecule { value, id })),
        opt_text(),
        of(-1e6f64..1e6),
        opt_text(),
        opt_text(),
        opt_text(),
    );
    let reactions = (
        of(
            (opt_text(), vec(db_reference(), 0..3), evidence_keys()).prop_map(
                |(text, db_references, evidence)| Reaction {
                    text,
                    db_references,
                    evidence,
                },
            ),
        ),
        vec(
            (opt_text(), of(db_reference()), evidence_keys()).prop_map(
                |(direction, db_reference, evidence)| PhysiologicalReaction {
                    direction,
                    db_reference,
                    evidence,
                },
            ),
            0..2,
        ),
        vec(
            (opt_text(), of(db_reference()), evidence_keys()).prop_map(
                |(name, db_reference, evidence)| Cofactor {
                    name,
                    db_reference,
                    evidence,
                },
            ),
            0..2,
        ),
        vec(
            (
                vec(evidenced(), 0..2),
                vec(evidenced(), 0..2),
                vec(evidenced(), 0..2),
            )
                .prop_map(|(locations, topologies, orientations)| {
                    SubcellularLocation {
                        locations,
                        topologies,
                        orientations,
                    }
                }),
            0..2,
        ),
    );
    let products =
        (
            of((
                opt_text(),
                opt_text(),
                of((opt_text(), opt_text(), of(any::<i32>())).prop_map(
                    |(resource, id, version)| ConflictSequence {
                        resource,
                        id,
                        version,
                    },
                )),
            )
                .prop_map(|(kind, ref_, sequence)| Conflict {
                    kind,
                    ref_,
                    sequence,
                })),
            vec(text(), 0..2),
            vec(text(), 0..2),
            vec(
                (
                    vec(text(), 0..2),
                    vec(evidenced(), 0..2),
                    opt_text(),
                    opt_text(),
                    vec(evidenced(), 0..2),
                    vec(evidenced(), 0..2),
                )
                    .prop_map(
                        |(ids, names, sequence_type, sequence_ref, texts, notes)| Isoform {
                            ids,
                            names,
                            sequence_type,
                            sequence_ref,
                            texts,
                            notes,
                        },
                    ),
                0..2,
            ),
            vec(
                (opt_text(), opt_text(), opt_text(), of(db_reference())).prop_map(
                    |(intact_id, id, label, db_reference)| Interactant {
                        intact_id,
                        id,
                        label,
                        db_reference,
                    },
                ),
                0..3,
            ),
            of(any::<bool>()),
            of(any::<i32>()),
        );
    let properties = (
        of((
            opt_text(),
            opt_text(),
            opt_text(),
            opt_text(),
            of(db_reference()),
        )
            .prop_map(|(id, name, acronym, description, db_reference)| Disease {
                id,
                name,
                acronym,
                description,
                db_reference,
            })),
        of((of(evidenced()), vec(evidenced(), 0..2))
            .prop_map(|(max, texts)| Absorption { max, texts })),
        of((
            vec(evidenced(), 0..2),
            vec(evidenced(), 0..2),
            vec(evidenced(), 0..2),
        )
            .prop_map(|(km, vmax, texts)| Kinetics { km, vmax, texts })),
        vec(evidenced(), 0..2),
        vec(evidenced(), 0..2),
        vec(evidenced(), 0..2),
        vec(location(), 0..2),
    );
    (attrs, reactions, products, properties).prop_map(
        |(
            (kind, texts, evidence, molecule, name, mass, error, method, location_type),
            (reaction, physiological_reactions, cofactors, subcellular_locations),
            (conflict, links, events, isoforms, interactants, organisms_differ, experiments),
            (
                disease,
                absorption,
                kinetics,
                ph_dependence,
                redox_potential,
                temperature_dependence,
                locations,
            ),
        )| Comment {
            kind,
            text: None,
            texts,
            evidence,
            molecule,
            name,
            mass,
            mass_decimals: None,
            error,
            method,
            location_type,
            reaction,
            physiological_reactions,
            cofactors,
            subcellular_locations,
            conflict,
            links,
            events,
            isoforms,
            interactants,
            organisms_differ,
            experiments,
            disease,
            absorption,
            kinetics,
            ph_dependence,
            redox_potential,
            temperature_dependence,
            locations,
            dependence_as_text: false,
        },
    )
}

fn evidence() -> impl Strategy<Value = Evidence> {
    (
        text(),
        opt_text(),
        opt_text(),
        opt_text(),
        opt_text(),
        of((opt_text(), of(db_reference()))
            .prop_map(|(ref_, db_reference)| EvidenceSource { ref_, db_reference })),
        of(db_reference()),
    )
        .prop_map(
            |(key, kind, category, attribute, date, source, imported_from)| Evidence {
                key,
                kind,
                category,
                attribute,
                date,
                source,
                imported_from,
            },
        )
}

fn sequence() -> impl Strategy<Value = Sequence> {
    (
        "[A-Z]{0,40}",
        (
            of(0..=i32::MAX),
            of(0..=i32::MAX),
            opt_text(),
            of(date()),
            of(any::<i32>()),
        ),
        (
            of(prop_oneof![
                Just("single".to_owned()),
                Just("multiple".to_owned())
            ]),
            of(any::<bool>()),
        ),
    )
        .prop_map(
            |(value, (length, mass, checksum, modified, version), (fragment, precursor))| {
                Sequence {
                    value,
                    length,
                    mass,
                    checksum,
                    modified,
                    version,
                    fragment,
                    precursor,
                }
            },
        )
}

/// Random entries, with derived fields filled as the parser fills them: the one random-entry
/// source of the property tests and the structured fuzz target.
pub fn entry_strategy() -> impl Strategy<Value = Entry> {
    let head = (
        vec(text(), 1..3),
        vec(text(), 0..2),
        of(prop_oneof![
            Just("Swiss-Prot".to_owned()),
            Just("TrEMBL".to_owned())
        ]),
        of(date()),
        of(date()),
        of(any::<i32>()),
        opt_text(),
    );
    let body = (
        of(protein()),
        vec(
            vec(
                (text(), opt_text(), evidence_keys()).prop_map(|(value, kind, evidence)| {
                    GeneName {
                        value,
                        kind,
                        evidence,
                    }
                }),
                0..3,
            )
            .prop_map(|names| Gene { names }),
            0..2,
        ),
        of(organism()),
        vec(organism(), 0..2),
        vec(
            (opt_text(), evidence_keys(), vec(evidenced(), 0..2)).prop_map(
                |(kind, evidence, names)| GeneLocation {
                    kind,
                    evidence,
                    names,
                },
            ),
            0..2,
        ),
        vec(reference(), 0..2),
    );
    let tail = (
        vec(comment(), 0..3),
        vec(db_reference(), 0..3),
        vec(
            (text(), text(), evidence_keys()).prop_map(|(id, value, evidence)| Keyword {
                id,
                value,
                evidence,
            }),
            0..3,
        ),
        vec(feature(), 0..3),
        vec(evidence(), 0..2),
        of(sequence()),
    );
    (head, body, tail).prop_map(
        |(
            (accessions, names, dataset, created, modified, version, protein_existence),
            (protein, genes, organism, organism_hosts, gene_locations, references),
            (comments, db_references, keywords, features, evidences, sequence),
        )| {
            let mut entry = Entry {
                accession: String::new(),
                accessions,
                names,
                dataset,
                created,
                modified,
                version,
                protein,
                genes,
                organism,
                organism_hosts,
                gene_locations,
                references,
                comments,
                db_references,
                protein_existence,
                keywords,
                features,
                evidences,
                sequence,
            };
            entry.finish();
            entry
        },
    )
}
