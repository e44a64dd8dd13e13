//! Recognising a guide made by `mus`: its identity, read from its XMP metadata. The type
//! and its reader live in [`crate::identity`], next to the writer's side of the contract.

pub use crate::identity::{
    GuideIdentity as GuideInfo, IdentityError, RequiredSigner, SignerRole, LEADER_SLOT,
    MANAGER_SLOT,
};
