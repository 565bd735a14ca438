//! Judging what was read: the RFC 5280 chain verdict (path building by
//! rustls-webpki, then the studio's own clauses), the Azure preflight on top
//! of it, and Inspect's description of each file.

pub mod chain_verdict;
pub mod describe;
pub mod inspect;
pub mod name_constraints;
pub mod preflight;
pub mod webpki_signatures;
