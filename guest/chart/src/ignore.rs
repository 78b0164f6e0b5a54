//! `.helmignore` rules exactly as helm's `pkg/ignore` applies them, quirks included: no `**`, no
//! inline comments, first matching rule wins, and a negated rule ignores every path that reaches
//! it without matching it (so `!README.md` alone ignores the whole chart).

use crate::glob;

/// The file name helm reads ignore rules from, at the chart root.
pub const HELM_IGNORE: &str = ".helmignore";

/// The rule helm appends after the user's rules (`AddDefaults`): dotfiles directly in templates/.
pub const DEFAULT_RULE: &str = "templates/.?*";

/// Go's `bufio.Scanner` refuses lines longer than this (`bufio.MaxScanTokenSize`).
const MAX_LINE: usize = 64 * 1024;

/// A rule that could not be parsed; the message is helm's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IgnoreError {
    #[error("double-star (**) syntax is not supported")]
    DoubleStar,
    #[error("{}", glob::BAD_PATTERN)]
    BadPattern,
    #[error("bufio.Scanner: token too long")]
    LineTooLong,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// Leading `/`: the whole relative path must match.
    Rooted,
    /// Contains `/`: the whole relative path must match.
    Path,
    /// No `/`: only the base name is matched.
    Base,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern {
    /// The line as written (after trimming), `!` included.
    raw: String,
    /// The glob matched against the path or base name.
    glob: String,
    negate: bool,
    must_dir: bool,
    kind: Kind,
}

impl Pattern {
    fn matches(&self, path: &str) -> bool {
        let name = match self.kind {
            Kind::Rooted | Kind::Path => path,
            Kind::Base => base_name(path),
        };
        // Patterns were validated when parsed; helm treats a late matching error as no match.
        glob::matches(&self.glob, name).unwrap_or(false)
    }
}

/// Parsed `.helmignore` rules, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rules {
    patterns: Vec<Pattern>,
}

impl Rules {
    /// No rules at all (helm's `ignore.Empty`).
    pub fn empty() -> Self {
        Self::default()
    }

    /// Parses the text of a `.helmignore` file (helm's `ignore.Parse`).
    pub fn parse(text: &[u8]) -> Result<Self, IgnoreError> {
        let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
        let mut rules = Self::empty();
        for line in text.split(|&b| b == b'\n') {
            if line.len() > MAX_LINE {
                return Err(IgnoreError::LineTooLong);
            }
            rules.parse_rule(&String::from_utf8_lossy(line))?;
        }
        Ok(rules)
    }

    /// Appends helm's default rule `templates/.?*` (helm's `AddDefaults`).
    pub fn add_defaults(&mut self) {
        // The default rule is known to be valid.
        let _ = self.parse_rule(DEFAULT_RULE);
    }

    /// The rules as written, in evaluation order.
    pub fn raw_rules(&self) -> impl Iterator<Item = &str> {
        self.patterns.iter().map(|p| p.raw.as_str())
    }

    /// Parses one line and appends it (helm's `parseRule`).
    pub fn parse_rule(&mut self, line: &str) -> Result<(), IgnoreError> {
        // Go's strings.TrimSpace trims Unicode white space, as Rust's trim does.
        let rule = line.trim();
        if rule.is_empty() || rule.starts_with('#') {
            return Ok(());
        }
        if rule.contains("**") {
            return Err(IgnoreError::DoubleStar);
        }
        // helm checks the raw rule, `!` included, against a non-empty name.
        glob::matches(rule, "abc").map_err(|_| IgnoreError::BadPattern)?;
        let raw = rule.to_string();
        let (negate, rule) = match rule.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, rule),
        };
        let (must_dir, rule) = match rule.strip_suffix('/') {
            Some(rest) => (true, rest),
            None => (false, rule),
        };
        let (kind, glob) = if let Some(rest) = rule.strip_prefix('/') {
            (Kind::Rooted, rest)
        } else if rule.contains('/') {
            (Kind::Path, rule)
        } else {
            (Kind::Base, rule)
        };
        self.patterns.push(Pattern {
            raw,
            glob: glob.to_string(),
            negate,
            must_dir,
            kind,
        });
        Ok(())
    }

    /// Whether the chart-relative, `/`-separated `path` is ignored (helm's `Rules.Ignore`).
    pub fn ignore(&self, path: &str, is_dir: bool) -> bool {
        if path.is_empty() || path == "." || path == "./" {
            return false;
        }
        for p in &self.patterns {
            if p.negate {
                // helm's negation quirk: reaching a negated rule without matching it ignores.
                if p.must_dir && !is_dir {
                    return true;
                }
                if !p.matches(path) {
                    return true;
                }
                continue;
            }
            if p.must_dir && !is_dir {
                continue;
            }
            if p.matches(path) {
                return true;
            }
        }
        false
    }
}

/// Go's `filepath.Base` for the `/`-separated relative paths helm hands to the rules.
fn base_name(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return if path.is_empty() { "." } else { "/" };
    }
    match trimmed.rfind('/') {
        Some(i) => &trimmed[i + 1..],
        None => trimmed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The chart of the spec's verified table (§1.3): (path, is_dir).
    const TREE: &[(&str, bool)] = &[
        (".dotfile", false),
        (".helmignore", false),
        ("Chart.yaml", false),
        ("README.md", false),
        ("a.txt", false),
        ("b.txt", false),
        ("docs", true),
        ("docs/sub", true),
        ("docs/sub/y.md", false),
        ("docs/x.md", false),
        ("keep.txt", false),
        ("logs", true),
        ("logs/l.log", false),
        ("templates", true),
        ("templates/.hidden", false),
        ("templates/cm.yaml", false),
        ("templates/sub", true),
        ("templates/sub/.hidden2", false),
        ("values.yaml", false),
    ];

    /// The files kept when walking TREE like helm does (ignored directories prune subtrees).
    fn kept(helmignore: &str) -> Vec<&'static str> {
        let mut rules = Rules::parse(helmignore.as_bytes()).expect("valid rules");
        rules.add_defaults();
        let mut pruned: Vec<&str> = Vec::new();
        let mut out = Vec::new();
        for &(path, is_dir) in TREE {
            if pruned.iter().any(|d| path.starts_with(&format!("{d}/"))) {
                continue;
            }
            if rules.ignore(path, is_dir) {
                if is_dir {
                    pruned.push(path);
                }
                continue;
            }
            if !is_dir {
                out.push(path);
            }
        }
        out
    }

    fn all_files_except(except: &[&str]) -> Vec<&'static str> {
        TREE.iter()
            .filter(|(p, d)| !d && !except.contains(p))
            .map(|(p, _)| *p)
            .collect()
    }

    #[test]
    fn verified_table_from_helm4() {
        let cases: &[(&str, &[&str])] = &[
            ("", &["templates/.hidden"]),
            ("# only a comment\n", &["templates/.hidden"]),
            (
                "*.txt",
                &["a.txt", "b.txt", "keep.txt", "templates/.hidden"],
            ),
            (
                "docs/",
                &["docs/x.md", "docs/sub/y.md", "templates/.hidden"],
            ),
            ("docs", &["docs/x.md", "docs/sub/y.md", "templates/.hidden"]),
            (
                "docs/*",
                &["docs/x.md", "docs/sub/y.md", "templates/.hidden"],
            ),
            ("/a.txt", &["a.txt", "templates/.hidden"]),
            (
                "sub/",
                &[
                    "docs/sub/y.md",
                    "templates/sub/.hidden2",
                    "templates/.hidden",
                ],
            ),
            (
                "templates/*.yaml",
                &["templates/cm.yaml", "templates/.hidden"],
            ),
            (
                ".*",
                &[
                    ".dotfile",
                    ".helmignore",
                    "templates/.hidden",
                    "templates/sub/.hidden2",
                ],
            ),
            (" a.txt ", &["a.txt", "templates/.hidden"]),
            ("a.txt # comment", &["templates/.hidden"]),
        ];
        for (rules, removed) in cases {
            assert_eq!(kept(rules), all_files_except(removed), "rules {rules:?}");
        }
    }

    #[test]
    fn negation_quirk_keeps_only_the_negated_file() {
        assert_eq!(kept("!Chart.yaml"), vec!["Chart.yaml"]);
        // gitignore would keep everything but the other .md files; helm ignores everything.
        assert_eq!(kept("*.md\n!README.md"), Vec::<&str>::new());
    }

    #[test]
    fn negated_dir_rule_ignores_files() {
        let rules = Rules::parse(b"!docs/").expect("valid");
        assert!(rules.ignore("a.txt", false));
        assert!(!rules.ignore("docs", true));
        assert!(rules.ignore("templates", true));
    }

    #[test]
    fn the_root_is_never_ignored() {
        let rules = Rules::parse(b"*\n.*").expect("valid");
        for p in ["", ".", "./"] {
            assert!(!rules.ignore(p, true));
        }
    }

    #[test]
    fn parse_errors_are_helms() {
        assert_eq!(Rules::parse(b"a/**/b"), Err(IgnoreError::DoubleStar));
        assert_eq!(Rules::parse(b"**"), Err(IgnoreError::DoubleStar));
        assert_eq!(Rules::parse(b"[a-"), Err(IgnoreError::BadPattern));
        assert_eq!(Rules::parse(b"x\\"), Err(IgnoreError::BadPattern));
        assert_eq!(
            IgnoreError::BadPattern.to_string(),
            "syntax error in pattern"
        );
        assert_eq!(
            IgnoreError::DoubleStar.to_string(),
            "double-star (**) syntax is not supported"
        );
    }

    #[test]
    fn bom_crlf_and_classes() {
        let rules = Rules::parse(b"\xEF\xBB\xBF*.log\r\n[ab].txt\r\nx\\[1\\].md\n").expect("valid");
        assert!(rules.ignore("logs/l.log", false));
        assert!(rules.ignore("a.txt", false));
        assert!(!rules.ignore("c.txt", false));
        assert!(rules.ignore("x[1].md", false));
        assert_eq!(
            rules.raw_rules().collect::<Vec<_>>(),
            ["*.log", "[ab].txt", "x\\[1\\].md"]
        );
    }

    #[test]
    fn rooted_and_path_rules_match_the_whole_path() {
        let rules = Rules::parse(b"/docs/*.md\nsub/y.md").expect("valid");
        assert!(rules.ignore("docs/x.md", false));
        assert!(!rules.ignore("docs/sub/y.md", false));
        assert!(rules.ignore("sub/y.md", false));
    }

    #[test]
    fn must_dir_rules_skip_files() {
        let rules = Rules::parse(b"logs/").expect("valid");
        assert!(!rules.ignore("logs", false));
        assert!(rules.ignore("logs", true));
    }
}
