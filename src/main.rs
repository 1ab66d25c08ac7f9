//! The `baoku` command: a thin driver over the library (see `cli.rs`).

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
