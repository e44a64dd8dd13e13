//! The `mus` binary: parse the command line, run, map the outcome to an exit code.

fn main() -> std::process::ExitCode {
    mus::main_with_args(std::env::args_os())
}
