//! Semantic versions as helm reads them (Masterminds/semver v3.4.0): the loose, coercing parser
//! behind `semver.NewVersion` that helm uses almost everywhere, the strict `StrictNewVersion`,
//! and the precedence order. Error texts are the library's, because helm prints them verbatim.

use std::cmp::Ordering;
use std::fmt;

/// Why a string is not a version; `Display` is Masterminds' message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SemverError {
    #[error("invalid semantic version")]
    InvalidSemVer,
    #[error("version string empty")]
    EmptyString,
    #[error("invalid characters in version")]
    InvalidCharacters,
    #[error("version segment starts with 0")]
    SegmentStartsZero,
    #[error("invalid metadata string")]
    InvalidMetadata,
    #[error("invalid prerelease string")]
    InvalidPrerelease,
    /// A numeric segment does not fit in 64 bits; `text` is Go's `strconv` error.
    #[error("{text}")]
    Segment { text: String },
}

/// A parsed version. Equality and order follow SemVer precedence (build metadata ignored);
/// `original()` keeps the text as written, which helm uses for file names.
#[derive(Debug, Clone)]
pub struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    pre: String,
    metadata: String,
    original: String,
}

const NUM: &str = "0123456789";

fn is_allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}

fn contains_only(s: &str, pred: impl Fn(char) -> bool) -> bool {
    s.chars().all(pred)
}

fn is_num(s: &str) -> bool {
    contains_only(s, |c| NUM.contains(c))
}

/// Go's `strconv.ParseUint(s, 10, 64)` with its error texts.
fn parse_uint(s: &str) -> Result<u64, String> {
    if s.is_empty() || !is_num(s) {
        return Err(format!("strconv.ParseUint: parsing {s:?}: invalid syntax"));
    }
    s.parse::<u64>()
        .map_err(|_| format!("strconv.ParseUint: parsing {s:?}: value out of range"))
}

fn validate_prerelease(p: &str) -> Result<(), SemverError> {
    for part in p.split('.') {
        if part.is_empty() {
            return Err(SemverError::InvalidPrerelease);
        } else if is_num(part) {
            if part.len() > 1 && part.starts_with('0') {
                return Err(SemverError::SegmentStartsZero);
            }
        } else if !contains_only(part, is_allowed) {
            return Err(SemverError::InvalidPrerelease);
        }
    }
    Ok(())
}

fn validate_metadata(m: &str) -> Result<(), SemverError> {
    if m.split('.').all(|part| contains_only(part, is_allowed)) {
        Ok(())
    } else {
        Err(SemverError::InvalidMetadata)
    }
}

/// Dot-separated, non-empty `[0-9A-Za-z-]+` identifiers (the loose regex's extra parts).
fn is_identifier_list(s: &str) -> bool {
    s.split('.')
        .all(|p| !p.is_empty() && contains_only(p, is_allowed))
}

/// Splits `digits(.digits)?(.digits)?` off the front; `None` if it does not start with a digit.
fn split_numbers(s: &str) -> Option<(Vec<&str>, &str)> {
    let mut parts = Vec::new();
    let mut rest = s;
    for i in 0..3 {
        let body = if i == 0 {
            rest
        } else {
            match rest.strip_prefix('.') {
                Some(b) if b.starts_with(|c: char| c.is_ascii_digit()) => b,
                _ => break,
            }
        };
        let end = body
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(body.len());
        if end == 0 {
            return None;
        }
        parts.push(&body[..end]);
        rest = &body[end..];
    }
    Some((parts, rest))
}

impl Version {
    /// `semver.NewVersion` in coercing mode: optional `v`, one to three numeric parts (leading
    /// zeros allowed, missing parts are 0), then `-prerelease` and `+metadata`.
    pub fn parse(v: &str) -> Result<Self, SemverError> {
        let body = v.strip_prefix('v').unwrap_or(v);
        let (nums, rest) = split_numbers(body).ok_or(SemverError::InvalidSemVer)?;
        let (pre_part, meta) = match rest.split_once('+') {
            Some((p, m)) => (p, Some(m)),
            None => (rest, None),
        };
        let pre = match pre_part {
            "" => None,
            p => Some(p.strip_prefix('-').ok_or(SemverError::InvalidSemVer)?),
        };
        if pre.is_some_and(|p| !is_identifier_list(p))
            || meta.is_some_and(|m| !is_identifier_list(m))
        {
            return Err(SemverError::InvalidSemVer);
        }
        let segment = |s: &str| {
            parse_uint(s).map_err(|e| SemverError::Segment {
                text: format!("Error parsing version segment: {e}"),
            })
        };
        let major = segment(nums[0])?;
        let minor = nums.get(1).map_or(Ok(0), |s| segment(s))?;
        let patch = nums.get(2).map_or(Ok(0), |s| segment(s))?;
        let pre = pre.unwrap_or("");
        let metadata = meta.unwrap_or("");
        if !pre.is_empty() {
            validate_prerelease(pre)?;
        }
        if !metadata.is_empty() {
            validate_metadata(metadata)?;
        }
        Ok(Version {
            major,
            minor,
            patch,
            pre: pre.to_string(),
            metadata: metadata.to_string(),
            original: v.to_string(),
        })
    }

    /// `semver.StrictNewVersion`: exactly `MAJOR.MINOR.PATCH[-pre][+meta]`, no `v`, no leading
    /// zeros.
    pub fn parse_strict(v: &str) -> Result<Self, SemverError> {
        if v.is_empty() {
            return Err(SemverError::EmptyString);
        }
        let parts: Vec<&str> = v.splitn(3, '.').collect();
        let [major, minor, last] = parts[..] else {
            return Err(SemverError::InvalidSemVer);
        };
        let mut patch = last;
        let mut metadata = "";
        let mut pre = "";
        if let Some((p, m)) = patch.split_once('+') {
            metadata = m;
            patch = p;
            validate_metadata(metadata)?;
        }
        if let Some((p, r)) = patch.split_once('-') {
            pre = r;
            patch = p;
            validate_prerelease(pre)?;
        }
        for part in [major, minor, patch] {
            if !is_num(part) {
                return Err(SemverError::InvalidCharacters);
            }
            if part.len() > 1 && part.starts_with('0') {
                return Err(SemverError::SegmentStartsZero);
            }
        }
        let num = |s: &str| parse_uint(s).map_err(|text| SemverError::Segment { text });
        Ok(Version {
            major: num(major)?,
            minor: num(minor)?,
            patch: num(patch)?,
            pre: pre.to_string(),
            metadata: metadata.to_string(),
            original: v.to_string(),
        })
    }

    pub fn major(&self) -> u64 {
        self.major
    }

    pub fn minor(&self) -> u64 {
        self.minor
    }

    pub fn patch(&self) -> u64 {
        self.patch
    }

    /// The prerelease identifiers without the leading `-` (empty for a release).
    pub fn prerelease(&self) -> &str {
        &self.pre
    }

    /// The build metadata without the leading `+`.
    pub fn metadata(&self) -> &str {
        &self.metadata
    }

    /// The text the version was parsed from.
    pub fn original(&self) -> &str {
        &self.original
    }
}

/// Masterminds' `Version.String()`: `M.m.p[-pre][+meta]`, whatever was written.
impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.metadata.is_empty() {
            write!(f, "+{}", self.metadata)?;
        }
        Ok(())
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_prerelease(&self.pre, &other.pre),
            })
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

fn compare_prerelease(a: &str, b: &str) -> Ordering {
    let a: Vec<&str> = a.split('.').collect();
    let b: Vec<&str> = b.split('.').collect();
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or("");
        let y = b.get(i).copied().unwrap_or("");
        let d = compare_pre_part(x, y);
        if d != Ordering::Equal {
            return d;
        }
    }
    Ordering::Equal
}

/// Masterminds' `comparePrePart`: numeric identifiers sort before alphanumeric ones, a missing
/// identifier sorts first.
fn compare_pre_part(s: &str, o: &str) -> Ordering {
    if s == o {
        return Ordering::Equal;
    }
    if s.is_empty() {
        return Ordering::Less;
    }
    if o.is_empty() {
        return Ordering::Greater;
    }
    match (
        s.parse::<u64>().ok().filter(|_| is_num(s)),
        o.parse::<u64>().ok().filter(|_| is_num(o)),
    ) {
        (None, None) => {
            if s > o {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(a), Some(b)) => {
            if a > b {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loose(v: &str) -> Result<String, String> {
        Version::parse(v)
            .map(|v| v.to_string())
            .map_err(|e| e.to_string())
    }

    fn strict(v: &str) -> Result<String, String> {
        Version::parse_strict(v)
            .map(|v| v.to_string())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn loose_accepts_what_helm_package_accepts() {
        // Verified with `helm4 package --version` (spec §2.2).
        assert_eq!(loose("01.02.03"), Ok("1.2.3".into()));
        assert_eq!(loose("v1.2.3"), Ok("1.2.3".into()));
        assert_eq!(loose("1"), Ok("1.0.0".into()));
        assert_eq!(loose("1.2"), Ok("1.2.0".into()));
        assert_eq!(loose("1.2.3+b.01"), Ok("1.2.3+b.01".into()));
        assert_eq!(loose("1.2.3-rc.1+b"), Ok("1.2.3-rc.1+b".into()));
        assert_eq!(loose("0.0.0-0"), Ok("0.0.0-0".into()));
        assert_eq!(
            Version::parse("v01.2").map(|v| v.original().to_string()),
            Ok("v01.2".into())
        );
    }

    #[test]
    fn loose_errors_are_masterminds() {
        assert_eq!(loose("1.2.3.4"), Err("invalid semantic version".into()));
        assert_eq!(loose("1.2.3-a..b"), Err("invalid semantic version".into()));
        assert_eq!(
            loose("1.2.3-01"),
            Err("version segment starts with 0".into())
        );
        assert_eq!(loose(""), Err("invalid semantic version".into()));
        assert_eq!(loose("V1.2.3"), Err("invalid semantic version".into()));
        assert_eq!(loose("1.2.3-"), Err("invalid semantic version".into()));
        assert_eq!(loose("1.2.3+"), Err("invalid semantic version".into()));
        assert_eq!(loose("1.2.3 "), Err("invalid semantic version".into()));
        assert_eq!(loose("1.2-beta"), Ok("1.2.0-beta".into()));
        assert_eq!(loose("1.2.x"), Err("invalid semantic version".into()));
        assert_eq!(
            loose("99999999999999999999"),
            Err("Error parsing version segment: strconv.ParseUint: parsing \"99999999999999999999\": value out of range".into())
        );
    }

    #[test]
    fn strict_parsing() {
        assert_eq!(strict("1.2.3"), Ok("1.2.3".into()));
        assert_eq!(
            strict("1.2.3-rc.1+build.5"),
            Ok("1.2.3-rc.1+build.5".into())
        );
        assert_eq!(strict("1.2.3+"), Ok("1.2.3".into()));
        assert_eq!(strict(""), Err("version string empty".into()));
        assert_eq!(strict("1"), Err("invalid semantic version".into()));
        assert_eq!(strict("1.2"), Err("invalid semantic version".into()));
        assert_eq!(
            strict("v1.2.3"),
            Err("invalid characters in version".into())
        );
        assert_eq!(
            strict("01.2.3"),
            Err("version segment starts with 0".into())
        );
        assert_eq!(
            strict("1.2.3-01"),
            Err("version segment starts with 0".into())
        );
        assert_eq!(strict("1.2.3-a_b"), Err("invalid prerelease string".into()));
        assert_eq!(strict("1.2.3+a_b"), Err("invalid metadata string".into()));
        assert_eq!(
            strict("1.2.3.4"),
            Err("invalid characters in version".into())
        );
        assert_eq!(
            strict("1..3"),
            Err("strconv.ParseUint: parsing \"\": invalid syntax".into())
        );
    }

    #[test]
    fn precedence() {
        let v = |s: &str| Version::parse(s).expect("valid");
        let order = [
            "0.0.0-0",
            "0.0.0",
            "1.0.0-0",
            "1.0.0-1",
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1",
            "1.1",
            "2",
        ];
        for pair in order.windows(2) {
            assert!(v(pair[0]) < v(pair[1]), "{} < {}", pair[0], pair[1]);
        }
        assert_eq!(v("1.0.0+a"), v("1.0.0+b"));
        assert_eq!(v("v1"), v("1.0.0"));
    }
}
