//! The foundation: what every layer uses and that knows nothing of leaders, guides or
//! archives — text folding and matching ([`text`]), files written atomically and privately
//! ([`files`]), the embedded fonts and how text is measured ([`fonts`]), a bounded memo
//! of a pure function's results ([`memo`]), and XMP's extension-schema vocabulary
//! ([`xmp`]).

pub mod error;
pub mod files;
pub mod fonts;
pub mod memo;
pub mod text;
pub mod xmp;
