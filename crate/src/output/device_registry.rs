//! The Azure CLI commands of Azure Device Registry's certificate management
//! (extension azure-iot), as scripts beside the files they name: a policy
//! with an external (customer) root, its activation with the signed chain,
//! and a DPS enrollment group whose devices get certificates from the policy.
//! Every value passes `output::quote`; names arrive as checked types.

use crate::output::quote::sh;
use crate::rules::device_registry::PolicyName;
use crate::rules::names::RegistrationId;

const NAMESPACE_CHECK: &str = ": \"${ADR_NAMESPACE:?set ADR_NAMESPACE to the Device Registry namespace}\"\n";
const GROUP_CHECK: &str = ": \"${RESOURCE_GROUP:?set RESOURCE_GROUP to the resource group}\"\n";

/// `az iot adr ns policy create … --enable-byor`: the policy that waits for
/// the customer root's signature on its CSR.
pub fn policy_script(policy: &PolicyName) -> String {
    format!(
        "#!/bin/sh\n\
         # A Device Registry policy whose issuing CA your root signs (\"bring your own root\").\n\
         # It stays pending until activated: download its CSR (portal: Credential policies, or\n\
         # az iot adr ns policy show), sign it with the studio (cert-studio device-registry sign),\n\
         # then run activate-policy.az-cli.sh from that result.\n\
         set -eu\n{GROUP_CHECK}{NAMESPACE_CHECK}\
         az iot adr ns policy create --namespace \"$ADR_NAMESPACE\" -g \"$RESOURCE_GROUP\" --name {} --enable-byor\n\
         az iot adr ns policy show --namespace \"$ADR_NAMESPACE\" -g \"$RESOURCE_GROUP\" --name {}\n",
        sh(policy.as_str()),
        sh(policy.as_str()),
    )
}

/// `az iot adr ns policy activate-byor` with the signed intermediate and the root.
pub fn activate_script(policy: &PolicyName, chain_path: &str) -> String {
    format!(
        "#!/bin/sh\n\
         # Activates the policy with its issuing CA signed by your root: the chain file holds the\n\
         # signed intermediate, then the root. Run from the folder these files were unpacked into.\n\
         set -eu\n{GROUP_CHECK}{NAMESPACE_CHECK}\
         az iot adr ns policy activate-byor --ns \"$ADR_NAMESPACE\" -g \"$RESOURCE_GROUP\" --policy-name {} --certificate-chain-file {}\n\
         az iot adr ns policy show --namespace \"$ADR_NAMESPACE\" -g \"$RESOURCE_GROUP\" --name {}\n",
        sh(policy.as_str()),
        sh(chain_path),
        sh(policy.as_str()),
    )
}

/// `az iot dps enrollment-group create … --credential-policy`: devices that
/// provision through the group send their CSR and get certificates from the policy.
pub fn enrollment_script(policy: &PolicyName, enrollment_id: &RegistrationId, devices: &[RegistrationId]) -> String {
    let listed: Vec<&str> = devices.iter().map(RegistrationId::as_str).collect();
    format!(
        "#!/bin/sh\n\
         # A DPS enrollment group whose devices get X.509 certificates from the policy at provisioning.\n\
         # Each device sends its CSR (csr/<id>.csr.b64: base64 DER, no PEM armour) with its registration.\n\
         # Devices: {}\n\
         set -eu\n{GROUP_CHECK}\
         : \"${{DPS_NAME:?set DPS_NAME to the Device Provisioning Service}}\"\n\
         az iot dps enrollment-group create --dps-name \"$DPS_NAME\" -g \"$RESOURCE_GROUP\" --enrollment-id {} --credential-policy {}\n",
        listed.join(", "),
        sh(enrollment_id.as_str()),
        sh(policy.as_str()),
    )
}
