//! `uniprot_etl._native`: the converter as a Python extension module. The Python package
//! (`python/uniprot_etl`) is the API; this module gives it the scan ([`scan::Scanner`]), the
//! conversion ([`convert::convert`]), the schema and column names, and the command line.
//! Arrow data leaves through the Arrow PyCapsule interface ([`export`]); every error becomes a
//! Python exception of the package's hierarchy ([`errors`]).

mod convert;
mod errors;
mod export;
mod scan;
mod source;

use pyo3::prelude::*;
use uniprot_etl::table::{projection, schema, Projection};

/// mimalloc, as in the `uniprot-etl` binary: workers allocate the Arrow columns that other
/// threads (and Python, through the C data interface's release callbacks) free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The Arrow schema of `columns` (every column when `None`) of `table` (`entries` or
/// `isoforms`), as an object exporting `__arrow_c_schema__`. Unknown names raise
/// `ColumnError` with the close matches (entries) or `ConfigError` (isoforms).
#[pyfunction]
#[pyo3(signature = (columns=None, table="entries"))]
fn schema_of(
    py: Python<'_>,
    columns: Option<Vec<String>>,
    table: &str,
) -> PyResult<export::ArrowSchema> {
    match table {
        "entries" => {
            let projection = match columns {
                None => Projection::all(),
                Some(names) => Projection::parse(&names)
                    .map_err(|e| errors::to_py(py, &uniprot_etl::error::Error::from(e)))?,
            };
            Ok(export::ArrowSchema::new(projection.schema()))
        }
        "isoforms" => scan::isoform_columns(columns)
            .map(|(_, schema)| export::ArrowSchema::new(schema))
            .map_err(|e| errors::to_py(py, &e)),
        other => Err(errors::config(
            py,
            format!("table must be \"entries\" or \"isoforms\", not {other:?}"),
        )),
    }
}

/// Every column path a projection may name: top-level columns and dotted paths into structs.
#[pyfunction]
fn column_paths() -> Vec<String> {
    projection::column_paths()
}

/// The schema described in text (`uniprot-etl schema`).
#[pyfunction]
fn describe_schema() -> String {
    schema::describe()
}

/// Runs the `uniprot-etl` command line with `argv` (program name first); returns its exit
/// code. The GIL is released while it runs.
#[pyfunction]
fn cli_main(py: Python<'_>, argv: Vec<String>) -> u8 {
    py.detach(|| uniprot_etl::cli::main(argv))
}

/// The module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    scan::remember_main_thread();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<scan::Scanner>()?;
    m.add_class::<export::ArrowSchema>()?;
    m.add_class::<export::ArrowBatch>()?;
    m.add_function(wrap_pyfunction!(schema_of, m)?)?;
    m.add_function(wrap_pyfunction!(column_paths, m)?)?;
    m.add_function(wrap_pyfunction!(describe_schema, m)?)?;
    m.add_function(wrap_pyfunction!(convert::convert, m)?)?;
    m.add_function(wrap_pyfunction!(convert::export, m)?)?;
    m.add_function(wrap_pyfunction!(cli_main, m)?)?;
    Ok(())
}
