//! Composing a guide: the [`guide`] model (what this leader gets) → [`templates`]
//! (handlebars → markup text) → [`markup`] (→ layout blocks), then laid out by
//! [`crate::layout`] and written by [`crate::pdf`].

pub mod error;
pub mod guide;
pub mod markup;
pub mod show;
pub mod templates;
