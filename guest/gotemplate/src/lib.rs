//! Go's `text/template` in Rust, as Helm 4 uses it (Go 1.25 semantics).
//!
//! A [`Template`] is a named set of parsed templates plus functions and options. Parse text into
//! it with [`Template::parse`], then run it with [`Template::execute`] or
//! [`Template::execute_template`]. Values are Go-typed ([`Value`]); maps and slices are shared
//! and mutable so functions such as Sprig's `set` behave as in Go. Parse and execution errors
//! carry Go's exact text.
//!
//! ```
//! use gotemplate::{Template, Value};
//! let mut t = Template::new("t");
//! t.parse(r#"{{define "x"}}[{{.}}]{{end}}{{range .}}{{template "x" .}}{{end}}"#).unwrap();
//! let out = t.execute(&Value::list(vec![Value::int(1), "a".into()])).unwrap();
//! assert_eq!(out, "[1][a]");
//! ```

mod error;
mod exec;
mod funcs;
pub mod gofmt;
mod lex;
mod node;
mod parse;
mod strconv;
mod value;

use std::collections::HashMap;
use std::rc::Rc;

pub use error::{Error, ExecError};
pub use exec::CallCtx;
pub use funcs::{html_escape, js_escape, query_escape};
pub use value::{Func, FuncError, IntKind, List, Map, Object, Param, UintKind, Value};

use node::Tree;

/// What a missing map key evaluates to (Go's `missingkey=` option).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissingKey {
    /// `missingkey=default`/`invalid`: no value, printed as `<no value>`.
    #[default]
    Invalid,
    /// `missingkey=zero`: the zero value of the map's element type (Helm's choice).
    Zero,
    /// `missingkey=error`: execution stops with an error.
    Error,
}

/// Resource limits for one execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum nesting of `{{template}}` calls (Go uses 100000, 1000 on wasm). Each level
    /// costs native stack, so keep this modest inside a wasm guest.
    pub max_depth: usize,
    /// Maximum bytes of output of one execution (and of each `include`d template).
    pub max_output: usize,
    /// Maximum number of executed nodes; `None` for no limit (Go has none).
    pub max_steps: Option<u64>,
    /// Maximum nesting of evaluations (lists inside `if`/`range`/`with`/`template`, and
    /// parenthesised pipelines). Each level costs about 1 KiB of native stack in a release
    /// build (2 KiB in debug); Go has no such limit because goroutine stacks grow.
    pub max_nesting: usize,
}

/// Default template call depth: deep enough for real chart helpers (bitnami nests a handful
/// of levels of `include`), shallow enough for a 1 MiB wasm stack together with
/// [`DEFAULT_MAX_NESTING`].
pub const DEFAULT_MAX_DEPTH: usize = 200;
/// Default evaluation nesting: about 500 KiB of stack in a release build, half of the 1 MiB
/// default stack of a wasm32 guest.
pub const DEFAULT_MAX_NESTING: usize = 500;
/// Default output limit: far above any real manifest, low enough to stop runaway loops early.
pub const DEFAULT_MAX_OUTPUT: usize = 64 * 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: DEFAULT_MAX_DEPTH,
            max_output: DEFAULT_MAX_OUTPUT,
            max_steps: None,
            max_nesting: DEFAULT_MAX_NESTING,
        }
    }
}

/// A named set of templates with its functions and options (Go's `*template.Template`).
#[derive(Clone)]
pub struct Template {
    name: String,
    trees: HashMap<String, Rc<Tree>>,
    funcs: HashMap<String, Func>,
    left: String,
    right: String,
    missing_key: MissingKey,
    limits: Limits,
    typed_comparison_errors: bool,
}

impl Template {
    /// A new, empty set whose main template is `name`.
    pub fn new(name: &str) -> Template {
        Template {
            name: name.to_string(),
            trees: HashMap::new(),
            funcs: HashMap::new(),
            left: "{{".into(),
            right: "}}".into(),
            missing_key: MissingKey::Invalid,
            limits: Limits::default(),
            typed_comparison_errors: false,
        }
    }

    /// The name of the main template.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A copy of this set whose main template is `name` (Go's `t.New(name)` sharing the set).
    pub fn with_name(&self, name: &str) -> Template {
        let mut t = self.clone();
        t.name = name.to_string();
        t
    }

    /// Set the action delimiters; empty strings mean the defaults `{{` and `}}`.
    pub fn delims(&mut self, left: &str, right: &str) -> &mut Self {
        self.left = if left.is_empty() {
            "{{".into()
        } else {
            left.into()
        };
        self.right = if right.is_empty() {
            "}}".into()
        } else {
            right.into()
        };
        self
    }

    /// Add a function, replacing any function (or builtin) of that name.
    pub fn func(&mut self, name: &str, f: Func) -> &mut Self {
        self.funcs.insert(name.to_string(), f);
        self
    }

    /// Add several functions.
    pub fn funcs(&mut self, fs: impl IntoIterator<Item = (String, Func)>) -> &mut Self {
        self.funcs.extend(fs);
        self
    }

    pub fn missing_key(&mut self, mode: MissingKey) -> &mut Self {
        self.missing_key = mode;
        self
    }

    /// Go's `Option("missingkey=…")`; returns false for an unknown option.
    pub fn option(&mut self, opt: &str) -> bool {
        self.missing_key = match opt {
            "missingkey=default" | "missingkey=invalid" => MissingKey::Invalid,
            "missingkey=zero" => MissingKey::Zero,
            "missingkey=error" => MissingKey::Error,
            _ => return false,
        };
        true
    }

    /// Name the operand types in `eq`/`lt`/… errors, as Go 1.24+ (Helm 4) does:
    /// `incompatible types for comparison: int and float64`. Off by default, matching the Go 1.19
    /// text recorded in Go's own test tables (`incompatible types for comparison`).
    pub fn typed_comparison_errors(&mut self, on: bool) -> &mut Self {
        self.typed_comparison_errors = on;
        self
    }

    pub fn limits(&mut self, limits: Limits) -> &mut Self {
        self.limits = limits;
        self
    }

    /// Parse `text` as the body of the main template (plus any `define`/`block` it contains).
    /// A body that is only whitespace and comments does not replace an existing template.
    pub fn parse(&mut self, text: &str) -> Result<&mut Self, Error> {
        let name = self.name.clone();
        self.parse_named(&name, text)
    }

    /// Parse `text` as the body of template `name` in this set.
    pub fn parse_named(&mut self, name: &str, text: &str) -> Result<&mut Self, Error> {
        let funcs = &self.funcs;
        let has = |f: &str| funcs.contains_key(f) || funcs::BUILTIN_NAMES.contains(&f);
        let out = parse::parse(name, text, &self.left, &self.right, &has).map_err(Error::Parse)?;
        for tree in out.trees {
            let empty = node::is_empty_list(&tree.root);
            if empty && self.trees.contains_key(&tree.name) {
                continue;
            }
            self.trees.insert(tree.name.clone(), Rc::new(tree));
        }
        Ok(self)
    }

    /// Whether a template of that name is defined.
    pub fn lookup(&self, name: &str) -> bool {
        self.trees.contains_key(name)
    }

    /// Names of all templates in the set, sorted.
    pub fn template_names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.trees.keys().cloned().collect();
        v.sort();
        v
    }

    pub(crate) fn tree(&self, name: &str) -> Option<&Tree> {
        self.trees.get(name).map(|t| t.as_ref())
    }

    /// Execute the main template with `data` as dot.
    pub fn execute(&self, data: &Value) -> Result<String, Error> {
        match self.tree(&self.name) {
            Some(t) => exec::execute(self, t, &self.name, data.clone()).map_err(|e| *e),
            None => Err(Error::Incomplete {
                name: self.name.clone(),
            }),
        }
    }

    /// Execute template `name` of the set with `data` as dot.
    pub fn execute_template(&self, name: &str, data: &Value) -> Result<String, Error> {
        match self.tree(name) {
            Some(t) => exec::execute(self, t, name, data.clone()).map_err(|e| *e),
            None => Err(Error::NoTemplate {
                name: name.to_string(),
                set: self.name.clone(),
            }),
        }
    }
}
