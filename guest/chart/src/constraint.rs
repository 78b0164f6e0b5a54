//! Version constraints as helm checks them (Masterminds/semver v3.4.0 `NewConstraint` and
//! `Constraints.Check`): `||` groups of comparisons, hyphen ranges, x-ranges, `~`, `^`, and the
//! rule that a prerelease only satisfies a group that itself names a prerelease
//! (helm-behaviour.md §6.7). The parser is written by hand after the library's regular
//! expressions; error texts are the library's, because helm prints them verbatim.

use crate::semver::Version;

/// Why a constraint string is not a constraint; `Display` is Masterminds' message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConstraintError {
    /// The text of one `||` group does not have the shape of a constraint.
    #[error("improper constraint: {0}")]
    Improper(String),
    /// The shape was right but the version in it is not a version (e.g. `1x.2`).
    #[error("constraint parser error")]
    Parser,
}

/// The comparison operators, named after Masterminds' `constraintOps`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// `` or `=`: equal, or `~` when the version has wildcards or missing parts.
    TildeOrEqual,
    NotEqual,
    Greater,
    Less,
    GreaterEqual,
    LessEqual,
    Tilde,
    Caret,
}

/// One comparison (Masterminds' `constraint`).
#[derive(Debug, Clone)]
struct Comparison {
    op: Op,
    con: Version,
    /// The major part was a wildcard: every part is free.
    dirty: bool,
    minor_dirty: bool,
    patch_dirty: bool,
}

/// A parsed constraint: OR of AND-groups.
#[derive(Debug, Clone)]
pub struct Constraint {
    groups: Vec<Group>,
}

#[derive(Debug, Clone)]
struct Group {
    comparisons: Vec<Comparison>,
    /// Some comparison names a prerelease, so prereleases may satisfy this group.
    includes_prerelease: bool,
}

impl Constraint {
    /// `semver.NewConstraint`.
    pub fn parse(text: &str) -> Result<Self, ConstraintError> {
        let rewritten = rewrite_ranges(text);
        let mut groups = Vec::new();
        for part in rewritten.split("||") {
            let items = split_group(part).ok_or_else(|| ConstraintError::Improper(part.into()))?;
            let comparisons = items
                .iter()
                .map(|(op, cv)| comparison(op, cv))
                .collect::<Result<Vec<_>, _>>()?;
            let includes_prerelease = comparisons.iter().any(|c| !c.con.prerelease().is_empty());
            groups.push(Group {
                comparisons,
                includes_prerelease,
            });
        }
        Ok(Constraint { groups })
    }

    /// `Constraints.Check` with `IncludePrerelease` off, as helm uses it.
    pub fn check(&self, v: &Version) -> bool {
        self.groups.iter().any(|g| {
            g.comparisons
                .iter()
                .all(|c| c.check(v, g.includes_prerelease))
        })
    }
}

/// Parses `constraint` and checks `version` (loose SemVer) against it; an unparsable version
/// satisfies nothing.
pub fn satisfies(version: &str, constraint: &str) -> Result<bool, ConstraintError> {
    let c = Constraint::parse(constraint)?;
    Ok(Version::parse(version).is_ok_and(|v| c.check(&v)))
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

/// One element of the version character class `[0-9|x|X|\*]` (the `|` is in the class).
fn is_cv_digit(c: u8) -> bool {
    c.is_ascii_digit() || matches!(c, b'|' | b'x' | b'X' | b'*')
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-'
}

fn is_space(c: u8) -> bool {
    // Go's `\s` in RE2: [\t\n\f\r ].
    matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// The parts of a version in a constraint (`cvRegex`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Cv {
    text: String,
    major: String,
    /// With the leading `.`, empty when absent.
    minor: String,
    /// With the leading `.`, empty when absent.
    patch: String,
    /// With the leading `-`, empty when absent.
    pre: String,
}

/// Matches `cvRegex` greedily at `s[at..]`; returns the parts and the end position.
fn match_cv(s: &[u8], at: usize) -> Option<(Cv, usize)> {
    let mut i = at;
    if s.get(i) == Some(&b'v') && s.get(i + 1).copied().is_some_and(is_cv_digit) {
        i += 1;
    }
    let run = |from: usize, pred: fn(u8) -> bool| {
        let mut j = from;
        while s.get(j).copied().is_some_and(pred) {
            j += 1;
        }
        j
    };
    let major_start = i;
    i = run(i, is_cv_digit);
    if i == major_start {
        return None;
    }
    let text = |a: usize, b: usize| String::from_utf8_lossy(&s[a..b]).into_owned();
    let mut cv = Cv {
        major: text(major_start, i),
        ..Cv::default()
    };
    for slot in 0..2 {
        if s.get(i) == Some(&b'.') && s.get(i + 1).copied().is_some_and(is_cv_digit) {
            let end = run(i + 1, is_cv_digit);
            let part = text(i, end);
            if slot == 0 {
                cv.minor = part;
            } else {
                cv.patch = part;
            }
            i = end;
        } else {
            break;
        }
    }
    // `(-ident(.ident)*)?` then `(+ident(.ident)*)?`.
    let ident_list = |from: usize| -> Option<usize> {
        let mut j = run(from, is_ident);
        if j == from {
            return None;
        }
        while s.get(j) == Some(&b'.') && s.get(j + 1).copied().is_some_and(is_ident) {
            j = run(j + 1, is_ident);
        }
        Some(j)
    };
    if s.get(i) == Some(&b'-')
        && let Some(end) = ident_list(i + 1)
    {
        cv.pre = text(i, end);
        i = end;
    }
    if s.get(i) == Some(&b'+')
        && let Some(end) = ident_list(i + 1)
    {
        i = end;
    }
    cv.text = text(at, i);
    Some((cv, i))
}

const TWO_CHAR_OPS: [&str; 5] = ["!=", ">=", "=>", "<=", "=<"];

/// Matches an operator followed by optional space and a version at `s[at..]`: the longest
/// operator after which a version follows (the only one that can, since no version starts
/// with `=` or `>`).
fn match_item(s: &[u8], at: usize) -> Option<(String, Cv, usize)> {
    let mut candidates: Vec<&str> = Vec::new();
    for op in TWO_CHAR_OPS.iter().chain(["~>"].iter()) {
        if s[at..].starts_with(op.as_bytes()) {
            candidates.push(op);
        }
    }
    for op in [">", "<", "=", "~", "^"] {
        if s[at..].starts_with(op.as_bytes()) {
            candidates.push(op);
        }
    }
    candidates.push("");
    for op in candidates {
        let mut i = at + op.len();
        while s.get(i).copied().is_some_and(is_space) {
            i += 1;
        }
        if let Some((cv, end)) = match_cv(s, i) {
            return Some((op.to_string(), cv, end));
        }
    }
    None
}

/// Splits one `||` part into (operator, version) items, or `None` when it does not match
/// Masterminds' `validConstraintRegex`.
fn split_group(part: &str) -> Option<Vec<(String, Cv)>> {
    let s = part.as_bytes();
    let skip_space = |mut i: usize| {
        while s.get(i).copied().is_some_and(is_space) {
            i += 1;
        }
        i
    };
    let mut items = Vec::new();
    let mut i = skip_space(0);
    loop {
        let (op, cv, end) = match_item(s, i)?;
        items.push((op, cv));
        let after = skip_space(end);
        if after == s.len() {
            return Some(items);
        }
        if s[after] == b',' {
            i = skip_space(after + 1);
        } else if after > end {
            i = after;
        } else {
            return None;
        }
    }
}

/// `rewriteRange`: every `A - B` becomes `>= A, <= B ` (leftmost matches first, like Go's
/// `FindAllStringSubmatch`; the match includes the space around it).
fn rewrite_ranges(text: &str) -> String {
    let s = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 8);
    let mut copied = 0;
    let mut i = 0;
    while i < s.len() {
        let mut j = i;
        while s.get(j).copied().is_some_and(is_space) {
            j += 1;
        }
        if let Some((a, a_end)) = match_cv(s, j)
            && let Some((b, end)) = range_tail(s, a_end)
        {
            out.push_str(&text[copied..i]);
            out.push_str(&format!(">= {}, <= {} ", a.text, b.text));
            copied = end;
            i = end;
            continue;
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    out
}

/// After a version ending at `at`: `\s+-\s+` and a second version, plus trailing space.
fn range_tail(s: &[u8], at: usize) -> Option<(Cv, usize)> {
    let mut i = at;
    let spaces = |mut j: usize| {
        let from = j;
        while s.get(j).copied().is_some_and(is_space) {
            j += 1;
        }
        (j, j > from)
    };
    let (j, some) = spaces(i);
    if !some || s.get(j) != Some(&b'-') {
        return None;
    }
    let (j, some) = spaces(j + 1);
    if !some {
        return None;
    }
    let (b, end) = match_cv(s, j)?;
    i = spaces(end).0;
    Some((b, i))
}

fn comparison(op: &str, cv: &Cv) -> Result<Comparison, ConstraintError> {
    let op = match op {
        "" | "=" => Op::TildeOrEqual,
        "!=" => Op::NotEqual,
        ">" => Op::Greater,
        "<" => Op::Less,
        ">=" | "=>" => Op::GreaterEqual,
        "<=" | "=<" => Op::LessEqual,
        "~" | "~>" => Op::Tilde,
        _ => Op::Caret,
    };
    let minor = cv.minor.strip_prefix('.').unwrap_or("");
    let patch = cv.patch.strip_prefix('.').unwrap_or("");
    let (text, dirty, minor_dirty, patch_dirty) = if is_x(&cv.major) {
        (format!("0.0.0{}", cv.pre), true, false, false)
    } else if minor.is_empty() || is_x(minor) {
        (format!("{}.0.0{}", cv.major, cv.pre), true, true, false)
    } else if patch.is_empty() || is_x(patch) {
        (
            format!("{}{}.0{}", cv.major, cv.minor, cv.pre),
            true,
            false,
            true,
        )
    } else {
        (cv.text.clone(), false, false, false)
    };
    let con = Version::parse(&text).map_err(|_| ConstraintError::Parser)?;
    Ok(Comparison {
        op,
        con,
        dirty,
        minor_dirty,
        patch_dirty,
    })
}

impl Comparison {
    fn check(&self, v: &Version, include_pre: bool) -> bool {
        if !v.prerelease().is_empty() && !include_pre {
            return false;
        }
        let c = &self.con;
        match self.op {
            Op::TildeOrEqual => {
                if self.dirty {
                    self.tilde(v)
                } else {
                    v == c
                }
            }
            Op::NotEqual => self.not_equal(v),
            Op::Greater => self.greater(v),
            Op::Less => v < c,
            Op::GreaterEqual => v >= c,
            Op::LessEqual => self.less_equal(v),
            Op::Tilde => self.tilde(v),
            Op::Caret => self.caret(v),
        }
    }

    fn not_equal(&self, v: &Version) -> bool {
        let c = &self.con;
        if self.dirty {
            if c.major() != v.major() {
                return true;
            }
            if c.minor() != v.minor() && !self.minor_dirty {
                return true;
            } else if self.minor_dirty {
                return false;
            } else if c.patch() != v.patch() && !self.patch_dirty {
                return true;
            } else if self.patch_dirty {
                return (!v.prerelease().is_empty() || !c.prerelease().is_empty())
                    && v.prerelease() != c.prerelease();
            }
        }
        v != c
    }

    fn greater(&self, v: &Version) -> bool {
        let c = &self.con;
        if !self.dirty {
            return v > c;
        }
        if v.major() != c.major() {
            return v.major() > c.major();
        }
        if self.minor_dirty {
            return false;
        }
        if self.patch_dirty {
            return v.minor() > c.minor();
        }
        v > c
    }

    fn less_equal(&self, v: &Version) -> bool {
        let c = &self.con;
        if !self.dirty {
            return v <= c;
        }
        if v.major() > c.major() {
            return false;
        }
        !(v.major() == c.major() && v.minor() > c.minor() && !self.minor_dirty)
    }

    fn tilde(&self, v: &Version) -> bool {
        let c = &self.con;
        if v < c {
            return false;
        }
        // `~0.0.0` (and `~*`) accept everything.
        if c.major() == 0
            && c.minor() == 0
            && c.patch() == 0
            && !self.minor_dirty
            && !self.patch_dirty
        {
            return true;
        }
        v.major() == c.major() && (v.minor() == c.minor() || self.minor_dirty)
    }

    fn caret(&self, v: &Version) -> bool {
        let c = &self.con;
        if v < c {
            return false;
        }
        if c.major() > 0 || self.minor_dirty {
            return v.major() == c.major();
        }
        if v.major() > 0 {
            return false;
        }
        if c.minor() > 0 || self.patch_dirty {
            return v.minor() == c.minor();
        }
        if v.minor() > 0 {
            return false;
        }
        c.patch() == v.patch()
    }
}

/// The version helm picks from `versions` for `constraint` when it lists OCI tags
/// (`registry.GetTagMatchingVersionOrConstraint` and the dependency resolver): tags that are
/// not strict SemVer are ignored, the rest are tried from the highest down. Returns the
/// version as listed.
pub fn select_version(
    versions: &[String],
    constraint: &str,
) -> Result<Option<String>, ConstraintError> {
    let c = Constraint::parse(constraint)?;
    let mut parsed: Vec<Version> = versions
        .iter()
        .filter_map(|t| Version::parse_strict(t).ok())
        .collect();
    parsed.sort_by(|a, b| b.cmp(a));
    Ok(parsed
        .into_iter()
        .find(|v| c.check(v))
        .map(|v| v.original().to_string()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn ok(c: &str, v: &str) -> bool {
        let c = Constraint::parse(c).unwrap_or_else(|e| panic!("{c}: {e}"));
        c.check(&Version::parse(v).unwrap())
    }

    #[test]
    fn tilde_caret_and_x_ranges() {
        let table: &[(&str, &[&str], &[&str])] = &[
            (
                "~16.7.27",
                &["16.7.27", "16.7.30"],
                &["16.7.26", "16.8.0", "17.0.0-rc.1", "16.7.28-rc.1"],
            ),
            ("~1.2", &["1.2.0", "1.2.9"], &["1.3.0", "1.1.9"]),
            ("~1", &["1.0.0", "1.9.9"], &["2.0.0", "0.9.0"]),
            ("1.x", &["1.0.0", "1.9.9"], &["2.0.0"]),
            ("1.2.x", &["1.2.0", "1.2.7"], &["1.3.0"]),
            ("*", &["0.0.1", "99.0.0"], &["1.0.0-beta.1"]),
            ("x", &["3.4.5"], &[]),
            ("~0", &["0.9.9"], &["1.0.0"]),
            ("~0.0.0", &["5.0.0"], &[]),
            ("^1.2.3", &["1.2.3", "1.9.0"], &["2.0.0", "1.2.2"]),
            ("^0.2.3", &["0.2.3", "0.2.9"], &["0.3.0"]),
            ("^0.0.3", &["0.0.3"], &["0.0.4", "0.0.2"]),
            ("^0.0", &["0.0.9"], &["0.1.0"]),
            ("^0", &["0.9.0"], &["1.0.0"]),
            (">1.2", &["1.3.0"], &["1.2.9"]),
            (">1", &["2.0.0"], &["1.9.0"]),
            ("<=1.2", &["1.2.9", "0.1.0"], &["1.3.0"]),
            ("!=1.2", &["1.3.0", "1.1.0"], &["1.2.0", "1.2.5"]),
            (">=1.2 <2", &["1.2.0", "1.99.0"], &["2.0.0"]),
            (">= 1.2, < 2", &["1.5.0"], &["2.0.0"]),
            ("1.2.3 - 2.3.4", &["1.2.3", "2.3.4"], &["2.3.5", "1.2.2"]),
            ("1 - 2", &["1.0.0", "2.9.0"], &["3.0.0"]),
            ("<1 || >=3", &["0.5.0", "3.0.0"], &["1.0.0", "2.9.9"]),
            // `<2` compares with 2.0.0, so its prereleases pass once the group names one.
            (
                ">=1.2.0-0 <2",
                &["1.2.0-beta.1", "1.5.0", "2.0.0-rc.1"],
                &["2.0.0", "1.1.0-rc.1"],
            ),
            ("~0.2.0-0", &["0.2.1-rc.1"], &["0.3.0-rc.1"]),
            ("=1.2.3", &["1.2.3", "1.2.3+build"], &["1.2.4"]),
            ("v1.2.3", &["1.2.3"], &[]),
            ("~>1.2.3", &["1.2.9"], &["1.3.0"]),
            ("=>1.0", &["1.0.0"], &["0.9.0"]),
            ("=<1.0.0", &["1.0.0"], &["1.0.1"]),
        ];
        for (c, yes, no) in table {
            for v in *yes {
                assert!(ok(c, v), "{c} should accept {v}");
            }
            for v in *no {
                assert!(!ok(c, v), "{c} should refuse {v}");
            }
        }
    }

    #[test]
    fn improper_constraints_use_masterminds_text() {
        let err = |c: &str| Constraint::parse(c).err().map(|e| e.to_string());
        assert_eq!(err(""), Some("improper constraint: ".into()));
        assert_eq!(err("abc"), Some("improper constraint: abc".into()));
        assert_eq!(err(">1<2"), Some("improper constraint: >1<2".into()));
        assert_eq!(err("1.2.3,"), Some("improper constraint: 1.2.3,".into()));
        assert_eq!(
            err("0.1.5_build.7"),
            Some("improper constraint: 0.1.5_build.7".into())
        );
        assert_eq!(err("1x.2"), Some("constraint parser error".into()));
        assert_eq!(err("1 ||"), Some("improper constraint: ".into()));
        assert!(Constraint::parse(">=1.0.0 <2.0.0").is_ok());
    }

    #[test]
    fn oci_tags_strict_semver_highest_first() {
        let tags: Vec<String> = [
            "16.7.26",
            "16.7.30",
            "v16.7.31",
            "16.7.27",
            "16.8.0",
            "17.0.0-rc.1",
            "latest",
            "16.7.29+b",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            select_version(&tags, "~16.7.27"),
            Ok(Some("16.7.30".into()))
        );
        assert_eq!(select_version(&tags, ">17.0.0"), Ok(None));
        assert_eq!(
            select_version(&tags, ">=17.0.0-0"),
            Ok(Some("17.0.0-rc.1".into()))
        );
        assert_eq!(
            select_version(&tags, "<16.7.30"),
            Ok(Some("16.7.29+b".into()))
        );
        assert_eq!(select_version(&tags, "~1"), Ok(None));
    }
}
