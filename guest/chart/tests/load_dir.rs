//! `load_dir` on small charts built in temporary directories. Expected messages were printed by
//! the real helm 4.1.4 (`helm4 package <dir>`) for the same trees, except where chartship
//! deliberately differs (symbolic links that leave the chart).

use std::fs;
use std::path::Path;

use chartship_chart::LoadError;
use chartship_chart::loader::{load_archive, load_dir};

fn write(dir: &Path, name: &str, data: &[u8]) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("mkdir");
    }
    fs::write(path, data).expect("write");
}

fn chart(dir: &Path, name: &str) {
    write(
        dir,
        "Chart.yaml",
        format!("apiVersion: v2\nname: {name}\nversion: 1.0.0\n").as_bytes(),
    );
}

fn err_text(r: Result<chartship_chart::Chart, LoadError>) -> String {
    match r {
        Ok(_) => "loaded".into(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn walk_order_is_per_directory_byte_order() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    chart(d, "order");
    for f in [
        "a/x",
        "a-b",
        "a.txt",
        "B",
        "templates/z.yaml",
        "templates/a/b.yaml",
        "templates/a-b.yaml",
    ] {
        write(d, f, b"x");
    }
    let c = load_dir(d).expect("loads");
    let names: Vec<&str> = c.raw.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "B",
            "Chart.yaml",
            "a/x",
            "a-b",
            "a.txt",
            "templates/a/b.yaml",
            "templates/a-b.yaml",
            "templates/z.yaml"
        ]
    );
    let templates: Vec<&str> = c.templates.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        templates,
        [
            "templates/a/b.yaml",
            "templates/a-b.yaml",
            "templates/z.yaml"
        ]
    );
}

#[test]
fn bom_is_stripped_from_every_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    write(
        d,
        "Chart.yaml",
        b"\xEF\xBB\xBFapiVersion: v2\nname: bom\nversion: 1.0.0\n",
    );
    write(d, "values.yaml", b"\xEF\xBB\xBFa: 1\n");
    write(d, "README.md", b"\xEF\xBB\xBFhi");
    let c = load_dir(d).expect("loads");
    assert_eq!(c.metadata.name, "bom");
    assert_eq!(c.values.as_deref(), Some(&b"a: 1\n"[..]));
    assert_eq!(c.files[0].data, b"hi");
    assert!(c.chart_yaml.starts_with(b"apiVersion"));
}

#[test]
fn classification() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    chart(d, "cls");
    write(d, "values.yaml", b"a: 1\n");
    write(d, "values.schema.json", b"{}");
    write(
        d,
        "Chart.lock",
        b"digest: sha256:00\ngenerated: \"2026-01-02T03:04:05Z\"\ndependencies: []\n",
    );
    write(d, "templates/deep/x.anything", b"x");
    write(d, "crds/c.yaml", b"x");
    write(d, "charts/sub-1.0.0.tgz.prov", b"sig");
    write(d, "charts/_ignored/x", b"x");
    write(d, "charts/.hidden/x", b"x");
    write(d, "nested/values.yaml", b"- not checked\n");
    let c = load_dir(d).expect("loads");
    assert!(c.lock.is_some());
    assert_eq!(c.schema.as_deref(), Some(&b"{}"[..]));
    let files: Vec<&str> = c.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        files,
        [
            "charts/sub-1.0.0.tgz.prov",
            "crds/c.yaml",
            "nested/values.yaml"
        ]
    );
    assert_eq!(c.templates.len(), 1);
    assert!(c.dependencies.is_empty());
    assert!(
        !c.raw.iter().any(|f| f.name == "Chart.lock")
            || c.files.iter().all(|f| f.name != "Chart.lock")
    );
}

#[test]
fn requirements_yaml_overlays_metadata() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    write(
        d,
        "Chart.yaml",
        b"apiVersion: v1\nname: old\nversion: 1.0.0\n",
    );
    write(
        d,
        "requirements.yaml",
        b"dependencies:\n- name: dep\n  version: 1.x\n  repository: https://x.io\n",
    );
    write(
        d,
        "charts/dep/Chart.yaml",
        b"apiVersion: v1\nname: dep\nversion: 1.2.0\n",
    );
    let c = load_dir(d).expect("loads");
    assert_eq!(c.metadata.dependencies.len(), 1);
    assert!(
        c.files.iter().any(|f| f.name == "requirements.yaml"),
        "kept for v1 charts"
    );
    let tmp2 = tempfile::tempdir().expect("tempdir");
    let d2 = tmp2.path();
    chart(d2, "new");
    write(d2, "requirements.yaml", b"dependencies:\n- name: dep\n");
    let c2 = load_dir(d2).expect("loads");
    assert_eq!(c2.metadata.dependencies.len(), 1);
    assert!(c2.files.is_empty(), "not kept for v2 charts");
}

#[test]
fn subcharts_as_directories_and_archives_sorted_by_name() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    chart(d, "parent");
    // Directory names differ from chart names: the chart name is what counts.
    write(
        d,
        "charts/zz-dir/Chart.yaml",
        b"apiVersion: v2\nname: alpha\nversion: 1.0.0\n",
    );
    write(d, "charts/zz-dir/templates/a.yaml", b"x: 1\n");
    let inner = tempfile::tempdir().expect("tempdir");
    write(
        inner.path(),
        "Chart.yaml",
        b"apiVersion: v2\nname: beta\nversion: 2.0.0\n",
    );
    let tgz = tgz(&[
        (
            "beta/Chart.yaml",
            b"apiVersion: v2\nname: beta\nversion: 2.0.0\n",
        ),
        ("beta/values.yaml", b"b: 2\n"),
    ]);
    write(d, "charts/aa-beta-2.0.0.tgz", &tgz);
    let c = load_dir(d).expect("loads");
    let names: Vec<&str> = c
        .dependencies
        .iter()
        .map(|s| s.metadata.name.as_str())
        .collect();
    assert_eq!(names, ["alpha", "beta"]);
    assert_eq!(c.dependencies[0].templates[0].name, "templates/a.yaml");
    assert_eq!(c.dependencies[1].values.as_deref(), Some(&b"b: 2\n"[..]));
}

/// A gzipped tar with the given entries (regular files).
fn tgz(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, data) in entries {
        let mut h = tar::Header::new_ustar();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        builder.append_data(&mut h, name, *data).expect("append");
    }
    let tar = builder.into_inner().expect("tar");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &tar).expect("gzip");
    gz.finish().expect("gzip")
}

#[test]
fn subchart_errors_match_helm4() {
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "charts/README.txt",
            b"x\n",
            "error unpacking subchart README.txt in p: Chart.yaml file is missing",
        ),
        (
            "charts/x-1.0.0.tar.gz",
            b"x\n",
            "error unpacking subchart x-1.0.0.tar.gz in p: Chart.yaml file is missing",
        ),
        (
            "charts/sub-1.0.0.tgz",
            b"x\n",
            "error unpacking subchart sub-1.0.0.tgz in p: unexpected EOF",
        ),
        (
            "charts/s/Chart.yaml",
            b"apiVersion: v2\nname: s\nversion: x\n",
            "error unpacking subchart s in p: validation: chart.metadata.version \"x\" is invalid",
        ),
        (
            "charts/a.tgz/x",
            b"x",
            "error unpacking subchart tar in p: expected a.tgz, got a.tgz/x",
        ),
    ];
    for (path, data, helm4) in cases {
        let tmp = tempfile::tempdir().expect("tempdir");
        chart(tmp.path(), "p");
        write(tmp.path(), path, data);
        assert_eq!(err_text(load_dir(tmp.path())), *helm4, "{path}");
    }
}

#[test]
fn file_size_limit_matches_helm4() {
    let tmp = tempfile::tempdir().expect("tempdir");
    chart(tmp.path(), "big");
    write(tmp.path(), "ok.bin", &vec![0u8; 5 * 1024 * 1024]);
    assert!(load_dir(tmp.path()).is_ok(), "exactly 5 MiB is allowed");
    write(tmp.path(), "big.bin", &vec![0u8; 5 * 1024 * 1024 + 1]);
    let e = load_dir(tmp.path()).map(|_| ());
    assert_eq!(
        e,
        Err(LoadError::TooLarge(
            "chart file \"big.bin\" is larger than the maximum file size 5242880".into()
        ))
    );
}

#[test]
fn missing_chart_yaml_and_version_dispatch() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write(tmp.path(), "values.yaml", b"a: 1\n");
    let e = err_text(load_dir(tmp.path()));
    assert!(
        e.starts_with("unable to detect chart at ")
            && e.ends_with("/Chart.yaml: no such file or directory"),
        "{e}"
    );
    write(
        tmp.path(),
        "Chart.yaml",
        b"apiVersion: v9\nname: x\nversion: 1.0.0\n",
    );
    assert_eq!(err_text(load_dir(tmp.path())), "unsupported chart version");
    write(tmp.path(), "Chart.yaml", b"name: x\nversion: 1.0.0\n");
    let c = load_dir(tmp.path()).expect("loads");
    assert_eq!(
        c.metadata.api_version, "v1",
        "empty apiVersion defaults to v1"
    );
}

#[cfg(unix)]
mod unix {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn irregular_files_are_refused_like_helm4() {
        let tmp = tempfile::tempdir().expect("tempdir");
        write(
            tmp.path(),
            "Chart.yaml",
            b"apiVersion: v2\nname: fifo\nversion: 1.0.0\nicon: https://x.io/i.png\n",
        );
        let pipe = tmp.path().join("pipe");
        let status = std::process::Command::new("mkfifo").arg(&pipe).status();
        if !status.is_ok_and(|s| s.success()) {
            return; // no mkfifo on this machine
        }
        assert_eq!(
            load_dir(tmp.path()).map(|_| ()),
            Err(LoadError::Io(format!(
                "cannot load irregular file {} as it has file mode type bits set",
                pipe.display()
            )))
        );
        // helm4 lint reports it as a finding of the Templates and Dependencies groups.
        write(tmp.path(), "templates/cm.yaml", b"a: 1\n");
        let report = chartship_chart::lint::lint_dir(tmp.path()).expect("lint runs");
        let expected = format!(
            "cannot load irregular file {} as it has file mode type bits set",
            pipe.display()
        );
        let found: Vec<(&str, &str)> = report
            .diagnostics
            .iter()
            .map(|d| (d.path.as_str(), d.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("values.yaml", "file does not exist"),
                ("templates/", expected.as_str()),
                ("", format!("unable to load chart\n\t{expected}").as_str()),
            ]
        );
        // An ignored irregular file is never looked at.
        write(tmp.path(), ".helmignore", b"pipe\n");
        assert!(load_dir(tmp.path()).is_ok());
    }

    #[test]
    fn links_inside_the_chart_are_followed() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let d = tmp.path();
        chart(d, "links");
        write(d, "files/real.txt", b"real");
        write(d, "shared/conf/app.yaml", b"conf");
        symlink("files/real.txt", d.join("alias.txt")).expect("symlink");
        symlink("../shared/conf", d.join("files/conf")).expect("symlink");
        symlink("alias.txt", d.join("chain.txt")).expect("symlink");
        let c = load_dir(d).expect("loads");
        let get = |n: &str| c.raw.iter().find(|f| f.name == n).map(|f| f.data.clone());
        assert_eq!(get("alias.txt"), Some(b"real".to_vec()));
        assert_eq!(get("chain.txt"), Some(b"real".to_vec()));
        assert_eq!(
            get("files/conf/app.yaml"),
            Some(b"conf".to_vec()),
            "linked dir keeps the link's name"
        );
    }

    #[test]
    fn links_out_of_the_chart_are_refused() {
        let outside = tempfile::tempdir().expect("tempdir");
        write(outside.path(), "secret.txt", b"secret");
        let targets = [
            "/etc/passwd".to_string(),
            outside.path().join("secret.txt").display().to_string(),
            "../outside.txt".to_string(),
            "templates/../../x".to_string(),
        ];
        for target in targets {
            let tmp = tempfile::tempdir().expect("tempdir");
            let d = tmp.path();
            chart(d, "esc");
            write(d, "templates/cm.yaml", b"x: 1\n");
            symlink(&target, d.join("leak.txt")).expect("symlink");
            match load_dir(d) {
                Err(LoadError::Io(m)) => {
                    assert!(m.contains(&d.join("leak.txt").display().to_string()), "{m}");
                    assert!(m.contains(&target), "{m}");
                    assert!(
                        m.contains("chartship does not follow links out of the chart (helm would)"),
                        "{m}"
                    );
                }
                other => panic!("link to {target} was not refused: {other:?}"),
            }
        }
    }

    #[test]
    fn a_chain_that_leaves_through_a_second_link_is_refused() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let d = tmp.path();
        chart(d, "chain");
        symlink("/etc", d.join("etc")).expect("symlink");
        write(d, ".helmignore", b"/etc\n");
        // `etc` itself is ignored, but `passwd.txt -> etc/passwd` goes through it.
        symlink("etc/passwd", d.join("passwd.txt")).expect("symlink");
        match load_dir(d) {
            Err(LoadError::Io(m)) => assert!(m.contains("through the link"), "{m}"),
            other => panic!("not refused: {other:?}"),
        }
    }

    #[test]
    fn an_escaping_chart_yaml_link_is_refused_before_reading() {
        let outside = tempfile::tempdir().expect("tempdir");
        write(
            outside.path(),
            "Chart.yaml",
            b"apiVersion: v2\nname: x\nversion: 1.0.0\n",
        );
        let tmp = tempfile::tempdir().expect("tempdir");
        symlink(
            outside.path().join("Chart.yaml"),
            tmp.path().join("Chart.yaml"),
        )
        .expect("symlink");
        assert!(matches!(load_dir(tmp.path()), Err(LoadError::Io(_))));
    }

    #[test]
    fn dangling_link_matches_helm4() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let d = tmp.path();
        chart(d, "dangling");
        symlink("nowhere", d.join("link.txt")).expect("symlink");
        assert_eq!(
            err_text(load_dir(d)),
            format!(
                "error evaluating symlink {}: lstat {}: no such file or directory",
                d.join("link.txt").display(),
                d.join("nowhere").display()
            )
        );
    }

    #[test]
    fn link_cycles_end() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let d = tmp.path();
        chart(d, "cycle");
        fs::create_dir_all(d.join("a")).expect("mkdir");
        symlink("..", d.join("a/up")).expect("symlink");
        assert!(matches!(load_dir(d), Err(LoadError::Io(_))));
        let tmp2 = tempfile::tempdir().expect("tempdir");
        let d2 = tmp2.path();
        chart(d2, "loop");
        symlink("l2", d2.join("l1")).expect("symlink");
        symlink("l1", d2.join("l2")).expect("symlink");
        assert!(load_dir(d2).is_err());
    }

    #[test]
    fn ignored_escaping_links_are_skipped_unignored_ones_refused() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let d = tmp.path();
        chart(d, "ign");
        symlink("/etc/passwd", d.join("leak.txt")).expect("symlink");
        write(d, ".helmignore", b"leak.txt\n");
        let c = load_dir(d).expect("an ignored link is never read");
        assert!(c.raw.iter().all(|f| f.name != "leak.txt"));
        // A rule that only ignores directories cannot tell without following the link.
        write(d, ".helmignore", b"leak.txt/\n");
        assert!(matches!(load_dir(d), Err(LoadError::Io(_))));
    }
}

#[test]
fn load_archive_round_trip() {
    let bytes = tgz(&[
        (
            "anything/Chart.yaml",
            b"apiVersion: v2\nname: arc\nversion: 1.0.0\n",
        ),
        ("anything/templates/a.yaml", b"\xEF\xBB\xBFa: 1\n"),
    ]);
    let c = load_archive(&bytes).expect("loads");
    assert_eq!(c.metadata.name, "arc");
    assert_eq!(c.templates[0].data, b"a: 1\n");
}
