//! `Ticker`: a named background thread that runs a [`Periodic`] task every interval until
//! stopped, then runs its `finish` (so short runs still get one final tick) and hands back the
//! result. Stopping is prompt: the thread waits on a channel, not in `sleep`.
//! Used by the resource sampler and the progress bar; neither touches the hot path.

use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::{bounded, RecvTimeoutError, Sender};

/// A task run periodically on its own thread.
pub trait Periodic: Send + 'static {
    /// What the task returns when stopped.
    type Output: Send + 'static;
    /// One period's work.
    fn tick(&mut self);
    /// Called once when stopped; returns the result.
    fn finish(self) -> Self::Output;
}

/// Handle of a running periodic task.
pub struct Ticker<O> {
    stop: Sender<()>,
    handle: JoinHandle<O>,
}

impl<O: Send + 'static> Ticker<O> {
    /// Starts `task` on a thread called `name`, ticking every `interval`.
    pub fn spawn<P: Periodic<Output = O>>(
        name: &str,
        interval: Duration,
        mut task: P,
    ) -> std::io::Result<Ticker<O>> {
        let (stop, stopped) = bounded::<()>(1);
        let handle = std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(interval) {
                    task.tick();
                }
                task.finish()
            })?;
        Ok(Ticker { stop, handle })
    }

    /// Stops the task, joins its thread and returns its result (`None` if it panicked).
    pub fn stop(self) -> Option<O> {
        let _ = self.stop.send(());
        self.handle.join().ok()
    }
}
