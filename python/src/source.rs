//! Where a scan reads from: a file opened here (its name and size known), or a Python binary
//! file object read through its `readinto` (or `read`) method, taking the GIL for each read
//! only.

use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes};

/// An opened source, ready to move to the scan's thread.
pub enum Source {
    /// A file on disk.
    File {
        /// The open file.
        file: File,
        /// Its size, for progress.
        size: u64,
    },
    /// A Python binary file object.
    Python(PyReader),
}

impl Source {
    /// The source for `source`: a path (`str` or `os.PathLike`), opened now so that a missing
    /// file fails here, or an object with a `read` method.
    pub fn open(py: Python<'_>, source: &Bound<'_, PyAny>) -> PyResult<(Source, String)> {
        if source.hasattr("read")? {
            let name = source
                .getattr("name")
                .ok()
                .and_then(|n| n.extract::<String>().ok())
                .unwrap_or_else(|| "<file object>".to_owned());
            let reader = PyReader {
                object: source.clone().unbind(),
                readinto: source.hasattr("readinto")?,
            };
            return Ok((Source::Python(reader), name));
        }
        let path: PathBuf = source.extract().map_err(|_| {
            PyTypeError::new_err(
                "source must be a path (str or os.PathLike) or a binary file object",
            )
        })?;
        let name = path.display().to_string();
        let opened = File::open(&path).and_then(|file| {
            let metadata = file.metadata()?;
            if metadata.is_dir() {
                return Err(io::Error::new(
                    io::ErrorKind::IsADirectory,
                    "is a directory",
                ));
            }
            Ok((file, metadata.len()))
        });
        match opened {
            Ok((file, size)) => Ok((Source::File { file, size }, name)),
            Err(error) => {
                let error = uniprot_etl::error::Error::Input { path: name, error };
                Err(crate::errors::to_py(py, &error))
            }
        }
    }

    /// The raw byte stream and its size when known.
    pub fn into_raw(self) -> (Box<dyn Read + Send>, Option<u64>) {
        match self {
            Source::File { file, size, .. } => (Box::new(file), Some(size)),
            Source::Python(reader) => (Box::new(reader), None),
        }
    }

    /// Whether reading needs the GIL.
    pub fn is_python(&self) -> bool {
        matches!(self, Source::Python(_))
    }
}

/// A Python binary file object as a `Read`: each read takes the GIL, calls `readinto` (into a
/// bytearray, then copied) or `read`, and turns a Python exception into an I/O error.
pub struct PyReader {
    object: Py<PyAny>,
    readinto: bool,
}

impl Read for PyReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        Python::attach(|py| self.read_attached(py, buf)).map_err(|e| {
            Python::attach(|py| {
                io::Error::other(format!("reading the file object: {}", e.value(py)))
            })
        })
    }
}

impl PyReader {
    fn read_attached(&self, py: Python<'_>, buf: &mut [u8]) -> PyResult<usize> {
        let object = self.object.bind(py);
        if self.readinto {
            let target = PyByteArray::new_with(py, buf.len(), |_| Ok(()))?;
            let read = object.call_method1("readinto", (&target,))?;
            let n: usize = if read.is_none() { 0 } else { read.extract()? };
            let n = n.min(buf.len());
            // SAFETY: the bytearray is ours alone and not resized while we copy out of it.
            let bytes = unsafe { target.as_bytes() };
            buf[..n].copy_from_slice(&bytes[..n]);
            return Ok(n);
        }
        let chunk = object.call_method1("read", (buf.len(),))?;
        let bytes = chunk.cast::<PyBytes>().map_err(|_| {
            PyTypeError::new_err("the file object returned text: open it in binary mode ('rb')")
        })?;
        let bytes = bytes.as_bytes();
        let n = bytes.len().min(buf.len());
        buf[..n].copy_from_slice(&bytes[..n]);
        Ok(n)
    }
}
