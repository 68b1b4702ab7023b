//! `RejectsFile`: where entries skipped under `parser.on_error: skip` are kept, verbatim.
//!
//! The file is itself a UniProt XML document (`<uniprot>` root, UniProt namespace), so after
//! fixing the entries it can be converted again. Each rejected entry is preceded by a comment
//! naming its byte range in the input and the reason. An entry larger than
//! `parser.max_entry_bytes` is not copied (that would need unbounded memory); its comment gives
//! the byte range to extract it from the input instead. The file is created on the first
//! reject only, and closed with `</uniprot>` whatever the outcome of the run.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::parse::Rejected;

/// Name of the rejects file inside a run directory.
pub const REJECTS_FILE: &str = "rejects.xml";

/// The rejects file, opened lazily.
pub struct RejectsFile {
    path: PathBuf,
    input_name: String,
    out: Option<BufWriter<File>>,
    count: u64,
}

impl RejectsFile {
    /// A rejects file at `path` (not created until the first reject).
    pub fn new(path: PathBuf, input_name: &str) -> Self {
        RejectsFile {
            path,
            input_name: input_name.to_owned(),
            out: None,
            count: 0,
        }
    }

    /// Where the rejects go.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Entries written so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Appends one rejected entry.
    pub fn write(&mut self, rejected: &Rejected) -> std::io::Result<()> {
        if self.out.is_none() {
            let mut out = BufWriter::new(File::create(&self.path)?);
            write!(
                out,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
                 <!-- entries of {} rejected by uniprot-etl (parser.on_error: skip) -->\n\
                 <uniprot xmlns=\"http://uniprot.org/uniprot\">\n",
                comment_safe(&self.input_name)
            )?;
            self.out = Some(out);
        }
        let Some(out) = self.out.as_mut() else {
            return Ok(());
        };
        let reason = comment_safe(&rejected.error.to_string());
        write!(
            out,
            "<!-- bytes {}..{}: {reason}",
            rejected.start, rejected.end
        )?;
        match &rejected.raw {
            Some(raw) => {
                out.write_all(b" -->\n")?;
                out.write_all(raw)?;
                out.write_all(b"\n")?;
            }
            None => out.write_all(
                b"; larger than parser.max_entry_bytes, not copied: extract the byte range from the input -->\n",
            )?,
        }
        // Flushed per entry: a run that dies later still leaves every reject on disk.
        out.flush()?;
        self.count += 1;
        Ok(())
    }

    /// Closes the document; returns its path when anything was written.
    pub fn finish(mut self) -> std::io::Result<Option<PathBuf>> {
        match self.out.take() {
            Some(mut out) => {
                out.write_all(b"</uniprot>\n")?;
                out.flush()?;
                out.get_ref().sync_all()?;
                Ok(Some(self.path))
            }
            None => Ok(None),
        }
    }
}

/// Text that may go inside an XML comment (no `--`, no trailing `-`, one line).
fn comment_safe(text: &str) -> String {
    let mut safe = text.replace("--", "- -").replace(['\n', '\r'], " ");
    if safe.ends_with('-') {
        safe.push(' ');
    }
    safe
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ParseError, ParseErrorKind};

    fn rejected(raw: Option<&str>) -> Rejected {
        Rejected {
            error: ParseError {
                offset: 10,
                accession: Some("P1--".into()),
                kind: ParseErrorKind::MissingAccession,
            },
            start: 5,
            end: 30,
            raw: raw.map(|r| r.as_bytes().to_vec()),
        }
    }

    #[test]
    fn rejects_form_a_uniprot_document_and_nothing_is_created_without_rejects() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(REJECTS_FILE);
        assert_eq!(
            RejectsFile::new(path.clone(), "in.xml").finish().unwrap(),
            None
        );
        assert!(!path.exists());
        let mut file = RejectsFile::new(path.clone(), "in.xml");
        file.write(&rejected(Some("<entry><name>x</name></entry>")))
            .unwrap();
        file.write(&rejected(None)).unwrap();
        assert_eq!(file.count(), 2);
        assert_eq!(file.finish().unwrap(), Some(path.clone()));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("<entry><name>x</name></entry>\n"), "{text}");
        assert!(
            text.contains("bytes 5..30: byte 10 (entry P1- -)"),
            "{text}"
        );
        assert!(text.contains("not copied"), "{text}");
        assert!(text.ends_with("</uniprot>\n"), "{text}");
        let body: String = text.lines().filter(|l| !l.starts_with("<!--")).collect();
        assert!(!body.contains("--"), "{text}");
    }
}
