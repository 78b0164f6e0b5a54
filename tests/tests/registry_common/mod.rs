//! Helpers shared by the registry_* tests: test charts packaged by real helm, client options
//! for each registry setup, and the helm commands that must accept what chartship pushed.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use chartship::auth::Credentials;
use chartship::registry::{ChartArtifact, ClientOptions, RetryPolicy};
use chartship_tests::Helm;
use chartship_tests::registry_server::{RegistryServer, Setup, USERNAME};

/// The chart and repository of the design (`oci://registry-1.docker.io/savantly/nexus-command-helm`).
pub const CHART: &str = "nexus-command";
pub const REPOSITORY: &str = "savantly/nexus-command-helm";
pub const CREATED: &str = "2026-01-02T03:04:05Z";

/// A packaged test chart: its archive path and what chartship would upload for it.
pub struct TestChart {
    pub tgz: PathBuf,
    pub artifact: ChartArtifact,
}

/// Writes a small chart and packages it with helm 4. `padding` bytes of incompressible data make
/// the archive large (for chunked uploads).
pub fn package_chart(dir: &Path, version: &str, description: &str, padding: usize) -> TestChart {
    let src = dir.join(format!("src-{version}-{}", description.len()));
    std::fs::create_dir_all(src.join("templates")).expect("chart dir");
    std::fs::write(
        src.join("Chart.yaml"),
        format!(
            "apiVersion: v2\nname: {CHART}\ndescription: \"{description}\"\ntype: application\nversion: {version}\nappVersion: \"1.16.0\"\n"
        ),
    )
    .expect("Chart.yaml");
    std::fs::write(src.join("values.yaml"), "greeting: hello\n").expect("values");
    std::fs::write(
        src.join("templates/configmap.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata:\n  greeting: {{ .Values.greeting | quote }}\n",
    )
    .expect("template");
    if padding > 0 {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let noise: String = (0..padding)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                char::from(b'!' + (state % 90) as u8)
            })
            .collect();
        std::fs::write(src.join("noise.txt"), noise).expect("noise");
    }
    let out = dir.join(format!("out-{version}-{}", description.len()));
    std::fs::create_dir_all(&out).expect("out dir");
    chartship_tests::run_ok(
        Helm::V4
            .command(dir)
            .arg("package")
            .arg(&src)
            .arg("-d")
            .arg(&out),
    );
    let tgz = out.join(format!("{CHART}-{version}.tgz"));
    let archive = std::fs::read(&tgz).expect("packaged archive");
    // helm's config blob for this Chart.yaml (helm-behaviour.md §4.2: Go field order, compact).
    let mut quoted = String::new();
    chartship::registry::go_json_string(description, &mut quoted);
    let config_json = format!(
        r#"{{"name":"{CHART}","version":"{version}","description":{quoted},"apiVersion":"v2","appVersion":"1.16.0","type":"application"}}"#
    );
    let annotations = vec![
        (
            "org.opencontainers.image.created".to_string(),
            CREATED.to_string(),
        ),
        (
            "org.opencontainers.image.description".to_string(),
            description.to_string(),
        ),
        (
            "org.opencontainers.image.title".to_string(),
            CHART.to_string(),
        ),
        (
            "org.opencontainers.image.version".to_string(),
            version.to_string(),
        ),
    ];
    TestChart {
        tgz,
        artifact: ChartArtifact {
            archive,
            config_json,
            annotations,
        },
    }
}

/// Fast retries, so fault tests finish quickly.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        initial_backoff: Duration::from_millis(50),
        max_backoff: Duration::from_millis(200),
        max_retry_after: Duration::from_secs(5),
    }
}

/// Options to reach `server` with the right password.
pub fn options(server: &RegistryServer) -> ClientOptions {
    let credentials = match server.setup {
        Setup::Plain => None,
        _ => Some(Credentials::new(USERNAME, server.password.clone())),
    };
    ClientOptions {
        plain_http: server.setup != Setup::Tls,
        ca_file: server.ca_file.clone(),
        credentials,
        retry: fast_retry(),
        ..ClientOptions::default()
    }
}

/// `oci://<host>/<repo>`.
pub fn oci(host: &str, repository: &str) -> String {
    format!("oci://{host}/{repository}")
}

/// A helm command with isolated state under `home`, plus the flags reaching `server`
/// (helm 3.9 has no --plain-http and uses HTTP for loopback by itself).
pub fn helm(version: Helm, home: &Path, server: &RegistryServer, args: &[&str]) -> Command {
    let mut cmd = version.command(home);
    cmd.args(args);
    match server.setup {
        Setup::Tls => {
            cmd.arg("--ca-file")
                .arg(server.ca_file.as_ref().expect("ca"));
        }
        _ if version != Helm::V39 => {
            cmd.arg("--plain-http");
        }
        _ => {}
    }
    cmd
}

/// Logs helm in to `server` with --password-stdin.
pub fn helm_login(version: Helm, home: &Path, server: &RegistryServer) {
    use std::io::Write;
    let mut cmd = version.command(home);
    cmd.args([
        "registry",
        "login",
        &server.host,
        "-u",
        USERNAME,
        "--password-stdin",
    ]);
    match server.setup {
        Setup::Tls => {
            cmd.arg("--ca-file")
                .arg(server.ca_file.as_ref().expect("ca"));
        }
        _ if version != Helm::V39 => {
            cmd.arg("--plain-http");
        }
        _ => {
            cmd.arg("--insecure");
        }
    }
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("helm login");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(server.password.as_bytes())
        .expect("password");
    let out = child.wait_with_output().expect("helm login output");
    assert!(
        out.status.success(),
        "{version:?} login failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// helm pull + show chart + template of `repo_url` (`oci://…`) at `version`: the pulled archive must
/// be byte-identical to `archive` and the chart must render.
pub fn assert_helm_accepts(
    helm_version: Helm,
    home: &Path,
    server: &RegistryServer,
    repo_url: &str,
    version: &str,
    archive: &[u8],
) {
    let dest = home.join(format!("pulled-{helm_version:?}-{}", repo_url.len()));
    std::fs::create_dir_all(&dest).expect("pull dir");
    chartship_tests::run_ok(&mut helm(
        helm_version,
        home,
        server,
        &[
            "pull",
            repo_url,
            "--version",
            version,
            "-d",
            dest.to_str().expect("utf8"),
        ],
    ));
    let last = repo_url.rsplit('/').next().expect("segment");
    let pulled = std::fs::read(dest.join(format!("{last}-{version}.tgz"))).expect("pulled archive");
    assert!(
        pulled == archive,
        "{helm_version:?} pulled different bytes from {repo_url}"
    );
    let shown = chartship_tests::run_ok(&mut helm(
        helm_version,
        home,
        server,
        &["show", "chart", repo_url, "--version", version],
    ));
    assert!(
        shown.contains(&format!("name: {CHART}")),
        "{helm_version:?} show chart: {shown}"
    );
    assert!(
        shown.contains(&format!("version: {version}")),
        "{helm_version:?} show chart: {shown}"
    );
    let rendered = chartship_tests::run_ok(&mut helm(
        helm_version,
        home,
        server,
        &["template", "rel", repo_url, "--version", version],
    ));
    assert!(
        rendered.contains("name: rel-cm"),
        "{helm_version:?} template: {rendered}"
    );
}

/// Fails if `secret` appears in `text` (plain or as base64 of `user:secret`).
pub fn assert_no_secret(text: &str, secret: &str) {
    use base64_free::encode;
    assert!(!text.contains(secret), "secret leaked: {text}");
    let b64 = encode(format!("{USERNAME}:{secret}").as_bytes());
    assert!(!text.contains(&b64), "base64 credential leaked: {text}");
}

/// A dependency-free base64 encoder, only for the leak check above.
mod base64_free {
    pub fn encode(bytes: &[u8]) -> String {
        const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for c in bytes.chunks(3) {
            let n = (u32::from(c[0]) << 16)
                | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
                | u32::from(*c.get(2).unwrap_or(&0));
            for i in 0..4 {
                if i <= c.len() {
                    out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }
}
