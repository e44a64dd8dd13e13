//! `mus` prepares Danish municipal leaders for their development dialogue (MUS/LUS): from a
//! leadership framework, a leader's level and this year's focus principles it makes a PDF
//! conversation guide.
//!
//! The layers import only downwards (ARCHITECTURE.md draws them): [`base`]; [`signature`]
//! and [`layout`]; [`model`]; [`pdf`]; [`compose`] and [`archive`]; [`report`]; the
//! operations of [`app`] (typed requests, typed results, no printing); and the front ends
//! that call them, the command line ([`cli`]) and the web pages ([`serve`]).

pub mod app;
pub mod archive;
pub mod base;
pub mod cli;
pub mod compose;
pub mod layout;
pub mod model;
pub mod pdf;
pub mod report;
pub mod serve;
pub mod signature;

pub use cli::{main_with_args, run, EXIT_ERROR};
