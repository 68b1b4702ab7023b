//! The synthetic corpus: generate → convert → read back equals the generator's own entries,
//! with zero unmapped paths, and the corpus exercises every element family. Release-like
//! replicas of the real samples: every copy its own accession, name and sequence, with the
//! checksum and mass UniProt would give it (the CRC64 and mass code checked against every real
//! sequence first).

use std::collections::BTreeSet;

use uniprot_etl::config::Settings;
use uniprot_etl::lab::synth::residues::{average_mass, crc64};
use uniprot_etl::lab::synth::{replicate, write_corpus, Amount, Copies, Generator, Profile};
use uniprot_etl::table::model::Entry;
use uniprot_etl::writer::read_entries;

use crate::util::{convert_bytes, parse_all, sample_files};

fn generated(profile: Profile, seed: u64, n: usize) -> (Vec<u8>, Vec<Entry>) {
    let mut xml = Vec::new();
    write_corpus(&mut xml, profile, seed, Amount::Entries(n as u64)).unwrap();
    let mut generator = Generator::new(profile, seed);
    let entries = (0..n).map(|_| generator.next_entry()).collect();
    (xml, entries)
}

#[test]
fn generated_corpus_round_trips_through_the_converter() {
    for profile in [Profile::Sprot, Profile::Trembl] {
        let (xml, expected) = generated(profile, 42, 300);
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("synth.parquet");
        let mut settings = Settings::default();
        settings.pipeline.batch_size = 64;
        let summary = convert_bytes(&xml, &out, &settings).unwrap();
        assert!(summary.unmapped.is_empty(), "{:?}", summary.unmapped);
        assert_eq!(read_entries(&out).unwrap(), expected, "{profile:?}");
    }
}

#[test]
fn sprot_corpus_exercises_every_element_family() {
    let (_, entries) = generated(Profile::Sprot, 42, 400);
    let comments: Vec<_> = entries.iter().flat_map(|e| &e.comments).collect();
    let features: Vec<_> = entries.iter().flat_map(|e| &e.features).collect();
    let protein = |f: fn(&uniprot_etl::table::model::Protein) -> bool| {
        entries.iter().filter_map(|e| e.protein.as_ref()).any(f)
    };
    let checks: Vec<(&str, bool)> = vec![
        (
            "alternative names",
            protein(|p| !p.alternative_names.is_empty()),
        ),
        ("cd antigen", protein(|p| !p.cd_antigen_names.is_empty())),
        ("allergen", protein(|p| p.allergen_name.is_some())),
        ("biotech", protein(|p| p.biotech_name.is_some())),
        ("inn", protein(|p| !p.inn_names.is_empty())),
        ("domains", protein(|p| !p.domains.is_empty())),
        ("components", protein(|p| !p.components.is_empty())),
        ("genes", entries.iter().any(|e| !e.genes.is_empty())),
        (
            "hosts",
            entries.iter().any(|e| !e.organism_hosts.is_empty()),
        ),
        (
            "gene locations",
            entries.iter().any(|e| !e.gene_locations.is_empty()),
        ),
        (
            "reference source",
            entries
                .iter()
                .flat_map(|e| &e.references)
                .any(|r| !r.source.is_empty()),
        ),
        (
            "consortium",
            entries.iter().flat_map(|e| &e.references).any(|r| {
                r.citation
                    .as_ref()
                    .is_some_and(|c| c.author_types.iter().any(|t| t == "consortium"))
            }),
        ),
        ("reaction", comments.iter().any(|c| c.reaction.is_some())),
        (
            "physiological reaction",
            comments
                .iter()
                .any(|c| !c.physiological_reactions.is_empty()),
        ),
        ("cofactor", comments.iter().any(|c| !c.cofactors.is_empty())),
        (
            "subcellular topology",
            comments
                .iter()
                .flat_map(|c| &c.subcellular_locations)
                .any(|s| !s.topologies.is_empty()),
        ),
        (
            "orientation",
            comments
                .iter()
                .flat_map(|c| &c.subcellular_locations)
                .any(|s| !s.orientations.is_empty()),
        ),
        ("molecule", comments.iter().any(|c| c.molecule.is_some())),
        ("isoforms", comments.iter().any(|c| !c.isoforms.is_empty())),
        ("events", comments.iter().any(|c| !c.events.is_empty())),
        (
            "interactants",
            comments.iter().any(|c| c.interactants.len() == 2),
        ),
        ("disease", comments.iter().any(|c| c.disease.is_some())),
        ("kinetics", comments.iter().any(|c| c.kinetics.is_some())),
        (
            "absorption",
            comments.iter().any(|c| c.absorption.is_some()),
        ),
        (
            "redox",
            comments.iter().any(|c| !c.redox_potential.is_empty()),
        ),
        (
            "temperature",
            comments
                .iter()
                .any(|c| !c.temperature_dependence.is_empty()),
        ),
        (
            "mass spectrometry",
            comments.iter().any(|c| c.mass.is_some()),
        ),
        ("conflict", comments.iter().any(|c| c.conflict.is_some())),
        ("links", comments.iter().any(|c| !c.links.is_empty())),
        (
            "RNA editing",
            comments.iter().any(|c| c.location_type.is_some()),
        ),
        (
            "properties",
            entries
                .iter()
                .flat_map(|e| &e.db_references)
                .any(|r| !r.properties.is_empty()),
        ),
        (
            "dbReference molecule",
            entries
                .iter()
                .flat_map(|e| &e.db_references)
                .any(|r| r.molecule.is_some()),
        ),
        ("ligand", features.iter().any(|f| f.ligand.is_some())),
        (
            "ligand part",
            features.iter().any(|f| f.ligand_part.is_some()),
        ),
        (
            "variation",
            features.iter().any(|f| !f.variations.is_empty()),
        ),
        (
            "position",
            features
                .iter()
                .any(|f| f.location.as_ref().is_some_and(|l| l.position.is_some())),
        ),
        (
            "unknown begin",
            features.iter().any(|f| {
                f.location
                    .as_ref()
                    .is_some_and(|l| l.begin_status.is_some())
            }),
        ),
        (
            "evidence source",
            entries
                .iter()
                .flat_map(|e| &e.evidences)
                .any(|e| e.source.is_some()),
        ),
        (
            "imported from",
            entries
                .iter()
                .flat_map(|e| &e.evidences)
                .any(|e| e.imported_from.is_some()),
        ),
        (
            "precursor",
            entries
                .iter()
                .any(|e| e.sequence.as_ref().is_some_and(|s| s.precursor.is_some())),
        ),
        (
            "fragment",
            entries
                .iter()
                .any(|e| e.sequence.as_ref().is_some_and(|s| s.fragment.is_some())),
        ),
    ];
    let missing: Vec<&str> = checks
        .iter()
        .filter(|(_, ok)| !ok)
        .map(|(name, _)| *name)
        .collect();
    assert!(missing.is_empty(), "never generated: {missing:?}");
}

/// Every real sample's entries, parsed.
fn real_entries() -> Vec<Entry> {
    sample_files()
        .iter()
        .flat_map(|path| parse_all(&std::fs::read(path).unwrap()).unwrap().0)
        .collect()
}

#[test]
fn crc64_and_mass_give_every_real_sequences_checksum_and_mass() {
    let entries = real_entries();
    assert!(entries.len() > 250);
    let mut masses = 0;
    for entry in &entries {
        let sequence = entry
            .sequence
            .as_ref()
            .expect("every sample entry has a sequence");
        let residues = sequence.value.as_bytes();
        assert_eq!(
            Some(crc64(residues)),
            sequence.checksum,
            "{}",
            entry.accession
        );
        if let (Some(mass), Some(given)) = (average_mass(residues), sequence.mass) {
            assert!(
                mass.abs_diff(given as u64) <= 1,
                "{}: {mass} vs {given}",
                entry.accession
            );
            masses += 1;
        }
    }
    assert!(
        masses * 10 > entries.len() * 9,
        "too few masses checked: {masses}"
    );
}

#[test]
fn unique_copies_have_their_own_names_and_sequences_with_true_checksums() {
    let real = real_entries();
    let mut xml = Vec::new();
    let amount = Amount::Entries(real.len() as u64 * 3);
    let stats = replicate(&sample_files(), amount, Copies::Unique, &mut xml).unwrap();
    assert_eq!(stats.entries, real.len() as u64 * 3);
    let (copies, unmapped) = parse_all(&xml).unwrap();
    assert!(unmapped.is_empty(), "{unmapped:?}");
    // The samples share a few entries between files: each round multiplies the distinct ones.
    let distinct = |entries: &[Entry], key: fn(&Entry) -> &str| -> usize {
        entries.iter().map(key).collect::<BTreeSet<&str>>().len()
    };
    let accession: fn(&Entry) -> &str = |e| e.accession.as_str();
    let name: fn(&Entry) -> &str = |e| e.names[0].as_str();
    assert_eq!(distinct(&copies, accession), 3 * distinct(&real, accession));
    assert_eq!(distinct(&copies, name), 3 * distinct(&real, name));
    let redrawn = &copies[real.len()..];
    let sequence: fn(&Entry) -> &str = |e| e.sequence.as_ref().unwrap().value.as_str();
    assert_eq!(
        distinct(redrawn, sequence),
        redrawn.len(),
        "a redrawn sequence repeats"
    );
    for (i, copy) in copies.iter().enumerate() {
        let original = &real[i % real.len()];
        let (seq, orig) = (
            copy.sequence.as_ref().unwrap(),
            original.sequence.as_ref().unwrap(),
        );
        assert_eq!(seq.length, orig.length);
        assert_eq!(seq.value.len(), orig.value.len());
        assert_eq!(
            Some(crc64(seq.value.as_bytes())),
            seq.checksum,
            "{}",
            copy.accession
        );
        if i < real.len() {
            assert_eq!(copy, original, "round 0 keeps the originals");
        } else {
            assert_ne!(seq.value, orig.value);
            assert_eq!(copy.features, original.features);
            assert_eq!(copy.references, original.references);
        }
    }
    let mut verbatim = Vec::new();
    replicate(&sample_files(), amount, Copies::Verbatim, &mut verbatim).unwrap();
    let (repeated, _) = parse_all(&verbatim).unwrap();
    assert_eq!(repeated[real.len()].sequence, real[0].sequence);
}
