//! Parse and execute a realistic chart helper file (`_helpers.tpl` style: names, labels,
//! selectors, image references, ports) using only builtins and `template`.

#[cfg(not(target_arch = "wasm32"))]
mod bench {
    use std::collections::BTreeMap;

    use criterion::{Criterion, criterion_group};
    use gotemplate::{Template, Value};

    const HELPERS: &str = r#"
{{/* Expand the name of the chart. */}}
{{- define "app.name" -}}
{{- printf "%.63s" (or .Values.nameOverride .Chart.Name) -}}
{{- end -}}

{{- define "app.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- printf "%.63s" .Values.fullnameOverride -}}
{{- else -}}
{{- $name := or .Values.nameOverride .Chart.Name -}}
{{- if eq .Release.Name $name -}}
{{- printf "%.63s" .Release.Name -}}
{{- else -}}
{{- printf "%.63s" (printf "%s-%s" .Release.Name $name) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "app.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version -}}
{{- end -}}

{{- define "app.selectorLabels" -}}
app.kubernetes.io/name: {{ template "app.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "app.labels" -}}
helm.sh/chart: {{ template "app.chart" . }}
{{ template "app.selectorLabels" . }}
app.kubernetes.io/version: {{ printf "%q" .Chart.AppVersion }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- range $k, $v := .Values.commonLabels }}
{{ $k }}: {{ printf "%q" $v }}
{{- end }}
{{- end -}}

{{- define "app.image" -}}
{{- $registry := .Values.image.registry -}}
{{- $tag := or .Values.image.tag .Chart.AppVersion -}}
{{- if $registry -}}
{{- printf "%s/%s:%s" $registry .Values.image.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end -}}
"#;

    const DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ template "app.fullname" . }}
  labels:
    {{- include_labels := 0 }}
spec:
  replicas: {{ .Values.replicaCount }}
  template:
    spec:
      containers:
        - name: {{ template "app.name" . }}
          image: {{ template "app.image" . }}
          ports:
          {{- range $i, $p := .Values.ports }}
            - name: {{ $p.name }}
              containerPort: {{ $p.port }}
              {{- if gt $i 0 }}
              protocol: {{ or $p.protocol "TCP" }}
              {{- end }}
          {{- end }}
          env:
          {{- range $k, $v := .Values.env }}
            - name: {{ $k }}
              value: {{ printf "%v" $v | printf "%q" }}
          {{- end }}
"#;

    fn map(entries: Vec<(&str, Value)>) -> Value {
        Value::map(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect::<BTreeMap<_, _>>(),
        )
    }

    fn data() -> Value {
        let ports = (0..8)
            .map(|i| {
                map(vec![
                    ("name", format!("port{i}").into()),
                    ("port", Value::float(8000.0 + f64::from(i))),
                ])
            })
            .collect();
        let env = map((0..20)
            .map(|i| (["A", "B", "C", "D"][i % 4], Value::int(i as i64)))
            .collect());
        map(vec![
            (
                "Chart",
                map(vec![
                    ("Name", "app".into()),
                    ("Version", "1.2.3".into()),
                    ("AppVersion", "4.5.6".into()),
                ]),
            ),
            (
                "Release",
                map(vec![("Name", "rel".into()), ("Service", "Helm".into())]),
            ),
            (
                "Values",
                map(vec![
                    ("replicaCount", Value::float(3.0)),
                    (
                        "image",
                        map(vec![
                            ("registry", "docker.io".into()),
                            ("repository", "org/app".into()),
                        ]),
                    ),
                    ("ports", Value::list(ports)),
                    ("env", env),
                    (
                        "commonLabels",
                        map(vec![("team", "core".into()), ("tier", "web".into())]),
                    ),
                ]),
            ),
        ])
    }

    fn parse() -> Template {
        let mut t = Template::new("app/templates/deployment.yaml");
        let deployment = DEPLOYMENT.replace(
            "{{- include_labels := 0 }}",
            "{{- template \"app.labels\" . }}",
        );
        let ok = t.parse_named("app/templates/_helpers.tpl", HELPERS).is_ok()
            && t.parse(&deployment).is_ok();
        assert!(ok, "benchmark templates must parse");
        t
    }

    fn helpers(c: &mut Criterion) {
        c.bench_function("parse _helpers.tpl + deployment.yaml", |b| b.iter(parse));
        let t = parse();
        let d = data();
        assert!(t.execute(&d).is_ok(), "benchmark template must execute");
        c.bench_function("execute deployment.yaml", |b| b.iter(|| t.execute(&d)));
    }

    criterion_group!(benches, helpers);
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(bench::benches);

#[cfg(target_arch = "wasm32")]
fn main() {}
