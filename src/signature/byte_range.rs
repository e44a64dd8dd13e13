//! A signature's `/ByteRange`: the two stretches of the file it signs, and the hole
//! between them that must be exactly the `/Contents` hex string (ISO 32000-1, 12.8.1).

/// Why four numbers are not a usable `/ByteRange`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ByteRangeError {
    #[error("the /ByteRange has {0} numbers instead of four")]
    Count(usize),
    #[error("the /ByteRange has a negative number")]
    Negative,
    #[error(
        "the /ByteRange starts at byte {0} instead of 0, so the start of the file is not signed"
    )]
    Start(i64),
    #[error("the two ranges of the /ByteRange overlap")]
    Overlap,
    #[error(
        "the /ByteRange runs past the end of the file ({0} bytes): the file is cut short or \
         the signature is broken"
    )]
    PastEnd(usize),
    #[error(
        "the /ByteRange leaves bytes {from} to {to} unsigned, which are more (or other) than \
         the signature's /Contents string"
    )]
    Hole { from: usize, to: usize },
}

/// Two ranges: `[0, first_len)` and `[second_start, second_start + second_len)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    pub first_len: usize,
    pub second_start: usize,
    pub second_len: usize,
}

impl ByteRange {
    /// Checks the four numbers of a `/ByteRange` against a file of `pdf.len()` bytes:
    /// the ranges start at 0, do not overlap, stay inside the file, and leave exactly one
    /// hex string uncovered.
    pub fn from_values(values: &[i64], pdf: &[u8]) -> Result<Self, ByteRangeError> {
        let [start, first_len, second_start, second_len] = *values else {
            return Err(ByteRangeError::Count(values.len()));
        };
        let unsigned = |v: i64| usize::try_from(v).ok();
        let (Some(first_len), Some(second_start), Some(second_len)) = (
            unsigned(first_len),
            unsigned(second_start),
            unsigned(second_len),
        ) else {
            return Err(ByteRangeError::Negative);
        };
        if start != 0 {
            return Err(ByteRangeError::Start(start));
        }
        if second_start < first_len {
            return Err(ByteRangeError::Overlap);
        }
        second_start
            .checked_add(second_len)
            .filter(|&end| end <= pdf.len())
            .ok_or(ByteRangeError::PastEnd(pdf.len()))?;
        let range = ByteRange {
            first_len,
            second_start,
            second_len,
        };
        let hole = &pdf[first_len..second_start];
        let is_hex_string = hole.len() >= 2
            && hole[0] == b'<'
            && hole[hole.len() - 1] == b'>'
            && hole[1..hole.len() - 1].iter().all(u8::is_ascii_hexdigit);
        if !is_hex_string {
            return Err(ByteRangeError::Hole {
                from: first_len,
                to: second_start,
            });
        }
        Ok(range)
    }

    /// Where the signed part of the file ends: the signed revision is `pdf[..end]`.
    pub fn end(&self) -> usize {
        self.second_start + self.second_len
    }

    /// The two signed stretches of `pdf`.
    pub fn ranges<'a>(&self, pdf: &'a [u8]) -> [&'a [u8]; 2] {
        [&pdf[..self.first_len], &pdf[self.second_start..self.end()]]
    }

    /// The bytes of the hex string in the hole, decoded.
    pub fn contents(&self, pdf: &[u8]) -> Vec<u8> {
        let hex = &pdf[self.first_len + 1..self.second_start - 1];
        hex.chunks(2)
            .map(|pair| {
                let digit = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
                let hi = digit(pair[0]);
                let lo = pair.get(1).map_or(0, |&c| digit(c));
                hi << 4 | lo
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 10 signed bytes, a 6-byte hole "<0aBc>", 4 signed bytes.
    const PDF: &[u8] = b"0123456789<0aBc>WXYZ";

    #[test]
    fn a_good_byte_range_gives_ranges_and_contents() {
        let range = ByteRange::from_values(&[0, 10, 16, 4], PDF).unwrap();
        assert_eq!(range.end(), 20);
        assert_eq!(range.ranges(PDF), [&b"0123456789"[..], &b"WXYZ"[..]]);
        assert_eq!(range.contents(PDF), vec![0x0A, 0xBC]);
        // Ending before the end of the file is fine here (coverage is judged elsewhere).
        assert_eq!(
            ByteRange::from_values(&[0, 10, 16, 2], PDF).unwrap().end(),
            18
        );
    }

    #[test]
    fn absurd_byte_ranges_are_refused_with_a_reason() {
        let err = |values: &[i64]| ByteRange::from_values(values, PDF).unwrap_err().to_string();
        assert!(err(&[0, 10, 16]).contains("3 numbers instead of four"));
        assert!(err(&[1, 9, 16, 4]).contains("starts at byte 1"));
        assert!(err(&[0, -10, 16, 4]).contains("negative"));
        assert!(err(&[0, 10, 8, 4]).contains("overlap"));
        assert!(err(&[0, 10, 16, 5]).contains("runs past the end"));
        assert!(err(&[0, 10, 16, i64::MAX]).contains("runs past the end"));
        // A hole wider than the /Contents string, or not a hex string at all.
        assert!(err(&[0, 9, 16, 4]).contains("unsigned"));
        assert!(err(&[0, 10, 17, 3]).contains("unsigned"));
        assert!(err(&[0, 2, 4, 4]).contains("unsigned"));
        assert!(err(&[0, 10, 10, 4]).contains("unsigned"));
    }
}
