//! Protein sequences as UniProt describes them: residues drawn with the amino-acid composition
//! of real proteins, and the two figures of a `<sequence>` element computed from its residues —
//! the CRC64 `checksum` ([`crc64`], kept with the isoforms that need it too) and the average
//! `mass` in daltons. The lab's release-like corpora give every copy of an entry a
//! sequence of its own this way.

use rand::{Rng, RngCore};

pub use crate::isoform::crc64;

/// The 20 amino acids with their share of the residues of UniProtKB/Swiss-Prot, in parts per
/// 10 000 (the release statistics' composition table).
const COMPOSITION: [(u8, u32); 20] = [
    (b'A', 825),
    (b'R', 553),
    (b'N', 406),
    (b'D', 545),
    (b'C', 137),
    (b'Q', 393),
    (b'E', 675),
    (b'G', 707),
    (b'H', 227),
    (b'I', 596),
    (b'L', 966),
    (b'K', 584),
    (b'M', 242),
    (b'F', 386),
    (b'P', 470),
    (b'S', 656),
    (b'T', 534),
    (b'W', 108),
    (b'Y', 292),
    (b'V', 687),
];

/// A residue drawn with the [`COMPOSITION`] of real proteins.
pub fn draw_residue(rng: &mut impl RngCore) -> u8 {
    let total: u32 = COMPOSITION.iter().map(|(_, share)| share).sum();
    let mut pick = rng.random_range(0..total);
    for (residue, share) in COMPOSITION {
        if pick < share {
            return residue;
        }
        pick -= share;
    }
    b'L'
}

/// Average mass of one residue within a chain (daltons), for the 20 standard amino acids and
/// selenocysteine; `None` for the others (X, B, Z, O…).
fn residue_mass(residue: u8) -> Option<f64> {
    Some(match residue {
        b'A' => 71.0788,
        b'R' => 156.1875,
        b'N' => 114.1038,
        b'D' => 115.0886,
        b'C' => 103.1388,
        b'E' => 129.1155,
        b'Q' => 128.1307,
        b'G' => 57.0519,
        b'H' => 137.1411,
        b'I' => 113.1594,
        b'L' => 113.1594,
        b'K' => 128.1741,
        b'M' => 131.1926,
        b'F' => 147.1766,
        b'P' => 97.1167,
        b'S' => 87.0782,
        b'T' => 101.1051,
        b'W' => 186.2132,
        b'Y' => 163.1760,
        b'V' => 99.1326,
        b'U' => 150.0388,
        _ => return None,
    })
}

/// The average mass of the chain `residues` (plus one water), rounded to whole daltons as in
/// `<sequence mass>`; `None` when a residue has no defined mass.
pub fn average_mass(residues: &[u8]) -> Option<u64> {
    const WATER: f64 = 18.01524;
    let mut mass = WATER;
    for &residue in residues {
        mass += residue_mass(residue)?;
    }
    Some(mass.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn drawn_residues_follow_the_composition() {
        let mut rng = rand_pcg::Pcg64::seed_from_u64(7);
        let drawn: Vec<u8> = (0..200_000).map(|_| draw_residue(&mut rng)).collect();
        let leucines = drawn.iter().filter(|&&r| r == b'L').count() as f64 / drawn.len() as f64;
        let tryptophans = drawn.iter().filter(|&&r| r == b'W').count() as f64 / drawn.len() as f64;
        assert!((leucines - 0.0966).abs() < 0.003, "{leucines}");
        assert!((tryptophans - 0.0108).abs() < 0.001, "{tryptophans}");
        assert!(drawn
            .iter()
            .all(|r| COMPOSITION.iter().any(|(c, _)| c == r)));
    }

    #[test]
    fn masses_add_residues_and_one_water() {
        assert_eq!(average_mass(b"G"), Some(75));
        assert_eq!(average_mass(b"GX"), None);
    }
}
