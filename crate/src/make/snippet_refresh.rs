//! New sample settings (ID scope, hub, folder, DPS, resource group) after
//! something was made: every snippet is written again from the files already
//! made, so no key or certificate changes, and a root already uploaded and
//! verified stays valid.

use serde::Deserialize;

use crate::error::Result;
use crate::output::bundle::{Bundle, OutputFile};
use crate::output::layout::{self, CertificateRole, role};
use crate::output::snippets::{EdgeConfigFiles, SnippetSettings, edge_config_toml, powershell_enrollment};
use crate::output::writers::{DeviceMaterial, write_device_snippets, write_enrollment_group_commands};
use crate::rules::names::RegistrationId;

/// One certificate of a result, as the page holds it (a `chain` entry): its
/// role, CN and file.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MadeCertificate {
    pub role: CertificateRole,
    pub common_name: String,
    pub certificate_path: String,
}

/// `files` with every snippet written again for `settings`. `pfx_password`
/// is the one the PFX files were written with. Only files that are there
/// already are replaced; everything else is kept byte for byte.
/// The common names come from the caller (the page hands back its result's
/// `chain`), so each is checked as a registration ID before it names a file.
pub fn refresh_snippets(
    files: Vec<OutputFile>,
    certificates: &[MadeCertificate],
    settings: &SnippetSettings,
    pfx_password: &str,
) -> Result<Vec<OutputFile>> {
    let text = |path: &str| files.iter().find(|f| f.path == path).map(|f| String::from_utf8_lossy(&f.contents).into_owned());
    let exists = |path: &str| files.iter().any(|f| f.path == path);
    let stem_of = |path: &str| path.strip_prefix("certs/").and_then(|p| p.strip_suffix(".cert.pem")).map(str::to_string);
    let mut fresh = Bundle::default();
    let mut intermediates = 0;
    let mut enrollment_certificates = Vec::new();
    for made in certificates {
        let Some(stem) = stem_of(&made.certificate_path) else { continue };
        match made.role {
            role::INTERMEDIATE => intermediates += 1,
            role::DEVICE | role::PRIMARY | role::SECONDARY => {
                let id = RegistrationId::parse("certificates", &made.common_name)?;
                let full_chain = layout::full_chain(&stem);
                let chain_path = if exists(&full_chain) { full_chain } else { layout::cert(&stem) };
                let pfx_path = [layout::full_chain_pfx(&stem), layout::cert_pfx(&stem)].into_iter().find(|p| exists(p)).unwrap_or_default();
                let (Some(chain_pem), Some(key_pem)) = (text(&chain_path), text(&layout::key(&stem))) else { continue };
                let material = DeviceMaterial {
                    registration_id: &id,
                    stem: &stem,
                    chain_path: &chain_path,
                    chain_pem: &chain_pem,
                    key_path: &layout::key(&stem),
                    key_pem: &key_pem,
                    pfx_path: &pfx_path,
                };
                write_device_snippets(&mut fresh, settings, pfx_password, &material)?;
                if made.role == role::DEVICE {
                    let path = layout::snippet(&stem, layout::POWERSHELL_ENROLLMENT);
                    fresh.text(path, &powershell_enrollment(settings, &id, &layout::cert(&stem), None), String::new())?;
                } else {
                    enrollment_certificates.push((id, layout::cert(&stem)));
                }
            }
            role::EDGE_IDENTITY => {
                let device = RegistrationId::parse("certificates", &made.common_name)?;
                let identity_stem = layout::edge_identity_stem(&device);
                let ca_stem = layout::edge_device_ca_stem(&device);
                let files = EdgeConfigFiles {
                    identity_full_chain: &layout::full_chain(&identity_stem),
                    identity_key: &layout::key(&identity_stem),
                    edge_ca: Some((&layout::full_chain(&ca_stem), &layout::key(&ca_stem))),
                };
                let path = layout::snippet(&layout::edge_config_stem(&device), layout::EDGE_CONFIG);
                fresh.text(path, &edge_config_toml(settings, &device, &files), String::new())?;
            }
            _ => {}
        }
    }
    if let [(id, primary), rest @ ..] = enrollment_certificates.as_slice() {
        let secondary = rest.first().map(|(_, path)| path.as_str());
        let path = layout::snippet(&id.stem(), layout::POWERSHELL_ENROLLMENT);
        fresh.text(path, &powershell_enrollment(settings, id, primary, secondary), String::new())?;
    }
    write_enrollment_group_commands(&mut fresh, settings, intermediates)?;
    let fresh = fresh.into_files();
    Ok(files
        .into_iter()
        .map(|old| match fresh.iter().find(|f| f.path == old.path) {
            Some(new) => OutputFile { contents: new.contents.clone(), secret: new.secret || old.secret, ..old },
            None => old,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::make::Product;
    use crate::make::chain::{ChainSpec, TutorialChain};
    use crate::x509::key::KeyAlgorithm;

    #[test]
    fn new_settings_change_the_snippets_and_nothing_else() {
        let chain =
            TutorialChain::generate(ChainSpec { key_algorithm: KeyAlgorithm::EcP256, ..ChainSpec::default() }, 1_764_000_000).unwrap();
        let files = chain.files().unwrap();
        let entries = chain.entries().unwrap();
        let made: Vec<MadeCertificate> = entries
            .iter()
            .map(|e| MadeCertificate { role: e.role, common_name: e.common_name.clone(), certificate_path: e.certificate_path.clone() })
            .collect();
        let settings =
            SnippetSettings { id_scope: Some("0ne00ABCDEF".into()), dps_name: Some("my-dps".into()), ..SnippetSettings::default() };
        let refreshed = refresh_snippets(files.clone(), &made, &settings, "1234").unwrap();
        assert_eq!(refreshed.len(), files.len());
        let mut changed = Vec::new();
        for (old, new) in files.iter().zip(&refreshed) {
            assert_eq!(old.path, new.path);
            if old.contents != new.contents {
                assert!(old.path.starts_with("snippets/"), "{} changed", old.path);
                changed.push(new.path.as_str());
            }
        }
        for expected in
            ["snippets/device-01.provision_x509.py.env.sh", "snippets/device-02.dotnet-run.cmd", "snippets/enrollment-group.az-cli.sh"]
        {
            assert!(changed.contains(&expected), "{expected} not rewritten: {changed:?}");
        }
        let env = refreshed.iter().find(|f| f.path == "snippets/device-01.provision_x509.py.env.sh").unwrap();
        assert!(String::from_utf8_lossy(&env.contents).contains("0ne00ABCDEF"));
        // The same settings again write the same snippets as generating with them.
        let regenerated = TutorialChain { spec: ChainSpec { snippets: settings.clone(), ..chain.spec.clone() }, ..chain };
        let expected = regenerated.files().unwrap();
        let snippet = |files: &[OutputFile], path: &str| files.iter().find(|f| f.path == path).unwrap().contents.clone();
        for path in changed {
            assert_eq!(snippet(&refreshed, path), snippet(&expected, path), "{path}");
        }
    }
}
