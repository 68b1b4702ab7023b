//! The integration test binary: one `mod` per topic, sharing `util`.

mod util;

mod cli;
mod dask;
mod dataset;
mod export;
mod faults;
mod fuzz_replay;
mod isoforms;
mod ledger;
mod lexer;
mod pipeline;
mod reliability;
mod roundtrip;
mod samples;
mod schema;
mod synth;
mod tidy;
