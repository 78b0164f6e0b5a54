//! Go's text formats that leak into helm's bytes: `encoding/json` compact output (with its HTML
//! escaping, which ends up in OCI config blobs and the Chart.lock digest) and
//! `strconv.FormatFloat` (which decides how numbers look in Chart.yaml and values).

use std::fmt::Write as _;

use crate::yaml::Value;

/// Appends `s` as a JSON string the way Go's `encoding/json` does with HTML escaping on:
/// `<`, `>`, `&`, U+2028 and U+2029 become `\u` escapes, `\b \f \n \r \t` short escapes,
/// other control characters `\u00xx`.
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A string as a Go JSON string literal.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    write_string(&mut out, s);
    out
}

/// Appends `value` as compact Go JSON: map keys sorted bytewise (Go marshals maps that way),
/// numbers in `encoding/json` float format. NaN and infinities, which Go refuses, are written
/// as `null`.
pub fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => match json_float(*f) {
            Some(s) => out.push_str(&s),
            None => out.push_str("null"),
        },
        Value::String(s) => write_string(out, s),
        Value::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Map(entries) => {
            let mut sorted: Vec<&(String, Value)> = entries.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(&b.0));
            out.push('{');
            for (i, (k, v)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, k);
                out.push(':');
                write_value(out, v);
            }
            out.push('}');
        }
    }
}

/// Appends `value` as compact Go JSON keeping map entries in the order given: for values that
/// stand for Go structs (field order) whose maps are already sorted.
pub fn write_value_in_order(out: &mut String, value: &Value) {
    match value {
        Value::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value_in_order(out, item);
            }
            out.push(']');
        }
        Value::Map(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, k);
                out.push(':');
                write_value_in_order(out, v);
            }
            out.push('}');
        }
        scalar => write_value(out, scalar),
    }
}

/// `value` as compact Go JSON (see [`write_value`]).
pub fn to_string(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value);
    out
}

/// A float64 as Go's `encoding/json` writes it; `None` for NaN and infinities.
pub fn json_float(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let mut s = format_float(f, 'e', 64);
        // Go cleans up e-09 to e-9.
        let n = s.len();
        if n >= 4 && &s[n - 4..n - 1] == "e-0" {
            s.remove(n - 2);
        }
        Some(s)
    } else {
        Some(format_float(f, 'f', 64))
    }
}

/// `strconv.FormatFloat(f, fmt, -1, bits)` for `fmt` in `'e'`, `'f'`, `'g'` and `bits` 32 or
/// 64: the shortest decimal that reads back as the same value.
pub fn format_float(f: f64, fmt: char, bits: u32) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    let neg = f.is_sign_negative();
    // Rust's `{:e}` is the shortest round-trip representation, like Go's `-1` precision.
    let sci = if bits == 32 {
        format!("{:e}", (f as f32).abs())
    } else {
        format!("{:e}", f.abs())
    };
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    let nd = digits.len() as i32;
    let dp = exp + 1;
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    // Go's %g with shortest precision switches to %e when the exponent is below -4 or at
    // least 6 (`eprec = 6` in strconv's `formatDigits`).
    let fmt = match fmt {
        'g' if dp - 1 < -4 || dp > 6 => 'e',
        'g' => 'f',
        other => other,
    };
    match fmt {
        'e' => {
            out.push(char::from(digits[0]));
            if nd > 1 {
                out.push('.');
                for &d in &digits[1..] {
                    out.push(char::from(d));
                }
            }
            let x = dp - 1;
            out.push('e');
            out.push(if x < 0 { '-' } else { '+' });
            let _ = write!(out, "{:02}", x.abs());
        }
        _ => {
            if dp > 0 {
                for i in 0..dp {
                    out.push(if i < nd {
                        char::from(digits[i as usize])
                    } else {
                        '0'
                    });
                }
            } else {
                out.push('0');
            }
            let prec = (nd - dp).max(0);
            if prec > 0 {
                out.push('.');
                for i in 1..=prec {
                    let j = dp + i - 1;
                    out.push(if (0..nd).contains(&j) {
                        char::from(digits[j as usize])
                    } else {
                        '0'
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_like_go_encoding_json() {
        assert_eq!(
            string("<a href=\"x\">&</a>\u{2028}\u{2029}\t\n\r\u{8}\u{c}\u{1}\\é"),
            r#""\u003ca href=\"x\"\u003e\u0026\u003c/a\u003e\u2028\u2029\t\n\r\b\f\u0001\\é""#
        );
    }

    #[test]
    fn floats_like_go_strconv_and_json() {
        assert_eq!(format_float(1.0, 'g', 32), "1");
        assert_eq!(format_float(1.1, 'g', 32), "1.1");
        assert_eq!(format_float(1.1, 'g', 64), "1.1");
        assert_eq!(format_float(1e6, 'g', 64), "1e+06");
        assert_eq!(format_float(123456.0, 'g', 64), "123456");
        assert_eq!(format_float(12345678.0, 'g', 64), "1.2345678e+07");
        assert_eq!(format_float(0.0001, 'g', 64), "0.0001");
        assert_eq!(format_float(0.00001, 'g', 64), "1e-05");
        assert_eq!(format_float(-2.5, 'g', 64), "-2.5");
        assert_eq!(format_float(0.0, 'g', 64), "0");
        assert_eq!(format_float(1e21, 'f', 64), "1000000000000000000000");
        assert_eq!(json_float(1e21).as_deref(), Some("1e+21"));
        assert_eq!(json_float(1e20).as_deref(), Some("100000000000000000000"));
        assert_eq!(json_float(1e-7).as_deref(), Some("1e-7"));
        assert_eq!(json_float(0.000001).as_deref(), Some("0.000001"));
        assert_eq!(json_float(3.0).as_deref(), Some("3"));
        assert_eq!(json_float(f64::NAN), None);
    }

    #[test]
    fn maps_sort_keys_bytewise() {
        let v = Value::Map(vec![
            ("b".into(), Value::Int(1)),
            ("B".into(), Value::Float(0.5)),
            ("a".into(), Value::Seq(vec![Value::Null, Value::Bool(true)])),
        ]);
        assert_eq!(to_string(&v), r#"{"B":0.5,"a":[null,true],"b":1}"#);
    }
}
