//! The `chartship` command.

use std::process::ExitCode;

fn main() -> ExitCode {
    chartship::cli::main()
}
