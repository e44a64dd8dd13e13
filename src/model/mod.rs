//! What mus knows before it makes anything: the leadership [`framework`], an HR
//! [`roster`] and the [`people`] a guide is for, the guide's [`identity`] (the contract
//! between a guide and the archive), what a guide carries into next year's
//! ([`followup`]), the file names guides get ([`naming`]) and a batch's [`manifest`].

pub mod error;
pub mod followup;
pub mod framework;
pub mod identity;
pub mod manifest;
pub mod naming;
pub mod people;
pub mod roster;
