//! Digests and signature values: which algorithm an identifier names, and checking a
//! signature over a digest with a public key (RSA PKCS#1 v1.5 and PSS, ECDSA on P-256 and
//! P-384). Used for the CMS signer and for each certificate of a chain alike.
//!
//! Errors are [`CryptoError`]s whose Display is a plain-English reason, as
//! [`super::SignatureStatus::Invalid`] and [`super::Trust::Untrusted`] carry them.

use const_oid::db::{rfc5912, DB};
use const_oid::ObjectIdentifier;
use der::{Decode, Encode};
use ecdsa::signature::hazmat::PrehashVerifier;
use rsa::pkcs1::DecodeRsaPublicKey;
use sha2::{Digest, Sha256, Sha384, Sha512};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

/// Why a digest or signature algorithm cannot be used, or a signature value does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error(
        "the digest algorithm {algorithm} is not supported (SHA-256, SHA-384 and SHA-512 are)"
    )]
    UnsupportedDigest { algorithm: String },
    #[error("the signature algorithm {algorithm} does not match the digest algorithm {digest}")]
    DigestMismatch {
        algorithm: String,
        digest: &'static str,
    },
    #[error("the signature algorithm {algorithm} names no digest algorithm")]
    NoDigest { algorithm: String },
    #[error(
        "the signature algorithm {algorithm} is not supported (RSA PKCS#1 v1.5, RSASSA-PSS and \
         ECDSA on P-256 or P-384 are)"
    )]
    UnsupportedSignature { algorithm: String },
    #[error("RSASSA-PSS without parameters (SHA-1 defaults) is not supported")]
    PssWithoutParameters,
    #[error("the RSASSA-PSS parameters cannot be read: {0}")]
    PssParameters(String),
    #[error("the RSASSA-PSS mask generation function names no hash")]
    PssNoMaskHash,
    #[error(
        "RSASSA-PSS with a mask generation function other than MGF1 with the signature's own \
         hash is not supported"
    )]
    PssMaskGeneration,
    #[error("an {kind} signature, but the certificate's key is {key}")]
    WrongKeyType { kind: &'static str, key: String },
    #[error("the certificate's RSA key cannot be read: {0}")]
    RsaKey(String),
    #[error("the certificate's EC key names no curve")]
    NoCurve,
    #[error("the certificate's {curve} key cannot be read")]
    EcKey { curve: &'static str },
    #[error("the {algorithm} signature value is not DER")]
    SignatureNotDer { algorithm: String },
    #[error("the elliptic curve {curve} is not supported (P-256 and P-384 are)")]
    UnsupportedCurve { curve: String },
    #[error("the {algorithm} signature value does not verify with the key")]
    Mismatch { algorithm: String },
}

/// A digest algorithm a guide's signature may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DigestAlgorithm {
    Sha256,
    Sha384,
    Sha512,
}

impl DigestAlgorithm {
    pub fn from_oid(oid: &ObjectIdentifier) -> Result<Self, CryptoError> {
        match *oid {
            rfc5912::ID_SHA_256 => Ok(Self::Sha256),
            rfc5912::ID_SHA_384 => Ok(Self::Sha384),
            rfc5912::ID_SHA_512 => Ok(Self::Sha512),
            _ => Err(CryptoError::UnsupportedDigest {
                algorithm: oid_name(oid),
            }),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Sha256 => "SHA-256",
            Self::Sha384 => "SHA-384",
            Self::Sha512 => "SHA-512",
        }
    }

    /// The digest of `parts` one after the other.
    pub fn digest(self, parts: &[&[u8]]) -> Vec<u8> {
        fn run<D: Digest>(parts: &[&[u8]]) -> Vec<u8> {
            let mut d = D::new();
            for part in parts {
                d.update(part);
            }
            d.finalize().to_vec()
        }
        match self {
            Self::Sha256 => run::<Sha256>(parts),
            Self::Sha384 => run::<Sha384>(parts),
            Self::Sha512 => run::<Sha512>(parts),
        }
    }
}

/// How a signature value is made, and over which digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Scheme {
    pub kind: Kind,
    pub digest: DigestAlgorithm,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    RsaPkcs1,
    RsaPss { salt_len: usize },
    Ecdsa,
}

impl Scheme {
    /// The scheme a signature algorithm identifier names. `digest` is the digest named
    /// beside it (a CMS `SignerInfo`'s `digestAlgorithm`), needed where the identifier
    /// names only the key type (`rsaEncryption`); a certificate's identifier always
    /// names both.
    pub fn from_identifier(
        algorithm: &AlgorithmIdentifierOwned,
        digest: Option<DigestAlgorithm>,
    ) -> Result<Self, CryptoError> {
        use DigestAlgorithm::*;
        let named = |kind, named: DigestAlgorithm| match digest {
            Some(d) if d != named => Err(CryptoError::DigestMismatch {
                algorithm: oid_name(&algorithm.oid),
                digest: d.name(),
            }),
            _ => Ok(Scheme {
                kind,
                digest: named,
            }),
        };
        let beside = |kind| {
            digest
                .map(|digest| Scheme { kind, digest })
                .ok_or_else(|| CryptoError::NoDigest {
                    algorithm: oid_name(&algorithm.oid),
                })
        };
        match algorithm.oid {
            rfc5912::RSA_ENCRYPTION => beside(Kind::RsaPkcs1),
            rfc5912::SHA_256_WITH_RSA_ENCRYPTION => named(Kind::RsaPkcs1, Sha256),
            rfc5912::SHA_384_WITH_RSA_ENCRYPTION => named(Kind::RsaPkcs1, Sha384),
            rfc5912::SHA_512_WITH_RSA_ENCRYPTION => named(Kind::RsaPkcs1, Sha512),
            rfc5912::ID_EC_PUBLIC_KEY => beside(Kind::Ecdsa),
            rfc5912::ECDSA_WITH_SHA_256 => named(Kind::Ecdsa, Sha256),
            rfc5912::ECDSA_WITH_SHA_384 => named(Kind::Ecdsa, Sha384),
            rfc5912::ECDSA_WITH_SHA_512 => named(Kind::Ecdsa, Sha512),
            rfc5912::ID_RSASSA_PSS => {
                let (hash, salt_len) = pss_parameters(algorithm)?;
                named(Kind::RsaPss { salt_len }, hash)
            }
            _ => Err(CryptoError::UnsupportedSignature {
                algorithm: oid_name(&algorithm.oid),
            }),
        }
    }

    /// Checks `signature` over the digest `hashed` with `key`; on success the algorithm's
    /// name, e.g. "ECDSA P-256 with SHA-256".
    pub fn verify(
        self,
        key: &SubjectPublicKeyInfoOwned,
        hashed: &[u8],
        signature: &[u8],
    ) -> Result<String, CryptoError> {
        let key_bytes = key.subject_public_key.raw_bytes();
        let bad = |name: &str| CryptoError::Mismatch {
            algorithm: name.to_string(),
        };
        match self.kind {
            Kind::RsaPkcs1 | Kind::RsaPss { .. } => {
                if key.algorithm.oid != rfc5912::RSA_ENCRYPTION
                    && key.algorithm.oid != rfc5912::ID_RSASSA_PSS
                {
                    return Err(CryptoError::WrongKeyType {
                        kind: "RSA",
                        key: oid_name(&key.algorithm.oid),
                    });
                }
                let public = rsa::RsaPublicKey::from_pkcs1_der(key_bytes)
                    .map_err(|e| CryptoError::RsaKey(e.to_string()))?;
                let (name, result) = match self.kind {
                    Kind::RsaPss { salt_len } => (
                        format!("RSASSA-PSS with {}", self.digest.name()),
                        match self.digest {
                            DigestAlgorithm::Sha256 => public.verify(
                                rsa::Pss::new_with_salt::<Sha256>(salt_len),
                                hashed,
                                signature,
                            ),
                            DigestAlgorithm::Sha384 => public.verify(
                                rsa::Pss::new_with_salt::<Sha384>(salt_len),
                                hashed,
                                signature,
                            ),
                            DigestAlgorithm::Sha512 => public.verify(
                                rsa::Pss::new_with_salt::<Sha512>(salt_len),
                                hashed,
                                signature,
                            ),
                        },
                    ),
                    _ => (
                        format!("RSA PKCS#1 v1.5 with {}", self.digest.name()),
                        public.verify(
                            match self.digest {
                                DigestAlgorithm::Sha256 => rsa::Pkcs1v15Sign::new::<Sha256>(),
                                DigestAlgorithm::Sha384 => rsa::Pkcs1v15Sign::new::<Sha384>(),
                                DigestAlgorithm::Sha512 => rsa::Pkcs1v15Sign::new::<Sha512>(),
                            },
                            hashed,
                            signature,
                        ),
                    ),
                };
                result.map(|()| name.clone()).map_err(|_| bad(&name))
            }
            Kind::Ecdsa => {
                if key.algorithm.oid != rfc5912::ID_EC_PUBLIC_KEY {
                    return Err(CryptoError::WrongKeyType {
                        kind: "ECDSA",
                        key: oid_name(&key.algorithm.oid),
                    });
                }
                let curve = key
                    .algorithm
                    .parameters
                    .as_ref()
                    .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
                    .ok_or(CryptoError::NoCurve)?;
                let digest = self.digest.name();
                match curve {
                    rfc5912::SECP_256_R_1 => {
                        let name = format!("ECDSA P-256 with {digest}");
                        let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes)
                            .map_err(|_| CryptoError::EcKey { curve: "P-256" })?;
                        let sig = p256::ecdsa::Signature::from_der(signature).map_err(|_| {
                            CryptoError::SignatureNotDer {
                                algorithm: name.clone(),
                            }
                        })?;
                        vk.verify_prehash(hashed, &sig).map_err(|_| bad(&name))?;
                        Ok(name)
                    }
                    rfc5912::SECP_384_R_1 => {
                        let name = format!("ECDSA P-384 with {digest}");
                        let vk = p384::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes)
                            .map_err(|_| CryptoError::EcKey { curve: "P-384" })?;
                        let sig = p384::ecdsa::Signature::from_der(signature).map_err(|_| {
                            CryptoError::SignatureNotDer {
                                algorithm: name.clone(),
                            }
                        })?;
                        vk.verify_prehash(hashed, &sig).map_err(|_| bad(&name))?;
                        Ok(name)
                    }
                    other => Err(CryptoError::UnsupportedCurve {
                        curve: oid_name(&other),
                    }),
                }
            }
        }
    }
}

/// The hash and salt length of RSASSA-PSS parameters (RFC 4055, 3.1); the mask
/// generation function must be MGF1 with the same hash, as the `rsa` crate implements.
fn pss_parameters(
    algorithm: &AlgorithmIdentifierOwned,
) -> Result<(DigestAlgorithm, usize), CryptoError> {
    let params = algorithm
        .parameters
        .as_ref()
        .ok_or(CryptoError::PssWithoutParameters)?
        .to_der()
        .map_err(|e| CryptoError::PssParameters(e.to_string()))?;
    let params = rsa::pkcs1::RsaPssParams::from_der(&params)
        .map_err(|e| CryptoError::PssParameters(e.to_string()))?;
    let hash = DigestAlgorithm::from_oid(&params.hash.oid)?;
    let mgf_hash = params
        .mask_gen
        .parameters
        .as_ref()
        .map(|p| p.oid)
        .ok_or(CryptoError::PssNoMaskHash)?;
    if params.mask_gen.oid != rfc5912::ID_MGF_1 || mgf_hash != params.hash.oid {
        return Err(CryptoError::PssMaskGeneration);
    }
    Ok((hash, usize::from(params.salt_len)))
}

/// An object identifier's name where the OID database knows it ("sha1WithRSAEncryption"),
/// with the dotted number beside it.
pub(crate) fn oid_name(oid: &ObjectIdentifier) -> String {
    match DB.by_oid(oid) {
        Some(name) => format!("{name} ({oid})"),
        None => oid.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identifier(oid: ObjectIdentifier) -> AlgorithmIdentifierOwned {
        AlgorithmIdentifierOwned {
            oid,
            parameters: None,
        }
    }

    #[test]
    fn sha1_is_refused_by_name() {
        let err = DigestAlgorithm::from_oid(&rfc5912::ID_SHA_1)
            .unwrap_err()
            .to_string();
        assert!(err.contains("id-sha1"), "{err}");
        let err = Scheme::from_identifier(&identifier(rfc5912::SHA_1_WITH_RSA_ENCRYPTION), None)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("sha1WithRSAEncryption") && err.contains("not supported"),
            "{err}"
        );
    }

    #[test]
    fn rsa_encryption_takes_the_digest_named_beside_it() {
        let rsa = identifier(rfc5912::RSA_ENCRYPTION);
        assert_eq!(
            Scheme::from_identifier(&rsa, Some(DigestAlgorithm::Sha384)),
            Ok(Scheme {
                kind: Kind::RsaPkcs1,
                digest: DigestAlgorithm::Sha384
            })
        );
        assert!(Scheme::from_identifier(&rsa, None).is_err());
        let mismatch = Scheme::from_identifier(
            &identifier(rfc5912::ECDSA_WITH_SHA_256),
            Some(DigestAlgorithm::Sha512),
        );
        assert!(mismatch.unwrap_err().to_string().contains("does not match"));
    }

    #[test]
    fn digests_run_over_the_parts_in_order() {
        let whole = DigestAlgorithm::Sha256.digest(&[b"abcdef"]);
        assert_eq!(DigestAlgorithm::Sha256.digest(&[b"abc", b"def"]), whole);
        assert_ne!(DigestAlgorithm::Sha256.digest(&[b"def", b"abc"]), whole);
        assert_eq!(DigestAlgorithm::Sha384.digest(&[b""]).len(), 48);
    }
}
