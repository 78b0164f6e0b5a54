//! `chartship release` and `chartship push` end to end: the real binary against a real
//! token-auth registry, with real helm 3.9.4, 3.18.0 and 4.1.4 as the clients that must accept
//! the result.

mod registry_common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use chartship_tests::registry_server::{RegistryServer, Setup, USERNAME};
use chartship_tests::{Helm, chartship, run, run_ok, stderr, stdout};
use registry_common::{assert_no_secret, helm, helm_login};

const CHART: &str = "nexus-command";
const REPOSITORY: &str = "savantly/nexus-command-helm";

/// A small chart named like the design's, at `version`, in `dir/<name>`.
fn write_chart(dir: &Path, version: &str, greeting: &str) -> PathBuf {
    let chart = dir.join(format!("chart-{version}-{greeting}"));
    fs::create_dir_all(chart.join("templates")).expect("mkdir");
    fs::write(
        chart.join("Chart.yaml"),
        format!(
            "apiVersion: v2\nname: {CHART}\ndescription: Release test chart\nversion: {version}\nappVersion: \"1.0.0\"\nicon: https://example.com/icon.png\nsources:\n  - https://github.com/savantly-net/nexus-command\n"
        ),
    )
    .expect("Chart.yaml");
    fs::write(chart.join("values.yaml"), format!("greeting: {greeting}\n")).expect("values");
    fs::write(
        chart.join("templates/configmap.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata:\n  greeting: {{ .Values.greeting | quote }}\n",
    )
    .expect("template");
    chart
}

fn release(server: &RegistryServer, chart: &Path, target: &str, extra: &[&str]) -> Output {
    run(chartship()
        .env("CHARTSHIP_USERNAME", USERNAME)
        .env("CHARTSHIP_PASSWORD", &server.password)
        .env("SOURCE_DATE_EPOCH", "1767323045")
        .arg("release")
        .arg(chart)
        .args(["--to", target, "--plain-http"])
        .args(extra))
}

fn digest_line(out: &Output) -> String {
    stdout(out)
        .lines()
        .find_map(|l| l.strip_prefix("Digest: "))
        .unwrap_or_else(|| panic!("no digest in {}{}", stdout(out), stderr(out)))
        .to_string()
}

fn all_output(out: &Output) -> String {
    format!("{}{}", stdout(out), stderr(out))
}

#[test]
fn release_to_token_registry_is_pulled_by_helm_3_9_3_18_and_4() {
    let server = RegistryServer::start(Setup::Token);
    let dir = tempfile::tempdir().expect("tempdir");
    let chart = write_chart(dir.path(), "3.4.2", "hello");
    let target = format!("oci://{}/{REPOSITORY}", server.host);

    let first = release(&server, &chart, &target, &["--tag", "v3.4.2"]);
    assert_eq!(first.status.code(), Some(0), "{}", all_output(&first));
    assert_no_secret(&all_output(&first), &server.password);
    let digest = digest_line(&first);
    assert!(
        stdout(&first).contains(&format!("Published: {}/{REPOSITORY}:3.4.2", server.host)),
        "{}",
        stdout(&first)
    );

    for version in [Helm::V39, Helm::V3, Helm::V4] {
        let home = dir.path().join(format!("home-{version:?}"));
        helm_login(version, &home, &server);
        let dest = home.join("pulled");
        fs::create_dir_all(&dest).expect("mkdir");
        run_ok(&mut helm(
            version,
            &home,
            &server,
            &[
                "pull",
                &target,
                "--version",
                "3.4.2",
                "-d",
                dest.to_str().expect("utf8"),
            ],
        ));
        assert!(
            dest.join("nexus-command-helm-3.4.2.tgz").is_file(),
            "{version:?}"
        );
        let shown = run_ok(&mut helm(
            version,
            &home,
            &server,
            &["show", "chart", &target, "--version", "3.4.2"],
        ));
        assert!(
            shown.contains("name: nexus-command"),
            "{version:?}: {shown}"
        );
        assert!(shown.contains("version: 3.4.2"), "{version:?}: {shown}");
    }

    // An identical re-run is a success that writes nothing and reports the same digest.
    let again = release(&server, &chart, &target, &["--tag", "v3.4.2"]);
    assert_eq!(again.status.code(), Some(0), "{}", all_output(&again));
    assert!(
        stdout(&again).contains("Already published"),
        "{}",
        stdout(&again)
    );
    assert_eq!(digest_line(&again), digest);

    // Changed content under the same version is refused, and the tag keeps the old chart.
    let changed = write_chart(dir.path(), "3.4.2", "changed");
    let refused = release(&server, &changed, &target, &["--tag", "v3.4.2"]);
    assert_eq!(refused.status.code(), Some(4), "{}", all_output(&refused));
    let text = all_output(&refused);
    assert!(text.contains(&digest) && text.contains("--force"), "{text}");
    let check = release(&server, &chart, &target, &["--tag", "v3.4.2"]);
    assert_eq!(
        digest_line(&check),
        digest,
        "the published tag must be unchanged"
    );
}

#[test]
fn tag_mismatch_and_bad_tags_fail_before_packaging() {
    let server = RegistryServer::start(Setup::Token);
    let dir = tempfile::tempdir().expect("tempdir");
    let chart = write_chart(dir.path(), "1.0.0", "x");
    let target = format!("oci://{}/{REPOSITORY}", server.host);
    let mismatch = release(&server, &chart, &target, &["--tag", "v1.0.1"]);
    assert_eq!(mismatch.status.code(), Some(1));
    let text = all_output(&mismatch);
    assert!(
        text.contains("\"v1.0.1\"") && text.contains("\"1.0.0\""),
        "{text}"
    );
    let bad = release(&server, &chart, &target, &["--tag", "latest"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        all_output(&bad).contains("not a release tag"),
        "{}",
        all_output(&bad)
    );
    // Nothing reached the registry.
    assert!(!server.log().contains("PUT /v2/"), "{}", server.log());

    // GitHub's variables are used when --tag is absent.
    let from_env = run(chartship()
        .env("GITHUB_REF_TYPE", "tag")
        .env("GITHUB_REF_NAME", "v2.0.0")
        .arg("release")
        .arg(&chart)
        .arg("--dry-run"));
    assert_eq!(from_env.status.code(), Some(1));
    assert!(
        all_output(&from_env).contains("\"v2.0.0\""),
        "{}",
        all_output(&from_env)
    );

    // --version-from-tag takes the version from the tag instead.
    let out = release(
        &server,
        &chart,
        &target,
        &["--tag", "v1.1.0", "--version-from-tag"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", all_output(&out));
    assert!(stdout(&out).contains(":1.1.0"), "{}", stdout(&out));
}

#[test]
fn wrong_credentials_fail_clearly_without_leaking_the_password() {
    let server = RegistryServer::start(Setup::Token);
    let dir = tempfile::tempdir().expect("tempdir");
    let chart = write_chart(dir.path(), "1.0.0", "x");
    let canary = chartship_tests::registry_server::canary("wrong");
    let out = run(chartship()
        .env("CHARTSHIP_USERNAME", USERNAME)
        .env("CHARTSHIP_PASSWORD", &canary)
        .arg("release")
        .arg(&chart)
        .args(["--to", &format!("oci://{}/{REPOSITORY}", server.host)])
        .arg("--plain-http"));
    assert_eq!(out.status.code(), Some(1), "{}", all_output(&out));
    let text = all_output(&out);
    assert!(!text.contains(&canary), "password leaked: {text}");
    assert!(
        text.to_lowercase().contains("credential") || text.contains("401"),
        "{text}"
    );
}

#[test]
fn nested_docker_hub_path_is_refused_before_any_network_call() {
    let dir = tempfile::tempdir().expect("tempdir");
    let chart = write_chart(dir.path(), "1.0.0", "x");
    // No network in this process at all: an attempt would fail differently and slowly.
    let out = run(std::process::Command::new("unshare")
        .args(["-n", "--"])
        .arg(chartship_tests::chartship_bin())
        .env(
            "CHARTSHIP_CACHE_DIR",
            chartship_tests::root().join("target/chartship-cache"),
        )
        .arg("release")
        .arg(&chart)
        .args([
            "--to",
            "oci://registry-1.docker.io/savantly/charts/nexus-command",
        ]));
    assert_eq!(out.status.code(), Some(1), "{}", all_output(&out));
    let text = all_output(&out);
    assert!(
        text.contains("namespace/name") || text.contains("two"),
        "{text}"
    );
    assert!(text.contains("savantly/charts/nexus-command"), "{text}");
}

#[test]
fn append_chart_name_gives_helms_layout_and_helm_pulls_it() {
    let server = RegistryServer::start(Setup::Token);
    let dir = tempfile::tempdir().expect("tempdir");
    let chart = write_chart(dir.path(), "0.3.0", "x");
    let out = release(
        &server,
        &chart,
        &format!("oci://{}/savantly", server.host),
        &["--append-chart-name"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", all_output(&out));
    assert!(
        stdout(&out).contains(&format!("{}/savantly/nexus-command:0.3.0", server.host)),
        "{}",
        stdout(&out)
    );
    let home = dir.path().join("home");
    helm_login(Helm::V4, &home, &server);
    let shown = run_ok(&mut helm(
        Helm::V4,
        &home,
        &server,
        &[
            "show",
            "chart",
            &format!("oci://{}/savantly/nexus-command", server.host),
            "--version",
            "0.3.0",
        ],
    ));
    assert!(shown.contains("version: 0.3.0"), "{shown}");
}

#[test]
fn push_of_an_archive_is_checked_by_the_guest_and_pulled_by_helm() {
    let server = RegistryServer::start(Setup::Token);
    let dir = tempfile::tempdir().expect("tempdir");
    let chart = write_chart(dir.path(), "0.5.0", "x");
    let home = dir.path().join("home");
    run_ok(
        Helm::V4
            .command(&home)
            .arg("package")
            .arg(&chart)
            .arg("-d")
            .arg(dir.path()),
    );
    let tgz = dir.path().join("nexus-command-0.5.0.tgz");
    let target = format!("oci://{}/{REPOSITORY}", server.host);
    let out = run(chartship()
        .env("CHARTSHIP_USERNAME", USERNAME)
        .env("CHARTSHIP_PASSWORD", &server.password)
        .arg("push")
        .arg(&tgz)
        .arg(&target)
        .arg("--plain-http"));
    assert_eq!(out.status.code(), Some(0), "{}", all_output(&out));
    helm_login(Helm::V4, &home, &server);
    let pulled = home.join("pulled");
    fs::create_dir_all(&pulled).expect("mkdir");
    run_ok(&mut helm(
        Helm::V4,
        &home,
        &server,
        &[
            "pull",
            &target,
            "--version",
            "0.5.0",
            "-d",
            pulled.to_str().expect("utf8"),
        ],
    ));
    assert_eq!(
        fs::read(pulled.join("nexus-command-helm-0.5.0.tgz")).expect("pulled"),
        fs::read(&tgz).expect("ours"),
        "the archive is uploaded unchanged"
    );

    // Not a chart archive: refused by the guest, nothing pushed.
    let bogus = dir.path().join("bogus.tgz");
    fs::write(&bogus, b"apiVersion: v2\n").expect("write");
    let out = run(chartship()
        .env("CHARTSHIP_USERNAME", USERNAME)
        .env("CHARTSHIP_PASSWORD", &server.password)
        .arg("push")
        .arg(&bogus)
        .arg(format!("oci://{}/savantly/bogus", server.host))
        .arg("--plain-http"));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        all_output(&out).contains("does not appear to be a gzipped archive"),
        "{}",
        all_output(&out)
    );
}

#[test]
fn default_target_is_an_oci_layout_in_the_working_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let chart = write_chart(dir.path(), "0.1.0", "x");
    let out = run(chartship()
        .current_dir(dir.path())
        .env("SOURCE_DATE_EPOCH", "0")
        .arg("release")
        .arg(&chart));
    assert_eq!(out.status.code(), Some(0), "{}", all_output(&out));
    let layout = dir.path().join("dist/oci");
    assert_eq!(
        fs::read_to_string(layout.join("oci-layout")).expect("oci-layout"),
        r#"{"imageLayoutVersion":"1.0.0"}"#
    );
    let index = fs::read_to_string(layout.join("index.json")).expect("index.json");
    assert!(
        index.contains("\"org.opencontainers.image.ref.name\":\"0.1.0\""),
        "{index}"
    );
    // A second run finds the same manifest and writes nothing new.
    let again = run(chartship()
        .current_dir(dir.path())
        .env("SOURCE_DATE_EPOCH", "0")
        .arg("release")
        .arg(&chart));
    assert_eq!(digest_line(&again), digest_line(&out));
    assert!(
        stdout(&again).contains("Already published"),
        "{}",
        stdout(&again)
    );
}
