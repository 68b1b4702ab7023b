//! `cargo xtask schema-doc`: writes the generated part of `docs/SCHEMA.md` (the column and shape
//! tables) from the schema's declarations; `tests/tidy.rs` fails while the page is stale.

use anyhow::{Context, Result};

use crate::project;

/// Rewrites the generated part of docs/SCHEMA.md and prints the page's path.
pub fn run() -> Result<()> {
    let path = project::root().join("docs/SCHEMA.md");
    let page =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let updated = uniprot_etl::table::docs::update(&page).with_context(|| {
        format!(
            "{} has no generated part: put the lines `{}` and `{}` where it goes",
            path.display(),
            uniprot_etl::table::docs::BEGIN_MARKER,
            uniprot_etl::table::docs::END_MARKER
        )
    })?;
    std::fs::write(&path, updated).with_context(|| format!("writing {}", path.display()))?;
    println!("{}", path.display());
    Ok(())
}
