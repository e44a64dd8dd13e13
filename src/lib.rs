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

pub mod app;
pub mod archive;
pub mod base;
pub mod cli;
pub mod compose;
pub mod layout;
pub mod model;
pub mod pdf;
pub mod report;
pub mod signature;

pub use cli::{main_with_args, run, EXIT_ERROR};
