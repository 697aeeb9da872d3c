//! How many heaps the C allocator keeps (glibc on Linux).
//!
//! Database work runs on the blocking thread pool, and glibc gives each new thread that finds the
//! others' heaps busy a heap of its own, up to eight per core, each keeping the memory it freed.
//! On SQLite, whose page caches, statements and sorts live in our process, 16 callers at a million
//! fundings peaked at 119 MiB resident; with one heap per core (two here) at 86 MiB, with two per
//! core at 96 MiB, at 25 % and 8 % fewer reads a second (README "Performance"). On PostgreSQL the
//! process stays under 50 MiB with glibc's default, so the cap is for SQLite only.

/// Caps glibc's heaps at one per core (at least two) unless the operator set `MALLOC_ARENA_MAX`,
/// which glibc reads itself (set it to trade memory for speed). Call in `main` before any thread
/// starts. Does nothing on other platforms.
pub fn limit() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        let arenas = libc::c_int::try_from(cores.max(2)).unwrap_or(libc::c_int::MAX);
        // SAFETY: `mallopt` only sets an allocator parameter; it is called before other threads
        // exist, and `M_ARENA_MAX` takes any positive count.
        #[allow(unsafe_code, reason = "the one call into the C allocator's settings")]
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, arenas);
        }
    }
}
