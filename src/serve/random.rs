//! Secrets: tokens, session ids and keys, from the operating system's random source.

use crate::base::files::hex;

/// Fills `buf` from the operating system's random source.
pub fn fill_random(buf: &mut [u8]) {
    // Without randomness no token would be secret: better not to serve at all.
    getrandom::getrandom(buf).expect("the operating system's random source is unavailable");
}

/// `bytes` random bytes as lower-case hex.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    fill_random(&mut buf);
    hex(&buf)
}
