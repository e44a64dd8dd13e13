//! Recognising a guide made by `mus`: its identity, read from its XMP metadata. The type
//! and its reader live in [`crate::model::identity`], next to the writer's side of the contract.

pub use crate::model::identity::{
    GuideIdentity as GuideInfo, IdentityError, RequiredSigner, SignerRole, LEADER_SLOT,
    MANAGER_SLOT,
};
