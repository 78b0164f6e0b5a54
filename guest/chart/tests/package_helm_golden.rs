//! Chart.yaml / Chart.lock bytes pinned from real `helm package` (v4.1.4) output: the input
//! files are packaged with chartship and the re-serialised files must equal helm's bytes.

use std::path::Path;

use chartship_chart::package::{PackageOptions, package};

/// helm 4.1.4's Chart.yaml for T1_INPUT (quoting, folding, key order, float coercion).
const T1_INPUT: &str = r##"apiVersion: v2
name: t1
version: 1.0
appVersion: 1.10
description: "A very long description that goes on and on and on, well past the eightieth column of the line, and then continues for quite a while longer to force two folds maybe"
kubeVersion: ">=1.20.0-0"
keywords: [yes, "no", "on", "1.0", "@at", "- dash", "a: b", "#hash", "trailing ", "2024-01-01", "0777", "1e3", "~", "null"]
home: https://example.com/a b
sources: [https://github.com/x/y]
maintainers:
  - name: Alice
    email: alice@example.com
  - name: Bob
    url: https://bob.example
annotations:
  artifacthub.io/changes: |
    - kind: added
      description: thing
  "10": ten
  "9": nine
  K1: k
  _x: u
  a-b: 1
  a.b: 2
  a/b: 3
  ab: 4
  k02: 5
  k10: 6
  k2: 7
  z: "yes"
deprecated: true
type: application
icon: https://example.com/icon.png
"##;
const T1_HELM: &str = r##"annotations:
  _x: u
  "9": nine
  "10": ten
  K1: k
  a-b: "1"
  a.b: "2"
  a/b: "3"
  ab: "4"
  artifacthub.io/changes: |
    - kind: added
      description: thing
  k2: "7"
  k02: "5"
  k10: "6"
  z: "yes"
apiVersion: v2
appVersion: "1.1"
deprecated: true
description: A very long description that goes on and on and on, well past the eightieth
  column of the line, and then continues for quite a while longer to force two folds
  maybe
home: https://example.com/a b
icon: https://example.com/icon.png
keywords:
- "true"
- "no"
- "on"
- "1.0"
- '@at'
- '- dash'
- 'a: b'
- '#hash'
- 'trailing '
- "2024-01-01"
- "0777"
- "1e3"
- "~"
- "null"
kubeVersion: '>=1.20.0-0'
maintainers:
- email: alice@example.com
  name: Alice
- name: Bob
  url: https://bob.example
name: t1
sources:
- https://github.com/x/y
type: application
version: "1"
"##;
const T4_INPUT: &str = r##"apiVersion: v2
name: t4
version: 1.0.0
annotations:
  "a: b": "x"
  "": empty
  "yes": " lead"
  kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk: long
  dash: "-"
  tab: "a\tb"
  nl: "line1\nline2 "
  multi: "l1\nl2\n"
  q: "it's"
  hash: "a #b"
  colon: "a:b"
  star: "*x"
  amp: "&x"
  ques: "? x"
  dots: "...x"
  pct: "%x"
  bq: "`x"
  uni: "\u00e9\u2028z"
  longdq: "w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w \tend"
  longsq: "@w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w "
description: "word abcdefghij abcdefghij abcdefghij abcdefghij abcdefghij abcdefghij abcdefghij abcdefghij abcdefghij abcdefghij abcdefghij abcdefghij "
"##;
const T4_HELM: &str = r##"annotations:
  "": empty
  'a: b': x
  amp: '&x'
  bq: '`x'
  colon: a:b
  dash: '-'
  dots: '...x'
  hash: 'a #b'
  ? kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk
  : long
  longdq: "w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w
    w w w w w w w w w w w w w w w w w w w w w w w w \tend"
  longsq: '@w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w
    w w w w w w w w w w w w w w w w w w w w w w w w w '
  multi: |
    l1
    l2
  nl: "line1\nline2 "
  pct: '%x'
  q: it's
  ques: '? x'
  star: '*x'
  tab: "a\tb"
  uni: 'é     z'
  "yes": ' lead'
apiVersion: v2
description: 'word abcdefghij abcdefghij abcdefghij abcdefghij abcdefghij abcdefghij
  abcdefghij abcdefghij abcdefghij abcdefghij abcdefghij abcdefghij '
name: t4
version: 1.0.0
"##;
const T2_INPUT: &str = r##"apiVersion: v2
name: t2
version: 0.1.0-rc.1+build.5
dependencies:
  - name: sub
    version: ~1.2.3
    repository: ""
    condition: sub.enabled
    tags: [front, back]
    import-values:
      - child: a.b
        parent: c
      - data
    alias: mysub
    enabled: true
  - name: other
    version: "*"
    repository: https://charts.example.com/x
description: "tabs\tand \"quotes\" and ümlauts 日本語"
appVersion: "v9 beta"
"##;
const T2_HELM: &str = r##"apiVersion: v2
appVersion: v9 beta
dependencies:
- alias: mysub
  condition: sub.enabled
  enabled: true
  import-values:
  - child: a.b
    parent: c
  - data
  name: sub
  repository: ""
  tags:
  - front
  - back
  version: ~1.2.3
- name: other
  repository: https://charts.example.com/x
  version: '*'
description: tabs and "quotes" and ümlauts 日本語
name: t2
version: 0.1.0-rc.1+build.5
"##;
const T2_LOCK_INPUT: &str = r##"dependencies:
- name: sub
  version: 1.2.3
  repository: ""
- name: other
  repository: https://charts.example.com/x
  version: 2.0.0
digest: sha256:abc
generated: "2026-11-29T09:28:21.575908583Z"
"##;
const T2_LOCK_HELM: &str = r##"dependencies:
- name: sub
  repository: ""
  version: 1.2.3
- name: other
  repository: https://charts.example.com/x
  version: 2.0.0
digest: sha256:abc
generated: "2026-11-29T09:28:21.575908583Z"
"##;

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn packaged_files(dir: &Path) -> Vec<(String, String)> {
    let chart = chartship_chart::loader::load_dir(dir).expect("load");
    let p = package(&chart, &PackageOptions::default()).expect("package");
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(&p.archive[..]));
    tar.entries()
        .expect("entries")
        .map(|e| {
            let mut e = e.expect("entry");
            let name = e.path().expect("path").to_string_lossy().into_owned();
            let mut s = String::new();
            std::io::Read::read_to_string(&mut e, &mut s).expect("read");
            (name, s)
        })
        .collect()
}

fn file<'a>(files: &'a [(String, String)], name: &str) -> &'a str {
    files
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, s)| s.as_str())
        .unwrap_or_else(|| panic!("{name} missing"))
}

#[test]
fn chart_yaml_quoting_folding_and_key_order_match_helm() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "Chart.yaml", T1_INPUT);
    let files = packaged_files(dir.path());
    assert_eq!(file(&files, "t1/Chart.yaml"), T1_HELM);
}

#[test]
fn dependencies_and_lock_match_helm() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "Chart.yaml", T2_INPUT);
    write(dir.path(), "Chart.lock", T2_LOCK_INPUT);
    write(
        dir.path(),
        "charts/sub/Chart.yaml",
        "apiVersion: v2\nname: sub\nversion: 1.2.3\n",
    );
    write(
        dir.path(),
        "charts/other/Chart.yaml",
        "apiVersion: v1\nname: other\nversion: 2.0.0\n",
    );
    let files = packaged_files(dir.path());
    assert_eq!(file(&files, "t2/Chart.yaml"), T2_HELM);
    assert_eq!(file(&files, "t2/Chart.lock"), T2_LOCK_HELM);
    assert_eq!(
        file(&files, "t2/charts/other/Chart.yaml"),
        "apiVersion: v1\nname: other\nversion: 2.0.0\n"
    );
}

#[test]
fn keys_and_values_needing_quotes_match_helm() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "Chart.yaml", T4_INPUT);
    let files = packaged_files(dir.path());
    assert_eq!(file(&files, "t4/Chart.yaml"), T4_HELM);
}
