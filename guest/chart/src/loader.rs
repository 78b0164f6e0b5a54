//! Loading charts the way helm's `loader.LoadDir` and `loader.LoadArchive` do: the same walk
//! order, `.helmignore`, limits, classification and error texts. One deliberate difference: a
//! symbolic link that leads out of the chart directory is refused instead of followed.

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::path::Path;

use crate::LoadError;
use crate::chart::{Chart, File, Metadata};
use crate::ignore::{HELM_IGNORE, Rules};
use crate::metadata;
use crate::source::{FsSource, Kind, MemSource, Source};
use crate::yaml::{self, Value};

/// helm's `MaxDecompressedFileSize` (v3.17.3+): no single chart file may be larger.
pub const MAX_FILE_SIZE: u64 = 5 * 1024 * 1024;

/// helm's `MaxDecompressedChartSize` (v3.17.3+): the sum of an archive's files.
pub const MAX_CHART_SIZE: u64 = 100 * 1024 * 1024;

/// Links followed in a row before giving up, like the Linux kernel's `ELOOP` limit.
const MAX_LINK_HOPS: usize = 40;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The start of helm's message for a fifo, socket or device in a chart directory.
pub(crate) const IRREGULAR_FILE: &str = "cannot load irregular file";

/// Loads the chart directory at `root` the way helm's `loader.LoadDir` does.
pub fn load_dir(root: &Path) -> Result<Chart, LoadError> {
    let src = FsSource::new(root);
    check_api_version(&src)?;
    load_source(&src)
}

/// Like [`load_dir`], but error messages name the chart directory `shown_as` (inside the
/// sandbox the chart is always `/chart`, while the user knows it by its real path).
pub fn load_dir_as(root: &Path, shown_as: &str) -> Result<Chart, LoadError> {
    let src = FsSource::shown_as(root, shown_as);
    check_api_version(&src)?;
    load_source(&src)
}

/// Loads a chart archive (`.tgz` bytes) with helm's path-safety and size checks.
pub fn load_archive(bytes: &[u8]) -> Result<Chart, LoadError> {
    ensure_gzip(bytes)?;
    let files = archive_files(bytes)?;
    load_files(files)
}

/// helm 4's generic loader peeks at `apiVersion` before choosing the chart v2 loader.
fn check_api_version(src: &dyn Source) -> Result<(), LoadError> {
    let chart_yaml = ["Chart.yaml".to_string()];
    let data = read_resolved(src, &chart_yaml).map_err(|e| match e {
        Resolved::Refused(e) => e,
        Resolved::Io(err) => {
            // Go's os.ReadFile fails in `open`, or in `read` for a directory.
            let op = if err.to_string() == "is a directory" {
                "read"
            } else {
                "open"
            };
            LoadError::NotFound(format!(
                "unable to detect chart at {}: {op} {}: {}",
                src.display(&chart_yaml),
                src.display(&chart_yaml),
                go_io_error(&err)
            ))
        }
    })?;
    let text = text_of(&data);
    let md = metadata::parse_chart_yaml(&text)
        .map_err(|e| LoadError::Invalid(format!("cannot load Chart.yaml: {e}")))?;
    match md.api_version.as_str() {
        "" | "v1" | "v2" => Ok(()),
        "v3" => Err(LoadError::Invalid(
            "chart apiVersion v3 is experimental in helm 4 and not supported by chartship; use apiVersion v2"
                .into(),
        )),
        _ => Err(LoadError::Invalid("unsupported chart version".into())),
    }
}

/// The chart v2 directory loader (`pkg/chart/v2/loader.LoadDir`), used by lint as helm does.
pub(crate) fn load_source(src: &dyn Source) -> Result<Chart, LoadError> {
    let files = walk(src)?;
    load_files(files)
}

/// Reads a file, following links inside the chart; used for Chart.yaml before the walk.
enum Resolved {
    Refused(LoadError),
    Io(io::Error),
}

fn read_resolved(src: &dyn Source, rel: &[String]) -> Result<Vec<u8>, Resolved> {
    let (real, kind) = match src.lstat(rel).map_err(Resolved::Io)? {
        Kind::Symlink => resolve_link(src, rel).map_err(Resolved::Refused)?,
        kind => (rel.to_vec(), kind),
    };
    match kind {
        Kind::File { .. } => {}
        Kind::Dir => return Err(Resolved::Io(io::Error::other("is a directory"))),
        _ => return Err(Resolved::Io(io::Error::other("not a regular file"))),
    }
    let data = src.read(&real, MAX_FILE_SIZE + 1).map_err(Resolved::Io)?;
    if data.len() as u64 > MAX_FILE_SIZE {
        return Err(Resolved::Refused(too_large_file(
            rel.last().map_or("", String::as_str),
        )));
    }
    Ok(data)
}

/// Go's text for common I/O errors, so messages read like helm's.
fn go_io_error(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => err.to_string(),
    }
}

fn too_large_file(name: &str) -> LoadError {
    LoadError::TooLarge(format!(
        "chart file {name:?} is larger than the maximum file size {MAX_FILE_SIZE}"
    ))
}

fn text_of(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// Resolves the symlink at `link` component by component, without ever leaving the chart
/// root: returns the real path and what is there.
fn resolve_link(src: &dyn Source, link: &[String]) -> Result<(Vec<String>, Kind), LoadError> {
    let refuse = |target: &str, via: Option<&[String]>| {
        let via = match via {
            Some(v) if v != link => format!(" (through the link {})", src.display(v)),
            _ => String::new(),
        };
        LoadError::Io(format!(
            "refusing to follow symbolic link {} -> {target}{via}: it points outside the chart \
             directory; chartship does not follow links out of the chart (helm would). Copy the \
             file into the chart or replace the link with a relative one inside it",
            src.display(link)
        ))
    };
    // Inside the sandbox the filesystem itself refuses to even read an absolute link target
    // (capability-based: nothing outside the preopen may be named), so "permission denied"
    // here means the link points out of the chart.
    let first_target = match src.read_link(link) {
        Ok(target) => target,
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            return Err(refuse("an absolute path", None));
        }
        Err(e) => return Err(io_error(src, link, &e)),
    };
    let mut resolved: Vec<String> = link[..link.len().saturating_sub(1)].to_vec();
    let mut pending: Vec<String> = Vec::new(); // reversed: next component last
    let push_target = |pending: &mut Vec<String>, target: &str| {
        for c in target.split('/').rev() {
            pending.push(c.to_string());
        }
    };
    if first_target.starts_with('/') {
        return Err(refuse(&first_target, None));
    }
    push_target(&mut pending, &first_target);
    let mut hops = 1;
    while let Some(c) = pending.pop() {
        match c.as_str() {
            "" | "." => continue,
            ".." => {
                if resolved.pop().is_none() {
                    return Err(refuse(&first_target, None));
                }
                continue;
            }
            _ => {}
        }
        resolved.push(c);
        let kind = src.lstat(&resolved).map_err(|e| {
            LoadError::Invalid(format!(
                "error evaluating symlink {}: lstat {}: {}",
                src.display(link),
                src.display(&resolved),
                go_io_error(&e)
            ))
        })?;
        match kind {
            Kind::Symlink => {
                hops += 1;
                if hops > MAX_LINK_HOPS {
                    return Err(LoadError::Invalid(format!(
                        "error evaluating symlink {}: too many links",
                        src.display(link)
                    )));
                }
                let target = src
                    .read_link(&resolved)
                    .map_err(|e| io_error(src, &resolved, &e))?;
                if target.starts_with('/') {
                    return Err(refuse(&first_target, Some(&resolved)));
                }
                let this_link = resolved.clone();
                resolved.pop();
                // A `..` that climbs above the root through a chained link is an escape too.
                let depth_ok = {
                    let mut depth = resolved.len() as i64;
                    target.split('/').all(|c| {
                        match c {
                            ".." => depth -= 1,
                            "" | "." => {}
                            _ => depth += 1,
                        }
                        depth >= 0
                    })
                };
                if !depth_ok {
                    return Err(refuse(&first_target, Some(&this_link)));
                }
                push_target(&mut pending, &target);
            }
            Kind::Dir => {}
            _ if !pending.iter().all(|c| c.is_empty() || c == ".") => {
                return Err(LoadError::Invalid(format!(
                    "error evaluating symlink {}: lstat {}: not a directory",
                    src.display(link),
                    src.display(&resolved)
                )));
            }
            _ => {}
        }
    }
    let kind = src
        .lstat(&resolved)
        .map_err(|e| io_error(src, &resolved, &e))?;
    Ok((resolved, kind))
}

fn io_error(src: &dyn Source, rel: &[String], err: &io::Error) -> LoadError {
    LoadError::Io(format!("{}: {}", src.display(rel), go_io_error(err)))
}

/// helm's directory walk (`sympath.Walk` + the `LoadDir` walk function).
fn walk(src: &dyn Source) -> Result<Vec<File>, LoadError> {
    let ignore_file = [HELM_IGNORE.to_string()];
    let mut rules = match src.lstat(&ignore_file) {
        Ok(_) => match read_resolved(src, &ignore_file) {
            Ok(data) => Rules::parse(&data).map_err(|e| LoadError::Invalid(e.to_string()))?,
            Err(Resolved::Refused(e)) => return Err(e),
            Err(Resolved::Io(e)) => return Err(io_error(src, &ignore_file, &e)),
        },
        Err(_) => Rules::empty(),
    };
    rules.add_defaults();
    let mut walker = Walker {
        src,
        rules,
        files: Vec::new(),
        stack: Vec::new(),
    };
    walker.dir("", &[])?;
    Ok(walker.files)
}

struct Walker<'a> {
    src: &'a dyn Source,
    rules: Rules,
    files: Vec<File>,
    /// Real paths of the directories being walked, to stop symlink cycles.
    stack: Vec<Vec<String>>,
}

impl Walker<'_> {
    /// Walks the directory whose chart-relative name is `name` and real path is `real`.
    fn dir(&mut self, name: &str, real: &[String]) -> Result<(), LoadError> {
        if self.stack.iter().any(|d| d == real) {
            return Err(LoadError::Io(format!(
                "symbolic link {} leads back to a directory that contains it; a chart cannot include itself",
                self.src.display(&split(name))
            )));
        }
        self.stack.push(real.to_vec());
        let mut names = self
            .src
            .read_dir(real)
            .map_err(|e| io_error(self.src, real, &e))?;
        names.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        for entry in names {
            let n = if name.is_empty() {
                entry.clone()
            } else {
                format!("{name}/{entry}")
            };
            let mut child = real.to_vec();
            child.push(entry);
            self.entry(&n, child)?;
        }
        self.stack.pop();
        Ok(())
    }

    fn entry(&mut self, n: &str, real: Vec<String>) -> Result<(), LoadError> {
        let kind = self
            .src
            .lstat(&real)
            .map_err(|e| io_error(self.src, &real, &e))?;
        let (real, kind) = match kind {
            Kind::Symlink => match resolve_link(self.src, &real) {
                Ok(resolved) => resolved,
                // An escaping link that the rules ignore whatever it points to is never read,
                // so it is skipped (helm follows it first, which chartship cannot do safely).
                Err(LoadError::Io(_))
                    if self.rules.ignore(n, true) && self.rules.ignore(n, false) =>
                {
                    return Ok(());
                }
                Err(e) => return Err(e),
            },
            k => (real, k),
        };
        match kind {
            Kind::Dir => {
                if !self.rules.ignore(n, true) {
                    self.dir(n, &real)?;
                }
            }
            Kind::Other => {
                if !self.rules.ignore(n, false) {
                    return Err(LoadError::Io(format!(
                        "{IRREGULAR_FILE} {} as it has file mode type bits set",
                        self.src.display(&split(n))
                    )));
                }
            }
            Kind::File { size } => {
                if self.rules.ignore(n, false) {
                    return Ok(());
                }
                let base = real.last().map_or("", String::as_str);
                if size > MAX_FILE_SIZE {
                    return Err(too_large_file(base));
                }
                let data = self.src.read(&real, MAX_FILE_SIZE + 1).map_err(|e| {
                    LoadError::Io(format!("error reading {n}: {}", go_io_error(&e)))
                })?;
                if data.len() as u64 > MAX_FILE_SIZE {
                    return Err(too_large_file(base));
                }
                self.files.push(File {
                    name: n.to_string(),
                    data: strip_bom(data),
                });
            }
            // resolve_link never ends on a link.
            Kind::Symlink => {}
        }
        Ok(())
    }
}

fn split(name: &str) -> Vec<String> {
    name.split('/')
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

fn strip_bom(mut data: Vec<u8>) -> Vec<u8> {
    if data.starts_with(UTF8_BOM) {
        data.drain(..UTF8_BOM.len());
    }
    data
}

/// helm's `EnsureArchive` sniff: gzip magic or refuse.
fn ensure_gzip(bytes: &[u8]) -> Result<(), LoadError> {
    if bytes.starts_with(b"\x1F\x8B\x08") {
        return Ok(());
    }
    // Go sniffs a zero-padded 512-byte buffer, so short files always look binary.
    let head = &bytes[..bytes.len().min(512)];
    let content_type = if head.len() < 512 || head.iter().any(|&b| is_binary_byte(b)) {
        "application/octet-stream"
    } else {
        "text/plain; charset=utf-8"
    };
    Err(LoadError::Invalid(format!(
        "the chart archive does not appear to be a gzipped archive; got '{content_type}'"
    )))
}

/// Bytes that make Go's `http.DetectContentType` call content binary.
fn is_binary_byte(b: u8) -> bool {
    matches!(b, 0x00..=0x08 | 0x0B | 0x0E..=0x1A | 0x1C..=0x1F)
}

/// helm's `LoadArchiveFiles`: gzip → tar with helm's path checks, in helm's order, and the 5 MiB
/// per-file and 100 MiB total limits. Reads in bounded pieces, so a gzip bomb cannot make it
/// allocate more than the limits.
pub(crate) fn archive_files(bytes: &[u8]) -> Result<Vec<File>, LoadError> {
    // Go's gzip.NewReader reads a 10-byte header first.
    if bytes.is_empty() {
        return Err(LoadError::Invalid("EOF".into()));
    }
    if bytes.len() < 10 {
        return Err(LoadError::Invalid("unexpected EOF".into()));
    }
    if !bytes.starts_with(b"\x1F\x8B\x08") {
        return Err(LoadError::Invalid("gzip: invalid header".into()));
    }
    let gz = flate2::read::MultiGzDecoder::new(bytes);
    // Headers and padding are read as well; bound the whole stream so a bomb ends early.
    let budget = MAX_CHART_SIZE + MAX_CHART_SIZE / 8 + 1024 * 1024;
    let mut archive = tar::Archive::new(gz.take(budget));
    let too_large_chart = || {
        LoadError::TooLarge(format!(
            "decompressed chart is larger than the maximum size {MAX_CHART_SIZE}"
        ))
    };
    let tar_error = |e: io::Error| LoadError::Invalid(format!("{e}"));
    let mut remaining = MAX_CHART_SIZE;
    let mut files = Vec::new();
    let entries = archive.entries().map_err(tar_error)?;
    for entry in entries {
        let mut entry = entry.map_err(tar_error)?;
        let header = entry.header();
        let typeflag = header.entry_type().as_byte();
        let raw_name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        if typeflag == b'5' || ((typeflag == 0 || typeflag == b'0') && raw_name.ends_with('/')) {
            continue;
        }
        if matches!(typeflag, b'x' | b'g') {
            continue;
        }
        let size = header.size().map_err(tar_error)?;
        let name = archive_entry_name(&raw_name)?;
        if size > remaining {
            return Err(too_large_chart());
        }
        if size > MAX_FILE_SIZE {
            return Err(LoadError::TooLarge(format!(
                "decompressed chart file {raw_name:?} is larger than the maximum file size {MAX_FILE_SIZE}"
            )));
        }
        let mut data = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        (&mut entry)
            .take(size)
            .read_to_end(&mut data)
            .map_err(tar_error)?;
        remaining -= data.len() as u64;
        if (data.len() as u64) < size {
            return Err(too_large_chart());
        }
        files.push(File {
            name,
            data: strip_bom(data),
        });
    }
    if files.is_empty() {
        return Err(LoadError::Invalid("no files in chart archive".into()));
    }
    Ok(files)
}

/// The chart-relative name of an archive entry, with helm's checks in helm's order.
fn archive_entry_name(raw: &str) -> Result<String, LoadError> {
    let delimiter = if raw.contains('\\') { '\\' } else { '/' };
    let parts: Vec<&str> = raw.split(delimiter).collect();
    let n = parts[1..].join("/");
    if n.starts_with('/') {
        return Err(LoadError::Invalid(
            "chart illegally contains absolute paths".into(),
        ));
    }
    let n = go_path_clean(&n);
    if n == "." {
        return Err(LoadError::Invalid(format!(
            "chart illegally contains content outside the base directory: {raw:?}"
        )));
    }
    if n.starts_with("..") {
        return Err(LoadError::Invalid(
            "chart illegally references parent directory".into(),
        ));
    }
    let b = n.as_bytes();
    if b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/' {
        return Err(LoadError::Invalid(
            "chart contains illegally named files".into(),
        ));
    }
    if parts[0] == "Chart.yaml" {
        return Err(LoadError::Invalid(
            "chart yaml not in base directory".into(),
        ));
    }
    Ok(n)
}

/// Go's `path.Clean` (lexical).
pub(crate) fn go_path_clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for c in p.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|l| *l != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            c => out.push(c),
        }
    }
    let joined = out.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// helm's `LoadFiles`: classifies files, parses Chart.yaml, Chart.lock and values.yaml,
/// validates the metadata and loads the subcharts in `charts/`.
pub(crate) fn load_files(files: Vec<File>) -> Result<Chart, LoadError> {
    let mut chart = Chart::default();
    let mut md: Option<Metadata> = None;
    for f in &files {
        if f.name == "Chart.yaml" {
            let mut m = metadata::parse_chart_yaml(&text_of(&f.data))
                .map_err(|e| LoadError::Invalid(format!("cannot load Chart.yaml: {e}")))?;
            if m.api_version.is_empty() {
                m.api_version = "v1".into();
            }
            chart.chart_yaml = f.data.clone();
            md = Some(m);
        }
    }
    let mut subcharts: BTreeMap<String, Vec<File>> = BTreeMap::new();
    for f in &files {
        let name = f.name.as_str();
        match name {
            "Chart.yaml" => {}
            "Chart.lock" | "requirements.lock" => {
                let lock = metadata::parse_lock(&text_of(&f.data))
                    .map_err(|e| LoadError::Invalid(format!("cannot load {name}: {e}")))?;
                chart.lock = Some(lock);
                if name == "requirements.lock" {
                    let m = md.get_or_insert_with(Metadata::default);
                    if m.api_version == "v1" {
                        chart.files.push(f.clone());
                    }
                }
            }
            "values.yaml" => {
                check_values(&text_of(&f.data))
                    .map_err(|e| LoadError::Invalid(format!("cannot load values.yaml: {e}")))?;
                chart.values = Some(f.data.clone());
            }
            "values.schema.json" => chart.schema = Some(f.data.clone()),
            "requirements.yaml" => {
                let m = md.get_or_insert_with(Metadata::default);
                metadata::overlay_requirements(&text_of(&f.data), m).map_err(|e| {
                    LoadError::Invalid(format!("cannot load requirements.yaml: {e}"))
                })?;
                if m.api_version == "v1" {
                    chart.files.push(f.clone());
                }
            }
            _ if name.starts_with("templates/") => chart.templates.push(f.clone()),
            _ if name.starts_with("charts/") => {
                if name.ends_with(".prov") {
                    chart.files.push(f.clone());
                    continue;
                }
                let rest = &name["charts/".len()..];
                let group = rest.split('/').next().unwrap_or(rest).to_string();
                subcharts.entry(group).or_default().push(File {
                    name: rest.to_string(),
                    data: f.data.clone(),
                });
            }
            _ => chart.files.push(f.clone()),
        }
    }
    chart.raw = files;
    let Some(mut md) = md else {
        return Err(LoadError::Invalid("Chart.yaml file is missing".into()));
    };
    md.validate()
        .map_err(|e| LoadError::Invalid(e.to_string()))?;
    chart.metadata = md;
    for (group, files) in subcharts {
        if group.starts_with('_') || group.starts_with('.') {
            continue;
        }
        let parent = chart.metadata.name.clone();
        let loaded = if group.ends_with(".tgz") {
            let first = &files[0];
            if first.name != group {
                return Err(LoadError::Invalid(format!(
                    "error unpacking subchart tar in {parent}: expected {group}, got {}",
                    first.name
                )));
            }
            archive_files(&first.data).and_then(load_files)
        } else {
            let inner: Vec<File> = files
                .into_iter()
                .filter_map(|f| {
                    f.name.split_once('/').map(|(_, rest)| File {
                        name: rest.to_string(),
                        data: f.data,
                    })
                })
                .collect();
            load_files(inner)
        };
        let sub = loaded.map_err(|e| {
            let text = format!("error unpacking subchart {group} in {parent}: {e}");
            match e {
                LoadError::TooLarge(_) => LoadError::TooLarge(text),
                LoadError::Io(_) => LoadError::Io(text),
                _ => LoadError::Invalid(text),
            }
        })?;
        chart.dependencies.push(sub);
    }
    chart
        .dependencies
        .sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
    Ok(chart)
}

/// helm 4's `LoadValues`: every YAML document must be a map (or empty).
pub(crate) fn check_values(text: &str) -> Result<(), String> {
    let docs = yaml::parse_documents(text).map_err(|e| {
        format!("cannot unmarshal yaml document: error converting YAML to JSON: {e}")
    })?;
    for doc in &docs {
        if let Some(f) = non_finite(doc) {
            return Err(format!(
                "cannot unmarshal yaml document: error converting YAML to JSON: json: unsupported value: {}",
                metadata::format_float64(f)
            ));
        }
        match doc {
            Value::Null | Value::Map(_) => {}
            other => {
                return Err(format!(
                    "cannot unmarshal yaml document: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                    json_kind(other)
                ));
            }
        }
    }
    Ok(())
}

pub(crate) fn non_finite(v: &Value) -> Option<f64> {
    match v {
        Value::Float(f) if !f.is_finite() => Some(*f),
        Value::Seq(items) => items.iter().find_map(non_finite),
        Value::Map(entries) => entries.iter().find_map(|(_, v)| non_finite(v)),
        _ => None,
    }
}

pub(crate) fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::Float(_) => "number",
        Value::String(_) => "string",
        Value::Seq(_) => "array",
        Value::Map(_) => "object",
    }
}

/// Builds the in-memory tree `helm lint` expands an archive into (`chartutil.Expand`).
pub(crate) fn expanded_source(files: Vec<File>, root: String) -> MemSource {
    MemSource::new(root, files.into_iter().map(|f| (f.name, f.data)))
}

/// `os.Stat` inside the chart: links are followed (never out of the chart); `None` if absent.
pub(crate) fn stat_following(src: &dyn Source, rel: &[String]) -> Result<Option<Kind>, LoadError> {
    match src.lstat(rel) {
        Ok(Kind::Symlink) => match resolve_link(src, rel) {
            Ok((_, kind)) => Ok(Some(kind)),
            Err(LoadError::Invalid(_)) => Ok(None),
            Err(e) => Err(e),
        },
        Ok(kind) => Ok(Some(kind)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        // e.g. a path component that is a file: Go's stat fails too.
        Err(_) => Ok(None),
    }
}

/// `os.ReadFile` inside the chart; `Ok(None)` if the file does not exist or is not a file.
pub(crate) fn read_following(
    src: &dyn Source,
    rel: &[String],
) -> Result<Option<Vec<u8>>, LoadError> {
    if stat_following(src, rel)?.is_none() {
        return Ok(None);
    }
    match read_resolved(src, rel) {
        Ok(data) => Ok(Some(data)),
        Err(Resolved::Refused(e)) => Err(e),
        Err(Resolved::Io(_)) => Ok(None),
    }
}

/// The checked files of an archive and the chart name it expands under (`chartutil.Expand`).
pub(crate) fn load_archive_files_for_lint(bytes: &[u8]) -> Result<(String, Vec<File>), LoadError> {
    // `chartutil.Expand` reads the gzip stream directly (no content sniffing).
    let files = archive_files(bytes)?;
    // `chartutil.Expand`: the last Chart.yaml entry names the directory.
    let mut name = String::new();
    for f in files.iter().filter(|f| f.name == "Chart.yaml") {
        let md = metadata::parse_chart_yaml(&text_of(&f.data))
            .map_err(|e| LoadError::Invalid(format!("cannot load Chart.yaml: {e}")))?;
        name = md.name;
    }
    if name.is_empty() {
        return Err(LoadError::Invalid("chart name not specified".into()));
    }
    if name == "." || name == ".." {
        return Err(LoadError::Invalid(format!(
            "chart name {name:?} is not allowed"
        )));
    }
    if name.contains('/') || name.contains('\\') {
        return Err(LoadError::Invalid(format!(
            "chart name {name:?} must not contain path separators"
        )));
    }
    Ok((name, files))
}
