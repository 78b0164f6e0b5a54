//! The GitHub workflows in `.github/workflows/`, checked like code: zizmor (offline), actionlint
//! (with shellcheck) and the workflow JSON schema report nothing; the release workflow keeps its
//! security properties; and its release step, run the way the runner runs it, publishes to a
//! token-auth registry that helm 4 pulls from, refuses bad tags, is a no-op when re-run, and
//! turns lint errors into `::error file=…,line=…::` annotations.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chartship_tests::registry_server::{RegistryServer, Setup, USERNAME, testinfra_dir};
use chartship_tests::{Helm, chartship_bin, root, run, run_ok, stderr, stdout};
use serde_yaml::Value;

const RELEASE_WORKFLOW: &str = ".github/workflows/helm-chart.yml";
const CI_WORKFLOW: &str = ".github/workflows/ci.yml";
const DEPENDABOT: &str = ".github/dependabot.yml";
/// The only finding silenced in `.github/`, with its reason written next to it.
const ZIZMOR_IGNORES: &[(&str, &str)] = &[(RELEASE_WORKFLOW, "zizmor: ignore[cache-poisoning]")];
/// The id of the step that runs `chartship release`.
const RELEASE_STEP_ID: &str = "release";
/// The chart version of helm/nexus-command, and so the tag that releases it.
const CHART_VERSION: &str = "3.4.2";
const REPOSITORY: &str = "savantly/nexus-command-helm";

// ---- the checkers ------------------------------------------------------------------------------

/// A workflow checker from `$CHARTSHIP_TESTINFRA/bin`. Missing is a failure in CI; elsewhere the
/// test says so and passes, so a developer without the tools can still run the other tests.
fn checker(name: &str) -> Option<PathBuf> {
    let path = testinfra_dir().join("bin").join(name);
    if path.is_file() {
        return Some(path);
    }
    let hint = format!(
        "{} not found: run `bash tests/install-testinfra.sh`",
        path.display()
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{hint}");
    }
    eprintln!("skipping: {hint}");
    None
}

/// A checker command with no colour and the test-infrastructure bin dir (shellcheck's neighbours)
/// on PATH, run in `dir`.
fn checker_command(bin: &Path, dir: &Path) -> Command {
    let mut cmd = Command::new(bin);
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![testinfra_dir().join("bin")];
    paths.extend(std::env::split_paths(&path));
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env("PATH", std::env::join_paths(paths).expect("PATH"));
    cmd
}

fn both_streams(out: &Output) -> String {
    format!("{}{}", stdout(out), stderr(out))
}

fn assert_clean(what: &str, out: &Output) {
    assert!(
        out.status.success(),
        "{what} reported findings ({}):\n{}",
        out.status,
        both_streams(out)
    );
}

/// A scratch repository whose `.github/workflows/` holds the given support files.
fn repo_with(files: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    let workflows = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).expect("workflows dir");
    for f in files {
        std::fs::copy(
            root().join("tests/support/workflow").join(f),
            workflows.join(f),
        )
        .expect("copy support workflow");
    }
    dir
}

fn zizmor(dir: &Path, target: &str) -> Option<Output> {
    let bin = checker("zizmor")?;
    Some(run(checker_command(&bin, dir).args([
        "--offline",
        "--no-progress",
        target,
    ])))
}

fn actionlint(dir: &Path, files: &[&str]) -> Option<Output> {
    let bin = checker("actionlint")?;
    Some(run(checker_command(&bin, dir).arg("-no-color").args(files)))
}

fn workflow_schema(dir: &Path, files: &[&str]) -> Option<Output> {
    let bin = checker("check-jsonschema")?;
    Some(run(checker_command(&bin, dir)
        .args(["--builtin-schema", "vendor.github-workflows"])
        .args(files)))
}

#[test]
fn zizmor_offline_reports_nothing() {
    if let Some(out) = zizmor(&root(), ".github") {
        assert_clean("zizmor", &out);
    }
    // Nothing is silenced but the one documented trade-off.
    for file in [RELEASE_WORKFLOW, CI_WORKFLOW, DEPENDABOT] {
        let text = std::fs::read_to_string(root().join(file)).expect("read");
        let expected: Vec<&str> = ZIZMOR_IGNORES
            .iter()
            .filter(|(f, _)| *f == file)
            .map(|(_, i)| *i)
            .collect();
        let found: Vec<&str> = text
            .lines()
            .filter_map(|l| l.find("zizmor: ignore").map(|i| l[i..].trim()))
            .collect();
        assert_eq!(found, expected, "{file}: zizmor ignores");
    }
}

#[test]
fn actionlint_with_shellcheck_reports_nothing() {
    if let Some(out) = actionlint(&root(), &[RELEASE_WORKFLOW, CI_WORKFLOW]) {
        assert_clean("actionlint", &out);
    }
}

#[test]
fn workflow_schema_accepts_both_workflows() {
    if let Some(out) = workflow_schema(&root(), &[RELEASE_WORKFLOW, CI_WORKFLOW]) {
        assert_clean("check-jsonschema", &out);
        assert!(
            stdout(&out).contains("ok -- validation done"),
            "{}",
            both_streams(&out)
        );
    }
    if let Some(bin) = checker("check-jsonschema") {
        let out = run(checker_command(&bin, &root()).args([
            "--builtin-schema",
            "vendor.dependabot",
            DEPENDABOT,
        ]));
        assert_clean("check-jsonschema (dependabot)", &out);
    }
}

/// The checks above can fail: each checker flags the mistakes in tests/support/workflow/.
#[test]
fn checkers_flag_a_bad_workflow() {
    let repo = repo_with(&["bad.yml", "bad-schema.yml"]);
    let bad = ".github/workflows/bad.yml";
    if let Some(out) = zizmor(repo.path(), bad) {
        let text = both_streams(&out);
        assert!(
            !out.status.success(),
            "zizmor passed a bad workflow:\n{text}"
        );
        for audit in ["unpinned-uses", "template-injection", "artipacked"] {
            assert!(text.contains(audit), "zizmor missed {audit}:\n{text}");
        }
    }
    if let Some(out) = actionlint(repo.path(), &[bad]) {
        let text = both_streams(&out);
        assert!(
            !out.status.success(),
            "actionlint passed a bad workflow:\n{text}"
        );
        // [shellcheck] proves actionlint found shellcheck, so the clean run above checked scripts.
        for rule in ["[runner-label]", "[expression]", "[shellcheck]"] {
            assert!(text.contains(rule), "actionlint missed {rule}:\n{text}");
        }
    }
    if let Some(out) = workflow_schema(repo.path(), &[".github/workflows/bad-schema.yml"]) {
        let text = both_streams(&out);
        assert!(
            !out.status.success(),
            "the schema passed a bad workflow:\n{text}"
        );
        assert!(text.contains("$.on"), "{text}");
    }
}

// ---- the workflows' shape ----------------------------------------------------------------------

fn load(path: &str) -> (String, Value) {
    let text = std::fs::read_to_string(root().join(path)).expect("read workflow");
    let yaml = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    (text, yaml)
}

fn steps(job: &Value) -> &[Value] {
    job["steps"].as_sequence().map_or(&[], Vec::as_slice)
}

fn jobs(workflow: &Value) -> impl Iterator<Item = (&str, &Value)> {
    workflow["jobs"]
        .as_mapping()
        .expect("jobs")
        .iter()
        .map(|(k, v)| (k.as_str().expect("job id"), v))
}

/// Every `uses:` is `owner/repo@<40 hex> # v<version>`, every checkout keeps no credentials,
/// no `run:` contains an expression, and the token is read-only.
fn assert_hardened(path: &str) {
    let (text, workflow) = load(path);
    assert_eq!(
        workflow["permissions"],
        serde_yaml::from_str::<Value>("contents: read").expect("yaml"),
        "{path}: top-level permissions must be contents: read"
    );
    for line in text
        .lines()
        .filter(|l| l.trim_start().starts_with("uses:") || l.contains("- uses:"))
    {
        let spec = line.split("uses:").nth(1).expect("uses value").trim();
        let (action, rest) = spec
            .split_once('@')
            .unwrap_or_else(|| panic!("{path}: {line}"));
        let (sha, comment) = rest.split_once(" # ").unwrap_or((rest, ""));
        assert!(action.contains('/'), "{path}: {line}");
        assert!(
            sha.len() == 40
                && sha
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
            "{path}: not pinned to a full commit SHA: {line}"
        );
        assert!(
            comment.starts_with('v') && comment[1..].starts_with(|c: char| c.is_ascii_digit()),
            "{path}: the pin needs its version in a comment (# vX.Y.Z): {line}"
        );
    }
    for (id, job) in jobs(&workflow) {
        assert!(
            job.get("permissions").is_none(),
            "{path}: job {id} widens permissions"
        );
        for step in steps(job) {
            if let Some(script) = step["run"].as_str() {
                assert!(
                    !script.contains("${{"),
                    "{path}: job {id}: an expression inside a run: script:\n{script}"
                );
            }
            if step["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/checkout@"))
            {
                assert_eq!(
                    step["with"]["persist-credentials"],
                    Value::Bool(false),
                    "{path}: checkout must not persist credentials"
                );
            }
        }
    }
}

#[test]
fn release_workflow_runs_on_tags_only_with_least_privilege() {
    assert_hardened(RELEASE_WORKFLOW);
    let (_, wf) = load(RELEASE_WORKFLOW);
    let on = wf["on"].as_mapping().expect("on: is a map");
    assert_eq!(on.len(), 1, "only push triggers the release: {on:?}");
    let push = wf["on"]["push"].as_mapping().expect("on.push");
    assert_eq!(push.len(), 1, "push filters on tags only: {push:?}");
    assert_eq!(
        wf["on"]["push"]["tags"],
        serde_yaml::from_str::<Value>("['*']").expect("yaml")
    );

    assert_eq!(wf["concurrency"]["cancel-in-progress"], Value::Bool(false));
    let group = wf["concurrency"]["group"]
        .as_str()
        .expect("concurrency group");
    assert!(
        group.contains("${{ github.ref }}"),
        "one group per ref: {group}"
    );

    assert_eq!(wf["env"]["CHART_PATH"].as_str(), Some("helm/nexus-command"));
    assert_eq!(
        wf["env"]["CHART_TARGET"].as_str(),
        Some("oci://registry-1.docker.io/savantly/nexus-command-helm")
    );

    let (_, job, step) = release_step(&wf);
    assert_eq!(
        step["env"]["CHARTSHIP_USERNAME"].as_str(),
        Some("${{ secrets.DOCKERHUB_USERNAME }}")
    );
    assert_eq!(
        step["env"]["CHARTSHIP_PASSWORD"].as_str(),
        Some("${{ secrets.DOCKERHUB_TOKEN }}")
    );
    for out in ["ref", "digest"] {
        assert_eq!(
            job["outputs"][out].as_str(),
            Some(format!("${{{{ steps.{RELEASE_STEP_ID}.outputs.{out} }}}}").as_str()),
            "job output {out}"
        );
    }
    // Secrets reach only the release step.
    for other in steps(job)
        .iter()
        .filter(|s| s["id"].as_str() != Some(RELEASE_STEP_ID))
    {
        let text = serde_yaml::to_string(other).expect("yaml");
        assert!(
            !text.contains("secrets."),
            "secrets outside the release step: {text}"
        );
    }
    let build = steps(job)
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(build.contains("rustup target add wasm32-wasip2"), "{build}");
    assert!(
        build.contains("cargo build --release --locked -p chartship"),
        "{build}"
    );
}

#[test]
fn ci_workflow_runs_the_readme_test_command_on_pushes_and_pull_requests() {
    assert_hardened(CI_WORKFLOW);
    let (_, wf) = load(CI_WORKFLOW);
    let on = wf["on"].as_mapping().expect("on: is a map");
    for trigger in ["push", "pull_request"] {
        assert!(on.contains_key(trigger), "ci.yml must run on {trigger}");
    }
    let runs: Vec<_> = jobs(&wf)
        .flat_map(|(_, job)| steps(job))
        .filter_map(|s| s["run"].as_str())
        .collect();
    assert!(
        runs.iter().any(|r| r.trim() == "bash tests/run-all.sh"),
        "ci.yml must run `bash tests/run-all.sh`: {runs:?}"
    );
    let text = std::fs::read_to_string(root().join(CI_WORKFLOW)).expect("ci.yml");
    assert!(!text.contains("secrets."), "CI needs no secrets");
}

// ---- the release step, run as the runner runs it -----------------------------------------------

/// The release job, its id and the step with id `release`.
fn release_step(workflow: &Value) -> (&str, &Value, &Value) {
    jobs(workflow)
        .find_map(|(id, job)| {
            steps(job)
                .iter()
                .find(|s| s["id"].as_str() == Some(RELEASE_STEP_ID))
                .map(|s| (id, job, s))
        })
        .expect("a step with id: release")
}

/// What the test stands in for: the runner's variables, the secrets and overrides of the
/// workflow-level env (the target; the chart path stays the workflow's own).
struct Runner {
    /// The checkout: the chart lives at `$CHART_PATH` below it.
    workspace: PathBuf,
    secrets: BTreeMap<String, String>,
    tag: String,
    target: String,
    /// Extra arguments the step passes to chartship (`CHARTSHIP_EXTRA_ARGS`).
    extra_args: String,
    scratch: PathBuf,
}

/// One run of the step: its streams, exit status, and the files the runner would read.
struct StepRun {
    out: Output,
    summary: String,
    outputs: BTreeMap<String, String>,
}

impl StepRun {
    fn stdout(&self) -> String {
        stdout(&self.out)
    }
    fn all(&self) -> String {
        both_streams(&self.out)
    }
}

/// Evaluates the only expressions the release step's `env:` may hold: `${{ secrets.NAME }}`
/// (an unset secret is the empty string, as on GitHub). Anything else fails the test, so a new
/// kind of expression gets a deliberate model here.
fn evaluate(value: &str, secrets: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").expect("unterminated expression") + start;
        let expr = rest[start + 3..end].trim();
        let name = expr
            .strip_prefix("secrets.")
            .unwrap_or_else(|| panic!("the test does not model the expression `{expr}`"));
        out.push_str(secrets.get(name).map_or("", String::as_str));
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

fn string_map(value: &Value) -> Vec<(String, String)> {
    value
        .as_mapping()
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    let v = match v {
                        Value::String(s) => s.clone(),
                        other => serde_yaml::to_string(other)
                            .expect("yaml")
                            .trim()
                            .to_string(),
                    };
                    (k.as_str().expect("env name").to_string(), v)
                })
                .collect()
        })
        .unwrap_or_default()
}

impl Runner {
    /// Runs the release step's script with `bash -e` (the runner's default shell on Linux) in
    /// a clean environment: the runner's variables, the workflow env, then the step env.
    fn run_release_step(&self, label: &str) -> StepRun {
        let (_, wf) = load(RELEASE_WORKFLOW);
        let (job_id, job, step) = release_step(&wf);
        assert!(
            step.get("shell").is_none(),
            "the test models the default shell only"
        );
        let script = step["run"].as_str().expect("run: script");
        let dir = self.scratch.join(label);
        std::fs::create_dir_all(&dir).expect("step dir");
        let script_path = dir.join("step.sh");
        std::fs::write(&script_path, script).expect("script");
        let summary = dir.join("step_summary.md");
        let output = dir.join("github_output");
        std::fs::write(&summary, "").expect("summary file");
        std::fs::write(&output, "").expect("output file");

        // The build step appends target/release to $GITHUB_PATH.
        let bin_dir = chartship_bin().parent().expect("bin dir").to_path_buf();
        let path = std::env::join_paths([
            bin_dir,
            "/usr/local/bin".into(),
            "/usr/bin".into(),
            "/bin".into(),
        ])
        .expect("PATH");
        let mut cmd = Command::new("bash");
        cmd.env_clear()
            .current_dir(&self.workspace)
            .arg("-e")
            .arg(&script_path)
            .env("PATH", path)
            .env("HOME", dir.join("home"))
            .env("CI", "true")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_WORKFLOW", wf["name"].as_str().unwrap_or_default())
            .env("GITHUB_JOB", job_id)
            .env("GITHUB_EVENT_NAME", "push")
            .env("GITHUB_REF", format!("refs/tags/{}", self.tag))
            .env("GITHUB_REF_NAME", &self.tag)
            .env("GITHUB_REF_TYPE", "tag")
            .env("GITHUB_WORKSPACE", &self.workspace)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_OUTPUT", &output)
            .env("RUNNER_TEMP", &dir)
            // Not the runner's: keeps the precompiled guest shared with the other tests.
            .env("CHARTSHIP_CACHE_DIR", root().join("target/chartship-cache"));
        for (k, v) in string_map(&wf["env"]) {
            cmd.env(&k, evaluate(&v, &self.secrets));
        }
        for (k, v) in string_map(&job["env"]) {
            cmd.env(&k, evaluate(&v, &self.secrets));
        }
        for (k, v) in string_map(&step["env"]) {
            cmd.env(&k, evaluate(&v, &self.secrets));
        }
        // The test's overrides: a local registry over plain HTTP.
        cmd.env("CHART_TARGET", &self.target)
            .env("CHARTSHIP_EXTRA_ARGS", &self.extra_args);
        let out = run(&mut cmd);
        StepRun {
            out,
            summary: std::fs::read_to_string(&summary).expect("summary"),
            outputs: parse_outputs(&std::fs::read_to_string(&output).expect("outputs")),
        }
    }
}

/// `name=value` lines of `$GITHUB_OUTPUT` (chartship writes no multi-line values).
fn parse_outputs(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A checkout with a copy of helm/nexus-command at the workflow's CHART_PATH (its postgresql
/// dependency comes from the offline stand-in mirror, see [`offline_args`]).
fn workspace_with_chart(dir: &Path) -> PathBuf {
    let (_, wf) = load(RELEASE_WORKFLOW);
    let chart_path = wf["env"]["CHART_PATH"].as_str().expect("CHART_PATH");
    let workspace = dir.join("checkout");
    let chart = workspace.join(chart_path);
    chartship_tests::copy_chart_source(&root().join("helm/nexus-command"), &chart);
    chart
}

/// What a test adds to the step through CHARTSHIP_EXTRA_ARGS: plain HTTP to the loopback
/// registry, and the stand-in postgresql repository instead of Bitnami's.
fn offline_args() -> String {
    format!(
        "--plain-http --repo-mirror https://charts.bitnami.com/bitnami={}",
        root().join("tests/fixtures/repo/bitnami-mirror").display()
    )
}

fn runner(server: &RegistryServer, scratch: &Path, tag: &str) -> Runner {
    workspace_with_chart(scratch);
    Runner {
        workspace: scratch.join("checkout"),
        secrets: BTreeMap::from([
            ("DOCKERHUB_USERNAME".to_string(), USERNAME.to_string()),
            ("DOCKERHUB_TOKEN".to_string(), server.password.clone()),
        ]),
        tag: tag.to_string(),
        target: format!("oci://{}/{REPOSITORY}", server.host),
        extra_args: offline_args(),
        scratch: scratch.to_path_buf(),
    }
}

/// Manifest writes the registry saw (its access log), to tell a push from a no-op.
fn manifest_puts(server: &RegistryServer) -> usize {
    server
        .log()
        .lines()
        .filter(|l| l.contains("\"PUT /v2/") && l.contains("/manifests/"))
        .count()
}

fn assert_no_secret(run: &StepRun, password: &str) {
    for (what, text) in [("step output", run.all()), ("summary", run.summary.clone())] {
        assert!(
            !text.contains(password),
            "the password leaked into the {what}"
        );
    }
    assert!(
        run.outputs.values().all(|v| !v.contains(password)),
        "the password leaked into GITHUB_OUTPUT"
    );
}

#[test]
fn release_step_publishes_to_a_token_registry_and_a_rerun_pushes_nothing() {
    let server = RegistryServer::start(Setup::Token);
    let scratch = tempfile::tempdir().expect("tmp");
    let runner = runner(&server, scratch.path(), &format!("v{CHART_VERSION}"));

    let first = runner.run_release_step("first");
    assert!(
        first.out.status.success(),
        "release step failed:\n{}",
        first.all()
    );
    assert_no_secret(&first, &server.password);
    let reference = format!("{}/{REPOSITORY}:{CHART_VERSION}", server.host);
    assert!(
        first.stdout().contains(&format!("Published: {reference}")),
        "{}",
        first.all()
    );
    let digest = first
        .outputs
        .get("digest")
        .expect("digest= in GITHUB_OUTPUT")
        .clone();
    assert!(
        digest.starts_with("sha256:") && digest.len() == 71,
        "digest output: {digest:?}"
    );
    assert_eq!(first.outputs.get("ref"), Some(&reference));
    assert_eq!(
        first.outputs.get("version").map(String::as_str),
        Some(CHART_VERSION)
    );
    assert!(
        first.summary.contains(&digest),
        "the summary must hold the digest:\n{}",
        first.summary
    );
    assert!(first.summary.contains("published"), "{}", first.summary);
    assert!(
        server.issuer_log().contains(USERNAME),
        "the registry's token issuer never saw the test credentials:\n{}",
        server.issuer_log()
    );
    let puts = manifest_puts(&server);
    assert_eq!(puts, 1, "one manifest written:\n{}", server.log());

    // helm 4 pulls what the step published, with the same credentials.
    let home = scratch.path().join("helm-home");
    let pulled = scratch.path().join("pulled");
    std::fs::create_dir_all(&pulled).expect("pull dir");
    run_ok(
        Helm::V4
            .command(&home)
            .args(["pull", &format!("oci://{}/{REPOSITORY}", server.host)])
            .args(["--version", CHART_VERSION, "--plain-http"])
            .args(["--username", USERNAME, "--password", &server.password])
            .arg("--destination")
            .arg(&pulled),
    );
    // helm names the file after the repository, not the chart.
    let tgz = pulled.join(format!("nexus-command-helm-{CHART_VERSION}.tgz"));
    let listing: Vec<_> = std::fs::read_dir(&pulled)
        .expect("pull dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert!(tgz.is_file(), "helm pull wrote {listing:?}");
    let shown = run_ok(Helm::V4.command(&home).args(["show", "chart"]).arg(&tgz));
    assert!(shown.contains("name: nexus-command"), "{shown}");
    assert!(
        shown.contains(&format!("version: {CHART_VERSION}")),
        "{shown}"
    );
    let archive = std::fs::read(&tgz).expect("pulled archive");
    assert!(
        first
            .summary
            .contains(&chartship_tests::sha256_hex(&archive)),
        "the summary's archive sha256 must be the pulled archive's:\n{}",
        first.summary
    );

    // Re-running the job (GitHub's "Re-run jobs") succeeds and writes nothing.
    let rerun = runner.run_release_step("rerun");
    assert!(
        rerun.out.status.success(),
        "re-run failed:\n{}",
        rerun.all()
    );
    assert!(
        rerun
            .stdout()
            .contains("Already published (nothing written)"),
        "{}",
        rerun.all()
    );
    assert!(
        rerun.summary.contains("already published"),
        "{}",
        rerun.summary
    );
    assert_eq!(
        rerun.outputs.get("digest"),
        Some(&digest),
        "digest unchanged"
    );
    assert_eq!(
        manifest_puts(&server),
        puts,
        "the re-run wrote a manifest:\n{}",
        server.log()
    );
    assert_no_secret(&rerun, &server.password);
}

#[test]
fn release_step_fails_on_a_bad_tag_before_pushing() {
    let server = RegistryServer::start(Setup::Token);
    let scratch = tempfile::tempdir().expect("tmp");
    for (tag, expected) in [
        ("latest", "is not a release tag"),
        ("v9.9.9", "does not match the chart version"),
    ] {
        let runner = runner(&server, &scratch.path().join(tag), tag);
        let step = runner.run_release_step(tag);
        assert_eq!(
            step.out.status.code(),
            Some(1),
            "tag {tag}:\n{}",
            step.all()
        );
        let err = stderr(&step.out);
        assert!(
            err.contains(expected) && err.contains(tag),
            "tag {tag}: {err}"
        );
        assert!(
            step.outputs.is_empty(),
            "tag {tag}: outputs {:?}",
            step.outputs
        );
        assert!(
            step.summary.is_empty(),
            "tag {tag}: summary {}",
            step.summary
        );
    }
    assert_eq!(
        manifest_puts(&server),
        0,
        "a bad tag pushed:\n{}",
        server.log()
    );
}

/// Breaks the chart with `from` → `to` in Chart.yaml and returns the 1-based line of `to`
/// and of the `anchor` line at or above it that an annotation may point to instead.
fn break_chart_yaml(chart_yaml: &Path, from: &str, to: &str, anchor: &str) -> (usize, usize) {
    let text = std::fs::read_to_string(chart_yaml).expect("Chart.yaml");
    let broken = text.replacen(from, to, 1);
    assert_ne!(broken, text, "the chart no longer has {from:?}");
    std::fs::write(chart_yaml, &broken).expect("write Chart.yaml");
    let line_of = |needle: &str| {
        broken
            .lines()
            .position(|l| l.starts_with(needle) || l.trim_start().starts_with(needle))
            .expect("line")
            + 1
    };
    (line_of(to), line_of(anchor))
}

#[test]
fn release_step_turns_lint_errors_into_annotations() {
    let server = RegistryServer::start(Setup::Token);
    let scratch = tempfile::tempdir().expect("tmp");
    let (_, wf) = load(RELEASE_WORKFLOW);
    let chart_path = wf["env"]["CHART_PATH"]
        .as_str()
        .expect("CHART_PATH")
        .to_string();
    // (case, replace, with, the line the annotation may point to instead of the broken one)
    let cases = [
        (
            "version",
            "version: 3.4.2",
            "version: three",
            "version: three",
        ),
        // The maintainer rule points at the `maintainers:` key, not at the entry's email line.
        (
            "email",
            "email: support@savantly.net",
            "email: not-an-email",
            "maintainers:",
        ),
    ];
    for (case, from, to, anchor) in cases {
        let runner = runner(
            &server,
            &scratch.path().join(case),
            &format!("v{CHART_VERSION}"),
        );
        let chart_yaml = runner.workspace.join(&chart_path).join("Chart.yaml");
        let (line, anchor_line) = break_chart_yaml(&chart_yaml, from, to, anchor);
        let message = to.split(": ").nth(1).expect("value");

        let step = runner.run_release_step(case);
        assert_eq!(step.out.status.code(), Some(1), "{case}:\n{}", step.all());
        let annotations: Vec<String> = step
            .stdout()
            .lines()
            .filter(|l| l.starts_with("::error file=") && l.contains(message))
            .map(str::to_string)
            .collect();
        let file = format!("::error file={chart_path}/Chart.yaml,line=");
        let found = annotations.iter().any(|a| {
            a.strip_prefix(&file)
                .and_then(|rest| rest.split(',').next())
                .and_then(|n| n.parse::<usize>().ok())
                .is_some_and(|n| (anchor_line..=line).contains(&n))
        });
        assert!(
            found,
            "{case}: expected {file}{line} (or {anchor_line}) naming {message:?}; got {annotations:?}\n{}",
            step.all()
        );
        assert!(
            stderr(&step.out).contains("lint errors"),
            "{case}: {}",
            step.all()
        );
        assert!(step.outputs.is_empty(), "{case}: {:?}", step.outputs);
    }
    assert_eq!(
        manifest_puts(&server),
        0,
        "a chart with lint errors was pushed"
    );
}
