//! publish() against a real registry (plain HTTP) and an OCI layout: safe re-runs, conflicts,
//! non-charts, helm 3.9 / 3.18 / 4 pulling what was pushed, and blobs identical to `helm push`.

mod registry_common;

use chartship::registry::{
    self, ANNOTATION_REF_NAME, Client, HELM_CONFIG_MEDIA_TYPE, OCI_IMAGE_CONFIG_MEDIA_TYPE,
    OCI_MANIFEST_MEDIA_TYPE, PublishError, Target, inspect_manifest, parse_target,
};
use chartship_tests::Helm;
use chartship_tests::registry_server::{RegistryServer, Setup};
use registry_common::*;

#[test]
fn rerun_is_already_published_and_changed_content_conflicts_until_forced() {
    let server = RegistryServer::start(Setup::Plain);
    let tmp = tempfile::tempdir().expect("tmp");
    let first = package_chart(tmp.path(), "0.1.0", "First build", 0);
    let changed = package_chart(tmp.path(), "0.1.0", "Changed content", 0);
    let target = parse_target(&oci(&server.host, REPOSITORY), None).expect("target");
    let opts = options(&server);

    let published =
        registry::publish(&target, &first.artifact, "0.1.0", &opts, false).expect("first publish");
    assert!(!published.already_published);
    assert_eq!(published.digest, first.artifact.manifest().digest);
    assert_eq!(
        published.reference,
        format!("{}/{REPOSITORY}:0.1.0", server.host)
    );

    let rerun = registry::publish(&target, &first.artifact, "0.1.0", &opts, false).expect("re-run");
    assert!(rerun.already_published, "identical re-run must be a no-op");
    assert_eq!(rerun.digest, published.digest);

    let err = registry::publish(&target, &changed.artifact, "0.1.0", &opts, false)
        .expect_err("changed content");
    match &err {
        PublishError::Conflict { existing, new, .. } => {
            assert_eq!(existing, &published.digest);
            assert_eq!(new, &changed.artifact.manifest().digest);
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(err.exit_code(), chartship::exit::CONFLICT);
    let text = err.to_string();
    assert!(
        text.contains(&published.digest) && text.contains("--force"),
        "{text}"
    );
    let client = Client::new(&server.host, opts.clone()).expect("client");
    let resolved = client
        .resolve_tag(REPOSITORY, "0.1.0")
        .expect("resolve")
        .expect("tag exists");
    assert_eq!(
        resolved.digest, published.digest,
        "a refused publish must leave the tag unchanged"
    );
    assert_eq!(
        resolved.config_media_type.as_deref(),
        Some(HELM_CONFIG_MEDIA_TYPE)
    );

    let forced =
        registry::publish(&target, &changed.artifact, "0.1.0", &opts, true).expect("forced");
    assert_eq!(forced.replaced.as_deref(), Some(published.digest.as_str()));
    assert_eq!(
        client
            .resolve_tag(REPOSITORY, "0.1.0")
            .expect("resolve")
            .expect("tag")
            .digest,
        forced.digest
    );
}

#[test]
fn a_container_image_under_the_tag_is_never_replaced() {
    let server = RegistryServer::start(Setup::Plain);
    let tmp = tempfile::tempdir().expect("tmp");
    let chart = package_chart(tmp.path(), "1.0.0", "A chart", 0);
    let opts = options(&server);
    let client = Client::new(&server.host, opts.clone()).expect("client");
    let config =
        br#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#;
    let cfg = client.push_blob("app/image", config).expect("config blob");
    let image = format!(
        r#"{{"schemaVersion":2,"mediaType":"{OCI_MANIFEST_MEDIA_TYPE}","config":{{"mediaType":"{OCI_IMAGE_CONFIG_MEDIA_TYPE}","digest":"{}","size":{}}},"layers":[]}}"#,
        cfg.digest, cfg.size
    );
    let image_digest = client
        .put_manifest(
            "app/image",
            "1.0.0",
            OCI_MANIFEST_MEDIA_TYPE,
            image.as_bytes(),
        )
        .expect("image");
    let target = Target::Oci {
        registry: server.host.clone(),
        repository: "app/image".into(),
    };
    for force in [false, true] {
        let err = registry::publish(&target, &chart.artifact, "1.0.0", &opts, force)
            .expect_err("not a chart");
        assert!(
            matches!(err, PublishError::NotAChart { .. }),
            "force={force}: {err:?}"
        );
        assert!(err.to_string().contains("container image"), "{err}");
    }
    assert_eq!(
        client.head_tag("app/image", "1.0.0").expect("head"),
        Some(image_digest)
    );
}

#[test]
fn helm_3_9_3_18_and_4_pull_show_and_template_both_target_layouts() {
    let server = RegistryServer::start(Setup::Plain);
    let tmp = tempfile::tempdir().expect("tmp");
    let chart = package_chart(tmp.path(), "0.2.0+build.7", "Released by chartship", 0);
    let tag = registry::tag_for_version("0.2.0+build.7");
    assert_eq!(tag, "0.2.0_build.7");
    let opts = options(&server);
    let exact = parse_target(&oci(&server.host, REPOSITORY), None).expect("exact");
    let appended = parse_target(&oci(&server.host, "savantly"), Some(CHART)).expect("append");
    assert_eq!(
        appended,
        Target::Oci {
            registry: server.host.clone(),
            repository: format!("savantly/{CHART}")
        }
    );
    registry::publish(&exact, &chart.artifact, &tag, &opts, false).expect("publish exact");
    registry::publish(&appended, &chart.artifact, &tag, &opts, false).expect("publish appended");
    for helm_version in [Helm::V4, Helm::V3, Helm::V39] {
        let home = tmp.path().join(format!("home-{helm_version:?}"));
        std::fs::create_dir_all(&home).expect("home");
        for repo in [REPOSITORY.to_string(), format!("savantly/{CHART}")] {
            assert_helm_accepts(
                helm_version,
                &home,
                &server,
                &oci(&server.host, &repo),
                "0.2.0+build.7",
                &chart.artifact.archive,
            );
        }
    }
}

#[test]
fn config_and_layer_blobs_equal_what_helm4_push_uploads() {
    let server = RegistryServer::start(Setup::Plain);
    let tmp = tempfile::tempdir().expect("tmp");
    let chart = package_chart(
        tmp.path(),
        "0.3.0",
        "A Helm chart for <Kubernetes> & friends",
        0,
    );
    let opts = options(&server);
    let target = parse_target(&oci(&server.host, REPOSITORY), None).expect("target");
    registry::publish(&target, &chart.artifact, "0.3.0", &opts, false).expect("publish");
    chartship_tests::run_ok(&mut helm(
        Helm::V4,
        tmp.path(),
        &server,
        &[
            "push",
            chart.tgz.to_str().expect("utf8"),
            &oci(&server.host, "helmref"),
        ],
    ));
    let client = Client::new(&server.host, opts).expect("client");
    let theirs = client
        .fetch_manifest(&format!("helmref/{CHART}"), "0.3.0")
        .expect("fetch")
        .expect("helm's manifest");
    let ours = client
        .fetch_manifest(REPOSITORY, "0.3.0")
        .expect("fetch")
        .expect("our manifest");
    // With helm's annotation values (its `created` comes from the archive's mtime), chartship's
    // manifest is byte-identical to helm's.
    let helm_manifest: serde_json::Value = serde_json::from_slice(&theirs.bytes).expect("json");
    let annotations = helm_manifest["annotations"]
        .as_object()
        .expect("annotations")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("string").to_string()))
        .collect();
    let same = chartship::registry::ChartArtifact {
        annotations,
        ..chart.artifact.clone()
    };
    assert_eq!(
        String::from_utf8_lossy(&same.manifest().bytes),
        String::from_utf8_lossy(&theirs.bytes),
        "manifest bytes differ from helm's"
    );
    assert_eq!(same.manifest().digest, theirs.digest);
    let theirs = inspect_manifest(&theirs.bytes, None).expect("json");
    let ours_info = inspect_manifest(&ours.bytes, None).expect("json");
    assert_eq!(ours_info.config, theirs.config, "config descriptor");
    assert_eq!(ours_info.layers, theirs.layers, "layer descriptors");
    let helm_config = client
        .fetch_blob(
            &format!("helmref/{CHART}"),
            &theirs.config.expect("config").digest,
        )
        .expect("blob");
    assert_eq!(
        String::from_utf8_lossy(&helm_config),
        chart.artifact.config_json
    );
    // Same JSON shape as helm's manifest: no mediaType field, same key order.
    let text = String::from_utf8(ours.bytes).expect("utf8");
    assert!(
        text.starts_with(
            r#"{"schemaVersion":2,"config":{"mediaType":"application/vnd.cncf.helm.config.v1+json""#
        ),
        "{text}"
    );
    assert!(
        !text.contains(r#""mediaType":"application/vnd.oci.image.manifest.v1+json""#),
        "{text}"
    );
}

#[test]
fn oci_layout_target_writes_a_standard_layout_with_the_same_rules() {
    let tmp = tempfile::tempdir().expect("tmp");
    let first = package_chart(tmp.path(), "0.1.0", "First build", 0);
    let changed = package_chart(tmp.path(), "0.1.0", "Changed content", 0);
    let dir = tmp.path().join("layout");
    let target =
        parse_target(&format!("oci-layout:{}", dir.display()), None).expect("layout target");
    let opts = chartship::registry::ClientOptions::default();
    let published =
        registry::publish(&target, &first.artifact, "0.1.0", &opts, false).expect("layout publish");
    assert_eq!(
        std::fs::read_to_string(dir.join("oci-layout")).expect("marker"),
        r#"{"imageLayoutVersion":"1.0.0"}"#
    );
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("index.json")).expect("index"))
            .expect("json");
    let entry = &index["manifests"][0];
    assert_eq!(entry["digest"], published.digest.as_str());
    assert_eq!(entry["annotations"][ANNOTATION_REF_NAME], "0.1.0");
    for (descriptor, bytes) in first.artifact.blobs() {
        let hex = descriptor.digest.trim_start_matches("sha256:");
        assert_eq!(
            std::fs::read(dir.join("blobs/sha256").join(hex)).expect("blob"),
            bytes
        );
    }
    let manifest = std::fs::read(
        dir.join("blobs/sha256")
            .join(published.digest.trim_start_matches("sha256:")),
    )
    .expect("manifest");
    assert_eq!(manifest, first.artifact.manifest().bytes);
    assert!(
        registry::publish(&target, &first.artifact, "0.1.0", &opts, false)
            .expect("re-run")
            .already_published
    );
    let err =
        registry::publish(&target, &changed.artifact, "0.1.0", &opts, false).expect_err("conflict");
    assert_eq!(err.exit_code(), chartship::exit::CONFLICT, "{err}");
    let forced =
        registry::publish(&target, &changed.artifact, "0.1.0", &opts, true).expect("force");
    assert_eq!(forced.replaced, Some(published.digest));
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("index.json")).expect("index"))
            .expect("json");
    assert_eq!(
        index["manifests"].as_array().expect("array").len(),
        1,
        "the tag is replaced, not duplicated"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn docker_hub_nested_path_is_refused_before_any_network_call() {
    // No registry is running and the host is not contacted: the error comes from parsing alone.
    let err = parse_target(
        "oci://registry-1.docker.io/savantly/charts/nexus-command",
        None,
    )
    .expect_err("3 levels");
    let text = err.to_string();
    assert!(
        text.contains("two segments") && text.contains("401"),
        "{text}"
    );
    assert!(
        parse_target(
            "oci://registry-1.docker.io/savantly/nexus-command-helm",
            None
        )
        .is_ok()
    );
}
