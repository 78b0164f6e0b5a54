//! The govalidator checks helm's Chartfile rules use (`IsRequestURL`, `IsURL`, `IsEmail`),
//! reimplemented from their documented behaviour: Go's `url.ParseRequestURI` plus a scheme, and
//! approximations of govalidator's URL and e-mail regular expressions.

/// `govalidator.IsRequestURL`: `url.ParseRequestURI` succeeds and a scheme is present.
pub(super) fn is_request_url(s: &str) -> bool {
    if s.bytes().any(|b| b < 0x20 || b == 0x7F) {
        return false;
    }
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    if !is_scheme(scheme) {
        return false;
    }
    // ParseRequestURI: after the scheme an absolute path or `//authority` must follow.
    if !rest.starts_with('/') {
        return false;
    }
    let rest = rest.split_once('?').map_or(rest, |(p, _)| p);
    match rest.strip_prefix("//") {
        Some(after) => {
            let authority = after.split_once('/').map_or(after, |(a, _)| a);
            valid_authority(authority) && valid_escapes(after)
        }
        None => valid_escapes(rest),
    }
}

fn is_scheme(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// `%` must be followed by two hex digits (Go's `unescape`).
fn valid_escapes(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if !(b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
            {
                return false;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    true
}

/// Go's `parseAuthority` + `parseHost`: userinfo characters, host characters, numeric port.
fn valid_authority(authority: &str) -> bool {
    let (userinfo, host) = match authority.rfind('@') {
        Some(i) => (Some(&authority[..i]), &authority[i + 1..]),
        None => (None, authority),
    };
    if let Some(u) = userinfo {
        let ok = u.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    '-' | '.'
                        | '_'
                        | ':'
                        | '~'
                        | '!'
                        | '$'
                        | '&'
                        | '\''
                        | '('
                        | ')'
                        | '*'
                        | '+'
                        | ','
                        | ';'
                        | '='
                        | '%'
                        | '@'
                )
        });
        if !ok || !valid_escapes(u) {
            return false;
        }
    }
    let (host, port) = if let Some(rest) = host.strip_prefix('[') {
        let Some((inside, after)) = rest.split_once(']') else {
            return false;
        };
        if !inside
            .chars()
            .all(|c| c.is_ascii_hexdigit() || matches!(c, ':' | '.' | '%'))
        {
            return false;
        }
        match after {
            "" => ("", None),
            p => match p.strip_prefix(':') {
                Some(port) => ("", Some(port)),
                None => return false,
            },
        }
    } else {
        match host.rfind(':') {
            Some(i) => (&host[..i], Some(&host[i + 1..])),
            None => (host, None),
        }
    };
    if port.is_some_and(|p| !p.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    host.chars().all(|c| {
        !c.is_ascii()
            || c.is_ascii_alphanumeric()
            || matches!(
                c,
                '-' | '_'
                    | '.'
                    | '~'
                    | '!'
                    | '$'
                    | '&'
                    | '\''
                    | '('
                    | ')'
                    | '*'
                    | '+'
                    | ','
                    | ';'
                    | '='
                    | ':'
                    | '['
                    | ']'
                    | '<'
                    | '>'
                    | '"'
                    | '%'
            )
    }) && valid_escapes(host)
}

/// An approximation of `govalidator.IsURL` (v11): optional known scheme, optional userinfo,
/// a host name or IP, optional port and a path without white space.
pub(super) fn is_url(s: &str) -> bool {
    if s.is_empty() || s.chars().count() >= 2083 || s.len() <= 3 || s.starts_with('.') {
        return false;
    }
    if s.chars().any(char::is_whitespace) {
        return false;
    }
    let mut rest = s;
    if let Some(i) = s.find("://") {
        let scheme = &s[..i];
        if !matches!(
            scheme,
            "http" | "https" | "ftp" | "tcp" | "udp" | "ws" | "wss"
        ) {
            return false;
        }
        rest = &s[i + 3..];
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, _path) = rest.split_at(end);
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host_port.strip_prefix('[') {
        Some(v6) => {
            return v6
                .split_once(']')
                .is_some_and(|(ip, _)| ip.chars().all(|c| c.is_ascii_hexdigit() || c == ':'));
        }
        None => match host_port.rsplit_once(':') {
            Some((h, port)) => {
                if port.is_empty() || port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()) {
                    return false;
                }
                h
            }
            None => host_port,
        },
    };
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.is_empty() || host.starts_with('.') || host.starts_with('-') || host.ends_with('-') {
        return false;
    }
    host.split('.').all(|label| {
        !label.is_empty()
            && label
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_' || !c.is_ascii())
    })
}

/// An approximation of `govalidator.IsEmail`: dot-atom local part of RFC 5322 atext, `@`, and
/// a domain of at least two labels whose last one starts with a letter.
pub(super) fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    let atext = |c: char| {
        c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c) || (c as u32) >= 0xA0
    };
    let local_ok = if local.len() >= 2 && local.starts_with('"') && local.ends_with('"') {
        true
    } else {
        !local.is_empty()
            && local
                .split('.')
                .all(|part| !part.is_empty() && part.chars().all(atext))
    };
    if !local_ok {
        return false;
    }
    let domain = domain.strip_suffix('.').unwrap_or(domain);
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let label_ok = |l: &str| {
        let alnum = |c: char| c.is_ascii_alphanumeric() || (c as u32) >= 0xA0;
        !l.is_empty()
            && l.chars().next().is_some_and(alnum)
            && l.chars().last().is_some_and(alnum)
            && l.chars().all(|c| alnum(c) || matches!(c, '-' | '_' | '~'))
    };
    labels.iter().all(|l| label_ok(l))
        && labels
            .last()
            .is_some_and(|t| t.chars().next().is_some_and(|c| !c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_urls() {
        for ok in [
            "https://x.io/i.png",
            "http://localhost:8080/a",
            "file:///tmp/x",
            "s3://bucket/k",
            "http://user:pw@h/p?q",
        ] {
            assert!(is_request_url(ok), "{ok}");
        }
        for bad in [
            "",
            "foo",
            "x.io/icon.png",
            "mailto:a@b.c",
            "http://a b",
            "http://h:xx/",
            "http://x/%zz",
            "://x",
        ] {
            assert!(!is_request_url(bad), "{bad}");
        }
    }

    #[test]
    fn urls_and_emails() {
        for ok in [
            "https://example.com",
            "example.com",
            "http://10.0.0.1:80/x",
            "www.helm.sh/docs",
        ] {
            assert!(is_url(ok), "{ok}");
        }
        for bad in [
            "a b",
            "ftp",
            ".example.com",
            "gopher://x.io",
            "http://x.io:999999",
        ] {
            assert!(!is_url(bad), "{bad}");
        }
        for ok in ["a@b.co", "first.last+tag@sub.example.org"] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in ["bad", "a@b", "a..b@c.de", "@c.de", "a@-b.de"] {
            assert!(!is_email(bad), "{bad}");
        }
    }
}
