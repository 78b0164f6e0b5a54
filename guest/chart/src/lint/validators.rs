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
    // ParseRequestURI: with a scheme, a rootless rest is an opaque URL (`mailto:x`).
    if !rest.starts_with('/') {
        return true;
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

/// `govalidator.IsURL` (v11): a few `url.Parse` sanity checks, then the shape govalidator's
/// URL pattern accepts: optional `ftp|tcp|udp|ws|wss|http|https://`, optional `user[:pw]@`,
/// a host (IPv4, `[IPv6]` or a host name of the pattern's form), optional trailing dot, port
/// and a path without white space. Implemented as a small matcher rather than a regex.
pub(super) fn is_url(s: &str) -> bool {
    if s.is_empty() || s.chars().count() >= 2083 || s.len() <= 3 || s.starts_with('.') {
        return false;
    }
    if !url_parse_ok(s) || s.chars().any(char::is_whitespace) {
        return false;
    }
    let rest = ["ftp", "tcp", "udp", "wss", "ws", "https", "http"]
        .iter()
        .find_map(|scheme| s.strip_prefix(scheme).and_then(|r| r.strip_prefix("://")))
        .unwrap_or(s);
    // `user@` may end at any `@`; the host cannot contain one.
    std::iter::once(0)
        .chain(rest.match_indices('@').map(|(i, _)| i + 1))
        .any(|start| (start == 0 || start > 1) && host_port_path_ok(&rest[start..]))
}

/// The checks `IsURL` makes with Go's `url.Parse` before its pattern.
fn url_parse_ok(s: &str) -> bool {
    let with_scheme;
    let s = if s.contains(':') && !s.contains("://") {
        with_scheme = format!("http://{s}");
        with_scheme.as_str()
    } else {
        s
    };
    let (host, path) = match s.split_once("://") {
        Some((_, rest)) => {
            let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            let authority = &rest[..end];
            if !valid_authority(authority) {
                return false;
            }
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            let host = if host.starts_with('[') {
                host
            } else {
                host.rsplit_once(':').map_or(host, |(h, _)| h)
            };
            (host.to_string(), rest[end..].to_string())
        }
        None => match s.strip_prefix("//") {
            Some(rest) => {
                let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
                (rest[..end].to_string(), rest[end..].to_string())
            }
            None => (
                String::new(),
                s.split(['?', '#']).next().unwrap_or("").to_string(),
            ),
        },
    };
    // Bad `%` escapes in the path or fragment make url.Parse fail (the query is not checked).
    let (before_fragment, fragment) = path.split_once('#').unwrap_or((&path, ""));
    let path_only = before_fragment.split('?').next().unwrap_or("");
    if !valid_escapes(path_only) || !valid_escapes(fragment) {
        return false;
    }
    let path = path_only;
    let bare_word = host.is_empty() && !path.is_empty() && !path.contains('.');
    !host.starts_with('.') && !bare_word
}

/// `host[.][:port][path]` where path starts with `/`, `?` or `#`.
fn host_port_path_ok(r: &str) -> bool {
    let end = r.find(['/', '?', '#']).unwrap_or(r.len());
    let segment = &r[..end];
    let (host, port) = match segment.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || segment.starts_with('[') => (h, Some(p)),
        _ => (segment, None),
    };
    let (host, port) = if port
        .is_some_and(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()))
    {
        (host, port)
    } else if segment.starts_with('[') && segment.ends_with(']') {
        (segment, None)
    } else if port.is_some() {
        return false;
    } else {
        (host, None)
    };
    let _ = port;
    let host = host.strip_suffix('.').unwrap_or(host);
    is_ipv4_like(host) || is_bracketed_ipv6(host) || is_host_name(host)
}

fn is_bracketed_ipv6(h: &str) -> bool {
    h.strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .is_some_and(|ip| {
            ip.contains(':')
                && ip
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        })
}

/// The pattern's IPv4 form: first octet 1–223 or 240–255, then three octets.
fn is_ipv4_like(h: &str) -> bool {
    let parts: Vec<&str> = h.split('.').collect();
    if parts.len() != 4
        || parts
            .iter()
            .any(|p| p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return false;
    }
    let octet = |p: &str| -> bool {
        // 1–2 digits (leading zero allowed) or 100–255.
        p.len() <= 2 || p.parse::<u16>().is_ok_and(|n| (100..=255).contains(&n))
    };
    let first = parts[0];
    let first_ok = !first.starts_with('0')
        && first
            .parse::<u16>()
            .is_ok_and(|n| (1..=223).contains(&n) || (240..=255).contains(&n));
    first_ok && parts[1..].iter().all(|p| octet(p))
}

fn is_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || ('\u{a1}'..='\u{ffff}').contains(&c)
}

/// `prefix? core tld?` of govalidator's host-name pattern (see [`is_url`]).
fn is_host_name(h: &str) -> bool {
    let chars: Vec<char> = h.chars().collect();
    // The TLD is `.` + letters only; it can only be the last label.
    let mut bodies = vec![chars.len()];
    if let Some(dot) = chars.iter().rposition(|&c| c == '.')
        && dot + 1 < chars.len()
        && chars[dot + 1..].iter().all(|&c| is_letter(c))
    {
        bodies.push(dot);
    }
    bodies.into_iter().any(|end| {
        let x = &chars[..end];
        (0..x.len())
            .any(|k| is_core(&x[k..]) && (k == 0 || is_prefix_a(&x[..k]) || is_prefix_b(&x[..k])))
    })
}

/// `([letter|digit]+-?-?)*[letter|digit]+`: runs of letters/digits joined by one or two dashes.
fn is_core(x: &[char]) -> bool {
    let word = |c: char| is_letter(c) || c.is_ascii_digit();
    if x.is_empty() || !word(x[0]) || !word(x[x.len() - 1]) {
        return false;
    }
    let mut dashes = 0;
    for &c in x {
        if c == '-' {
            dashes += 1;
            if dashes > 2 {
                return false;
            }
        } else if word(c) {
            dashes = 0;
        } else {
            return false;
        }
    }
    true
}

/// `alnum[alnum-_]*alnum` followed by any number of `[-.]alnum+`.
fn is_prefix_a(p: &[char]) -> bool {
    let alnum = |c: &char| c.is_ascii_alphanumeric();
    (2..=p.len()).any(|j| {
        let head = &p[..j];
        let head_ok = alnum(&head[0])
            && alnum(&head[j - 1])
            && head.iter().all(|c| alnum(c) || *c == '-' || *c == '_');
        let tail = &p[j..];
        let tail_ok = tail.is_empty()
            || (matches!(tail[0], '-' | '.')
                && tail
                    .split(|c| matches!(c, '-' | '.'))
                    .skip(1)
                    .all(|seg| !seg.is_empty() && seg.iter().all(alnum)));
        head_ok && tail_ok
    })
}

/// `www.` or `alnum+([-_.]?alnum)*alnum.alnum+`.
fn is_prefix_b(p: &[char]) -> bool {
    if p == ['w', 'w', 'w', '.'] {
        return true;
    }
    let alnum = |c: char| c.is_ascii_alphanumeric();
    let Some(dot) = p.iter().rposition(|&c| c == '.') else {
        return false;
    };
    let (before, after) = (&p[..dot], &p[dot + 1..]);
    if after.is_empty() || !after.iter().all(|&c| alnum(c)) || before.len() < 2 {
        return false;
    }
    if !alnum(before[before.len() - 1]) || !alnum(before[before.len() - 2]) || !alnum(before[0]) {
        return false;
    }
    before.windows(2).all(|w| alnum(w[0]) || alnum(w[1]))
        && before
            .iter()
            .all(|&c| alnum(c) || matches!(c, '-' | '_' | '.'))
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

    /// Every case below was checked with `helm4 lint` (a maintainer `url:` and `email:`, an
    /// `icon:`), recording which ones helm reports as invalid.
    #[test]
    fn urls_measured_with_helm4() {
        let valid = [
            "https://example.com/icon.png",
            "http://localhost:8080/a",
            "mailto:a@b.c",
            "example.com",
            "www.helm.sh/docs",
            "a@b.co",
            "http://10.0.0.1:80/x",
            "https://例え.jp/",
            "ftp://ftp.example.com",
            "http://[::1]:80/",
            "https://user:pw@host.io/p?q=1#f",
            "http://under_score.com",
            "example.com:8080",
            "https://github.com/helm/helm",
            "x.io",
        ];
        for ok in valid {
            assert!(is_url(ok), "{ok} should be a valid URL");
        }
        let invalid = [
            "file:///tmp/x",
            "s3://bucket/k",
            "http://a b",
            "http://h:xx/",
            "http://x/%zz",
            "foo",
            "localhost",
            "gopher://x.io",
            "http://x.io:999999",
            "//host/path",
            "/abs/path",
            "http://-bad.com",
            "a.b.c.d",
            "http://1.2.3",
            "https://example.com/a b",
        ];
        for bad in invalid {
            assert!(!is_url(bad), "{bad} should be an invalid URL");
        }
    }

    #[test]
    fn request_urls_measured_with_helm4() {
        let valid = [
            "https://example.com/icon.png",
            "http://localhost:8080/a",
            "file:///tmp/x",
            "s3://bucket/k",
            "mailto:a@b.c",
            "http://10.0.0.1:80/x",
            "https://例え.jp/",
            "ftp://ftp.example.com",
            "gopher://x.io",
            "http://x.io:999999",
            "http://[::1]:80/",
            "https://user:pw@host.io/p?q=1#f",
            "http://-bad.com",
            "http://under_score.com",
        ];
        for ok in valid {
            assert!(is_request_url(ok), "{ok} should be a valid request URL");
        }
        let invalid = [
            "example.com",
            "www.helm.sh/docs",
            "http://a b",
            "http://h:xx/",
            "http://x/%zz",
            "foo",
            "a@b.co",
            "first.last+tag@sub.example.org",
            "//host/path",
            "/abs/path",
            "",
        ];
        for bad in invalid {
            assert!(
                !is_request_url(bad),
                "{bad} should be an invalid request URL"
            );
        }
    }

    #[test]
    fn emails_measured_with_helm4() {
        for ok in ["a@b.co", "first.last+tag@sub.example.org"] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "bad",
            "a@b",
            "a..b@c.de",
            "user@localhost",
            "https://example.com/icon.png",
            "example.com",
            "mailto:a@b.c",
            "foo",
            "/abs/path",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }
}
