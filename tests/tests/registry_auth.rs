//! Authentication and transport against real registries: htpasswd Basic auth, the Docker-Hub-style
//! Bearer token flow, TLS with a test CA. Wrong or missing credentials fail with a classified error
//! that never contains the password (canary values).

mod registry_common;

use chartship::auth::{self, Credentials, Environment};
use chartship::registry::{self, Client, ClientOptions, PublishError, RegistryError, parse_target};
use std::time::Duration;

use chartship_tests::Helm;
use chartship_tests::registry_server::fault_proxy::{Fault, FaultProxy};
use chartship_tests::registry_server::{RegistryServer, Setup, USERNAME, canary};
use registry_common::*;

fn publish_err(server: &RegistryServer, opts: &ClientOptions, chart: &TestChart) -> RegistryError {
    let target = parse_target(&oci(&server.host, REPOSITORY), None).expect("target");
    match registry::publish(&target, &chart.artifact, "0.1.0", opts, false) {
        Err(PublishError::Registry(e)) => e,
        other => panic!("expected a registry error, got {other:?}"),
    }
}

#[test]
fn htpasswd_registry_accepts_the_right_password_only() {
    let server = RegistryServer::start(Setup::Htpasswd);
    let tmp = tempfile::tempdir().expect("tmp");
    let chart = package_chart(tmp.path(), "0.1.0", "Basic auth", 0);

    let anonymous = ClientOptions {
        credentials: None,
        ..options(&server)
    };
    let err = publish_err(&server, &anonymous, &chart);
    assert!(
        matches!(err, RegistryError::AuthenticationRequired { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("--password-stdin"), "{err}");

    let wrong = canary("wrong");
    let bad = ClientOptions {
        credentials: Some(Credentials::new(USERNAME, wrong.clone())),
        ..options(&server)
    };
    let err = publish_err(&server, &bad, &chart);
    assert!(
        matches!(err, RegistryError::BadCredentials { .. }),
        "{err:?}"
    );
    for text in [err.to_string(), format!("{err:?}"), format!("{bad:?}")] {
        assert_no_secret(&text, &wrong);
        assert_no_secret(&text, &server.password);
    }

    let target = parse_target(&oci(&server.host, REPOSITORY), None).expect("target");
    let published = registry::publish(&target, &chart.artifact, "0.1.0", &options(&server), false)
        .expect("publish");
    assert_eq!(published.digest, chart.artifact.manifest().digest);
    assert_no_secret(&server.log(), &server.password);

    let home = tmp.path().join("helm4");
    helm_login(Helm::V4, &home, &server);
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
fn token_registry_release_to_the_exact_repository_asks_push_scope_up_front() {
    let server = RegistryServer::start(Setup::Token);
    let tmp = tempfile::tempdir().expect("tmp");
    let chart = package_chart(tmp.path(), "0.1.0", "Token auth", 0);
    let target = parse_target(&oci(&server.host, REPOSITORY), None).expect("target");
    let published = registry::publish(&target, &chart.artifact, "0.1.0", &options(&server), false)
        .expect("publish");
    let issuer_log = server.issuer_log();
    let first = issuer_log.lines().next().expect("a token request");
    assert_eq!(
        first,
        format!("{USERNAME} repository:{REPOSITORY}:pull,push"),
        "first token must carry push scope:\n{issuer_log}"
    );
    assert_eq!(
        issuer_log.lines().count(),
        1,
        "one token for the whole publish:\n{issuer_log}"
    );

    let again = registry::publish(&target, &chart.artifact, "0.1.0", &options(&server), false)
        .expect("re-run");
    assert!(again.already_published);
    assert_eq!(again.digest, published.digest);

    for helm_version in [Helm::V4, Helm::V3] {
        let home = tmp.path().join(format!("home-{helm_version:?}"));
        helm_login(helm_version, &home, &server);
        assert_helm_accepts(
            helm_version,
            &home,
            &server,
            &oci(&server.host, REPOSITORY),
            "0.1.0",
            &chart.artifact.archive,
        );
    }
    let home = tmp.path().join("home-v39");
    helm_login(Helm::V39, &home, &server);
    assert_helm_accepts(
        Helm::V39,
        &home,
        &server,
        &oci(&server.host, REPOSITORY),
        "0.1.0",
        &chart.artifact.archive,
    );
}

#[test]
fn token_registry_wrong_password_and_anonymous_push_fail_clearly() {
    let server = RegistryServer::start(Setup::Token);
    let tmp = tempfile::tempdir().expect("tmp");
    let chart = package_chart(tmp.path(), "0.1.0", "Token auth", 0);

    let wrong = canary("wrong");
    let bad = ClientOptions {
        credentials: Some(Credentials::new(USERNAME, wrong.clone())),
        ..options(&server)
    };
    let err = publish_err(&server, &bad, &chart);
    assert!(
        matches!(err, RegistryError::BadCredentials { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("Docker ID"), "{err}");
    for text in [err.to_string(), format!("{err:?}")] {
        assert_no_secret(&text, &wrong);
    }

    let anonymous = ClientOptions {
        credentials: None,
        ..options(&server)
    };
    let err = publish_err(&server, &anonymous, &chart);
    assert!(
        matches!(err, RegistryError::AuthenticationRequired { .. }),
        "{err:?}"
    );

    let client = Client::new(&server.host, options(&server)).expect("client");
    assert_eq!(
        client.head_tag(REPOSITORY, "0.1.0").expect("head"),
        None,
        "nothing was published"
    );
    assert_no_secret(&server.issuer_log(), &server.password);
    assert_no_secret(&server.log(), &server.password);
}

#[test]
fn tls_registry_needs_the_ca_or_an_explicit_skip() {
    let server = RegistryServer::start(Setup::Tls);
    let tmp = tempfile::tempdir().expect("tmp");
    let chart = package_chart(tmp.path(), "0.1.0", "TLS", 0);

    let no_ca = ClientOptions {
        ca_file: None,
        ..options(&server)
    };
    let err = publish_err(&server, &no_ca, &chart);
    assert!(matches!(err, RegistryError::Tls { .. }), "{err:?}");
    assert!(err.to_string().contains("--ca-file"), "{err}");

    let plain = ClientOptions {
        plain_http: true,
        ..options(&server)
    };
    let err = publish_err(&server, &plain, &chart);
    assert!(
        !matches!(err, RegistryError::Tls { .. }),
        "plain HTTP to a TLS port is not a TLS error: {err:?}"
    );

    let target = parse_target(&oci(&server.host, REPOSITORY), None).expect("target");
    let published = registry::publish(&target, &chart.artifact, "0.1.0", &options(&server), false)
        .expect("with --ca-file");
    let skip = ClientOptions {
        ca_file: None,
        insecure_skip_tls_verify: true,
        ..options(&server)
    };
    let again = registry::publish(&target, &chart.artifact, "0.1.0", &skip, false)
        .expect("with skip verify");
    assert!(again.already_published);
    assert_eq!(again.digest, published.digest);

    let bad_ca = tmp.path().join("not-a-ca.pem");
    std::fs::write(&bad_ca, "not a certificate").expect("write");
    let err = Client::new(
        &server.host,
        ClientOptions {
            ca_file: Some(bad_ca),
            ..options(&server)
        },
    )
    .err()
    .expect("bad CA file");
    assert!(matches!(err, RegistryError::CaFile { .. }), "{err:?}");

    let home = tmp.path().join("helm4");
    helm_login(Helm::V4, &home, &server);
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
fn login_file_is_read_by_helm_and_by_lookup() {
    let server = RegistryServer::start(Setup::Htpasswd);
    let tmp = tempfile::tempdir().expect("tmp");
    let chart = package_chart(tmp.path(), "0.1.0", "Stored login", 0);
    let config = tmp.path().join("helm-home/registry.json");
    auth::login(
        &server.host,
        &Credentials::new(USERNAME, server.password.clone()),
        &config,
    )
    .expect("login");

    let env = Environment::from_vars([
        ("HELM_REGISTRY_CONFIG", config.display().to_string()),
        ("PATH", String::new()),
    ]);
    let found = auth::lookup_in(&server.host, None, &env).expect("stored credentials");
    let opts = ClientOptions {
        credentials: Some(found),
        ..options(&server)
    };
    let target = parse_target(&oci(&server.host, REPOSITORY), None).expect("target");
    registry::publish(&target, &chart.artifact, "0.1.0", &opts, false)
        .expect("publish with stored login");

    // helm uses the very same file (helm_home/registry.json is HELM_REGISTRY_CONFIG of Helm::command).
    let home = tmp.path().join("helm-home");
    assert_helm_accepts(
        Helm::V4,
        &home,
        &server,
        &oci(&server.host, REPOSITORY),
        "0.1.0",
        &chart.artifact.archive,
    );

    assert!(auth::logout(&server.host, &config).expect("logout"));
    assert!(auth::lookup_in(&server.host, None, &env).is_none());
}

#[test]
fn bearer_tokens_are_renewed_when_they_expire_or_are_refused() {
    // Tokens live 11 s; chartship renews 10 s early, so after 2 s the cached token is stale.
    let server = RegistryServer::start_with_token_ttl(Setup::Token, 11);
    let proxy = FaultProxy::start(&server.host);
    let tmp = tempfile::tempdir().expect("tmp");
    let chart = package_chart(tmp.path(), "0.1.0", "Token refresh", 0);
    let client = Client::new(&proxy.host, options(&server)).expect("client");
    client.intend_push(REPOSITORY);
    client
        .push(REPOSITORY, "0.1.0", &chart.artifact)
        .expect("push");
    let tokens = |s: &RegistryServer| s.issuer_log().lines().count();
    assert_eq!(tokens(&server), 1, "{}", server.issuer_log());

    std::thread::sleep(Duration::from_secs(2));
    assert!(
        client
            .head_tag(REPOSITORY, "0.1.0")
            .expect("head")
            .is_some()
    );
    assert_eq!(
        tokens(&server),
        2,
        "expired token renewed:\n{}",
        server.issuer_log()
    );

    // The registry refuses the (cached, still valid) token once: a new one is fetched and the request repeated.
    let realm = server.token_realm.clone().expect("realm");
    let challenge =
        format!(r#"Bearer realm="{realm}",service="test-registry",error="invalid_token""#);
    proxy.inject(
        "HEAD",
        "/manifests/0.1.0",
        Fault::Respond {
            code: 401,
            headers: vec![("WWW-Authenticate".into(), challenge)],
        },
        1,
    );
    assert!(
        client
            .head_tag(REPOSITORY, "0.1.0")
            .expect("head after refusal")
            .is_some()
    );
    assert_eq!(proxy.faults_injected(), 1);
    assert_eq!(
        tokens(&server),
        3,
        "refused token replaced:\n{}",
        server.issuer_log()
    );
    assert_no_secret(&server.issuer_log(), &server.password);
}
