//! The typed values the index keeps per signature — whom it signs for, what it covers,
//! whether its signer is trusted, where its time comes from, its revocation check —
//! stored and shown (`archive list --json`) as the kebab-case words they always were, and
//! read back with an error naming any word this mus does not know.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::{Serialize, Serializer};

use super::SignerRole;
use crate::signature::{Coverage, Revocation, TimeSource, Trust};

/// A word in the index this mus does not know (an index from a newer mus, or edited).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("unknown {what} '{value}' in the index (this mus knows {}); was it written by a newer mus?", valid.join(", "))]
pub struct UnknownValue {
    pub what: &'static str,
    pub value: String,
    pub valid: Vec<&'static str>,
}

/// Reads and writes a type through its text form, as SQL text and as a JSON string.
macro_rules! as_text {
    ($name:ty) => {
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.text())
            }
        }

        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.text().into_owned()))
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                let text = value.as_str()?;
                text.parse().map_err(|e| FromSqlError::Other(Box::new(e)))
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.text() == *other
            }
        }
    };
}

/// An enum of fixed words.
macro_rules! words {
    ($(#[$doc:meta])* $name:ident, $what:literal {
        $($(#[$vdoc:meta])* $variant:ident => $text:literal,)+
    }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            fn text(&self) -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownValue;
            fn from_str(text: &str) -> Result<Self, UnknownValue> {
                match text {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownValue {
                        what: $what,
                        value: text.to_string(),
                        valid: vec![$($text),+],
                    }),
                }
            }
        }

        as_text!($name);
    };
}

words!(
    /// Whom a signature signs for.
    StoredRole, "role" {
        Leader => "leader",
        Manager => "manager",
        /// A further signer the guide names.
        Other => "other",
        /// A seal, a certification, a signer the guide does not name: for nobody.
        Extra => "extra",
        DocumentTimestamp => "document-timestamp",
    }
);

words!(
    /// What a signature covered when the file was archived.
    StoredCoverage, "coverage" {
        WholeFile => "whole-file",
        /// Later revisions only signed.
        Signing => "signing",
        /// Later revisions signed and filled in form fields (before the last signature).
        SigningAndFormFilling => "signing-and-form-filling",
        /// Never archived (`add` refuses it); known so that every coverage has a word.
        OtherChanges => "other-changes",
    }
);

words!(
    /// Where a signature's time comes from.
    StoredTimeSource, "time source" {
        /// The signer's computer.
        Claimed => "claimed",
        /// A verified timestamp.
        Timestamp => "timestamp",
        None => "none",
    }
);

words!(
    /// The signer certificate's revocation check when the file was archived.
    StoredRevocation, "revocation" {
        NotChecked => "not-checked",
        NoData => "no-data",
        Checked => "checked",
        Revoked => "revoked",
        Unverifiable => "unverifiable",
    }
);

/// Whether a signer was trusted when the file was archived. Kept as the text it always
/// was — `not-checked`, `trusted: <anchor's subject>` — so the anchor stays with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredTrust {
    NotChecked,
    Trusted {
        anchor: String,
    },
    /// Never archived (`add` refuses it); known so that every trust has a text.
    Untrusted {
        reason: String,
    },
}

impl StoredTrust {
    fn text(&self) -> std::borrow::Cow<'static, str> {
        match self {
            StoredTrust::NotChecked => "not-checked".into(),
            StoredTrust::Trusted { anchor } => format!("trusted: {anchor}").into(),
            StoredTrust::Untrusted { reason } => format!("untrusted: {reason}").into(),
        }
    }
}

impl std::str::FromStr for StoredTrust {
    type Err = UnknownValue;
    fn from_str(text: &str) -> Result<Self, UnknownValue> {
        if text == "not-checked" {
            Ok(StoredTrust::NotChecked)
        } else if let Some(anchor) = text.strip_prefix("trusted: ") {
            Ok(StoredTrust::Trusted {
                anchor: anchor.to_string(),
            })
        } else if let Some(reason) = text.strip_prefix("untrusted: ") {
            Ok(StoredTrust::Untrusted {
                reason: reason.to_string(),
            })
        } else {
            Err(UnknownValue {
                what: "trust",
                value: text.to_string(),
                valid: vec!["not-checked", "trusted: <anchor>", "untrusted: <reason>"],
            })
        }
    }
}

as_text!(StoredTrust);

impl From<SignerRole> for StoredRole {
    fn from(role: SignerRole) -> StoredRole {
        match role {
            SignerRole::Leader => StoredRole::Leader,
            SignerRole::Manager => StoredRole::Manager,
            SignerRole::Other => StoredRole::Other,
        }
    }
}

impl From<&Coverage> for StoredCoverage {
    fn from(coverage: &Coverage) -> StoredCoverage {
        match coverage {
            Coverage::WholeFile => StoredCoverage::WholeFile,
            Coverage::Signing => StoredCoverage::Signing,
            Coverage::SigningAndFormFilling { .. } => StoredCoverage::SigningAndFormFilling,
            Coverage::OtherChanges { .. } => StoredCoverage::OtherChanges,
        }
    }
}

impl From<TimeSource> for StoredTimeSource {
    fn from(source: TimeSource) -> StoredTimeSource {
        match source {
            TimeSource::Claimed => StoredTimeSource::Claimed,
            TimeSource::Timestamp => StoredTimeSource::Timestamp,
            TimeSource::None => StoredTimeSource::None,
        }
    }
}

impl From<&Revocation> for StoredRevocation {
    fn from(revocation: &Revocation) -> StoredRevocation {
        match revocation {
            Revocation::NotChecked => StoredRevocation::NotChecked,
            Revocation::NoData => StoredRevocation::NoData,
            Revocation::Good { .. } => StoredRevocation::Checked,
            Revocation::Revoked { .. } => StoredRevocation::Revoked,
            Revocation::Unverifiable { .. } => StoredRevocation::Unverifiable,
        }
    }
}

impl From<&Trust> for StoredTrust {
    fn from(trust: &Trust) -> StoredTrust {
        match trust {
            Trust::NotChecked => StoredTrust::NotChecked,
            Trust::Trusted { anchor } => StoredTrust::Trusted {
                anchor: anchor.clone(),
            },
            Trust::Untrusted { reason } => StoredTrust::Untrusted {
                reason: reason.clone(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_reads_back_as_itself_and_an_unknown_one_is_named() {
        for role in [StoredRole::Leader, StoredRole::DocumentTimestamp] {
            assert_eq!(role.as_str().parse::<StoredRole>().unwrap(), role);
        }
        let trust: StoredTrust = "trusted: CN=Test CA, O=Kommune".parse().unwrap();
        assert_eq!(
            trust,
            StoredTrust::Trusted {
                anchor: "CN=Test CA, O=Kommune".into()
            }
        );
        assert_eq!(
            serde_json::to_string(&trust).unwrap(),
            "\"trusted: CN=Test CA, O=Kommune\""
        );
        assert_eq!(
            serde_json::to_string(&StoredCoverage::SigningAndFormFilling).unwrap(),
            "\"signing-and-form-filling\""
        );
        assert_eq!(
            "everything"
                .parse::<StoredCoverage>()
                .unwrap_err()
                .to_string(),
            "unknown coverage 'everything' in the index (this mus knows whole-file, signing, \
             signing-and-form-filling, other-changes); was it written by a newer mus?"
        );
    }
}
