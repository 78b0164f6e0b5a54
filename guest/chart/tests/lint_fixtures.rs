//! `lint_dir` on the fixture charts with known problems, against what the real helm 4.1.4
//! binary printed for the same charts (`helm4 lint tests/fixtures/charts/<case>`, recorded
//! below as literal text; `{dir}` stands for the absolute chart directory helm prints).

use std::path::PathBuf;

use chartship_chart::lint::{LintReport, lint_dir};

fn fixture(case: &str) -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/charts")
        .join(case);
    p.canonicalize().unwrap_or(p)
}

/// The lines helm prints between `==> Linting …` and the summary.
fn helm_lines(report: &LintReport) -> String {
    report
        .diagnostics
        .iter()
        .map(|d| format!("[{}] {}: {}\n", d.severity.label(), d.path, d.message))
        .collect()
}

fn check(case: &str, helm4: &str) -> LintReport {
    let dir = fixture(case);
    let report = match lint_dir(&dir) {
        Ok(r) => r,
        Err(e) => panic!("lint of {case} could not run: {e}"),
    };
    let expected = helm4.replace("{dir}", &dir.display().to_string());
    assert_eq!(helm_lines(&report), expected, "case {case}");
    report
}

#[test]
fn bare_chart() {
    let r = check(
        "lint-bare",
        "[INFO] Chart.yaml: icon is recommended\n\
         [INFO] values.yaml: file does not exist\n\
         [WARNING] templates/: directory does not exist\n",
    );
    assert!(!r.failed(false));
    assert!(r.failed(true));
    assert_eq!(r.metadata.map(|m| m.name), Some("lint-bare".to_string()));
}

#[test]
fn chart_yaml_syntax_error() {
    let r = check(
        "lint-chart-yaml-syntax",
        "[ERROR] Chart.yaml: unable to parse YAML\n\
         \terror converting YAML to JSON: yaml: line 5: found unexpected end of stream\n\
         [INFO] values.yaml: file does not exist\n\
         [WARNING] templates/: directory does not exist\n\
         [ERROR] : unable to load chart\n\
         \tcannot load Chart.yaml: error converting YAML to JSON: yaml: line 5: found unexpected end of stream\n",
    );
    assert!(r.metadata.is_none());
    assert_eq!(r.diagnostics[0].rule, "chartfile.parse");
}

#[test]
fn chartfile_problems() {
    let r = check(
        "lint-chartfile-problems",
        "[WARNING] Chart.yaml: failed to strictly parse chart metadata file\n\
         \terror unmarshaling JSON: while decoding JSON: json: unknown field \"unknownField\"\n\
         [ERROR] Chart.yaml: version should be of type string but it's of type float64\n\
         [ERROR] Chart.yaml: appVersion should be of type string but it's of type float64\n\
         [ERROR] Chart.yaml: invalid email 'jane-at-example' for maintainer 'Jane'\n\
         [ERROR] Chart.yaml: invalid source URL 'not a url'\n\
         [INFO] Chart.yaml: icon is recommended\n\
         [WARNING] Chart.yaml: version '1' is not a valid SemVerV2\n",
    );
    let rules: Vec<(&str, Option<u32>)> = r.diagnostics.iter().map(|d| (d.rule, d.line)).collect();
    assert_eq!(
        rules,
        [
            ("chartfile.strict-parse", None),
            ("chartfile.version-type", Some(3)),
            ("chartfile.app-version-type", Some(4)),
            ("chartfile.maintainer-invalid", Some(9)),
            ("chartfile.source-invalid", Some(6)),
            ("chartfile.icon-recommended", None),
            ("chartfile.version-semver-v2", Some(3)),
        ]
    );
    let md = r.metadata.expect("Chart.yaml loads");
    assert_eq!((md.version.as_str(), md.app_version.as_str()), ("1", "1.1"));
}

#[test]
fn crds_of_the_wrong_kind() {
    check(
        "lint-crds-wrong-kind",
        "[INFO] values.yaml: file does not exist\n\
         [ERROR] crds/b.yml: apiVersion is not in 'apiextensions.k8s.io'\n\
         [ERROR] crds/b.yml: object kind is not 'CustomResourceDefinition'\n\
         [ERROR] crds/b.yml: object kind is not 'CustomResourceDefinition'\n",
    );
}

#[test]
fn dependencies_declared_vs_present() {
    let r = check(
        "lint-dependencies-mismatch",
        "[INFO] values.yaml: file does not exist\n\
         [ERROR] {dir}: chart metadata is missing these dependencies: extra\n\
         [WARNING] {dir}: chart directory is missing these dependencies: postgresql,redis\n",
    );
    assert_eq!(r.diagnostics[1].rule, "dependencies.undeclared");
    assert_eq!(r.diagnostics[2].rule, "dependencies.missing");
}

#[test]
fn invalid_type_fails_loading() {
    check(
        "lint-invalid-type",
        "[INFO] values.yaml: file does not exist\n\
         [ERROR] templates/: validation: chart.metadata.type must be application or library\n\
         [ERROR] : unable to load chart\n\
         \tvalidation: chart.metadata.type must be application or library\n",
    );
}

#[test]
fn no_chart_yaml_is_a_failed_chart_not_an_error() {
    let dir = fixture("lint-no-chart-yaml");
    let r = lint_dir(&dir).expect("lint runs");
    // helm4: `Error unable to check Chart.yaml file in chart: stat lint-no-chart-yaml/Chart.yaml: no such file or directory`
    // (helm prints the path as given on the command line).
    assert_eq!(r.diagnostics.len(), 1);
    assert_eq!(
        r.diagnostics[0].message,
        format!(
            "unable to check Chart.yaml file in chart: stat {}/Chart.yaml: no such file or directory",
            dir.display()
        )
    );
    assert!(r.failed(false));
    assert!(r.metadata.is_none());
}

#[test]
fn malformed_schema() {
    check(
        "lint-schema-malformed",
        "[ERROR] values.yaml: invalid character '}' looking for beginning of object key string\n\
         [WARNING] templates/: directory does not exist\n",
    );
}

#[test]
fn template_extensions() {
    check(
        "lint-template-extension",
        "[INFO] values.yaml: file does not exist\n\
         [ERROR] templates/NOTES.md: file extension '.md' not valid. Valid extensions are .yaml, .yml, .tpl, or .txt\n\
         [ERROR] templates/extra.json: file extension '.json' not valid. Valid extensions are .yaml, .yml, .tpl, or .txt\n",
    );
}

#[test]
fn v1_chart_with_type_and_dependencies() {
    check(
        "lint-v1-type-and-dependencies",
        "[ERROR] Chart.yaml: invalid icon URL 'ftp.example.com/icon.png'\n\
         [ERROR] Chart.yaml: chart type is not valid in apiVersion 'v1'. It is valid in apiVersion 'v2'\n\
         [ERROR] Chart.yaml: dependencies are not valid in the Chart file with apiVersion 'v1'. They are valid in apiVersion 'v2'\n\
         [INFO] values.yaml: file does not exist\n\
         [WARNING] templates/: directory does not exist\n\
         [WARNING] {dir}: chart directory is missing these dependencies: sub\n",
    );
}

#[test]
fn values_not_a_map() {
    check(
        "lint-values-not-a-map",
        "[ERROR] values.yaml: unable to parse YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type common.Values\n\
         [ERROR] templates/: cannot load values.yaml: cannot unmarshal yaml document: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}\n\
         [ERROR] : unable to load chart\n\
         \tcannot load values.yaml: cannot unmarshal yaml document: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}\n",
    );
}

#[test]
fn version_floor_and_maintainer_without_name() {
    check(
        "lint-version-floor",
        "[ERROR] Chart.yaml: version 0.0.0-0 is less than or equal to 0.0.0-0\n\
         [ERROR] Chart.yaml: appVersion should be of type string but it's of type float64\n\
         [ERROR] Chart.yaml: each maintainer requires a name\n\
         [INFO] values.yaml: file does not exist\n\
         [WARNING] templates/: directory does not exist\n",
    );
}

#[test]
fn messages_can_name_the_directory_as_the_user_knows_it() {
    let dir = fixture("lint-dependencies-mismatch");
    let r = chartship_chart::lint::lint_dir_as(&dir, "/home/me/charts/app").expect("lint runs");
    assert_eq!(r.diagnostics[1].path, "/home/me/charts/app");
    let no_chart = chartship_chart::lint::lint_dir_as(&fixture("lint-no-chart-yaml"), "charts/x")
        .expect("lint runs");
    assert_eq!(
        no_chart.diagnostics[0].message,
        "unable to check Chart.yaml file in chart: stat charts/x/Chart.yaml: no such file or directory"
    );
}

#[test]
fn the_example_chart_is_clean_apart_from_its_unfetched_dependency() {
    // helm4 lint helm/nexus-command:
    // [WARNING] /work/main/helm/nexus-command: chart directory is missing these dependencies: postgresql
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../helm/nexus-command");
    let dir = dir.canonicalize().unwrap_or(dir);
    let r = lint_dir(&dir).expect("lint runs");
    assert_eq!(
        helm_lines(&r),
        format!(
            "[WARNING] {}: chart directory is missing these dependencies: postgresql\n",
            dir.display()
        )
    );
}

/// Schema errors as a set of blocks (a `- at` line with its indented causes): helm prints
/// them in Go map order, which changes from run to run; chartship prints them in a fixed order.
fn schema_blocks(message: &str) -> Vec<String> {
    let mut blocks: Vec<String> = Vec::new();
    for line in message.lines() {
        match blocks.last_mut() {
            Some(last) if line.starts_with("  ") => {
                last.push('\n');
                last.push_str(line);
            }
            _ => blocks.push(line.to_string()),
        }
    }
    blocks.sort();
    blocks
}

#[test]
fn schema_violations() {
    let r = lint_dir(&fixture("lint-schema-violations")).expect("lint runs");
    let found: Vec<(&str, &str, &str)> = r
        .diagnostics
        .iter()
        .map(|d| (d.severity.label(), d.path.as_str(), d.rule))
        .collect();
    assert_eq!(
        found,
        [
            ("ERROR", "values.yaml", "values.schema"),
            ("ERROR", "templates/", "templates.values-schema")
        ]
    );
    // helm4 lint tests/fixtures/charts/lint-schema-violations (the template with a bad
    // extension is not reported: helm stops the Templates group at the schema failure).
    let helm4_values = "- at '': missing property 'image'\n\
                        - at '/replicas': got string, want integer\n\
                        - at '/service/port': got null, want integer\n\
                        - at '/unused': got null, want string\n";
    let helm4_templates = "values don't meet the specifications of the schema(s) in the following chart(s):\n\
                           lint-schema-violations:\n\
                           - at '': missing property 'image'\n\
                           - at '/service': validation failed\n  \
                             - at '/service/port': got null, want integer\n  \
                             - at '/service/type': value must be one of 'ClusterIP', 'LoadBalancer'\n\
                           - at '/replicas': got string, want integer\n";
    assert!(r.diagnostics[0].message.ends_with('\n'));
    assert_eq!(
        schema_blocks(&r.diagnostics[0].message),
        schema_blocks(helm4_values)
    );
    let (head, tail) = helm4_templates.split_at(helm4_templates.find("- at").unwrap_or(0));
    let ours = &r.diagnostics[1].message;
    assert!(ours.starts_with(head), "{ours}");
    assert_eq!(schema_blocks(&ours[head.len()..]), schema_blocks(tail));
}

#[test]
fn edge_cases_match_helm4() {
    let cases: &[(&str, &str)] = &[
        (
            "lint-values-nan",
            "[ERROR] values.yaml: unable to parse YAML: error converting YAML to JSON: json: unsupported value: NaN\n\
             [ERROR] templates/: cannot load values.yaml: cannot unmarshal yaml document: error converting YAML to JSON: json: unsupported value: NaN\n\
             [ERROR] : unable to load chart\n\
             \tcannot load values.yaml: cannot unmarshal yaml document: error converting YAML to JSON: json: unsupported value: NaN\n",
        ),
        (
            "lint-api-version-v3",
            "[ERROR] Chart.yaml: apiVersion 'v3' is not valid. The value must be either \"v1\" or \"v2\"\n\
             [INFO] values.yaml: file does not exist\n\
             [WARNING] templates/: directory does not exist\n",
        ),
        (
            "lint-name-with-slash",
            "[ERROR] Chart.yaml: chart name \"a/b\" is invalid\n\
             [INFO] values.yaml: file does not exist\n\
             [WARNING] templates/: directory does not exist\n\
             [ERROR] : unable to load chart\n\
             \tvalidation: chart.metadata.name \"a/b\" is invalid\n",
        ),
        (
            "lint-crds-yaml-error",
            "[INFO] values.yaml: file does not exist\n\
             [ERROR] crds/a.yaml: unable to parse YAML: error converting YAML to JSON: yaml: line 1: did not find expected ',' or ']'\n",
        ),
        (
            "lint-crds-document-order",
            "[INFO] values.yaml: file does not exist\n\
             [WARNING] templates/: directory does not exist\n\
             [ERROR] crds/a.yaml: apiVersion is not in 'apiextensions.k8s.io'\n\
             [ERROR] crds/a.yaml: object kind is not 'CustomResourceDefinition'\n\
             [ERROR] crds/a.yaml: unable to parse YAML: error converting YAML to JSON: yaml: line 1: did not find expected ',' or ']'\n",
        ),
        (
            "lint-crds-not-a-directory",
            "[INFO] values.yaml: file does not exist\n\
             [WARNING] templates/: directory does not exist\n\
             [ERROR] crds/: not a directory\n",
        ),
        (
            "lint-chart-yaml-is-a-directory",
            "[ERROR] Chart.yaml: should be a file, not a directory\n\
             [ERROR] Chart.yaml: unable to parse YAML\n\
             \tread {dir}/Chart.yaml: is a directory\n\
             [INFO] values.yaml: file does not exist\n\
             [WARNING] templates/: directory does not exist\n\
             [ERROR] : unable to load chart\n\
             \tChart.yaml file is missing\n",
        ),
    ];
    for (case, helm4) in cases {
        check(case, helm4);
    }
}
