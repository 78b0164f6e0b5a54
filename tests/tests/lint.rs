//! `chartship lint` against real `helm lint` (v4.1.4): same findings, same output, same exit code.

use chartship_tests::{Helm, chartship, fixture, root, run, stderr, stdout};

/// Fixture charts with known problems in the rule groups that need no template rendering.
const KNOWN_PROBLEMS: &[&str] = &[
    "e2e-bad-chartfile",
    "e2e-bad-version",
    "e2e-dependency-mismatch",
    "e2e-invalid-name",
    "e2e-no-templates",
    "e2e-values-parse-error",
];

#[test]
fn lint_output_and_exit_code_match_helm4() {
    let home = tempfile::tempdir().expect("tempdir");
    let fixtures = fixture("");
    let mut mismatches = Vec::new();
    for name in KNOWN_PROBLEMS {
        let helm = run(Helm::V4
            .command(home.path())
            .current_dir(&fixtures)
            .args(["lint", name]));
        let ours = run(chartship().current_dir(&fixtures).args(["lint", name]));
        if stdout(&helm) != stdout(&ours) || helm.status.code() != ours.status.code() {
            mismatches.push(format!(
                "--- {name}: helm exit {:?}\n{}--- chartship exit {:?}\n{}{}",
                helm.status.code(),
                stdout(&helm),
                ours.status.code(),
                stdout(&ours),
                stderr(&ours)
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn strict_fails_on_warnings_like_helm() {
    let home = tempfile::tempdir().expect("tempdir");
    let fixtures = fixture("");
    let helm = run(Helm::V4.command(home.path()).current_dir(&fixtures).args([
        "lint",
        "--strict",
        "e2e-no-templates",
    ]));
    let ours =
        run(chartship()
            .current_dir(&fixtures)
            .args(["lint", "--strict", "e2e-no-templates"]));
    assert_eq!(helm.status.code(), Some(1));
    assert_eq!(ours.status.code(), Some(1));
    assert_eq!(stdout(&ours), stdout(&helm));
    assert!(stderr(&ours).contains("Error: 1 chart(s) linted, 1 chart(s) failed"));
}

#[test]
fn nexus_command_lints_clean_apart_from_the_unfetched_dependency() {
    let dir = tempfile::tempdir().expect("tempdir");
    let chart = dir.path().join("nexus-command");
    chartship_tests::copy_chart_source(&root().join("helm/nexus-command"), &chart);
    let ours = run(chartship()
        .current_dir(dir.path())
        .args(["lint", "nexus-command"]));
    assert_eq!(ours.status.code(), Some(0), "{}", stderr(&ours));
    let out = stdout(&ours);
    let findings: Vec<_> = out.lines().filter(|l| l.starts_with('[')).collect();
    assert_eq!(
        findings,
        [format!(
            "[WARNING] {}: chart directory is missing these dependencies: postgresql",
            std::fs::canonicalize(&chart).expect("canonical").display()
        )],
        "{out}"
    );
}

#[test]
fn json_format_carries_rule_ids_and_severities() {
    let ours = run(chartship().current_dir(fixture("")).args([
        "lint",
        "--format",
        "json",
        "e2e-bad-chartfile",
    ]));
    assert_eq!(ours.status.code(), Some(1));
    let parsed: serde_json::Value = serde_json::from_str(&stdout(&ours)).expect("json output");
    let diags = parsed[0]["diagnostics"].as_array().expect("diagnostics");
    assert!(diags.iter().any(|d| d["severity"] == "error"
        && d["path"] == "Chart.yaml"
        && d["message"] == "invalid source URL 'not a url'"
        && !d["rule"].as_str().unwrap_or("").is_empty()));
    assert_eq!(parsed[0]["failed"], true);
}

#[test]
fn a_path_without_chart_yaml_fails_like_helm() {
    let home = tempfile::tempdir().expect("tempdir");
    let empty = tempfile::tempdir().expect("tempdir");
    let helm = run(Helm::V4
        .command(home.path())
        .current_dir(empty.path())
        .args(["lint", "."]));
    let ours = run(chartship().current_dir(empty.path()).args(["lint", "."]));
    assert_eq!(helm.status.code(), ours.status.code());
    assert_eq!(stdout(&ours), stdout(&helm));
}
