//! The value model: Go-typed scalars, shared mutable maps and slices, host objects and functions.
//!
//! Maps and slices are reference types as in Go: cloning a `Value` shares the container, so a
//! mutation made by one template (Sprig's `set`) is seen by every later reader.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

/// Go's signed integer kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntKind {
    Int,
    Int8,
    Int16,
    Int32,
    Int64,
}

/// Go's unsigned integer kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UintKind {
    Uint,
    Uint8,
    Uint16,
    Uint32,
    Uint64,
    Uintptr,
}

impl IntKind {
    pub fn name(self) -> &'static str {
        match self {
            IntKind::Int => "int",
            IntKind::Int8 => "int8",
            IntKind::Int16 => "int16",
            IntKind::Int32 => "int32",
            IntKind::Int64 => "int64",
        }
    }
}

impl UintKind {
    pub fn name(self) -> &'static str {
        match self {
            UintKind::Uint => "uint",
            UintKind::Uint8 => "uint8",
            UintKind::Uint16 => "uint16",
            UintKind::Uint32 => "uint32",
            UintKind::Uint64 => "uint64",
            UintKind::Uintptr => "uintptr",
        }
    }
}

/// A template value with its Go type.
#[derive(Clone, Default)]
pub enum Value {
    /// Go's invalid `reflect.Value`: "no value" (a missing map key, an unset variable).
    #[default]
    NoValue,
    /// A nil `interface{}` (JSON `null`, Go `nil`).
    Nil,
    Bool(bool),
    Int(i64, IntKind),
    Uint(u64, UintKind),
    /// A float64 (`true` in the second field means float32).
    Float(f64, bool),
    Complex(f64, f64),
    String(Rc<str>),
    /// A `[]byte`.
    Bytes(Rc<[u8]>),
    List(List),
    Map(Map),
    Object(Rc<dyn Object>),
    Func(Func),
}

impl Value {
    /// A Go `int`.
    pub fn int(i: i64) -> Value {
        Value::Int(i, IntKind::Int)
    }
    /// A Go `int64`.
    pub fn int64(i: i64) -> Value {
        Value::Int(i, IntKind::Int64)
    }
    /// A Go `float64`.
    pub fn float(f: f64) -> Value {
        Value::Float(f, false)
    }
    /// A Go `string`.
    pub fn string(s: impl Into<Rc<str>>) -> Value {
        Value::String(s.into())
    }
    /// A `[]interface {}` holding `items`.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(List::new(items))
    }
    /// A `map[string]interface {}` holding `entries`.
    pub fn map(entries: BTreeMap<String, Value>) -> Value {
        Value::Map(Map::new(entries))
    }

    /// True for both kinds of nothing: no value and nil.
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::NoValue | Value::Nil)
    }

    /// The string, if this is a Go string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// Go's type name, as `%T` prints it.
    pub fn type_name(&self) -> String {
        match self {
            Value::NoValue | Value::Nil => "<nil>".into(),
            Value::Bool(_) => "bool".into(),
            Value::Int(_, k) => k.name().into(),
            Value::Uint(_, k) => k.name().into(),
            Value::Float(_, f32) => if *f32 { "float32" } else { "float64" }.into(),
            Value::Complex(..) => "complex128".into(),
            Value::String(_) => "string".into(),
            Value::Bytes(_) => "[]uint8".into(),
            Value::List(l) => format!("[]{}", l.elem),
            Value::Map(m) => format!("map[string]{}", m.elem),
            Value::Object(o) => o.type_name(),
            Value::Func(f) => f.type_name(),
        }
    }

    /// Go's truth: false, 0, nil, and empty strings, slices and maps are false.
    pub fn truth(&self) -> bool {
        match self {
            Value::NoValue | Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i, _) => *i != 0,
            Value::Uint(u, _) => *u != 0,
            Value::Float(f, _) => *f != 0.0,
            Value::Complex(r, i) => *r != 0.0 || *i != 0.0,
            Value::String(s) => !s.is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::List(l) => !l.borrow().is_empty(),
            Value::Map(m) => !m.borrow().is_empty(),
            Value::Object(o) => match o.underlying() {
                Value::NoValue => true,
                v => v.truth(),
            },
            Value::Func(_) => true,
        }
    }

    /// The value a host object stands for (its underlying map, slice, ...), or itself.
    pub(crate) fn resolved(&self) -> Value {
        match self {
            Value::Object(o) => match o.underlying() {
                Value::NoValue => self.clone(),
                v => v,
            },
            v => v.clone(),
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}({})",
            self.type_name(),
            crate::gofmt::sprint(std::slice::from_ref(self))
        )
    }
}

impl fmt::Display for Value {
    /// Formats like Go's `fmt.Sprint`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::gofmt::sprint(std::slice::from_ref(self)))
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::int(i)
    }
}
impl From<i32> for Value {
    fn from(i: i32) -> Self {
        Value::int(i64::from(i))
    }
}
impl From<f64> for Value {
    fn from(f: f64) -> Self {
        Value::float(f)
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.into())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s.into())
    }
}
impl From<Vec<Value>> for Value {
    fn from(v: Vec<Value>) -> Self {
        Value::list(v)
    }
}
impl From<BTreeMap<String, Value>> for Value {
    fn from(m: BTreeMap<String, Value>) -> Self {
        Value::map(m)
    }
}

/// A shared, mutable Go slice `[]T` (T named by `elem`, e.g. `interface {}` or `string`).
#[derive(Clone)]
pub struct List {
    items: Rc<RefCell<Vec<Value>>>,
    elem: Rc<str>,
}

impl List {
    /// A `[]interface {}`.
    pub fn new(items: Vec<Value>) -> List {
        List::typed(items, "interface {}")
    }
    /// A slice with the given element type name (`string` gives `[]string`).
    pub fn typed(items: Vec<Value>, elem: &str) -> List {
        List {
            items: Rc::new(RefCell::new(items)),
            elem: elem.into(),
        }
    }
    pub fn elem_type(&self) -> &str {
        &self.elem
    }
    pub fn borrow(&self) -> std::cell::Ref<'_, Vec<Value>> {
        self.items.borrow()
    }
    pub fn borrow_mut(&self) -> std::cell::RefMut<'_, Vec<Value>> {
        self.items.borrow_mut()
    }
    /// Whether two lists share storage (Go pointer identity).
    pub fn ptr_eq(&self, other: &List) -> bool {
        Rc::ptr_eq(&self.items, &other.items)
    }
}

/// A shared, mutable Go map `map[string]T`, iterated in sorted key order.
#[derive(Clone)]
pub struct Map {
    entries: Rc<RefCell<BTreeMap<String, Value>>>,
    elem: Rc<str>,
}

impl Map {
    /// A `map[string]interface {}`.
    pub fn new(entries: BTreeMap<String, Value>) -> Map {
        Map::typed(entries, "interface {}")
    }
    /// A map with the given element type name.
    pub fn typed(entries: BTreeMap<String, Value>, elem: &str) -> Map {
        Map {
            entries: Rc::new(RefCell::new(entries)),
            elem: elem.into(),
        }
    }
    pub fn elem_type(&self) -> &str {
        &self.elem
    }
    pub fn borrow(&self) -> std::cell::Ref<'_, BTreeMap<String, Value>> {
        self.entries.borrow()
    }
    pub fn borrow_mut(&self) -> std::cell::RefMut<'_, BTreeMap<String, Value>> {
        self.entries.borrow_mut()
    }
    pub fn get(&self, key: &str) -> Option<Value> {
        self.entries.borrow().get(key).cloned()
    }
    pub fn ptr_eq(&self, other: &Map) -> bool {
        Rc::ptr_eq(&self.entries, &other.entries)
    }
    /// The zero value of the element type (what `missingkey=zero` yields).
    pub fn zero_elem(&self) -> Value {
        zero_of(&self.elem)
    }
}

/// The zero value of a Go type named `ty`.
pub(crate) fn zero_of(ty: &str) -> Value {
    match ty {
        "string" => Value::string(""),
        "bool" => Value::Bool(false),
        "int" => Value::int(0),
        "int64" => Value::int64(0),
        "float64" => Value::float(0.0),
        _ => Value::Nil,
    }
}

/// A host object: a Go value with methods, fields or a `String()` method
/// (Helm's `.Files`, `.Capabilities`, ...).
pub trait Object {
    /// Go's type name, for `%T` and error messages (e.g. `chartutil.Files`).
    fn type_name(&self) -> String;
    /// A method bound to this object. Methods shadow map keys and fields, as in Go.
    fn method(&self, _name: &str) -> Option<Func> {
        None
    }
    /// An exported struct field.
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    /// `String()`, if the type implements `fmt.Stringer`.
    fn string(&self) -> Option<String> {
        None
    }
    /// The map or slice this named type is built on (`type Files map[string][]byte`), used for
    /// printing, range, index and len. `NoValue` for structs.
    fn underlying(&self) -> Value {
        Value::NoValue
    }
    /// Struct fields in declaration order, for `%v` printing of structs.
    fn struct_fields(&self) -> Vec<(String, Value)> {
        Vec::new()
    }
}

/// The Go type of a function parameter; arguments are checked against it as Go does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param {
    /// `interface{}`: anything.
    Any,
    /// `reflect.Value`: anything, and "no value" is passed through unchanged.
    Reflect,
    Bool,
    Int,
    Int64,
    Float64,
    String,
    /// Any other Go type, by name (`[]interface {}`, `map[string]interface {}`, ...).
    Named(String),
}

impl Param {
    pub fn type_name(&self) -> &str {
        match self {
            Param::Any => "interface {}",
            Param::Reflect => "reflect.Value",
            Param::Bool => "bool",
            Param::Int => "int",
            Param::Int64 => "int64",
            Param::Float64 => "float64",
            Param::String => "string",
            Param::Named(n) => n,
        }
    }
    pub(crate) fn can_be_nil(&self) -> bool {
        match self {
            Param::Any | Param::Reflect => true,
            Param::Named(n) => n.starts_with('[') || n.starts_with("map[") || n.starts_with('*'),
            _ => false,
        }
    }
}

/// An error returned by a host function; shown as `error calling NAME: MESSAGE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuncError(pub String);

impl fmt::Display for FuncError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for FuncError {}
impl From<String> for FuncError {
    fn from(s: String) -> Self {
        FuncError(s)
    }
}
impl From<&str> for FuncError {
    fn from(s: &str) -> Self {
        FuncError(s.into())
    }
}

type FuncImpl = dyn Fn(&mut crate::exec::CallCtx<'_, '_>, Vec<Value>) -> Result<Value, FuncError>;

/// A function callable from templates (registered by name, or carried as a value for `call`).
#[derive(Clone)]
pub struct Func(Rc<FuncInner>);

struct FuncInner {
    params: Vec<Param>,
    variadic: Option<Param>,
    result: String,
    imp: Box<FuncImpl>,
}

impl Func {
    /// A function with fixed parameters `params`, and if `variadic` is set, any number of extra
    /// arguments of that type (Go's `...T`).
    pub fn new<F>(params: Vec<Param>, variadic: Option<Param>, imp: F) -> Func
    where
        F: Fn(&mut crate::exec::CallCtx<'_, '_>, Vec<Value>) -> Result<Value, FuncError> + 'static,
    {
        Func(Rc::new(FuncInner {
            params,
            variadic,
            result: "interface {}".into(),
            imp: Box::new(imp),
        }))
    }
    /// Shorthand for a function that needs no execution context.
    pub fn simple<F>(params: Vec<Param>, variadic: Option<Param>, imp: F) -> Func
    where
        F: Fn(Vec<Value>) -> Result<Value, FuncError> + 'static,
    {
        Func::new(params, variadic, move |_, args| imp(args))
    }
    pub fn params(&self) -> &[Param] {
        &self.0.params
    }
    pub fn variadic(&self) -> Option<&Param> {
        self.0.variadic.as_ref()
    }
    pub(crate) fn invoke(
        &self,
        ctx: &mut crate::exec::CallCtx<'_, '_>,
        args: Vec<Value>,
    ) -> Result<Value, FuncError> {
        (self.0.imp)(ctx, args)
    }
    pub fn type_name(&self) -> String {
        let mut parts: Vec<String> = self
            .0
            .params
            .iter()
            .map(|p| p.type_name().to_string())
            .collect();
        if let Some(v) = &self.0.variadic {
            parts.push(format!("...{}", v.type_name()));
        }
        format!("func({}) {}", parts.join(", "), self.0.result)
    }
}
