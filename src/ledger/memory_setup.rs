//! How the process gets its memory, for the report's `host` section: the allocator and its
//! settings, and whether transparent huge pages are on. Both change peak RSS by a quarter and
//! kernel time by half on the same input (README, Performance), so runs compared in the ledger
//! must say which setup they ran with.

use std::sync::OnceLock;

static ALLOCATOR: OnceLock<String> = OnceLock::new();

/// Records the allocator the program installed, with its settings (e.g. `mimalloc v2, purge
/// delay 2 ms`); the first call wins. The library cannot see which global allocator a program
/// installed, so the program says it.
pub fn describe_allocator(description: String) {
    let _ = ALLOCATOR.set(description);
}

/// The allocator as described by [`describe_allocator`], else `system` (a library caller that
/// installed none).
pub fn allocator() -> String {
    ALLOCATOR
        .get()
        .cloned()
        .unwrap_or_else(|| "system".to_owned())
}

/// Transparent huge pages for this process: `off` when the process disabled them
/// (`PR_SET_THP_DISABLE`), else the system's mode (`always`, `madvise` or `never`, from
/// `/sys/kernel/mm/transparent_hugepage/enabled`); empty where unknown (not Linux).
pub fn huge_pages() -> String {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: reads a flag of this process; no pointers are passed.
        if unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) } == 1 {
            return "off".to_owned();
        }
        std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled")
            .ok()
            .and_then(|modes| selected_mode(&modes).map(str::to_owned))
            .unwrap_or_default()
    }
    #[cfg(not(target_os = "linux"))]
    {
        String::new()
    }
}

/// The bracketed word of a sysfs choice list (`always [madvise] never` → `madvise`).
fn selected_mode(modes: &str) -> Option<&str> {
    let start = modes.find('[')? + 1;
    let len = modes[start..].find(']')?;
    Some(&modes[start..start + len])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_selected_mode_is_the_bracketed_word() {
        assert_eq!(selected_mode("always [madvise] never\n"), Some("madvise"));
        assert_eq!(selected_mode("[always] madvise never"), Some("always"));
        assert_eq!(selected_mode("always madvise never"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn huge_pages_read_off_once_the_process_disables_them() {
        // SAFETY: sets a flag of this test process (huge pages only change speed and RSS).
        assert_eq!(
            unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) },
            0
        );
        assert_eq!(huge_pages(), "off");
    }
}
