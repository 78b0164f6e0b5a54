//! `chartship release` vendors dependencies before it lints and packages: the README's offline
//! run command (the stand-in `postgresql` served from tests/fixtures/repo/bitnami-mirror through
//! `--repo-mirror`) produces a chart that helm 4 renders with its subchart.

use chartship_tests::{Helm, chartship, copy_dir, root, run, run_ok, stderr};

const MIRROR_RULE_PREFIX: &str = "https://charts.bitnami.com/bitnami=";

#[test]
fn release_with_the_offline_mirror_produces_a_chart_helm4_renders() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let chart = tmp.path().join("nexus-command");
    copy_dir(&root().join("helm/nexus-command"), &chart);
    let _ = std::fs::remove_dir_all(chart.join("charts"));
    let _ = std::fs::remove_file(chart.join("Chart.lock"));
    let mirror = root().join("tests/fixtures/repo/bitnami-mirror");
    let dist = tmp.path().join("dist");
    let release = |extra: &[&str]| {
        let mut cmd = chartship();
        cmd.arg("release")
            .arg(&chart)
            .arg("--repo-mirror")
            .arg(format!("{MIRROR_RULE_PREFIX}{}", mirror.display()))
            .arg("--to")
            .arg(format!("oci-layout:{}", tmp.path().join("oci").display()))
            .arg("-d")
            .arg(&dist)
            .args(extra)
            .env("SOURCE_DATE_EPOCH", "1764400000");
        cmd
    };
    run_ok(&mut release(&[]));
    assert!(chart.join("charts/postgresql-16.7.30.tgz").is_file());
    assert!(chart.join("Chart.lock").is_file());

    let home = tmp.path().join("helm-home");
    let archive = dist.join("nexus-command-3.4.2.tgz");
    let rendered = run_ok(
        Helm::V4
            .command(&home)
            .args(["template", "demo"])
            .arg(&archive),
    );
    // The stand-in subchart's Service, named as the parent's JDBC URL expects.
    assert!(rendered.contains("kind: Service"), "{rendered}");
    assert!(rendered.contains("name: demo-postgresql"), "{rendered}");
    assert!(
        rendered.contains("jdbc:postgresql://demo-postgresql:5432/nexus"),
        "{rendered}"
    );

    // A second release builds from the lock; --dependency-update re-resolves.
    run_ok(&mut release(&["--dependency-update"]));
    // A lock out of sync with Chart.yaml stops the release before anything is published.
    let chart_yaml = std::fs::read_to_string(chart.join("Chart.yaml")).expect("Chart.yaml");
    std::fs::write(
        chart.join("Chart.yaml"),
        chart_yaml.replace("~16.7.27", "~16.7.28"),
    )
    .expect("edit");
    let out = run(&mut release(&[]));
    assert!(!out.status.success());
    assert!(stderr(&out).contains("out of sync"), "{}", stderr(&out));
}
