//! `load_archive` path-safety checks and limits. Messages were printed by the real helm 4.1.4
//! (`helm4 show chart x.tgz`) for archives with the same entries, built with Python's tarfile.

use std::io::Write;

use chartship_chart::LoadError;
use chartship_chart::loader::load_archive;

const CHART: &[u8] = b"apiVersion: v2\nname: c\nversion: 1.0.0\n";

/// A raw ustar header, so that names the `tar` crate would refuse to write can be tested.
fn header(name: &str, size: u64, typeflag: u8) -> [u8; 512] {
    let mut h = [0u8; 512];
    h[..name.len()].copy_from_slice(name.as_bytes());
    h[100..108].copy_from_slice(b"0000644\0");
    h[108..116].copy_from_slice(b"0000000\0");
    h[116..124].copy_from_slice(b"0000000\0");
    h[124..136].copy_from_slice(format!("{size:011o}\0").as_bytes());
    h[136..148].copy_from_slice(b"00000000000\0");
    h[156] = typeflag;
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    h
}

fn tar(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, data) in entries {
        out.extend_from_slice(&header(name, data.len() as u64, b'0'));
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.extend_from_slice(&[0u8; 1024]);
    out
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(data).expect("gzip");
    gz.finish().expect("gzip")
}

fn err(bytes: &[u8]) -> String {
    match load_archive(bytes) {
        Ok(_) => "loaded".into(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn path_checks_match_helm4() {
    type Entries<'a> = &'a [(&'a str, &'a [u8])];
    let cases: &[(Entries<'_>, &str)] = &[
        (
            &[("c/Chart.yaml", CHART), ("c//etc/passwd", b"x")],
            "chart illegally contains absolute paths",
        ),
        (
            &[("c/Chart.yaml", CHART), ("c/../../x", b"x")],
            "chart illegally references parent directory",
        ),
        (
            &[("Chart.yaml", CHART)],
            "chart illegally contains content outside the base directory: \"Chart.yaml\"",
        ),
        (
            &[("c/Chart.yaml", CHART), ("Chart.yaml/x", b"x")],
            "chart yaml not in base directory",
        ),
        (
            &[("c/Chart.yaml", CHART), ("c/C:/x", b"x")],
            "chart contains illegally named files",
        ),
        (&[], "no files in chart archive"),
        (
            &[("c/values.yaml", b"a: 1\n")],
            "Chart.yaml file is missing",
        ),
    ];
    for (entries, helm4) in cases {
        assert_eq!(err(&gzip(&tar(entries))), *helm4, "{entries:?}");
    }
}

#[test]
fn backslash_separators_and_any_top_directory() {
    let c = load_archive(&gzip(&tar(&[
        ("c\\Chart.yaml", CHART),
        ("c\\templates\\a.yaml", b"x: 1\n"),
    ])))
    .expect("helm4 accepts it");
    assert_eq!(c.metadata.name, "c");
    assert_eq!(c.templates[0].name, "templates/a.yaml");
    let c = load_archive(&gzip(&tar(&[
        ("whatever/Chart.yaml", CHART),
        ("whatever/a/./b//c", b"x"),
    ])))
    .expect("loads");
    assert_eq!(c.files[0].name, "a/b/c");
}

#[test]
fn links_and_directories_in_archives() {
    let mut t = Vec::new();
    t.extend_from_slice(&header("c/", 0, b'5'));
    t.extend_from_slice(&header("c/Chart.yaml", CHART.len() as u64, b'0'));
    t.extend_from_slice(CHART);
    t.resize(t.len().div_ceil(512) * 512, 0);
    // A symlink entry is read as a file of its (zero) size, never followed.
    t.extend_from_slice(&header("c/passwd", 0, b'2'));
    t.extend_from_slice(&[0u8; 1024]);
    let c = load_archive(&gzip(&t)).expect("loads");
    assert_eq!(c.files.len(), 1);
    assert_eq!(c.files[0].name, "passwd");
    assert!(c.files[0].data.is_empty());
}

#[test]
fn not_gzip() {
    assert_eq!(
        err(b"hello: world\n"),
        "the chart archive does not appear to be a gzipped archive; got 'application/octet-stream'"
    );
}

#[test]
fn declared_sizes_are_checked_before_reading() {
    // A header claiming 8 GiB, with no data behind it: refused without decompressing.
    let mut t = Vec::new();
    t.extend_from_slice(&header("c/Chart.yaml", CHART.len() as u64, b'0'));
    t.extend_from_slice(CHART);
    t.resize(512 * 2, 0);
    t.extend_from_slice(&header("c/huge", 0o77_777_777_777, b'0'));
    assert_eq!(
        err(&gzip(&t)),
        "decompressed chart is larger than the maximum size 104857600"
    );
    let mut t = Vec::new();
    t.extend_from_slice(&header("c/big.bin", 5 * 1024 * 1024 + 1, b'0'));
    assert_eq!(
        err(&gzip(&t)),
        "decompressed chart file \"c/big.bin\" is larger than the maximum file size 5242880"
    );
}

#[test]
fn gzip_bomb_stops_at_the_total_limit() {
    // 21 files of 5 MiB of zeros: 105 MiB decompressed from about 100 KiB.
    let zeros = vec![0u8; 5 * 1024 * 1024];
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut names = vec![("c/Chart.yaml".to_string(), CHART.len())];
    names.extend((0..21).map(|i| (format!("c/zero{i:02}"), zeros.len())));
    for (name, size) in &names {
        gz.write_all(&header(name, *size as u64, b'0'))
            .expect("gzip");
        if name == "c/Chart.yaml" {
            gz.write_all(CHART).expect("gzip");
            gz.write_all(&vec![0u8; 512 - CHART.len()]).expect("gzip");
        } else {
            gz.write_all(&zeros).expect("gzip");
        }
    }
    gz.write_all(&[0u8; 1024]).expect("gzip");
    let bomb = gz.finish().expect("gzip");
    assert!(bomb.len() < 1024 * 1024);
    assert_eq!(
        load_archive(&bomb).map(|_| ()),
        Err(LoadError::TooLarge(
            "decompressed chart is larger than the maximum size 104857600".into()
        ))
    );
}
