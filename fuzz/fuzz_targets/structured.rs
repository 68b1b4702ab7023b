//! Fuzz target: `uniprot_etl::lab::fuzz::structured` on the fuzzer's bytes (see the function's docs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    uniprot_etl::lab::fuzz::structured(data);
});
