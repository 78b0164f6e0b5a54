//! Go's builtin template functions: comparisons with Go's kind rules, `index`, `slice`, `len`,
//! `not`, the `print` family, and the `html`/`js`/`urlquery` escapers.

use crate::exec::CallErr;
use crate::gofmt;
use crate::value::{Param, UintKind, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Builtin {
    And,
    Or,
    Not,
    Len,
    Index,
    Slice,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Print,
    Printf,
    Println,
    Html,
    Js,
    Urlquery,
    Call,
}

pub(crate) const BUILTIN_NAMES: &[&str] = &[
    "and", "or", "not", "len", "index", "slice", "eq", "ne", "lt", "le", "gt", "ge", "print",
    "printf", "println", "html", "js", "urlquery", "call",
];

impl Builtin {
    pub fn lookup(name: &str) -> Option<Builtin> {
        Some(match name {
            "and" => Builtin::And,
            "or" => Builtin::Or,
            "not" => Builtin::Not,
            "len" => Builtin::Len,
            "index" => Builtin::Index,
            "slice" => Builtin::Slice,
            "eq" => Builtin::Eq,
            "ne" => Builtin::Ne,
            "lt" => Builtin::Lt,
            "le" => Builtin::Le,
            "gt" => Builtin::Gt,
            "ge" => Builtin::Ge,
            "print" => Builtin::Print,
            "printf" => Builtin::Printf,
            "println" => Builtin::Println,
            "html" => Builtin::Html,
            "js" => Builtin::Js,
            "urlquery" => Builtin::Urlquery,
            "call" => Builtin::Call,
            _ => return None,
        })
    }

    /// Go's parameter list: fixed parameters and the variadic element type.
    pub fn signature(self) -> (Vec<Param>, Option<Param>) {
        use Builtin::*;
        match self {
            And | Or | Index | Slice | Eq | Call => (vec![Param::Reflect], Some(Param::Reflect)),
            Not | Len => (vec![Param::Reflect], None),
            Ne | Lt | Le | Gt | Ge => (vec![Param::Reflect, Param::Reflect], None),
            Print | Println | Html | Js | Urlquery => (vec![], Some(Param::Any)),
            Printf => (vec![Param::String], Some(Param::Any)),
        }
    }
}

fn err<T>(msg: impl Into<String>) -> Result<T, CallErr> {
    Err(CallErr::Func(crate::value::FuncError(msg.into())))
}

/// Go's `indirectInterface` plus host objects standing for their underlying value.
fn ind(v: &Value) -> Value {
    match v {
        Value::Nil => Value::NoValue,
        v => v.resolved(),
    }
}

/// `typed` selects Go 1.24+'s comparison errors, which name the operand types.
pub(crate) fn call_builtin(b: Builtin, argv: Vec<Value>, typed: bool) -> Result<Value, CallErr> {
    use Builtin::*;
    let a0 = argv.first().cloned().unwrap_or_default();
    match b {
        Not => Ok(Value::Bool(!a0.truth())),
        Len => length(&a0),
        Index => index(&a0, &argv[1.min(argv.len())..]),
        Slice => slice(&a0, &argv[1.min(argv.len())..]),
        Eq => eq(&a0, &argv[1.min(argv.len())..], typed).map(Value::Bool),
        Ne => {
            let r = eq(&a0, &argv[1.min(argv.len())..], typed)?;
            Ok(Value::Bool(!r))
        }
        Lt => lt(&a0, argv.get(1).unwrap_or(&Value::NoValue), typed).map(Value::Bool),
        Le => le(&a0, argv.get(1).unwrap_or(&Value::NoValue), typed).map(Value::Bool),
        Gt => le(&a0, argv.get(1).unwrap_or(&Value::NoValue), typed).map(|b| Value::Bool(!b)),
        Ge => lt(&a0, argv.get(1).unwrap_or(&Value::NoValue), typed).map(|b| Value::Bool(!b)),
        Print => Ok(Value::string(gofmt::sprint(&argv))),
        Println => Ok(Value::string(gofmt::sprintln(&argv))),
        Printf => {
            let f = a0.as_str().unwrap_or("").to_string();
            Ok(Value::string(gofmt::sprintf(
                &f,
                argv.get(1..).unwrap_or(&[]),
            )))
        }
        Html => Ok(Value::string(html_escape(&eval_args(&argv)))),
        Js => Ok(Value::string(js_escape(&eval_args(&argv)))),
        Urlquery => Ok(Value::string(query_escape(&eval_args(&argv)))),
        And | Or | Call => Ok(Value::NoValue),
    }
}

fn length(v: &Value) -> Result<Value, CallErr> {
    let n = match v {
        Value::NoValue => return err("reflect: call of reflect.Value.Type on zero Value"),
        Value::Nil => return err("len of nil pointer"),
        v => match v.resolved() {
            Value::String(s) => s.len(),
            Value::Bytes(b) => b.len(),
            Value::List(l) => l.borrow().len(),
            Value::Map(m) => m.borrow().len(),
            other => return err(format!("len of type {}", other.type_name())),
        },
    };
    Ok(Value::int(n as i64))
}

fn index_arg(index: &Value, cap: usize) -> Result<usize, CallErr> {
    let x: i128 = match ind(index) {
        Value::Int(i, _) => i128::from(i),
        Value::Uint(u, _) => i128::from(u as i64),
        Value::NoValue => return err("cannot index slice/array with nil"),
        other => {
            return err(format!(
                "cannot index slice/array with type {}",
                other.type_name()
            ));
        }
    };
    if x < 0 || x > cap as i128 {
        return err(format!("index out of range: {x}"));
    }
    Ok(x as usize)
}

fn index(item: &Value, indexes: &[Value]) -> Result<Value, CallErr> {
    let mut item = match item {
        Value::Nil => Value::NoValue,
        v => v.clone(),
    };
    if matches!(item, Value::NoValue) {
        return err("index of untyped nil");
    }
    for idx in indexes {
        if item.is_nil() {
            return err("index of nil pointer");
        }
        item = match item.resolved() {
            Value::List(l) => {
                let items = l.borrow();
                let x = index_arg(idx, items.len())?;
                match items.get(x) {
                    Some(v) => v.clone(),
                    None => return err("reflect: slice index out of range"),
                }
            }
            Value::Bytes(b) => {
                let x = index_arg(idx, b.len())?;
                match b.get(x) {
                    Some(v) => Value::Uint(u64::from(*v), UintKind::Uint8),
                    None => return err("reflect: slice index out of range"),
                }
            }
            Value::String(s) => {
                let x = index_arg(idx, s.len())?;
                match s.as_bytes().get(x) {
                    Some(v) => Value::Uint(u64::from(*v), UintKind::Uint8),
                    None => return err("reflect: string index out of range"),
                }
            }
            Value::Map(m) => {
                let key = match ind(idx) {
                    Value::String(k) => k,
                    Value::NoValue => return err("value is nil; should be of type string"),
                    other => {
                        return err(format!(
                            "value has type {}; should be string",
                            other.type_name()
                        ));
                    }
                };
                m.get(&key).unwrap_or_else(|| m.zero_elem())
            }
            other => return err(format!("can't index item of type {}", other.type_name())),
        };
    }
    Ok(item)
}

/// The capacity Go's `encoding/json` leaves on a decoded `[]interface {}` of `len` elements
/// (it appends one by one), which `slice` bounds-checks against.
fn json_cap(len: usize) -> usize {
    if len == 0 {
        0
    } else if len <= 512 {
        len.next_power_of_two()
    } else {
        len
    }
}

fn slice(item: &Value, indexes: &[Value]) -> Result<Value, CallErr> {
    let item = ind(item);
    if matches!(item, Value::NoValue) {
        return err("slice of untyped nil");
    }
    if indexes.len() > 3 {
        return err(format!("too many slice indexes: {}", indexes.len()));
    }
    let (len, cap) = match &item {
        Value::String(s) => {
            if indexes.len() == 3 {
                return err("cannot 3-index slice a string");
            }
            (s.len(), s.len())
        }
        Value::List(l) => {
            let n = l.borrow().len();
            (n, json_cap(n))
        }
        Value::Bytes(b) => (b.len(), b.len()),
        other => return err(format!("can't slice item of type {}", other.type_name())),
    };
    let mut idx = [0usize, len, 0];
    for (i, v) in indexes.iter().enumerate() {
        idx[i] = index_arg(v, cap)?;
    }
    if idx[0] > idx[1] {
        return err(format!("invalid slice index: {} > {}", idx[0], idx[1]));
    }
    if indexes.len() == 3 && idx[1] > idx[2] {
        return err(format!("invalid slice index: {} > {}", idx[1], idx[2]));
    }
    let (i, j) = (idx[0], idx[1]);
    match item {
        Value::String(s) => match s.as_bytes().get(i..j) {
            Some(b) => Ok(Value::string(String::from_utf8_lossy(b).as_ref())),
            None => err("reflect: string slice index out of range"),
        },
        Value::List(l) => {
            let items = l.borrow();
            let part: Vec<Value> = (i..j)
                .map(|k| {
                    items
                        .get(k)
                        .cloned()
                        .unwrap_or_else(|| crate::value::zero_of(l.elem_type()))
                })
                .collect();
            Ok(Value::List(crate::value::List::typed(part, l.elem_type())))
        }
        Value::Bytes(b) => match b.get(i..j) {
            Some(p) => Ok(Value::Bytes(p.into())),
            None => err("reflect: slice index out of range"),
        },
        _ => Ok(Value::NoValue),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Invalid,
    Bool,
    Complex,
    Int,
    Float,
    String,
    Uint,
}

fn basic_kind(v: &Value) -> Kind {
    match v {
        Value::Bool(_) => Kind::Bool,
        Value::Int(..) => Kind::Int,
        Value::Uint(..) => Kind::Uint,
        Value::Float(..) => Kind::Float,
        Value::Complex(..) => Kind::Complex,
        Value::String(_) => Kind::String,
        _ => Kind::Invalid,
    }
}

const BAD_TYPE: &str = "invalid type for comparison";
const BAD_CMP: &str = "incompatible types for comparison";

fn as_i(v: &Value) -> i64 {
    match v {
        Value::Int(i, _) => *i,
        _ => 0,
    }
}
fn as_u(v: &Value) -> u64 {
    match v {
        Value::Uint(u, _) => *u,
        _ => 0,
    }
}
fn as_f(v: &Value) -> f64 {
    match v {
        Value::Float(f, _) => *f,
        _ => 0.0,
    }
}

fn is_valid(v: &Value) -> bool {
    !matches!(v, Value::NoValue)
}

fn eq(arg1: &Value, rest: &[Value], typed: bool) -> Result<bool, CallErr> {
    let a1 = ind(arg1);
    if rest.is_empty() {
        return err("missing argument for comparison");
    }
    let k1 = basic_kind(&a1);
    for arg in rest {
        let a = ind(arg);
        let k2 = basic_kind(&a);
        let truth = if k1 != k2 {
            match (k1, k2) {
                (Kind::Int, Kind::Uint) => as_i(&a1) >= 0 && as_i(&a1) as u64 == as_u(&a),
                (Kind::Uint, Kind::Int) => as_i(&a) >= 0 && as_u(&a1) == as_i(&a) as u64,
                _ => {
                    if is_valid(&a1) && is_valid(&a) {
                        return bad_cmp(&a1, &a, typed);
                    }
                    false
                }
            }
        } else {
            match (&a1, &a) {
                (Value::Bool(x), Value::Bool(y)) => x == y,
                (Value::Complex(r1, i1), Value::Complex(r2, i2)) => r1 == r2 && i1 == i2,
                (Value::Float(..), Value::Float(..)) => as_f(&a1) == as_f(&a),
                (Value::Int(..), Value::Int(..)) => as_i(&a1) == as_i(&a),
                (Value::String(x), Value::String(y)) => x == y,
                (Value::Uint(..), Value::Uint(..)) => as_u(&a1) == as_u(&a),
                _ => non_basic_eq(&a1, &a)?,
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

fn kind_name(v: &Value) -> u8 {
    match v {
        Value::NoValue | Value::Nil => 0,
        Value::List(_) | Value::Bytes(_) => 1,
        Value::Map(_) => 2,
        Value::Func(_) => 3,
        Value::Object(_) => 4,
        _ => 5,
    }
}

fn non_basic_eq(a1: &Value, a: &Value) -> Result<bool, CallErr> {
    let (k1, k2) = (kind_name(a1), kind_name(a));
    if k1 != k2 && k1 != 0 && k2 != 0 {
        return err(format!(
            "non-comparable types {}: {}, {}: {}",
            gofmt::sprint(std::slice::from_ref(a1)),
            a1.type_name(),
            a.type_name(),
            gofmt::sprint(std::slice::from_ref(a))
        ));
    }
    if a1.is_nil() || a.is_nil() {
        return Ok(a1.is_nil() == a.is_nil());
    }
    match (a1, a) {
        (Value::Object(x), Value::Object(y)) => Ok(std::rc::Rc::ptr_eq(x, y)),
        _ => err(format!(
            "non-comparable type {}: {}",
            gofmt::sprint(std::slice::from_ref(a)),
            a.type_name()
        )),
    }
}

fn lt(arg1: &Value, arg2: &Value, typed: bool) -> Result<bool, CallErr> {
    let a1 = ind(arg1);
    let k1 = basic_kind(&a1);
    if k1 == Kind::Invalid {
        return err(BAD_TYPE);
    }
    let a2 = ind(arg2);
    let k2 = basic_kind(&a2);
    if k2 == Kind::Invalid {
        return err(BAD_TYPE);
    }
    if k1 != k2 {
        return match (k1, k2) {
            (Kind::Int, Kind::Uint) => Ok(as_i(&a1) < 0 || (as_i(&a1) as u64) < as_u(&a2)),
            (Kind::Uint, Kind::Int) => Ok(as_i(&a2) >= 0 && as_u(&a1) < as_i(&a2) as u64),
            _ => bad_cmp(&a1, &a2, typed),
        };
    }
    match (&a1, &a2) {
        (Value::Bool(_), _) | (Value::Complex(..), _) => err(BAD_TYPE),
        (Value::Float(..), _) => Ok(as_f(&a1) < as_f(&a2)),
        (Value::Int(..), _) => Ok(as_i(&a1) < as_i(&a2)),
        (Value::String(x), Value::String(y)) => Ok(x.as_bytes() < y.as_bytes()),
        (Value::Uint(..), _) => Ok(as_u(&a1) < as_u(&a2)),
        _ => err(BAD_TYPE),
    }
}

fn le(arg1: &Value, arg2: &Value, typed: bool) -> Result<bool, CallErr> {
    if lt(arg1, arg2, typed)? {
        return Ok(true);
    }
    eq(arg1, std::slice::from_ref(arg2), typed)
}

fn bad_cmp<T>(a: &Value, b: &Value, typed: bool) -> Result<T, CallErr> {
    if typed {
        return err(format!(
            "{BAD_CMP}: {} and {}",
            a.type_name(),
            b.type_name()
        ));
    }
    err(BAD_CMP)
}

/// Go's `evalArgs` for the escapers: a lone string as is, otherwise `fmt.Sprint` with
/// "no value" printed as `<no value>`.
fn eval_args(args: &[Value]) -> String {
    if let [Value::String(s)] = args {
        return s.to_string();
    }
    let printable: Vec<Value> = args
        .iter()
        .map(|a| {
            if a.is_nil() {
                Value::string("<no value>")
            } else {
                a.clone()
            }
        })
        .collect();
    gofmt::sprint(&printable)
}

/// Go's `template.HTMLEscapeString`.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\0' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Go's `template.JSEscapeString`.
pub fn js_escape(s: &str) -> String {
    const HEX: &[u8] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => {
                let b = c as u8;
                out.push_str("\\u00");
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 0xF)] as char);
            }
            c if !c.is_ascii() && !gofmt::is_print(c) => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// Go's `url.QueryEscape`.
pub fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
