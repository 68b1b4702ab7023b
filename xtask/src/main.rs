//! The uniprot-etl performance lab and project tasks: `cargo xtask gen | sweep | report |
//! flamegraph | floor | regress | compare | columns | schema-doc`.
//!
//! One module per task; each task's `run` does the work and ends by printing the path of what
//! it wrote. Conversions run as the release binary in its own process (clean RSS, real
//! startup); aggregation and tables come from the converter's library (`ledger::aggregate`).

mod charts;
mod columns;
mod compare;
mod corpus;
mod flags;
mod flamegraph;
mod floor;
mod gen;
mod project;
mod regress;
mod report;
mod schema_doc;
mod sweep;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let flags = flags::Xtask::parse();
    let result = match flags.command {
        flags::Command::Gen(args) => gen::run(args),
        flags::Command::Sweep(args) => sweep::run(args),
        flags::Command::Report(args) => report::run(args),
        flags::Command::Flamegraph(args) => flamegraph::run(args),
        flags::Command::Floor(args) => floor::run(args),
        flags::Command::Regress(args) => regress::run(args),
        flags::Command::Compare(args) => compare::run(args),
        flags::Command::SchemaDoc => schema_doc::run(),
        flags::Command::Columns(args) => columns::run(args),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
