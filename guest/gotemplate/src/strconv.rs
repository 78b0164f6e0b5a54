//! Go's `strconv` rules for literals: unquoting strings and characters, and parsing number
//! constants (hex/octal/binary prefixes, `_` separators, hex floats, imaginary parts).

use crate::lex::ItemType;
use crate::node::Number;

const SYNTAX: &str = "invalid syntax";

/// Go's `strconv.Unquote` for `"…"`, `` `…` `` and `'…'` literals.
pub fn unquote(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    if bytes.len() < 2 {
        return Err(SYNTAX.into());
    }
    let q = bytes[0];
    if q != bytes[bytes.len() - 1] {
        return Err(SYNTAX.into());
    }
    let body = &s[1..s.len() - 1];
    match q {
        b'`' => {
            if body.contains('`') {
                return Err(SYNTAX.into());
            }
            Ok(body.replace('\r', ""))
        }
        b'"' | b'\'' => {
            let quote = q as char;
            let mut out: Vec<u8> = Vec::new();
            let mut rest = body;
            let mut count = 0;
            while !rest.is_empty() {
                let (bytes, tail) = unquote_char(rest, quote)?;
                out.extend_from_slice(&bytes);
                rest = tail;
                count += 1;
            }
            if quote == '\'' && count != 1 {
                return Err(SYNTAX.into());
            }
            Ok(String::from_utf8_lossy(&out).into_owned())
        }
        _ => Err(SYNTAX.into()),
    }
}

/// Decode one character or escape; returns its UTF-8 bytes (or a raw byte) and the rest.
pub fn unquote_char(s: &str, quote: char) -> Result<(Vec<u8>, &str), String> {
    let mut chars = s.chars();
    let Some(c) = chars.next() else {
        return Err(SYNTAX.into());
    };
    if c == quote && (quote == '\'' || quote == '"') {
        return Err(SYNTAX.into());
    }
    if c != '\\' {
        if c == '\n' && quote != '`' {
            // Go rejects raw newlines only through the lexer; keep them.
        }
        let mut b = [0u8; 4];
        return Ok((c.encode_utf8(&mut b).as_bytes().to_vec(), chars.as_str()));
    }
    let Some(e) = chars.next() else {
        return Err(SYNTAX.into());
    };
    let rest = chars.as_str();
    let simple = |ch: char| -> Result<(Vec<u8>, &str), String> { Ok((vec![ch as u8], rest)) };
    match e {
        'a' => simple('\x07'),
        'b' => simple('\x08'),
        'f' => simple('\x0c'),
        'n' => simple('\n'),
        'r' => simple('\r'),
        't' => simple('\t'),
        'v' => simple('\x0b'),
        '\\' => simple('\\'),
        '\'' | '"' => {
            if e != quote {
                return Err(SYNTAX.into());
            }
            simple(e)
        }
        'x' | 'u' | 'U' => {
            let n = match e {
                'x' => 2,
                'u' => 4,
                _ => 8,
            };
            let hex = rest.get(..n).ok_or(SYNTAX)?;
            let v = u32::from_str_radix(hex, 16).map_err(|_| SYNTAX.to_string())?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(SYNTAX.into());
            }
            let tail = &rest[n..];
            if e == 'x' {
                if quote == '\'' {
                    let ch = char::from_u32(v).ok_or(SYNTAX)?;
                    let mut b = [0u8; 4];
                    return Ok((ch.encode_utf8(&mut b).as_bytes().to_vec(), tail));
                }
                return Ok((vec![v as u8], tail));
            }
            let ch = char::from_u32(v).ok_or(SYNTAX)?;
            let mut b = [0u8; 4];
            Ok((ch.encode_utf8(&mut b).as_bytes().to_vec(), tail))
        }
        '0'..='7' => {
            let oct = s.get(1..4).ok_or(SYNTAX)?;
            if !oct.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
                return Err(SYNTAX.into());
            }
            let v = u32::from_str_radix(oct, 8).map_err(|_| SYNTAX.to_string())?;
            if v > 255 {
                return Err(SYNTAX.into());
            }
            let tail = &s[4..];
            if quote == '\'' {
                let ch = char::from_u32(v).ok_or(SYNTAX)?;
                let mut b = [0u8; 4];
                return Ok((ch.encode_utf8(&mut b).as_bytes().to_vec(), tail));
            }
            Ok((vec![v as u8], tail))
        }
        _ => Err(SYNTAX.into()),
    }
}

/// Go's `underscoreOK`: `_` only between digits (or after a base prefix).
fn underscore_ok(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let b = s.as_bytes();
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1].eq_ignore_ascii_case(&b'x');
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// Go's `strconv.ParseUint(s, 0, 64)`.
pub fn parse_uint(s: &str) -> Option<u64> {
    if s.is_empty() || s.starts_with(['+', '-']) {
        return None;
    }
    let (base, digits) = base_prefix(s);
    if s.contains('_') && !underscore_ok(s) {
        return None;
    }
    let digits: String = digits.chars().filter(|&c| c != '_').collect();
    if digits.is_empty() {
        return if base == 8 && s == "0" { Some(0) } else { None };
    }
    if !digits.chars().all(|c| c.is_digit(base)) {
        return None;
    }
    u64::from_str_radix(&digits, base).ok()
}

fn base_prefix(s: &str) -> (u32, &str) {
    let b = s.as_bytes();
    if b.first() == Some(&b'0') {
        if b.len() >= 2 {
            match b[1].to_ascii_lowercase() {
                b'x' => return (16, &s[2..]),
                b'o' => return (8, &s[2..]),
                b'b' => return (2, &s[2..]),
                _ => return (8, &s[1..]),
            }
        }
        return (10, s);
    }
    (10, s)
}

/// Go's `strconv.ParseInt(s, 0, 64)`.
pub fn parse_int(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let u = parse_uint(body)?;
    if neg {
        if u > (i64::MAX as u64) + 1 {
            return None;
        }
        Some((u as i128).wrapping_neg() as i64)
    } else {
        i64::try_from(u).ok()
    }
}

/// Go's `strconv.ParseFloat(s, 64)` for the literal forms the lexer produces.
pub fn parse_float(s: &str) -> Option<f64> {
    if s.contains('_') && !underscore_ok(s) {
        return None;
    }
    let clean: String = s.chars().filter(|&c| c != '_').collect();
    let (neg, body) = match clean.as_bytes().first() {
        Some(b'-') => (true, &clean[1..]),
        Some(b'+') => (false, &clean[1..]),
        _ => (false, clean.as_str()),
    };
    let v = if body.len() > 2 && (body.starts_with("0x") || body.starts_with("0X")) {
        parse_hex_float(&body[2..])?
    } else {
        if body.is_empty()
            || !body
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
            || !body
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_digit() || b == b'.')
        {
            return None;
        }
        body.parse::<f64>().ok()?
    };
    Some(if neg { -v } else { v })
}

fn parse_hex_float(s: &str) -> Option<f64> {
    let (mant, exp) = match s.find(['p', 'P']) {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => return None, // Go: hexadecimal mantissa requires a 'p' exponent
    };
    let exp: i32 = if exp.is_empty()
        || !exp
            .trim_start_matches(['+', '-'])
            .bytes()
            .all(|b| b.is_ascii_digit())
    {
        return None;
    } else {
        exp.parse::<i64>().ok()?.clamp(-10_000, 10_000) as i32
    };
    let (int, frac) = match mant.find('.') {
        Some(i) => (&mant[..i], &mant[i + 1..]),
        None => (mant, ""),
    };
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut v = 0f64;
    for c in int.chars().chain(frac.chars()) {
        v = v * 16.0 + f64::from(c.to_digit(16)?);
    }
    let shift = exp - 4 * frac.len().min(10_000) as i32;
    Some(v * 2f64.powi(shift))
}

/// Build a number node the way Go's `parse.newNumber` does.
pub fn new_number(text: &str, typ: ItemType) -> Result<Number, String> {
    let mut n = Number {
        text: text.to_string(),
        ..Default::default()
    };
    match typ {
        ItemType::CharConstant => {
            let inner = text.get(1..).unwrap_or("");
            let (bytes, tail) = unquote_char(inner, '\'')?;
            if tail != "'" {
                return Err(format!("malformed character constant: {text}"));
            }
            let r = std::str::from_utf8(&bytes)
                .ok()
                .and_then(|s| s.chars().next())
                .map_or(0, |c| c as u32);
            n.int = i64::from(r);
            n.is_int = true;
            n.uint = u64::from(r);
            n.is_uint = true;
            n.float = f64::from(r);
            n.is_float = true;
            return Ok(n);
        }
        ItemType::Complex => {
            let (re, im) =
                split_complex(text).ok_or_else(|| format!("expected integer; found {text}"))?;
            n.is_complex = true;
            n.complex = (re, im);
            simplify_complex(&mut n);
            return Ok(n);
        }
        _ => {}
    }
    if let Some(body) = text.strip_suffix('i')
        && let Some(f) = parse_float(body)
    {
        n.is_complex = true;
        n.complex = (0.0, f);
        simplify_complex(&mut n);
        return Ok(n);
    }
    let u = parse_uint(text);
    if let Some(u) = u {
        n.is_uint = true;
        n.uint = u;
    }
    if let Some(i) = parse_int(text) {
        n.is_int = true;
        n.int = i;
        if i == 0 {
            n.is_uint = true;
            n.uint = u.unwrap_or(0);
        }
    }
    if n.is_int {
        n.is_float = true;
        n.float = n.int as f64;
    } else if n.is_uint {
        n.is_float = true;
        n.float = n.uint as f64;
    } else if let Some(f) = parse_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {}", crate::gofmt::quote(text)));
        }
        n.is_float = true;
        n.float = f;
        if !n.is_int && fits_i64(f) {
            n.is_int = true;
            n.int = f as i64;
        }
        if !n.is_uint && fits_u64(f) {
            n.is_uint = true;
            n.uint = f as u64;
        }
    }
    if !n.is_int && !n.is_uint && !n.is_float {
        return Err(format!(
            "illegal number syntax: {}",
            crate::gofmt::quote(text)
        ));
    }
    Ok(n)
}

fn simplify_complex(n: &mut Number) {
    let (re, im) = n.complex;
    if im == 0.0 {
        n.is_float = true;
        n.float = re;
        if fits_i64(re) {
            n.is_int = true;
            n.int = re as i64;
        }
        if fits_u64(re) {
            n.is_uint = true;
            n.uint = re as u64;
        }
    }
}

fn split_complex(text: &str) -> Option<(f64, f64)> {
    let body = text.strip_suffix('i')?;
    let b = body.as_bytes();
    let mut split = None;
    for i in (1..b.len()).rev() {
        if (b[i] == b'+' || b[i] == b'-') && !matches!(b[i - 1], b'e' | b'E' | b'p' | b'P') {
            split = Some(i);
            break;
        }
    }
    let i = split?;
    Some((parse_float(&body[..i])?, parse_float(&body[i..])?))
}

/// Whether `f` is integral and converts to an i64 exactly (Go's `float64(int64(f)) == f`).
fn fits_i64(f: f64) -> bool {
    let bound = -(i64::MIN as f64);
    f.fract() == 0.0 && (-bound..bound).contains(&f)
}

/// Whether `f` is integral and converts to a u64 exactly.
fn fits_u64(f: f64) -> bool {
    f.fract() == 0.0 && (0.0..u64::MAX as f64).contains(&f)
}
