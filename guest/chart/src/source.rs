//! Where chart files come from: a real directory (through `std::fs`, so it works natively and
//! under WASI) or an archive expanded in memory (what `helm lint x.tgz` expands to disk). Paths
//! are lists of components below the chart root; nothing here ever looks above that root.

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// What `lstat` says about an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    File {
        size: u64,
    },
    Dir,
    Symlink,
    /// fifo, socket, device: helm refuses to load them.
    Other,
}

/// Read access to a chart tree. `rel` is a list of components below the root (empty = root);
/// implementations must not resolve symlinks themselves, except for the root.
pub(crate) trait Source {
    fn lstat(&self, rel: &[String]) -> io::Result<Kind>;
    /// Entry names of a directory, in any order.
    fn read_dir(&self, rel: &[String]) -> io::Result<Vec<String>>;
    fn read_link(&self, rel: &[String]) -> io::Result<String>;
    /// Reads at most `limit` bytes (the caller detects overflow by asking for one more).
    fn read(&self, rel: &[String], limit: u64) -> io::Result<Vec<u8>>;
    /// The path helm would print for `rel` (absolute for directories).
    fn display(&self, rel: &[String]) -> String;
}

/// A chart directory on disk.
pub(crate) struct FsSource {
    root: PathBuf,
    /// How messages name the root (helm prints absolute paths; the sandbox sees `/chart`).
    shown: PathBuf,
}

impl FsSource {
    pub(crate) fn new(root: &Path) -> Self {
        let shown = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        FsSource {
            root: root.to_path_buf(),
            shown,
        }
    }

    pub(crate) fn shown_as(root: &Path, shown: &str) -> Self {
        FsSource {
            root: root.to_path_buf(),
            shown: PathBuf::from(shown),
        }
    }

    fn path(&self, rel: &[String]) -> PathBuf {
        let mut p = self.root.clone();
        for c in rel {
            p.push(c);
        }
        p
    }
}

impl Source for FsSource {
    fn lstat(&self, rel: &[String]) -> io::Result<Kind> {
        let path = self.path(rel);
        // The root itself may be reached through a link; everything below it is not followed.
        let meta = if rel.is_empty() {
            std::fs::metadata(&path)?
        } else {
            std::fs::symlink_metadata(&path)?
        };
        let ft = meta.file_type();
        Ok(if ft.is_symlink() {
            Kind::Symlink
        } else if ft.is_dir() {
            Kind::Dir
        } else if ft.is_file() {
            Kind::File { size: meta.len() }
        } else {
            Kind::Other
        })
    }

    fn read_dir(&self, rel: &[String]) -> io::Result<Vec<String>> {
        let mut names = Vec::new();
        for entry in std::fs::read_dir(self.path(rel))? {
            let entry = entry?;
            let name = entry.file_name().into_string().map_err(|raw| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("file name {raw:?} is not valid UTF-8; rename it"),
                )
            })?;
            names.push(name);
        }
        Ok(names)
    }

    fn read_link(&self, rel: &[String]) -> io::Result<String> {
        let target = std::fs::read_link(self.path(rel))?;
        target.into_os_string().into_string().map_err(|raw| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("link target {raw:?} is not valid UTF-8"),
            )
        })
    }

    fn read(&self, rel: &[String], limit: u64) -> io::Result<Vec<u8>> {
        let file = std::fs::File::open(self.path(rel))?;
        let mut data = Vec::new();
        file.take(limit).read_to_end(&mut data)?;
        Ok(data)
    }

    fn display(&self, rel: &[String]) -> String {
        let mut p = self.shown.clone();
        for c in rel {
            p.push(c);
        }
        p.display().to_string()
    }
}

/// An archive's files held in memory, seen as the directory tree `helm lint` would expand.
pub(crate) struct MemSource {
    /// Display prefix, e.g. `<chart name>`.
    root: String,
    files: BTreeMap<String, Vec<u8>>,
}

impl MemSource {
    pub(crate) fn new(root: String, files: impl IntoIterator<Item = (String, Vec<u8>)>) -> Self {
        MemSource {
            root,
            files: files.into_iter().collect(),
        }
    }

    fn key(rel: &[String]) -> String {
        rel.join("/")
    }

    fn is_dir(&self, key: &str) -> bool {
        if key.is_empty() {
            return true;
        }
        let prefix = format!("{key}/");
        self.files
            .range(prefix.clone()..)
            .next()
            .is_some_and(|(k, _)| k.starts_with(&prefix))
    }
}

impl Source for MemSource {
    fn lstat(&self, rel: &[String]) -> io::Result<Kind> {
        let key = Self::key(rel);
        if self.is_dir(&key) {
            return Ok(Kind::Dir);
        }
        match self.files.get(&key) {
            Some(data) => Ok(Kind::File {
                size: data.len() as u64,
            }),
            None => Err(io::Error::new(
                io::ErrorKind::NotFound,
                "no such file or directory",
            )),
        }
    }

    fn read_dir(&self, rel: &[String]) -> io::Result<Vec<String>> {
        let key = Self::key(rel);
        let prefix = if key.is_empty() {
            String::new()
        } else {
            format!("{key}/")
        };
        let mut names: Vec<String> = self
            .files
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter_map(|(k, _)| k[prefix.len()..].split('/').next().map(str::to_string))
            .collect();
        names.dedup();
        Ok(names)
    }

    fn read_link(&self, _rel: &[String]) -> io::Result<String> {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a symbolic link",
        ))
    }

    fn read(&self, rel: &[String], limit: u64) -> io::Result<Vec<u8>> {
        let data = self
            .files
            .get(&Self::key(rel))
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such file or directory"))?;
        let n = usize::try_from(limit).unwrap_or(usize::MAX).min(data.len());
        Ok(data[..n].to_vec())
    }

    fn display(&self, rel: &[String]) -> String {
        if rel.is_empty() {
            self.root.clone()
        } else {
            format!("{}/{}", self.root, Self::key(rel))
        }
    }
}
