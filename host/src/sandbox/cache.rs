//! Precompiled guest cache: compiling the component takes seconds, loading a precompiled one
//! takes milliseconds, so the first run stores the native code and later runs map it.

use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use wasmtime::Engine;
use wasmtime::component::Component;

/// Overrides where precompiled guests are kept.
const CACHE_DIR_ENV: &str = "CHARTSHIP_CACHE_DIR";

pub fn cache_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(CACHE_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("chartship"))
}

/// Returns the compiled guest, from the cache when a matching entry exists. The cache key
/// covers the guest bytes and everything in the engine that affects compiled code, so a
/// different chartship or wasmtime build never picks up a stale entry.
pub fn load_component(
    engine: &Engine,
    wasm: &[u8],
    wasm_sha256: &str,
) -> wasmtime::Result<Component> {
    let Some(dir) = cache_dir() else {
        return Component::new(engine, wasm);
    };
    let mut hasher = DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut hasher);
    let path = dir.join(format!(
        "guest-{}-{:016x}.cwasm",
        &wasm_sha256[..wasm_sha256.len().min(16)],
        hasher.finish()
    ));
    if path.is_file()
        && let Ok(component) = deserialize(engine, &path)
    {
        return Ok(component);
    }
    let compiled = engine.precompile_component(wasm)?;
    // A cache that cannot be written only costs time on the next run.
    let _ = store(&dir, &path, &compiled);
    // SAFETY argument as in `deserialize`: these bytes come from `precompile_component` above.
    deserialize_bytes(engine, &compiled)
}

/// Writes atomically, so a concurrent run never maps a half-written file.
fn store(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    fs::write(&tmp, bytes)?;
    fs::rename(&tmp, path)
}

#[allow(unsafe_code)]
fn deserialize(engine: &Engine, path: &Path) -> wasmtime::Result<Component> {
    // SAFETY: wasmtime requires that the file was produced by `precompile_component` of a
    // compatible engine and is not modified while mapped. Only chartship writes this cache
    // (atomically, keyed by the engine's compatibility hash, and wasmtime re-checks the
    // version header), in a directory owned by the user running chartship: anyone able to
    // change it could already replace the chartship binary itself.
    unsafe { Component::deserialize_file(engine, path) }
}

#[allow(unsafe_code)]
fn deserialize_bytes(engine: &Engine, bytes: &[u8]) -> wasmtime::Result<Component> {
    // SAFETY: `bytes` was just produced by `precompile_component` on this very engine.
    unsafe { Component::deserialize(engine, bytes) }
}
