//! `chartship package` against real `helm package` (v4.1.4): the same files in the same order,
//! the same Chart.yaml, and helm 3 and 4 treat both archives alike.

use std::fs;
use std::path::{Path, PathBuf};

use chartship_tests::{
    Helm, archive_entries, archive_file, chartship, run, run_ok, sha256_hex, stderr,
};

const CHART_YAML: &str = r#"apiVersion: v2
name: compat
description: A chart that exercises everything helm package does with files, ignore rules, subcharts and a description long enough to be folded by the YAML emitter.
type: application
version: 1.2.3+build.7
appVersion: "1.16.0"
kubeVersion: ">=1.20.0-0"
home: https://example.com/compat
icon: https://example.com/icon.png
keywords:
  - demo
  - "yes"
sources:
  - https://github.com/example/compat
maintainers:
  - name: Alice
    email: alice@example.com
  - name: Bob
annotations:
  category: Demo
  example.com/1.10: "on"
dependencies:
  - name: sub
    version: 0.1.0
    repository: ""
"#;

/// `helm create compat` extended with ignore rules, extra files, odd names, crds/ and a subchart.
fn make_compat_chart(home: &Path, parent: &Path) -> PathBuf {
    run_ok(
        Helm::V4
            .command(home)
            .current_dir(parent)
            .args(["create", "compat"]),
    );
    let chart = parent.join("compat");
    fs::write(chart.join("Chart.yaml"), CHART_YAML).expect("Chart.yaml");
    let mut ignore = fs::read_to_string(chart.join(".helmignore")).expect(".helmignore");
    ignore.push_str("*.bak\ndocs/internal/\n/secret.txt\n  padded.txt  \n");
    fs::write(chart.join(".helmignore"), ignore).expect(".helmignore");
    let long_dir = "files/a-directory-name-that-is-quite-long/and-another-one-that-makes-it-longer";
    for (name, content) in [
        ("README.md", "# compat\n"),
        ("LICENSE", "Apache-2.0\n"),
        ("a.bak", "ignored\n"),
        ("secret.txt", "ignored at the top\n"),
        ("padded.txt", "ignored by a rule with spaces\n"),
        (
            "docs/secret.txt",
            "kept: /secret.txt only matches the top\n",
        ),
        ("docs/guide.md", "kept\n"),
        ("docs/internal/notes.md", "ignored dir\n"),
        ("files/config.json", "{\"a\": 1}\n"),
        ("files/with space.txt", "space\n"),
        ("files/ünïcode.txt", "unicode\n"),
        (
            &format!("{long_dir}/and-a-file-name-past-the-hundred-byte-ustar-name-limit.txt"),
            "long\n",
        ),
        ("crds/crd.yaml", CRD),
        ("templates/.hidden", "ignored by the default rule\n"),
        (
            "templates/sub/.kept",
            "# the default rule does not cross /\n",
        ),
        (
            "templates/extra.tpl",
            "{{- define \"compat.extra\" -}}x{{- end -}}\n",
        ),
    ] {
        let path = chart.join(name);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, content).expect("write");
    }
    fs::write(chart.join("values.yaml"), {
        let mut v = "\u{feff}".to_string();
        v.push_str(&fs::read_to_string(chart.join("values.yaml")).expect("values"));
        v
    })
    .expect("values with BOM");
    // The subchart, as a directory in charts/.
    let charts = chart.join("charts");
    run_ok(
        Helm::V4
            .command(home)
            .current_dir(&charts)
            .args(["create", "sub"]),
    );
    chart
}

const CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names:
    kind: Widget
    plural: widgets
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
";

struct Packages {
    _dir: tempfile::TempDir,
    home: PathBuf,
    ours: Vec<u8>,
    ours_path: PathBuf,
    helms: Vec<u8>,
    helms_path: PathBuf,
    stdout: String,
}

fn package_both() -> Packages {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("home");
    let chart = make_compat_chart(&home, dir.path());
    let ours_dir = dir.path().join("ours");
    let helm_dir = dir.path().join("helm");
    let out = run_ok(
        chartship()
            .arg("package")
            .arg(&chart)
            .arg("-d")
            .arg(&ours_dir),
    );
    assert!(out.contains("compat-1.2.3+build.7.tgz"), "{out}");
    let stdout = out;
    run_ok(
        Helm::V4
            .command(&home)
            .arg("package")
            .arg(&chart)
            .arg("-d")
            .arg(&helm_dir),
    );
    let ours_path = ours_dir.join("compat-1.2.3+build.7.tgz");
    let helms_path = helm_dir.join("compat-1.2.3+build.7.tgz");
    Packages {
        ours: fs::read(&ours_path).expect("our archive"),
        helms: fs::read(&helms_path).expect("helm's archive"),
        ours_path,
        helms_path,
        stdout,
        home,
        _dir: dir,
    }
}

#[test]
fn same_entries_in_the_same_order_as_helm() {
    let p = package_both();
    let ours = archive_entries(&p.ours);
    let helms = archive_entries(&p.helms);
    assert_eq!(ours, helms);
    // The fixture really exercises what it claims to.
    assert!(ours.iter().any(|e| e == "compat/charts/sub/Chart.yaml"));
    assert!(ours.iter().any(|e| e.len() > 100));
    assert!(
        !ours
            .iter()
            .any(|e| e.ends_with(".bak") || e.contains("internal"))
    );
}

#[test]
fn same_chart_yaml_bytes_as_helm() {
    let p = package_both();
    for name in ["compat/Chart.yaml", "compat/charts/sub/Chart.yaml"] {
        let ours = archive_file(&p.ours, name).expect("our Chart.yaml");
        let helms = archive_file(&p.helms, name).expect("helm's Chart.yaml");
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&helms),
            "{name}"
        );
    }
    // values.yaml is copied byte for byte, minus the BOM.
    assert_eq!(
        archive_file(&p.ours, "compat/values.yaml"),
        archive_file(&p.helms, "compat/values.yaml")
    );
}

#[test]
fn helm3_and_helm4_show_and_template_ours_like_their_own() {
    let p = package_both();
    for helm in [Helm::V4, Helm::V3] {
        for args in [
            vec!["show", "chart"],
            vec!["show", "values"],
            vec!["template", "rel"],
            vec!["template", "rel", "--include-crds"],
        ] {
            let ours = run(helm.command(&p.home).args(&args).arg(&p.ours_path));
            let helms = run(helm.command(&p.home).args(&args).arg(&p.helms_path));
            assert!(
                ours.status.success(),
                "{helm:?} {args:?} on ours: {}",
                stderr(&ours)
            );
            assert!(helms.status.success(), "{helm:?} {args:?} on helm's");
            assert_eq!(
                String::from_utf8_lossy(&ours.stdout),
                String::from_utf8_lossy(&helms.stdout),
                "{helm:?} {args:?}"
            );
        }
    }
}

#[test]
fn prints_path_and_sha256() {
    let p = package_both();
    assert_eq!(
        p.stdout,
        format!(
            "Successfully packaged chart and saved it to: {}\nsha256: {}\n",
            p.ours_path.display(),
            sha256_hex(&p.ours)
        )
    );
}

#[test]
fn missing_dependency_fails_with_helms_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let chart = dir.path().join("needy");
    fs::create_dir_all(chart.join("templates")).expect("mkdir");
    fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: needy\nversion: 0.1.0\ndependencies:\n  - name: b\n    version: 1.0.0\n    repository: https://example.com\n  - name: a\n    version: 1.0.0\n    repository: https://example.com\n",
    )
    .expect("Chart.yaml");
    let out = run(chartship()
        .arg("package")
        .arg(&chart)
        .arg("-d")
        .arg(dir.path().join("out")));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("found in Chart.yaml, but missing in charts/ directory: b, a"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("out/needy-0.1.0.tgz").exists());
}

#[test]
fn version_overrides_are_applied_and_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("home");
    let chart = make_compat_chart(&home, dir.path());
    let out = run_ok(
        chartship()
            .arg("package")
            .arg(&chart)
            .args(["--version", "2.0.0", "--app-version", "v9 beta", "-d"])
            .arg(dir.path()),
    );
    assert!(out.contains("compat-2.0.0.tgz"), "{out}");
    let bytes = fs::read(dir.path().join("compat-2.0.0.tgz")).expect("archive");
    let chart_yaml =
        String::from_utf8(archive_file(&bytes, "compat/Chart.yaml").expect("entry")).expect("utf8");
    assert!(chart_yaml.contains("version: 2.0.0\n"), "{chart_yaml}");
    assert!(chart_yaml.contains("appVersion: v9 beta\n"), "{chart_yaml}");
    let bad = run(chartship()
        .arg("package")
        .arg(&chart)
        .args(["--version", "1.2.3.4", "-d"])
        .arg(dir.path()));
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("invalid semantic version"),
        "{}",
        stderr(&bad)
    );
}
