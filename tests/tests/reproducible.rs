//! Same chart content and source-date-epoch give the same archive bytes, whatever the file
//! mtimes, time zone, umask or file modes.

use std::fs;
use std::path::Path;

use chartship_tests::{chartship, copy_chart_source, root, run_ok, sha256_hex, touch_all};

fn package(chart: &Path, out: &Path, tz: &str, umask: &str, epoch: Option<&str>) -> String {
    let mut cmd = chartship();
    // umask applies to the whole process; a shell sets it before exec'ing chartship.
    cmd.env("TZ", tz);
    if let Some(e) = epoch {
        cmd.env("SOURCE_DATE_EPOCH", e);
    }
    let mut shell = std::process::Command::new("sh");
    shell
        .arg("-c")
        .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
        .arg(cmd.get_program())
        .args(["package"])
        .arg(chart)
        .arg("-d")
        .arg(out);
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => shell.env(k, v),
            None => shell.env_remove(k),
        };
    }
    let stdout = run_ok(&mut shell);
    let path = out.join("nexus-command-3.4.2.tgz");
    let bytes = fs::read(&path).expect("archive");
    let digest = sha256_hex(&bytes);
    assert!(stdout.contains(&format!("sha256: {digest}")), "{stdout}");
    digest
}

/// A copy of helm/nexus-command outside git, so the fallback epoch applies unless one is given.
fn chart_copy(dir: &Path) -> std::path::PathBuf {
    let chart = dir.join("nexus-command");
    copy_chart_source(&root().join("helm/nexus-command"), &chart);
    // Packaging needs the declared dependency in charts/; a tiny stand-in is enough here.
    let sub = chart.join("charts/postgresql");
    fs::create_dir_all(sub.join("templates")).expect("mkdir");
    fs::write(
        sub.join("Chart.yaml"),
        "apiVersion: v2\nname: postgresql\nversion: 16.7.27\n",
    )
    .expect("Chart.yaml");
    chart
}

#[test]
fn touched_files_other_tz_and_umask_give_the_same_sha256() {
    let dir = tempfile::tempdir().expect("tempdir");
    let chart = chart_copy(dir.path());
    let first = package(&chart, &dir.path().join("a"), "UTC", "022", None);

    touch_all(&chart, 1_700_000_000);
    let status = std::process::Command::new("chmod")
        .args(["-R", "go-rwx"])
        .arg(&chart)
        .status()
        .expect("chmod");
    assert!(status.success());
    let second = package(&chart, &dir.path().join("b"), "Asia/Kolkata", "077", None);
    assert_eq!(first, second);

    // And again after another touch, under yet another zone.
    touch_all(&chart, 1_234_567_890);
    let third = package(
        &chart,
        &dir.path().join("c"),
        "America/Los_Angeles",
        "002",
        None,
    );
    assert_eq!(first, third);
}

#[test]
fn source_date_epoch_is_honoured_and_stable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let chart = chart_copy(dir.path());
    let fallback = package(&chart, &dir.path().join("a"), "UTC", "022", None);
    let set = package(
        &chart,
        &dir.path().join("b"),
        "UTC",
        "022",
        Some("1700000000"),
    );
    let again = package(
        &chart,
        &dir.path().join("c"),
        "Europe/Berlin",
        "077",
        Some("1700000000"),
    );
    assert_ne!(fallback, set, "the epoch must reach the archive's entries");
    assert_eq!(set, again);
}

#[test]
fn changed_content_changes_the_sha256() {
    let dir = tempfile::tempdir().expect("tempdir");
    let chart = chart_copy(dir.path());
    let before = package(&chart, &dir.path().join("a"), "UTC", "022", None);
    fs::write(chart.join("README.md"), "changed\n").expect("write");
    let after = package(&chart, &dir.path().join("b"), "UTC", "022", None);
    assert_ne!(before, after);
}
