//! What the writer makes the same way for many guides, made once per process: a font
//! subset for a character set ([`Memo`]), and the deflated bytes of a stream met before
//! ([`Repeated`]: a font program, a page of the framework's text).
//!
//! A batch of 1,000 guides has a few dozen distinct combinations of level, focus and
//! form, and a few dozen character sets per face (the field font's 343 typed characters
//! cover nearly every name), yet each guide subset its faces and deflated every stream
//! again. A memo returns what the same input gave before, so the bytes are the same
//! whether or not it is hit, whatever else a process made and in whatever order; both are
//! bounded (emptied when full), so memory stays flat however long the batch.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hash};
use std::sync::{Arc, Mutex};

use crate::pdf::save::Deflater;

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
        let map = guard.get_or_insert_with(HashMap::new);
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

/// Digests of streams met once, kept at most: 1 MB.
const SEEN: usize = 1 << 16;

/// Deflated streams, kept from the second time their bytes are met: a stream met once
/// (a page with the leader's name) costs a digest in a set, one met again (a page of the
/// framework's text, a font program) is deflated no more.
pub struct Repeated {
    state: Mutex<Option<Kept>>,
    /// Bytes of kept streams (input and output) at most; past it all is forgotten.
    capacity: usize,
}

/// A stream's bytes, its level, and what they gave deflated.
type Stream = (Box<[u8]>, u32, Arc<[u8]>);

#[derive(Default)]
struct Kept {
    seen: HashSet<u64>,
    /// By digest: the stream's bytes, its level, its deflated bytes.
    streams: HashMap<u64, Vec<Stream>>,
    bytes: usize,
}

impl Repeated {
    pub const fn new(capacity: usize) -> Repeated {
        Repeated {
            state: Mutex::new(None),
            capacity,
        }
    }

    /// `data` deflated at `level` by `deflater`, or what that gave before.
    pub fn deflate(&self, deflater: &mut Deflater, data: &[u8], level: u32) -> Vec<u8> {
        let digest = std::hash::BuildHasherDefault::<std::hash::DefaultHasher>::default()
            .hash_one((level, data));
        let again = {
            let mut guard = self.lock();
            let kept = guard.get_or_insert_with(Kept::default);
            let hit = kept.streams.get(&digest).and_then(|list| {
                list.iter()
                    .find(|(bytes, l, _)| *l == level && **bytes == *data)
            });
            if let Some((_, _, out)) = hit {
                return out.to_vec();
            }
            if kept.seen.len() >= SEEN {
                kept.seen.clear();
            }
            !kept.seen.insert(digest)
        };
        let out = deflater.deflate(data, level);
        if again {
            let mut guard = self.lock();
            let kept = guard.get_or_insert_with(Kept::default);
            if kept.bytes + data.len() + out.len() > self.capacity {
                kept.streams.clear();
                kept.bytes = 0;
            }
            kept.bytes += data.len() + out.len();
            kept.streams.entry(digest).or_default().push((
                data.into(),
                level,
                out.as_slice().into(),
            ));
        }
        out
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Kept>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
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

    #[test]
    fn a_repeated_stream_deflates_as_a_fresh_one_from_its_third_time_on_from_the_memo() {
        let repeated = Repeated::new(1 << 20);
        let mut deflater = Deflater::new();
        let page: Vec<u8> = (0..5000u32).flat_map(|i| (i % 251).to_be_bytes()).collect();
        let fresh = deflater.deflate(&page, 4);
        for _ in 0..3 {
            assert_eq!(repeated.deflate(&mut deflater, &page, 4), fresh);
        }
        assert_eq!(repeated.lock().as_ref().unwrap().streams.len(), 1);
        // Another level is another stream.
        assert_eq!(
            repeated.deflate(&mut deflater, &page, 3),
            deflater.deflate(&page, 3)
        );
    }

    #[test]
    fn kept_streams_are_forgotten_past_the_capacity() {
        let repeated = Repeated::new(3000);
        let mut deflater = Deflater::new();
        for round in 0..3u8 {
            for n in 0..4u8 {
                let data = vec![n; 1000];
                let out = repeated.deflate(&mut deflater, &data, 4);
                assert_eq!(out, deflater.deflate(&data, 4), "round {round}, stream {n}");
            }
        }
        assert!(repeated.lock().as_ref().unwrap().bytes <= 3000);
    }
}
