//! The sandbox's promises, tested through the real binary (see `host/src/sandbox/mod.rs`).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use chartship_tests::{chartship, copy_dir, fixture, run, stderr, stdout};

fn small_chart(dir: &Path) -> PathBuf {
    let chart = dir.join("small");
    fs::create_dir_all(chart.join("templates")).expect("mkdir");
    fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: small\nversion: 0.1.0\nicon: https://example.com/i.png\n",
    )
    .expect("Chart.yaml");
    fs::write(chart.join("values.yaml"), "a: 1\n").expect("values");
    fs::write(
        chart.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
    )
    .expect("template");
    chart
}

fn assert_no_passwd(text: &str) {
    assert!(
        !text.contains("root:x:0:0"),
        "host file content leaked: {text}"
    );
}

#[test]
fn symlink_to_etc_passwd_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let chart = small_chart(dir.path());
    std::os::unix::fs::symlink("/etc/passwd", chart.join("templates/passwd.yaml")).expect("ln");
    let out_dir = dir.path().join("out");
    let out = run(chartship()
        .arg("package")
        .arg(&chart)
        .arg("-d")
        .arg(&out_dir));
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("templates/passwd.yaml"), "{err}");
    assert!(
        err.contains("symbolic link") || err.contains("symlink"),
        "{err}"
    );
    assert_no_passwd(&err);
    assert_no_passwd(&stdout(&out));
    assert!(!out_dir.join("small-0.1.0.tgz").exists());

    let lint = run(chartship().arg("lint").arg(&chart));
    assert_ne!(lint.status.code(), Some(0));
    assert_no_passwd(&stdout(&lint));
    assert_no_passwd(&stderr(&lint));
}

#[test]
fn relative_symlink_leaving_the_chart_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("outside.txt"), "outside the chart\n").expect("write");
    let chart = small_chart(dir.path());
    std::os::unix::fs::symlink("../../outside.txt", chart.join("templates/out.txt")).expect("ln");
    let out = run(chartship()
        .arg("package")
        .arg(&chart)
        .arg("-d")
        .arg(dir.path()));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("templates/out.txt"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("small-0.1.0.tgz").exists());
}

#[test]
fn symlink_inside_the_chart_is_followed_like_helm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let chart = small_chart(dir.path());
    fs::write(chart.join("real.txt"), "shared\n").expect("write");
    std::os::unix::fs::symlink("../real.txt", chart.join("templates/NOTES.txt")).expect("ln");
    let out = run(chartship()
        .arg("package")
        .arg(&chart)
        .arg("-d")
        .arg(dir.path()));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let bytes = fs::read(dir.path().join("small-0.1.0.tgz")).expect("archive");
    assert_eq!(
        chartship_tests::archive_file(&bytes, "small/templates/NOTES.txt").as_deref(),
        Some(&b"shared\n"[..])
    );
}

/// A gzipped tar with one hostile entry name, written byte by byte (the tar crate refuses to
/// build such names, which is the point).
fn hostile_archive(name: &str) -> Vec<u8> {
    let mut tar = Vec::new();
    let entries: [(&str, &[u8]); 2] = [
        ("x/Chart.yaml", b"apiVersion: v2\nname: x\nversion: 0.1.0\n"),
        (name, b"evil\n"),
    ];
    for (path, data) in entries {
        let mut header = [0u8; 512];
        header[..path.len()].copy_from_slice(path.as_bytes());
        header[100..108].copy_from_slice(b"0000644\0");
        header[108..116].copy_from_slice(b"0000000\0");
        header[116..124].copy_from_slice(b"0000000\0");
        header[124..136].copy_from_slice(format!("{:011o}\0", data.len()).as_bytes());
        header[136..148].copy_from_slice(b"00000000000\0");
        header[156] = b'0';
        header[257..263].copy_from_slice(b"ustar\0");
        header[263..265].copy_from_slice(b"00");
        header[148..156].copy_from_slice(b"        ");
        let sum: u32 = header.iter().map(|b| u32::from(*b)).sum();
        header[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        tar.extend_from_slice(&header);
        tar.extend_from_slice(data);
        tar.resize(tar.len().div_ceil(512) * 512, 0);
    }
    tar.resize(tar.len() + 1024, 0);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&tar).expect("gzip");
    gz.finish().expect("gzip")
}

#[test]
fn archive_paths_leaving_the_chart_are_refused_with_helms_messages() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (entry, message) in [
        (
            "x/../../etc/passwd",
            "chart illegally references parent directory",
        ),
        // helm drops the first component; what is left must not be absolute.
        ("x//etc/passwd", "chart illegally contains absolute paths"),
        ("x/C:/windows.txt", "chart contains illegally named files"),
    ] {
        let path = dir.path().join("hostile.tgz");
        fs::write(&path, hostile_archive(entry)).expect("write");
        let out = run(chartship().arg("lint").arg(&path));
        assert_eq!(out.status.code(), Some(1), "{entry}");
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(all.contains(message), "{entry}: {all}");
    }
}

#[test]
fn memory_limit_is_reported_as_a_limit() {
    let out = run(chartship()
        .args(["--memory-limit", "1", "lint"])
        .arg(fixture("e2e-no-templates")));
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("memory limit"), "{}", stderr(&out));
    assert!(
        !stdout(&out).contains("[ERROR]"),
        "a limit is not a lint finding"
    );
}

#[test]
fn time_limit_is_reported_as_a_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let chart = small_chart(dir.path());
    // Several MiB of values keep the chart core busy well past one epoch tick.
    let mut values = String::from("items:\n");
    while values.len() < 4 * 1024 * 1024 {
        values
            .push_str("  - {name: item, enabled: yes, size: 0x1F, ratio: 1e3, when: 2024-01-02}\n");
    }
    fs::write(chart.join("values.yaml"), values).expect("values");
    let out = run(chartship().args(["--timeout", "0.001", "lint"]).arg(&chart));
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stderr(&out).contains("time limit"), "{}", stderr(&out));
}

#[test]
fn the_chart_directory_is_not_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let chart = dir.path().join("copy");
    copy_dir(&fixture("e2e-no-templates"), &chart);
    let before = listing(&chart);
    let out = run(chartship().arg("lint").arg(&chart));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(before, listing(&chart));
}

fn listing(dir: &Path) -> Vec<(String, u64)> {
    let mut all: Vec<_> = fs::read_dir(dir)
        .expect("read dir")
        .map(|e| {
            let e = e.expect("entry");
            (
                e.file_name().to_string_lossy().into_owned(),
                e.metadata().expect("meta").len(),
            )
        })
        .collect();
    all.sort();
    all
}
