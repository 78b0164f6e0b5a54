//! Resource limits of the sandbox, with the reasons for their defaults.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use wasmtime::ResourceLimiter;

/// Default memory limit of the guest: helm itself caps a chart at 100 MiB decompressed, and the
/// guest may hold the chart, its archive and the gzip state at once; 512 MiB leaves room for
/// that with a safety factor while still stopping a runaway guest long before the machine
/// suffers.
pub const DEFAULT_MEMORY_LIMIT: usize = 512 * 1024 * 1024;

/// Default time limit of one guest call: a large chart lints and packages in well under a
/// second; a minute means only a bug or a hostile input can hit it.
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(60);

/// How often the epoch advances: the granularity of the time limit. 10 ms keeps the ticker
/// thread's cost negligible.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Instances, tables and memories a single guest call may create: the component is a handful
/// of core modules; more means something is wrong.
const MAX_INSTANCES: usize = 32;
const MAX_TABLES: usize = 32;
const MAX_MEMORIES: usize = 8;

/// The limits of one sandboxed call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of linear memory the guest may grow to, summed per memory.
    pub memory: usize,
    /// Wall time one call may take.
    pub time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory: DEFAULT_MEMORY_LIMIT,
            time: DEFAULT_TIME_LIMIT,
        }
    }
}

impl Limits {
    /// The store deadline in epoch ticks (at least one).
    pub fn epoch_ticks(&self) -> u64 {
        let ticks = self.time.as_nanos() / EPOCH_TICK.as_nanos();
        u64::try_from(ticks).unwrap_or(u64::MAX).max(1)
    }
}

/// Enforces [`Limits::memory`] and remembers whether it had to refuse a growth, so that the
/// resulting trap is reported as the limit rather than as a guest crash.
pub struct Limiter {
    memory: usize,
    hit: AtomicBool,
}

impl Limiter {
    pub fn new(limits: &Limits) -> Self {
        Limiter {
            memory: limits.memory,
            hit: AtomicBool::new(false),
        }
    }

    pub fn memory_limit_hit(&self) -> bool {
        self.hit.load(Ordering::Relaxed)
    }
}

impl ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.memory {
            self.hit.store(true, Ordering::Relaxed);
            // Trapping (rather than returning false) stops the guest at once: Rust's allocator
            // would otherwise abort with an opaque `unreachable`.
            wasmtime::bail!("memory limit of {} bytes reached", self.memory);
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 1_000_000)
    }

    fn instances(&self) -> usize {
        MAX_INSTANCES
    }

    fn tables(&self) -> usize {
        MAX_TABLES
    }

    fn memories(&self) -> usize {
        MAX_MEMORIES
    }
}
