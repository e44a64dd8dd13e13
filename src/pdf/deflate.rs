//! Deflate (`/FlateDecode`): one compressor per thread, reset between streams
//! ([`Deflater`]), and the deflated bytes of a stream met before in this process
//! ([`once`]: a font program, the structure tree and the form's dictionaries). A batch's
//! guides of one combination share most of their streams; each is deflated once. (A
//! page's body is made and deflated once by `pdf::page_body`, which keeps what it made
//! by the items it drew, not by their bytes.)

use std::sync::Arc;

use crate::base::memo;

/// The one deflate level of everything mus writes. libdeflate's level 6 beats zlib-rs at
/// the levels mus used (3 for fonts and the cross-reference stream, 4 for pages and the
/// structure tree, 6 for the form's dictionaries) on every kind of stream, in bytes and
/// in time; level 7 gains 0.2 % for 10 % more time (BENCHMARKS.md, "libdeflate").
const LEVEL: i32 = 6;

/// One deflate compressor (libdeflate, whole buffers), kept between streams: making one
/// allocates its match finder.
pub struct Deflater {
    compressor: libdeflater::Compressor,
    /// Where a stream is deflated, libdeflate's bound long, before its bytes are copied
    /// out at their own size: zeroed once as it grows, not for every stream, and a kept
    /// stream holds its deflated bytes, not the bound's.
    scratch: Vec<u8>,
}

impl Deflater {
    pub fn new() -> Deflater {
        let level = libdeflater::CompressionLvl::new(LEVEL).expect("6 is a valid level");
        Deflater {
            compressor: libdeflater::Compressor::new(level),
            scratch: Vec::new(),
        }
    }

    /// `data` deflated in the zlib format (`/FlateDecode`).
    pub fn deflate(&mut self, data: &[u8]) -> Vec<u8> {
        let bound = self.compressor.zlib_compress_bound(data.len());
        if self.scratch.len() < bound {
            self.scratch.resize(bound, 0);
        }
        match self
            .compressor
            .zlib_compress(data, &mut self.scratch[..bound])
        {
            Ok(len) => self.scratch[..len].to_vec(),
            // Not reachable: the output has libdeflate's own bound. Stored, if it were.
            Err(_) => zlib_stored(data),
        }
    }
}

thread_local! {
    /// Each thread's compressor, kept between documents: a batch makes hundreds of
    /// guides per thread.
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

/// `data` deflated by `deflater`, or what that gave before in this process (or before
/// it was built: [`KNOWN`]).
pub fn once(deflater: &mut Deflater, data: &[u8]) -> Vec<u8> {
    /// 32 MB of streams: the shared pages, fonts and object streams of a few hundred
    /// combinations.
    static STREAMS: Repeated = Repeated::new(32 << 20);
    if let Some((_, deflated)) = KNOWN.iter().find(|(raw, _)| *raw == data) {
        return deflated.to_vec();
    }
    STREAMS.deflate(deflater, data)
}

/// Streams nearly every guide has, each with what [`Deflater::deflate`] gives for it,
/// kept with the source instead of deflated again in every process. One for now: the
/// program of the field font's subset (the regular face subset to
/// `form::typed_characters`, 343 glyphs, 21 KB), whose deflating was about 6 % of a cold
/// `mus guide`'s instructions. A guide whose page text needs more of the regular face
/// has another subset, deflated as before. Compared whole, byte for byte, so a guide is
/// the same bytes whether or not one is found here; a test
/// (`pdf::tests::the_known_streams_are_what_subsetting_and_deflating_give_now`) makes
/// them again from the fonts, subsetter and libdeflate of the build and fails, saying
/// how to write them anew, when any of those changed.
pub(crate) const KNOWN: &[(&[u8], &[u8])] = &[(
    include_bytes!("../../fonts/known/NotoSans-Regular.typed.ttf"),
    include_bytes!("../../fonts/known/NotoSans-Regular.typed.ttf.zlib"),
)];

/// The files [`KNOWN`] is read from, in its order, from the crate's root.
#[cfg(test)]
pub(crate) const KNOWN_FILES: &[(&str, &str)] = &[(
    "fonts/known/NotoSans-Regular.typed.ttf",
    "fonts/known/NotoSans-Regular.typed.ttf.zlib",
)];

/// Deflated streams, kept from the second time their bytes are met
/// ([`memo::Repeated`], keyed by the bytes): a stream met once (a footer
/// that names the guide) costs a digest in a set, one met again (a font program, the
/// form's dictionaries) is deflated no more.
pub struct Repeated(memo::Repeated<Vec<u8>>);

impl Repeated {
    /// `capacity`: bytes of kept streams (input and output) at most; past it all is
    /// forgotten.
    pub const fn new(capacity: usize) -> Repeated {
        Repeated(memo::Repeated::new(capacity))
    }

    /// `data` deflated by `deflater`, or what that gave before.
    pub fn deflate(&self, deflater: &mut Deflater, data: &[u8]) -> Vec<u8> {
        let out = self.0.get_or_make_ok(&[data], || deflater.deflate(data));
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
    fn deflated_streams_inflate_to_their_input() {
        use std::io::Read;
        let mut deflater = Deflater::new();
        let page: Vec<u8> = (0..50_000u32)
            .flat_map(|i| (i % 251).to_be_bytes())
            .collect();
        for data in [&b""[..], b"BT /F1 10 Tf (Hej) Tj ET", &page] {
            let out = deflater.deflate(data);
            let mut back = Vec::new();
            flate2::read::ZlibDecoder::new(&out[..])
                .read_to_end(&mut back)
                .unwrap();
            assert_eq!(back, data);
        }
        assert!(deflater.deflate(&page).len() < page.len() / 10);
    }

    #[test]
    fn a_repeated_stream_deflates_as_a_fresh_one_from_its_third_time_on_from_the_memo() {
        let repeated = Repeated::new(1 << 20);
        let mut deflater = Deflater::new();
        let page: Vec<u8> = (0..5000u32).flat_map(|i| (i % 251).to_be_bytes()).collect();
        let fresh = deflater.deflate(&page);
        for _ in 0..3 {
            assert_eq!(repeated.deflate(&mut deflater, &page), fresh);
        }
        assert_eq!(repeated.0.kept().0, 1);
    }

    #[test]
    fn kept_streams_are_forgotten_past_the_capacity() {
        let repeated = Repeated::new(3000);
        let mut deflater = Deflater::new();
        for round in 0..3u8 {
            for n in 0..4u8 {
                let data = vec![n; 1000];
                let out = repeated.deflate(&mut deflater, &data);
                assert_eq!(out, deflater.deflate(&data), "round {round}, stream {n}");
            }
        }
        assert!(repeated.0.kept().1 <= 3000);
    }
}
