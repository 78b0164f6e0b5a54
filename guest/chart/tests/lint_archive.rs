//! `lint_archive` on fixture charts packed as `.tgz` (`tar czf x.tgz -C fixtures <case>`),
//! against `helm4 lint x.tgz` (helm 4.1.4). helm prints its temporary expansion directory
//! (`/tmp/helm-lint…/<name>`) in Dependencies messages; chartship prints the chart name.

use std::io::Write;
use std::path::PathBuf;

use chartship_chart::LoadError;
use chartship_chart::lint::lint_archive;

fn fixture(case: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/charts")
        .join(case)
}

fn packed(case: &str) -> Vec<u8> {
    packed_from(case, &fixture(case))
}

fn packed_from(case: &str, dir: &std::path::Path) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    builder.append_dir_all(case, dir).expect("tar");
    let tar = builder.into_inner().expect("tar");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar).expect("gzip");
    gz.finish().expect("gzip")
}

fn lines(bytes: &[u8]) -> Result<String, LoadError> {
    let report = lint_archive(bytes)?;
    Ok(report
        .diagnostics
        .iter()
        .map(|d| format!("[{}] {}: {}\n", d.severity.label(), d.path, d.message))
        .collect())
}

#[test]
fn dependencies_in_an_archive() {
    assert_eq!(
        lines(&packed("lint-dependencies-mismatch")),
        Ok("[INFO] values.yaml: file does not exist\n\
            [ERROR] lint-dependencies-mismatch: chart metadata is missing these dependencies: extra\n\
            [WARNING] lint-dependencies-mismatch: chart directory is missing these dependencies: postgresql,redis\n"
            .into())
    );
}

#[test]
fn chartfile_in_an_archive() {
    assert_eq!(
        lines(&packed("lint-chartfile-problems")),
        Ok(
            "[WARNING] Chart.yaml: failed to strictly parse chart metadata file\n\
            \terror unmarshaling JSON: while decoding JSON: json: unknown field \"unknownField\"\n\
            [ERROR] Chart.yaml: version should be of type string but it's of type float64\n\
            [ERROR] Chart.yaml: appVersion should be of type string but it's of type float64\n\
            [ERROR] Chart.yaml: invalid email 'jane-at-example' for maintainer 'Jane'\n\
            [ERROR] Chart.yaml: invalid source URL 'not a url'\n\
            [INFO] Chart.yaml: icon is recommended\n\
            [WARNING] Chart.yaml: version '1' is not a valid SemVerV2\n"
                .into()
        )
    );
}

#[test]
fn empty_directories_vanish_in_archives() {
    // helm expands only files, so an empty templates/ in the archive is gone. (git keeps no
    // empty directories, so the fixture's templates/ holds a file that is removed here.)
    let copy = tempfile::tempdir().expect("tempdir");
    let chart = copy.path().join("lint-crds-wrong-kind");
    std::fs::create_dir_all(chart.join("templates")).expect("mkdir");
    std::fs::copy(
        fixture("lint-crds-wrong-kind").join("Chart.yaml"),
        chart.join("Chart.yaml"),
    )
    .expect("copy");
    std::fs::create_dir_all(chart.join("crds")).expect("mkdir");
    for entry in std::fs::read_dir(fixture("lint-crds-wrong-kind").join("crds")).expect("crds") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), chart.join("crds").join(entry.file_name())).expect("copy");
    }
    assert_eq!(
        lines(&packed_from("lint-crds-wrong-kind", &chart)),
        Ok("[INFO] values.yaml: file does not exist\n\
            [WARNING] templates/: directory does not exist\n\
            [ERROR] crds/b.yml: apiVersion is not in 'apiextensions.k8s.io'\n\
            [ERROR] crds/b.yml: object kind is not 'CustomResourceDefinition'\n\
            [ERROR] crds/b.yml: object kind is not 'CustomResourceDefinition'\n"
            .into())
    );
}

#[test]
fn unsafe_archives_are_failed_charts() {
    // helm4 lint: `Error unable to extract tarball: chart illegally contains content outside
    // the base directory: "Chart.yaml"` and `… chart name not specified`.
    let mut builder = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_ustar();
    h.set_size(3);
    h.set_cksum();
    builder
        .append_data(&mut h, "Chart.yaml", &b"a: 1"[..3])
        .expect("tar");
    let tar = builder.into_inner().expect("tar");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar).expect("gzip");
    assert_eq!(
        lines(&gz.finish().expect("gzip")),
        Ok("[ERROR] : unable to extract tarball: chart illegally contains content outside the base directory: \"Chart.yaml\"\n".into())
    );
    // helm4 lint of a text file named x.tgz: `Error unable to extract tarball: gzip: invalid header`.
    assert_eq!(
        lines(b"apiVersion: v2\nname: not-an-archive\n"),
        Ok("[ERROR] : unable to extract tarball: gzip: invalid header\n".into())
    );
    assert_eq!(
        lines(&packed("lint-no-chart-yaml")),
        Ok("[ERROR] : unable to extract tarball: chart name not specified\n".into())
    );
}
