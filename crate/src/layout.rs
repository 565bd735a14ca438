//! Where each file goes: the folder layout and names of the tutorial
//! (`certs/`, `private/`, `csr/`) plus the studio's `snippets/`.

pub const ROOT_STEM: &str = "azure-iot-test-only.root.ca";
pub const CHAIN_CA_CERT: &str = "certs/azure-iot-test-only.chain.ca.cert.pem";

/// `azure-iot-test-only.intermediate`, or `…intermediate-N` (1 = signed by the
/// root) when the chain has several.
pub fn intermediate_stem(index: usize, count: usize) -> String {
    if count == 1 { "azure-iot-test-only.intermediate".into() } else { format!("azure-iot-test-only.intermediate-{}", index + 1) }
}

/// A registration ID as a file name: `:` is legal in an ID but not in a
/// Windows file name, so it becomes `_` (the tutorial asks the user to do so).
pub fn device_stem(registration_id: &str) -> String {
    registration_id.replace(':', "_")
}

pub fn cert(stem: &str) -> String {
    format!("certs/{stem}.cert.pem")
}

pub fn full_chain(stem: &str) -> String {
    format!("certs/{stem}-full-chain.cert.pem")
}

pub fn key(stem: &str) -> String {
    format!("private/{stem}.key.pem")
}

pub fn csr(stem: &str) -> String {
    format!("csr/{stem}.csr.pem")
}

pub fn snippet(stem: &str, sample_file: &str) -> String {
    format!("snippets/{stem}.{sample_file}")
}

/// The root as DER, named as the PowerShell tutorial names it.
pub const ROOT_CER: &str = "certs/RootCA.cer";
/// The tutorial's PFX of the root's key and certificate, for the Windows store.
pub const ROOT_PFX: &str = "certs/root.pfx";

/// Any certificate as DER, for Windows.
pub fn der_cert(stem: &str) -> String {
    format!("certs/{stem}.cer")
}

/// `intermediate.pfx`, or `intermediate-N.pfx` when the chain has several.
pub fn intermediate_pfx(index: usize, count: usize) -> String {
    if count == 1 { "certs/intermediate.pfx".into() } else { format!("certs/intermediate-{}.pfx", index + 1) }
}

/// The device's key and full chain as PKCS#12 (the C# sample).
pub fn full_chain_pfx(stem: &str) -> String {
    format!("certs/{stem}-full-chain.cert.pfx")
}

/// iotedge `certGen.sh`'s PFX of a key with its certificate and issuers.
pub fn cert_pfx(stem: &str) -> String {
    format!("certs/{stem}.cert.pfx")
}

/// iotedge `certGen.sh` prefixes.
pub const EDGE_INTERMEDIATE_STEM: &str = "azure-iot-test-only.intermediate";

pub fn edge_device_ca_stem(name: &str) -> String {
    format!("iot-edge-device-ca-{}", device_stem(name))
}

pub fn edge_identity_stem(name: &str) -> String {
    format!("iot-edge-device-identity-{}", device_stem(name))
}

pub fn edge_server_stem(host_name: &str) -> String {
    format!("iot-edge-server-{}", device_stem(host_name))
}
