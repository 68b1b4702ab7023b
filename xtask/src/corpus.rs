//! The corpus a task runs on: `--input FILE`, or a generated one cached under `runs/corpus/`
//! (generated once per source and amount; regenerated only when missing). A generated corpus is
//! synthetic (profile and seed) or real (`--from DIR`: the real entries of DIR replicated with
//! unique accessions).

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use uniprot_etl::lab::synth::{self, Amount, Profile};

use crate::flags::CorpusArgs;
use crate::project;

/// Entries of the default generated corpus.
pub const DEFAULT_ENTRIES: u64 = 50_000;

/// The amount requested by the flags (default [`DEFAULT_ENTRIES`]).
pub fn amount(args: &CorpusArgs) -> Result<Amount> {
    Ok(match (&args.size, args.entries) {
        (Some(size), _) => Amount::Bytes(
            uniprot_etl::config::parse_size(size)
                .with_context(|| format!("bad --size {size:?}"))?,
        ),
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

/// Where generated entries come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Synthetic entries of a profile, from a seed.
    Synthetic(Profile, u64),
    /// The real entries of the UniProt files in a directory, replicated as `Copies` says.
    Real(PathBuf, synth::Copies),
}

impl Source {
    /// The source the flags ask for.
    pub fn from_args(args: &CorpusArgs) -> Result<Source> {
        Ok(match &args.from {
            Some(dir) => {
                let copies = match args.copies.as_str() {
                    "verbatim" => synth::Copies::Verbatim,
                    _ => synth::Copies::Unique,
                };
                Source::Real(dir.clone(), copies)
            }
            None => Source::Synthetic(profile(args)?, args.seed),
        })
    }

    fn label(&self) -> String {
        match self {
            Source::Synthetic(profile, seed) => format!("{}_s{seed}", profile.name()),
            Source::Real(dir, copies) => {
                let name = dir
                    .file_name()
                    .map_or("real".into(), |n| n.to_string_lossy().into_owned());
                match copies {
                    synth::Copies::Unique => format!("real-unique-{name}"),
                    synth::Copies::Verbatim => format!("real-{name}"),
                }
            }
        }
    }
}

/// The default path of a generated corpus.
pub fn default_path(source: &Source, amount: Amount, gzip: bool) -> PathBuf {
    let amount = match amount {
        Amount::Entries(n) => format!("{n}e"),
        Amount::Bytes(n) => format!("{n}b"),
    };
    let extension = if gzip { "xml.gz" } else { "xml" };
    project::root()
        .join("runs/corpus")
        .join(format!("{}_{amount}.{extension}", source.label()))
}

/// Generates a corpus into `path`, gzip-compressed when `gzip`. Returns (entries, XML bytes).
pub fn generate(
    path: &PathBuf,
    source: &Source,
    amount: Amount,
    gzip: bool,
) -> Result<synth::CorpusStats> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    // Write to a temporary name first so an interrupted generation is never taken as cached.
    let partial = path.with_extension("partial");
    let file = std::fs::File::create(&partial)
        .with_context(|| format!("cannot create {}", partial.display()))?;
    let write = |out: &mut dyn std::io::Write| -> Result<synth::CorpusStats> {
        Ok(match source {
            Source::Synthetic(profile, seed) => synth::write_corpus(out, *profile, *seed, amount)?,
            Source::Real(dir, copies) => {
                let sources = synth::sources_in(dir)
                    .with_context(|| format!("cannot list {}", dir.display()))?;
                if sources.is_empty() {
                    bail!("no .xml or .xml.gz files in {}", dir.display());
                }
                let stats = synth::replicate(&sources, amount, *copies, out)?;
                synth::CorpusStats {
                    entries: stats.entries,
                    bytes: stats.bytes,
                }
            }
        })
    };
    let stats = if gzip {
        let mut encoder = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
        let stats = write(&mut encoder)?;
        encoder.finish()?;
        stats
    } else {
        let mut out = std::io::BufWriter::new(file);
        let stats = write(&mut out)?;
        std::io::Write::flush(&mut out)?;
        stats
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
    let (source, amount) = (Source::from_args(args)?, amount(args)?);
    let path = default_path(&source, amount, false);
    if !path.is_file() {
        eprintln!("generating {}", path.display());
        generate(&path, &source, amount, false)?;
    }
    Ok(path)
}
