//! The integration test binary: one `mod` per topic, sharing `util`.

mod util;

mod cli;
mod ledger;
mod pipeline;
mod roundtrip;
mod samples;
mod schema;
mod synth;
