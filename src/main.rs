//! The `mus` binary: parse the command line, run, map the outcome to an exit code.

// printpdf and lopdf allocate many small objects per guide; mimalloc keeps a batch of
// thousands of guides fast and its memory flat where the system allocator fragments.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    no_huge_pages();
    mus::main_with_args(std::env::args_os())
}

/// Transparent huge pages off for this process. mimalloc asks for them on its memory
/// (`MADV_HUGEPAGE`), and where the kernel gives them (set to `always`, or to `madvise` as
/// on the machines measured), a process's first touch of each 2 MB has it clear all 2 MB:
/// a tenth of a cold `mus guide` (BENCHMARKS.md, "The cold guide: templates in sections,
/// no huge pages"). A batch is as fast either way, and its peak memory lower. The kernel
/// checks the flag at each page fault, so memory mimalloc has asked for already is
/// covered too, but not what was touched before `main`: two huge pages a process, which
/// mimalloc's `no_thp` feature would avoid at no gain measured (BENCHMARKS.md, "A rating
/// read as readers show it on the archive's fast path").
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes an integer argument and touches no memory of ours.
    // It fails only on kernels older than 3.15, which leave huge pages as they were.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
