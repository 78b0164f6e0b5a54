//! The registry side of authentication: `WWW-Authenticate` challenges (RFC 7235), the scopes a
//! Bearer token is asked for, and the token endpoint's answer (distribution's token spec,
//! `docs/spec/auth/token.md`: `token` or `access_token`, `expires_in`).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use super::Secret;

/// How long a token lives when the endpoint does not say (`expires_in` absent): the token spec's default.
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(60);
/// Token responses larger than this are refused (oras-go reads at most 128 KiB from a token endpoint).
pub const MAX_TOKEN_RESPONSE: u64 = 128 * 1024;

/// One parsed `WWW-Authenticate` challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Challenge {
    Basic,
    Bearer {
        realm: String,
        service: Option<String>,
        scope: Option<String>,
        /// `error` parameter, e.g. `insufficient_scope` or `invalid_token`.
        error: Option<String>,
    },
    Other(String),
}

/// Parses the first challenge of a `WWW-Authenticate` header value.
pub fn parse_challenge(header: &str) -> Option<Challenge> {
    let header = header.trim();
    let (scheme, rest) = match header.find(char::is_whitespace) {
        Some(i) => (&header[..i], &header[i..]),
        None => (header, ""),
    };
    if scheme.is_empty() {
        return None;
    }
    let params = parse_params(rest);
    match scheme.to_ascii_lowercase().as_str() {
        "basic" => Some(Challenge::Basic),
        "bearer" => Some(Challenge::Bearer {
            realm: params.get("realm")?.clone(),
            service: params.get("service").cloned(),
            scope: params.get("scope").cloned(),
            error: params.get("error").cloned(),
        }),
        other => Some(Challenge::Other(other.to_string())),
    }
}

/// `key=value` / `key="quoted, value"` pairs separated by commas; keys lowercased.
fn parse_params(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
            chars.next();
        }
        let key: String =
            std::iter::from_fn(|| chars.next_if(|c| *c != '=' && *c != ',')).collect();
        if key.is_empty() && chars.peek().is_none() {
            break;
        }
        if chars.next_if_eq(&'=').is_none() {
            continue;
        }
        let mut value = String::new();
        if chars.next_if_eq(&'"').is_some() {
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next()),
                    '"' => break,
                    c => value.push(c),
                }
            }
        } else {
            value = std::iter::from_fn(|| chars.next_if(|c| *c != ',')).collect();
        }
        out.insert(key.trim().to_ascii_lowercase(), value.trim().to_string());
    }
    out
}

/// A set of scopes (`repository:<name>:<actions>`), merged per resource so that asking for
/// `pull` and `pull,push` yields one `pull,push` (not duplicate scope parameters, helm/helm#12121).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scopes(BTreeMap<String, BTreeSet<String>>);

impl Scopes {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds every scope of a space-separated scope string.
    pub fn add(&mut self, scopes: &str) {
        for scope in scopes.split_whitespace() {
            match scope.rsplit_once(':') {
                Some((resource, actions)) if resource.contains(':') => {
                    let set = self.0.entry(resource.to_string()).or_default();
                    set.extend(
                        actions
                            .split(',')
                            .filter(|a| !a.is_empty())
                            .map(str::to_string),
                    );
                }
                _ => {
                    self.0.entry(scope.to_string()).or_default();
                }
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every scope as `type:name:a,b` (actions sorted), in a stable order.
    pub fn to_strings(&self) -> Vec<String> {
        self.0
            .iter()
            .map(|(resource, actions)| {
                if actions.is_empty() {
                    resource.clone()
                } else {
                    let acts: Vec<&str> = actions.iter().map(String::as_str).collect();
                    format!("{resource}:{}", acts.join(","))
                }
            })
            .collect()
    }

    /// Cache key: the scopes joined by spaces.
    pub fn key(&self) -> String {
        self.to_strings().join(" ")
    }
}

/// The scope a registry operation on `repository` needs.
pub fn repository_scope(repository: &str, push: bool) -> String {
    if push {
        format!("repository:{repository}:pull,push")
    } else {
        format!("repository:{repository}:pull")
    }
}

/// URL of a token request: `<realm>?scope=…&scope=…&service=…` (what helm, skopeo and oras send).
pub fn token_url(realm: &str, service: Option<&str>, scopes: &Scopes) -> String {
    let mut query: Vec<String> = scopes
        .to_strings()
        .iter()
        .map(|s| format!("scope={}", percent_encode(s)))
        .collect();
    if let Some(service) = service {
        query.push(format!("service={}", percent_encode(service)));
    }
    if query.is_empty() {
        return realm.to_string();
    }
    let sep = if realm.contains('?') { '&' } else { '?' };
    format!("{realm}{sep}{}", query.join("&"))
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A bearer token and how long it may be used.
#[derive(Debug, Clone)]
pub struct Token {
    pub token: Secret,
    pub lifetime: Duration,
}

/// Reads a token endpoint's JSON answer: `token` or `access_token`, optional `expires_in` seconds.
pub fn parse_token_response(body: &[u8]) -> Option<Token> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let token = ["token", "access_token"]
        .iter()
        .filter_map(|k| value.get(*k)?.as_str())
        .find(|t| !t.is_empty())?;
    let lifetime = value
        .get("expires_in")
        .and_then(serde_json::Value::as_u64)
        .filter(|s| *s > 0)
        .map_or(DEFAULT_TOKEN_LIFETIME, Duration::from_secs);
    Some(Token {
        token: Secret::new(token),
        lifetime,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bearer_challenge_with_quoted_commas() {
        let c = parse_challenge(
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:a/b:pull,push",error="insufficient_scope""#,
        );
        assert_eq!(
            c,
            Some(Challenge::Bearer {
                realm: "https://auth.docker.io/token".into(),
                service: Some("registry.docker.io".into()),
                scope: Some("repository:a/b:pull,push".into()),
                error: Some("insufficient_scope".into()),
            })
        );
        assert_eq!(
            parse_challenge(r#"Basic realm="basic-realm""#),
            Some(Challenge::Basic)
        );
    }

    #[test]
    fn scopes_merge_actions_per_repository() {
        let mut s = Scopes::new();
        s.add("repository:a/b:pull");
        s.add("repository:a/b:push,pull repository:c/d:pull");
        assert_eq!(
            s.to_strings(),
            vec!["repository:a/b:pull,push", "repository:c/d:pull"]
        );
        assert_eq!(
            token_url("http://h/token", Some("svc"), &s),
            "http://h/token?scope=repository%3Aa%2Fb%3Apull%2Cpush&scope=repository%3Ac%2Fd%3Apull&service=svc"
        );
    }

    #[test]
    fn token_or_access_token() {
        let t = parse_token_response(br#"{"access_token":"abc","expires_in":300}"#).expect("token");
        assert_eq!(t.token.expose(), "abc");
        assert_eq!(t.lifetime, Duration::from_secs(300));
        let t = parse_token_response(br#"{"token":"xyz"}"#).expect("token");
        assert_eq!(t.token.expose(), "xyz");
        assert_eq!(t.lifetime, DEFAULT_TOKEN_LIFETIME);
        assert!(parse_token_response(b"{}").is_none());
    }
}
