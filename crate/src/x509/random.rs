//! All randomness comes from the platform CSPRNG through `getrandom`
//! (`crypto.getRandomValues` in a browser). There is no fallback: if it is
//! missing, the studio refuses to make anything.
//!
//! Small draws (serial numbers, salts, IVs: several a device) are served
//! from a block drawn ahead, each byte wiped as it is handed out: in wasm
//! every call into `getRandomValues` costs about 6 µs whatever its size,
//! which was 2 % of a batch's time.

use std::cell::RefCell;

use rand_core::{TryCryptoRng, TryRng};
use zeroize::Zeroize;

use crate::error::{Result, StudioError};

/// The platform CSPRNG as a fallible RNG, so a missing source is an error.
pub struct SystemRandom;

impl TryRng for SystemRandom {
    type Error = getrandom::Error;

    fn try_next_u32(&mut self) -> std::result::Result<u32, Self::Error> {
        let mut bytes = [0u8; 4];
        draw(&mut bytes)?;
        Ok(u32::from_le_bytes(bytes))
    }

    fn try_next_u64(&mut self) -> std::result::Result<u64, Self::Error> {
        let mut bytes = [0u8; 8];
        draw(&mut bytes)?;
        Ok(u64::from_le_bytes(bytes))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> std::result::Result<(), Self::Error> {
        draw(dst)
    }
}

impl TryCryptoRng for SystemRandom {}

/// Bytes drawn ahead from the CSPRNG; `used` of them are handed out (and wiped).
struct Ahead {
    bytes: [u8; AHEAD],
    used: usize,
}

const AHEAD: usize = 256;

thread_local! {
    static AHEAD_BYTES: RefCell<Ahead> = const { RefCell::new(Ahead { bytes: [0; AHEAD], used: AHEAD }) };
}

/// `dst` from the block drawn ahead, or straight from the CSPRNG when it is large.
fn draw(dst: &mut [u8]) -> std::result::Result<(), getrandom::Error> {
    if dst.len() > AHEAD / 4 {
        return getrandom::fill(dst);
    }
    AHEAD_BYTES.with_borrow_mut(|ahead| {
        if AHEAD - ahead.used < dst.len() {
            getrandom::fill(&mut ahead.bytes)?;
            ahead.used = 0;
        }
        let taken = &mut ahead.bytes[ahead.used..ahead.used + dst.len()];
        dst.copy_from_slice(taken);
        taken.zeroize();
        ahead.used += dst.len();
        Ok(())
    })
}

pub fn fill(dst: &mut [u8]) -> Result<()> {
    draw(dst).map_err(|e| {
        StudioError::general(format!("No secure random number source is available ({e}); the studio refuses to make keys without one."))
    })
}

/// Fails with a clear message when there is no CSPRNG to draw from.
pub fn ensure_available() -> Result<()> {
    fill(&mut [0u8; 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_draws_never_repeat_and_what_was_handed_out_is_wiped() {
        // 24-byte draws cross the block's end (256 is not a multiple of 24).
        let draws: Vec<[u8; 24]> = (0..100)
            .map(|_| {
                let mut bytes = [0u8; 24];
                fill(&mut bytes).unwrap();
                bytes
            })
            .collect();
        let distinct: std::collections::HashSet<_> = draws.iter().collect();
        assert_eq!(distinct.len(), draws.len());
        AHEAD_BYTES.with_borrow(|ahead| assert!(ahead.bytes[..ahead.used].iter().all(|&b| b == 0)));
        let mut large = [0u8; 1000];
        fill(&mut large).unwrap();
        assert!(large.iter().filter(|&&b| b == 0).count() < 20, "a large draw is filled whole");
    }
}
