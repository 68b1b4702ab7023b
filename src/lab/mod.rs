//! The performance lab's library parts, beside the converter rather than in it: [`synth`]
//! (synthetic and replicated corpora, written as XML by [`crate::export::xml`]), [`floor`] (the I/O, tokenizer and parse-only throughput
//! floors), [`fuzz`] (the fuzz targets' entry points, replayed by `cargo test`) and `random`
//! (feature `random`: random entries for property tests and structured fuzzing).

pub mod column_costs;
pub mod floor;
#[cfg(feature = "random")]
pub mod fuzz;
#[cfg(feature = "random")]
pub mod random;
pub mod synth;
