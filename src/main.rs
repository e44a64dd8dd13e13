//! The `mus` binary: parse the command line, run, map the outcome to an exit code.

// printpdf and lopdf allocate many small objects per guide; mimalloc keeps a batch of
// thousands of guides fast and its memory flat where the system allocator fragments.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    mus::main_with_args(std::env::args_os())
}
