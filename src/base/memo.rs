//! A bounded memo shared by the threads of a batch: what a pure function gave for an
//! input, made once per process. The writer keeps font subsets in one, layout the lines
//! a paragraph breaks into.
//!
//! A batch of 1,000 guides has a few dozen distinct combinations of level, focus and
//! form, so most of what each guide asks for was asked before. A memo returns what the
//! same input gave before, so the result is the same whether or not it is hit, whatever
//! else a process made and in whatever order; it is emptied when full, so memory stays
//! flat however long the batch.

use std::hash::Hash;
use std::sync::{Arc, Mutex};

/// Keys are hashed with foldhash, not SipHash: a guide looks up every paragraph's text
/// here, and no key comes from an adversary who could aim collisions at a bounded memo.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

/// A bounded map from inputs to what they gave, shared by the threads of a batch.
pub struct Memo<K, V> {
    map: Mutex<Option<HashMap<K, Arc<V>>>>,
    /// Entries kept at most; at the next insertion past it the memo is emptied.
    capacity: usize,
}

impl<K: Eq + Hash, V> Memo<K, V> {
    pub const fn new(capacity: usize) -> Memo<K, V> {
        Memo {
            map: Mutex::new(None),
            capacity,
        }
    }

    /// What `make` gave for `key`, made now unless it was made before. `make` runs
    /// without the lock, so two threads may both make a value for a new key: the same
    /// value, since `make` depends on the key alone.
    pub fn get_or_make<E>(
        &self,
        key: K,
        make: impl FnOnce(&K) -> Result<V, E>,
    ) -> Result<Arc<V>, E> {
        if let Some(hit) = self.lock().as_ref().and_then(|m| m.get(&key)) {
            return Ok(hit.clone());
        }
        let value = Arc::new(make(&key)?);
        let mut guard = self.lock();
        let map = guard.get_or_insert_with(HashMap::default);
        if map.len() >= self.capacity {
            map.clear();
        }
        map.insert(key, value.clone());
        Ok(value)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<HashMap<K, Arc<V>>>> {
        // A panic while holding the lock leaves a map of finished values: still good.
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_made_once_per_key_and_again_after_the_memo_is_emptied() {
        let memo: Memo<u32, u32> = Memo::new(2);
        let made = std::cell::Cell::new(0);
        let get = |k: u32| {
            *memo
                .get_or_make(k, |k| {
                    made.set(made.get() + 1);
                    Ok::<_, ()>(k * 10)
                })
                .unwrap()
        };
        assert_eq!((get(1), get(2), get(1)), (10, 20, 10));
        assert_eq!(made.get(), 2);
        // A third key empties the memo, so 1 is made again.
        assert_eq!((get(3), get(1)), (30, 10));
        assert_eq!(made.get(), 4);
    }

    #[test]
    fn a_failure_is_not_remembered() {
        let memo: Memo<u32, u32> = Memo::new(4);
        assert!(memo.get_or_make(1, |_| Err("no")).is_err());
        assert_eq!(*memo.get_or_make(1, |_| Ok::<_, &str>(5)).unwrap(), 5);
    }
}
