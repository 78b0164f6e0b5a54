//! Shared helpers for chartship end-to-end tests: the real `chartship` binary, real helm
//! binaries with isolated state, fixtures and archive inspection.

pub mod registry_server;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives in the workspace root")
        .to_path_buf()
}

/// A fixture chart directory under `tests/fixtures/charts/`.
pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/charts").join(name)
}

/// The `chartship` binary of the profile these tests were built with, built on first use so
/// that `cargo test` alone is enough.
pub fn chartship_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(bin) = std::env::var_os("CHARTSHIP_BIN") {
            return PathBuf::from(bin);
        }
        let exe = std::env::current_exe().expect("test executable path");
        // target/<profile>/deps/<test>-<hash>
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("test binary lives in target/<profile>/deps");
        let profile = match profile_dir.file_name().and_then(|n| n.to_str()) {
            Some("debug") => "dev",
            Some(other) => other,
            None => "release",
        };
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(root())
            .args(["build", "--quiet", "--profile", profile, "-p", "chartship"])
            .status()
            .expect("running cargo build for chartship");
        assert!(status.success(), "building chartship failed");
        profile_dir.join("chartship")
    })
}

/// A `chartship` command with a clean environment: no ambient source date, no credentials,
/// a shared precompiled-guest cache under target/.
pub fn chartship() -> Command {
    let mut cmd = Command::new(chartship_bin());
    cmd.env_remove("SOURCE_DATE_EPOCH")
        .env_remove("CHARTSHIP_USERNAME")
        .env_remove("CHARTSHIP_PASSWORD")
        .env_remove("GITHUB_ACTIONS")
        .env(
            "CHARTSHIP_CACHE_DIR",
            root().join("target").join("chartship-cache"),
        );
    cmd
}

/// The helm versions the tests use as the clients that must accept chartship's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Helm {
    /// Helm 4.1.4.
    V4,
    /// Helm 3.18.0.
    V3,
    /// Helm 3.9.4, the oldest line with OCI support.
    V39,
}

impl Helm {
    pub fn bin(self) -> PathBuf {
        let (env, name) = match self {
            Helm::V4 => ("HELM4_BIN", "helm4"),
            Helm::V3 => ("HELM3_BIN", "helm3"),
            Helm::V39 => ("HELM39_BIN", "helm39"),
        };
        if let Some(path) = std::env::var_os(env) {
            return PathBuf::from(path);
        }
        let local = root().join(".testinfra/bin").join(name);
        if local.is_file() {
            return local;
        }
        if let Some(found) = which(name) {
            return found;
        }
        panic!(
            "{name} not found (set {env} or run `bash tests/install-testinfra.sh`): \
             the tests need the real helm binaries"
        );
    }

    /// A helm command whose config, cache and data live in `home` (never `~`).
    pub fn command(self, home: &Path) -> Command {
        let mut cmd = Command::new(self.bin());
        cmd.env("HOME", home)
            .env("HELM_CONFIG_HOME", home.join("config"))
            .env("HELM_CACHE_HOME", home.join("cache"))
            .env("HELM_DATA_HOME", home.join("data"))
            .env("HELM_REGISTRY_CONFIG", home.join("registry.json"));
        cmd
    }
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    })
}

/// Runs a command and returns its output; panics (with both streams) if it could not start.
pub fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("could not run {cmd:?}: {e}"))
}

/// Runs a command that must succeed and returns its stdout.
pub fn run_ok(cmd: &mut Command) -> String {
    let out = run(cmd);
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Copies a directory tree (files, directories and symlinks as links).
pub fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).expect("create destination");
    for entry in std::fs::read_dir(src).expect("read source dir") {
        let entry = entry.expect("dir entry");
        let ty = entry.file_type().expect("file type");
        let to = dst.join(entry.file_name());
        if ty.is_dir() {
            copy_dir(&entry.path(), &to);
        } else if ty.is_symlink() {
            let target = std::fs::read_link(entry.path()).expect("read link");
            std::os::unix::fs::symlink(target, &to).expect("symlink");
        } else {
            std::fs::copy(entry.path(), &to).expect("copy file");
        }
    }
}

/// Copies a chart's source as git tracks it: without the vendored `charts/` and `Chart.lock`
/// that a local run of the README's run command leaves behind.
pub fn copy_chart_source(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).expect("create destination");
    for entry in std::fs::read_dir(src).expect("read chart dir") {
        let entry = entry.expect("dir entry");
        let name = entry.file_name();
        if name == "charts" || name == "Chart.lock" {
            continue;
        }
        let to = dst.join(&name);
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &to);
        } else {
            std::fs::copy(entry.path(), &to).expect("copy file");
        }
    }
}

/// The entry names of a gzipped tar archive, in archive order (PAX/GNU long names resolved).
pub fn archive_entries(tgz: &[u8]) -> Vec<String> {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(tgz));
    archive
        .entries()
        .expect("tar entries")
        .map(|e| {
            let e = e.expect("tar entry");
            e.path().expect("entry path").to_string_lossy().into_owned()
        })
        .collect()
}

/// The bytes of one entry of a gzipped tar archive.
pub fn archive_file(tgz: &[u8], name: &str) -> Option<Vec<u8>> {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(tgz));
    for entry in archive.entries().expect("tar entries") {
        let mut entry = entry.expect("tar entry");
        if entry.path().expect("entry path").to_string_lossy() == name {
            let mut data = Vec::new();
            entry.read_to_end(&mut data).expect("read entry");
            return Some(data);
        }
    }
    None
}

/// Lower-case hex sha256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Sets every file's mtime under `dir` to `secs` since the epoch (like `touch -d`).
pub fn touch_all(dir: &Path, secs: i64) {
    let status = Command::new("find")
        .arg(dir)
        .args(["-exec", "touch", "-h", "-d"])
        .arg(format!("@{secs}"))
        .args(["{}", "+"])
        .status()
        .expect("find/touch");
    assert!(status.success());
}
