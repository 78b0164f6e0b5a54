//! `.helmignore` end to end through `load_dir`, against the entry lists real helm 4.1.4 wrote
//! with `helm4 package` for the same chart and rules (recorded below, sorted, without the
//! leading `ig/`).

use std::fs;
use std::path::Path;

use chartship_chart::loader::load_dir;

const FILES: &[&str] = &[
    "a.txt",
    "b.txt",
    "keep.txt",
    "README.md",
    ".dotfile",
    "docs/x.md",
    "docs/sub/y.md",
    "logs/l.log",
    "templates/.hidden",
    "templates/sub/.hidden2",
];

fn chart(dir: &Path, helmignore: Option<&str>) {
    for d in ["docs/sub", "logs", "templates/sub"] {
        fs::create_dir_all(dir.join(d)).expect("mkdir");
    }
    fs::write(
        dir.join("Chart.yaml"),
        "apiVersion: v2\nname: ig\nversion: 1.0.0\n",
    )
    .expect("write");
    fs::write(dir.join("values.yaml"), "a: 1\n").expect("write");
    fs::write(
        dir.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\n",
    )
    .expect("write");
    for f in FILES {
        fs::write(dir.join(f), "x\n").expect("write");
    }
    if let Some(rules) = helmignore {
        fs::write(dir.join(".helmignore"), format!("{rules}\n")).expect("write");
    }
}

fn loaded(helmignore: Option<&str>) -> Result<String, String> {
    let tmp = tempfile::tempdir().expect("tempdir");
    chart(tmp.path(), helmignore);
    let chart = load_dir(tmp.path()).map_err(|e| e.to_string())?;
    let mut names: Vec<&str> = chart.raw.iter().map(|f| f.name.as_str()).collect();
    names.sort_unstable();
    Ok(names.join(" "))
}

#[test]
fn helmignore_matches_helm4_package() {
    let cases: &[(Option<&str>, &str)] = &[
        (
            None,
            ".dotfile Chart.yaml README.md a.txt b.txt docs/sub/y.md docs/x.md keep.txt logs/l.log templates/cm.yaml templates/sub/.hidden2 values.yaml",
        ),
        (
            Some("*.txt"),
            ".dotfile .helmignore Chart.yaml README.md docs/sub/y.md docs/x.md logs/l.log templates/cm.yaml templates/sub/.hidden2 values.yaml",
        ),
        (
            Some("docs/"),
            ".dotfile .helmignore Chart.yaml README.md a.txt b.txt keep.txt logs/l.log templates/cm.yaml templates/sub/.hidden2 values.yaml",
        ),
        (
            Some("docs"),
            ".dotfile .helmignore Chart.yaml README.md a.txt b.txt keep.txt logs/l.log templates/cm.yaml templates/sub/.hidden2 values.yaml",
        ),
        (
            Some("docs/*"),
            ".dotfile .helmignore Chart.yaml README.md a.txt b.txt keep.txt logs/l.log templates/cm.yaml templates/sub/.hidden2 values.yaml",
        ),
        (
            Some("/a.txt"),
            ".dotfile .helmignore Chart.yaml README.md b.txt docs/sub/y.md docs/x.md keep.txt logs/l.log templates/cm.yaml templates/sub/.hidden2 values.yaml",
        ),
        (
            Some("sub/"),
            ".dotfile .helmignore Chart.yaml README.md a.txt b.txt docs/x.md keep.txt logs/l.log templates/cm.yaml values.yaml",
        ),
        (
            Some("templates/*.yaml"),
            ".dotfile .helmignore Chart.yaml README.md a.txt b.txt docs/sub/y.md docs/x.md keep.txt logs/l.log templates/sub/.hidden2 values.yaml",
        ),
        (
            Some(".*"),
            "Chart.yaml README.md a.txt b.txt docs/sub/y.md docs/x.md keep.txt logs/l.log templates/cm.yaml values.yaml",
        ),
        (Some("!Chart.yaml"), "Chart.yaml"),
        (
            Some(" a.txt "),
            ".dotfile .helmignore Chart.yaml README.md b.txt docs/sub/y.md docs/x.md keep.txt logs/l.log templates/cm.yaml templates/sub/.hidden2 values.yaml",
        ),
        (
            Some("a.txt # comment"),
            ".dotfile .helmignore Chart.yaml README.md a.txt b.txt docs/sub/y.md docs/x.md keep.txt logs/l.log templates/cm.yaml templates/sub/.hidden2 values.yaml",
        ),
        (
            Some("[ab].txt"),
            ".dotfile .helmignore Chart.yaml README.md docs/sub/y.md docs/x.md keep.txt logs/l.log templates/cm.yaml templates/sub/.hidden2 values.yaml",
        ),
    ];
    for (rules, helm4) in cases {
        assert_eq!(loaded(*rules), Ok(helm4.to_string()), "rules {rules:?}");
    }
}

#[test]
fn helmignore_errors_match_helm4() {
    let cases: &[(&str, &str)] = &[
        ("*.md\n!README.md", "Chart.yaml file is missing"),
        ("!docs/", "Chart.yaml file is missing"),
        ("logs/\n!logs/", "Chart.yaml file is missing"),
        ("a/**", "double-star (**) syntax is not supported"),
        ("[a-", "syntax error in pattern"),
    ];
    for (rules, helm4) in cases {
        assert_eq!(
            loaded(Some(rules)),
            Err(helm4.to_string()),
            "rules {rules:?}"
        );
    }
}
