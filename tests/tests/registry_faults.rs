//! Faults between chartship and a real registry (a fault-injecting proxy): 429 with Retry-After,
//! 503, connections closed before or after the registry acted, truncated bodies. A publish must end
//! in success or a clean failure, and the tag must never point at anything half-published.

mod registry_common;

use std::time::{Duration, Instant};

use chartship::registry::{self, Client, ClientOptions, PublishError, RegistryError, Target};
use chartship_tests::Helm;
use chartship_tests::registry_server::fault_proxy::{Fault, FaultProxy};
use chartship_tests::registry_server::{RegistryServer, Setup};
use registry_common::*;

fn via(proxy: &FaultProxy) -> Target {
    Target::Oci {
        registry: proxy.host.clone(),
        repository: REPOSITORY.into(),
    }
}

fn direct(server: &RegistryServer) -> Client {
    Client::new(&server.host, options(server)).expect("client")
}

#[test]
fn transient_faults_are_retried_and_the_publish_succeeds() {
    let server = RegistryServer::start(Setup::Plain);
    let proxy = FaultProxy::start(&server.host);
    let tmp = tempfile::tempdir().expect("tmp");
    let chart = package_chart(tmp.path(), "0.1.0", "Faulty network", 0);
    proxy.inject(
        "POST",
        "/blobs/uploads/",
        Fault::Status {
            code: 429,
            retry_after: Some(1),
        },
        1,
    );
    proxy.inject("PUT", "/blobs/uploads/", Fault::Reset, 1);
    proxy.inject(
        "PUT",
        "/manifests/0.1.0",
        Fault::Status {
            code: 503,
            retry_after: None,
        },
        1,
    );
    proxy.inject(
        "HEAD",
        "/manifests/0.1.0",
        Fault::Status {
            code: 502,
            retry_after: None,
        },
        1,
    );
    let started = Instant::now();
    let published = registry::publish(
        &via(&proxy),
        &chart.artifact,
        "0.1.0",
        &options(&server),
        false,
    )
    .expect("publish");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 must be honoured"
    );
    assert_eq!(proxy.faults_injected(), 4, "{:#?}", proxy.log());
    assert_eq!(published.digest, chart.artifact.manifest().digest);
    assert_eq!(
        direct(&server).head_tag(REPOSITORY, "0.1.0").expect("head"),
        Some(published.digest)
    );
    let home = tmp.path().join("helm");
    assert_helm_accepts(
        Helm::V4,
        &home,
        &server,
        &oci(&server.host, REPOSITORY),
        "0.1.0",
        &chart.artifact.archive,
    );
}

#[test]
fn a_lost_answer_to_the_manifest_put_is_retried_safely() {
    let server = RegistryServer::start(Setup::Plain);
    let proxy = FaultProxy::start(&server.host);
    let tmp = tempfile::tempdir().expect("tmp");
    let chart = package_chart(tmp.path(), "0.1.0", "Lost answer", 0);
    proxy.inject("PUT", "/manifests/", Fault::ForwardThenReset, 1);
    proxy.inject("PUT", "/blobs/uploads/", Fault::ForwardThenReset, 1);
    let published = registry::publish(
        &via(&proxy),
        &chart.artifact,
        "0.1.0",
        &options(&server),
        false,
    )
    .expect("publish");
    assert_eq!(proxy.faults_injected(), 2, "{:#?}", proxy.log());
    assert_eq!(
        direct(&server).head_tag(REPOSITORY, "0.1.0").expect("head"),
        Some(published.digest)
    );
}

#[test]
fn persistent_failures_end_cleanly_with_the_tag_unchanged() {
    let server = RegistryServer::start(Setup::Plain);
    let proxy = FaultProxy::start(&server.host);
    let tmp = tempfile::tempdir().expect("tmp");
    let first = package_chart(tmp.path(), "0.1.0", "First build", 0);
    let changed = package_chart(tmp.path(), "0.1.0", "Changed content", 0);
    let target = via(&proxy);
    let original = registry::publish(&target, &first.artifact, "0.1.0", &options(&server), false)
        .expect("first");

    // Manifest PUT always fails: blobs get uploaded, the tag must not move.
    proxy.inject(
        "PUT",
        "/manifests/",
        Fault::Status {
            code: 503,
            retry_after: None,
        },
        usize::MAX,
    );
    let err = registry::publish(&target, &changed.artifact, "0.1.0", &options(&server), true)
        .expect_err("503 forever");
    assert!(
        matches!(
            err,
            PublishError::Registry(RegistryError::Status { status: 503, .. })
        ),
        "{err:?}"
    );
    assert_eq!(
        direct(&server).head_tag(REPOSITORY, "0.1.0").expect("head"),
        Some(original.digest.clone())
    );
    proxy.clear();

    // Every blob upload connection is cut: the session restarts a bounded number of times, then fails.
    let third = package_chart(tmp.path(), "0.1.0", "Third build, never uploaded", 0);
    proxy.inject("PUT", "/blobs/uploads/", Fault::Reset, usize::MAX);
    let err = registry::publish(&target, &third.artifact, "0.1.0", &options(&server), true)
        .expect_err("resets forever");
    assert!(
        matches!(
            err,
            PublishError::Registry(RegistryError::Connection { .. })
        ),
        "{err:?}"
    );
    let resets = proxy
        .log()
        .iter()
        .filter(|l| l.starts_with("PUT") && l.contains("fault reset"))
        .count();
    assert_eq!(
        resets,
        fast_retry().max_attempts as usize,
        "bounded attempts: {:#?}",
        proxy.log()
    );
    let now = direct(&server)
        .resolve_tag(REPOSITORY, "0.1.0")
        .expect("resolve")
        .expect("tag");
    assert_eq!(
        now.digest, original.digest,
        "a failed publish never moves the tag"
    );
    proxy.clear();
}

#[test]
fn a_long_retry_after_fails_at_once_saying_when_to_retry() {
    let server = RegistryServer::start(Setup::Plain);
    let proxy = FaultProxy::start(&server.host);
    let tmp = tempfile::tempdir().expect("tmp");
    let chart = package_chart(tmp.path(), "0.1.0", "Rate limited", 0);
    proxy.inject(
        "",
        "/v2/",
        Fault::Status {
            code: 429,
            retry_after: Some(3600),
        },
        usize::MAX,
    );
    let started = Instant::now();
    let err = registry::publish(
        &via(&proxy),
        &chart.artifact,
        "0.1.0",
        &options(&server),
        false,
    )
    .expect_err("429");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "must not wait an hour"
    );
    match &err {
        PublishError::Registry(RegistryError::RateLimited { retry_after, .. }) => {
            assert_eq!(*retry_after, Some(Duration::from_secs(3600)));
        }
        other => panic!("expected rate limiting, got {other:?}"),
    }
    assert!(err.to_string().contains("retry after 3600 s"), "{err}");
    assert_eq!(
        direct(&server).head_tag(REPOSITORY, "0.1.0").expect("head"),
        None
    );
}

#[test]
fn truncated_bodies_are_detected_and_read_again() {
    let server = RegistryServer::start(Setup::Plain);
    let proxy = FaultProxy::start(&server.host);
    let tmp = tempfile::tempdir().expect("tmp");
    let chart = package_chart(tmp.path(), "0.1.0", "Truncated", 0);
    let published = registry::publish(
        &via(&proxy),
        &chart.artifact,
        "0.1.0",
        &options(&server),
        false,
    )
    .expect("publish");
    let client = Client::new(&proxy.host, options(&server)).expect("client");
    let layer = chart.artifact.layer_descriptor();
    proxy.inject("GET", "/blobs/sha256:", Fault::Truncate { bytes: 100 }, 1);
    assert_eq!(
        client.fetch_blob(REPOSITORY, &layer.digest).expect("blob"),
        chart.artifact.archive
    );
    proxy.inject("GET", "/manifests/0.1.0", Fault::Truncate { bytes: 50 }, 1);
    let resolved = client
        .resolve_tag(REPOSITORY, "0.1.0")
        .expect("resolve")
        .expect("tag");
    assert_eq!(resolved.digest, published.digest);
    assert_eq!(proxy.faults_injected(), 2, "{:#?}", proxy.log());
}

#[test]
fn large_archives_go_up_in_chunks_and_a_cut_chunk_restarts_the_session() {
    let server = RegistryServer::start(Setup::Plain);
    let proxy = FaultProxy::start(&server.host);
    let tmp = tempfile::tempdir().expect("tmp");
    let chart = package_chart(tmp.path(), "0.1.0", "Large", 40_000);
    assert!(
        chart.artifact.archive.len() > 3 * 8192,
        "archive must span several chunks"
    );
    let opts = ClientOptions {
        chunk_size: 8192,
        ..options(&server)
    };
    proxy.inject("PATCH", "/blobs/uploads/", Fault::Reset, 1);
    let published = registry::publish(&via(&proxy), &chart.artifact, "0.1.0", &opts, false)
        .expect("chunked publish");
    let log = proxy.log();
    let patches = log.iter().filter(|l| l.starts_with("PATCH")).count();
    assert!(
        patches > chart.artifact.archive.len() / 8192,
        "chunked upload expected: {log:#?}"
    );
    assert_eq!(proxy.faults_injected(), 1);
    assert_eq!(published.digest, chart.artifact.manifest().digest);
    let home = tmp.path().join("helm");
    assert_helm_accepts(
        Helm::V4,
        &home,
        &server,
        &oci(&server.host, REPOSITORY),
        "0.1.0",
        &chart.artifact.archive,
    );
}

#[test]
fn blob_reads_follow_redirects_to_storage() {
    let server = RegistryServer::start(Setup::Plain);
    let proxy = FaultProxy::start(&server.host);
    let tmp = tempfile::tempdir().expect("tmp");
    let chart = package_chart(tmp.path(), "0.1.0", "Redirected", 0);
    let client = Client::new(&proxy.host, options(&server)).expect("client");
    client
        .push(REPOSITORY, "0.1.0", &chart.artifact)
        .expect("push");
    let digest = chart.artifact.layer_descriptor().digest;
    // Like a registry sending blobs from object storage: 307 to another host (here the registry itself).
    let storage = format!("http://{}/v2/{REPOSITORY}/blobs/{digest}", server.host);
    proxy.inject(
        "GET",
        "/blobs/sha256:",
        Fault::Respond {
            code: 307,
            headers: vec![("Location".into(), storage)],
        },
        1,
    );
    assert_eq!(
        client.fetch_blob(REPOSITORY, &digest).expect("blob"),
        chart.artifact.archive
    );
    assert_eq!(proxy.faults_injected(), 1, "{:#?}", proxy.log());
}

#[test]
fn a_redirect_to_another_host_never_carries_the_credentials() {
    let registry = RegistryServer::start(Setup::Htpasswd);
    let storage_backend = RegistryServer::start(Setup::Plain);
    let front = FaultProxy::start(&registry.host);
    let storage = FaultProxy::start(&storage_backend.host);
    let tmp = tempfile::tempdir().expect("tmp");
    let chart = package_chart(tmp.path(), "0.1.0", "Storage redirect", 0);
    let client = Client::new(&front.host, options(&registry)).expect("client");
    client
        .push(REPOSITORY, "0.1.0", &chart.artifact)
        .expect("push");
    direct(&storage_backend)
        .push(REPOSITORY, "0.1.0", &chart.artifact)
        .expect("push to storage");
    let digest = chart.artifact.layer_descriptor().digest;
    let location = format!("http://{}/v2/{REPOSITORY}/blobs/{digest}", storage.host);
    front.inject(
        "GET",
        "/blobs/sha256:",
        Fault::Respond {
            code: 307,
            headers: vec![("Location".into(), location)],
        },
        1,
    );
    assert_eq!(
        client.fetch_blob(REPOSITORY, &digest).expect("blob"),
        chart.artifact.archive
    );
    assert!(
        front.log().iter().any(|l| l.contains("[authorization]")),
        "{:#?}",
        front.log()
    );
    let storage_log = storage.log();
    assert!(
        !storage_log.is_empty() && storage_log.iter().all(|l| !l.contains("[authorization]")),
        "{storage_log:#?}"
    );
}
