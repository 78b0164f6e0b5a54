//! A real distribution registry (`docker-registry`, 2.8) on a free loopback port, in the four setups
//! the tests need (test-infrastructure.md §1): plain HTTP, htpasswd, TLS with a test CA, and token
//! auth with a token issuer (tests/support/token_issuer.py). Each server lives in its own temporary
//! directory and is stopped on drop, so tests never depend on each other or on their order.
//! [`fault_proxy`] sits between a client and a registry and injects failures.

pub mod fault_proxy;

use std::io::{BufRead, BufReader, Read};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a registry may take to accept connections (it starts in ~60 ms).
const START_TIMEOUT: Duration = Duration::from_secs(15);
/// Token lifetime handed out by the issuer.
pub const TOKEN_TTL_SECONDS: u64 = 300;
/// The user every authenticated setup knows.
pub const USERNAME: &str = "testuser";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setup {
    /// No auth, plain HTTP.
    Plain,
    /// htpasswd (bcrypt) Basic auth, plain HTTP.
    Htpasswd,
    /// TLS with a certificate from a test CA, plus htpasswd auth.
    Tls,
    /// Bearer tokens from the test issuer, plain HTTP (the Docker Hub flow).
    Token,
}

/// A running registry.
pub struct RegistryServer {
    pub setup: Setup,
    /// `127.0.0.1:<port>`.
    pub host: String,
    /// The password of [`USERNAME`]: a fresh canary per server, so tests can check it never leaks.
    pub password: String,
    /// The test CA (TLS setup).
    pub ca_file: Option<PathBuf>,
    /// The token issuer's URL (token setup), as the registry's challenges name it.
    pub token_realm: Option<String>,
    dir: tempfile::TempDir,
    registry: Child,
    issuer: Option<Child>,
}

struct Started {
    host: String,
    registry: Child,
    issuer: Option<Child>,
    ca_file: Option<PathBuf>,
    token_realm: Option<String>,
}

impl RegistryServer {
    /// Starts a registry; panics with the registry's log if it does not come up.
    pub fn start(setup: Setup) -> RegistryServer {
        Self::start_with_token_ttl(setup, TOKEN_TTL_SECONDS)
    }

    /// [`start`](Self::start) with tokens living `token_ttl` seconds (token setup).
    pub fn start_with_token_ttl(setup: Setup, token_ttl: u64) -> RegistryServer {
        let dir = tempfile::tempdir().expect("temp dir for the registry");
        let password = canary("pw");
        let mut last_error = String::new();
        for _ in 0..3 {
            match Self::try_start(setup, &dir, &password, token_ttl) {
                Ok(s) => {
                    return RegistryServer {
                        setup,
                        host: s.host,
                        password,
                        ca_file: s.ca_file,
                        token_realm: s.token_realm,
                        dir,
                        registry: s.registry,
                        issuer: s.issuer,
                    };
                }
                Err(e) => last_error = e,
            }
        }
        panic!("docker-registry ({setup:?}) did not start: {last_error}");
    }

    fn try_start(
        setup: Setup,
        dir: &tempfile::TempDir,
        password: &str,
        token_ttl: u64,
    ) -> Result<Started, String> {
        let d = dir.path();
        let port = free_port();
        let host = format!("127.0.0.1:{port}");
        let mut auth = String::new();
        let mut tls = String::new();
        let mut ca_file = None;
        let mut issuer = None;
        let mut token_realm = None;
        if matches!(setup, Setup::Htpasswd | Setup::Tls) {
            let line = run_tool(Command::new("htpasswd").args(["-Bbn", USERNAME, password]))?;
            std::fs::write(d.join("htpasswd"), line).map_err(|e| e.to_string())?;
            auth = format!(
                "auth:\n  htpasswd:\n    realm: basic-realm\n    path: {}\n",
                d.join("htpasswd").display()
            );
        }
        if setup == Setup::Tls {
            make_tls(d)?;
            tls = format!(
                "  tls:\n    certificate: {}\n    key: {}\n",
                d.join("server.crt").display(),
                d.join("server.key").display()
            );
            ca_file = Some(d.join("ca.crt"));
        }
        if setup == Setup::Token {
            let (child, issuer_port) = start_issuer(d, password, token_ttl)?;
            token_realm = Some(format!("http://127.0.0.1:{issuer_port}/token"));
            issuer = Some(child);
            auth = format!(
                "auth:\n  token:\n    realm: http://127.0.0.1:{issuer_port}/token\n    service: test-registry\n    \
                 issuer: test-issuer\n    rootcertbundle: {}\n",
                d.join("signing.crt").display()
            );
        }
        let config = format!(
            "version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: false\nstorage:\n  filesystem:\n    \
             rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: {host}\n  secret: not-a-secret-just-for-tests\n{tls}{auth}",
            d.join("data").display()
        );
        std::fs::write(d.join("config.yml"), config).map_err(|e| e.to_string())?;
        let log = std::fs::File::create(d.join("registry.log")).map_err(|e| e.to_string())?;
        let mut registry = Command::new(registry_bin())
            .arg("serve")
            .arg(d.join("config.yml"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| e.to_string())?)
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", registry_bin()))?;
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Ok(Some(status)) = registry.try_wait() {
                if let Some(mut i) = issuer {
                    let _ = i.kill();
                    let _ = i.wait();
                }
                let log = std::fs::read_to_string(d.join("registry.log")).unwrap_or_default();
                return Err(format!("exited with {status}: {log}"));
            }
            if TcpStream::connect(&host).is_ok() {
                return Ok(Started {
                    host,
                    registry,
                    issuer,
                    ca_file,
                    token_realm,
                });
            }
            if Instant::now() > deadline {
                let _ = registry.kill();
                let _ = registry.wait();
                return Err("timed out waiting for the port".into());
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// The registry's log (access log included).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("registry.log")).unwrap_or_default()
    }

    /// The token issuer's log: one `<user> <scopes>` line per token request.
    pub fn issuer_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("issuer.log")).unwrap_or_default()
    }

    /// A scratch directory that lives as long as the server.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for RegistryServer {
    fn drop(&mut self) {
        let _ = self.registry.kill();
        let _ = self.registry.wait();
        if let Some(issuer) = &mut self.issuer {
            let _ = issuer.kill();
            let _ = issuer.wait();
        }
    }
}

/// A value unique to this call, for canary secrets.
pub fn canary(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("canary-{prefix}-{}-{nanos:x}", std::process::id())
}

/// A loopback port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn registry_bin() -> String {
    std::env::var("DOCKER_REGISTRY_BIN").unwrap_or_else(|_| "docker-registry".into())
}

/// `$CHARTSHIP_TESTINFRA` (default `<workspace>/.testinfra`).
pub fn testinfra_dir() -> PathBuf {
    std::env::var_os("CHARTSHIP_TESTINFRA")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::root().join(".testinfra"))
}

fn run_tool(cmd: &mut Command) -> Result<String, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A test CA and a server certificate for 127.0.0.1 / localhost signed by it (openssl CLI).
fn make_tls(d: &Path) -> Result<(), String> {
    let p = |name: &str| d.join(name).display().to_string();
    run_tool(Command::new("openssl").args([
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "30",
        "-subj",
        "/CN=chartship-test-ca",
        "-keyout",
        &p("ca.key"),
        "-out",
        &p("ca.crt"),
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]))?;
    run_tool(Command::new("openssl").args([
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        &p("server.key"),
        "-out",
        &p("server.csr"),
    ]))?;
    std::fs::write(
        d.join("server.ext"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n\
         keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    )
    .map_err(|e| e.to_string())?;
    run_tool(Command::new("openssl").args([
        "x509",
        "-req",
        "-in",
        &p("server.csr"),
        "-CA",
        &p("ca.crt"),
        "-CAkey",
        &p("ca.key"),
        "-CAcreateserial",
        "-days",
        "30",
        "-extfile",
        &p("server.ext"),
        "-out",
        &p("server.crt"),
    ]))?;
    Ok(())
}

/// Starts the token issuer with a fresh P-256 signing key; returns it and its port.
fn start_issuer(d: &Path, password: &str, token_ttl: u64) -> Result<(Child, u16), String> {
    let p = |name: &str| d.join(name).display().to_string();
    if !d.join("signing.crt").exists() {
        run_tool(Command::new("openssl").args([
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            &p("signing.ec"),
        ]))?;
        run_tool(Command::new("openssl").args([
            "pkcs8",
            "-topk8",
            "-nocrypt",
            "-in",
            &p("signing.ec"),
            "-out",
            &p("signing.key"),
        ]))?;
        run_tool(Command::new("openssl").args([
            "req",
            "-x509",
            "-new",
            "-key",
            &p("signing.key"),
            "-days",
            "30",
            "-subj",
            "/CN=chartship-test-issuer",
            "-out",
            &p("signing.crt"),
        ]))?;
    }
    let python = testinfra_dir().join("venv/bin/python");
    let script = crate::root().join("tests/support/token_issuer.py");
    let log = std::fs::File::create(d.join("issuer.log")).map_err(|e| e.to_string())?;
    let mut child = Command::new(&python)
        .arg(&script)
        .args([
            p("signing.key"),
            p("signing.crt"),
            "test-issuer".into(),
            "test-registry".into(),
            token_ttl.to_string(),
        ])
        .env("ISSUER_USERS", format!("{USERNAME}:{password}"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .map_err(|e| {
            format!(
                "cannot run the token issuer with {} ({e}); run tests/install-testinfra.sh \
                 (venv with pyjwt==2.15.1 cryptography==50.0.2) or set CHARTSHIP_TESTINFRA",
                python.display()
            )
        })?;
    let stdout = child.stdout.take().ok_or("issuer stdout")?;
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .map_err(|e| e.to_string())?;
    match first
        .trim()
        .strip_prefix("port ")
        .and_then(|p| p.parse().ok())
    {
        Some(port) => Ok((child, port)),
        None => {
            let _ = child.kill();
            let _ = child.wait();
            let mut log = String::new();
            let _ = std::fs::File::open(d.join("issuer.log"))
                .and_then(|mut f| f.read_to_string(&mut log));
            Err(format!("token issuer did not start: {first} {log}"))
        }
    }
}
