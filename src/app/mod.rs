//! The operations every front end calls: typed requests in, typed results out. Nothing
//! here prints or chooses an exit code.

pub mod error;
