//! Limits that keep hostile templates from exhausting the stack, memory or time. These run in
//! the wasm32 guest too, where the stack is 1 MiB and cannot grow.

use gotemplate::{Limits, Template, Value};

#[test]
fn deep_parentheses_are_rejected_not_overflowing() {
    let text = format!("{{{{{}1{}}}}}", "(".repeat(100_000), ")".repeat(100_000));
    let err = Template::new("deep")
        .parse(&text)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("nesting too deep"), "{err}");
}

#[test]
fn deep_control_nesting_is_rejected_not_overflowing() {
    let text = format!(
        "{}x{}",
        "{{if 1}}".repeat(100_000),
        "{{end}}".repeat(100_000)
    );
    let err = Template::new("deep")
        .parse(&text)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("nesting too deep"), "{err}");
}

#[test]
fn infinite_recursion_stops_at_depth_limit() {
    let mut t = Template::new("main");
    let parsed = t
        .parse(r#"{{define "r"}}{{template "r" .}}{{end}}{{template "r" 1}}"#)
        .is_ok();
    assert!(parsed);
    let err = t
        .execute(&Value::NoValue)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert_eq!(
        err,
        format!(
            "template: main:1:25: executing \"r\" at <{{{{template \"r\" .}}}}>: exceeded maximum template depth ({})",
            gotemplate::DEFAULT_MAX_DEPTH
        )
    );
}

#[test]
fn runaway_output_hits_the_output_limit() {
    let mut t = Template::new("big");
    t.limits(Limits {
        max_output: 1000,
        ..Limits::default()
    });
    let parsed = t.parse("{{range 100000}}xxxxxxxxxx{{end}}").is_ok();
    assert!(parsed);
    let err = t
        .execute(&Value::NoValue)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("output exceeds the limit of 1000 bytes"),
        "{err}"
    );
}

#[test]
fn runaway_loops_hit_the_step_limit() {
    let mut t = Template::new("slow");
    t.limits(Limits {
        max_steps: Some(10_000),
        ..Limits::default()
    });
    let parsed = t.parse("{{range 1000000000}}{{end}}").is_ok();
    assert!(parsed);
    let err = t
        .execute(&Value::NoValue)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("limit of 10000 steps"), "{err}");
}

#[test]
fn default_nesting_limit_fits_the_stack() {
    // Each template level nests three lists; the nesting limit must trip before the stack does.
    let mut t = Template::new("main");
    t.limits(Limits {
        max_depth: 100_000,
        ..Limits::default()
    });
    let src = r#"{{define "r"}}{{if 1}}{{with .}}{{template "r" (printf "%v" .)}}{{end}}{{end}}{{end}}{{template "r" 1}}"#;
    assert!(t.parse(src).is_ok());
    let err = t
        .execute(&Value::NoValue)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("exceeded maximum nesting of 500 evaluations"),
        "{err}"
    );
}

#[test]
fn deeply_nested_parenthesised_pipelines_within_parse_limit_execute() {
    let src = format!("{{{{{}1{}}}}}", "(print ".repeat(150), ")".repeat(150));
    let mut t = Template::new("parens");
    assert!(t.parse(&src).is_ok());
    assert_eq!(t.execute(&Value::NoValue).ok(), Some("1".into()));
}
