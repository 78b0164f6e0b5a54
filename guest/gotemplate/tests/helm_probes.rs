//! Hand-written probes checked against helm4 / Go (`conformance/helm-probes.json`), run with
//! Go's default missing-key mode and stand-ins for Sprig's `list` and `dict`.

use std::collections::BTreeMap;

use gotemplate::{Func, MissingKey, Param, Template, Value};

fn template(name: &str) -> Template {
    let mut t = Template::new(name);
    t.func(
        "list",
        Func::simple(vec![], Some(Param::Any), |args| Ok(Value::list(args))),
    );
    t.func(
        "dict",
        Func::simple(vec![], Some(Param::Any), |args| {
            let mut m = BTreeMap::new();
            for pair in args.chunks(2) {
                let k = pair[0].as_str().unwrap_or_default().to_string();
                m.insert(k, pair.get(1).cloned().unwrap_or(Value::Nil));
            }
            Ok(Value::map(m))
        }),
    );
    t
}

fn render(src: &str) -> Result<String, String> {
    let mut t = template("t");
    t.parse(src).map_err(|e| e.to_string())?;
    t.execute(&Value::NoValue).map_err(|e| e.to_string())
}

#[track_caller]
fn ok(src: &str, want: &str) {
    assert_eq!(render(src), Ok(want.to_string()), "template {src:?}");
}

#[track_caller]
fn fails(src: &str, want: &str) {
    assert_eq!(render(src), Err(want.to_string()), "template {src:?}");
}

#[test]
fn control_structures() {
    ok("{{range 3}}{{.}}{{end}}", "012");
    ok("{{range $i := 3}}[{{$i}}]{{end}}", "[0][1][2]");
    ok("{{with 0}}a{{else with 1}}b{{. }}{{end}}", "b1");
    ok(
        "{{if 0}}a{{else if false}}b{{else if 2}}c{{else}}d{{end}}",
        "c",
    );
    ok(
        "{{range $i, $e := list 1 2 3 4}}{{if eq $i 2}}{{break}}{{end}}{{$e}}{{end}}",
        "12",
    );
    ok(
        "{{range $i, $e := list 1 2 3 4}}{{if eq $i 1}}{{continue}}{{end}}{{$e}}{{end}}",
        "134",
    );
    ok(
        "{{$x := 1}}{{range list 1 2}}{{$x = .}}{{end}}{{$x}}{{with 5}}{{$x := 9}}{{end}}{{$x}}",
        "22",
    );
    ok(
        "{{with \"\"}}x{{else}}empty{{end}}{{with $v := \"q\"}}{{$v}}{{end}}",
        "emptyq",
    );
    ok("{{range list}}x{{else}}none{{end}}", "none");
    ok(
        "{{block \"blk\" .}}default-{{.}}{{end}}",
        "default-<no value>",
    );
    ok(
        "{{define \"t1\"}}T1({{.}}){{end}}{{template \"t1\" 5}}{{template \"t1\"}}",
        "T1(5)T1(<no value>)",
    );
    ok("{{define \"d\"}}{{$}}{{end}}{{template \"d\" 42}}", "42");
    ok(
        "a  {{- 1 -}}  b {{- /* c */ -}} c\n  {{- \"d\" }}\n",
        "a1bcd\n",
    );
    ok("x{{/* comment */}}y{{- /* c2 */}}z", "xyz");
}

#[test]
fn short_circuit_and_values() {
    ok("{{and false (index (list) 3)}}", "false");
    ok("{{or 1 (index (list) 3)}}", "1");
    ok("{{and 1 \"x\" 0 2}}|{{or 0 \"\" (list) 5}}", "0|5");
    ok(
        "{{not 0}} {{not \"\"}} {{not (list)}} {{not 1}} {{eq \"a\" \"a\" \"b\"}} {{ne 1 2}} {{lt 1 2}} {{le 2 2}} {{gt \"b\" \"a\"}} {{ge 1.5 1.5}}",
        "true true true false true true true true true true",
    );
    ok("{{lt -1 (len (list))}}", "true");
}

#[test]
fn printing() {
    ok(
        "{{1e6}} {{1.0}} {{1.5}} {{0x10}} {{'a'}} {{1e21}} {{123456789.0}} {{0.0001}} {{0.00001}}",
        "1e+06 1 1.5 16 97 1e+21 1.23456789e+08 0.0001 1e-05",
    );
    ok(
        r#"{{printf "%5.2f|%-5d|%05d|%x|%X|%o|%b|%e|%E|%g|%q|%v|%+d|%c|%U|%8.3s|" 3.14159 42 42 255 255 8 5 1234.5678 1234.5678 0.00001234 "hi\n" true 7 65 65 "abcdef"}}"#,
        " 3.14|42   |00042|ff|FF|10|101|1.234568e+03|1.234568E+03|1.234e-05|\"hi\\n\"|true|+7|A|U+0041|     abc|",
    );
    ok(
        r#"{{printf "%d %s" "x"}}|{{printf "%d" 1 2}}|{{printf "%z" 1}}|{{printf "%!"}}"#,
        "%!d(string=x) %!s(MISSING)|1%!(EXTRA int=2)|%!z(int=1)|%!!(MISSING)",
    );
    ok(
        "{{print 1 2 \"a\" \"b\" 3 true nil}}|{{println 1 \"a\"}}|",
        "1 2ab3 true <nil>|1 a\n|",
    );
    ok(
        "{{print (list 1 \"a\" (dict \"k\" (list 2 3)) nil true 1.5)}}",
        "[1 a map[k:[2 3]] <nil> true 1.5]",
    );
    ok(
        "{{dict \"b\" 1 \"a\" 2 \"B\" 3 \"_\" 4 \"10\" 5 \"9\" 6}}",
        "map[10:5 9:6 B:3 _:4 a:2 b:1]",
    );
    ok(
        "{{range $k, $v := dict \"b\" 1 \"a\" 2 \"B\" 3}}{{$k}}={{$v}};{{end}}",
        "B=3;a=2;b=1;",
    );
    ok(
        "{{index (list (list 1 2) (list 3 4)) 1 0}}|{{index (dict \"a\" (dict \"b\" 7)) \"a\" \"b\"}}|{{index (dict) \"missing\"}}",
        "3|7|<no value>",
    );
    ok(
        "{{len \"h\u{e9}llo\"}} {{len (list 1 2)}} {{len (dict \"a\" 1)}}",
        "6 2 1",
    );
    ok(
        "{{html \"<a href='x'>&</a>\"}}|{{js \"it's \\\"q\\\" <b> \\\\ \\u2028\"}}|{{urlquery \"a b&c=d/\u{e9}\"}}",
        "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;|it\\'s \\\"q\\\" \\u003Cb\\u003E \\\\ \\u2028|a+b%26c%3Dd%2F%C3%A9",
    );
    ok(
        "{{(list 1 2 3) | len}} {{$x := list 1 2}}{{$x | len}}",
        "3 2",
    );
    ok("{{(dict \"a\" (dict \"b\" 1)).a.b}}", "1");
    ok(
        "{{\"\\t\\x41\\u00e9\\101\"}}{{`raw\\n`}}",
        "\tA\u{e9}Araw\\n",
    );
    ok(
        "{{9223372036854775807}} {{printf \"%T\" 9223372036854775807}}",
        "9223372036854775807 int",
    );
    ok("{{-0.0}} {{printf \"%v\" -0.0}}", "-0 -0");
    ok("{{slice (list 1 2 3) 1}}", "[2 3]");
}

#[test]
fn exec_errors() {
    fails(
        "{{template \"nope\"}}",
        "template: t:1:11: executing \"t\" at <{{template \"nope\"}}>: template \"nope\" not defined",
    );
    fails(
        "{{$m := dict \"a\" nil}}{{$m.a.b}}",
        "template: t:1:26: executing \"t\" at <$m.a.b>: nil pointer evaluating interface {}.b",
    );
    fails(
        "{{$s := \"x\"}}{{$s.foo}}",
        "template: t:1:17: executing \"t\" at <$s.foo>: can't evaluate field foo in type string",
    );
    fails(
        "{{index}}",
        "template: t:1:2: executing \"t\" at <index>: wrong number of args for index: want at least 1 got 0",
    );
    fails(
        "{{call 1}}",
        "template: t:1:2: executing \"t\" at <call 1>: error calling call: non-function 1 of type int",
    );
    fails(
        "{{range true}}x{{end}}",
        "template: t:1:8: executing \"t\" at <true>: range can't iterate over true",
    );
    fails(
        "{{range \"abc\"}}{{.}}{{end}}",
        "template: t:1:8: executing \"t\" at <\"abc\">: range can't iterate over abc",
    );
    fails(
        "{{18446744073709551615}}",
        "template: t:1:2: executing \"t\" at <18446744073709551615>: 18446744073709551615 overflows int",
    );
}

#[test]
fn missing_key_modes() {
    let data = Value::map(BTreeMap::new());
    let run = |mode: MissingKey, src: &str| {
        let mut t = template("t");
        t.missing_key(mode);
        t.parse(src).map_err(|e| e.to_string())?;
        t.execute(&data).map_err(|e| e.to_string())
    };
    assert_eq!(
        run(MissingKey::Invalid, "{{.a.b}}"),
        Ok("<no value>".into())
    );
    assert_eq!(
        run(MissingKey::Zero, "{{.a.b}}"),
        Err(
            "template: t:1:4: executing \"t\" at <.a.b>: nil pointer evaluating interface {}.b"
                .into()
        )
    );
    assert_eq!(run(MissingKey::Zero, "{{.a}}"), Ok("<no value>".into()));
    assert_eq!(
        run(MissingKey::Error, "{{.a}}"),
        Err("template: t:1:2: executing \"t\" at <.a>: map has no entry for key \"a\"".into())
    );
}

#[test]
fn parse_errors() {
    fails("{{$nope}}", "template: t:1: undefined variable \"$nope\"");
    fails("{{if true}}x", "template: t:1: unexpected EOF");
    fails(
        "{{nosuchfunc 1}}",
        "template: t:1: function \"nosuchfunc\" not defined",
    );
    fails("{{end}}", "template: t:1: unexpected {{end}}");
    fails("{{else}}", "template: t:1: unexpected {{else}}");
    fails(
        "{{ 1 | 2 }}",
        "template: t:1: non executable command in pipeline stage 2",
    );
    fails("{{define \"a\"}}x", "template: t:1: unexpected EOF");
    fails("{{break}}", "template: t:1: {{break}} outside {{range}}");
    fails(
        "{{continue}}",
        "template: t:1: {{continue}} outside {{range}}",
    );
    fails("{{ 0x1G }}", "template: t:1: bad number syntax: \"0x1G\"");
    fails("{{if}}{{end}}", "template: t:1: missing value for if");
    fails("x\n{{.X", "template: t:2: unclosed action");
    fails("{{.X\n", "template: t:2: unclosed action started at t:1");
    fails("{{/* x", "template: t:1: unclosed comment");
    fails("{{\"x}}", "template: t:1: unterminated quoted string");
    fails("{{(1}}", "template: t:1: unclosed left paren");
    fails("{{1)}}", "template: t:1: unexpected right paren");
    fails(
        "{{range $a, $b, $c := .}}{{end}}",
        "template: t:1: too many declarations in range",
    );
    fails(
        "{{with $a, $b := .}}{{end}}",
        "template: t:1: too many declarations in with",
    );
    fails(
        "{{true.x}}",
        "template: t:1: unexpected . after term \"true\"",
    );
    fails(
        "{{define \"a\"}}a{{end}}{{define \"a\"}}b{{end}}",
        "template: t:1: template: multiple definition of template \"a\"",
    );
    fails(
        "{{template .X}}",
        "template: t:1: unexpected \".X\" in template clause",
    );
    fails("{{\n.X\n", "template: t:3: unclosed action started at t:1");
}

#[test]
fn comparison_errors_name_types_like_go_1_25() {
    let mut t = template("t");
    t.typed_comparison_errors(true);
    t.parse("{{eq 1 1.0}}").expect("template parses");
    assert_eq!(
        t.execute(&Value::NoValue).map_err(|e| e.to_string()),
        Err("template: t:1:2: executing \"t\" at <eq 1 1.0>: error calling eq: incompatible types for comparison: int and float64".into())
    );
}
