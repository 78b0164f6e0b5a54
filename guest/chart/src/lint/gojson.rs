//! A JSON well-formedness check that fails with the texts of Go's `encoding/json` decoder, as
//! helm prints them for a broken `values.schema.json` (`unexpected EOF`,
//! `invalid character 'x' looking for beginning of value`, …). Iterative, so deep nesting
//! cannot overflow the stack.

/// Go's `maxNestingDepth`.
const MAX_DEPTH: usize = 10_000;

#[derive(Clone, Copy, PartialEq)]
enum Frame {
    Object,
    Array,
}

/// Checks `data` the way `jsonschema.UnmarshalJSON` (santhosh-tekuri v6) decodes a schema:
/// one JSON value, then nothing but white space.
pub(super) fn check(data: &[u8]) -> Result<(), String> {
    let mut p = Parser { b: data, i: 0 };
    p.skip_ws();
    if p.i == p.b.len() {
        return Err("EOF".into());
    }
    p.value()?;
    p.skip_ws();
    if p.i < p.b.len() {
        return Err("invalid character after top-level value".into());
    }
    Ok(())
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

fn quote_char(c: u8) -> String {
    match c {
        b'\'' => "'\\''".into(),
        b'"' => "'\"'".into(),
        0x20..=0x7E => format!("'{}'", c as char),
        b'\n' => "'\\n'".into(),
        b'\r' => "'\\r'".into(),
        b'\t' => "'\\t'".into(),
        c if c < 0x20 || c == 0x7F => format!("'\\x{c:02x}'"),
        _ => "'\\ufffd'".into(),
    }
}

fn invalid(c: u8, context: &str) -> String {
    format!("invalid character {} {context}", quote_char(c))
}

const EOF: &str = "unexpected EOF";

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// Parses one value; containers are tracked on an explicit stack.
    fn value(&mut self) -> Result<(), String> {
        let mut stack: Vec<Frame> = Vec::new();
        'value: loop {
            self.skip_ws();
            let c = self.peek().ok_or(EOF)?;
            match c {
                b'{' | b'[' => {
                    self.i += 1;
                    if stack.len() >= MAX_DEPTH {
                        return Err("exceeded max depth".into());
                    }
                    self.skip_ws();
                    let close = if c == b'{' { b'}' } else { b']' };
                    if self.peek() == Some(close) {
                        self.i += 1;
                    } else if c == b'{' {
                        stack.push(Frame::Object);
                        self.key()?;
                        continue 'value;
                    } else {
                        stack.push(Frame::Array);
                        continue 'value;
                    }
                }
                b'"' => self.string()?,
                b'-' | b'0'..=b'9' => self.number()?,
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                c => return Err(invalid(c, "looking for beginning of value")),
            }
            // A value ended: continue or close the enclosing containers.
            loop {
                let Some(&top) = stack.last() else {
                    return Ok(());
                };
                self.skip_ws();
                let c = self.peek().ok_or(EOF)?;
                self.i += 1;
                match (top, c) {
                    (Frame::Object, b',') => {
                        self.skip_ws();
                        self.key()?;
                        continue 'value;
                    }
                    (Frame::Array, b',') => continue 'value,
                    (Frame::Object, b'}') | (Frame::Array, b']') => {
                        stack.pop();
                    }
                    (Frame::Object, c) => return Err(invalid(c, "after object key:value pair")),
                    (Frame::Array, c) => return Err(invalid(c, "after array element")),
                }
            }
        }
    }

    /// `"key"` then `:`.
    fn key(&mut self) -> Result<(), String> {
        let c = self.peek().ok_or(EOF)?;
        if c != b'"' {
            return Err(invalid(c, "looking for beginning of object key string"));
        }
        self.string()?;
        self.skip_ws();
        let c = self.peek().ok_or(EOF)?;
        if c != b':' {
            return Err(invalid(c, "after object key"));
        }
        self.i += 1;
        Ok(())
    }

    fn string(&mut self) -> Result<(), String> {
        self.i += 1; // opening quote
        loop {
            let c = self.peek().ok_or(EOF)?;
            self.i += 1;
            match c {
                b'"' => return Ok(()),
                b'\\' => {
                    let e = self.peek().ok_or(EOF)?;
                    self.i += 1;
                    match e {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                        b'u' => {
                            for _ in 0..4 {
                                let h = self.peek().ok_or(EOF)?;
                                if !h.is_ascii_hexdigit() {
                                    return Err(invalid(h, "in \\u hexadecimal character escape"));
                                }
                                self.i += 1;
                            }
                        }
                        e => return Err(invalid(e, "in string escape code")),
                    }
                }
                c if c < 0x20 => return Err(invalid(c, "in string literal")),
                _ => {}
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Result<(), String> {
        if self.peek() == Some(b'-') {
            self.i += 1;
            let c = self.peek().ok_or(EOF)?;
            if !c.is_ascii_digit() {
                return Err(invalid(c, "in numeric literal"));
            }
        }
        if self.peek() == Some(b'0') {
            self.i += 1;
        } else {
            self.digits();
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            let c = self.peek().ok_or(EOF)?;
            if !c.is_ascii_digit() {
                return Err(invalid(c, "after decimal point in numeric literal"));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            let c = self.peek().ok_or(EOF)?;
            if !c.is_ascii_digit() {
                return Err(invalid(c, "in exponent of numeric literal"));
            }
            self.digits();
        }
        Ok(())
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), String> {
        let name = String::from_utf8_lossy(word).into_owned();
        for (k, &want) in word.iter().enumerate() {
            let c = self.peek().ok_or(EOF)?;
            if c != want {
                return Err(invalid(
                    c,
                    &format!("in literal {name} (expecting {})", quote_char(want)),
                ));
            }
            let _ = k;
            self.i += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn go_decoder_messages() {
        // "unexpected EOF" measured with helm4 lint on `{"type": "object", `.
        assert_eq!(
            check(br#"{"type": "object", "#),
            Err("unexpected EOF".into())
        );
        assert_eq!(check(b"   "), Err("EOF".into()));
        assert_eq!(
            check(br#"{"a": x}"#),
            Err("invalid character 'x' looking for beginning of value".into())
        );
        assert_eq!(
            check(br#"{a: 1}"#),
            Err("invalid character 'a' looking for beginning of object key string".into())
        );
        assert_eq!(
            check(br#"{"a" 1}"#),
            Err("invalid character '1' after object key".into())
        );
        assert_eq!(
            check(br#"{"a": 1 "b": 2}"#),
            Err("invalid character '\"' after object key:value pair".into())
        );
        assert_eq!(
            check(br#"[1 2]"#),
            Err("invalid character '2' after array element".into())
        );
        assert_eq!(
            check(br#"[tru]"#),
            Err("invalid character ']' in literal true (expecting 'e')".into())
        );
        assert_eq!(
            check(br#"{} x"#),
            Err("invalid character after top-level value".into())
        );
        assert_eq!(
            check(br#"[-]"#),
            Err("invalid character ']' in numeric literal".into())
        );
        assert_eq!(
            check(b"{\"a\": \"x\ny\"}"),
            Err("invalid character '\\n' in string literal".into())
        );
        assert_eq!(
            check(br#"{"a": [1, {"b": null}], "c": -1.5e+3, "d": "\u00e9\n"}"#),
            Ok(())
        );
        assert_eq!(check(&[b'['; 20_000]), Err("exceeded max depth".into()));
    }
}
