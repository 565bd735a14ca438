//! Rollover to a new root: a new root and intermediate(s) made as Generate
//! makes them (the same profiles and files), and the plan that moves an
//! enrollment group onto them with no moment when devices can't provision,
//! in numbered steps. The steps' text is written here only: README.txt and
//! the page both show it.

use serde::Serialize;

use crate::error::{Result, StudioError};
use crate::make::chain::{ChainSpec, TutorialChain};
use crate::make::{ChainEntry, Product};
use crate::output::bundle::OutputFile;
use crate::output::layout::{self, README};
use crate::output::readme::{readme_entries, readme_header};
use crate::x509::facts::thumbprint_sha1;
use crate::x509::key::PrivateKey;
use crate::x509::signing::Signing;

/// The root being retired, as the plan names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OldRoot {
    pub common_name: String,
    pub thumbprint_sha1: String,
}

/// One step of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RolloverStep {
    pub number: usize,
    /// What the page attaches its action to: `upload`, `verify`, `secondary`, `reissue`, `swap`, `retire`.
    pub id: &'static str,
    pub title: String,
    pub detail: String,
}

/// The new CA and the plan.
pub struct Rollover {
    pub chain: TutorialChain,
    pub old_root: Option<OldRoot>,
}

impl Rollover {
    /// A new root and `spec`'s intermediates (its devices are not made:
    /// they are re-issued, keeping their keys, with `renewDevices`).
    pub fn build(spec: ChainSpec, old_root: Option<OldRoot>, keys: Option<Vec<PrivateKey>>, now_unix: u64) -> Result<Self> {
        if let Some(old) = old_root.as_ref().filter(|old| old.common_name == spec.root_common_name) {
            return Err(StudioError::field(
                "rootCn",
                format!(
                    "The new root needs a name other than the old root's (\"{}\"), so the portal, the enrollment group and the devices tell them apart.",
                    old.common_name
                ),
            ));
        }
        let spec = ChainSpec { devices: Vec::new(), ..spec };
        let chain = TutorialChain::build_ca(spec, keys, now_unix, &mut Signing::here())?;
        Ok(Self { chain, old_root })
    }

    /// The plan, naming the files and thumbprints.
    pub fn steps(&self) -> Result<Vec<RolloverStep>> {
        let root = &self.chain.root;
        let root_path = layout::cert(layout::ROOT_STEM);
        let new_root = format!("\"{}\" ({root_path}, SHA-1 {})", root.common_name(), thumbprint_sha1(&root.certificate)?);
        let signer = self.chain.device_signer();
        let new_ca = format!("\"{}\" (SHA-1 {})", signer.common_name(), thumbprint_sha1(&signer.certificate)?);
        let old_root = match &self.old_root {
            Some(old) => format!("\"{}\" (SHA-1 {})", old.common_name, old.thumbprint_sha1),
            None => "the old root".to_string(),
        };
        let steps = [
            ("upload", "Upload the new root".to_string(), format!(
                "In DPS → Certificates (and IoT Hub → Certificates where devices authenticate with a CA), add the new root {new_root}. Leave the old root {old_root} where it is: every device still uses it."
            )),
            ("verify", "Verify it (proof of possession)".to_string(), format!(
                "Generate a verification code for the new root in the portal, make the verification certificate for that code with the new root's key (here: enter the code at this step), and upload certs/{}.cert.pem. The portal then shows the new root as Verified.",
                layout::VERIFICATION_STEM
            )),
            ("secondary", "Set it as the enrollment group's secondary certificate".to_string(), format!(
                "In the enrollment group that trusts {old_root}, set the secondary certificate to the verified new root (portal: Manage enrollments → the group; or az iot dps enrollment-group update --secondary-ca-name <its name in DPS>). Devices with their old certificates still provision through the primary."
            )),
            ("reissue", "Re-issue the devices under the new CA".to_string(), format!(
                "Renew each device under {new_ca} (renewDevices with the new CA; here: Re-issue under the new CA), keeping each device's key, and install its new certs/<id>.cert.pem and certs/<id>-full-chain.cert.pem on the device. A re-issued device provisions through the secondary."
            )),
            ("swap", "Swap primary and secondary".to_string(),
                "When every device presents its new chain, make the new root the group's primary certificate and the old root its secondary (az iot dps enrollment-group update --ca-name <new root> --secondary-ca-name <old root>).".to_string()),
            ("retire", "Retire the old root".to_string(), format!(
                "Remove the old root from the group (az iot dps enrollment-group update --remove-secondary-certificate), delete {old_root} from DPS and IoT Hub → Certificates, and destroy its private key once nothing needs it."
            )),
        ];
        Ok(steps.into_iter().enumerate().map(|(i, (id, title, detail))| RolloverStep { number: i + 1, id, title, detail }).collect())
    }

    fn title(&self) -> String {
        let from = self.old_root.as_ref().map(|old| format!(" from \"{}\"", old.common_name)).unwrap_or_default();
        format!(
            "Rollover{from} to the new root \"{}\": root → {} intermediate(s), and the plan.",
            self.chain.root.common_name(),
            self.chain.intermediates.len()
        )
    }
}

impl Product for Rollover {
    /// The new CA's files at the tutorial's paths, then README.txt: the plan, then every file.
    fn files(&self) -> Result<Vec<OutputFile>> {
        let mut files = self.chain.ca_files()?;
        let mut text = readme_header(&self.title());
        text.push_str("The plan, step by step:\r\n");
        for step in self.steps()? {
            text.push_str(&format!("{}. {}\r\n    {}\r\n", step.number, step.title, step.detail));
        }
        text.push_str("\r\nUnpack this ZIP in a folder of its own: its files have the tutorial's names, as the old root's do.\r\n\r\n");
        text.push_str(&readme_entries(&files)?);
        files.push(OutputFile {
            path: README.into(),
            contents: text.into_bytes(),
            description: "This file: the rollover plan, and what each file is.".into(),
            secret: false,
        });
        Ok(files)
    }

    fn entries(&self) -> Result<Vec<ChainEntry>> {
        self.chain.entries()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x509::key::KeyAlgorithm;

    #[test]
    fn the_plan_names_both_roots_and_the_new_ca() {
        let spec = ChainSpec { key_algorithm: KeyAlgorithm::EcP256, root_common_name: "Root 2027".into(), ..ChainSpec::default() };
        let old = OldRoot { common_name: "Azure IoT Hub CA Cert Test Only".into(), thumbprint_sha1: "AB".repeat(20) };
        let rollover = Rollover::build(spec.clone(), Some(old.clone()), None, 1_764_000_000).unwrap();
        let steps = rollover.steps().unwrap();
        assert_eq!(steps.iter().map(|s| s.id).collect::<Vec<_>>(), ["upload", "verify", "secondary", "reissue", "swap", "retire"]);
        assert!(steps[0].detail.contains("Root 2027") && steps[0].detail.contains(&old.thumbprint_sha1), "{}", steps[0].detail);
        assert!(steps[3].detail.contains("Azure IoT Hub Intermediate Cert Test Only"));
        let readme = rollover.files().unwrap().pop().unwrap();
        assert!(String::from_utf8(readme.contents).unwrap().contains("6. Retire the old root"));
        let same_name = ChainSpec { root_common_name: old.common_name.clone(), ..spec };
        assert_eq!(Rollover::build(same_name, Some(old), None, 1_764_000_000).err().unwrap().field.as_deref(), Some("rootCn"));
    }
}
