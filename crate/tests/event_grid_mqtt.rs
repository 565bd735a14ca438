//! Event Grid's MQTT broker, played on loopback: the az script runs (with an
//! `az` that records its arguments), a TLS server (Python's ssl) trusts only
//! the CA file that script uploads, with partial chains allowed as Event Grid
//! takes the immediate issuer, and requires a client certificate. Each client
//! connects with the files and user name of its paho snippet; the name the
//! server reads from the scheme's field must be the `--authentication-name`
//! its `az eventgrid namespace client create` line registers.

mod support;

use std::os::unix::fs::PermissionsExt;

use cert_studio::make::Product;
use cert_studio::make::event_grid::{EventGridClients, EventGridSpec};
use cert_studio::rules::event_grid::ValidationScheme;
use cert_studio::x509::key::KeyAlgorithm;
use serde_json::Value;
use support::{Scratch, fixture, now, python, run, run_ok, tool};

/// A recorded `az` call: its arguments.
struct AzCall(Vec<String>);

impl AzCall {
    fn is(&self, command: &[&str]) -> bool {
        self.0.len() >= command.len() && self.0.iter().zip(command).all(|(a, b)| a == b)
    }

    fn flag(&self, name: &str) -> &str {
        let at = self.0.iter().position(|a| a == name).unwrap_or_else(|| panic!("no {name} in {:?}", self.0));
        &self.0[at + 1]
    }
}

/// The product's files unpacked, with the az script run against a recording `az`.
struct Unpacked {
    dir: Scratch,
    calls: Vec<AzCall>,
}

/// Runs `script` with `program` on PATH replaced by one that records its
/// arguments (and the folder it ran in) as JSON lines; returns them.
fn run_recording(dir: &Scratch, script: &str, program: &str, env: &[(&str, &str)]) -> Vec<AzCall> {
    let log = dir.path(&format!("{program}.log"));
    let _ = std::fs::remove_file(&log);
    let fake = dir.write(
        &format!("fake-bin/{program}"),
        "#!/usr/bin/env python3\nimport json, os, sys\nopen(os.environ['CALL_LOG'], 'a').write(json.dumps([os.getcwd()] + sys.argv[1:]) + '\\n')\n",
    );
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", dir.path("fake-bin").display(), std::env::var("PATH").unwrap_or_default());
    run_ok(tool("sh").arg(dir.path(script)).env("PATH", path).env("CALL_LOG", &log).envs(env.iter().copied()));
    let calls = std::fs::read_to_string(&log).unwrap_or_default();
    calls
        .lines()
        .map(|l| {
            let mut argv: Vec<String> = serde_json::from_str(l).expect("a JSON line");
            assert_eq!(std::path::Path::new(&argv.remove(0)), dir.root(), "{script} runs {program} in the unpacked folder");
            AzCall(argv)
        })
        .collect()
}

fn unpack(spec: EventGridSpec, tag: &str) -> Unpacked {
    let made = EventGridClients::build(spec, None, now()).expect("the Event Grid clients");
    let dir = Scratch::new(tag);
    dir.write_all(&made.files().unwrap());
    let calls = run_recording(&dir, "snippets/event-grid.az-cli.sh", "az", &[("RESOURCE_GROUP", "rg-test"), ("NAMESPACE", "ns-test")]);
    Unpacked { dir, calls }
}

impl Unpacked {
    fn clients(&self) -> Vec<&AzCall> {
        self.calls.iter().filter(|c| c.is(&["eventgrid", "namespace", "client", "create"])).collect()
    }

    /// The file the script uploads as the namespace's CA certificate.
    fn uploaded_ca(&self) -> String {
        let uploads: Vec<&AzCall> = self.calls.iter().filter(|c| c.is(&["eventgrid", "namespace", "ca-certificate", "create"])).collect();
        assert_eq!(uploads.len(), 1, "one CA upload expected");
        assert_eq!(uploads[0].flag("--resource-group"), "rg-test");
        self.dir.path(uploads[0].flag("--certificate")).display().to_string()
    }
}

/// A server certificate for `localhost`, made by openssl.
fn server_certificate(dir: &Scratch) -> (String, String) {
    dir.openssl(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost",
        "-keyout",
        "server.key.pem",
        "-out",
        "server.cert.pem",
    ]);
    (dir.path("server.cert.pem").display().to_string(), dir.path("server.key.pem").display().to_string())
}

/// Client `stem` of `from` connects to a server trusting only `trust`.
fn connect(trust: &str, scheme: ValidationScheme, from: &Scratch, stem: &str) -> Value {
    let server = Scratch::new("event-grid-server");
    let (cert, key) = server_certificate(&server);
    let snippet = from.path(&format!("snippets/{stem}.paho_client.py"));
    let out = run_ok(
        python()
            .arg(fixture("event_grid_broker.py"))
            .args(["--trust", trust, "--server-cert", &cert, "--server-key", &key, "--scheme", scheme.id(), "--base"])
            .arg(from.root())
            .arg("--snippet")
            .arg(snippet),
    );
    serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn spec(scheme: ValidationScheme, clients: &[&str]) -> EventGridSpec {
    EventGridSpec {
        validation: scheme,
        clients: clients.iter().map(|c| c.to_string()).collect(),
        resource_group: None,
        ..EventGridSpec::default()
    }
}

/// Every client of the scheme connects, and the server reads its registered name from the scheme's field.
fn each_client_is_read_where_registered(scheme: ValidationScheme, clients: &[&str], key: KeyAlgorithm) {
    let unpacked = unpack(EventGridSpec { key_algorithm: key, ..spec(scheme, clients) }, scheme.id());
    let trust = unpacked.uploaded_ca();
    assert!(trust.ends_with("certs/event-grid.intermediate.ca.cert.pem"), "the intermediate is uploaded, not {trust}");
    let registered = unpacked.clients();
    assert_eq!(registered.len(), clients.len());
    for call in registered {
        let (name, authentication) = (call.flag("--name"), call.flag("--authentication-name"));
        assert_eq!(call.flag("--client-certificate-authentication"), format!("{{validationScheme:{}}}", scheme.azure_name()));
        let seen = connect(&trust, scheme, &unpacked.dir, &name.replace(':', "_"));
        assert_eq!(seen["accepted"], true, "client {name} was refused: {seen}");
        let field: Vec<&str> = seen["field"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert_eq!(field, [authentication], "client {name}: the server read {field:?} from {}", scheme.field_label());
        assert_eq!(seen["username"], authentication, "the snippet's user name is not the registered one");
        assert_eq!(seen["client_heard"], "CONNACK");
        // The mosquitto_pub line: the same user name, and the files it names are the client's.
        let stem = name.replace(':', "_");
        let mosquitto =
            run_recording(&unpacked.dir, &format!("snippets/{stem}.mosquitto_pub.sh"), "mosquitto_pub", &[("MQTT_HOSTNAME", "ns.test")]);
        assert_eq!(mosquitto.len(), 1);
        assert_eq!(mosquitto[0].flag("-u"), authentication);
        assert_eq!((mosquitto[0].flag("-h"), mosquitto[0].flag("-p")), ("ns.test", "8883"));
        assert_eq!(
            unpacked.dir.read_text(mosquitto[0].flag("--cert")),
            unpacked.dir.read_text(&format!("certs/{stem}-full-chain.cert.pem"))
        );
        assert_eq!(mosquitto[0].flag("--key"), format!("private/{stem}.key.pem"));
    }
}

#[test]
fn subject_clients_are_read_from_the_cn() {
    each_client_is_read_where_registered(
        ValidationScheme::Subject,
        &["client-1", "client-2=client2-authn-ID", "a:b.c_d"],
        KeyAlgorithm::EcP256,
    );
}

#[test]
fn dns_clients_are_read_from_the_san_dns() {
    each_client_is_read_where_registered(ValidationScheme::Dns, &["client-1=client-1.contoso.com", "gateway-2"], KeyAlgorithm::Rsa2048);
}

#[test]
fn uri_clients_are_read_from_the_san_uri() {
    each_client_is_read_where_registered(
        ValidationScheme::Uri,
        &["cam-2=urn:contoso:cam-2", "cam-3=https://contoso.com/cams/3?x=1&y=%20"],
        KeyAlgorithm::EcP384,
    );
}

#[test]
fn ip_clients_are_read_from_the_san_ip() {
    each_client_is_read_where_registered(ValidationScheme::Ip, &["meter-7=10.0.0.7", "meter-8=2001:db8::8"], KeyAlgorithm::EcP256);
}

#[test]
fn email_clients_are_read_from_the_san_email() {
    each_client_is_read_where_registered(
        ValidationScheme::Email,
        &["hub-3=hub-3@contoso.com", "hub-4=hub.4+mqtt@contoso.com"],
        KeyAlgorithm::EcP256,
    );
}

#[test]
fn thumbprint_clients_match_their_registered_sha256() {
    let unpacked = unpack(spec(ValidationScheme::Thumbprint, &["client1=client1-authnID", "client2"]), "thumbprint");
    assert!(unpacked.calls.iter().all(|c| !c.is(&["eventgrid", "namespace", "ca-certificate", "create"])), "no CA for self-signed clients");
    let registered = unpacked.clients();
    let thumbprints: Vec<String> = registered
        .iter()
        .map(|call| {
            let value = call.flag("--client-certificate-authentication");
            let inside = value.strip_prefix("{validationScheme:ThumbprintMatch,allowed-thumbprints:[").and_then(|v| v.strip_suffix("]}"));
            inside.unwrap_or_else(|| panic!("not a thumbprint registration: {value}")).to_string()
        })
        .collect();
    for (call, thumbprint) in registered.iter().zip(&thumbprints) {
        let name = call.flag("--name");
        // A self-signed client is its own trust anchor; what Event Grid checks is the thumbprint.
        let own = unpacked.dir.path(&format!("certs/{name}.cert.pem")).display().to_string();
        let seen = connect(&own, ValidationScheme::Thumbprint, &unpacked.dir, name);
        assert_eq!(seen["accepted"], true, "{seen}");
        assert_eq!(seen["sha256"], thumbprint.as_str(), "client {name}'s certificate is not the one its line registers");
        assert_eq!(seen["username"], call.flag("--authentication-name"));
        // openssl agrees on the thumbprint, in the form Event Grid's docs show it (lower-case hex, no colons).
        let openssl = unpacked.dir.openssl(&["x509", "-noout", "-fingerprint", "-sha256", "-in", &format!("certs/{name}.cert.pem")]);
        assert_eq!(openssl.trim().rsplit('=').next().unwrap().replace(':', "").to_lowercase(), *thumbprint);
    }
    assert_ne!(thumbprints[0], thumbprints[1]);
}

#[test]
fn a_client_under_another_ca_is_refused() {
    let ours = unpack(spec(ValidationScheme::Subject, &["client-1"]), "ours");
    let theirs = unpack(spec(ValidationScheme::Subject, &["client-1"]), "theirs");
    let seen = connect(&ours.uploaded_ca(), ValidationScheme::Subject, &theirs.dir, "client-1");
    assert_eq!(seen["accepted"], false, "a client of another CA with the same names was accepted: {seen}");
    assert!(seen["error"].as_str().unwrap_or_default().contains("certificate verify failed"), "{seen}");
    // The root alone does not sign the clients: uploaded instead of the intermediate, it is refused too
    // unless the client sends the intermediate, which Event Grid does not ask for.
    let root = ours.dir.path("certs/event-grid.root.ca.cert.pem").display().to_string();
    let server = Scratch::new("event-grid-root-only");
    let (cert, key) = server_certificate(&server);
    let leaf_only = ours.dir.write(
        "snippets/leaf-only.paho_client.py",
        "USERNAME = \"client-1\"\nCERT_FILE = \"certs/client-1.cert.pem\"\nKEY_FILE = \"private/client-1.key.pem\"\n",
    );
    let out = run_ok(
        python()
            .arg(fixture("event_grid_broker.py"))
            .args(["--trust", &root, "--server-cert", &cert, "--server-key", &key, "--scheme", "subject", "--base"])
            .arg(ours.dir.root())
            .arg("--snippet")
            .arg(leaf_only),
    );
    assert!(out.contains("\"accepted\": false"), "the root trusted alone accepted a leaf without its issuer: {out}");
}

#[test]
fn the_script_asks_for_what_it_was_not_told() {
    let made = EventGridClients::build(spec(ValidationScheme::Subject, &["client-1"]), None, now()).unwrap();
    let dir = Scratch::new("event-grid-unset");
    dir.write_all(&made.files().unwrap());
    let output = run(tool("sh").arg(dir.path("snippets/event-grid.az-cli.sh")).env_remove("RESOURCE_GROUP"));
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("set RESOURCE_GROUP"), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn hostile_fields_are_refused_by_name() {
    let refused = |s: EventGridSpec| EventGridClients::build(s, None, now()).err().map(|e| (e.field.unwrap_or_default(), e.message));
    for name in ["../etc/passwd", "a\"b", "x&calc", "50%", "a\nb", "x'y"] {
        let (field, message) = refused(spec(ValidationScheme::Subject, &[name])).unwrap_or_else(|| panic!("{name:?} was accepted"));
        assert_eq!(field, "clients", "{name:?}: {message}");
        assert!(!message.contains('\n'), "{message}");
    }
    for (scheme, entry, says) in [
        (ValidationScheme::Ip, "meter-7=10.0.0.300", "IPv4 or IPv6"),
        (ValidationScheme::Uri, "cam-2=contoso/cam-2", "no scheme"),
        (ValidationScheme::Uri, "cam-2", "needs an authentication name"),
        (ValidationScheme::Email, "hub-3=hub\"3@contoso.com", "'\"'"),
        (ValidationScheme::Dns, "gw=gw.con\ntoso.com", "DNS"),
    ] {
        let (field, message) = refused(spec(scheme, &[entry])).unwrap_or_else(|| panic!("{entry:?} was accepted"));
        assert_eq!(field, "clients");
        assert!(message.contains(says), "{entry:?}: {message}");
    }
    let with = |f: fn(&mut EventGridSpec)| {
        let mut s = spec(ValidationScheme::Subject, &["client-1"]);
        f(&mut s);
        refused(s).map(|(field, _)| field)
    };
    assert_eq!(with(|s| s.ca_certificate_name = "ca&1".into()).as_deref(), Some("caCertificateName"));
    assert_eq!(with(|s| s.namespace = Some("ns\n-x".into())).as_deref(), Some("namespace"));
    assert_eq!(with(|s| s.resource_group = Some("rg'$(id)".into())).as_deref(), Some("resourceGroup"));
}

/// Inspect's preflight with an Event Grid client: the name is looked for in the scheme's field of a
/// certificate OpenSSL made, and the uploaded CA must be the client's own issuer.
#[test]
fn preflight_knows_event_grids_rules() {
    use cert_studio::judge::preflight::{RuleStatus, add_event_grid_rules, preflight};
    use cert_studio::read::pem_file::InputFile;
    use cert_studio::rules::event_grid::EventGridScenario;

    let dir = Scratch::new("event-grid-preflight");
    // The distribution's v3_req section: basicConstraints CA:FALSE, as a client certificate has.
    let san = "subjectAltName=URI:urn:contoso:cam-9,IP:10.0.0.9,email:cam-9@contoso.com";
    let args = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=cam-9"];
    dir.openssl(&[&args[..], &["-extensions", "v3_req", "-addext", san, "-keyout", "cam.key.pem", "-out", "cam.cert.pem"]].concat());
    let cam = dir.read("cam.cert.pem");
    let status_of = |scheme: &str, name: &str, sent: &[u8], uploaded: Option<&[u8]>| {
        let scenario = EventGridScenario::parse(scheme, name).unwrap();
        let files = [InputFile { name: "client.pem", contents: sent }];
        let uploaded: Vec<InputFile<'_>> = uploaded.map(|contents| InputFile { name: "ca.pem", contents }).into_iter().collect();
        let mut checked = preflight(&files, &uploaded, None, now()).unwrap();
        add_event_grid_rules(&mut checked, &files, &uploaded, None, &scenario).unwrap();
        let of = |id: &str| checked.rules.iter().find(|r| r.rule.id.as_str() == id).map(|r| (r.status, r.detail.clone())).unwrap();
        (of("event-grid-authentication-name"), of("event-grid-immediate-issuer"))
    };
    for (scheme, name) in [("uri", "urn:contoso:cam-9"), ("ip", "10.0.0.9"), ("email", "cam-9@contoso.com"), ("subject", "cam-9")] {
        assert_eq!(status_of(scheme, name, &cam, None).0.0, RuleStatus::Passed, "{scheme}");
    }
    let ((status, detail), _) = status_of("dns", "cam-9.contoso.com", &cam, None);
    assert_eq!(status, RuleStatus::Failed);
    assert!(detail.contains("none") && detail.contains("cam-9.contoso.com"), "{detail}");
    assert_eq!(status_of("uri", "urn:contoso:cam-8", &cam, None).0.0, RuleStatus::Failed);
    let fingerprint = dir.openssl(&["x509", "-in", "cam.cert.pem", "-noout", "-fingerprint", "-sha256"]);
    let fingerprint = fingerprint.trim().rsplit('=').next().unwrap().to_string();
    assert_eq!(status_of("thumbprint", &fingerprint, &cam, None).0.0, RuleStatus::Passed);

    // A client of the studio's chain: its intermediate uploaded passes, the root does not.
    let made = unpack(spec(ValidationScheme::Subject, &["client-1"]), "preflight-chain");
    let chain = made.dir.read("certs/client-1-full-chain.cert.pem");
    let intermediate = made.dir.read("certs/event-grid.intermediate.ca.cert.pem");
    let root = made.dir.read("certs/event-grid.root.ca.cert.pem");
    assert_eq!(status_of("subject", "client-1", &chain, Some(&intermediate)).1.0, RuleStatus::Passed);
    let (_, (status, detail)) = status_of("subject", "client-1", &chain, Some(&root));
    assert_eq!(status, RuleStatus::Failed, "{detail}");
    assert!(detail.contains("not the root"), "{detail}");
    assert_eq!(status_of("subject", "client-1", &chain, None).1.0, RuleStatus::NotChecked);
}
