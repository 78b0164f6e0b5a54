//! Where credentials come from (flags, environment, docker's and helm's config files, credential
//! helper programs) and helm-compatible `registry login` / `logout` storage
//! (helm-behaviour.md §5.2: tab-indented JSON, mode 0600, written atomically).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Map, Value};

use super::Credentials;

/// Environment variables read for credentials given to the process (issue 3: never from argv).
pub const ENV_USERNAME: &str = "CHARTSHIP_USERNAME";
pub const ENV_PASSWORD: &str = "CHARTSHIP_PASSWORD";
/// Key under which docker and oras store Docker Hub credentials (oras `ServerAddressFromRegistry`).
pub const DOCKER_HUB_CONFIG_KEY: &str = "https://index.docker.io/v1/";
/// Host names that are Docker Hub.
pub const DOCKER_HUB_HOSTS: [&str; 3] = ["registry-1.docker.io", "docker.io", "index.docker.io"];

/// Errors of credential storage. They name files, never credential values.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("cannot read registry config {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("registry config {path} is not valid JSON ({reason}); fix or remove it")]
    Parse { path: PathBuf, reason: String },
    #[error("cannot write registry config {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("bad credential format: colons(:) are not allowed in username")]
    ColonInUsername,
    #[error(
        "no registry config location: set HELM_REGISTRY_CONFIG, HELM_CONFIG_HOME, XDG_CONFIG_HOME or HOME"
    )]
    NoConfigPath,
}

/// The process environment as seen by credential lookup; tests build one from a map
/// (edition 2024 makes `set_var` unsafe, and tests must not share global state).
#[derive(Debug, Clone, Default)]
pub struct Environment {
    vars: HashMap<String, String>,
}

impl Environment {
    pub fn from_process() -> Self {
        Self {
            vars: std::env::vars().collect(),
        }
    }

    pub fn from_vars<I, K, V>(vars: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Self {
            vars: vars
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Finds an executable on this environment's `PATH`.
    fn find_program(&self, name: &str) -> Option<PathBuf> {
        std::env::split_paths(self.var("PATH")?)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    }
}

/// Looks credentials up for `registry_host` (as the user wrote it, `host[:port]`), first match wins:
/// `explicit` (the CLI's `--username` + `--password-stdin`), `CHARTSHIP_USERNAME`/`CHARTSHIP_PASSWORD`,
/// docker's config (`$DOCKER_CONFIG/config.json` or `~/.docker/config.json`: `credHelpers`,
/// `credsStore`, `auths`), then helm's registry config. Unreadable files are skipped.
pub fn lookup(registry_host: &str, explicit: Option<Credentials>) -> Option<Credentials> {
    lookup_in(registry_host, explicit, &Environment::from_process())
}

/// [`lookup`] against a given environment.
pub fn lookup_in(
    registry_host: &str,
    explicit: Option<Credentials>,
    env: &Environment,
) -> Option<Credentials> {
    if explicit.is_some() {
        return explicit;
    }
    if let (Some(user), Some(pass)) = (env.var(ENV_USERNAME), env.var(ENV_PASSWORD)) {
        return Some(Credentials::new(user, pass));
    }
    let docker = docker_config_path(env).and_then(|p| from_config_file(&p, registry_host, env));
    docker.or_else(|| {
        helm_registry_config_path(env).and_then(|p| from_config_file(&p, registry_host, env))
    })
}

/// Docker's client config: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`.
pub fn docker_config_path(env: &Environment) -> Option<PathBuf> {
    match env.var("DOCKER_CONFIG") {
        Some(dir) => Some(Path::new(dir).join("config.json")),
        None => Some(Path::new(env.var("HOME")?).join(".docker/config.json")),
    }
}

/// Helm's registry config: `$HELM_REGISTRY_CONFIG`, `$HELM_CONFIG_HOME/registry/config.json`,
/// `$XDG_CONFIG_HOME/helm/registry/config.json`, `~/.config/helm/registry/config.json` (Linux).
pub fn helm_registry_config_path(env: &Environment) -> Option<PathBuf> {
    if let Some(p) = env.var("HELM_REGISTRY_CONFIG") {
        return Some(PathBuf::from(p));
    }
    if let Some(p) = env.var("HELM_CONFIG_HOME") {
        return Some(Path::new(p).join("registry/config.json"));
    }
    let config_home = match env.var("XDG_CONFIG_HOME") {
        Some(x) => PathBuf::from(x),
        None => Path::new(env.var("HOME")?).join(".config"),
    };
    Some(config_home.join("helm/registry/config.json"))
}

/// The keys a credential for `host` may be stored under, best first.
fn config_keys(host: &str) -> Vec<String> {
    if DOCKER_HUB_HOSTS.contains(&host) {
        return DOCKER_HUB_HOSTS
            .iter()
            .flat_map(|h| {
                [
                    format!("https://{h}/v1/"),
                    h.to_string(),
                    format!("https://{h}"),
                ]
            })
            .collect();
    }
    vec![
        host.to_string(),
        format!("https://{host}"),
        format!("http://{host}"),
        format!("https://{host}/v1/"),
    ]
}

/// The key `login` writes for `host`.
pub fn store_key(host: &str) -> String {
    if DOCKER_HUB_HOSTS.contains(&host) {
        DOCKER_HUB_CONFIG_KEY.to_string()
    } else {
        host.to_string()
    }
}

fn from_config_file(path: &Path, host: &str, env: &Environment) -> Option<Credentials> {
    let text = std::fs::read_to_string(path).ok()?;
    let config: Value = serde_json::from_str(&text).ok()?;
    let keys = config_keys(host);
    let helper_for_host = config
        .get("credHelpers")
        .and_then(|h| keys.iter().find_map(|k| h.get(k)?.as_str()))
        .map(str::to_string);
    if let Some(helper) = helper_for_host {
        return from_helper(&helper, &store_key(host), env);
    }
    if let Some(auths) = config.get("auths").and_then(Value::as_object)
        && let Some(creds) = keys.iter().find_map(|k| from_auth_entry(auths.get(k)?))
    {
        return Some(creds);
    }
    let store = config.get("credsStore").and_then(Value::as_str)?;
    from_helper(store, &store_key(host), env)
}

/// An `auths` entry: `auth` = base64(`user:password`), or `username` + `password` fields.
fn from_auth_entry(entry: &Value) -> Option<Credentials> {
    if let Some(auth) = entry
        .get("auth")
        .and_then(Value::as_str)
        .filter(|a| !a.is_empty())
    {
        let decoded = String::from_utf8(BASE64.decode(auth.trim()).ok()?).ok()?;
        let (user, pass) = decoded.split_once(':')?;
        return Some(Credentials::new(user, pass));
    }
    let user = entry.get("username")?.as_str()?;
    let pass = entry.get("password")?.as_str()?;
    Some(Credentials::new(user, pass))
}

/// Runs `docker-credential-<name> get` with the server URL on stdin (docker-credential-helpers protocol).
fn from_helper(name: &str, server: &str, env: &Environment) -> Option<Credentials> {
    let program = env.find_program(&format!("docker-credential-{name}"))?;
    let mut child = Command::new(program)
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(server.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    if !out.status.success() {
        return None;
    }
    let value: Value = serde_json::from_slice(&out.stdout).ok()?;
    let user = value.get("Username")?.as_str()?;
    let secret = value.get("Secret")?.as_str()?;
    // `<token>` marks an identity (refresh) token, which needs the OAuth2 flow we do not implement.
    if user == "<token>" || secret.is_empty() {
        return None;
    }
    Some(Credentials::new(user, secret))
}

/// Stores `creds` for `host` in helm's registry config at `config_path` (helm `registry login`
/// format: `auths.<host>.auth` = base64(`user:password`)); other entries and keys are kept.
pub fn login(host: &str, creds: &Credentials, config_path: &Path) -> Result<(), AuthError> {
    if creds.username.contains(':') {
        return Err(AuthError::ColonInUsername);
    }
    let mut config = read_config(config_path)?;
    let auth = BASE64.encode(format!("{}:{}", creds.username, creds.password.expose()));
    let mut entry = Map::new();
    entry.insert("auth".into(), Value::String(auth));
    auths_mut(&mut config).insert(store_key(host), Value::Object(entry));
    write_config(config_path, &config)
}

/// Removes the credential for `host` from helm's registry config. Succeeds when none was stored
/// (helm v3.18+/v4 behaviour). Returns whether an entry was removed.
pub fn logout(host: &str, config_path: &Path) -> Result<bool, AuthError> {
    if !config_path.exists() {
        return Ok(false);
    }
    let mut config = read_config(config_path)?;
    let removed = auths_mut(&mut config).remove(&store_key(host)).is_some();
    write_config(config_path, &config)?;
    Ok(removed)
}

fn read_config(path: &Path) -> Result<Map<String, Value>, AuthError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Map::new()),
        Err(source) => {
            return Err(AuthError::Read {
                path: path.into(),
                source,
            });
        }
    };
    if text.trim().is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_str(&text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(AuthError::Parse {
            path: path.into(),
            reason: "not a JSON object".into(),
        }),
        Err(e) => Err(AuthError::Parse {
            path: path.into(),
            reason: e.to_string(),
        }),
    }
}

fn auths_mut(config: &mut Map<String, Value>) -> &mut Map<String, Value> {
    let entry = config
        .entry("auths")
        .or_insert_with(|| Value::Object(Map::new()));
    if !entry.is_object() {
        *entry = Value::Object(Map::new());
    }
    match entry {
        Value::Object(map) => map,
        _ => unreachable!("just made an object"),
    }
}

/// Go's `json.MarshalIndent(v, "", "\t")`: map keys sorted, tab indent, no trailing newline.
fn write_config(path: &Path, config: &Map<String, Value>) -> Result<(), AuthError> {
    let err = |source| AuthError::Write {
        path: path.into(),
        source,
    };
    let sorted = sort_keys(&Value::Object(config.clone()));
    let mut bytes = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"\t");
    let mut ser = serde_json::Serializer::with_formatter(&mut bytes, formatter);
    serde::Serialize::serialize(&sorted, &mut ser).map_err(|e| err(std::io::Error::other(e)))?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    create_private_dir(dir).map_err(err)?;
    let mut tmp = tempfile_in(dir, path).map_err(err)?;
    tmp.1
        .write_all(&bytes)
        .and_then(|_| tmp.1.sync_all())
        .map_err(err)?;
    std::fs::rename(&tmp.0, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp.0);
        err(e)
    })
}

fn sort_keys(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), sort_keys(&map[k])))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sort_keys).collect()),
        other => other.clone(),
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// A new file next to `target`, mode 0600, created exclusively.
fn tempfile_in(dir: &Path, target: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    let base = target
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("config.json");
    for attempt in 0..100u32 {
        let candidate = dir.join(format!(".{base}.{}.{attempt}.tmp", std::process::id()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(&candidate) {
            Ok(f) => return Ok((candidate, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("could not create a temporary file"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(dir: &Path, extra: &[(&str, &str)]) -> Environment {
        let mut vars: Vec<(String, String)> = vec![
            ("HOME".into(), dir.join("home").display().to_string()),
            ("PATH".into(), dir.join("bin").display().to_string()),
        ];
        vars.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        Environment::from_vars(vars)
    }

    #[test]
    fn login_writes_helms_format_and_logout_empties_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("registry/config.json");
        login(
            "127.0.0.1:5056",
            &Credentials::new("alice", "s3cret"),
            &path,
        )
        .expect("login");
        let text = std::fs::read_to_string(&path).expect("read");
        assert_eq!(
            text,
            "{\n\t\"auths\": {\n\t\t\"127.0.0.1:5056\": {\n\t\t\t\"auth\": \"YWxpY2U6czNjcmV0\"\n\t\t}\n\t}\n}"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let e = env(
            dir.path(),
            &[("HELM_REGISTRY_CONFIG", path.to_str().expect("utf8"))],
        );
        let found = lookup_in("127.0.0.1:5056", None, &e).expect("found");
        assert_eq!(
            (found.username.as_str(), found.password.expose()),
            ("alice", "s3cret")
        );
        assert!(logout("127.0.0.1:5056", &path).expect("logout"));
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "{\n\t\"auths\": {}\n}"
        );
        assert!(!logout("127.0.0.1:5056", &path).expect("logout again"));
    }

    #[test]
    fn docker_hub_uses_the_index_key() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c.json");
        login("docker.io", &Credentials::new("bob", "pw"), &path).expect("login");
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.contains("\"https://index.docker.io/v1/\""), "{text}");
        let e = env(
            dir.path(),
            &[("HELM_REGISTRY_CONFIG", path.to_str().expect("utf8"))],
        );
        assert!(lookup_in("registry-1.docker.io", None, &e).is_some());
    }

    #[test]
    fn order_is_explicit_env_docker_helm() {
        let dir = tempfile::tempdir().expect("tempdir");
        let docker_dir = dir.path().join("docker");
        std::fs::create_dir_all(&docker_dir).expect("mkdir");
        std::fs::write(
            docker_dir.join("config.json"),
            r#"{"auths":{"reg.example":{"auth":"ZG9ja2VyOmRwYXNz"}}}"#, // docker:dpass
        )
        .expect("write");
        let helm = dir.path().join("helm.json");
        login("reg.example", &Credentials::new("helm", "hpass"), &helm).expect("login");
        let base = [
            ("DOCKER_CONFIG", docker_dir.to_str().expect("utf8")),
            ("HELM_REGISTRY_CONFIG", helm.to_str().expect("utf8")),
        ];
        let e = env(dir.path(), &base);
        assert_eq!(
            lookup_in("reg.example", None, &e).expect("docker").username,
            "docker"
        );
        let mut with_env = base.to_vec();
        with_env.extend([(ENV_USERNAME, "envuser"), (ENV_PASSWORD, "envpass")]);
        let e = env(dir.path(), &with_env);
        assert_eq!(
            lookup_in("reg.example", None, &e).expect("env").username,
            "envuser"
        );
        let explicit = Credentials::new("flag", "x");
        assert_eq!(
            lookup_in("reg.example", Some(explicit), &e)
                .expect("flag")
                .username,
            "flag"
        );
        let e = env(
            dir.path(),
            &[("HELM_REGISTRY_CONFIG", helm.to_str().expect("utf8"))],
        );
        assert_eq!(
            lookup_in("reg.example", None, &e).expect("helm").username,
            "helm"
        );
        assert!(lookup_in("other.example", None, &e).is_none());
    }

    #[cfg(unix)]
    #[test]
    fn credential_helper_is_run() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&bin).expect("mkdir");
        let helper = bin.join("docker-credential-fake");
        std::fs::write(
            &helper,
            "#!/bin/sh\nread server\n[ \"$1\" = get ] && [ \"$server\" = reg.example ] || exit 1\necho '{\"ServerURL\":\"reg.example\",\"Username\":\"helperuser\",\"Secret\":\"helperpass\"}'\n",
        )
        .expect("write");
        std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let docker_dir = dir.path().join("docker");
        std::fs::create_dir_all(&docker_dir).expect("mkdir");
        std::fs::write(
            docker_dir.join("config.json"),
            r#"{"credHelpers":{"reg.example":"fake"}}"#,
        )
        .expect("write");
        let e = env(
            dir.path(),
            &[("DOCKER_CONFIG", docker_dir.to_str().expect("utf8"))],
        );
        let c = lookup_in("reg.example", None, &e).expect("helper");
        assert_eq!(
            (c.username.as_str(), c.password.expose()),
            ("helperuser", "helperpass")
        );
    }
}
