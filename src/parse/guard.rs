//! `TokenGuard`: a `BufRead` adapter between the input and quick-xml that bounds the bytes one
//! XML event may span, and optionally keeps a copy of the raw bytes of the element in progress.
//!
//! quick-xml buffers a whole event (a text node, a tag, a comment) before returning it, so a
//! 200 MB text node or a 1 GB line without markup would be held in memory in full before any
//! check after the fact could run. The guard counts the bytes quick-xml consumes since the
//! cursor last called [`TokenGuard::start_event`]; it never shows quick-xml more than the
//! remaining budget (plus one byte), and once the budget is spent `fill_buf` fails, so memory
//! stays bounded by the limit whatever the input. It never touches the file system; the copy it
//! keeps (for rejected entries) is bounded by the caller's cap.

use std::io::{self, BufRead, Read};

/// Bounds event size and captures raw bytes; see the module docs.
pub struct TokenGuard<R> {
    inner: R,
    /// Largest number of bytes one event may span.
    max_event_bytes: u64,
    /// Bytes consumed since the last `start_event`.
    event_bytes: u64,
    /// Set once the budget was exceeded; reported by the cursor as a limit error.
    tripped: bool,
    /// Raw bytes consumed since the last `start_capture`, when capturing.
    capture: Option<Vec<u8>>,
    /// Bytes beyond which the capture stops growing (and is marked truncated).
    max_capture_bytes: usize,
    /// The capture dropped bytes because of `max_capture_bytes`.
    capture_truncated: bool,
}

impl<R: BufRead> TokenGuard<R> {
    /// Wraps `inner`; one event may span at most `max_event_bytes` bytes.
    pub fn new(inner: R, max_event_bytes: u64) -> Self {
        TokenGuard {
            inner,
            max_event_bytes,
            event_bytes: 0,
            tripped: false,
            capture: None,
            max_capture_bytes: 0,
            capture_truncated: false,
        }
    }

    /// Starts the budget of a new event.
    pub fn start_event(&mut self) {
        self.event_bytes = 0;
    }

    /// True when the last failure of `fill_buf` was the event budget, not the input.
    pub fn tripped(&self) -> bool {
        self.tripped
    }

    /// Turns capturing on, keeping at most `max_bytes` of each captured stretch.
    pub fn enable_capture(&mut self, max_bytes: usize) {
        self.capture = Some(Vec::new());
        self.max_capture_bytes = max_bytes;
    }

    /// Starts a new captured stretch (the bytes of the next top-level element).
    pub fn start_capture(&mut self) {
        if let Some(capture) = &mut self.capture {
            capture.clear();
            self.capture_truncated = false;
        }
    }

    /// The bytes captured since `start_capture` and whether the cap cut them short.
    pub fn captured(&self) -> (&[u8], bool) {
        match &self.capture {
            Some(capture) => (capture, self.capture_truncated),
            None => (&[], false),
        }
    }
}

impl<R: BufRead> Read for TokenGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for TokenGuard<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.event_bytes > self.max_event_bytes {
            self.tripped = true;
            return Err(io::Error::other(format!(
                "one XML token exceeds {} bytes",
                self.max_event_bytes
            )));
        }
        // At least one byte is always shown, so quick-xml sees the end of a token that ends
        // exactly at the budget; a token that does not end there spends it and fails next time.
        let allowed = (self.max_event_bytes - self.event_bytes).saturating_add(1);
        let available = self.inner.fill_buf()?;
        let shown = available
            .len()
            .min(usize::try_from(allowed).unwrap_or(usize::MAX));
        Ok(&available[..shown])
    }

    fn consume(&mut self, amount: usize) {
        self.event_bytes = self.event_bytes.saturating_add(amount as u64);
        if let Some(capture) = &mut self.capture {
            let room = self.max_capture_bytes.saturating_sub(capture.len());
            if amount > room {
                self.capture_truncated = true;
            }
            // The bytes being consumed are still in the inner buffer: `fill_buf` returns them
            // again without reading (the `BufRead` contract).
            if let Ok(available) = self.inner.fill_buf() {
                let kept = amount.min(room).min(available.len());
                capture.extend_from_slice(&available[..kept]);
            }
        }
        self.inner.consume(amount);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_within_budget_passes_and_a_longer_one_fails() {
        let data = [b'a'; 100];
        let mut guard = TokenGuard::new(&data[..], 10);
        let mut out = Vec::new();
        let err = guard.read_to_end(&mut out).unwrap_err();
        assert!(err.to_string().contains("exceeds 10 bytes"), "{err}");
        assert!(guard.tripped());
        assert_eq!(out.len(), 11);

        let mut guard = TokenGuard::new(&data[..], 10);
        let mut total = 0;
        for _ in 0..10 {
            guard.start_event();
            let mut chunk = [0u8; 10];
            guard.read_exact(&mut chunk).unwrap();
            total += 10;
        }
        assert_eq!(total, 100);
        assert!(!guard.tripped());
    }

    #[test]
    fn capture_keeps_bytes_up_to_its_cap() {
        let data = b"<entry>abc</entry>".to_vec();
        let mut guard = TokenGuard::new(&data[..], 1000);
        guard.enable_capture(7);
        guard.start_capture();
        let mut out = Vec::new();
        guard.read_to_end(&mut out).unwrap();
        assert_eq!(guard.captured(), (&b"<entry>"[..], true));
        guard.start_capture();
        assert_eq!(guard.captured(), (&b""[..], false));
    }
}
