//! `mus` prepares Danish municipal leaders for their development dialogue (MUS/LUS): from a
//! leadership framework, a leader's level and this year's focus principles it makes a PDF
//! conversation guide.
//!
//! The pipeline runs one way: framework + request → [`config`] → [`guide`] model →
//! [`templates`] (handlebars → markup) → [`markup`] (→ [`blocks`]) → [`layout`] (pages of
//! positioned items) → [`pdf`] (bytes) → [`output`] (atomic file write).
//!
//! Every front end calls the operations of [`app`] (typed requests, typed results, no
//! printing); the command line ([`cli`]) is one of them.

pub mod answers;
pub mod app;
pub mod archive;
pub mod batch;
pub mod blocks;
pub mod cli;
pub mod config;
pub mod error;
pub mod fonts;
pub mod framework;
pub mod guide;
pub mod identity;
pub mod layout;
pub mod manifest;
pub mod markup;
pub mod matching;
pub mod naming;
pub mod output;
pub mod pdf;
pub mod previous;
pub mod report;
pub mod roster;
pub mod serve;
pub mod show;
pub mod signature;
pub mod templates;
pub mod tooltip;
pub mod xmp;

pub use cli::{main_with_args, run, EXIT_ERROR};
