//! Deflate (`/FlateDecode`): one compressor per thread, reset between streams
//! ([`Deflater`]), and the deflated bytes of a stream met before in this process
//! ([`once`]: a font program, the structure tree and the form's dictionaries). A batch's
//! guides of one combination share most of their streams; each is deflated once. (A
//! page's body is made and deflated once by `pdf::page_body`, which keeps what it made
//! by the items it drew, not by their bytes.)

use std::sync::Arc;

use flate2::{Compress, Compression, FlushCompress, Status};

use crate::base::memo;

/// One deflate compressor, reset between streams: building a new one clears megabytes of
/// hash tables each time.
pub struct Deflater(Compress);

impl Deflater {
    pub fn new() -> Deflater {
        Deflater(Compress::new(Compression::new(3), true))
    }

    /// `data` deflated at `level` in the zlib format (`/FlateDecode`).
    pub fn deflate(&mut self, data: &[u8], level: u32) -> Vec<u8> {
        let deflate = &mut self.0;
        deflate.reset();
        // With no input pending this cannot fail; a failure would keep the old level.
        let _ = deflate.set_level(Compression::new(level));
        let mut out = Vec::with_capacity(data.len() / 2 + 64);
        loop {
            let consumed = deflate.total_in() as usize;
            match deflate.compress_vec(&data[consumed..], &mut out, FlushCompress::Finish) {
                Ok(Status::StreamEnd) => return out,
                Ok(_) => out.reserve(out.capacity().max(1024)),
                // Not reachable with in-memory buffers; fall back to storing.
                Err(_) => return zlib_stored(data),
            }
        }
    }
}

thread_local! {
    /// Each thread's compressor, kept between documents: making one is some 0.45 M
    /// instructions (a tenth of a millisecond) of clearing tables, a batch makes
    /// hundreds of guides per thread, and a reset clears the same tables anyway.
    static DEFLATER: std::cell::RefCell<Deflater> = std::cell::RefCell::new(Deflater::new());
}

/// Runs `f` with this thread's compressor (a fresh one if `f` is already running).
pub fn with_deflater<T>(f: impl FnOnce(&mut Deflater) -> T) -> T {
    DEFLATER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut deflater) => f(&mut deflater),
        Err(_) => f(&mut Deflater::new()),
    })
}

/// `data` as a zlib stream of stored (uncompressed) blocks.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let mut chunks = data.chunks(0xFFFF).peekable();
    if chunks.peek().is_none() {
        out.extend([1, 0, 0, 0xFF, 0xFF]);
    }
    while let Some(chunk) = chunks.next() {
        let len = chunk.len() as u16;
        out.push(u8::from(chunks.peek().is_none()));
        out.extend(len.to_le_bytes());
        out.extend((!len).to_le_bytes());
        out.extend(chunk);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + byte as u32) % 65521;
        b = (b + a) % 65521;
    }
    out.extend(((b << 16) | a).to_be_bytes());
    out
}

/// `data` deflated at `level` by `deflater`, or what that gave before in this process.
pub fn once(deflater: &mut Deflater, data: &[u8], level: u32) -> Vec<u8> {
    /// 32 MB of streams: the shared pages, fonts and object streams of a few hundred
    /// combinations.
    static STREAMS: Repeated = Repeated::new(32 << 20);
    STREAMS.deflate(deflater, data, level)
}

/// Deflated streams, kept from the second time their bytes are met
/// ([`memo::Repeated`], keyed by the level and the bytes): a stream met once (a footer
/// that names the guide) costs a digest in a set, one met again (a font program, the
/// form's dictionaries) is deflated no more.
pub struct Repeated(memo::Repeated<Vec<u8>>);

impl Repeated {
    /// `capacity`: bytes of kept streams (input and output) at most; past it all is
    /// forgotten.
    pub const fn new(capacity: usize) -> Repeated {
        Repeated(memo::Repeated::new(capacity))
    }

    /// `data` deflated at `level` by `deflater`, or what that gave before.
    pub fn deflate(&self, deflater: &mut Deflater, data: &[u8], level: u32) -> Vec<u8> {
        let out = self.0.get_or_make_ok(&[&level.to_le_bytes(), data], || {
            deflater.deflate(data, level)
        });
        // Not kept: this call's own bytes, taken without a copy.
        Arc::try_unwrap(out).unwrap_or_else(|kept| kept.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_zlib_inflates_to_the_input() {
        use std::io::Read;
        for data in [&b""[..], b"Hej med dig", &vec![7u8; 70_000]] {
            let mut back = Vec::new();
            flate2::read::ZlibDecoder::new(&zlib_stored(data)[..])
                .read_to_end(&mut back)
                .unwrap();
            assert_eq!(back, data);
        }
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
        assert_eq!(repeated.0.kept().0, 1);
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
        assert!(repeated.0.kept().1 <= 3000);
    }
}
