//! Packages a chart directory with chartship's core, natively, so the archive can be compared
//! with `helm package` output: `cargo run -p chartship-chart --example package_dir -- DIR OUT.tgz`.

use std::path::Path;

use chartship_chart::package::{PackageOptions, package};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(out)) = (args.next(), args.next()) else {
        return Err("usage: package_dir <chart-dir> <out.tgz>".into());
    };
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
