//! Go's `fmt` printing (`Sprint`, `Sprintln`, `Sprintf`) and `strconv` formatting over
//! template values: verbs, flags, width, precision, argument indexes and Go's `%!` error forms.

use crate::value::Value;

/// Go's `fmt.Sprint`.
pub fn sprint(args: &[Value]) -> String {
    let mut p = Printer::default();
    let mut prev_string = false;
    for (i, a) in args.iter().enumerate() {
        let is_string = matches!(a.resolved(), Value::String(_));
        if i > 0 && !is_string && !prev_string {
            p.buf.push(' ');
        }
        p.print_arg(a, 'v');
        prev_string = is_string;
    }
    p.buf
}

/// Go's `fmt.Sprintln`.
pub fn sprintln(args: &[Value]) -> String {
    let mut p = Printer::default();
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            p.buf.push(' ');
        }
        p.print_arg(a, 'v');
    }
    p.buf.push('\n');
    p.buf
}

/// Go's `fmt.Sprintf`.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut p = Printer::default();
    p.do_printf(format, args);
    p.buf
}

/// Go's `strconv.Quote`.
pub fn quote(s: &str) -> String {
    quote_with(s, '"', false)
}

/// Go's `%#U` of a rune: `U+0041 'A'`.
pub fn sharp_u(c: char) -> String {
    let mut s = format!("U+{:04X}", c as u32);
    if is_print(c) {
        s.push_str(&format!(" '{c}'"));
    }
    s
}

/// Go's `unicode.IsPrint`, approximated with Rust's character classes.
pub fn is_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    !matches!(c as u32,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E | 0x200B..=0x200F | 0x2028..=0x202E
        | 0x2060..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB | 0xD800..=0xDFFF | 0xE000..=0xF8FF
        | 0xFFFE | 0xFFFF | 0xF0000..=0x10FFFF)
}

fn quote_with(s: &str, q: char, ascii: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for c in s.chars() {
        push_escaped(&mut out, c, q, ascii);
    }
    out.push(q);
    out
}

fn push_escaped(out: &mut String, c: char, q: char, ascii: bool) {
    if c == q || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    if c == '\u{FFFD}' {
        // Go escapes invalid bytes; a replacement character we were given stays as is.
    }
    if (ascii && c.is_ascii() && is_print(c)) || (!ascii && is_print(c)) {
        out.push(c);
        return;
    }
    match c {
        '\x07' => out.push_str("\\a"),
        '\x08' => out.push_str("\\b"),
        '\x0c' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\x0b' => out.push_str("\\v"),
        c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
        c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
        c => out.push_str(&format!("\\U{:08x}", c as u32)),
    }
}

fn can_backquote(s: &str) -> bool {
    s.chars()
        .all(|c| c != '`' && c != '\u{FEFF}' && (c == '\t' || !c.is_control()))
}

#[derive(Default, Clone, Copy)]
struct Flags {
    plus: bool,
    minus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    plus_v: bool,
    sharp_v: bool,
    wid: Option<usize>,
    prec: Option<usize>,
}

#[derive(Default)]
struct Printer {
    buf: String,
    f: Flags,
    erroring: bool,
    reordered: bool,
    good_arg_num: bool,
}

const MAX_WIDTH: usize = 1_000_000;
/// Nesting beyond this is not printed; see `print_value`.
const MAX_PRINT_DEPTH: usize = 300;

fn parse_num(s: &[u8], start: usize, end: usize) -> (Option<usize>, usize) {
    let mut i = start;
    let mut num: usize = 0;
    let mut isnum = false;
    while i < end && s[i].is_ascii_digit() {
        if num > MAX_WIDTH {
            return (None, end);
        }
        num = num * 10 + usize::from(s[i] - b'0');
        isnum = true;
        i += 1;
    }
    (if isnum { Some(num) } else { None }, i)
}

fn int_from_arg(args: &[Value], n: usize) -> (Option<i64>, usize) {
    if n >= args.len() {
        return (None, n);
    }
    let v = match args[n].resolved() {
        Value::Int(i, _) => Some(i),
        Value::Uint(u, _) => i64::try_from(u).ok(),
        _ => None,
    };
    let v = v.filter(|x| x.unsigned_abs() <= MAX_WIDTH as u64);
    (v, n + 1)
}

impl Printer {
    fn pad_str(&mut self, s: &str) {
        let Some(w) = self.f.wid.filter(|w| *w > 0) else {
            self.buf.push_str(s);
            return;
        };
        let n = s.chars().count();
        let padn = w.saturating_sub(n);
        if !self.f.minus {
            self.write_padding(padn);
            self.buf.push_str(s);
        } else {
            self.buf.push_str(s);
            self.write_padding(padn);
        }
    }

    fn write_padding(&mut self, n: usize) {
        let c = if self.f.zero && !self.f.minus {
            '0'
        } else {
            ' '
        };
        for _ in 0..n {
            self.buf.push(c);
        }
    }

    fn do_printf(&mut self, format: &str, args: &[Value]) {
        let fb = format.as_bytes();
        let end = fb.len();
        let mut arg_num = 0usize;
        let mut after_index;
        let mut i = 0;
        'outer: while i < end {
            self.good_arg_num = true;
            let last = i;
            while i < end && fb[i] != b'%' {
                i += 1;
            }
            if i > last {
                self.buf.push_str(&format[last..i]);
            }
            if i >= end {
                break;
            }
            i += 1;
            self.f = Flags::default();
            while i < end {
                let c = fb[i];
                match c {
                    b'#' => self.f.sharp = true,
                    b'0' => self.f.zero = !self.f.minus,
                    b'+' => self.f.plus = true,
                    b'-' => {
                        self.f.minus = true;
                        self.f.zero = false;
                    }
                    b' ' => self.f.space = true,
                    _ => {
                        if c.is_ascii_lowercase() && arg_num < args.len() {
                            if c == b'v' {
                                self.f.sharp_v = self.f.sharp;
                                self.f.sharp = false;
                                self.f.plus_v = self.f.plus;
                                self.f.plus = false;
                            }
                            self.print_arg(&args[arg_num], c as char);
                            arg_num += 1;
                            i += 1;
                            continue 'outer;
                        }
                        break;
                    }
                }
                i += 1;
            }
            (arg_num, i, after_index) = self.arg_number(arg_num, fb, i, args.len());
            if i < end && fb[i] == b'*' {
                i += 1;
                let (w, n) = int_from_arg(args, arg_num);
                arg_num = n;
                match w {
                    None => {
                        self.f.wid = None;
                        self.buf.push_str("%!(BADWIDTH)");
                    }
                    Some(w) if w < 0 => {
                        self.f.wid = Some(w.unsigned_abs() as usize);
                        self.f.minus = true;
                        self.f.zero = false;
                    }
                    Some(w) => self.f.wid = Some(w as usize),
                }
                after_index = false;
            } else {
                let (w, ni) = parse_num(fb, i, end);
                self.f.wid = w;
                i = ni;
                if after_index && w.is_some() {
                    self.good_arg_num = false;
                }
            }
            if i + 1 < end && fb[i] == b'.' {
                i += 1;
                if after_index {
                    self.good_arg_num = false;
                }
                (arg_num, i, after_index) = self.arg_number(arg_num, fb, i, args.len());
                if i < end && fb[i] == b'*' {
                    i += 1;
                    let (p, n) = int_from_arg(args, arg_num);
                    arg_num = n;
                    match p {
                        Some(p) if p >= 0 => self.f.prec = Some(p as usize),
                        Some(_) => self.f.prec = None,
                        None => {
                            self.f.prec = None;
                            self.buf.push_str("%!(BADPREC)");
                        }
                    }
                    after_index = false;
                } else {
                    let (p, ni) = parse_num(fb, i, end);
                    i = ni;
                    self.f.prec = Some(p.unwrap_or(0));
                }
            }
            if !after_index {
                (arg_num, i, _) = self.arg_number(arg_num, fb, i, args.len());
            }
            if i >= end {
                self.buf.push_str("%!(NOVERB)");
                break;
            }
            let Some(verb) = format[i..].chars().next() else {
                break;
            };
            i += verb.len_utf8();
            if verb == '%' {
                self.buf.push('%');
            } else if !self.good_arg_num {
                self.buf.push_str(&format!("%!{verb}(BADINDEX)"));
            } else if arg_num >= args.len() {
                self.buf.push_str(&format!("%!{verb}(MISSING)"));
            } else {
                if verb == 'v' {
                    self.f.sharp_v = self.f.sharp;
                    self.f.sharp = false;
                    self.f.plus_v = self.f.plus;
                    self.f.plus = false;
                }
                self.print_arg(&args[arg_num], verb);
                arg_num += 1;
            }
        }
        if !self.reordered && arg_num < args.len() {
            self.f = Flags::default();
            self.buf.push_str("%!(EXTRA ");
            for (k, a) in args[arg_num..].iter().enumerate() {
                if k > 0 {
                    self.buf.push_str(", ");
                }
                if a.is_nil() {
                    self.buf.push_str("<nil>");
                } else {
                    self.buf.push_str(&a.type_name());
                    self.buf.push('=');
                    self.print_arg(a, 'v');
                }
            }
            self.buf.push(')');
        }
    }

    fn arg_number(
        &mut self,
        arg_num: usize,
        f: &[u8],
        i: usize,
        nargs: usize,
    ) -> (usize, usize, bool) {
        if f.len() <= i || f[i] != b'[' {
            return (arg_num, i, false);
        }
        self.reordered = true;
        let rest = &f[i..];
        let (index, wid, ok) = parse_arg_number(rest);
        if ok && index.is_some_and(|x| x < nargs) {
            return (index.unwrap_or(0), i + wid, true);
        }
        self.good_arg_num = false;
        (arg_num, i + wid, ok)
    }

    fn bad_verb(&mut self, verb: char, arg: &Value) {
        self.erroring = true;
        self.buf.push_str("%!");
        self.buf.push(verb);
        self.buf.push('(');
        if arg.is_nil() {
            self.buf.push_str("<nil>");
        } else {
            self.buf.push_str(&arg.type_name());
            self.buf.push('=');
            self.print_arg(arg, 'v');
        }
        self.buf.push(')');
        self.erroring = false;
    }

    fn print_arg(&mut self, arg: &Value, verb: char) {
        if arg.is_nil() {
            match verb {
                'T' | 'v' => self.pad_str("<nil>"),
                _ => self.bad_verb(verb, arg),
            }
            return;
        }
        if verb == 'T' {
            let t = arg.type_name();
            self.fmt_s(&t);
            return;
        }
        self.print_value(arg, verb, 0);
    }

    fn print_value(&mut self, arg: &Value, verb: char, depth: usize) {
        if depth > MAX_PRINT_DEPTH {
            // Shared containers can form cycles (a map set into itself); Go would recurse until
            // its stack limit kills the process. Stop instead.
            self.buf.push_str("...");
            return;
        }
        match arg {
            Value::NoValue | Value::Nil => {
                if depth == 0 {
                    self.print_arg(arg, verb);
                } else if self.f.sharp_v {
                    self.buf.push_str("interface {}(nil)");
                } else {
                    self.pad_str("<nil>");
                }
            }
            Value::Bool(b) => match verb {
                't' | 'v' => self.pad_str(if *b { "true" } else { "false" }),
                _ => self.bad_verb(verb, arg),
            },
            Value::Int(i, _) => self.fmt_integer_verb(i.unsigned_abs(), *i < 0, true, verb, arg),
            Value::Uint(u, _) => self.fmt_integer_verb(*u, false, false, verb, arg),
            Value::Float(v, _) => self.fmt_float_verb(*v, verb, arg),
            Value::Complex(r, im) => match verb {
                'v' | 'b' | 'g' | 'G' | 'x' | 'X' | 'f' | 'F' | 'e' | 'E' => {
                    let old = self.f.plus;
                    self.buf.push('(');
                    self.fmt_float_verb(*r, verb, arg);
                    self.f.plus = true;
                    self.fmt_float_verb(*im, verb, arg);
                    self.buf.push_str("i)");
                    self.f.plus = old;
                }
                _ => self.bad_verb(verb, arg),
            },
            Value::String(s) => self.fmt_string(s, verb, arg),
            Value::Bytes(b) => match verb {
                's' => self.fmt_s(&String::from_utf8_lossy(b)),
                'q' => self.fmt_q(&String::from_utf8_lossy(b)),
                'x' => self.fmt_sbx(b, false),
                'X' => self.fmt_sbx(b, true),
                _ => {
                    if self.f.sharp_v {
                        self.buf.push_str("[]byte{");
                        for (i, c) in b.iter().enumerate() {
                            if i > 0 {
                                self.buf.push_str(", ");
                            }
                            self.fmt_integer(u64::from(*c), false, false, 16, 'v', true);
                        }
                        self.buf.push('}');
                    } else {
                        self.buf.push('[');
                        for (i, c) in b.iter().enumerate() {
                            if i > 0 {
                                self.buf.push(' ');
                            }
                            let v = Value::Uint(u64::from(*c), crate::value::UintKind::Uint8);
                            self.print_value(&v, verb, depth + 1);
                        }
                        self.buf.push(']');
                    }
                }
            },
            Value::List(l) => {
                let items = l.borrow().clone();
                if self.f.sharp_v {
                    self.buf.push_str(&arg.type_name());
                    self.buf.push('{');
                    for (i, v) in items.iter().enumerate() {
                        if i > 0 {
                            self.buf.push_str(", ");
                        }
                        self.print_value(v, verb, depth + 1);
                    }
                    self.buf.push('}');
                } else {
                    self.buf.push('[');
                    for (i, v) in items.iter().enumerate() {
                        if i > 0 {
                            self.buf.push(' ');
                        }
                        self.print_value(v, verb, depth + 1);
                    }
                    self.buf.push(']');
                }
            }
            Value::Map(m) => {
                let entries: Vec<(String, Value)> = m
                    .borrow()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                if self.f.sharp_v {
                    self.buf.push_str(&arg.type_name());
                    self.buf.push('{');
                } else {
                    self.buf.push_str("map[");
                }
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        self.buf.push_str(if self.f.sharp_v { ", " } else { " " });
                    }
                    self.print_value(&Value::string(k.as_str()), verb, depth + 1);
                    self.buf.push(':');
                    self.print_value(v, verb, depth + 1);
                }
                self.buf.push(if self.f.sharp_v { '}' } else { ']' });
            }
            Value::Object(o) => {
                if !self.erroring
                    && !self.f.sharp_v
                    && matches!(verb, 'v' | 's' | 'x' | 'X' | 'q')
                    && let Some(s) = o.string()
                {
                    self.fmt_string(&s, verb, arg);
                    return;
                }
                match o.underlying() {
                    Value::NoValue => {
                        let fields = o.struct_fields();
                        if self.f.sharp_v {
                            self.buf.push_str(&o.type_name());
                        }
                        self.buf.push('{');
                        for (i, (name, v)) in fields.iter().enumerate() {
                            if i > 0 {
                                self.buf.push_str(if self.f.sharp_v { ", " } else { " " });
                            }
                            if self.f.plus_v || self.f.sharp_v {
                                self.buf.push_str(name);
                                self.buf.push(':');
                            }
                            self.print_value(v, verb, depth + 1);
                        }
                        self.buf.push('}');
                    }
                    u => self.print_value(&u, verb, depth),
                }
            }
            Value::Func(_) => match verb {
                'v' | 'p' => self.pad_str("0x1"),
                _ => self.bad_verb(verb, arg),
            },
        }
    }

    fn fmt_string(&mut self, s: &str, verb: char, arg: &Value) {
        match verb {
            'v' => {
                if self.f.sharp_v {
                    self.fmt_q(s)
                } else {
                    self.fmt_s(s)
                }
            }
            's' => self.fmt_s(s),
            'x' => self.fmt_sbx(s.as_bytes(), false),
            'X' => self.fmt_sbx(s.as_bytes(), true),
            'q' => self.fmt_q(s),
            _ => self.bad_verb(verb, arg),
        }
    }

    fn truncate<'s>(&self, s: &'s str) -> &'s str {
        if let Some(p) = self.f.prec
            && let Some((i, _)) = s.char_indices().nth(p)
        {
            return &s[..i];
        }
        s
    }

    fn fmt_s(&mut self, s: &str) {
        let t = self.truncate(s).to_string();
        self.pad_str(&t);
    }

    fn fmt_q(&mut self, s: &str) {
        let s = self.truncate(s).to_string();
        if self.f.sharp && can_backquote(&s) {
            self.pad_str(&format!("`{s}`"));
        } else if self.f.plus {
            self.pad_str(&quote_with(&s, '"', true));
        } else {
            self.pad_str(&quote(&s));
        }
    }

    fn fmt_sbx(&mut self, b: &[u8], upper: bool) {
        let digits: &[u8] = if upper {
            b"0123456789ABCDEFX"
        } else {
            b"0123456789abcdefx"
        };
        let mut length = b.len();
        if let Some(p) = self.f.prec
            && p < length
        {
            length = p;
        }
        let mut width = 2 * length;
        if width > 0 {
            if self.f.space {
                if self.f.sharp {
                    width *= 2;
                }
                width += length - 1;
            } else if self.f.sharp {
                width += 2;
            }
        } else {
            if let Some(w) = self.f.wid {
                self.write_padding(w);
            }
            return;
        }
        let wid = self.f.wid.unwrap_or(0);
        if wid > width && !self.f.minus {
            self.write_padding(wid - width);
        }
        if self.f.sharp {
            self.buf.push('0');
            self.buf.push(digits[16] as char);
        }
        for (i, c) in b.iter().take(length).enumerate() {
            if self.f.space && i > 0 {
                self.buf.push(' ');
                if self.f.sharp {
                    self.buf.push('0');
                    self.buf.push(digits[16] as char);
                }
            }
            self.buf.push(digits[usize::from(c >> 4)] as char);
            self.buf.push(digits[usize::from(c & 0xF)] as char);
        }
        if wid > width && self.f.minus {
            self.write_padding(wid - width);
        }
    }

    fn fmt_integer_verb(&mut self, u: u64, neg: bool, signed: bool, verb: char, arg: &Value) {
        match verb {
            'v' => {
                if self.f.sharp_v && !signed {
                    let old = self.f.sharp;
                    self.f.sharp = true;
                    self.fmt_integer(u, neg, signed, 16, 'v', false);
                    self.f.sharp = old;
                } else {
                    self.fmt_integer(u, neg, signed, 10, verb, false)
                }
            }
            'd' => self.fmt_integer(u, neg, signed, 10, verb, false),
            'b' => self.fmt_integer(u, neg, signed, 2, verb, false),
            'o' | 'O' => self.fmt_integer(u, neg, signed, 8, verb, false),
            'x' => self.fmt_integer(u, neg, signed, 16, verb, false),
            'X' => self.fmt_integer(u, neg, signed, 16, verb, true),
            'c' => {
                let c = if neg {
                    '\u{FFFD}'
                } else {
                    u32::try_from(u)
                        .ok()
                        .and_then(char::from_u32)
                        .unwrap_or('\u{FFFD}')
                };
                self.pad_str(&c.to_string());
            }
            'q' => {
                let c = if neg {
                    '\u{FFFD}'
                } else {
                    u32::try_from(u)
                        .ok()
                        .and_then(char::from_u32)
                        .unwrap_or('\u{FFFD}')
                };
                let mut s = String::from("'");
                push_escaped(&mut s, c, '\'', self.f.plus);
                s.push('\'');
                self.pad_str(&s);
            }
            'U' => {
                let prec = self.f.prec.unwrap_or(4).clamp(4, MAX_WIDTH);
                let v = if neg {
                    (u as i64).wrapping_neg() as u64
                } else {
                    u
                };
                let mut s = format!("U+{:0width$X}", v, width = prec);
                if self.f.sharp
                    && let Some(c) = u32::try_from(v).ok().and_then(char::from_u32)
                    && is_print(c)
                {
                    s.push_str(&format!(" '{c}'"));
                }
                let old = self.f.zero;
                self.f.zero = false;
                self.pad_str(&s);
                self.f.zero = old;
            }
            _ => self.bad_verb(verb, arg),
        }
    }

    fn fmt_integer(
        &mut self,
        u: u64,
        neg: bool,
        _signed: bool,
        base: u32,
        verb: char,
        upper: bool,
    ) {
        let mut prec = 0usize;
        if let Some(p) = self.f.prec {
            prec = p;
            if p == 0 && u == 0 {
                let old = self.f.zero;
                self.f.zero = false;
                self.write_padding(self.f.wid.unwrap_or(0));
                self.f.zero = old;
                return;
            }
        } else if self.f.zero
            && !self.f.minus
            && let Some(w) = self.f.wid
        {
            prec = w;
            if neg || self.f.plus || self.f.space {
                prec = prec.saturating_sub(1);
            }
        }
        let mut digits = match base {
            2 => format!("{u:b}"),
            8 => format!("{u:o}"),
            16 if upper => format!("{u:X}"),
            16 => format!("{u:x}"),
            _ => u.to_string(),
        };
        if digits.len() < prec {
            digits = "0".repeat(prec - digits.len()) + &digits;
        }
        let mut prefix = String::new();
        if self.f.sharp {
            match base {
                2 => prefix.push_str("0b"),
                8 if !digits.starts_with('0') => prefix.push('0'),
                16 => prefix.push_str(if upper { "0X" } else { "0x" }),
                _ => {}
            }
        }
        if verb == 'O' {
            prefix.insert_str(0, "0o");
        }
        let sign = if neg {
            "-"
        } else if self.f.plus {
            "+"
        } else if self.f.space {
            " "
        } else {
            ""
        };
        let s = format!("{sign}{prefix}{digits}");
        let old = self.f.zero;
        self.f.zero = false;
        self.pad_str(&s);
        self.f.zero = old;
    }

    fn fmt_float_verb(&mut self, v: f64, verb: char, arg: &Value) {
        match verb {
            'v' => self.fmt_float(v, 'g', -1),
            'b' | 'g' | 'G' | 'x' | 'X' => self.fmt_float(v, verb, -1),
            'f' | 'e' | 'E' | 'F' => self.fmt_float(v, verb, 6),
            _ => self.bad_verb(verb, arg),
        }
    }

    fn fmt_float(&mut self, v: f64, verb: char, prec: i64) {
        let prec = self.f.prec.map_or(prec, |p| p as i64);
        let fverb = if verb == 'F' { 'f' } else { verb };
        let mut num = format_float(v, fverb, prec);
        if !num.starts_with(['-', '+']) {
            num.insert(0, '+');
        }
        if self.f.space && num.starts_with('+') && !self.f.plus {
            num.replace_range(0..1, " ");
        }
        if num[1..].starts_with(['I', 'N']) {
            let old = self.f.zero;
            self.f.zero = false;
            if num[1..].starts_with('N') && !self.f.space && !self.f.plus {
                num.remove(0);
            }
            self.pad_str(&num);
            self.f.zero = old;
            return;
        }
        if self.f.sharp && verb != 'b' {
            let mut digits: i64 = match verb {
                'v' | 'g' | 'G' | 'x' => {
                    if prec == -1 {
                        6
                    } else {
                        prec
                    }
                }
                _ => 0,
            };
            let mut tail = String::new();
            let mut has_point = false;
            let mut saw_nonzero = false;
            let bytes: Vec<char> = num.chars().collect();
            let mut cut = bytes.len();
            for (i, &c) in bytes.iter().enumerate().skip(1) {
                match c {
                    '.' => has_point = true,
                    'p' | 'P' => {
                        tail = bytes[i..].iter().collect();
                        cut = i;
                        break;
                    }
                    'e' | 'E' if verb != 'x' && verb != 'X' => {
                        tail = bytes[i..].iter().collect();
                        cut = i;
                        break;
                    }
                    _ => {
                        if c != '0' {
                            saw_nonzero = true;
                        }
                        if saw_nonzero {
                            digits -= 1;
                        }
                    }
                }
            }
            let mut n: String = bytes[..cut].iter().collect();
            if !has_point {
                if n.len() == 2 && n.ends_with('0') {
                    digits -= 1;
                }
                n.push('.');
            }
            while digits > 0 {
                n.push('0');
                digits -= 1;
            }
            n.push_str(&tail);
            num = n;
        }
        if self.f.plus || !num.starts_with('+') {
            if self.f.zero
                && !self.f.minus
                && let Some(w) = self.f.wid
                && w > num.len()
            {
                let sign = num.remove(0);
                self.buf.push(sign);
                let pad = w - num.len() - 1;
                self.write_padding(pad);
                self.buf.push_str(&num);
                return;
            }
            self.pad_str(&num);
            return;
        }
        let rest = num[1..].to_string();
        self.pad_str(&rest);
    }
}

fn parse_arg_number(f: &[u8]) -> (Option<usize>, usize, bool) {
    if f.len() < 3 {
        return (None, 1, false);
    }
    for i in 1..f.len() {
        if f[i] == b']' {
            let (w, ni) = parse_num(f, 1, i);
            return match w {
                Some(w) if ni == i => (w.checked_sub(1), i + 1, true),
                _ => (None, i + 1, false),
            };
        }
    }
    (None, 1, false)
}

/// Decimal digits (no trailing zeros) and decimal point position of |v|, shortest round-trip
/// (`sig == None`) or rounded to `sig` significant digits.
fn decimal_digits(v: f64, sig: Option<usize>) -> (Vec<u8>, i64) {
    let v = v.abs();
    if v == 0.0 {
        return (Vec::new(), 0);
    }
    let s = match sig {
        None => format!("{v:e}"),
        Some(n) => format!("{:.*e}", n.saturating_sub(1), v),
    };
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let mut digits: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    if digits.is_empty() {
        return (Vec::new(), 0);
    }
    (digits, exp + 1)
}

fn fmt_e(neg: bool, d: &[u8], dp: i64, prec: i64, e: char) -> String {
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    s.push(d.first().map_or('0', |c| *c as char));
    if prec > 0 {
        s.push('.');
        let mut i = 1usize;
        while (i as i64) <= prec {
            s.push(d.get(i).map_or('0', |c| *c as char));
            i += 1;
        }
    }
    s.push(e);
    let exp = if d.is_empty() { 0 } else { dp - 1 };
    s.push(if exp < 0 { '-' } else { '+' });
    let a = exp.unsigned_abs();
    if a < 10 {
        s.push('0');
    }
    s.push_str(&a.to_string());
    s
}

fn fmt_f(neg: bool, d: &[u8], dp: i64, prec: i64) -> String {
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    if dp > 0 {
        for i in 0..dp {
            s.push(d.get(i as usize).map_or('0', |c| *c as char));
        }
    } else {
        s.push('0');
    }
    if prec > 0 {
        s.push('.');
        for i in 1..=prec {
            let j = dp + i - 1;
            let c = if j >= 0 {
                d.get(j as usize).map_or('0', |c| *c as char)
            } else {
                '0'
            };
            s.push(c);
        }
    }
    s
}

/// Go's `strconv.FormatFloat(v, fmt, prec, 64)` for `e E f g G` (prec -1 = shortest).
pub fn format_float(v: f64, fmt: char, prec: i64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let neg = v.is_sign_negative();
    let prec = prec.min(MAX_WIDTH as i64);
    match fmt {
        'e' | 'E' => {
            let (d, dp) = if prec < 0 {
                decimal_digits(v, None)
            } else {
                decimal_digits(v, Some(prec as usize + 1))
            };
            let p = if prec < 0 {
                (d.len() as i64 - 1).max(0)
            } else {
                prec
            };
            fmt_e(neg, &d, dp, p, fmt)
        }
        'f' => {
            if prec < 0 {
                let (d, dp) = decimal_digits(v, None);
                fmt_f(neg, &d, dp, (d.len() as i64 - dp).max(0))
            } else {
                let s = format!("{:.*}", prec as usize, v.abs());
                if neg { format!("-{s}") } else { s }
            }
        }
        'g' | 'G' => {
            let e = if fmt == 'G' { 'E' } else { 'e' };
            let shortest = prec < 0;
            let (d, dp) = if shortest {
                decimal_digits(v, None)
            } else {
                decimal_digits(v, Some(if prec == 0 { 1 } else { prec as usize }))
            };
            let nd = d.len() as i64;
            let mut p = if shortest {
                nd
            } else if prec == 0 {
                1
            } else {
                prec
            };
            let mut eprec = p;
            if eprec > nd && nd >= dp {
                eprec = nd;
            }
            if shortest {
                eprec = 6;
            }
            let exp = dp - 1;
            if !d.is_empty() && (exp < -4 || exp >= eprec) {
                if p > nd {
                    p = nd;
                }
                return fmt_e(neg, &d, dp, p - 1, e);
            }
            if p > dp {
                p = nd;
            }
            fmt_f(neg, &d, dp, (p - dp).max(0))
        }
        _ => {
            // %b, %x: rarely used in templates; fall back to %g.
            format_float(v, 'g', -1)
        }
    }
}

/// `%v` of a float64 (`strconv.FormatFloat(f, 'g', -1, 64)`).
pub fn format_float_v(v: f64) -> String {
    format_float(v, 'g', -1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn floats_print_like_go_v() {
        let cases = [
            (3.0, "3"),
            (123456.0, "123456"),
            (1000000.0, "1e+06"),
            (1234567.0, "1.234567e+06"),
            (123456789.0, "1.23456789e+08"),
            (123456789012.0, "1.23456789012e+11"),
            (100000.5, "100000.5"),
            (3.25, "3.25"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1e-7, "1e-07"),
            (1e20, "1e+20"),
            (1e21, "1e+21"),
            (-0.0, "-0"),
            (0.0, "0"),
            (f64::INFINITY, "+Inf"),
            (f64::NAN, "NaN"),
        ];
        for (v, want) in cases {
            assert_eq!(sprint(&[Value::float(v)]), want, "{v:e}");
        }
    }

    #[test]
    fn printf_float_verbs_flags_and_precision() {
        let f = |fmt: &str, v: f64| sprintf(fmt, &[Value::float(v)]);
        assert_eq!(f("%.2f", 1.23456), "1.23");
        assert_eq!(f("%e", 1234.5678), "1.234568e+03");
        assert_eq!(f("%E", 1234.5678), "1.234568E+03");
        assert_eq!(f("%g", 0.00001234), "1.234e-05");
        assert_eq!(f("%.3g", 1234.5678), "1.23e+03");
        assert_eq!(f("%.3g", 1.0), "1");
        assert_eq!(f("%#g", 1.0), "1.00000");
        assert_eq!(f("%6.2f", -1.5), " -1.50");
        assert_eq!(f("%+.1e", 0.0), "+0.0e+00");
        assert_eq!(f("%010.3f", -1.23456), "-00001.235");
        assert_eq!(f("%-8.1f|", 2.25), "2.2     |");
        assert_eq!(f("%5.1f", f64::INFINITY), " +Inf");
        assert_eq!(f("%.0f", 2.5), "2");
        assert_eq!(f("%G", 1e-10), "1E-10");
    }

    #[test]
    fn printf_integers_strings_and_errors() {
        assert_eq!(
            sprintf(
                "%x|%X|%#x|%o|%#o|%O|%b|%08b",
                &[
                    255.into(),
                    255.into(),
                    255.into(),
                    8.into(),
                    8.into(),
                    8.into(),
                    5.into(),
                    5.into()
                ]
            ),
            "ff|FF|0xff|10|010|0o10|101|00000101"
        );
        assert_eq!(
            sprintf(
                "%+d|% d|%5d|%-5d|%05d|%.3d",
                &[
                    7.into(),
                    7.into(),
                    (-7).into(),
                    7.into(),
                    (-7).into(),
                    7.into()
                ]
            ),
            "+7| 7|   -7|7    |-0007|007"
        );
        assert_eq!(
            sprintf(
                "%q|%#q|%x|% x|%.2s|%5s|%-5s|",
                &[
                    "a\"b".into(),
                    "ab".into(),
                    "hi".into(),
                    "hi".into(),
                    "héllo".into(),
                    "ab".into(),
                    "ab".into()
                ]
            ),
            "\"a\\\"b\"|`ab`|6869|68 69|hé|   ab|ab   |"
        );
        assert_eq!(
            sprintf(
                "%c|%q|%U|%#U",
                &[0x4e16.into(), 65.into(), 0x1F600.into(), 65.into()]
            ),
            "世|'A'|U+1F600|U+0041 'A'"
        );
        assert_eq!(sprintf("%d %d", &[1.into()]), "1 %!d(MISSING)");
        assert_eq!(
            sprintf("%d", &[1.into(), "x".into()]),
            "1%!(EXTRA string=x)"
        );
        assert_eq!(
            sprintf("%s|%d", &[Value::Nil, Value::Nil]),
            "%!s(<nil>)|%!d(<nil>)"
        );
        assert_eq!(
            sprintf("%[3]d %[1]d %d", &[1.into(), 2.into(), 3.into()]),
            "3 1 2"
        );
        assert_eq!(sprintf("%[5]d", &[1.into()]), "%!d(BADINDEX)");
        assert_eq!(sprintf("%", &[]), "%!(NOVERB)");
        assert_eq!(
            sprintf("%*d|%-*d|", &[4.into(), 1.into(), 3.into(), 2.into()]),
            "   1|2  |"
        );
        assert_eq!(sprintf("%*d", &["x".into(), 1.into()]), "%!(BADWIDTH)1");
        assert_eq!(sprintf("%!", &[]), "%!!(MISSING)");
    }

    #[test]
    fn cyclic_maps_do_not_recurse_forever() {
        let m = crate::value::Map::new(BTreeMap::new());
        m.borrow_mut().insert("self".into(), Value::Map(m.clone()));
        let out = sprint(&[Value::Map(m.clone())]);
        assert!(out.starts_with("map[self:map[self:") && out.contains("..."));
        m.borrow_mut().clear();
    }

    #[test]
    fn composites_print_like_go() {
        let mut m = BTreeMap::new();
        m.insert("b".to_string(), Value::int(2));
        m.insert("a".to_string(), Value::int(1));
        m.insert("c".to_string(), Value::list(vec!["x".into(), true.into()]));
        let m = Value::map(m);
        assert_eq!(sprint(std::slice::from_ref(&m)), "map[a:1 b:2 c:[x true]]");
        assert_eq!(
            sprintf("%#v", std::slice::from_ref(&m)),
            "map[string]interface {}{\"a\":1, \"b\":2, \"c\":[]interface {}{\"x\", true}}"
        );
        assert_eq!(
            sprintf("%T %T %T", &[m, Value::Nil, Value::int64(1)]),
            "map[string]interface {} <nil> int64"
        );
        let l = Value::list(vec![
            Value::int(1),
            Value::Nil,
            "a".into(),
            Value::float(2.5),
        ]);
        assert_eq!(sprint(std::slice::from_ref(&l)), "[1 <nil> a 2.5]");
        assert_eq!(
            sprintf("%d", std::slice::from_ref(&l)),
            "[1 <nil> %!d(string=a) %!d(float64=2.5)]"
        );
        assert_eq!(
            sprint(&[Value::Bytes(b"hi".as_slice().into())]),
            "[104 105]"
        );
        assert_eq!(
            sprintf("%s", &[Value::Bytes(b"hi".as_slice().into())]),
            "hi"
        );
        assert_eq!(
            sprint(&[
                1.into(),
                2.into(),
                "a".into(),
                "b".into(),
                3.into(),
                true.into(),
                Value::Nil
            ]),
            "1 2ab3 true <nil>"
        );
        assert_eq!(sprint(&[Value::Complex(1.0, -2.5)]), "(1-2.5i)");
    }
}
