//! Runs conformance vectors (JSON lines: `name`, `template`, `data`, optional `defs`, and
//! `expected` output or `error` text) and reports every mismatch.
//!
//! `cargo run --release -p gotemplate --example conformance -- vectors.jsonl`

use std::collections::BTreeMap;
use std::process::ExitCode;

use gotemplate::{Template, Value};

/// JSON integers become Go `int`, other numbers `float64`, as Go's vector extraction typed them.
fn to_value(j: &serde_json::Value) -> Value {
    match j {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::int(i),
            None => Value::float(n.as_f64().unwrap_or(0.0)),
        },
        serde_json::Value::String(s) => Value::string(s.as_str()),
        serde_json::Value::Array(a) => Value::list(a.iter().map(to_value).collect()),
        serde_json::Value::Object(o) => Value::map(
            o.iter()
                .map(|(k, v)| (k.clone(), to_value(v)))
                .collect::<BTreeMap<_, _>>(),
        ),
    }
}

fn run(v: &serde_json::Value) -> Result<String, String> {
    let name = v["name"].as_str().unwrap_or("");
    let mut t = Template::new(name);
    if let Some(defs) = v["defs"].as_array() {
        for d in defs {
            t.parse(d.as_str().unwrap_or(""))
                .map_err(|e| e.to_string())?;
        }
    }
    t.parse(v["template"].as_str().unwrap_or(""))
        .map_err(|e| e.to_string())?;
    let data = if v["data"].is_null() {
        Value::NoValue
    } else {
        to_value(&v["data"])
    };
    t.execute(&data).map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: conformance <vectors.jsonl>");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let (mut passed, mut failed) = (0, 0);
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let v: serde_json::Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                println!("line {}: invalid JSON: {e}", i + 1);
                failed += 1;
                continue;
            }
        };
        let got = run(&v);
        let want = match (
            v.get("expected").and_then(|e| e.as_str()),
            v.get("error").and_then(|e| e.as_str()),
        ) {
            (Some(e), _) => Ok(e.to_string()),
            (None, Some(e)) => Err(e.to_string()),
            _ => Ok(String::new()),
        };
        if got == want {
            passed += 1;
        } else {
            failed += 1;
            println!(
                "FAIL line {} {:?}\n  template: {:?}\n  want: {:?}\n  got:  {:?}",
                i + 1,
                v["name"],
                v["template"],
                want,
                got
            );
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
