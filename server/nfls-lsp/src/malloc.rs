//! How many arenas glibc's allocator may use.
//!
//! glibc gives a thread that allocates while other threads do an arena of its own (up to eight
//! per core), and memory freed into one arena serves only the threads attached to it. The
//! server builds each version's analysis on whichever threads are free at the time (the
//! blocking pool, the validation and model threads), so the memory of the version it replaces
//! often stays resident in an arena the new version does not use. With two arenas, the peak
//! after the first edit of a 1 MB template is about 2 MiB lower, and first diagnostics,
//! complete diagnostics and diagnostics after an edit measured the same (see the README's
//! performance section). A `MALLOC_ARENA_MAX` in the environment wins.

/// The arenas the server allows.
const ARENAS: i32 = 2;

/// Limits glibc's arenas to [`ARENAS`] unless `MALLOC_ARENA_MAX` is set; call before the
/// server starts its threads. Returns whether the limit was set (never on other C libraries).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub(crate) fn limit_arenas() -> bool {
    if std::env::var_os("MALLOC_ARENA_MAX").is_some() {
        return false;
    }
    // SAFETY: `mallopt` only sets a parameter of the allocator; it takes no pointers.
    unsafe { libc::mallopt(libc::M_ARENA_MAX, ARENAS) == 1 }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub(crate) fn limit_arenas() -> bool {
    false
}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    #[test]
    fn glibc_takes_the_limit() {
        // The tests' environment does not set MALLOC_ARENA_MAX; glibc answers 1 on success.
        assert_eq!(std::env::var_os("MALLOC_ARENA_MAX"), None);
        assert!(super::limit_arenas());
    }
}
