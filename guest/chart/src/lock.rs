//! Chart.lock as `helm dependency update` writes it and `helm dependency build` checks it: the
//! digest over the requested and the locked dependencies (`resolver.HashReq`), the file text,
//! and whether an existing lock is in sync with Chart.yaml (helm-behaviour.md §6.5–6.6).

use sha2::{Digest, Sha256};

use crate::gojson;
use crate::metadata;
use crate::package::chart_lock;
use crate::yaml::Value;
use crate::{Dependency, LoadError, Lock};

/// helm's error when `dependency build` finds a lock that does not match Chart.yaml.
pub const OUT_OF_SYNC: &str = "the lock file (Chart.lock) is out of sync with the dependencies file (Chart.yaml). Please update the dependencies";

/// The dependencies Chart.yaml declares, sanitised as helm's `Metadata.Validate` does, which is
/// what helm hashes. Only `apiVersion: v2` charts declare them there.
pub fn requested(chart_yaml: &str) -> Result<Vec<Dependency>, LoadError> {
    let mut md = metadata::parse_chart_yaml(chart_yaml)
        .map_err(|e| LoadError::Invalid(format!("cannot load Chart.yaml: {e}")))?;
    if md.api_version == "v1" {
        return Err(LoadError::Invalid(
            "apiVersion v1 charts (requirements.yaml) are not supported by chartship's dependency commands; use apiVersion v2".into(),
        ));
    }
    md.validate()
        .map_err(|e| LoadError::Invalid(e.to_string()))?;
    Ok(md.dependencies.into_iter().flatten().collect())
}

/// `resolver.HashReq`: `sha256:` and the hex sha256 of the compact Go JSON (HTML-escaped) of
/// `[requested, locked]`, each dependency in Go struct field order.
pub fn digest(requested: &[Dependency], locked: &[Dependency]) -> String {
    let list = |deps: &[Dependency]| Value::Seq(deps.iter().map(dependency_value).collect());
    let mut json = String::new();
    gojson::write_value_in_order(&mut json, &Value::Seq(vec![list(requested), list(locked)]));
    let hash = Sha256::digest(json.as_bytes());
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// A dependency as the JSON object `encoding/json` makes of helm's `chart.Dependency`: struct
/// field order, `name` and `repository` always present, the rest only when set; maps inside
/// `import-values` have sorted keys (Go decoded them into maps).
fn dependency_value(d: &Dependency) -> Value {
    let mut m = vec![("name".to_string(), Value::String(d.name.clone()))];
    let text = |m: &mut Vec<(String, Value)>, key: &str, v: &str| {
        if !v.is_empty() {
            m.push((key.into(), Value::String(v.into())));
        }
    };
    text(&mut m, "version", &d.version);
    m.push(("repository".into(), Value::String(d.repository.clone())));
    text(&mut m, "condition", &d.condition);
    if !d.tags.is_empty() {
        let tags = d.tags.iter().map(|t| Value::String(t.clone())).collect();
        m.push(("tags".into(), Value::Seq(tags)));
    }
    if d.enabled {
        m.push(("enabled".into(), Value::Bool(true)));
    }
    if !d.import_values.is_empty() {
        m.push((
            "import-values".into(),
            Value::Seq(
                d.import_values
                    .iter()
                    .map(Value::with_sorted_maps)
                    .collect(),
            ),
        ));
    }
    text(&mut m, "alias", &d.alias);
    Value::Map(m)
}

/// A lock for `locked` (only name, repository and version are kept, as helm keeps them).
pub fn lock(requested: &[Dependency], locked: &[Dependency], generated: &str) -> Lock {
    let locked: Vec<Dependency> = locked
        .iter()
        .map(|d| Dependency {
            name: d.name.clone(),
            version: d.version.clone(),
            repository: d.repository.clone(),
            ..Dependency::default()
        })
        .collect();
    Lock {
        generated: generated.to_string(),
        digest: digest(requested, &locked),
        dependencies: locked,
    }
}

/// The Chart.lock text of `lock` (sigs.k8s.io/yaml, keys sorted).
pub fn lock_text(lock: &Lock) -> String {
    chart_lock(lock)
}

/// Whether `lock` was made for exactly these requested dependencies: the only check
/// `helm dependency build` makes.
pub fn in_sync(requested: &[Dependency], lock: &Lock) -> bool {
    digest(requested, &lock.dependencies) == lock.digest
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::metadata::parse_lock;

    /// The verified example of helm-behaviour.md §6.5.
    const CHART_YAML: &str = r#"apiVersion: v2
name: parent
version: 0.1.0
dependencies:
  - name: localdep
    version: ">=1.0.0 <2.0.0"
    repository: "file://../localdep"
    alias: ld
    condition: ld.enabled
    tags: [backend]
    import-values:
      - child: service
        parent: importedService
  - name: mychart
    version: "~0.1.0"
    repository: "oci://127.0.0.1:5055/charts/sub"
"#;

    fn locked() -> Vec<Dependency> {
        vec![
            Dependency {
                name: "localdep".into(),
                version: "1.2.3".into(),
                repository: "file://../localdep".into(),
                ..Dependency::default()
            },
            Dependency {
                name: "mychart".into(),
                version: "0.1.5+build.7".into(),
                repository: "oci://127.0.0.1:5055/charts/sub".into(),
                ..Dependency::default()
            },
        ]
    }

    #[test]
    fn digest_matches_helm_for_the_verified_example() {
        let req = requested(CHART_YAML).unwrap();
        assert_eq!(
            digest(&req, &locked()),
            "sha256:bca4a9c1f969516121ea7cc3998a6ddfb9c3bca7f3fe8ff542cd0488c92c6a3f"
        );
    }

    #[test]
    fn lock_text_and_round_trip() {
        let req = requested(CHART_YAML).unwrap();
        let l = lock(&req, &locked(), "2026-11-29T09:28:21.575908583Z");
        let text = lock_text(&l);
        assert_eq!(
            text,
            "dependencies:\n- name: localdep\n  repository: file://../localdep\n  version: 1.2.3\n\
             - name: mychart\n  repository: oci://127.0.0.1:5055/charts/sub\n  version: 0.1.5+build.7\n\
             digest: sha256:bca4a9c1f969516121ea7cc3998a6ddfb9c3bca7f3fe8ff542cd0488c92c6a3f\n\
             generated: \"2026-11-29T09:28:21.575908583Z\"\n"
        );
        let parsed = parse_lock(&text).unwrap();
        assert!(in_sync(&req, &parsed));
        let changed = requested(&CHART_YAML.replace("~0.1.0", "~0.2.0")).unwrap();
        assert!(!in_sync(&changed, &parsed));
    }

    #[test]
    fn v1_charts_are_refused() {
        let err = requested("apiVersion: v1\nname: a\nversion: 1.0.0\n").unwrap_err();
        assert!(err.to_string().contains("apiVersion v1"), "{err}");
    }
}
