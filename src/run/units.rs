//! The units of one invocation: which inputs (a directory or glob expands to its XML files)
//! or which shard, their unit numbers, which are already done (`--resume`), and converting
//! them — several at once when there are several, the threads shared between them.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use super::execute::{execute, UnitJob, UnitRun};
use super::request::RunRequest;
use crate::dataset::manifest::{self, PartRecord, SourceRecord, UnitRecord};
use crate::dataset::shard::Shard;
use crate::error::{Error, Result};
use crate::ledger::report::DatasetInfo;
use crate::ledger::RunDir;
use crate::pipeline::Job;

/// One conversion to do: an input, or a shard of one, and its unit number in the dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitPlan {
    /// The unit's number (names its part files).
    pub unit: u32,
    /// The input path or `-`.
    pub input: String,
    /// The shard, when converting one.
    pub shard: Option<Shard>,
}

/// The units `request` asks for, checked.
pub fn plan(request: &RunRequest) -> Result<Vec<UnitPlan>> {
    let inputs = expand_inputs(&request.inputs)?;
    let usage = |message: &str| Err(Error::Config(message.to_owned()));
    if inputs.is_empty() {
        return usage("no input given");
    }
    if inputs.len() > 1 && request.shard.is_some() {
        return usage("--shard takes exactly one input");
    }
    if inputs.len() > 1 && request.dataset.unit.is_some() {
        return usage("--unit takes exactly one input");
    }
    if !request.writes_dataset() && (request.dataset.unit.is_some() || request.dataset.resume) {
        return usage("--unit and --resume need a dataset directory as output (-o DIR/)");
    }
    let looks_like_a_file = request
        .output
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
    if inputs.len() > 1 && looks_like_a_file && !request.output.is_dir() {
        return Err(Error::Config(format!(
            "{} inputs make a dataset, and {} names a file: give a directory (-o {}/)",
            inputs.len(),
            request.output.display(),
            request.output.with_extension("").display()
        )));
    }
    if request.writes_dataset() && request.output.is_file() {
        return Err(Error::Config(format!(
            "{} is a file; a dataset needs a directory",
            request.output.display()
        )));
    }
    Ok(inputs
        .into_iter()
        .enumerate()
        .map(|(index, input)| UnitPlan {
            unit: request
                .dataset
                .unit
                .or(request.shard.map(|s| s.index - 1))
                .unwrap_or(index as u32),
            input,
            shard: request.shard,
        })
        .collect())
}

/// File names taken from a directory given as input.
const INPUT_SUFFIXES: [&str; 3] = [".xml", ".xml.gz", ".xml.zst"];

/// Inputs as given, with each directory replaced by its XML files ([`INPUT_SUFFIXES`]) and each
/// glob pattern that names no file by its matches, both sorted.
fn expand_inputs(inputs: &[String]) -> Result<Vec<String>> {
    let mut expanded = Vec::new();
    for input in inputs {
        let path = Path::new(input);
        if input != "-" && path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|error| Error::Input {
                path: input.clone(),
                error,
            })?;
            let mut files: Vec<String> = entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    let name = p
                        .file_name()
                        .map(|n| n.to_string_lossy())
                        .unwrap_or_default();
                    p.is_file() && INPUT_SUFFIXES.iter().any(|suffix| name.ends_with(suffix))
                })
                .map(|p| p.display().to_string())
                .collect();
            if files.is_empty() {
                return Err(Error::Config(format!(
                    "directory {input} holds no {} file",
                    INPUT_SUFFIXES.join(" / ")
                )));
            }
            files.sort();
            expanded.extend(files);
        } else if !path.exists() && input.contains(['*', '?', '[']) {
            let pattern = glob::glob(input)
                .map_err(|e| Error::Config(format!("input pattern {input}: {e}")))?;
            let mut files: Vec<String> = pattern
                .flatten()
                .filter(|p| p.is_file())
                .map(|p| p.display().to_string())
                .collect();
            if files.is_empty() {
                return Err(Error::Config(format!(
                    "input pattern {input} matches no file"
                )));
            }
            files.sort();
            expanded.extend(files);
        } else {
            expanded.push(input.clone());
        }
    }
    Ok(expanded)
}

/// Splits the plans into those to convert and the units `--resume` finds done (record present,
/// same source and shard, every part in place).
pub fn skip_done(request: &RunRequest, plans: Vec<UnitPlan>) -> Result<(Vec<UnitPlan>, Vec<u32>)> {
    if !(request.writes_dataset() && request.dataset.resume) {
        return Ok((plans, Vec::new()));
    }
    let mut to_run = Vec::new();
    let mut skipped = Vec::new();
    for plan in plans {
        let done = manifest::read_unit(&request.output, plan.unit)?.is_some_and(|record| {
            record.source.path == manifest::source_identity(&plan.input)
                && record.source.shard == plan.shard
                // Asked for isoforms, a unit converted without them is not done.
                && (request.isoforms.is_none() || record.isoforms.is_some())
                && manifest::parts_present(&request.output, &record)
        });
        if done {
            skipped.push(plan.unit);
        } else {
            to_run.push(plan);
        }
    }
    Ok((to_run, skipped))
}

/// Prepares the dataset directory for each unit about to be converted (see
/// [`manifest::begin_unit`]); nothing to do for a single output file.
pub fn begin(request: &RunRequest, plans: &[UnitPlan]) -> Result<()> {
    if !request.writes_dataset() {
        return Ok(());
    }
    for plan in plans {
        let source = manifest::source_identity(&plan.input);
        manifest::begin_unit(&request.output, plan.unit, &source, plan.shard)?;
    }
    Ok(())
}

/// The run directory's name suffix for a unit: `--run-name`, plus the unit for datasets.
pub fn run_name(base: Option<&str>, plan: &UnitPlan, writes_dataset: bool) -> Option<String> {
    match (base, writes_dataset) {
        (base, true) => Some(match base {
            Some(base) => format!("{base}_u{:05}", plan.unit),
            None => format!("u{:05}", plan.unit),
        }),
        (base, false) => base.map(str::to_owned),
    }
}

/// Converts every plan in its run directory, up to one unit per thread at a time (the threads
/// of the pipeline shared between them), and records each finished dataset unit. `template` is
/// the job every unit's own is made from (settings, file limits, quit flag, columns).
pub fn convert_all(
    request: &RunRequest,
    template: &Job,
    plans: Vec<UnitPlan>,
    run_dirs: Vec<RunDir>,
) -> Vec<UnitRun> {
    let threads = template.settings.pipeline.effective_threads();
    let parallel = plans.len().clamp(1, threads);
    let mut unit_job = template.clone();
    if parallel > 1 {
        unit_job.settings.pipeline.threads = (threads / parallel).max(1);
        let each = unit_job.settings.pipeline.threads;
        log::info!(
            "converting {} inputs, {parallel} at a time, {each} thread{} each",
            plans.len(),
            if each == 1 { "" } else { "s" }
        );
    }
    let jobs: Vec<(UnitPlan, RunDir)> = plans.into_iter().zip(run_dirs).collect();
    if parallel == 1 {
        // One at a time: on this thread (no extra stack).
        return jobs
            .iter()
            .map(|(plan, run_dir)| {
                convert_unit(request, &unit_job, plan, run_dir, request.show_progress)
            })
            .collect();
    }
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, UnitRun)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for worker in 0..parallel {
            let (jobs, next, done, unit_job) = (&jobs, &next, &done, &unit_job);
            let spawned = std::thread::Builder::new()
                .name(format!("unit-{worker}"))
                .spawn_scoped(scope, move || loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some((plan, run_dir)) = jobs.get(index) else {
                        break;
                    };
                    let run = convert_unit(request, unit_job, plan, run_dir, false);
                    done.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((index, run));
                });
            if let Err(e) = spawned {
                log::warn!("cannot start unit thread {worker}: {e}");
            }
        }
    });
    let mut done = done.into_inner().unwrap_or_else(|e| e.into_inner());
    // A unit a thread could not take (none started at all) is converted here.
    for (index, (plan, run_dir)) in jobs.iter().enumerate() {
        if !done.iter().any(|(i, _)| *i == index) {
            let run = convert_unit(request, &unit_job, plan, run_dir, false);
            done.push((index, run));
        }
    }
    done.sort_by_key(|(index, _)| *index);
    done.into_iter().map(|(_, run)| run).collect()
}

/// Converts one unit and, into a dataset, writes its record (from the run's report and the
/// files the pipeline wrote).
fn convert_unit(
    request: &RunRequest,
    template: &Job,
    plan: &UnitPlan,
    run_dir: &RunDir,
    show_progress: bool,
) -> UnitRun {
    let writes_dataset = request.writes_dataset();
    let unit = UnitJob {
        job: Job {
            input_name: plan.input.clone(),
            target: request.target(plan.unit),
            ..template.clone()
        },
        input: plan.input.clone(),
        shard: plan.shard,
        hash_input: writes_dataset,
        dataset: writes_dataset.then(|| DatasetInfo {
            dir: absolute(&request.output).display().to_string(),
            unit: plan.unit,
            shard: plan.shard.map(|s| s.to_string()),
            parts: Vec::new(),
        }),
        metrics_file: request.metrics_file.clone(),
        show_progress,
        profile: request.profile,
    };
    let mut run = execute(run_dir, &unit);
    if writes_dataset {
        if let Ok(outcome) = &run.result {
            let input = &run.report.input;
            let record = UnitRecord {
                unit: plan.unit,
                source: SourceRecord {
                    path: manifest::source_identity(&plan.input),
                    bytes: std::fs::metadata(&plan.input).ok().map(|m| m.len()),
                    compressed: input.compressed,
                    shard: plan.shard,
                    range: input.range,
                    sha256: input.sha256.clone().unwrap_or_default(),
                },
                parts: outcome.files.iter().map(PartRecord::from_facts).collect(),
                isoforms: outcome.isoforms.as_ref().map(|(facts, _)| PartRecord {
                    file: crate::writer::isoforms_part_name(plan.unit),
                    ..PartRecord::from_facts(facts)
                }),
                copyright: outcome.copyright.clone(),
                schema_version: crate::table::schema::SCHEMA_VERSION,
                tool_version: env!("CARGO_PKG_VERSION").to_owned(),
                run_id: run_dir.id.clone(),
            };
            if let Err(e) = manifest::finish_unit(&request.output, &record) {
                run.result = Err(e);
            }
        }
    }
    run
}

/// `path` made absolute against the working directory, without a trailing separator (the
/// form reports name datasets by).
fn absolute(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    absolute.components().collect()
}
