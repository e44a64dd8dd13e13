//! Bounded memos shared by the threads of a batch: what a pure function gave for an
//! input, made once per process. [`Memo`] is keyed by a value (the writer keeps font
//! subsets in one, layout the lines a paragraph breaks into); [`Repeated`] by bytes that
//! hold everything the value depends on, and keeps only what is asked for again (a
//! block's fragments, a page's body).
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

/// A value's size in bytes, as a bounded memo counts it.
pub trait Weight {
    fn weight(&self) -> usize;
}

impl Weight for Vec<u8> {
    fn weight(&self) -> usize {
        self.len()
    }
}

/// Digests of keys met once, kept at most (1 MB); past it they are forgotten.
const SEEN: usize = 1 << 16;

/// Values kept by the bytes of their key, from the second time the key is met: a key met
/// once (a page that names the leader) costs a digest in a set, one met again (a page of
/// the framework's text) is made no more. Keys are compared whole, never by digest alone.
pub struct Repeated<V> {
    state: Mutex<Option<Kept<V>>>,
    /// Bytes of kept keys and values at most; past it all is forgotten.
    capacity: usize,
}

/// A key's bytes and its value.
type Entry<V> = (Box<[u8]>, Arc<V>);

struct Kept<V> {
    seen: std::collections::HashSet<u64, foldhash::fast::FixedState>,
    /// By digest: the keys met again and their values.
    values: HashMap<u64, Vec<Entry<V>>>,
    bytes: usize,
}

impl<V: Weight> Repeated<V> {
    pub const fn new(capacity: usize) -> Repeated<V> {
        Repeated {
            state: Mutex::new(None),
            capacity,
        }
    }

    /// What `make` gave for `key` (its parts, read as one run of bytes) before, or what it
    /// gives now (kept if `key` was met before). `make` runs without the lock and depends
    /// on the key alone. A caller splits its keys the same way every time.
    pub fn get_or_make<E>(
        &self,
        key: &[&[u8]],
        make: impl FnOnce() -> Result<V, E>,
    ) -> Result<Arc<V>, E> {
        use std::hash::BuildHasher;
        let digest = foldhash::fast::FixedState::with_seed(0).hash_one(key);
        let is_key = |kept: &[u8]| {
            let mut rest = kept;
            key.iter()
                .all(|part| match rest.split_at_checked(part.len()) {
                    Some((head, tail)) if head == *part => {
                        rest = tail;
                        true
                    }
                    _ => false,
                })
                && rest.is_empty()
        };
        let again = {
            let mut guard = self.lock();
            let kept = guard.get_or_insert_with(Kept::new);
            let hit = kept
                .values
                .get(&digest)
                .and_then(|list| list.iter().find(|(k, _)| is_key(k)));
            if let Some((_, value)) = hit {
                return Ok(value.clone());
            }
            if kept.seen.len() >= SEEN {
                kept.seen.clear();
            }
            !kept.seen.insert(digest)
        };
        let value = Arc::new(make()?);
        if again {
            let mut guard = self.lock();
            let kept = guard.get_or_insert_with(Kept::new);
            let weight = key.iter().map(|part| part.len()).sum::<usize>() + value.weight();
            if kept.bytes + weight > self.capacity {
                kept.values.clear();
                kept.bytes = 0;
            }
            kept.bytes += weight;
            kept.values
                .entry(digest)
                .or_default()
                .push((key.concat().into(), value.clone()));
        }
        Ok(value)
    }

    /// [`Repeated::get_or_make`] of a `make` that cannot fail.
    pub fn get_or_make_ok(&self, key: &[&[u8]], make: impl FnOnce() -> V) -> Arc<V> {
        match self.get_or_make(key, || Ok::<_, std::convert::Infallible>(make())) {
            Ok(value) => value,
            Err(never) => match never {},
        }
    }

    /// How many values are kept, and their keys' and values' bytes.
    #[cfg(test)]
    pub fn kept(&self) -> (usize, usize) {
        self.lock().as_ref().map_or((0, 0), |kept| {
            (kept.values.values().map(Vec::len).sum(), kept.bytes)
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Kept<V>>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl<V> Kept<V> {
    fn new() -> Kept<V> {
        Kept {
            seen: Default::default(),
            values: Default::default(),
            bytes: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Weight for u32 {
        fn weight(&self) -> usize {
            4
        }
    }

    #[test]
    fn a_repeated_key_is_made_twice_then_kept_and_forgotten_past_the_capacity() {
        let memo: Repeated<u32> = Repeated::new(24);
        let made = std::cell::Cell::new(0);
        let get = |k: &[u8]| {
            *memo
                .get_or_make(&[k], || {
                    made.set(made.get() + 1);
                    Ok::<_, ()>(k.len() as u32)
                })
                .unwrap()
        };
        assert_eq!((get(b"abcd"), get(b"abcd"), get(b"abcd")), (4, 4, 4));
        // Made the first time (not kept), the second (kept), not the third.
        assert_eq!(made.get(), 2);
        // A key of the same digest's length but other bytes is another key.
        assert_eq!(get(b"abce"), 4);
        assert_eq!(made.get(), 3);
        // 4 + 4 bytes kept; a second key kept brings 16; a third goes past 24 and
        // forgets the first.
        get(b"efgh");
        get(b"ijkl");
        get(b"ijkl");
        assert_eq!(made.get(), 6);
        get(b"mnop");
        get(b"mnop");
        get(b"qrst");
        get(b"qrst");
        get(b"abcd");
        assert_eq!(made.get(), 11);
    }

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
