//! `cargo xtask columns`: where a conversion's time and bytes go, column by column
//! (`lab::column_costs`, measured in this process on one thread): build and encode time per
//! top-level column, and per leaf column its encode time, bytes before and after compression,
//! dictionary and statistics. Prints the tables and keeps them, with the figures as YAML, under
//! runs/columns/.

use anyhow::Result;
use uniprot_etl::config::Settings;
use uniprot_etl::lab::column_costs;

use crate::corpus;
use crate::flags::ColumnsArgs;
use crate::project;

/// Measures, prints and keeps the column costs of the corpus.
pub fn run(args: ColumnsArgs) -> Result<()> {
    let corpus = corpus::resolve(&args.corpus)?;
    let costs = column_costs::measure(
        &corpus.to_string_lossy(),
        &Settings::default(),
        args.repeats,
    )?;
    let table = column_costs::markdown(&costs, args.top);
    print!("{table}");
    let out_dir = project::root().join("runs/columns");
    std::fs::create_dir_all(&out_dir)?;
    let stamp = chrono::Local::now().format("%Y%m%d_%H%M%S");
    let markdown = out_dir.join(format!("columns_{stamp}.md"));
    std::fs::write(
        &markdown,
        format!("corpus: `{}`\n\n{table}", corpus.display()),
    )?;
    std::fs::write(
        out_dir.join(format!("columns_{stamp}.yaml")),
        serde_yaml_ng::to_string(&costs)?,
    )?;
    println!("{}", markdown.display());
    Ok(())
}
