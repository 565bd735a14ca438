//! Using an imported CA: importing it from what was read, signing CSRs and
//! device batches with it, renewing and rolling over, and the expiry view.

pub mod expiry;
pub mod import;
pub mod renewal;
pub mod signing;
