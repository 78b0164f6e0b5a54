//! Builds the guest component (`guest/component`) for `wasm32-wasip2` and hands it to the host
//! crate, so that `cargo build -p chartship` yields one self-contained binary.
//!
//! The guest is built by a nested cargo into `<target>/guest`, a separate target directory:
//! the outer cargo holds the lock on its own profile directory for the whole build.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

const GUEST_TARGET: &str = "wasm32-wasip2";
const GUEST_PACKAGE: &str = "chartship-guest";
const GUEST_ARTIFACT: &str = "chartship_guest.wasm";

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let root = manifest_dir
        .parent()
        .expect("host/ lives in the workspace root")
        .to_path_buf();
    for watched in ["wit", "guest", "Cargo.lock", "Cargo.toml"] {
        println!("cargo:rerun-if-changed={}", root.join(watched).display());
    }
    println!("cargo:rerun-if-env-changed=CARGO_TARGET_DIR");

    let target_dir = env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { root.join(p) })
        .unwrap_or_else(|| root.join("target"))
        .join("guest");
    let wasm = build_guest(&root, &target_dir);

    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo"));
    let bytes = fs::read(&wasm).unwrap_or_else(|e| panic!("reading {}: {e}", wasm.display()));
    let digest: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    fs::write(out_dir.join(GUEST_ARTIFACT), &bytes).expect("writing the guest into OUT_DIR");
    fs::write(out_dir.join("guest.sha256"), digest).expect("writing the guest digest");
}

fn build_guest(root: &Path, target_dir: &Path) -> PathBuf {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root)
        .args([
            "build",
            "--release",
            "--locked",
            "-p",
            GUEST_PACKAGE,
            "--target",
            GUEST_TARGET,
        ])
        .arg("--target-dir")
        .arg(target_dir);
    // The outer build's settings (flags for the host target, profile overrides, the package
    // being built) must not leak into the guest build; the jobserver may.
    for (key, _) in env::vars_os() {
        let key = key.to_string_lossy();
        let keep = key == "CARGO_HOME" || key == "CARGO_MAKEFLAGS";
        if (key.starts_with("CARGO_") && !keep) || key == "RUSTFLAGS" || key == "RUSTC_WRAPPER" {
            cmd.env_remove(key.as_ref());
        }
    }
    let status = cmd.status().expect("running cargo for the guest component");
    if !status.success() {
        panic!(
            "building the guest component failed ({status}); is the target installed? \
             run `rustup target add {GUEST_TARGET}`"
        );
    }
    target_dir
        .join(GUEST_TARGET)
        .join("release")
        .join(GUEST_ARTIFACT)
}
