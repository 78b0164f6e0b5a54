use super::*;
use crate::{Dependency, File, Lock};

fn chart(name: &str) -> Chart {
    Chart {
        metadata: Metadata {
            api_version: "v2".into(),
            name: name.into(),
            version: "0.1.0".into(),
            ..Metadata::default()
        },
        values: Some(b"# comment kept\nreplicas: 1\n".to_vec()),
        templates: vec![File {
            name: "templates/a.yaml".into(),
            data: b"kind: A\n".to_vec(),
        }],
        files: vec![File {
            name: ".helmignore".into(),
            data: b"*.bak\n".to_vec(),
        }],
        ..Chart::default()
    }
}

fn entries(archive: &[u8]) -> Vec<(String, String, u64)> {
    let gz = flate2::read::GzDecoder::new(archive);
    let mut tar = ::tar::Archive::new(gz);
    tar.entries()
        .unwrap()
        .map(|e| {
            let mut e = e.unwrap();
            let name = e.path().unwrap().to_string_lossy().into_owned();
            let mtime = e.header().mtime().unwrap();
            let mut s = String::new();
            std::io::Read::read_to_string(&mut e, &mut s).unwrap();
            (name, s, mtime)
        })
        .collect()
}

fn opts(epoch: i64) -> PackageOptions {
    PackageOptions {
        source_date_epoch: epoch,
        ..PackageOptions::default()
    }
}

#[test]
fn entries_in_helm_order_with_subcharts_sorted() {
    let mut c = chart("parent");
    c.schema = Some(b"{\"type\": \"object\"}".to_vec());
    c.lock = Some(Lock {
        generated: "2026-01-01T00:00:00Z".into(),
        digest: "sha256:0".into(),
        dependencies: vec![],
    });
    c.metadata.dependencies = vec![
        Some(Dependency {
            name: "zeta".into(),
            ..Dependency::default()
        }),
        Some(Dependency {
            name: "alpha".into(),
            ..Dependency::default()
        }),
    ];
    c.dependencies = vec![chart("zeta"), chart("alpha")];
    let p = package(&c, &opts(1_700_000_000)).unwrap();
    assert_eq!(p.file_name, "parent-0.1.0.tgz");
    let names: Vec<String> = entries(&p.archive).into_iter().map(|e| e.0).collect();
    assert_eq!(
        names,
        vec![
            "parent/Chart.yaml",
            "parent/Chart.lock",
            "parent/values.yaml",
            "parent/values.schema.json",
            "parent/templates/a.yaml",
            "parent/.helmignore",
            "parent/charts/alpha/Chart.yaml",
            "parent/charts/alpha/values.yaml",
            "parent/charts/alpha/templates/a.yaml",
            "parent/charts/alpha/.helmignore",
            "parent/charts/zeta/Chart.yaml",
            "parent/charts/zeta/values.yaml",
            "parent/charts/zeta/templates/a.yaml",
            "parent/charts/zeta/.helmignore",
        ]
    );
    let all = entries(&p.archive);
    assert!(all.iter().all(|e| e.2 == 1_700_000_000));
    assert_eq!(all[2].1, "# comment kept\nreplicas: 1\n");
}

#[test]
fn same_input_same_bytes_and_epoch_matters() {
    let c = chart("c");
    let a = package(&c, &opts(42)).unwrap();
    let b = package(&c, &opts(42)).unwrap();
    assert_eq!(a.archive, b.archive);
    assert_eq!(a.sha256, b.sha256);
    assert_eq!(a.sha256.len(), 64);
    let other = package(&c, &opts(43)).unwrap();
    assert_ne!(a.sha256, other.sha256);
}

#[test]
fn missing_dependencies_are_listed_like_helm() {
    let mut c = chart("c");
    c.metadata.dependencies = vec![
        Some(Dependency {
            name: "a".into(),
            ..Dependency::default()
        }),
        Some(Dependency {
            name: "b".into(),
            alias: "bee".into(),
            ..Dependency::default()
        }),
    ];
    let err = package(&c, &opts(0)).unwrap_err();
    assert_eq!(
        err,
        LoadError::Invalid("found in Chart.yaml, but missing in charts/ directory: a, b".into())
    );
}

#[test]
fn version_overrides_and_their_errors() {
    let c = chart("c");
    let p = package(
        &c,
        &PackageOptions {
            version: Some("1.2.3+b.01".into()),
            app_version: Some("v9 beta".into()),
            source_date_epoch: 0,
        },
    )
    .unwrap();
    assert_eq!(p.file_name, "c-1.2.3+b.01.tgz");
    let chart_yaml = &entries(&p.archive)[0].1;
    assert!(chart_yaml.contains("appVersion: v9 beta\n"), "{chart_yaml}");
    assert!(chart_yaml.contains("version: 1.2.3+b.01\n"), "{chart_yaml}");
    let err = package(
        &c,
        &PackageOptions {
            version: Some("not-a-version".into()),
            ..PackageOptions::default()
        },
    )
    .unwrap_err();
    assert_eq!(err, LoadError::Invalid("invalid semantic version".into()));
    // Loose versions pass verbatim; an empty flag is no flag (as helm 4.1.4 does).
    for (flag, file) in [
        ("01.02.03", "c-01.02.03.tgz"),
        ("v1", "c-v1.tgz"),
        ("", "c-0.1.0.tgz"),
    ] {
        let options = PackageOptions {
            version: Some(flag.into()),
            ..PackageOptions::default()
        };
        assert_eq!(package(&c, &options).unwrap().file_name, file);
    }
}

#[test]
fn invalid_schema_fails_to_save() {
    let mut c = chart("c");
    c.schema = Some(b"{nope".to_vec());
    let err = package(&c, &opts(0)).unwrap_err();
    assert_eq!(
        err,
        LoadError::Invalid("failed to save: invalid JSON in values.schema.json".into())
    );
}
