//! `cargo xtask report PATH…`: aggregate any set of run directories or sweep directories (their
//! `report.yaml` files, found recursively) into the sweep's comparison table.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use uniprot_etl::lab::floor::Floors;
use uniprot_etl::ledger::aggregate::{self, DEFAULT_GROUP_BY};
use uniprot_etl::ledger::report::Report;
use uniprot_etl::ledger::{catalog, datasets, REPORT_FILE};

use crate::flags::ReportArgs;

/// Deepest directory level searched below each path.
const MAX_DEPTH: usize = 4;

/// Prints the table in the requested format.
pub fn run(args: ReportArgs) -> Result<()> {
    let group_by: Vec<&str> = if args.group_by.is_empty() {
        DEFAULT_GROUP_BY.to_vec()
    } else {
        args.group_by.iter().map(String::as_str).collect()
    };
    let (reports, floor) = collect(&args.paths)?;
    if reports.is_empty() {
        bail!("no report.yaml found under {:?}", args.paths);
    }
    if let Some(dataset) = &args.dataset {
        let dir = std::path::absolute(dataset)?
            .components()
            .collect::<PathBuf>()
            .display()
            .to_string();
        let figures = datasets::dataset_figures(&reports, &dir);
        if figures.units.is_empty() {
            bail!("no run under {:?} wrote into the dataset {dir}", args.paths);
        }
        print!("{}", datasets::dataset_view(&figures));
        return Ok(());
    }
    let rows = aggregate::summarize(&reports, &group_by, floor.map(|f| f.tokenizer.mb_per_sec()));
    let text = match args.format.as_str() {
        "md" => format!(
            "{}\n{}",
            aggregate::to_markdown(&rows, &group_by),
            aggregate::noise_verdict(&rows, &group_by)
        ),
        "csv" => aggregate::to_csv(&rows, &group_by),
        "yaml" => aggregate::to_yaml(&rows),
        other => bail!("unknown --format {other:?} (md, csv or yaml)"),
    };
    print!("{text}");
    eprintln!(
        "{} runs from {}",
        reports.len(),
        args.paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(())
}

/// Every report below `paths`, oldest run first, and the first sweep floor found (for efficiency).
pub fn collect(paths: &[PathBuf]) -> Result<(Vec<Report>, Option<Floors>)> {
    let mut dirs = Vec::new();
    let mut floor = None;
    for path in paths {
        if !path.is_dir() {
            bail!("{} is not a directory", path.display());
        }
        find_run_dirs(path, 0, &mut dirs, &mut floor)?;
    }
    dirs.sort_by_key(|d| d.file_name().map(|n| n.to_os_string()));
    dirs.dedup();
    let reports = dirs
        .iter()
        .map(|d| catalog::load_report(d).map_err(anyhow::Error::from))
        .collect::<Result<Vec<_>>>()?;
    Ok((reports, floor))
}

fn find_run_dirs(
    dir: &Path,
    depth: usize,
    found: &mut Vec<PathBuf>,
    floor: &mut Option<Floors>,
) -> Result<()> {
    if dir.join(REPORT_FILE).is_file() {
        found.push(dir.to_path_buf());
        return Ok(());
    }
    let floor_file = dir.join("floor.yaml");
    if floor.is_none() && floor_file.is_file() {
        let text = std::fs::read_to_string(&floor_file)?;
        *floor = Some(
            serde_yaml_ng::from_str(&text).with_context(|| format!("{}", floor_file.display()))?,
        );
    }
    if depth >= MAX_DEPTH {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            find_run_dirs(&path, depth + 1, found, floor)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sweep")
    }

    #[test]
    fn aggregates_fixture_reports_into_the_comparison_table() {
        let (reports, floor) = collect(&[fixture()]).unwrap();
        assert_eq!(reports.len(), 8);
        let floor = floor.expect("the sweep's floor.yaml is found");
        let rows = aggregate::summarize(
            &reports,
            &DEFAULT_GROUP_BY,
            Some(floor.tokenizer.mb_per_sec()),
        );
        assert_eq!(rows.len(), 4);
        assert!(rows.iter().all(|r| r.runs == 2 && r.efficiency.is_some()));
        insta::assert_snapshot!(
            "markdown_table",
            format!(
                "{}\n{}",
                aggregate::to_markdown(&rows, &DEFAULT_GROUP_BY),
                aggregate::noise_verdict(&rows, &DEFAULT_GROUP_BY)
            )
        );
        insta::assert_snapshot!("csv_table", aggregate::to_csv(&rows, &DEFAULT_GROUP_BY));
    }

    #[test]
    fn group_by_other_keys() {
        let (reports, _) = collect(&[fixture().join("runs")]).unwrap();
        let rows = aggregate::summarize(&reports, &["pipeline.batch_size"], None);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].config["pipeline.batch_size"], "50");
        assert_eq!(rows[0].runs, 4);
        assert_eq!(rows[1].efficiency, None);
        assert_eq!(rows.iter().filter(|r| r.relative_to_best == 1.0).count(), 1);
    }

    #[test]
    fn missing_paths_are_errors() {
        assert!(collect(&[PathBuf::from("/nonexistent")]).is_err());
    }
}
