//! Every converter error as an exception of the package's hierarchy (`uniprot_etl/_errors.py`):
//! this file decides the kind (bad XML, input, output, configuration, column, interrupted,
//! internal) and the attributes (path, byte offset, accession, errno, close matches); the
//! Python side picks the class.

use pyo3::exceptions::{PyKeyboardInterrupt, PyRuntimeError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use uniprot_etl::error::{chain, Error, ParseErrorKind};

/// The Python exception for `error`.
pub fn to_py(py: Python<'_>, error: &Error) -> PyErr {
    if let Error::Interrupted { .. } = error {
        return PyKeyboardInterrupt::new_err(error.to_string());
    }
    build(py, error).unwrap_or_else(|e| e)
}

/// The converter error as an `ArrowError` for a consumer of the C stream: its whole chain in
/// the message, which is all that crosses the interface.
pub fn to_arrow(error: &Error) -> arrow::error::ArrowError {
    // arrow's C stream turns the message into a C string: a NUL (a file object's name or
    // exception text may hold one) would panic inside its `extern "C"` callback.
    let message = chain(error).replace('\0', "\\0");
    arrow::error::ArrowError::ExternalError(message.into())
}

fn build(py: Python<'_>, error: &Error) -> PyResult<PyErr> {
    let attributes = PyDict::new(py);
    let kind = match error {
        Error::Parse { path, error } => {
            attributes.set_item("path", path)?;
            attributes.set_item("offset", error.offset)?;
            attributes.set_item("accession", error.accession.as_deref())?;
            match &error.kind {
                ParseErrorKind::Io(io) => {
                    attributes.set_item("errno", io.raw_os_error())?;
                    "input"
                }
                _ => "xml",
            }
        }
        Error::Input { path, error } => {
            attributes.set_item("path", path)?;
            attributes.set_item("errno", error.raw_os_error())?;
            attributes.set_item("io_kind", format!("{:?}", error.kind()))?;
            "input"
        }
        Error::Split { path, offset, .. } => {
            attributes.set_item("path", path)?;
            attributes.set_item("offset", offset)?;
            "xml"
        }
        Error::UnknownColumn(unknown) => {
            attributes.set_item("column", &unknown.name)?;
            attributes.set_item("suggestions", &unknown.close)?;
            "column"
        }
        Error::Export { path, .. } => {
            attributes.set_item("path", path.display().to_string())?;
            "input"
        }
        Error::Config(_) | Error::ConfigFile { .. } | Error::Shard { .. } => "config",
        Error::Write { path, .. } | Error::Abandoned { path } | Error::Rejects { path, .. } => {
            attributes.set_item("path", path)?;
            "output"
        }
        Error::RunDir { .. } | Error::Dataset { .. } | Error::DatasetFile { .. } => "output",
        Error::Closed { .. } => "closed",
        _ => "internal",
    };
    let module = py.import("uniprot_etl._errors")?;
    let exception = module.call_method1("_from_native", (kind, chain(error), attributes))?;
    Ok(PyErr::from_value(exception))
}

/// The `ConfigError` for an invalid argument (`message` says which and why).
pub fn config(py: Python<'_>, message: String) -> PyErr {
    to_py(py, &Error::Config(message))
}

/// The exception for a panic caught in the converter (the reader is unusable afterwards).
pub fn panicked(what: &str) -> PyErr {
    PyRuntimeError::new_err(format!("uniprot_etl: internal error: {what} panicked"))
}
