//! The chart core of chartship: everything helm does with a chart that needs no network.
//!
//! This crate is pure: it reads only the files it is pointed at (inside the sandbox, the one
//! preopened chart directory), and uses no clock, no environment and no randomness, so it builds
//! natively for fast tests and for `wasm32-wasip2` as the guest component.

pub mod chart;
pub mod constraint;
pub mod diagnostic;
pub mod error;
pub mod glob;
pub mod gojson;
pub mod ignore;
pub mod lint;
pub mod loader;
pub mod lock;
pub mod metadata;
pub mod oci;
pub mod package;
pub mod repo_index;
pub mod semver;
mod source;
pub mod yaml;

pub use chart::{Chart, Dependency, File, Lock, Maintainer, Metadata};
pub use diagnostic::{Diagnostic, Severity};
pub use error::LoadError;
