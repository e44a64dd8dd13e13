//! The guide's identity: whom it is for, what it covers, and who must sign it where. The
//! PDF writer puts it into the guide's XMP metadata ([`GuideIdentity::to_xmp_properties`]);
//! the archive reads it back from a PDF ([`GuideIdentity::from_pdf`]). One type for both
//! sides, so the contract between them is never spelled twice.
//!
//! Not responsible for signatures themselves (`signature`) nor for anything in the
//! guide's answers: an identity says who and when, never what was said.

mod error;
mod packet;
mod pdf;

use chrono::{Datelike, NaiveDate};

pub use error::IdentityError;
pub use packet::XmpProperties;

/// The namespace of the guide's own XMP properties.
pub const NAMESPACE: &str = "urn:mus:guide:1.0/";
/// The namespace of the fields of a signer (the structured values in `mus:signers`).
pub const SIGNER_NAMESPACE: &str = "urn:mus:guide:1.0/signer/";

/// The leader's signature field in the built-in template, and in every guide made before
/// guides listed their signers.
pub const LEADER_SLOT: &str = "underskrift.leder.underskrift";
/// The manager's signature field, likewise.
pub const MANAGER_SLOT: &str = "underskrift.leders-leder.underskrift";

/// What identifies a guide, and who must sign it.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct GuideIdentity {
    pub guide_id: String,
    /// The leader's name (empty in a guide made without one).
    pub leader: String,
    /// The leader's manager's name; may be empty.
    pub manager: String,
    pub unit: String,
    /// Level id.
    pub level: String,
    /// Principle ids.
    pub focus: Vec<String>,
    pub dialogue_date: NaiveDate,
    /// `<framework id> <version>`.
    pub framework: String,
    /// The roster's id for the leader (`id`, `medarbejdernr`), when it gave one.
    pub employee_id: Option<String>,
    /// Who must sign, in the order the guide shows them.
    pub signers: Vec<RequiredSigner>,
}

/// One person who must sign the guide, and where.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RequiredSigner {
    /// The signature field's fully qualified name, e.g. `underskrift.leder.underskrift`.
    pub slot: String,
    pub role: SignerRole,
    /// The printed label, e.g. "Leders leder".
    pub label: String,
    /// The printed name; may be empty.
    pub name: String,
}

/// What a signer is to the guide. The template's signatures directive says it by the
/// party's key: `leder` is the leader, `leders-leder` the leader's manager, and any other
/// key (a union representative, an HR partner) someone else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignerRole {
    Leader,
    Manager,
    Other,
}

impl SignerRole {
    /// The role of the party with `key` in a signatures directive.
    pub fn from_key(key: &str) -> SignerRole {
        match key {
            "leder" => SignerRole::Leader,
            "leders-leder" => SignerRole::Manager,
            _ => SignerRole::Other,
        }
    }

    /// The role as written in the XMP: `leader`, `manager`, `other`.
    pub fn as_str(self) -> &'static str {
        match self {
            SignerRole::Leader => "leader",
            SignerRole::Manager => "manager",
            SignerRole::Other => "other",
        }
    }

    /// The role written as [`SignerRole::as_str`] does.
    pub fn parse(text: &str) -> Option<SignerRole> {
        [SignerRole::Leader, SignerRole::Manager, SignerRole::Other]
            .into_iter()
            .find(|r| r.as_str() == text)
    }
}

impl std::fmt::Display for SignerRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl RequiredSigner {
    /// The two signers of every guide made before guides listed theirs: the leader (by
    /// name) and the leader's manager (whose name those guides did not record).
    pub fn defaults(leader: &str) -> Vec<RequiredSigner> {
        vec![
            RequiredSigner {
                slot: LEADER_SLOT.into(),
                role: SignerRole::Leader,
                label: "Leder".into(),
                name: leader.into(),
            },
            RequiredSigner {
                slot: MANAGER_SLOT.into(),
                role: SignerRole::Manager,
                label: "Leders leder".into(),
                name: String::new(),
            },
        ]
    }
}

impl GuideIdentity {
    /// The year the dialogue belongs to.
    pub fn year(&self) -> i32 {
        self.dialogue_date.year()
    }

    /// The first signer with `role`.
    pub fn signer(&self, role: SignerRole) -> Option<&RequiredSigner> {
        self.signers.iter().find(|s| s.role == role)
    }

    /// The properties in which `other` differs from `self`, as `self`'s values and
    /// `other`'s, each joined with ", " (both empty when they are the same guide).
    pub fn differences(&self, other: &GuideIdentity) -> (String, String) {
        let date = |i: &GuideIdentity| i.dialogue_date.to_string();
        let employee = |i: &GuideIdentity| match &i.employee_id {
            Some(id) => format!("employee id {id}"),
            None => "no employee id".into(),
        };
        let manager = |i: &GuideIdentity| match i.manager.as_str() {
            "" => "no manager".to_string(),
            name => format!("manager {name}"),
        };
        let mut properties: Vec<(String, String)> = vec![
            (self.leader.clone(), other.leader.clone()),
            (self.unit.clone(), other.unit.clone()),
            (self.guide_id.clone(), other.guide_id.clone()),
            (date(self), date(other)),
            (self.level.clone(), other.level.clone()),
            (self.focus.join(","), other.focus.join(",")),
            (self.framework.clone(), other.framework.clone()),
            (manager(self), manager(other)),
            (employee(self), employee(other)),
        ];
        // A guide made before signers were listed has the standard two, named after its
        // leader: another leader there is one difference, already named above.
        if self.listed_signers() != other.listed_signers() {
            properties.push((self.signers_text(), other.signers_text()));
        }
        let (was, now): (Vec<String>, Vec<String>) =
            properties.into_iter().filter(|(a, b)| a != b).unzip();
        (was.join(", "), now.join(", "))
    }

    /// The signers, unless they are the standard two a guide made before signers were
    /// listed is read with.
    fn listed_signers(&self) -> Option<&[RequiredSigner]> {
        (self.signers != RequiredSigner::defaults(&self.leader)).then_some(&self.signers)
    }

    /// `signers Leder Åse Ærø (leader, underskrift.leder.underskrift); Leders leder (no
    /// name) (manager, …)`, for messages.
    fn signers_text(&self) -> String {
        let signers: Vec<String> = self
            .signers
            .iter()
            .map(|s| {
                let name = match s.name.as_str() {
                    "" => " (no name)".to_string(),
                    name => format!(" {name}"),
                };
                format!("{}{name} ({}, {})", s.label, s.role, s.slot)
            })
            .collect();
        format!("signers {}", signers.join("; "))
    }
}
