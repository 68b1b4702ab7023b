//! The `uniprot-etl` binary: the library's command line ([`uniprot_etl::cli::main`]) under the
//! binary's own memory policy (the allocator, its purge delay, transparent huge pages off). No
//! conversion logic lives here.

use std::process::ExitCode;

#[cfg(feature = "mimalloc")]
use uniprot_etl::ledger::memory_setup;

/// mimalloc: workers allocate Arrow columns that the encoder and the writer free on other
/// threads; glibc malloc serialised those cross-thread frees on a lock (see README,
/// Performance).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` (`mimalloc.h`, v2 and v3 alike): the option right before
/// `mi_option_use_numa_nodes`; `libmimalloc-sys` does not name it.
#[cfg(feature = "mimalloc")]
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t =
    libmimalloc_sys::mi_option_use_numa_nodes - 1;

/// mimalloc's purge delay in milliseconds: how long freed pages stay in a thread's heap before
/// they go back to the OS. Every worker thread keeps its own heap and pages freed by other
/// threads sit in it, so peak RSS grows with `--threads` and the delay; returning pages costs a
/// page fault and zeroing when they are used again. Measured with huge pages off (README,
/// Performance, 4 interleaved rounds): 0 ms 62-64 MiB / 16 threads 137-151 MiB, kernel time
/// ~0.5 s at 2 threads; 2 ms 70-72 / 164-173 MiB, ~0.28 s; mimalloc's default 10 ms 74-79 /
/// 174-180 MiB, ~0.2 s.
#[cfg(feature = "mimalloc")]
const PURGE_DELAY_MS: std::ffi::c_long = 2;

/// Sets [`PURGE_DELAY_MS`] (`MIMALLOC_PURGE_DELAY` in the environment still wins) and names
/// the allocator with the delay in effect for the run reports.
#[cfg(feature = "mimalloc")]
fn set_purge_delay() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets a process-wide option; mimalloc allows this at any time.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
    }
    // SAFETY: reads a process-wide option.
    let delay = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
    memory_setup::describe_allocator(format!("mimalloc v2, purge delay {delay} ms"));
}

/// Turns transparent huge pages off for this process (`PR_SET_THP_DISABLE`, Linux): mimalloc
/// asks for them on its arenas (`madvise(MADV_HUGEPAGE)`), so every page it purged and reused
/// came back as a 2 MiB page the kernel zeroed whole and counted whole in RSS. Measured at a
/// purge delay of 0 (README, Performance): peak RSS 69 -> 56 MiB at 1 thread, 191-200 -> 149-153
/// MiB at 16 threads, kernel time roughly halved. `MIMALLOC_ALLOW_THP=1` in the environment
/// keeps them.
fn refuse_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // SAFETY: prctl with integer arguments only sets a flag of this process; failure (an
        // old kernel) leaves huge pages on, which is only slower.
        unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
    }
}

fn main() -> ExitCode {
    refuse_transparent_huge_pages();
    #[cfg(feature = "mimalloc")]
    set_purge_delay();
    ExitCode::from(uniprot_etl::cli::main(std::env::args_os()))
}

#[cfg(all(test, feature = "mimalloc"))]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_option_is_the_one_we_think() {
        // mimalloc v2's default purge delay is 10 ms; no neighbouring option defaults to 10
        // (the test process never sets it).
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            // SAFETY: reads a process-wide option.
            let value = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
            assert_eq!(value, 10);
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod huge_page_tests {
    #[test]
    fn transparent_huge_pages_are_refused_for_the_process() {
        if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
            super::refuse_transparent_huge_pages();
            // SAFETY: reads a flag of this process.
            let disabled = unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) };
            assert_eq!(disabled, 1);
        }
    }
}
