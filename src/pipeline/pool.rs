//! The worker pool: `threads` named threads that take jobs from two queues, encoding first.
//!
//! Nothing inside the pool waits for other jobs: the in-order stage queues one encode job per
//! top-level field (per leaf column when closing a row group) and waits outside the pool until
//! the last of them has answered. (A work-stealing pool
//! such as rayon lets a thread that waits for the rest of a parallel call run queued jobs
//! meanwhile; here that was a whole chunk's parse, so every encode call, the in-order stage
//! behind it and the chunk slots it holds waited for it while the other thread idled.)
//! A free thread takes a queued encode job before a parse job, so rows already parsed leave
//! memory before more are made.

use crossbeam_channel::{select_biased, unbounded, Sender};

/// A unit of work on the pool. It must not panic out: jobs catch their own panics and report
/// them, since the stage waiting for their answer would otherwise wait for ever.
pub type Job = Box<dyn FnOnce() + Send + 'static>;

/// The queues of the pool, cloned for each stage that queues jobs; once every clone is dropped
/// the threads run the jobs still queued and finish.
#[derive(Clone)]
pub struct Pool {
    first: Sender<Job>,
    then: Sender<Job>,
}

impl Pool {
    /// Starts `threads` threads named `worker-N` inside `scope`.
    pub fn start<'scope>(
        scope: &'scope std::thread::Scope<'scope, '_>,
        threads: usize,
    ) -> std::io::Result<Pool> {
        let (first, first_rx) = unbounded::<Job>();
        let (then, then_rx) = unbounded::<Job>();
        for index in 0..threads {
            let (first_rx, then_rx) = (first_rx.clone(), then_rx.clone());
            std::thread::Builder::new()
                .name(format!("worker-{index}"))
                .spawn_scoped(scope, move || loop {
                    let job = select_biased! {
                        recv(first_rx) -> job => job,
                        recv(then_rx) -> job => job,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => {
                            // One queue is closed and empty, so both senders are gone (they
                            // go together): run what the other still holds, then stop.
                            first_rx
                                .try_iter()
                                .chain(then_rx.try_iter())
                                .for_each(|job| job());
                            break;
                        }
                    }
                })?;
        }
        Ok(Pool { first, then })
    }

    /// Queues an encode job: taken before any parse job.
    pub fn encode(&self, job: Job) {
        // The receivers live as long as the threads, which outlive the pool's senders.
        let _ = self.first.send(job);
    }

    /// Queues a parse job.
    pub fn parse(&self, job: Job) {
        let _ = self.then.send(job);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[test]
    fn a_free_thread_takes_encode_jobs_before_parse_jobs() {
        let order = Arc::new(Mutex::new(Vec::new()));
        std::thread::scope(|scope| {
            let pool = Pool::start(scope, 1).expect("thread starts");
            // Hold the one thread until both kinds of job are queued.
            let (release, held) = crossbeam_channel::bounded::<()>(0);
            pool.parse(Box::new(move || {
                let _ = held.recv();
            }));
            for name in ["parse 1", "parse 2"] {
                let order = Arc::clone(&order);
                pool.parse(Box::new(move || order.lock().unwrap().push(name)));
            }
            for name in ["encode 1", "encode 2"] {
                let order = Arc::clone(&order);
                pool.encode(Box::new(move || order.lock().unwrap().push(name)));
            }
            release.send(()).expect("the holding job waits");
        });
        // The scope ended: the threads finished every queued job once the pool was dropped.
        assert_eq!(
            *order.lock().unwrap(),
            ["encode 1", "encode 2", "parse 1", "parse 2"]
        );
    }

    #[test]
    fn jobs_spread_over_all_threads() {
        let threads = Arc::new(Mutex::new(std::collections::BTreeSet::new()));
        std::thread::scope(|scope| {
            let pool = Pool::start(scope, 3).expect("threads start");
            let barrier = Arc::new(std::sync::Barrier::new(3));
            for _ in 0..3 {
                let (threads, barrier) = (Arc::clone(&threads), Arc::clone(&barrier));
                pool.encode(Box::new(move || {
                    // Each job waits for the other two: they can only finish on three threads.
                    barrier.wait();
                    let name = std::thread::current().name().map(str::to_owned);
                    threads.lock().unwrap().insert(name);
                }));
            }
        });
        let names = threads.lock().unwrap().clone();
        let expected = (0..3).map(|i| Some(format!("worker-{i}"))).collect();
        assert_eq!(names, expected);
    }
}
