//! The `baoku` command: a thin driver over the library (see `cli/`), with the HTTP
//! server of `baoku serve` (see `serve/`).

mod cli;
mod serve;

fn main() -> std::process::ExitCode {
    cli::run()
}
