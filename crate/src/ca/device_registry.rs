//! Azure Device Registry with an imported customer root: signing the
//! service's intermediate CSR (checked against the service's rules first)
//! and Inspect's preflight with the service's device and root rules
//! (`rules::device_registry`) added to the DPS / IoT Hub ones.

use x509_cert::Certificate;

use crate::ca::import::ImportedCa;
use crate::ca::signing::{CsrProfile, CsrSigningSpec, SignedRequest, sign_request};
use crate::error::{Result, StudioError};
use crate::judge::preflight::{Preflight, RuleResult, RuleStatus, preflight};
use crate::output::bundle::Bundle;
use crate::output::device_registry::activate_script;
use crate::output::layout;
use crate::read::material::Material;
use crate::read::pem_file::InputFile;
use crate::rules::device_registry::{self as adr, CUSTOMER_ROOT, DEVICE_KEY, PolicyName};
use crate::rules::names::RegistrationId;
use crate::rules::validity::ValidityBounds;
use crate::x509::facts::{common_name_of, not_after_unix};
use crate::x509::text::{describe_name, iso_time};

/// How the service's intermediate is signed: for how long, and the policy it activates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntermediateSigningSpec {
    pub validity_days: u32,
    pub validity_bounds: ValidityBounds,
    pub policy_name: String,
}

impl Default for IntermediateSigningSpec {
    fn default() -> Self {
        Self {
            validity_days: 365,
            validity_bounds: ValidityBounds::default(),
            policy_name: crate::make::device_registry::DEFAULT_POLICY.into(),
        }
    }
}

/// Signs the service's CSR as its issuing CA (pathLen 0, the CSR's whole
/// subject kept) with the imported root, once the root meets the service's
/// rules (field `ca`), the CSR holds an ECC key (field `csr`) and the
/// intermediate ends no later than the root (field `validityDays`). Files:
/// the intermediate (PEM, DER), the chain for activation (intermediate, then
/// root), the activation command and README.txt.
pub fn sign_intermediate(ca: &ImportedCa, csr: &InputFile<'_>, spec: &IntermediateSigningSpec, now_unix: u64) -> Result<SignedRequest> {
    let policy = PolicyName::parse("policyName", &spec.policy_name)?;
    let root = &ca.issuer.certificate;
    if !ca.is_root() {
        return Err(StudioError::field(
            "ca",
            format!("\"{}\" is not a root: the service's intermediate is signed by your root itself.", ca.common_name()),
        ));
    }
    adr::refuse("ca", &format!("The root \"{}\"", ca.common_name()), &adr::root_problems(root, now_unix))?;
    let signing = CsrSigningSpec {
        profile: CsrProfile::Intermediate { path_len: 0 },
        validity_days: spec.validity_days,
        validity_bounds: spec.validity_bounds,
    };
    let signed = sign_request(ca, csr, &signing, now_unix)?;
    let tbs = signed.certificate.tbs_certificate();
    if let Some(problem) = adr::ca_key_problem(tbs.subject_public_key_info()) {
        return Err(StudioError::field("csr", format!("{} is not the service's CSR: {problem}.", csr.name)));
    }
    if not_after_unix(&signed.certificate) > not_after_unix(root) {
        return Err(StudioError::field(
            "validityDays",
            format!(
                "The intermediate would end on {}, after the root ({}): give it fewer days.",
                iso_time(not_after_unix(&signed.certificate)),
                iso_time(not_after_unix(root))
            ),
        ));
    }
    let mut bundle = Bundle::default();
    let mut chain_path = None;
    for file in signed.files.into_iter().filter(|f| f.path != layout::README) {
        if file.path.ends_with("-full-chain.cert.pem") {
            chain_path = Some(file.path.clone());
        }
        bundle.file(file)?;
    }
    let chain_path = chain_path.ok_or_else(|| StudioError::general("The signed chain file is missing."))?;
    bundle.text(
        layout::snippet(layout::DEVICE_REGISTRY_STEM, layout::DEVICE_REGISTRY_ACTIVATE_AZ),
        &activate_script(&policy, &chain_path),
        format!("Azure CLI: activates policy {} with {chain_path} (the intermediate, then your root).", policy.as_str()),
    )?;
    let files = bundle.finish(&format!(
        "Azure Device Registry: the service's issuing CA \"{}\" signed by your root \"{}\" (pathLen 0), for policy {}.",
        describe_name(tbs.subject()),
        ca.common_name(),
        policy.as_str()
    ))?;
    Ok(SignedRequest { files, ..signed })
}

/// The preflight with Azure Device Registry's rules: the DPS / IoT Hub rules
/// when a device certificate is among the files, then the device rule (on
/// that certificate or, before provisioning, on the device's CSR) and the
/// customer-root rule (on the uploaded CA, when given). `registration_id`:
/// the ID the CN must be (field `registrationId`).
pub fn device_registry_preflight(
    files: &[InputFile<'_>],
    uploaded_ca: &[InputFile<'_>],
    password: Option<&str>,
    registration_id: Option<&str>,
    now_unix: u64,
) -> Result<Preflight> {
    let expected = registration_id.filter(|id| !id.is_empty()).map(|id| RegistrationId::parse("registrationId", id)).transpose()?;
    let material = Material::read(files, password)?;
    let is_ca = |c: &Certificate| {
        c.tbs_certificate().get_extension::<x509_cert::ext::pkix::BasicConstraints>().ok().flatten().is_some_and(|(_, b)| b.ca)
    };
    let device = material.certificates.iter().find(|c| !is_ca(&c.certificate));
    let mut checked = match device {
        Some(_) => preflight(files, uploaded_ca, password, now_unix)?,
        None => Preflight { device: String::new(), uploaded_ca: None, rules: Vec::new(), ok: true },
    };
    let (spki, cn, what) = match (device, material.requests.first()) {
        (Some(found), _) => (
            found.certificate.tbs_certificate().subject_public_key_info().clone(),
            common_name_of(&found.certificate),
            "The device certificate",
        ),
        (None, Some(found)) => {
            let cn = found.item.info.subject.common_name().ok().flatten().map(|cn| cn.value().into_owned());
            checked.device = format!("the CSR in {}", found.file);
            (found.item.info.public_key.clone(), cn, "The device's CSR")
        }
        (None, None) => {
            return Err(StudioError::field(
                "files",
                "No device certificate or CSR among the files: add the device's certificate or its CSR.",
            ));
        }
    };
    let problems = adr::device_problems(&spki, cn.as_deref(), expected.as_ref());
    checked.rules.push(if problems.is_empty() {
        RuleResult {
            rule: DEVICE_KEY,
            status: RuleStatus::Passed,
            detail: format!("{what} has an EC P-384 key and CN \"{}\".", cn.unwrap_or_default()),
        }
    } else {
        RuleResult { rule: DEVICE_KEY, status: RuleStatus::Failed, detail: format!("{what}: {}.", problems.join("; ")) }
    });
    let uploaded = if uploaded_ca.is_empty() { None } else { Material::read(uploaded_ca, password)?.certificates.into_iter().next() };
    checked.rules.push(match uploaded {
        None => RuleResult {
            rule: CUSTOMER_ROOT,
            status: RuleStatus::NotChecked,
            detail: "Add your root (the CA of the policy with an external CA) as the uploaded CA to check it.".into(),
        },
        Some(root) => {
            let problems = adr::root_problems(&root.certificate, now_unix);
            let subject = describe_name(root.certificate.tbs_certificate().subject());
            checked.uploaded_ca.get_or_insert_with(|| format!("the uploaded CA ({subject})"));
            if problems.is_empty() {
                RuleResult {
                    rule: CUSTOMER_ROOT,
                    status: RuleStatus::Passed,
                    detail: format!("The root ({subject}) meets the service's rules."),
                }
            } else {
                RuleResult {
                    rule: CUSTOMER_ROOT,
                    status: RuleStatus::Failed,
                    detail: format!("The root ({subject}): {}.", problems.join("; ")),
                }
            }
        }
    });
    checked.ok = checked.rules.iter().all(|r| r.status != RuleStatus::Failed);
    Ok(checked)
}
