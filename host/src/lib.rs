//! chartship's native host: the only part that holds credentials and talks to registries.
//! Chart handling runs in the sandboxed guest component (see [`sandbox`]).

pub mod auth;
pub mod cli;
pub mod deps;
pub mod exit;
pub mod git;
pub mod registry;
pub mod report;
pub mod sandbox;
pub mod source_date;
pub mod tag;
