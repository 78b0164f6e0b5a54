//! Exit codes, so that scripts can tell outcomes apart. 0 and 1 are helm's; the rest are ours.

/// Success.
pub const OK: u8 = 0;
/// The operation failed (helm's only failure code): lint errors, invalid chart, I/O.
pub const FAILURE: u8 = 1;
/// The command line was wrong (clap's code).
pub const USAGE: u8 = 2;
/// The sandbox stopped the chart core at its memory or time limit.
pub const LIMIT: u8 = 3;
/// The tag already holds something different (another chart under the same version, or not a
/// chart at all); nothing was published.
pub const CONFLICT: u8 = 4;
