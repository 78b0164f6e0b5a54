//! Manual comparison helper: `CHART_DIR=… OUT=….tgz cargo test -p chartship-chart --test
//! package_helper -- --ignored` packages a directory with chartship's core so the archive can be
//! compared with `helm package` output.

use std::path::Path;

use chartship_chart::package::{PackageOptions, package};

#[test]
#[ignore = "manual helper, needs CHART_DIR and OUT"]
fn package_dir_from_env() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::var("CHART_DIR")?;
    let out = std::env::var("OUT")?;
    let chart = chartship_chart::loader::load_dir(Path::new(&dir))?;
    let packaged = package(
        &chart,
        &PackageOptions {
            source_date_epoch: 1_700_000_000,
            ..PackageOptions::default()
        },
    )?;
    std::fs::write(&out, &packaged.archive)?;
    println!("{} {}", packaged.file_name, packaged.sha256);
    Ok(())
}
