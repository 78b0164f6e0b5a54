//! The parser: Go's `text/template/parse` grammar and its error messages
//! (`template: NAME:LINE: MESSAGE`, line only).

use std::rc::Rc;

use crate::lex::{Item, ItemType, lex};
use crate::node::*;
use crate::strconv;

/// Nesting deeper than this (parentheses, control structures) is rejected: it keeps the
/// recursive parser and executor within the stack of a wasm guest.
pub const MAX_PARSE_DEPTH: usize = 200;

pub(crate) type PResult<T> = Result<T, String>;

pub(crate) struct ParseOutput {
    /// Trees in definition order.
    pub trees: Vec<Tree>,
}

struct Parser<'f> {
    tokens: Vec<Item>,
    idx: usize,
    furthest: usize,
    parse_name: String,
    text: Rc<str>,
    vars: Vec<String>,
    range_depth: usize,
    action_line: usize,
    depth: usize,
    has_func: &'f dyn Fn(&str) -> bool,
    trees: Vec<Tree>,
}

/// Parse `text` as template `name`; the result holds `name`'s tree and every `define`/`block`.
pub(crate) fn parse(
    name: &str,
    text: &str,
    left: &str,
    right: &str,
    has_func: &dyn Fn(&str) -> bool,
) -> PResult<ParseOutput> {
    let tokens = lex(text, left, right, !has_func("break"), !has_func("continue"));
    let mut p = Parser {
        tokens,
        idx: 0,
        furthest: 0,
        parse_name: name.to_string(),
        text: Rc::from(text),
        vars: vec!["$".into()],
        range_depth: 0,
        action_line: 0,
        depth: 0,
        has_func,
        trees: Vec::new(),
    };
    let root = p.parse_top()?;
    let tree = Tree {
        name: name.to_string(),
        parse_name: name.to_string(),
        text: p.text.clone(),
        root,
    };
    p.add(tree)?;
    Ok(ParseOutput { trees: p.trees })
}

impl Parser<'_> {
    fn errorf(&self, msg: impl std::fmt::Display) -> String {
        let line = self.tokens.get(self.furthest).map_or(1, |t| t.line);
        format!("template: {}:{}: {}", self.parse_name, line, msg)
    }

    fn eof_item(&self) -> Item {
        Item {
            typ: ItemType::Eof,
            pos: self.text.len(),
            val: String::new(),
            line: 1,
        }
    }

    fn next(&mut self) -> Item {
        let it = self
            .tokens
            .get(self.idx)
            .cloned()
            .unwrap_or_else(|| self.eof_item());
        if self.idx < self.tokens.len() {
            self.furthest = self.furthest.max(self.idx);
            self.idx += 1;
        }
        it
    }

    fn backup(&mut self) {
        self.idx = self.idx.saturating_sub(1);
    }

    fn peek(&mut self) -> Item {
        let it = self.next();
        self.backup();
        it
    }

    fn next_non_space(&mut self) -> Item {
        loop {
            let t = self.next();
            if t.typ != ItemType::Space {
                return t;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item {
        let t = self.next_non_space();
        self.backup();
        t
    }

    fn expect(&mut self, typ: ItemType, context: &str) -> PResult<Item> {
        let t = self.next_non_space();
        if t.typ != typ {
            return Err(self.unexpected(&t, context));
        }
        Ok(t)
    }

    fn unexpected(&self, t: &Item, context: &str) -> String {
        if t.typ == ItemType::Error {
            let mut extra = String::new();
            if self.action_line != 0 && self.action_line != t.line {
                extra = format!(
                    " in action started at {}:{}",
                    self.parse_name, self.action_line
                );
                if t.val.ends_with(" action") {
                    extra = extra[" in action".len()..].to_string();
                }
            }
            return self.errorf(format!("{t}{extra}"));
        }
        self.errorf(format!("unexpected {t} in {context}"))
    }

    /// Go's `Tree.add` within one parse: an empty body never replaces, a second non-empty one errors.
    fn add(&mut self, tree: Tree) -> PResult<()> {
        if let Some(i) = self.trees.iter().position(|t| t.name == tree.name) {
            if is_empty_list(&self.trees[i].root) {
                self.trees[i] = tree;
                return Ok(());
            }
            if !is_empty_list(&tree.root) {
                return Err(self.errorf(format!(
                    "template: multiple definition of template {}",
                    crate::gofmt::quote(&tree.name)
                )));
            }
            return Ok(());
        }
        self.trees.push(tree);
        Ok(())
    }

    fn parse_top(&mut self) -> PResult<ListNode> {
        let mut root = ListNode { nodes: Vec::new() };
        while self.peek().typ != ItemType::Eof {
            if self.peek().typ == ItemType::LeftDelim {
                let save = self.idx;
                self.next();
                if self.next_non_space().typ == ItemType::Define {
                    self.parse_definition()?;
                    continue;
                }
                self.idx = save;
            }
            let n = self.text_or_action()?;
            match n {
                Node::End { .. } | Node::Else { .. } => {
                    return Err(self.errorf(format!("unexpected {n}")));
                }
                n => root.nodes.push(n),
            }
        }
        Ok(root)
    }

    fn start_subtree(&mut self) -> (Vec<String>, usize) {
        let vars = std::mem::replace(&mut self.vars, vec!["$".into()]);
        let rd = std::mem::replace(&mut self.range_depth, 0);
        (vars, rd)
    }

    fn end_subtree(&mut self, saved: (Vec<String>, usize)) {
        self.vars = saved.0;
        self.range_depth = saved.1;
    }

    fn parse_definition(&mut self) -> PResult<()> {
        let context = "define clause";
        let saved = self.start_subtree();
        let t = self.next_non_space();
        if t.typ != ItemType::String && t.typ != ItemType::RawString {
            return Err(self.unexpected(&t, context));
        }
        let name = strconv::unquote(&t.val).map_err(|e| self.errorf(e))?;
        self.expect(ItemType::RightDelim, context)?;
        let (list, end) = self.item_list()?;
        if !matches!(end, Node::End { .. }) {
            return Err(self.errorf(format!("unexpected {end} in {context}")));
        }
        self.add(Tree {
            name,
            parse_name: self.parse_name.clone(),
            text: self.text.clone(),
            root: list,
        })?;
        self.end_subtree(saved);
        Ok(())
    }

    fn item_list(&mut self) -> PResult<(ListNode, Node)> {
        let mut list = ListNode { nodes: Vec::new() };
        while self.peek_non_space().typ != ItemType::Eof {
            let n = self.text_or_action()?;
            match n {
                Node::End { .. } | Node::Else { .. } => return Ok((list, n)),
                n => list.nodes.push(n),
            }
        }
        Err(self.errorf("unexpected EOF"))
    }

    fn text_or_action(&mut self) -> PResult<Node> {
        let t = self.next_non_space();
        match t.typ {
            ItemType::Text => Ok(Node::Text {
                pos: t.pos,
                text: t.val,
            }),
            ItemType::LeftDelim => {
                self.action_line = t.line;
                let r = self.action();
                self.action_line = 0;
                r
            }
            _ => Err(self.unexpected(&t, "input")),
        }
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_PARSE_DEPTH {
            return Err(self.errorf(format!(
                "nesting too deep (more than {MAX_PARSE_DEPTH} levels)"
            )));
        }
        Ok(())
    }

    fn action(&mut self) -> PResult<Node> {
        let t = self.next_non_space();
        match t.typ {
            ItemType::Block => return self.block_control(),
            ItemType::Break => return self.break_control(t.pos, "{{break}}", true),
            ItemType::Continue => return self.break_control(t.pos, "{{continue}}", false),
            ItemType::Else => return self.else_control(),
            ItemType::End => {
                let t = self.expect(ItemType::RightDelim, "end")?;
                return Ok(Node::End { pos: t.pos });
            }
            ItemType::If => return self.branch_control("if").map(Node::If),
            ItemType::Range => return self.branch_control("range").map(Node::Range),
            ItemType::Template => return self.template_control(),
            ItemType::With => return self.branch_control("with").map(Node::With),
            _ => {}
        }
        self.backup();
        let pos = self.peek().pos;
        let pipe = self.pipeline("command", ItemType::RightDelim)?;
        Ok(Node::Action { pos, pipe })
    }

    fn break_control(&mut self, pos: usize, ctx: &str, is_break: bool) -> PResult<Node> {
        let t = self.next_non_space();
        if t.typ != ItemType::RightDelim {
            return Err(self.unexpected(&t, ctx));
        }
        if self.range_depth == 0 {
            return Err(self.errorf(format!("{ctx} outside {{{{range}}}}")));
        }
        Ok(if is_break {
            Node::Break { pos }
        } else {
            Node::Continue { pos }
        })
    }

    fn else_control(&mut self) -> PResult<Node> {
        let peek = self.peek_non_space();
        if peek.typ == ItemType::If || peek.typ == ItemType::With {
            return Ok(Node::Else { pos: peek.pos });
        }
        let t = self.expect(ItemType::RightDelim, "else")?;
        Ok(Node::Else { pos: t.pos })
    }

    fn branch_control(&mut self, context: &str) -> PResult<Branch> {
        self.enter()?;
        let nvars = self.vars.len();
        let pipe = self.pipeline(context, ItemType::RightDelim)?;
        if context == "range" {
            self.range_depth += 1;
        }
        let (list, next) = self.item_list()?;
        if context == "range" {
            self.range_depth -= 1;
        }
        let mut else_list = None;
        if let Node::Else { .. } = next {
            let pk = self.peek();
            if context == "if" && pk.typ == ItemType::If {
                self.next();
                let inner = self.branch_control("if")?;
                else_list = Some(ListNode {
                    nodes: vec![Node::If(inner)],
                });
            } else if context == "with" && pk.typ == ItemType::With {
                self.next();
                let inner = self.branch_control("with")?;
                else_list = Some(ListNode {
                    nodes: vec![Node::With(inner)],
                });
            } else {
                let (l, n) = self.item_list()?;
                if !matches!(n, Node::End { .. }) {
                    return Err(self.errorf(format!("expected end; found {n}")));
                }
                else_list = Some(l);
            }
        }
        self.vars.truncate(nvars);
        self.depth -= 1;
        Ok(Branch {
            pos: pipe.pos,
            pipe,
            list,
            else_list,
        })
    }

    fn template_name(&mut self, t: &Item, context: &str) -> PResult<String> {
        match t.typ {
            ItemType::String | ItemType::RawString => {
                strconv::unquote(&t.val).map_err(|e| self.errorf(e))
            }
            _ => Err(self.unexpected(t, context)),
        }
    }

    fn block_control(&mut self) -> PResult<Node> {
        let context = "block clause";
        let t = self.next_non_space();
        let name = self.template_name(&t, context)?;
        let pipe = self.pipeline(context, ItemType::RightDelim)?;
        let saved = self.start_subtree();
        let (list, end) = self.item_list()?;
        if !matches!(end, Node::End { .. }) {
            return Err(self.errorf(format!("unexpected {end} in {context}")));
        }
        self.add(Tree {
            name: name.clone(),
            parse_name: self.parse_name.clone(),
            text: self.text.clone(),
            root: list,
        })?;
        self.end_subtree(saved);
        Ok(Node::Template {
            pos: t.pos,
            name,
            pipe: Some(pipe),
        })
    }

    fn template_control(&mut self) -> PResult<Node> {
        let context = "template clause";
        let t = self.next_non_space();
        let name = self.template_name(&t, context)?;
        let mut pipe = None;
        if self.next_non_space().typ != ItemType::RightDelim {
            self.backup();
            pipe = Some(self.pipeline(context, ItemType::RightDelim)?);
        }
        Ok(Node::Template {
            pos: t.pos,
            name,
            pipe,
        })
    }

    fn pipeline(&mut self, context: &str, end: ItemType) -> PResult<Pipe> {
        let start = self.peek_non_space();
        let mut pipe = Pipe {
            pos: start.pos,
            is_assign: false,
            decl: Vec::new(),
            cmds: Vec::new(),
        };
        'decls: loop {
            let v = self.peek_non_space();
            if v.typ != ItemType::Variable {
                break;
            }
            let save = self.idx;
            self.next_non_space();
            let after = self.peek();
            let next = self.peek_non_space();
            match next.typ {
                ItemType::Assign | ItemType::Declare => {
                    pipe.is_assign = next.typ == ItemType::Assign;
                    self.next_non_space();
                    pipe.decl.push((v.pos, v.val.clone()));
                    self.vars.push(v.val);
                }
                ItemType::Char if next.val == "," => {
                    self.next_non_space();
                    pipe.decl.push((v.pos, v.val.clone()));
                    self.vars.push(v.val);
                    if context == "range" && pipe.decl.len() < 2 {
                        match self.peek_non_space().typ {
                            ItemType::Variable | ItemType::RightDelim | ItemType::RightParen => {
                                continue 'decls;
                            }
                            _ => return Err(self.errorf("range can only initialize variables")),
                        }
                    }
                    return Err(self.errorf(format!("too many declarations in {context}")));
                }
                _ => {
                    let _ = after;
                    self.idx = save;
                }
            }
            break;
        }
        loop {
            let t = self.next_non_space();
            if t.typ == end {
                self.check_pipeline(&pipe, context)?;
                return Ok(pipe);
            }
            match t.typ {
                ItemType::Bool
                | ItemType::CharConstant
                | ItemType::Complex
                | ItemType::Dot
                | ItemType::Field
                | ItemType::Identifier
                | ItemType::Number
                | ItemType::Nil
                | ItemType::RawString
                | ItemType::String
                | ItemType::Variable
                | ItemType::LeftParen => {
                    self.backup();
                    let c = self.command()?;
                    pipe.cmds.push(c);
                }
                _ => return Err(self.unexpected(&t, context)),
            }
        }
    }

    fn check_pipeline(&self, pipe: &Pipe, context: &str) -> PResult<()> {
        if pipe.cmds.is_empty() {
            return Err(self.errorf(format!("missing value for {context}")));
        }
        for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
            if let Some(
                Arg::Bool { .. }
                | Arg::Dot { .. }
                | Arg::Nil { .. }
                | Arg::Number { .. }
                | Arg::String { .. },
            ) = c.args.first()
            {
                return Err(self.errorf(format!(
                    "non executable command in pipeline stage {}",
                    i + 1
                )));
            }
        }
        Ok(())
    }

    fn command(&mut self) -> PResult<Command> {
        let mut cmd = Command {
            pos: self.peek_non_space().pos,
            args: Vec::new(),
        };
        loop {
            self.peek_non_space();
            if let Some(op) = self.operand()? {
                cmd.args.push(op);
            }
            let t = self.next();
            match t.typ {
                ItemType::Space => continue,
                ItemType::RightDelim | ItemType::RightParen => self.backup(),
                ItemType::Pipe => {}
                _ => return Err(self.unexpected(&t, "operand")),
            }
            break;
        }
        if cmd.args.is_empty() {
            return Err(self.errorf("empty command"));
        }
        Ok(cmd)
    }

    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if self.peek().typ != ItemType::Field {
            return Ok(Some(node));
        }
        let pos = self.peek().pos;
        let mut fields = Vec::new();
        while self.peek().typ == ItemType::Field {
            let f = self.next().val;
            fields.push(f.get(1..).unwrap_or("").to_string());
        }
        Ok(Some(match node {
            Arg::Field { mut idents, .. } => {
                idents.extend(fields);
                Arg::Field { pos, idents }
            }
            Arg::Variable { mut idents, .. } => {
                idents.extend(fields);
                Arg::Variable { pos, idents }
            }
            Arg::Bool { .. }
            | Arg::String { .. }
            | Arg::Number { .. }
            | Arg::Nil { .. }
            | Arg::Dot { .. } => {
                return Err(self.errorf(format!(
                    "unexpected . after term {}",
                    crate::gofmt::quote(&node.to_string())
                )));
            }
            node => Arg::Chain {
                pos,
                node: Box::new(node),
                fields,
            },
        }))
    }

    fn term(&mut self) -> PResult<Option<Arg>> {
        let t = self.next_non_space();
        let arg = match t.typ {
            ItemType::Identifier => {
                if !(self.has_func)(&t.val) {
                    return Err(self.errorf(format!(
                        "function {} not defined",
                        crate::gofmt::quote(&t.val)
                    )));
                }
                Arg::Identifier {
                    pos: t.pos,
                    name: t.val,
                }
            }
            ItemType::Dot => Arg::Dot { pos: t.pos },
            ItemType::Nil => Arg::Nil { pos: t.pos },
            ItemType::Variable => {
                let idents: Vec<String> = split_fields(&t.val);
                let first = idents.first().cloned().unwrap_or_default();
                if !self.vars.contains(&first) {
                    return Err(self.errorf(format!(
                        "undefined variable {}",
                        crate::gofmt::quote(&first)
                    )));
                }
                Arg::Variable { pos: t.pos, idents }
            }
            ItemType::Field => Arg::Field {
                pos: t.pos,
                idents: split_fields(t.val.get(1..).unwrap_or("")),
            },
            ItemType::Bool => Arg::Bool {
                pos: t.pos,
                val: t.val == "true",
            },
            ItemType::CharConstant | ItemType::Complex | ItemType::Number => {
                let num = strconv::new_number(&t.val, t.typ).map_err(|e| self.errorf(e))?;
                Arg::Number { pos: t.pos, num }
            }
            ItemType::LeftParen => {
                self.enter()?;
                let nvars = self.vars.len();
                let p = self.pipeline("parenthesized pipeline", ItemType::RightParen)?;
                let _ = nvars;
                self.depth -= 1;
                Arg::Pipe(Box::new(p))
            }
            ItemType::String | ItemType::RawString => {
                let text = strconv::unquote(&t.val).map_err(|e| self.errorf(e))?;
                Arg::String {
                    pos: t.pos,
                    quoted: t.val,
                    text,
                }
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        };
        Ok(Some(arg))
    }
}

fn split_fields(s: &str) -> Vec<String> {
    s.split('.').map(str::to_string).collect()
}
