//! The corpus a task runs on: `--input FILE`, or a generated one cached under `runs/corpus/`
//! (generated once per profile, amount and seed; regenerated only when missing).

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use uniprot_etl::synth::{self, Amount, Profile};

use crate::flags::CorpusArgs;
use crate::project;

/// Entries of the default generated corpus.
pub const DEFAULT_ENTRIES: u64 = 50_000;

/// The amount requested by the flags (default [`DEFAULT_ENTRIES`]).
pub fn amount(args: &CorpusArgs) -> Result<Amount> {
    Ok(match (&args.size, args.entries) {
        (Some(size), _) => {
            Amount::Bytes(synth::parse_size(size).with_context(|| format!("bad --size {size:?}"))?)
        }
        (None, Some(n)) => Amount::Entries(n),
        (None, None) => Amount::Entries(DEFAULT_ENTRIES),
    })
}

/// The profile requested by the flags.
pub fn profile(args: &CorpusArgs) -> Result<Profile> {
    match Profile::parse(&args.profile) {
        Some(profile) => Ok(profile),
        None => bail!("unknown --profile {:?} (sprot or trembl)", args.profile),
    }
}

/// The default path of a generated corpus.
pub fn default_path(profile: Profile, amount: Amount, seed: u64, gzip: bool) -> PathBuf {
    let amount = match amount {
        Amount::Entries(n) => format!("{n}e"),
        Amount::Bytes(n) => format!("{n}b"),
    };
    let extension = if gzip { "xml.gz" } else { "xml" };
    project::root()
        .join("runs/corpus")
        .join(format!("{}_{amount}_s{seed}.{extension}", profile.name()))
}

/// Generates a corpus into `path`, gzip-compressed when `gzip`. Returns (entries, XML bytes).
pub fn generate(
    path: &PathBuf,
    profile: Profile,
    amount: Amount,
    seed: u64,
    gzip: bool,
) -> Result<synth::CorpusStats> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    // Write to a temporary name first so an interrupted generation is never taken as cached.
    let partial = path.with_extension("partial");
    let file = std::fs::File::create(&partial)
        .with_context(|| format!("cannot create {}", partial.display()))?;
    let stats = if gzip {
        let mut encoder = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
        let stats = synth::write_corpus(&mut encoder, profile, seed, amount)?;
        encoder.finish()?;
        stats
    } else {
        synth::write_corpus(file, profile, seed, amount)?
    };
    std::fs::rename(&partial, path)
        .with_context(|| format!("cannot rename into {}", path.display()))?;
    Ok(stats)
}

/// The corpus for a task: `--input`, or the cached generated corpus (generated if missing).
pub fn resolve(args: &CorpusArgs) -> Result<PathBuf> {
    if let Some(input) = &args.input {
        if !input.is_file() {
            bail!("--input {} is not a file", input.display());
        }
        return Ok(input.clone());
    }
    let (profile, amount) = (profile(args)?, amount(args)?);
    let path = default_path(profile, amount, args.seed, false);
    if !path.is_file() {
        eprintln!("generating {}", path.display());
        generate(&path, profile, amount, args.seed, false)?;
    }
    Ok(path)
}
