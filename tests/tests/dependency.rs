//! `chartship dependency update|build|list` against real helm 4 on the same inputs: a static
//! chart repository on loopback (built with `helm package` + `helm repo index` from the
//! stand-in chart in tests/fixtures/repo), an OCI registry, a `file://` dependency and hostile
//! archives.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

use chartship_tests::registry_server::{RegistryServer, Setup};
use chartship_tests::{Helm, chartship, run, run_ok, sha256_hex, stderr, stdout};

const VERSIONS: [&str; 5] = ["16.7.26", "16.7.27", "16.7.30", "16.8.0", "17.0.0-rc.1"];
/// A fixed source date, so Chart.lock's `generated` and file:// archives are reproducible.
const SOURCE_DATE_EPOCH: &str = "1764400000";
const OUT_OF_SYNC: &str = "the lock file (Chart.lock) is out of sync with the dependencies file (Chart.yaml). Please update the dependencies";

fn standin() -> PathBuf {
    chartship_tests::root().join("tests/fixtures/repo/postgresql")
}

/// A static file server on a free loopback port, serving `root` until dropped.
struct StaticServer {
    url: String,
    stop: Arc<AtomicBool>,
}

impl StaticServer {
    fn start(root: &Path) -> StaticServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let stop = Arc::new(AtomicBool::new(false));
        let (root, flag) = (root.to_path_buf(), stop.clone());
        thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::Relaxed) {
                    break;
                }
                if let Ok(stream) = stream {
                    let root = root.clone();
                    thread::spawn(move || serve(stream, &root));
                }
            }
        });
        StaticServer { url, stop }
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(self.url.trim_start_matches("http://"));
    }
}

fn serve(mut stream: TcpStream, root: &Path) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).map_or(true, |n| n == 0) || line == "\r\n" {
            break;
        }
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = path
        .split('?')
        .next()
        .unwrap_or(path)
        .trim_start_matches('/');
    let file = (!path.contains("..")).then(|| root.join(path));
    let (status, body) = match file.and_then(|f| std::fs::read(f).ok()) {
        Some(body) => ("200 OK", body),
        None => ("404 Not Found", b"not found".to_vec()),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

/// A helm home of its own.
fn helm4(home: &Path) -> Command {
    Helm::V4.command(home)
}

/// A chart repository holding the stand-in chart in every version of [`VERSIONS`].
fn build_repository(dir: &Path, home: &Path) {
    std::fs::create_dir_all(dir).expect("repo dir");
    for v in VERSIONS {
        run_ok(
            helm4(home)
                .arg("package")
                .arg(standin())
                .args(["--version", v, "-d"])
                .arg(dir),
        );
    }
    run_ok(helm4(home).args(["repo", "index"]).arg(dir));
}

/// A parent chart depending on `postgresql` with `constraint` from `repository`.
fn parent_chart(dir: &Path, repository: &str, constraint: &str) {
    std::fs::create_dir_all(dir.join("templates")).expect("parent dir");
    std::fs::write(
        dir.join("Chart.yaml"),
        format!(
            "apiVersion: v2\nname: parent\nversion: 1.0.0\ndependencies:\n  - name: postgresql\n    version: \"{constraint}\"\n    repository: \"{repository}\"\n    condition: postgresql.enabled\n    tags: [database]\n"
        ),
    )
    .expect("Chart.yaml");
    std::fs::write(dir.join("values.yaml"), "postgresql:\n  enabled: true\n").expect("values");
    std::fs::write(
        dir.join("templates/configmap.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-parent\n",
    )
    .expect("template");
}

fn chartship_deps(args: &[&str], chart: &Path) -> Command {
    let mut cmd = chartship();
    cmd.arg("dependency")
        .args(args)
        .arg(chart)
        .env("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH);
    cmd
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn lock_line(chart: &Path, key: &str) -> String {
    let text = String::from_utf8(read(&chart.join("Chart.lock"))).expect("utf-8 lock");
    text.lines()
        .find(|l| l.starts_with(key))
        .unwrap_or_else(|| panic!("no {key} in\n{text}"))
        .to_string()
}

fn locked_version(chart: &Path) -> String {
    let text = String::from_utf8(read(&chart.join("Chart.lock"))).expect("utf-8 lock");
    text.lines()
        .find_map(|l| l.trim().strip_prefix("version: "))
        .unwrap_or_else(|| panic!("no version in\n{text}"))
        .to_string()
}

#[test]
fn update_matches_helm4_and_build_restores_the_lock() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let home = tmp.path().join("helm-home");
    let repo = tmp.path().join("repo");
    build_repository(&repo, &home);
    let server = StaticServer::start(&repo);

    let ours = tmp.path().join("ours/parent");
    let theirs = tmp.path().join("theirs/parent");
    parent_chart(&ours, &server.url, "~16.7.27");
    parent_chart(&theirs, &server.url, "~16.7.27");

    let out = run_ok(&mut chartship_deps(&["update"], &ours));
    assert!(out.contains("Saving 1 charts"), "{out}");
    run_ok(helm4(&home).args(["dependency", "update"]).arg(&theirs));

    // The version helm picks, byte-identical to helm's download, and helm's digest.
    let vendored = ours.join("charts/postgresql-16.7.30.tgz");
    assert_eq!(
        read(&vendored),
        read(&theirs.join("charts/postgresql-16.7.30.tgz"))
    );
    assert_eq!(read(&vendored), read(&repo.join("postgresql-16.7.30.tgz")));
    assert_eq!(lock_line(&ours, "digest:"), lock_line(&theirs, "digest:"));
    assert_eq!(locked_version(&ours), "16.7.30");
    assert_eq!(
        lock_line(&ours, "generated:"),
        "generated: \"2025-11-29T07:06:40Z\""
    );

    // helm accepts our lock (it wants the repository registered for `build`).
    run_ok(helm4(&home).args(["repo", "add", "local"]).arg(&server.url));
    std::fs::remove_dir_all(ours.join("charts")).expect("rm charts");
    let lock_before = read(&ours.join("Chart.lock"));
    run_ok(helm4(&home).args(["dependency", "build"]).arg(&ours));
    assert_eq!(read(&vendored), read(&repo.join("postgresql-16.7.30.tgz")));
    assert_eq!(read(&ours.join("Chart.lock")), lock_before);

    // Our build restores charts/ from the lock and keeps unrelated files.
    std::fs::remove_file(&vendored).expect("rm archive");
    std::fs::write(ours.join("charts/notes.txt.keep"), "mine").expect("unrelated file");
    run_ok(&mut chartship_deps(&["build"], &ours));
    assert_eq!(read(&vendored), read(&repo.join("postgresql-16.7.30.tgz")));
    assert_eq!(read(&ours.join("charts/notes.txt.keep")), b"mine");
    std::fs::remove_file(ours.join("charts/notes.txt.keep")).expect("rm unrelated");

    // `list` agrees with helm's.
    let list = run_ok(&mut chartship_deps(&["list"], &ours));
    let helm_list = run_ok(helm4(&home).args(["dependency", "list"]).arg(&ours));
    assert_eq!(list, helm_list);

    // The packaged parent renders its subchart.
    let dist = tmp.path().join("dist");
    run_ok(
        chartship()
            .arg("package")
            .arg(&ours)
            .arg("-d")
            .arg(&dist)
            .env("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH),
    );
    let rendered = run_ok(
        helm4(&home)
            .args(["template", "demo"])
            .arg(dist.join("parent-1.0.0.tgz")),
    );
    assert!(rendered.contains("name: demo-postgresql"), "{rendered}");
    assert!(rendered.contains("name: demo-parent"), "{rendered}");

    // A lock out of sync with Chart.yaml is refused, with helm's words, by both.
    let chart_yaml = String::from_utf8(read(&ours.join("Chart.yaml"))).expect("utf-8");
    std::fs::write(
        ours.join("Chart.yaml"),
        chart_yaml.replace("~16.7.27", "~16.8.0"),
    )
    .expect("edit Chart.yaml");
    let ours_out = run(&mut chartship_deps(&["build"], &ours));
    assert!(!ours_out.status.success());
    assert!(
        stderr(&ours_out).contains(OUT_OF_SYNC),
        "{}",
        stderr(&ours_out)
    );
    let helm_out = run(helm4(&home).args(["dependency", "build"]).arg(&ours));
    assert!(
        stderr(&helm_out).contains(OUT_OF_SYNC),
        "{}",
        stderr(&helm_out)
    );
}

#[test]
fn constraints_choose_what_helm4_chooses() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let home = tmp.path().join("helm-home");
    let repo = tmp.path().join("repo");
    build_repository(&repo, &home);
    let server = StaticServer::start(&repo);
    let constraints = [
        "~16.7.27",
        "^16.7.0",
        "16.7.x",
        "16.x",
        "*",
        ">=16.7.27 <16.8.0",
        "16.7.26 - 16.7.29",
        ">16.7",
        "<=16.7",
        "!=16.8.0",
        "~16.7.26 || ^17.0.0-0",
        ">=17.0.0-0",
        "~17.0.0-0",
        "16.7.27",
        "=16.7.26",
        "<16.7.27-0",
        "^16",
        "~16",
    ];
    for (i, constraint) in constraints.iter().enumerate() {
        let ours = tmp.path().join(format!("ours-{i}/parent"));
        let theirs = tmp.path().join(format!("theirs-{i}/parent"));
        parent_chart(&ours, &server.url, constraint);
        parent_chart(&theirs, &server.url, constraint);
        let a = run(&mut chartship_deps(&["update"], &ours));
        let b = run(helm4(&home).args(["dependency", "update"]).arg(&theirs));
        assert_eq!(
            a.status.success(),
            b.status.success(),
            "{constraint}: chartship {}\nhelm {}",
            stderr(&a),
            stderr(&b)
        );
        if b.status.success() {
            assert_eq!(
                locked_version(&ours),
                locked_version(&theirs),
                "{constraint}"
            );
            assert_eq!(
                lock_line(&ours, "digest:"),
                lock_line(&theirs, "digest:"),
                "{constraint}"
            );
        }
    }
}

#[test]
fn a_missing_version_says_so_and_names_what_the_index_offers() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let home = tmp.path().join("helm-home");
    let repo = tmp.path().join("repo");
    build_repository(&repo, &home);
    let server = StaticServer::start(&repo);
    let chart = tmp.path().join("parent");
    parent_chart(&chart, &server.url, "~15.0.0");
    let out = run(&mut chartship_deps(&["update"], &chart));
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("can't get a valid version for 1 subchart(s): \"postgresql\""),
        "{err}"
    );
    assert!(err.contains("16.8.0, 16.7.30"), "{err}");
    assert!(!chart.join("charts").exists());
    assert!(!chart.join("Chart.lock").exists());

    // The Bitnami hint, through a mirror of charts.bitnami.com.
    let bitnami = tmp.path().join("bitnami");
    parent_chart(&bitnami, "https://charts.bitnami.com/bitnami", "~15.0.0");
    let out = run(chartship_deps(&["update"], &bitnami)
        .arg("--repo-mirror")
        .arg(format!(
            "https://charts.bitnami.com/bitnami={}",
            repo.display()
        )));
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("oci://registry-1.docker.io/bitnamicharts"),
        "{}",
        stderr(&out)
    );
}

/// A gzipped tar whose single entry has exactly `name` (no path checks, unlike `tar::Builder`).
fn raw_tgz(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut tar = Vec::new();
    for (name, data) in entries {
        let mut header = tar::Header::new_old();
        header.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        header.set_cksum();
        tar.extend_from_slice(header.as_bytes());
        tar.extend_from_slice(data);
        tar.resize(tar.len().div_ceil(512) * 512, 0);
    }
    tar.resize(tar.len() + 1024, 0);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&tar).expect("gzip");
    gz.finish().expect("gzip finish")
}

#[test]
fn hostile_archives_are_refused_in_the_sandbox_and_leave_no_file() {
    let chart_yaml: &[u8] = b"apiVersion: v2\nname: postgresql\nversion: 16.7.30\n";
    let other_yaml: &[u8] = b"apiVersion: v2\nname: other\nversion: 16.7.30\n";
    let wrong_version: &[u8] = b"apiVersion: v2\nname: postgresql\nversion: 16.7.31\n";
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "traversal",
            raw_tgz(&[
                ("postgresql/Chart.yaml", chart_yaml),
                ("postgresql/../../evil", b"x"),
            ]),
            "chart illegally references parent directory",
        ),
        (
            "drive letter",
            raw_tgz(&[
                ("postgresql/Chart.yaml", chart_yaml),
                ("postgresql/C:/evil", b"x"),
            ]),
            "chart contains illegally named files",
        ),
        (
            "no chart",
            raw_tgz(&[("postgresql/evil.sh", b"x")]),
            "Chart.yaml file is missing",
        ),
        (
            "wrong chart",
            raw_tgz(&[("other/Chart.yaml", other_yaml)]),
            "it holds chart \"other\", not \"postgresql\"",
        ),
        (
            "wrong version",
            raw_tgz(&[("postgresql/Chart.yaml", wrong_version)]),
            "not the locked \"16.7.30\"",
        ),
        (
            "oversized entry",
            raw_tgz(&[
                ("postgresql/Chart.yaml", chart_yaml),
                ("postgresql/big", &vec![b'a'; 5 * 1024 * 1024 + 1]),
            ]),
            "larger than the maximum file size 5242880",
        ),
    ];
    for (case, archive, expected) in cases {
        let tmp = tempfile::tempdir().expect("tempdir");
        let repo = tmp.path().join("repo");
        std::fs::create_dir_all(&repo).expect("repo");
        std::fs::write(repo.join("postgresql-16.7.30.tgz"), &archive).expect("archive");
        std::fs::write(
            repo.join("index.yaml"),
            format!(
                "apiVersion: v1\nentries:\n  postgresql:\n  - apiVersion: v2\n    name: postgresql\n    version: 16.7.30\n    digest: {}\n    urls:\n    - postgresql-16.7.30.tgz\ngenerated: \"2026-01-01T00:00:00Z\"\n",
                sha256_hex(&archive)
            ),
        )
        .expect("index");
        let server = StaticServer::start(&repo);
        let work = tmp.path().join("work");
        let chart = work.join("parent");
        parent_chart(&chart, &server.url, "~16.7.27");
        std::fs::create_dir_all(chart.join("charts")).expect("charts");
        std::fs::write(chart.join("charts/keep.me"), "unrelated").expect("unrelated");

        let out = run(&mut chartship_deps(&["update"], &chart));
        assert!(!out.status.success(), "{case}: accepted");
        assert!(stderr(&out).contains(expected), "{case}: {}", stderr(&out));
        let mut left: Vec<String> = std::fs::read_dir(chart.join("charts"))
            .expect("charts")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["keep.me"], "{case}: charts/ changed");
        assert!(!chart.join("Chart.lock").exists(), "{case}: lock written");
        let beside: Vec<String> = std::fs::read_dir(&work)
            .expect("work")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(beside, ["parent"], "{case}: staging left behind");
        assert!(!tmp.path().join("evil").exists() && !work.join("evil").exists());
    }
}

#[test]
fn a_tampered_archive_fails_the_index_digest() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let home = tmp.path().join("helm-home");
    let repo = tmp.path().join("repo");
    build_repository(&repo, &home);
    let index = String::from_utf8(read(&repo.join("index.yaml"))).expect("utf-8");
    let real = sha256_hex(&read(&repo.join("postgresql-16.7.30.tgz")));
    std::fs::write(
        repo.join("index.yaml"),
        index.replace(&real, &"ab".repeat(32)),
    )
    .expect("index");
    let server = StaticServer::start(&repo);
    let chart = tmp.path().join("parent");
    parent_chart(&chart, &server.url, "~16.7.27");
    let out = run(&mut chartship_deps(&["update"], &chart));
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("the index says sha256:abab"),
        "{}",
        stderr(&out)
    );
    assert!(!chart.join("charts").exists());
}

#[test]
fn file_dependency_locks_like_helm4() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let home = tmp.path().join("helm-home");
    for side in ["ours", "theirs"] {
        chartship_tests::copy_dir(&standin(), &tmp.path().join(side).join("postgresql"));
        parent_chart(
            &tmp.path().join(side).join("parent"),
            "file://../postgresql",
            ">=16.0.0",
        );
    }
    let ours = tmp.path().join("ours/parent");
    let theirs = tmp.path().join("theirs/parent");
    run_ok(&mut chartship_deps(&["update"], &ours));
    run_ok(helm4(&home).args(["dependency", "update"]).arg(&theirs));
    assert_eq!(lock_line(&ours, "digest:"), lock_line(&theirs, "digest:"));
    let archive = read(&ours.join("charts/postgresql-16.7.30.tgz"));
    let rendered = run_ok(helm4(&home).args(["template", "demo"]).arg(&ours));
    assert!(rendered.contains("name: demo-postgresql"), "{rendered}");
    assert!(!archive.is_empty());
}

#[test]
fn oci_dependency_resolves_from_the_tag_list_like_helm4() {
    let server = RegistryServer::start(Setup::Plain);
    let tmp = tempfile::tempdir().expect("tempdir");
    let home = tmp.path().join("helm-home");
    let packages = tmp.path().join("packages");
    build_repository(&packages, &home);
    for v in VERSIONS {
        run_ok(
            helm4(&home)
                .arg("push")
                .arg(packages.join(format!("postgresql-{v}.tgz")))
                .arg(format!("oci://{}/charts", server.host))
                .arg("--plain-http"),
        );
    }
    let repository = format!("oci://{}/charts", server.host);
    let ours = tmp.path().join("ours/parent");
    let theirs = tmp.path().join("theirs/parent");
    parent_chart(&ours, &repository, "~16.7.27");
    parent_chart(&theirs, &repository, "~16.7.27");
    run_ok(chartship_deps(&["update"], &ours).arg("--plain-http"));
    run_ok(
        helm4(&home)
            .args(["dependency", "update", "--plain-http"])
            .arg(&theirs),
    );
    assert_eq!(locked_version(&ours), "16.7.30");
    assert_eq!(lock_line(&ours, "digest:"), lock_line(&theirs, "digest:"));
    assert_eq!(
        read(&ours.join("charts/postgresql-16.7.30.tgz")),
        read(&theirs.join("charts/postgresql-16.7.30.tgz"))
    );
    let out = stdout(&run(&mut chartship_deps(&["list"], &ours)));
    assert!(out.contains("ok"), "{out}");

    // A classic repository URL served from the registry (the Bitnami move); the lock keeps the URL.
    let mirrored = tmp.path().join("mirrored/parent");
    parent_chart(
        &mirrored,
        "https://charts.example.invalid/stable",
        "~16.7.27",
    );
    run_ok(
        chartship_deps(&["update"], &mirrored)
            .arg("--plain-http")
            .arg("--repo-mirror")
            .arg(format!(
                "https://charts.example.invalid/stable={repository}"
            )),
    );
    assert_eq!(locked_version(&mirrored), "16.7.30");
    assert_eq!(
        read(&mirrored.join("charts/postgresql-16.7.30.tgz")),
        read(&theirs.join("charts/postgresql-16.7.30.tgz"))
    );
}

#[test]
fn absolute_urls_in_the_index_and_a_url_mirror_work() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let home = tmp.path().join("helm-home");
    let repo = tmp.path().join("repo");
    build_repository(&repo, &home);
    let server = StaticServer::start(&repo);
    // Rewrite the index with absolute URLs, as `helm repo index --url` does.
    run_ok(
        helm4(&home)
            .args(["repo", "index", "--url"])
            .arg(&server.url)
            .arg(&repo),
    );
    let index = String::from_utf8(read(&repo.join("index.yaml"))).expect("utf-8");
    assert!(index.contains(&format!("{}/postgresql-16.7.30.tgz", server.url)));
    // The chart names a repository that does not exist; the mirror rule sends it to ours.
    let chart = tmp.path().join("parent");
    parent_chart(&chart, "https://charts.example.invalid/stable", "~16.7.27");
    run_ok(
        chartship_deps(&["update"], &chart)
            .arg("--repo-mirror")
            .arg(format!(
                "https://charts.example.invalid/stable/={}",
                server.url
            )),
    );
    assert_eq!(
        read(&chart.join("charts/postgresql-16.7.30.tgz")),
        read(&repo.join("postgresql-16.7.30.tgz"))
    );
    assert_eq!(
        lock_line(&chart, "- name:"),
        "- name: postgresql".to_string()
    );
    let lock = String::from_utf8(read(&chart.join("Chart.lock"))).expect("utf-8");
    assert!(
        lock.contains("repository: https://charts.example.invalid/stable\n"),
        "{lock}"
    );
}
