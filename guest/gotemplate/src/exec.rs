//! The executor: walks a parse tree with Go's `text/template` semantics (truth, field and map
//! access, method calls, missing-key modes, variable scoping, break/continue) and reports
//! errors with Go's context (`template: NAME:LINE:COL: executing "NAME" at <NODE>: …`).

use crate::error::{Error, ExecError};
use crate::funcs::{self, Builtin};
use crate::gofmt;
use crate::node::*;
use crate::value::{Func, FuncError, IntKind, Param, Value};
use crate::{MissingKey, Template};

/// A value with a flag telling whether its static Go type is `interface {}` (it came out of a
/// `map[string]interface {}` or `[]interface {}`), which shows in some of Go's error messages.
#[derive(Clone, Default)]
pub(crate) struct Slot {
    pub v: Value,
    pub iface: bool,
}

impl Slot {
    fn plain(v: Value) -> Slot {
        Slot { v, iface: false }
    }
}

enum Flow {
    Normal,
    Break,
    Continue,
}

pub(crate) enum Callee {
    Builtin(Builtin),
    Func(Func),
}

/// Errors are boxed so that every recursive frame stays small (stack depth matters in wasm).
type R<T> = Result<T, Box<Error>>;

pub(crate) struct State<'a> {
    tmpl: &'a Template,
    tree: &'a Tree,
    name: String,
    at: Option<At<'a>>,
    vars: Vec<(String, Slot)>,
    depth: usize,
    nesting: usize,
    steps: u64,
    out: String,
}

/// What a host function can do besides computing a value: run another template of the set
/// (Helm's `include`).
pub struct CallCtx<'s, 'a> {
    state: &'s mut State<'a>,
}

impl CallCtx<'_, '_> {
    /// Execute the named template of the set with `data` as dot and return its output.
    pub fn execute_template(&mut self, name: &str, data: Value) -> Result<String, Error> {
        let st = &mut *self.state;
        let Some(tree) = st.tmpl.tree(name) else {
            return Err(Error::NoTemplate {
                name: name.to_string(),
                set: st.tmpl.name.clone(),
            });
        };
        if st.depth >= st.tmpl.limits.max_depth {
            return Err(*st.errorf(format!(
                "exceeded maximum template depth ({})",
                st.tmpl.limits.max_depth
            )));
        }
        let saved_out = std::mem::take(&mut st.out);
        let saved_vars =
            std::mem::replace(&mut st.vars, vec![("$".into(), Slot::plain(data.clone()))]);
        let saved_tree = st.tree;
        let saved_name = std::mem::replace(&mut st.name, name.to_string());
        let saved_at = st.at;
        st.tree = tree;
        st.depth += 1;
        let r = st.walk_list(&Slot::plain(data), &tree.root);
        st.depth -= 1;
        st.tree = saved_tree;
        st.name = saved_name;
        st.vars = saved_vars;
        st.at = saved_at;
        let out = std::mem::replace(&mut st.out, saved_out);
        r.map(|_| out).map_err(|e| *e)
    }

    /// The name of the template being executed.
    pub fn template_name(&self) -> &str {
        &self.state.name
    }
}

pub(crate) fn execute(tmpl: &Template, tree: &Tree, name: &str, data: Value) -> R<String> {
    let mut st = State {
        tmpl,
        tree,
        name: name.to_string(),
        at: None,
        vars: vec![("$".into(), Slot::plain(data.clone()))],
        depth: 0,
        nesting: 0,
        steps: 0,
        out: String::new(),
    };
    st.walk_list(&Slot::plain(data), &tree.root)?;
    Ok(st.out)
}

fn has_args(args: &[Arg], fin: &Option<Value>) -> bool {
    args.len() > 1 || fin.is_some()
}

fn is_hex_int(s: &str) -> bool {
    s.len() > 2 && (s.starts_with("0x") || s.starts_with("0X")) && !s.contains(['p', 'P'])
}

/// Go's `indirectInterface`: a nil interface becomes "no value".
fn dig(v: Value) -> Value {
    match v {
        Value::Nil => Value::NoValue,
        v => v,
    }
}

impl<'a> State<'a> {
    fn at(&mut self, a: At<'a>) {
        self.at = Some(a);
    }

    #[cold]
    #[inline(never)]
    pub(crate) fn errorf(&self, message: String) -> Box<Error> {
        let (location, context) = match self.at {
            Some(a) => (Some(self.tree.location(a.pos())), Some(a.to_string())),
            None => (None, None),
        };
        Box::new(Error::Exec(ExecError {
            template: self.name.clone(),
            location,
            context,
            message,
        }))
    }

    fn write(&mut self, s: &str) -> R<()> {
        let limit = self.tmpl.limits.max_output;
        if self.out.len().saturating_add(s.len()) > limit {
            return Err(Box::new(Error::OutputLimit {
                template: self.name.clone(),
                limit,
            }));
        }
        self.out.push_str(s);
        Ok(())
    }

    fn step(&mut self) -> R<()> {
        self.steps += 1;
        if let Some(max) = self.tmpl.limits.max_steps
            && self.steps > max
        {
            return Err(Box::new(Error::StepLimit {
                template: self.name.clone(),
                limit: max,
            }));
        }
        Ok(())
    }

    /// Every recursive evaluation passes through here or `eval_pipeline`; bounding the nesting
    /// bounds the native stack, which cannot grow like a goroutine's.
    fn enter(&mut self) -> R<()> {
        self.nesting += 1;
        if self.nesting > self.tmpl.limits.max_nesting {
            return Err(self.errorf(format!(
                "exceeded maximum nesting of {} evaluations; raise Limits::max_nesting if the stack allows",
                self.tmpl.limits.max_nesting
            )));
        }
        Ok(())
    }

    fn walk_list(&mut self, dot: &Slot, list: &'a ListNode) -> R<Flow> {
        self.enter()?;
        let r = self.walk_nodes(dot, list);
        self.nesting -= 1;
        r
    }

    fn walk_nodes(&mut self, dot: &Slot, list: &'a ListNode) -> R<Flow> {
        for n in &list.nodes {
            match self.walk(dot, n)? {
                Flow::Normal => {}
                f => return Ok(f),
            }
        }
        Ok(Flow::Normal)
    }

    fn walk(&mut self, dot: &Slot, node: &'a Node) -> R<Flow> {
        self.step()?;
        self.at(At::Node(node));
        match node {
            Node::Action { pipe, .. } => {
                let v = self.eval_pipeline(dot, pipe)?;
                if pipe.decl.is_empty() {
                    self.print_value(At::Node(node), &v)?;
                }
            }
            Node::Break { .. } => return Ok(Flow::Break),
            Node::Continue { .. } => return Ok(Flow::Continue),
            Node::End { .. } | Node::Else { .. } => {}
            Node::If(b) => return self.walk_if_or_with(false, dot, b),
            Node::With(b) => return self.walk_if_or_with(true, dot, b),
            Node::Range(b) => return self.walk_range(dot, node, b),
            Node::Template { name, pipe, .. } => {
                self.walk_template(dot, node, name, pipe.as_ref())?
            }
            Node::Text { text, .. } => self.write(text)?,
        }
        Ok(Flow::Normal)
    }

    fn walk_if_or_with(&mut self, with: bool, dot: &Slot, b: &'a Branch) -> R<Flow> {
        let mark = self.vars.len();
        let val = self.eval_pipeline(dot, &b.pipe)?;
        let truth = val.truth();
        let r = if truth {
            if with {
                self.walk_list(&Slot::plain(val), &b.list)
            } else {
                self.walk_list(dot, &b.list)
            }
        } else if let Some(e) = &b.else_list {
            self.walk_list(dot, e)
        } else {
            Ok(Flow::Normal)
        };
        self.vars.truncate(mark);
        r
    }

    fn set_top_var(&mut self, n: usize, v: Slot) {
        let len = self.vars.len();
        if let Some(slot) = len.checked_sub(n).and_then(|i| self.vars.get_mut(i)) {
            slot.1 = v;
        }
    }

    fn set_var(&mut self, name: &str, v: Slot) -> R<()> {
        for slot in self.vars.iter_mut().rev() {
            if slot.0 == name {
                slot.1 = v;
                return Ok(());
            }
        }
        Err(self.errorf(format!("undefined variable: {name}")))
    }

    fn var_value(&self, name: &str) -> R<Slot> {
        for (n, v) in self.vars.iter().rev() {
            if n == name {
                return Ok(v.clone());
            }
        }
        Err(self.errorf(format!("undefined variable: {name}")))
    }

    fn walk_range(&mut self, dot: &Slot, node: &'a Node, r: &'a Branch) -> R<Flow> {
        self.at(At::Node(node));
        let mark0 = self.vars.len();
        let val = self.eval_pipeline(dot, &r.pipe)?.resolved();
        let mark = self.vars.len();
        let mut ran = false;
        let iterate = |st: &mut Self, index: Slot, elem: Slot| -> R<bool> {
            st.step()?;
            let decl = &r.pipe.decl;
            if !decl.is_empty() {
                if r.pipe.is_assign {
                    if decl.len() > 1 {
                        st.set_var(&decl[0].1, index.clone())?;
                    } else {
                        st.set_var(&decl[0].1, elem.clone())?;
                    }
                } else {
                    st.set_top_var(1, elem.clone());
                }
            }
            if decl.len() > 1 {
                if r.pipe.is_assign {
                    st.set_var(&decl[1].1, elem.clone())?;
                } else {
                    st.set_top_var(2, index);
                }
            }
            let f = st.walk_list(&elem, &r.list);
            st.vars.truncate(mark);
            Ok(matches!(f?, Flow::Break))
        };
        match &val {
            Value::List(l) => {
                let iface = l.elem_type() == "interface {}";
                let items = l.borrow().clone();
                for (i, e) in items.into_iter().enumerate() {
                    ran = true;
                    if iterate(
                        self,
                        Slot::plain(Value::int(i as i64)),
                        Slot { v: e, iface },
                    )? {
                        break;
                    }
                }
            }
            Value::Bytes(b) => {
                let b = b.clone();
                for (i, e) in b.iter().enumerate() {
                    ran = true;
                    let e = Value::Uint(u64::from(*e), crate::value::UintKind::Uint8);
                    if iterate(self, Slot::plain(Value::int(i as i64)), Slot::plain(e))? {
                        break;
                    }
                }
            }
            Value::Map(m) => {
                let iface = m.elem_type() == "interface {}";
                let entries: Vec<(String, Value)> = m
                    .borrow()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                for (k, e) in entries {
                    ran = true;
                    if iterate(self, Slot::plain(Value::string(k)), Slot { v: e, iface })? {
                        break;
                    }
                }
            }
            Value::Int(n, kind) => {
                if r.pipe.decl.len() > 1 {
                    return Err(self.errorf(format!(
                        "can't use {} to iterate over more than one variable",
                        gofmt::sprint(std::slice::from_ref(&val))
                    )));
                }
                let mut i = 0i64;
                while i < *n {
                    ran = true;
                    if iterate(self, Slot::default(), Slot::plain(Value::Int(i, *kind)))? {
                        break;
                    }
                    i += 1;
                }
            }
            Value::Uint(n, kind) => {
                if r.pipe.decl.len() > 1 {
                    return Err(self.errorf(format!(
                        "can't use {} to iterate over more than one variable",
                        gofmt::sprint(std::slice::from_ref(&val))
                    )));
                }
                let mut i = 0u64;
                while i < *n {
                    ran = true;
                    if iterate(self, Slot::default(), Slot::plain(Value::Uint(i, *kind)))? {
                        break;
                    }
                    i += 1;
                }
            }
            Value::NoValue | Value::Nil => {}
            _ => {
                return Err(self.errorf(format!(
                    "range can't iterate over {}",
                    gofmt::sprint(std::slice::from_ref(&val))
                )));
            }
        }
        let mut flow = Flow::Normal;
        if !ran && let Some(e) = &r.else_list {
            flow = self.walk_list(dot, e)?;
        }
        self.vars.truncate(mark0);
        Ok(flow)
    }

    fn walk_template(
        &mut self,
        dot: &Slot,
        node: &'a Node,
        name: &str,
        pipe: Option<&'a Pipe>,
    ) -> R<()> {
        self.at(At::Node(node));
        let Some(tree) = self.tmpl.tree(name) else {
            return Err(self.errorf(format!("template {} not defined", gofmt::quote(name))));
        };
        if self.depth >= self.tmpl.limits.max_depth {
            return Err(self.errorf(format!(
                "exceeded maximum template depth ({})",
                self.tmpl.limits.max_depth
            )));
        }
        let newdot = match pipe {
            Some(p) => self.eval_pipeline(dot, p)?,
            None => Value::NoValue,
        };
        let saved_vars = std::mem::replace(
            &mut self.vars,
            vec![("$".into(), Slot::plain(newdot.clone()))],
        );
        let saved_tree = self.tree;
        let saved_name = std::mem::replace(&mut self.name, name.to_string());
        self.tree = tree;
        self.depth += 1;
        let r = self.walk_list(&Slot::plain(newdot), &tree.root);
        self.depth -= 1;
        self.tree = saved_tree;
        self.name = saved_name;
        self.vars = saved_vars;
        r.map(|_| ())
    }

    fn print_value(&mut self, n: At<'a>, v: &Value) -> R<()> {
        self.at(n);
        let s = match v {
            Value::NoValue | Value::Nil => "<no value>".to_string(),
            Value::Func(_) => {
                return Err(self.errorf(format!("can't print {} of type {}", n, v.type_name())));
            }
            v => gofmt::sprint(std::slice::from_ref(v)),
        };
        self.write(&s)
    }

    pub(crate) fn eval_pipeline(&mut self, dot: &Slot, pipe: &'a Pipe) -> R<Value> {
        self.enter()?;
        let r = self.eval_pipeline_inner(dot, pipe);
        self.nesting -= 1;
        r
    }

    fn eval_pipeline_inner(&mut self, dot: &Slot, pipe: &'a Pipe) -> R<Value> {
        self.at(At::Pipe(pipe));
        let mut value: Option<Value> = None;
        for cmd in &pipe.cmds {
            let v = self.eval_command(dot, cmd, value.take())?;
            value = Some(dig(v.v));
        }
        let value = value.unwrap_or_default();
        for (_, name) in &pipe.decl {
            if pipe.is_assign {
                self.set_var(name, Slot::plain(value.clone()))?;
            } else {
                self.vars.push((name.clone(), Slot::plain(value.clone())));
            }
        }
        Ok(value)
    }

    fn not_a_function(&self, args: &'a [Arg], fin: &Option<Value>) -> R<()> {
        if has_args(args, fin) {
            return Err(self.errorf(format!("can't give argument to non-function {}", args[0])));
        }
        Ok(())
    }

    fn eval_command(&mut self, dot: &Slot, cmd: &'a Command, fin: Option<Value>) -> R<Slot> {
        let Some(first) = cmd.args.first() else {
            return Err(self.errorf("empty command".into()));
        };
        match first {
            Arg::Field { .. } => return self.eval_field_node(dot, first, &cmd.args, fin),
            Arg::Chain { .. } => return self.eval_chain_node(dot, first, &cmd.args, fin),
            Arg::Identifier { name, .. } => {
                return self
                    .eval_function(dot, first, name, At::Cmd(cmd), &cmd.args, fin)
                    .map(Slot::plain);
            }
            Arg::Pipe(p) => {
                self.not_a_function(&cmd.args, &fin)?;
                return self.eval_pipeline(dot, p).map(Slot::plain);
            }
            Arg::Variable { .. } => return self.eval_variable_node(dot, first, &cmd.args, fin),
            _ => {}
        }
        self.at(At::Arg(first));
        self.not_a_function(&cmd.args, &fin)?;
        Ok(match first {
            Arg::Bool { val, .. } => Slot::plain(Value::Bool(*val)),
            Arg::Dot { .. } => dot.clone(),
            Arg::Nil { .. } => return Err(self.errorf("nil is not a command".into())),
            Arg::Number { num, .. } => Slot::plain(self.ideal_constant(first, num)?),
            Arg::String { text, .. } => Slot::plain(Value::string(text.as_str())),
            _ => {
                return Err(self.errorf(format!(
                    "can't evaluate command {}",
                    gofmt::quote(&first.to_string())
                )));
            }
        })
    }

    fn ideal_constant(&mut self, node: &'a Arg, n: &Number) -> R<Value> {
        self.at(At::Arg(node));
        if n.is_complex {
            return Ok(Value::Complex(n.complex.0, n.complex.1));
        }
        if n.is_float
            && !is_hex_int(&n.text)
            && !n.text.starts_with('\'')
            && n.text.contains(['.', 'e', 'E', 'p', 'P'])
        {
            return Ok(Value::float(n.float));
        }
        if n.is_int {
            return Ok(Value::int(n.int));
        }
        if n.is_uint {
            return Err(self.errorf(format!("{} overflows int", n.text)));
        }
        Ok(Value::NoValue)
    }

    fn eval_field_node(
        &mut self,
        dot: &Slot,
        field: &'a Arg,
        args: &'a [Arg],
        fin: Option<Value>,
    ) -> R<Slot> {
        self.at(At::Arg(field));
        let Arg::Field { idents, .. } = field else {
            return Ok(Slot::default());
        };
        self.eval_field_chain(dot, dot.clone(), field, idents, args, fin)
    }

    fn eval_chain_node(
        &mut self,
        dot: &Slot,
        chain: &'a Arg,
        args: &'a [Arg],
        fin: Option<Value>,
    ) -> R<Slot> {
        self.at(At::Arg(chain));
        let Arg::Chain { node, fields, .. } = chain else {
            return Ok(Slot::default());
        };
        if let Arg::Nil { .. } = node.as_ref() {
            return Err(self.errorf(format!("indirection through explicit nil in {chain}")));
        }
        let pipe = self.eval_arg(dot, &Param::Reflect, node)?;
        self.eval_field_chain(dot, Slot::plain(pipe), chain, fields, args, fin)
    }

    fn eval_variable_node(
        &mut self,
        dot: &Slot,
        var: &'a Arg,
        args: &'a [Arg],
        fin: Option<Value>,
    ) -> R<Slot> {
        self.at(At::Arg(var));
        let Arg::Variable { idents, .. } = var else {
            return Ok(Slot::default());
        };
        let value = self.var_value(&idents[0])?;
        if idents.len() == 1 {
            self.not_a_function(args, &fin)?;
            return Ok(value);
        }
        self.eval_field_chain(dot, value, var, &idents[1..], args, fin)
    }

    fn eval_field_chain(
        &mut self,
        dot: &Slot,
        mut receiver: Slot,
        node: &'a Arg,
        idents: &'a [String],
        args: &'a [Arg],
        fin: Option<Value>,
    ) -> R<Slot> {
        let n = idents.len();
        for id in &idents[..n.saturating_sub(1)] {
            receiver = self.eval_field(dot, id, node, &[], None, receiver)?;
        }
        match idents.last() {
            Some(last) => self.eval_field(dot, last, node, args, fin, receiver),
            None => Ok(receiver),
        }
    }

    fn map_lookup(
        &self,
        m: &crate::value::Map,
        name: &str,
        args: &'a [Arg],
        fin: &Option<Value>,
    ) -> R<Slot> {
        if has_args(args, fin) {
            return Err(self.errorf(format!("{name} is not a method but has arguments")));
        }
        let iface = m.elem_type() == "interface {}";
        match m.get(name) {
            Some(v) => Ok(Slot { v, iface }),
            None => match self.tmpl.missing_key {
                MissingKey::Invalid => Ok(Slot::default()),
                MissingKey::Zero => Ok(Slot {
                    v: m.zero_elem(),
                    iface,
                }),
                MissingKey::Error => {
                    Err(self.errorf(format!("map has no entry for key {}", gofmt::quote(name))))
                }
            },
        }
    }

    fn eval_field(
        &mut self,
        dot: &Slot,
        name: &str,
        node: &'a Arg,
        args: &'a [Arg],
        fin: Option<Value>,
        receiver: Slot,
    ) -> R<Slot> {
        let typ = if receiver.iface {
            "interface {}".to_string()
        } else {
            receiver.v.type_name()
        };
        match &receiver.v {
            Value::NoValue => {
                if self.tmpl.missing_key == MissingKey::Error {
                    return Err(
                        self.errorf(format!("nil data; no entry for key {}", gofmt::quote(name)))
                    );
                }
                Ok(Slot::default())
            }
            Value::Nil => Err(self.errorf(format!("nil pointer evaluating interface {{}}.{name}"))),
            Value::Object(o) => {
                if let Some(m) = o.method(name) {
                    return self
                        .eval_call(dot, Callee::Func(m), At::Arg(node), name, args, fin)
                        .map(Slot::plain);
                }
                if let Some(v) = o.field(name) {
                    if has_args(args, &fin) {
                        return Err(self.errorf(format!(
                            "{name} has arguments but cannot be invoked as function"
                        )));
                    }
                    return Ok(Slot::plain(v));
                }
                if let Value::Map(m) = o.underlying() {
                    return self.map_lookup(&m, name, args, &fin);
                }
                Err(self.errorf(format!("can't evaluate field {name} in type {typ}")))
            }
            Value::Map(m) => self.map_lookup(m, name, args, &fin),
            _ => Err(self.errorf(format!("can't evaluate field {name} in type {typ}"))),
        }
    }

    fn eval_function(
        &mut self,
        dot: &Slot,
        ident: &'a Arg,
        name: &str,
        cmd: At<'a>,
        args: &'a [Arg],
        fin: Option<Value>,
    ) -> R<Value> {
        self.at(At::Arg(ident));
        let callee = if let Some(f) = self.tmpl.funcs.get(name) {
            Callee::Func(f.clone())
        } else if let Some(b) = Builtin::lookup(name) {
            Callee::Builtin(b)
        } else {
            return Err(self.errorf(format!("{} is not a defined function", gofmt::quote(name))));
        };
        self.eval_call(dot, callee, cmd, name, args, fin)
    }

    fn eval_call(
        &mut self,
        dot: &Slot,
        callee: Callee,
        node: At<'a>,
        name: &str,
        args: &'a [Arg],
        fin: Option<Value>,
    ) -> R<Value> {
        let args = args.get(1..).unwrap_or(&[]);
        let (params, variadic): (Vec<Param>, Option<Param>) = match &callee {
            Callee::Builtin(b) => b.signature(),
            Callee::Func(f) => (f.params().to_vec(), f.variadic().cloned()),
        };
        let num_in = args.len() + usize::from(fin.is_some());
        let num_fixed;
        if variadic.is_some() {
            num_fixed = params.len();
            if num_in < num_fixed {
                return Err(self.errorf(format!(
                    "wrong number of args for {name}: want at least {} got {}",
                    params.len(),
                    args.len()
                )));
            }
        } else {
            num_fixed = args.len();
            if num_in != params.len() {
                return Err(self.errorf(format!(
                    "wrong number of args for {name}: want {} got {}",
                    params.len(),
                    num_in
                )));
            }
        }
        if let Callee::Builtin(b @ (Builtin::And | Builtin::Or)) = callee {
            let mut v = Value::NoValue;
            for a in args {
                v = self.eval_arg(dot, &Param::Reflect, a)?;
                if v.truth() == (b == Builtin::Or) {
                    return Ok(v);
                }
            }
            if let Some(f) = fin {
                v = f;
            }
            return Ok(v);
        }
        let mut argv = Vec::with_capacity(num_in);
        let mut i = 0;
        while i < num_fixed && i < args.len() {
            argv.push(self.eval_arg(dot, &params[i], &args[i])?);
            i += 1;
        }
        if let Some(vt) = &variadic {
            while i < args.len() {
                argv.push(self.eval_arg(dot, vt, &args[i])?);
                i += 1;
            }
        }
        if let Some(f) = fin {
            let t = match &variadic {
                Some(vt) if num_in > num_fixed => vt.clone(),
                _ => params.get(num_in - 1).cloned().unwrap_or(Param::Any),
            };
            argv.push(self.validate_type(f, &t)?);
        }
        let result = match callee {
            Callee::Builtin(Builtin::Call) => {
                let callee_name = match args.first() {
                    Some(a) => a.to_string(),
                    None => argv
                        .first()
                        .map(|v| gofmt::sprint(std::slice::from_ref(v)))
                        .unwrap_or_default(),
                };
                self.builtin_call(&callee_name, argv)
            }
            Callee::Builtin(b) => funcs::call_builtin(b, argv, self.tmpl.typed_comparison_errors),
            Callee::Func(f) => {
                let mut ctx = CallCtx { state: self };
                f.invoke(&mut ctx, argv).map_err(CallErr::Func)
            }
        };
        match result {
            Ok(v) => Ok(v),
            Err(CallErr::Func(e)) => {
                self.at(node);
                Err(self.errorf(format!("error calling {name}: {e}")))
            }
        }
    }

    fn builtin_call(&mut self, name: &str, argv: Vec<Value>) -> Result<Value, CallErr> {
        let mut it = argv.into_iter();
        let f = dig(it.next().unwrap_or_default());
        let rest: Vec<Value> = it.collect();
        let f = match f.resolved() {
            Value::NoValue => return Err(CallErr::Func(FuncError("call of nil".into()))),
            Value::Func(f) => f,
            other => {
                return Err(CallErr::Func(FuncError(format!(
                    "non-function {name} of type {}",
                    other.type_name()
                ))));
            }
        };
        let n_in = f.params().len();
        if f.variadic().is_some() {
            if rest.len() < n_in {
                return Err(CallErr::Func(FuncError(format!(
                    "wrong number of args for {name}: got {} want at least {}",
                    rest.len(),
                    n_in
                ))));
            }
        } else if rest.len() != n_in {
            return Err(CallErr::Func(FuncError(format!(
                "wrong number of args for {name}: got {} want {}",
                rest.len(),
                n_in
            ))));
        }
        let mut argv = Vec::with_capacity(rest.len());
        for (i, a) in rest.into_iter().enumerate() {
            let a = dig(a);
            let t = f
                .params()
                .get(i)
                .or(f.variadic())
                .cloned()
                .unwrap_or(Param::Any);
            let a = match (&a, &t) {
                (_, Param::Any | Param::Reflect) => {
                    if a.is_nil() && t == Param::Any {
                        Value::Nil
                    } else {
                        a
                    }
                }
                (Value::NoValue, t) if t.can_be_nil() => Value::Nil,
                (Value::NoValue, t) => {
                    return Err(CallErr::Func(FuncError(format!(
                        "arg {i}: value is nil; should be of type {}",
                        t.type_name()
                    ))));
                }
                (v, t) if v.type_name() == t.type_name() => a,
                (Value::Int(x, _), Param::Int) => Value::int(*x),
                (Value::Int(x, _), Param::Int64) => Value::int64(*x),
                (Value::Uint(x, _), Param::Int) => Value::int(*x as i64),
                (Value::Uint(x, _), Param::Int64) => Value::int64(*x as i64),
                (v, t) => {
                    return Err(CallErr::Func(FuncError(format!(
                        "arg {i}: value has type {}; should be {}",
                        v.type_name(),
                        t.type_name()
                    ))));
                }
            };
            argv.push(a);
        }
        let mut ctx = CallCtx { state: self };
        f.invoke(&mut ctx, argv).map_err(CallErr::Func)
    }

    fn eval_arg(&mut self, dot: &Slot, typ: &Param, n: &'a Arg) -> R<Value> {
        self.at(At::Arg(n));
        match n {
            Arg::Dot { .. } => return self.validate_type(dot.v.clone(), typ),
            Arg::Nil { .. } => {
                if typ.can_be_nil() {
                    return Ok(if *typ == Param::Reflect {
                        Value::NoValue
                    } else {
                        Value::Nil
                    });
                }
                return Err(self.errorf(format!("cannot assign nil to {}", typ.type_name())));
            }
            Arg::Field { .. } => {
                let v = self.eval_field_node(dot, n, std::slice::from_ref(n), None)?;
                return self.validate_type(v.v, typ);
            }
            Arg::Variable { .. } => {
                let v = self.eval_variable_node(dot, n, std::slice::from_ref(n), None)?;
                return self.validate_type(v.v, typ);
            }
            Arg::Pipe(p) => {
                let v = self.eval_pipeline(dot, p)?;
                return self.validate_type(v, typ);
            }
            Arg::Identifier { name, .. } => {
                let v =
                    self.eval_function(dot, n, name, At::Arg(n), std::slice::from_ref(n), None)?;
                return self.validate_type(v, typ);
            }
            Arg::Chain { .. } => {
                let v = self.eval_chain_node(dot, n, std::slice::from_ref(n), None)?;
                return self.validate_type(v.v, typ);
            }
            _ => {}
        }
        match typ {
            Param::Bool => match n {
                Arg::Bool { val, .. } => Ok(Value::Bool(*val)),
                _ => Err(self.errorf(format!("expected bool; found {n}"))),
            },
            Param::Int | Param::Int64 => match n {
                Arg::Number { num, .. } if num.is_int => Ok(Value::Int(
                    num.int,
                    if *typ == Param::Int {
                        IntKind::Int
                    } else {
                        IntKind::Int64
                    },
                )),
                _ => Err(self.errorf(format!("expected integer; found {n}"))),
            },
            Param::Float64 => match n {
                Arg::Number { num, .. } if num.is_float => Ok(Value::float(num.float)),
                _ => Err(self.errorf(format!("expected float; found {n}"))),
            },
            Param::String => match n {
                Arg::String { text, .. } => Ok(Value::string(text.as_str())),
                _ => Err(self.errorf(format!("expected string; found {n}"))),
            },
            Param::Any | Param::Reflect => match n {
                Arg::Bool { val, .. } => Ok(Value::Bool(*val)),
                Arg::Number { num, .. } => self.ideal_constant(n, num),
                Arg::String { text, .. } => Ok(Value::string(text.as_str())),
                _ => Err(self.errorf(format!(
                    "can't handle assignment of {n} to empty interface argument"
                ))),
            },
            Param::Named(t) => Err(self.errorf(format!("can't handle {n} for arg of type {t}"))),
        }
    }

    fn validate_type(&self, value: Value, typ: &Param) -> R<Value> {
        match (&value, typ) {
            (_, Param::Reflect) => Ok(value),
            (Value::NoValue, Param::Any) => Ok(Value::Nil),
            (_, Param::Any) => Ok(value),
            (Value::NoValue, t) => {
                if t.can_be_nil() {
                    Ok(Value::Nil)
                } else {
                    Err(self.errorf(format!("invalid value; expected {}", t.type_name())))
                }
            }
            (Value::Nil, t) => {
                if t.can_be_nil() {
                    Ok(value)
                } else {
                    Err(self.errorf(format!(
                        "wrong type for value; expected {}; got interface {{}}",
                        t.type_name()
                    )))
                }
            }
            (v, t) => {
                if v.type_name() == t.type_name() {
                    Ok(value)
                } else {
                    Err(self.errorf(format!(
                        "wrong type for value; expected {}; got {}",
                        t.type_name(),
                        v.type_name()
                    )))
                }
            }
        }
    }
}

pub(crate) enum CallErr {
    Func(FuncError),
}

impl From<FuncError> for CallErr {
    fn from(e: FuncError) -> Self {
        CallErr::Func(e)
    }
}
