use super::emit::key_order;
use super::{Value, parse, to_string};

fn s(v: &str) -> Value {
    Value::String(v.to_string())
}

fn map(entries: &[(&str, Value)]) -> Value {
    Value::Map(
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

#[test]
fn keys_sort_in_go_yaml_natural_order() {
    let want = [
        "_x", "9", "10", "K1", "Z", "a-b", "a.b", "a/b", "ab", "k2", "k02", "k10", "z",
    ];
    let mut keys = want;
    keys.reverse();
    keys.sort_by(|a, b| key_order(a, b));
    assert_eq!(keys, want);
}

#[test]
fn strings_are_quoted_like_go_yaml_v2() {
    let cases: &[(&str, &str)] = &[
        ("1.10", "\"1.10\""),
        ("yes", "\"yes\""),
        ("Yes", "\"Yes\""),
        ("y", "\"y\""),
        ("n", "\"n\""),
        ("NO", "\"NO\""),
        ("off", "\"off\""),
        ("on", "\"on\""),
        ("null", "\"null\""),
        ("~", "\"~\""),
        ("", "\"\""),
        ("0777", "\"0777\""),
        ("1e3", "\"1e3\""),
        ("true", "\"true\""),
        ("2024-01-01", "\"2024-01-01\""),
        ("2.0", "\"2.0\""),
        ("1:20", "\"1:20\""),
        ("@at", "'@at'"),
        ("- dash", "'- dash'"),
        ("a: b", "'a: b'"),
        ("#hash", "'#hash'"),
        ("trailing ", "'trailing '"),
        (">=1.20.0-0", "'>=1.20.0-0'"),
        ("*", "'*'"),
        ("it's", "it's"),
        ("'q'", "'''q'''"),
        ("https://example.com/a b", "https://example.com/a b"),
        ("a #b", "'a #b'"),
        ("a#b", "a#b"),
        ("tab\there", "\"tab\\there\""),
        ("v9 beta", "v9 beta"),
        ("ünïcode", "ünïcode"),
        ("<<", "<<"),
    ];
    for (input, want) in cases {
        let got = to_string(&map(&[("k", s(input))]));
        assert_eq!(got, format!("k: {want}\n"), "{input:?}");
        // And it reads back as the same string.
        assert_eq!(parse(&got).unwrap(), map(&[("k", s(input))]), "{input:?}");
    }
}

#[test]
fn layout_of_nested_values() {
    let v = map(&[
        ("name", s("mychart")),
        ("keywords", Value::Seq(vec![s("a"), s("b")])),
        (
            "maintainers",
            Value::Seq(vec![map(&[
                ("name", s("Alice")),
                ("email", s("a@example.com")),
            ])]),
        ),
        ("annotations", map(&[("x/y", s("1")), ("a", s("b"))])),
        ("deprecated", Value::Bool(true)),
        ("empty", Value::Map(vec![])),
        ("none", Value::Seq(vec![])),
        (
            "nested",
            Value::Seq(vec![Value::Seq(vec![Value::Int(1)]), Value::Null]),
        ),
        ("num", Value::Float(1.0)),
        ("big", Value::Float(1e21)),
        ("frac", Value::Float(0.000001)),
        ("tiny", Value::Float(1e-7)),
    ]);
    assert_eq!(
        to_string(&v),
        "annotations:\n  a: b\n  x/y: \"1\"\nbig: 1e+21\ndeprecated: true\nempty: {}\nfrac: 1e-06\n\
         keywords:\n- a\n- b\nmaintainers:\n- email: a@example.com\n  name: Alice\nname: mychart\n\
         nested:\n- - 1\n- null\nnone: []\nnum: 1\ntiny: 1e-07\n"
    );
}

#[test]
fn long_scalars_fold_past_column_80() {
    let words = "lorem ipsum dolor sit amet ".repeat(6);
    let text = words.trim_end();
    let got = to_string(&map(&[("description", s(text))]));
    let lines: Vec<&str> = got.lines().collect();
    assert_eq!(lines.len(), 3, "{got}");
    for line in &lines[..2] {
        assert!(line.len() > 80 && line.len() < 90, "{got}");
    }
    assert!(
        lines[1].starts_with("  ") && !lines[1].starts_with("   "),
        "{got}"
    );
    assert_eq!(parse(&got).unwrap(), map(&[("description", s(text))]));
}

#[test]
fn multiline_strings_use_literal_style() {
    assert_eq!(to_string(&map(&[("k", s("a\nb\n"))])), "k: |\n  a\n  b\n");
    assert_eq!(to_string(&map(&[("k", s("a\nb"))])), "k: |-\n  a\n  b\n");
    assert_eq!(to_string(&map(&[("k", s("a\n\n"))])), "k: |+\n  a\n\n");
    assert_eq!(to_string(&map(&[("k", s(" a\n"))])), "k: |2\n   a\n");
    assert_eq!(to_string(&map(&[("k", s("a \nb"))])), "k: \"a \\nb\"\n");
}

#[test]
fn roots_and_scalars() {
    assert_eq!(to_string(&Value::Map(vec![])), "{}\n");
    assert_eq!(to_string(&Value::Null), "null\n");
    assert_eq!(to_string(&Value::Seq(vec![s("a")])), "- a\n");
}
