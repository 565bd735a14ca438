//! The shape of a chain the studio makes and reads: a root, up to
//! [`MAX_INTERMEDIATES`] intermediates, then devices.

/// DPS and IoT Hub accept longer chains, but a device sends its whole chain
/// in every TLS handshake; five covers every tutorial with room to spare.
pub const MAX_INTERMEDIATES: usize = 5;
