//! A string that must never be shown: passwords, tokens, identity tokens.
//! Its `Debug` and `Display` print `<redacted>`, so it can sit inside any struct or error safely.

use std::fmt;

/// Text shown instead of a secret.
pub const REDACTED: &str = "<redacted>";

/// A secret value. The only way to read it is [`Secret::expose`], so every use is greppable.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret text, for the one place that must send it (an `Authorization` header, a config file).
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// Replaces every occurrence of the secrets in `text` (and of their base64 `user:secret` forms,
/// which is what a registry might echo) with `<redacted>`. Used on text that came from outside
/// (registry error bodies) before it goes into an error.
pub fn scrub(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_string();
    for s in secrets.iter().filter(|s| s.len() >= 3) {
        out = out.replace(s, REDACTED);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_value() {
        let s = Secret::new("canary-3f9a");
        assert_eq!(format!("{s:?}"), REDACTED);
        assert_eq!(format!("{s}"), REDACTED);
        assert_eq!(s.expose(), "canary-3f9a");
    }

    #[test]
    fn scrub_removes_secrets() {
        assert_eq!(
            scrub("bad password canary-3f9a!", &["canary-3f9a"]),
            "bad password <redacted>!"
        );
    }
}
