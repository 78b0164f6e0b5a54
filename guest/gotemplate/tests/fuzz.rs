//! Property-based fuzzing of the parser and executor: any template text and any data must give
//! output or an error, never a panic, and stay within the step, depth and output limits.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use gotemplate::{Limits, MissingKey, Template, Value};
use proptest::prelude::*;

const FRAGMENTS: &[&str] = &[
    "{{",
    "}}",
    "{{- ",
    " -}}",
    "{{/* c */}}",
    "if ",
    "else ",
    "else if ",
    "end",
    "range ",
    "with ",
    "break",
    "continue",
    "define \"a\"",
    "template \"a\" .",
    "block \"b\" .",
    ".",
    ".a",
    ".b.c",
    "$",
    "$x",
    "$x := ",
    "$y = ",
    "$i, $v := ",
    " | ",
    "(",
    ")",
    " ",
    "\n",
    "x",
    "printf ",
    "\"%d %s %v %q %5.2f %[1]x %!\" ",
    "print ",
    "println ",
    "index ",
    "slice ",
    "len ",
    "and ",
    "or ",
    "not ",
    "eq ",
    "ne ",
    "lt ",
    "le ",
    "gt ",
    "ge ",
    "html ",
    "js ",
    "urlquery ",
    "call ",
    "nil",
    "true",
    "false",
    "1",
    "-2",
    "3.5",
    "1e3",
    "0x1F",
    "0b101",
    "0o17",
    "1_000",
    "'a'",
    "1+2i",
    "`raw`",
    "\"s\\n\"",
    "9223372036854775808",
    "18446744073709551615",
    ",",
    ":=",
    "=",
    "@",
    "'",
];

fn template_text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(prop::sample::select(FRAGMENTS), 0..40).prop_map(|v| v.concat()),
        ".{0,60}",
    ]
}

fn data() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Nil),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::int),
        any::<f64>().prop_map(Value::float),
        "[a-c]{0,3}".prop_map(|s| Value::string(s.as_str())),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::list),
            prop::collection::btree_map("[a-c]{1,2}", inner, 0..4)
                .prop_map(|m: BTreeMap<String, Value>| Value::map(m)),
        ]
    })
}

fn limits() -> Limits {
    Limits {
        max_depth: 50,
        max_output: 64 * 1024,
        max_steps: Some(50_000),
        max_nesting: 200,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn parse_and_execute_never_panic(text in template_text(), data in data(), mode in 0u8..3) {
        let mut t = Template::new("fuzz");
        t.limits(limits());
        t.missing_key(match mode { 0 => MissingKey::Invalid, 1 => MissingKey::Zero, _ => MissingKey::Error });
        if t.parse(&text).is_ok() {
            if let Ok(out) = t.execute(&data) {
                prop_assert!(out.len() <= limits().max_output);
            }
            let _ = t.execute_template("a", &data);
        }
    }
}
