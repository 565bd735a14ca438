//! Names and settings from anywhere → file paths and snippets. Whatever the
//! rules accept gives paths that pass the path rule and snippets that hold
//! the value exactly (bash's single quotes read back, cmd lines with nothing
//! cmd expands, PowerShell's quotes read back); whatever they refuse is
//! refused with a one-line message.
#![no_main]
use cert_studio::output::file::check_output_path;
use cert_studio::output::layout;
use cert_studio::output::quote;
use cert_studio::output::snippets::{SnippetSettings, check_pfx_password_for_cmd, dotnet_run, powershell_enrollment, python_env};
use cert_studio::rules::names::RegistrationId;
use libfuzzer_sys::fuzz_target;

/// What bash makes of a line `export NAME='…'` (the only form `sh` writes).
fn bash_value(line: &str) -> Option<String> {
    let quoted = line.split_once('=')?.1;
    let mut value = String::new();
    let mut rest = quoted;
    while !rest.is_empty() {
        let inner = rest.strip_prefix('\'')?;
        let end = inner.find('\'')?;
        value.push_str(&inner[..end]);
        rest = &inner[end + 1..];
        if let Some(after) = rest.strip_prefix("\\'") {
            value.push('\'');
            rest = after;
        }
    }
    Some(value)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut parts = text.splitn(4, '\u{1}');
    let (id, folder, password, scope) = (parts.next().unwrap_or(""), parts.next(), parts.next().unwrap_or("1234"), parts.next());
    let id = match RegistrationId::parse("devices", id) {
        Ok(id) => id,
        Err(e) => {
            assert!(!e.message.contains(['\n', '\r']), "{:?}", e.message);
            return;
        }
    };
    for path in [layout::cert(&id.stem()), layout::key(&id.stem()), layout::full_chain_pfx(&id.stem()), layout::snippet(&id.stem(), layout::DOTNET_RUN_CMD), layout::edge_config_stem(&id)] {
        check_output_path(&path).unwrap_or_else(|e| panic!("{id}: {}", e.message));
    }
    let settings = SnippetSettings { folder: folder.map(str::to_string), id_scope: scope.map(str::to_string), ..SnippetSettings::default() };
    if settings.validate().is_err() || check_pfx_password_for_cmd(password).is_err() {
        return;
    }
    let python = python_env(&settings, &id, &layout::full_chain(&id.stem()), &layout::key(&id.stem())).expect("validated settings");
    let exported: Vec<&str> = python.bash.lines().filter(|l| l.starts_with("export DPS_X509_REGISTRATION_ID=")).collect();
    assert_eq!(bash_value(exported[0]).as_deref(), Some(id.as_str()));
    let folder_line = python.bash.lines().find(|l| l.starts_with("export X509_CERT_FILE=")).unwrap();
    assert_eq!(bash_value(folder_line), Some(settings.posix_path(&layout::full_chain(&id.stem()))));
    for line in python.cmd.lines().filter(|l| l.starts_with("set ")) {
        assert!(!line.contains(['%', '!']) && line.matches('"').count() == 2 && !line.chars().any(char::is_control), "{line:?}");
    }
    let dotnet = dotnet_run(&settings, &layout::full_chain_pfx(&id.stem()), password).expect("validated password");
    let cmd_line = dotnet.cmd.lines().last().unwrap();
    assert!(!cmd_line.contains(['%', '!']) && cmd_line.matches('"').count() == 6, "{cmd_line:?}");
    let powershell = powershell_enrollment(&settings, &id, &layout::cert(&id.stem()), None);
    assert!(powershell.contains(&quote::powershell(id.as_str())));
});
