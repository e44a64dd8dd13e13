//! Locking the server's shared state.

use std::sync::{Mutex, MutexGuard};

/// A poisoned lock means a handler panicked while holding it; the data (sets and maps
/// of independent entries) is still whole, so it is used on.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
