//! The parts of the API Helm's renderer stands on: host objects with methods, fields and
//! `String()`, variadic functions that can fail, shared mutable maps, and `include`.

use std::collections::BTreeMap;
use std::rc::Rc;

use gotemplate::{Func, FuncError, List, Map, MissingKey, Object, Param, Template, Value};

/// Like Helm's `chartutil.Files` (a `map[string][]byte` with methods).
struct Files(Map);

impl Object for Files {
    fn type_name(&self) -> String {
        "chart.Files".into()
    }
    fn method(&self, name: &str) -> Option<Func> {
        let files = self.0.clone();
        match name {
            "Get" => Some(Func::simple(vec![Param::String], None, move |args| {
                let key = args[0].as_str().unwrap_or_default();
                Ok(files.get(key).unwrap_or_else(|| Value::string("")))
            })),
            _ => None,
        }
    }
    fn underlying(&self) -> Value {
        Value::Map(self.0.clone())
    }
}

/// Like Helm's `chartutil.VersionSet` (a `[]string` with `Has`).
struct VersionSet(List);

impl Object for VersionSet {
    fn type_name(&self) -> String {
        "common.VersionSet".into()
    }
    fn method(&self, name: &str) -> Option<Func> {
        let list = self.0.clone();
        (name == "Has").then(|| {
            Func::simple(vec![Param::String], None, move |args| {
                let want = args[0].as_str().unwrap_or_default().to_string();
                Ok(Value::Bool(
                    list.borrow()
                        .iter()
                        .any(|v| v.as_str() == Some(want.as_str())),
                ))
            })
        })
    }
    fn underlying(&self) -> Value {
        Value::List(self.0.clone())
    }
}

/// Like Helm's `KubeVersion`: a struct with fields and `String()`.
struct KubeVersion;

impl Object for KubeVersion {
    fn type_name(&self) -> String {
        "*common.KubeVersion".into()
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Major" => Some("1".into()),
            "Minor" => Some("35".into()),
            _ => None,
        }
    }
    fn string(&self) -> Option<String> {
        Some("v1.35.0".into())
    }
}

/// Like Helm's `common.Values`: a map whose methods shadow its keys.
struct Values(Map);

impl Object for Values {
    fn type_name(&self) -> String {
        "common.Values".into()
    }
    fn method(&self, name: &str) -> Option<Func> {
        (name == "Table").then(|| Func::simple(vec![Param::String], None, |_| Ok(Value::Nil)))
    }
    fn underlying(&self) -> Value {
        Value::Map(self.0.clone())
    }
}

fn top() -> Value {
    let mut files = BTreeMap::new();
    files.insert("config.ini".to_string(), Value::string("a=1"));
    let mut values = BTreeMap::new();
    values.insert("Table".to_string(), Value::string("key"));
    values.insert("name".to_string(), Value::string("web"));
    let mut caps = BTreeMap::new();
    caps.insert(
        "APIVersions".to_string(),
        Value::Object(Rc::new(VersionSet(List::typed(
            vec!["apps/v1".into(), "v1".into()],
            "string",
        )))),
    );
    caps.insert(
        "KubeVersion".to_string(),
        Value::Object(Rc::new(KubeVersion)),
    );
    let mut m = BTreeMap::new();
    m.insert(
        "Files".to_string(),
        Value::Object(Rc::new(Files(Map::new(files)))),
    );
    m.insert(
        "Values".to_string(),
        Value::Object(Rc::new(Values(Map::new(values)))),
    );
    m.insert("Capabilities".to_string(), Value::map(caps));
    Value::map(m)
}

fn helm_like() -> Template {
    let mut t = Template::new("chart/templates/cm.yaml");
    t.missing_key(MissingKey::Zero);
    t.func(
        "fail",
        Func::simple(vec![Param::String], None, |args| {
            Err(FuncError(args[0].as_str().unwrap_or_default().into()))
        }),
    );
    t.func(
        "set",
        Func::simple(
            vec![
                Param::Named("map[string]interface {}".into()),
                Param::String,
                Param::Any,
            ],
            None,
            |args| {
                if let Value::Map(m) = &args[0] {
                    m.borrow_mut()
                        .insert(args[1].as_str().unwrap_or_default().into(), args[2].clone());
                }
                Ok(args[0].clone())
            },
        ),
    );
    t.func(
        "list",
        Func::simple(vec![], Some(Param::Any), |args| Ok(Value::list(args))),
    );
    t.func(
        "include",
        Func::new(vec![Param::String, Param::Any], None, |ctx, args| {
            let name = args[0].as_str().unwrap_or_default().to_string();
            ctx.execute_template(&name, args[1].clone())
                .map(Value::from)
                .map_err(|e| FuncError(e.to_string()))
        }),
    );
    t
}

fn render(src: &str) -> Result<String, String> {
    let mut t = helm_like();
    t.parse(src).map_err(|e| e.to_string())?;
    t.execute(&top()).map_err(|e| e.to_string())
}

#[test]
fn methods_fields_and_stringers_on_host_objects() {
    assert_eq!(
        render(r#"{{.Files.Get "config.ini"}}|{{.Files.Get "nope"}}"#),
        Ok("a=1|".into())
    );
    assert_eq!(
        render(
            r#"{{.Capabilities.APIVersions.Has "apps/v1"}} {{.Capabilities.APIVersions.Has "batch/v1/CronJob"}}"#
        ),
        Ok("true false".into())
    );
    assert_eq!(
        render("{{.Capabilities.KubeVersion}} {{.Capabilities.KubeVersion.Minor}}"),
        Ok("v1.35.0 35".into())
    );
    assert_eq!(
        render("{{range .Capabilities.APIVersions}}{{.}},{{end}} {{len .Files}}"),
        Ok("apps/v1,v1, 1".into())
    );
    assert_eq!(
        render("{{printf \"%T\" .Values}} {{index .Values \"Table\"}} {{.Values.name}}"),
        Ok("common.Values key web".into())
    );
}

#[test]
fn methods_shadow_keys_with_go_arity_errors() {
    assert_eq!(
        render("{{ .Values.Table }}"),
        Err("template: chart/templates/cm.yaml:1:10: executing \"chart/templates/cm.yaml\" at <.Values.Table>: wrong number of args for Table: want 1 got 0".into())
    );
    assert_eq!(
        render("{{ .Files.Get 1 }}"),
        Err("template: chart/templates/cm.yaml:1:14: executing \"chart/templates/cm.yaml\" at <1>: expected string; found 1".into())
    );
}

#[test]
fn function_errors_are_wrapped_like_go() {
    assert_eq!(
        render("x\n  {{ fail \"need b\" }}"),
        Err("template: chart/templates/cm.yaml:2:5: executing \"chart/templates/cm.yaml\" at <fail \"need b\">: error calling fail: need b".into())
    );
    assert_eq!(
        render("{{ set \"x\" \"k\" 1 }}"),
        Err("template: chart/templates/cm.yaml:1:7: executing \"chart/templates/cm.yaml\" at <\"x\">: can't handle \"x\" for arg of type map[string]interface {}".into())
    );
}

#[test]
fn shared_maps_see_mutations_across_templates() {
    let mut t = helm_like();
    let data = Value::map(BTreeMap::new());
    t.parse_named("z-set.yaml", r#"{{ $_ := set . "x" "from-z" }}"#)
        .expect("parses");
    t.parse_named("a-read.yaml", "x={{ .x }}").expect("parses");
    // missingkey=zero on a map[string]interface {} gives nil, printed as <no value> (Helm
    // erases that text after rendering).
    assert_eq!(
        t.execute_template("a-read.yaml", &data).ok(),
        Some("x=<no value>".into())
    );
    assert!(t.execute_template("z-set.yaml", &data).is_ok());
    assert_eq!(
        t.execute_template("a-read.yaml", &data).ok(),
        Some("x=from-z".into())
    );
}

#[test]
fn include_runs_named_templates_and_nil_chains_error_under_zero() {
    assert_eq!(
        render(r#"{{define "n"}}<{{.}}>{{end}}{{ include "n" (list 1 2) | printf "%s!" }}"#),
        Ok("<[1 2]>!".into())
    );
    assert_eq!(
        render("{{ .Values.missing.x }}"),
        Err("template: chart/templates/cm.yaml:1:10: executing \"chart/templates/cm.yaml\" at <.Values.missing.x>: nil pointer evaluating interface {}.x".into())
    );
}

#[test]
fn include_of_a_missing_template_reports_like_go() {
    assert_eq!(
        render(r#"{{ include "nope" . }}"#),
        Err("template: chart/templates/cm.yaml:1:3: executing \"chart/templates/cm.yaml\" at <include \"nope\" .>: error calling include: template: no template \"nope\" associated with template \"chart/templates/cm.yaml\"".into())
    );
}
