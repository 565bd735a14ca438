//! One budget for everything a call may spend reading files someone else
//! made: key-derivation rounds, decompressed bytes, and how deep ZIPs nest.
//! Every limit is here, spent where the work happens, so a hostile file set
//! (a hundred PFX files at ten million rounds each, a ZIP of ZIPs, a ZIP bomb)
//! is refused with a sentence instead of freezing the page.

use std::cell::Cell;

use crate::error::StudioError;

/// PBKDF2 / PKCS#12 rounds one call may run, over all its files: two of the
/// largest single derivations the studio accepts (a CA key at 600,000 rounds
/// and a PFX at 2,048 use a fraction).
pub const MAX_KDF_ROUNDS: u64 = 20_000_000;
/// Bytes one call may decompress out of ZIPs (a 10,000-device studio ZIP's
/// certificates, CSRs and keys are about 60 MB).
pub const MAX_DECOMPRESSED_BYTES: u64 = 256 << 20;
/// A ZIP inside a ZIP is read; one inside that is not.
pub const MAX_ZIP_DEPTH: usize = 2;

/// What one call has left to spend. Shared by reference (`Cell`s), as the
/// readers that spend it call each other.
pub struct ReadBudget {
    kdf_rounds_left: Cell<u64>,
    bytes_left: Cell<u64>,
    zip_depth: Cell<usize>,
}

impl Default for ReadBudget {
    fn default() -> Self {
        Self { kdf_rounds_left: Cell::new(MAX_KDF_ROUNDS), bytes_left: Cell::new(MAX_DECOMPRESSED_BYTES), zip_depth: Cell::new(0) }
    }
}

/// A limit of [`ReadBudget`] that a file would pass, as a sentence naming it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverBudget(pub String);

impl OverBudget {
    pub fn into_error(self) -> StudioError {
        StudioError::field("files", self.0)
    }
}

/// Leaves a ZIP level when dropped.
pub struct ZipLevel<'b>(&'b ReadBudget);

impl Drop for ZipLevel<'_> {
    fn drop(&mut self) {
        self.0.zip_depth.set(self.0.zip_depth.get().saturating_sub(1));
    }
}

impl ReadBudget {
    /// Spends `rounds` of key derivation for `file`.
    pub fn spend_kdf_rounds(&self, file: &str, rounds: u64) -> Result<(), OverBudget> {
        let left = self.kdf_rounds_left.get();
        if rounds > left {
            return Err(OverBudget(format!(
                "{file} asks for {rounds} more key-derivation rounds, past the {MAX_KDF_ROUNDS} the studio runs for one set of files (so the page never freezes); open fewer encrypted files at once, or re-encrypt them with fewer rounds."
            )));
        }
        self.kdf_rounds_left.set(left - rounds);
        Ok(())
    }

    /// Spends `bytes` decompressed out of `file`.
    pub fn spend_bytes(&self, file: &str, bytes: u64) -> Result<(), OverBudget> {
        let left = self.bytes_left.get();
        if bytes > left {
            return Err(OverBudget(format!(
                "{file} unpacks to more than the {} MiB the studio reads for one set of files; it is not a ZIP the studio made.",
                MAX_DECOMPRESSED_BYTES >> 20
            )));
        }
        self.bytes_left.set(left - bytes);
        Ok(())
    }

    /// Enters a ZIP (`file`); the level is left when the guard drops.
    pub fn enter_zip(&self, file: &str) -> Result<ZipLevel<'_>, OverBudget> {
        let depth = self.zip_depth.get() + 1;
        if depth > MAX_ZIP_DEPTH {
            return Err(OverBudget(format!(
                "{file} is a ZIP inside a ZIP inside a ZIP; the studio reads a ZIP and the ZIPs directly in it, no deeper."
            )));
        }
        self.zip_depth.set(depth);
        Ok(ZipLevel(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_limit_is_spent_across_files() {
        let budget = ReadBudget::default();
        budget.spend_kdf_rounds("a.pfx", MAX_KDF_ROUNDS - 10).unwrap();
        let over = budget.spend_kdf_rounds("b.pfx", 11).unwrap_err();
        assert!(over.0.starts_with("b.pfx asks for 11") && over.0.contains("20000000"), "{}", over.0);
        budget.spend_bytes("a.zip", MAX_DECOMPRESSED_BYTES).unwrap();
        assert!(budget.spend_bytes("a.zip", 1).is_err());
        let outer = budget.enter_zip("outer.zip").unwrap();
        let inner = budget.enter_zip("outer.zip › inner.zip").unwrap();
        assert!(budget.enter_zip("outer.zip › inner.zip › third.zip").is_err());
        drop(inner);
        let again = budget.enter_zip("outer.zip › other.zip").unwrap();
        drop((again, outer));
        assert_eq!(budget.zip_depth.get(), 0);
    }
}
