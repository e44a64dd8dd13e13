//! The deflated bytes of a stream met before in this process ([`Repeated`]): a font
//! program, a page of the framework's text. A batch's guides of one combination share
//! most of their streams; each is deflated once.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex};

use crate::pdf::save::Deflater;

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
