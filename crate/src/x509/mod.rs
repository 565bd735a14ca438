//! X.509 mechanics, with no Azure knowledge: keys, randomness, password
//! stretching, profiles as data, issuing, facts read off certificates,
//! signature and chain checks, name syntax, and text as OpenSSL prints it.

pub mod facts;
pub mod issue;
pub mod key;
pub mod name_syntax;
pub mod oid;
pub mod password_key;
pub mod profile;
pub mod random;
pub mod read_certificate;
pub mod signing;
pub mod text;
pub mod verify;
