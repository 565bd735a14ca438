//! All randomness comes from the platform CSPRNG through `getrandom`
//! (`crypto.getRandomValues` in a browser). There is no fallback: if it is
//! missing, the studio refuses to make anything.

use rand_core::{TryCryptoRng, TryRng};

use crate::error::{Result, StudioError};

/// The platform CSPRNG as a fallible RNG, so a missing source is an error.
pub struct SystemRandom;

impl TryRng for SystemRandom {
    type Error = getrandom::Error;

    fn try_next_u32(&mut self) -> std::result::Result<u32, Self::Error> {
        getrandom::u32()
    }

    fn try_next_u64(&mut self) -> std::result::Result<u64, Self::Error> {
        getrandom::u64()
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> std::result::Result<(), Self::Error> {
        getrandom::fill(dst)
    }
}

impl TryCryptoRng for SystemRandom {}

pub fn fill(dst: &mut [u8]) -> Result<()> {
    getrandom::fill(dst).map_err(|e| {
        StudioError::general(format!(
            "No secure random number source is available ({e}); the studio refuses to make keys without one."
        ))
    })
}

/// Fails with a clear message when there is no CSPRNG to draw from.
pub fn ensure_available() -> Result<()> {
    fill(&mut [0u8; 1])
}

