//! RSA signatures made outside the core. In the browser, WebCrypto signs with
//! RSA-4096 about eight times faster than RSA in wasm, and all of a chain's
//! signatures can be made at once (none signs another's signature). So a
//! chain is built twice: [`plan`] builds it with placeholder RSA signatures
//! and records what each signs, with the serial numbers it drew; the caller
//! signs every message; [`replay`] builds it again with the same serials, so
//! every to-be-signed structure is byte-identical, and each RSA signature is
//! taken from the caller's. Signing is otherwise untouched: outside these two
//! calls, and for EC keys, the core signs as always.

use std::cell::RefCell;
use std::collections::VecDeque;

use crate::error::{Result, StudioError};

/// One signature the chain needs: whose key (its public key, as SPKI DER) and over what.
pub struct SignatureRequest {
    pub public_key: Vec<u8>,
    pub message: Vec<u8>,
}

/// What [`plan`] recorded: the messages to sign, in signing order, and the serial numbers drawn.
pub struct SigningPlan {
    pub requests: Vec<SignatureRequest>,
    pub serials: Vec<Vec<u8>>,
}

enum Session {
    Planning(SigningPlan),
    Replaying { serials: VecDeque<Vec<u8>>, signatures: VecDeque<(Vec<u8>, Vec<u8>)> },
}

thread_local! {
    static SESSION: RefCell<Option<Session>> = const { RefCell::new(None) };
}

/// Ends the session however the build returns, so no later signing sees it.
struct SessionGuard;

impl Drop for SessionGuard {
    fn drop(&mut self) {
        SESSION.with(|s| s.borrow_mut().take());
    }
}

/// Runs `build` with RSA signing recorded instead of done.
pub fn plan<T>(build: impl FnOnce() -> Result<T>) -> Result<SigningPlan> {
    SESSION.with(|s| *s.borrow_mut() = Some(Session::Planning(SigningPlan { requests: Vec::new(), serials: Vec::new() })));
    let guard = SessionGuard;
    build()?;
    let session = SESSION.with(|s| s.borrow_mut().take());
    drop(guard);
    match session {
        Some(Session::Planning(plan)) => Ok(plan),
        _ => Err(StudioError::general("The signing plan was lost.")),
    }
}

/// Runs `build` again with the plan's serials and the caller's `signatures`
/// (one per planned request, in order).
pub fn replay<T>(plan: SigningPlan, signatures: Vec<Vec<u8>>, build: impl FnOnce() -> Result<T>) -> Result<T> {
    if signatures.len() != plan.requests.len() {
        return Err(StudioError::general(format!(
            "The chain needs {} signatures, and {} were given.",
            plan.requests.len(),
            signatures.len()
        )));
    }
    let signatures = plan.requests.into_iter().map(|r| r.message).zip(signatures).collect();
    SESSION.with(|s| *s.borrow_mut() = Some(Session::Replaying { serials: plan.serials.into(), signatures }));
    let _guard = SessionGuard;
    build()
}

/// A serial number: drawn by `draw` (and recorded) when planning, the
/// recorded one when replaying.
pub fn serial(draw: impl FnOnce() -> Result<Vec<u8>>) -> Result<Vec<u8>> {
    SESSION.with(|s| match s.borrow_mut().as_mut() {
        None => draw(),
        Some(Session::Planning(plan)) => {
            let serial = draw()?;
            plan.serials.push(serial.clone());
            Ok(serial)
        }
        Some(Session::Replaying { serials, .. }) => {
            serials.pop_front().ok_or_else(|| StudioError::general("The chain drew more serial numbers than it planned."))
        }
    })
}

/// An RSA signature of `message` by the key whose public key is
/// `public_key`: `None` outside a session (sign it yourself), a placeholder
/// of `length` bytes when planning, the caller's when replaying.
pub fn rsa_signature(public_key: impl FnOnce() -> Vec<u8>, message: &[u8], length: usize) -> Option<std::result::Result<Vec<u8>, ()>> {
    SESSION.with(|s| match s.borrow_mut().as_mut() {
        None => None,
        Some(Session::Planning(plan)) => {
            plan.requests.push(SignatureRequest { public_key: public_key(), message: message.to_vec() });
            Some(Ok(vec![0; length]))
        }
        Some(Session::Replaying { signatures, .. }) => Some(match signatures.pop_front() {
            Some((planned, signature)) if planned == message => Ok(signature),
            _ => Err(()),
        }),
    })
}
