use super::*;

fn map(entries: &[(&str, Value)]) -> Value {
    Value::Map(
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

fn s(v: &str) -> Value {
    Value::String(v.to_string())
}

#[test]
fn empty_and_comment_only_documents_are_null() {
    assert_eq!(parse("").unwrap(), Value::Null);
    assert_eq!(parse("# just a comment\n\n").unwrap(), Value::Null);
    assert_eq!(parse("---\n").unwrap(), Value::Null);
}

#[test]
fn helm_scalar_resolution() {
    let v = parse(
        "a: yes\nb: Off\nc: ~\nd: 0755\ne: 0x1F\nf: 1e3\ng: 2024-01-02\nh: \"yes\"\ni: '12'\n\
         j: 1.0\nk: .inf\nl: 1_000\nm: y\nnn: NULL\no: |\n  text\np: !!str 12\nq: !!float 3\n",
    )
    .unwrap();
    assert_eq!(v.get("a"), Some(&Value::Bool(true)));
    assert_eq!(v.get("b"), Some(&Value::Bool(false)));
    assert_eq!(v.get("c"), Some(&Value::Null));
    assert_eq!(v.get("d"), Some(&Value::Int(493)));
    assert_eq!(v.get("e"), Some(&Value::Int(31)));
    assert_eq!(v.get("f"), Some(&Value::Float(1000.0)));
    assert_eq!(v.get("g"), Some(&s("2024-01-02")));
    assert_eq!(v.get("h"), Some(&s("yes")));
    assert_eq!(v.get("i"), Some(&s("12")));
    assert_eq!(v.get("j"), Some(&Value::Float(1.0)));
    assert_eq!(v.get("k"), Some(&Value::Float(f64::INFINITY)));
    assert_eq!(v.get("l"), Some(&Value::Int(1000)));
    assert_eq!(v.get("m"), Some(&Value::Bool(true)));
    assert_eq!(v.get("nn"), Some(&Value::Null));
    assert_eq!(v.get("o"), Some(&s("text\n")));
    assert_eq!(v.get("p"), Some(&s("12")));
    assert_eq!(v.get("q"), Some(&Value::Float(3.0)));
}

#[test]
fn binary_and_large_maps() {
    assert_eq!(
        parse("a: !!binary aGVsbG8=\n").unwrap(),
        map(&[("a", s("hello"))])
    );
    assert!(parse("a: !!binary a\n").is_err());
    let text: String = (0..20_000).map(|i| format!("k{i}: {i}\n")).collect();
    let v = parse(&text).unwrap();
    assert_eq!(v.get("k19999"), Some(&Value::Int(19_999)));
}

#[test]
fn keys_become_strings_and_last_duplicate_wins() {
    assert!(parse("~: c\n").is_err());
    let v = parse("1: a\ntrue: b\n\"null\": c\n1.5: d\nx: 1\nx: 2\n\"1\": e\n").unwrap();
    assert_eq!(
        v,
        map(&[
            ("1", s("e")),
            ("true", s("b")),
            ("null", s("c")),
            ("1.5", s("d")),
            ("x", Value::Int(2)),
        ])
    );
}

#[test]
fn anchors_aliases_and_merge_keys() {
    let v = parse(
        "base: &b\n  x: 1\n  w: 2\nother: &o {z: 3}\nderived:\n  <<: *b\n  w: 20\nmulti:\n  <<: [*b, *o]\nlist: &l [1, 2]\ncopy: *l\n",
    )
    .unwrap();
    assert_eq!(
        v.get("derived"),
        Some(&map(&[("x", Value::Int(1)), ("w", Value::Int(20))]))
    );
    assert_eq!(
        v.get("multi"),
        Some(&map(&[
            ("z", Value::Int(3)),
            ("x", Value::Int(1)),
            ("w", Value::Int(2))
        ]))
    );
    assert_eq!(
        v.get("copy"),
        Some(&Value::Seq(vec![Value::Int(1), Value::Int(2)]))
    );
    // A quoted "<<" is an ordinary key.
    let v = parse("\"<<\": {a: 1}\n").unwrap();
    assert!(v.get("<<").is_some());
}

#[test]
fn yaml_1_1_keys_become_bool_names() {
    // go-yaml v2 reads the key `y` as true; sigs.k8s.io/yaml then writes it as "true".
    assert_eq!(
        parse("y: 1\nn: 2\n").unwrap(),
        map(&[("true", Value::Int(1)), ("false", Value::Int(2))])
    );
}

#[test]
fn only_first_document_is_parsed() {
    assert_eq!(
        parse("a: 1\n---\nb: 2\n").unwrap(),
        map(&[("a", Value::Int(1))])
    );
}

#[test]
fn documents_split_like_the_kubernetes_reader() {
    let docs = parse_documents("a: 1\n---\nb: 2\n--- # c\n---\nc: 3\n").unwrap();
    assert_eq!(
        docs,
        vec![
            map(&[("a", Value::Int(1))]),
            map(&[("b", Value::Int(2))]),
            map(&[("c", Value::Int(3))]),
        ]
    );
    let err = parse_documents("a: 1\n--- {b: 2}\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "yaml: invalid Yaml document separator: {b: 2}"
    );
}

#[test]
fn syntax_errors_read_like_go_yaml() {
    let err = parse("a: b: c\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "yaml: mapping values are not allowed in this context"
    );
    let err = parse("a: *nope\n").unwrap_err();
    assert!(err.message.contains("unknown anchor"), "{err}");
}

#[test]
fn syntax_error_lines_follow_go_yaml() {
    for (text, want) in [
        (
            "a: b: c\n",
            "yaml: mapping values are not allowed in this context",
        ),
        (
            "a: 1\nb:\n  c: 2\n d: 3\n",
            "yaml: line 3: did not find expected key",
        ),
        (
            "a: [1, 2\n",
            "yaml: line 1: did not find expected ',' or ']'",
        ),
        ("a: \"x\n", "yaml: line 2: found unexpected end of stream"),
        (
            "a: 1\n  b: 2\n",
            "yaml: line 2: mapping values are not allowed in this context",
        ),
        (
            "x:\n  - a\n  b: 1\n",
            "yaml: line 2: did not find expected '-' indicator",
        ),
        ("a: *x\n", "yaml: unknown anchor 'x' referenced"),
        (
            "\tb: 1\n",
            "yaml: found character that cannot start any token",
        ),
        (
            "a: @x\n",
            "yaml: found character that cannot start any token",
        ),
        (
            "a: 1\na: {b\n",
            "yaml: line 2: did not find expected ',' or '}'",
        ),
        ("k: v\n- x\n", "yaml: line 1: did not find expected key"),
        (
            "key\nb: 1\n",
            "yaml: line 2: mapping values are not allowed in this context",
        ),
        (
            "a:\n  b\n  c: 1\n",
            "yaml: line 3: mapping values are not allowed in this context",
        ),
        (
            "a: 1\n\tb: 2\n",
            "yaml: line 2: found a tab character that violates indentation",
        ),
        (
            "a: 1\n\t\nb: 2\n",
            "yaml: line 2: found a tab character that violates indentation",
        ),
        ("{a: 1\n", "yaml: line 1: did not find expected ',' or '}'"),
        (
            "x: 1\na: [\n",
            "yaml: line 2: did not find expected node content",
        ),
        ("a: \"\\q\"\n", "yaml: found unknown escape character"),
        (
            "a: |\n\tx\n",
            "yaml: line 2: found a tab character where an indentation space is expected",
        ),
        ("a: !!int x\n", "yaml: cannot decode !!str `x` as a !!int"),
        (
            "<<: 1\n",
            "yaml: map merge requires map or sequence of maps as the value",
        ),
    ] {
        assert_eq!(
            parse(text).map_err(|e| e.to_string()),
            Err(want.to_string()),
            "{text:?}"
        );
    }
    // Accepted by go-yaml too.
    assert!(parse("  a: 1\nb: 2\n").is_ok());
    assert!(parse("a: [1,\n\t2]\n").is_ok());
    assert_eq!(
        parse("a:\tb\nc:\t\t1\n").unwrap(),
        map(&[("a", s("b")), ("c", Value::Int(1))])
    );
    assert!(parse("a: |\n  x\n\t\n").is_ok() || parse("a: |\n  x\n\t\n").is_err());
}

#[test]
fn line_of_nested_keys() {
    let text = "# c\nname: x\nmaintainers:\n  - name: a\nannotations:\n  foo: bar\n  nested:\n    deep: 1\n";
    assert_eq!(line_of_key(text, &["name"]), Some(2));
    assert_eq!(line_of_key(text, &["annotations", "foo"]), Some(6));
    assert_eq!(
        line_of_key(text, &["annotations", "nested", "deep"]),
        Some(8)
    );
    assert_eq!(line_of_key(text, &["foo"]), None);
    assert_eq!(line_of_key(text, &["maintainers"]), Some(3));
}
