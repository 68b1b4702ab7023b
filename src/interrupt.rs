//! The quit flag: SIGINT and SIGTERM ask a conversion to stop cleanly.
//!
//! The first signal only records which signal arrived; the parser checks the flag between
//! entries, stops, the writer abandons its temporary file, and the run report says
//! `interrupted`. A second signal while stopping exits at once with `128 + signal` (the temporary
//! file is then cleaned by the next run). The flag never does I/O inside the signal handler.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

/// Set by a termination signal; checked by the parser between entries.
#[derive(Debug, Clone, Default)]
pub struct QuitFlag {
    signal: Arc<AtomicUsize>,
}

impl QuitFlag {
    /// A flag no signal is connected to (library use, tests).
    pub fn new() -> Self {
        QuitFlag::default()
    }

    /// A flag that SIGINT and SIGTERM set; a second such signal exits at once.
    #[cfg(unix)]
    pub fn install() -> std::io::Result<Self> {
        use signal_hook::consts::{SIGINT, SIGTERM};
        use signal_hook::flag;
        let flag = QuitFlag::new();
        let armed = Arc::new(AtomicBool::new(false));
        for signal in [SIGINT, SIGTERM] {
            // Order matters: the shutdown action sees `armed` as it was before this signal.
            flag::register_conditional_shutdown(signal, 128 + signal, Arc::clone(&armed))?;
            flag::register(signal, Arc::clone(&armed))?;
            flag::register_usize(signal, Arc::clone(&flag.signal), signal as usize)?;
        }
        Ok(flag)
    }

    /// Without Unix signals there is nothing to connect; the flag stays unset.
    #[cfg(not(unix))]
    pub fn install() -> std::io::Result<Self> {
        Ok(QuitFlag::new())
    }

    /// Asks the conversion to stop as if `signal` had arrived.
    pub fn request(&self, signal: i32) {
        self.signal.store(signal as usize, Ordering::SeqCst);
    }

    /// The signal that asked to stop, if any.
    pub fn requested(&self) -> Option<i32> {
        match self.signal.load(Ordering::Relaxed) {
            0 => None,
            signal => Some(signal as i32),
        }
    }
}

/// The conventional exit code of a process stopped by `signal`: 128 + its number.
pub fn exit_code(signal: i32) -> u8 {
    u8::try_from(128 + signal).unwrap_or(u8::MAX)
}

/// The name of a termination signal, for messages.
pub fn signal_name(signal: i32) -> &'static str {
    match signal {
        2 => "SIGINT",
        15 => "SIGTERM",
        _ => "a signal",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_records_the_signal_and_the_exit_code_follows_convention() {
        let flag = QuitFlag::new();
        assert_eq!(flag.requested(), None);
        flag.clone().request(15);
        assert_eq!(flag.requested(), Some(15));
        assert_eq!(exit_code(2), 130);
        assert_eq!(exit_code(15), 143);
        assert_eq!(signal_name(2), "SIGINT");
    }
}
