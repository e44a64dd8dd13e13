//! `mus serve`: the guide, the batch and the archive as Danish web pages, served from this
//! machine by the same binary.
//!
//! The handlers are thin, like the command line's commands: read the form, call the
//! operation, render its result. What the server adds is only what a web front end needs:
//! the host check, same-origin and CSRF checks, a login on network addresses, size limits,
//! security headers ([`security`], [`limits`]), the pages ([`pages`]) and the background
//! batch jobs ([`jobs`]). Nothing here parses a PDF, a roster or a framework itself.

mod assets;
mod config;
mod danish;
mod handlers;
mod jobs;
mod limits;
mod mutex;
mod pages;
mod posted;
mod random;
mod render;
mod router;
mod security;
mod server;
mod state;

pub use config::{ServeConfig, ServeOptions};
pub use router::router;
pub use server::run;
pub use state::AppState;
