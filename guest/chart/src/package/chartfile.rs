//! Chart.yaml and Chart.lock as `helm package` re-serialises them: `sigs.k8s.io/yaml.Marshal`
//! of helm's structs, so only non-empty `omitempty` fields appear (Dependency `name` and
//! `repository` always do), and keys come out sorted.

use crate::yaml::{self, Value};
use crate::{Dependency, Lock, Maintainer, Metadata};

/// The Chart.yaml text helm writes into the archive. For `apiVersion: v1` charts the
/// dependencies (which came from requirements.yaml) are left out.
pub fn chart_yaml(md: &Metadata) -> String {
    yaml::to_string(&metadata_value(md, md.api_version != "v1"))
}

/// The Chart.lock text helm writes into the archive.
pub fn chart_lock(lock: &Lock) -> String {
    yaml::to_string(&lock_value(lock))
}

fn str_field(out: &mut Vec<(String, Value)>, key: &str, v: &str) {
    if !v.is_empty() {
        out.push((key.into(), Value::String(v.into())));
    }
}

fn list_field(out: &mut Vec<(String, Value)>, key: &str, v: &[String]) {
    if !v.is_empty() {
        let items = v.iter().map(|s| Value::String(s.clone())).collect();
        out.push((key.into(), Value::Seq(items)));
    }
}

/// `Metadata` as the JSON object `encoding/json` makes of it, in Go struct field order.
pub(crate) fn metadata_value(md: &Metadata, with_dependencies: bool) -> Value {
    let mut m = Vec::new();
    str_field(&mut m, "name", &md.name);
    str_field(&mut m, "home", &md.home);
    list_field(&mut m, "sources", &md.sources);
    str_field(&mut m, "version", &md.version);
    str_field(&mut m, "description", &md.description);
    list_field(&mut m, "keywords", &md.keywords);
    if !md.maintainers.is_empty() {
        let items = md
            .maintainers
            .iter()
            .map(|mt| mt.as_ref().map_or(Value::Null, maintainer_value))
            .collect();
        m.push(("maintainers".into(), Value::Seq(items)));
    }
    str_field(&mut m, "icon", &md.icon);
    str_field(&mut m, "apiVersion", &md.api_version);
    str_field(&mut m, "condition", &md.condition);
    str_field(&mut m, "tags", &md.tags);
    str_field(&mut m, "appVersion", &md.app_version);
    if md.deprecated {
        m.push(("deprecated".into(), Value::Bool(true)));
    }
    if !md.annotations.is_empty() {
        let entries = md
            .annotations
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        m.push(("annotations".into(), Value::Map(entries)));
    }
    str_field(&mut m, "kubeVersion", &md.kube_version);
    if with_dependencies && !md.dependencies.is_empty() {
        let items = md
            .dependencies
            .iter()
            .map(|d| d.as_ref().map_or(Value::Null, dependency_value))
            .collect();
        m.push(("dependencies".into(), Value::Seq(items)));
    }
    str_field(&mut m, "type", &md.chart_type);
    Value::Map(m)
}

pub(crate) fn maintainer_value(mt: &Maintainer) -> Value {
    let mut m = Vec::new();
    str_field(&mut m, "name", &mt.name);
    str_field(&mut m, "email", &mt.email);
    str_field(&mut m, "url", &mt.url);
    Value::Map(m)
}

pub(crate) fn dependency_value(d: &Dependency) -> Value {
    let mut m = vec![("name".to_string(), Value::String(d.name.clone()))];
    str_field(&mut m, "version", &d.version);
    m.push(("repository".into(), Value::String(d.repository.clone())));
    str_field(&mut m, "condition", &d.condition);
    list_field(&mut m, "tags", &d.tags);
    if d.enabled {
        m.push(("enabled".into(), Value::Bool(true)));
    }
    if !d.import_values.is_empty() {
        // Go decoded them into maps, which encoding/json writes with sorted keys.
        let items = d
            .import_values
            .iter()
            .map(Value::with_sorted_maps)
            .collect();
        m.push(("import-values".into(), Value::Seq(items)));
    }
    str_field(&mut m, "alias", &d.alias);
    Value::Map(m)
}

fn lock_value(lock: &Lock) -> Value {
    Value::Map(vec![
        (
            "generated".into(),
            Value::String(go_time_rfc3339_nano(&lock.generated)),
        ),
        ("digest".into(), Value::String(lock.digest.clone())),
        (
            "dependencies".into(),
            Value::Seq(lock.dependencies.iter().map(dependency_value).collect()),
        ),
    ])
}

/// A `time.Time` read from RFC 3339 text and written back with `time.RFC3339Nano`: fraction
/// without trailing zeros, a zero offset as `Z`. Unparsable text is kept as it is; an empty
/// one is Go's zero time.
pub(crate) fn go_time_rfc3339_nano(s: &str) -> String {
    if s.is_empty() {
        return "0001-01-01T00:00:00Z".into();
    }
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r.clone())
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    let shape_ok = b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    if !shape_ok {
        return s.to_string();
    }
    let mut rest = &s[19..];
    let mut frac = "";
    if let Some(r) = rest.strip_prefix('.') {
        let n = r.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 || n > 9 {
            return s.to_string();
        }
        frac = &r[..n];
        rest = &r[n..];
    }
    let zone = match rest {
        "Z" => "Z".to_string(),
        z if z.len() == 6
            && (z.starts_with('+') || z.starts_with('-'))
            && z.as_bytes()[3] == b':' =>
        {
            if &z[1..] == "00:00" {
                "Z".to_string()
            } else {
                z.to_string()
            }
        }
        _ => return s.to_string(),
    };
    let frac = frac.trim_end_matches('0');
    let mut out = s[..19].to_string();
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out.push_str(&zone);
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn helm_create_chart_yaml() {
        let md = Metadata {
            api_version: "v2".into(),
            name: "mychart".into(),
            description: "A Helm chart for Kubernetes".into(),
            chart_type: "application".into(),
            version: "0.1.0".into(),
            app_version: "1.16.0".into(),
            ..Metadata::default()
        };
        assert_eq!(
            chart_yaml(&md),
            "apiVersion: v2\nappVersion: 1.16.0\ndescription: A Helm chart for Kubernetes\n\
             name: mychart\ntype: application\nversion: 0.1.0\n"
        );
    }

    #[test]
    fn dependencies_keep_name_and_empty_repository_and_v1_drops_them() {
        let mut md = Metadata {
            api_version: "v2".into(),
            name: "c".into(),
            version: "2.0".into(),
            kube_version: ">=1.20.0-0".into(),
            dependencies: vec![Some(Dependency {
                name: "local".into(),
                ..Dependency::default()
            })],
            maintainers: vec![Some(Maintainer {
                name: "Alice".into(),
                email: "alice@example.com".into(),
                url: String::new(),
            })],
            ..Metadata::default()
        };
        assert_eq!(
            chart_yaml(&md),
            "apiVersion: v2\ndependencies:\n- name: local\n  repository: \"\"\n\
             kubeVersion: '>=1.20.0-0'\nmaintainers:\n- email: alice@example.com\n  name: Alice\n\
             name: c\nversion: \"2.0\"\n"
        );
        md.api_version = "v1".into();
        assert!(!chart_yaml(&md).contains("dependencies"));
    }

    #[test]
    fn lock_generated_is_a_quoted_rfc3339nano_time() {
        let lock = Lock {
            generated: "2026-11-29T09:28:21.500000000+00:00".into(),
            digest: "sha256:abc".into(),
            dependencies: vec![Dependency {
                name: "postgresql".into(),
                version: "16.7.27".into(),
                repository: "https://charts.bitnami.com/bitnami".into(),
                ..Dependency::default()
            }],
        };
        assert_eq!(
            chart_lock(&lock),
            "dependencies:\n- name: postgresql\n  repository: https://charts.bitnami.com/bitnami\n  \
             version: 16.7.27\ndigest: sha256:abc\ngenerated: \"2026-11-29T09:28:21.5Z\"\n"
        );
        assert_eq!(
            go_time_rfc3339_nano("2026-01-02T03:04:05+05:30"),
            "2026-01-02T03:04:05+05:30"
        );
    }
}
