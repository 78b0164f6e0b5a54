//! A small HTTP/1.1 reverse proxy that injects faults between a client and a registry:
//! an error status (429 with `Retry-After`, 503, …), a connection closed without an answer
//! (before or after the registry handled the request), and a truncated response body.
//! One request per connection (`Connection: close` both ways) keeps it simple; the `Host`
//! header is passed through, so the registry's upload `Location`s point back at the proxy.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// What to do with a matching request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status (registry-style JSON error body), optionally with `Retry-After: <s>`.
    Status { code: u16, retry_after: Option<u64> },
    /// Answer with this status and these headers (e.g. a 401 with a `WWW-Authenticate` challenge).
    Respond {
        code: u16,
        headers: Vec<(String, String)>,
    },
    /// Close the connection without forwarding or answering.
    Reset,
    /// Forward (the registry acts on it) but close the connection instead of answering.
    ForwardThenReset,
    /// Forward, then send the response head and only the first `bytes` of its body.
    Truncate { bytes: usize },
}

#[derive(Debug, Clone)]
struct Rule {
    method: String,
    path_contains: String,
    fault: Fault,
    remaining: usize,
}

/// A running proxy; stops on drop.
pub struct FaultProxy {
    /// `127.0.0.1:<port>`.
    pub host: String,
    rules: Arc<Mutex<Vec<Rule>>>,
    log: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl FaultProxy {
    /// Proxies to `upstream` (`host:port`, plain HTTP).
    pub fn start(upstream: &str) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        listener.set_nonblocking(true).expect("nonblocking");
        let host = listener.local_addr().expect("addr").to_string();
        let rules: Arc<Mutex<Vec<Rule>>> = Arc::default();
        let log: Arc<Mutex<Vec<String>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let (r, l, s, up) = (
            rules.clone(),
            log.clone(),
            stop.clone(),
            upstream.to_string(),
        );
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((conn, _)) => {
                        let (r, l, up) = (r.clone(), l.clone(), up.clone());
                        std::thread::spawn(move || {
                            let _ = handle(conn, &up, &r, &l);
                        });
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        FaultProxy {
            host,
            rules,
            log,
            stop,
            thread: Some(thread),
        }
    }

    /// Injects `fault` into the next `times` requests whose method is `method` (or any, for "")
    /// and whose path (with query) contains `path_contains`.
    pub fn inject(&self, method: &str, path_contains: &str, fault: Fault, times: usize) {
        self.rules.lock().expect("rules").push(Rule {
            method: method.into(),
            path_contains: path_contains.into(),
            fault,
            remaining: times,
        });
    }

    /// Removes all rules.
    pub fn clear(&self) {
        self.rules.lock().expect("rules").clear();
    }

    /// Every request seen, as `METHOD /path[ [authorization]] -> outcome` (the marker when the
    /// request carried an `Authorization` header; its value is never recorded).
    pub fn log(&self) -> Vec<String> {
        self.log.lock().expect("log").clone()
    }

    /// How many requests got a fault injected.
    pub fn faults_injected(&self) -> usize {
        self.log().iter().filter(|l| l.contains("-> fault")).count()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

struct Head {
    method: String,
    path: String,
    raw: Vec<u8>,
    content_length: usize,
    authorized: bool,
}

/// Reads a message head (through the blank line); returns it and any body bytes already read.
fn read_head(conn: &mut TcpStream) -> std::io::Result<(Vec<u8>, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let rest = buf.split_off(i + 4);
            return Ok((buf, rest));
        }
        let n = conn.read(&mut chunk)?;
        if n == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "closed before head",
            ));
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn parse_head(raw: Vec<u8>) -> Head {
    let text = String::from_utf8_lossy(&raw).into_owned();
    let mut lines = text.split("\r\n");
    let first = lines.next().unwrap_or_default();
    let mut parts = first.split(' ');
    let method = parts.next().unwrap_or_default().to_string();
    let path = parts.next().unwrap_or_default().to_string();
    let headers: Vec<(&str, &str)> = lines.filter_map(|l| l.split_once(':')).collect();
    let content_length = headers
        .iter()
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    let authorized = headers
        .iter()
        .any(|(k, _)| k.trim().eq_ignore_ascii_case("authorization"));
    Head {
        authorized,
        method,
        path,
        raw,
        content_length,
    }
}

/// The head with any `Connection` header replaced by `Connection: close`.
fn with_connection_close(raw: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(raw);
    let mut out = String::new();
    for line in text.trim_end_matches("\r\n").split("\r\n") {
        if line.to_ascii_lowercase().starts_with("connection:") {
            continue;
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str("Connection: close\r\n\r\n");
    out.into_bytes()
}

fn pick(rules: &Mutex<Vec<Rule>>, head: &Head) -> Option<Fault> {
    let mut rules = rules.lock().ok()?;
    let rule = rules.iter_mut().find(|r| {
        r.remaining > 0
            && (r.method.is_empty() || r.method == head.method)
            && head.path.contains(&r.path_contains)
    })?;
    rule.remaining -= 1;
    Some(rule.fault.clone())
}

fn handle(
    mut conn: TcpStream,
    upstream: &str,
    rules: &Mutex<Vec<Rule>>,
    log: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    conn.set_nonblocking(false)?;
    conn.set_read_timeout(Some(Duration::from_secs(60)))?;
    let (raw, mut body) = read_head(&mut conn)?;
    let head = parse_head(raw);
    while body.len() < head.content_length {
        let mut chunk = vec![0u8; (head.content_length - body.len()).min(1 << 16)];
        let n = conn.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let fault = pick(rules, &head);
    let record = |outcome: String| {
        if let Ok(mut l) = log.lock() {
            let auth = if head.authorized {
                " [authorization]"
            } else {
                ""
            };
            l.push(format!("{} {}{auth} -> {outcome}", head.method, head.path));
        }
    };
    match &fault {
        Some(Fault::Status { code, retry_after }) => {
            record(format!("fault status {code}"));
            let payload =
                format!(r#"{{"errors":[{{"code":"UNAVAILABLE","message":"injected {code}"}}]}}"#);
            let mut resp = format!(
                "HTTP/1.1 {code} Injected\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
                payload.len()
            );
            if let Some(s) = retry_after {
                resp.push_str(&format!("Retry-After: {s}\r\n"));
            }
            resp.push_str("\r\n");
            resp.push_str(&payload);
            conn.write_all(resp.as_bytes())?;
            return conn.shutdown(Shutdown::Both);
        }
        Some(Fault::Respond { code, headers }) => {
            record(format!("fault respond {code}"));
            let payload =
                format!(r#"{{"errors":[{{"code":"UNAUTHORIZED","message":"injected {code}"}}]}}"#);
            let mut resp = format!(
                "HTTP/1.1 {code} Injected\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
                payload.len()
            );
            for (name, value) in headers {
                resp.push_str(&format!("{name}: {value}\r\n"));
            }
            resp.push_str("\r\n");
            resp.push_str(&payload);
            conn.write_all(resp.as_bytes())?;
            return conn.shutdown(Shutdown::Both);
        }
        Some(Fault::Reset) => {
            record("fault reset".into());
            return conn.shutdown(Shutdown::Both);
        }
        _ => {}
    }
    let mut up = TcpStream::connect(upstream)?;
    up.set_read_timeout(Some(Duration::from_secs(120)))?;
    up.write_all(&with_connection_close(&head.raw))?;
    up.write_all(&body)?;
    let mut response = Vec::new();
    up.read_to_end(&mut response)?;
    match fault {
        Some(Fault::ForwardThenReset) => {
            record("fault forward-then-reset".into());
            conn.shutdown(Shutdown::Both)
        }
        Some(Fault::Truncate { bytes }) => {
            record(format!("fault truncate {bytes}"));
            let split = response
                .windows(4)
                .position(|w| w == b"\r\n\r\n")
                .map_or(response.len(), |i| i + 4);
            let end = (split + bytes).min(response.len());
            conn.write_all(&response[..end])?;
            conn.shutdown(Shutdown::Both)
        }
        _ => {
            let status = String::from_utf8_lossy(&response[..response.len().min(12)]).into_owned();
            record(format!(
                "forwarded {}",
                status.trim_start_matches("HTTP/1.1 ")
            ));
            conn.write_all(&response)?;
            conn.shutdown(Shutdown::Both)
        }
    }
}
