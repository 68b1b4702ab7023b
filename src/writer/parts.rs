//! The names of a dataset unit's part files: `part-UUUUU-FFFFF.parquet`, unit then file index.
//!
//! The writer names the files it rolls over to; the dataset's records and checks read the
//! names back. Nothing else here.

/// File name of the `index`-th part (from 0) of unit `unit`.
pub fn part_file_name(unit: u32, index: u32) -> String {
    format!("part-{unit:05}-{index:05}.parquet")
}

/// The directory of a dataset's isoforms part set (`--isoforms`), inside the dataset: its own,
/// so that readers of the entries' parts (`dir/*.parquet`) do not take it.
pub const ISOFORMS_DIR: &str = "isoforms";

/// The isoforms part of unit `unit`, relative to the dataset directory: one per unit.
pub fn isoforms_part_name(unit: u32) -> String {
    format!("{ISOFORMS_DIR}/{}", part_file_name(unit, 0))
}

/// The unit and index of a part file's name, if it is one.
pub fn parse_part_file_name(name: &str) -> Option<(u32, u32)> {
    let rest = name.strip_prefix("part-")?.strip_suffix(".parquet")?;
    let (unit, index) = rest.split_once('-')?;
    let number = |s: &str| {
        (s.len() == 5 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    Some((number(unit)?, number(index)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_names_round_trip_and_nothing_else_parses() {
        assert_eq!(part_file_name(3, 12), "part-00003-00012.parquet");
        assert_eq!(
            parse_part_file_name("part-00003-00012.parquet"),
            Some((3, 12))
        );
        for other in [
            "part-3-12.parquet",
            "part-00003.parquet",
            "x.parquet",
            ".part-00003-00012.parquet",
        ] {
            assert_eq!(parse_part_file_name(other), None, "{other}");
        }
    }
}
