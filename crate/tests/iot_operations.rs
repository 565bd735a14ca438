//! Azure IoT Operations' MQTT broker, checked with tools nobody here wrote:
//! PyYAML reads the BrokerAuthentication and Python's `shlex` the scripts
//! (the X.509 method names the ConfigMap the kubectl line creates, from the
//! client root; `az`'s `--x509-attr` pairs say what the YAML says; each
//! subject is its client's CN as `cryptography` reads it), and a real
//! `mosquitto` broker trusting only that ConfigMap's file and requiring
//! client certificates accepts every client's `mosquitto_pub` line as
//! written, and refuses clients under another CA or without a certificate.

mod support;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use cert_studio::Product;
use cert_studio::make::iot_operations::{IotOperationsClients, IotOperationsSpec};
use support::{Scratch, now, python, run, run_ok, tool};

const CHECK_SNIPPETS: &str = r##"
import shlex, sys, yaml
from pathlib import Path
from cryptography import x509
from cryptography.x509.oid import NameOID

folder = Path(sys.argv[1])
clients = sys.argv[2].split(",")
snippets = folder / "snippets"

def command(script, program):
    # Line continuations joined, as sh joins them; the one line that runs `program`.
    [line] = [l for l in script.read_text().replace("\\\n", " ").splitlines() if l.startswith(program + " ")]
    return shlex.split(line)

kubectl = command(snippets / "iot-operations.client-ca.configmap.sh", "kubectl")
assert kubectl[:3] == ["kubectl", "create", "configmap"], kubectl
config_map = kubectl[3]
assert kubectl[kubectl.index("-n") + 1] == "azure-iot-operations", kubectl
from_file = [w for w in kubectl if w.startswith("--from-file=")]
assert len(from_file) == 1, kubectl
key, path = from_file[0][len("--from-file="):].split("=", 1)
assert key == "client_ca.pem", key
root = x509.load_pem_x509_certificate((folder / path).read_bytes())
assert root.subject == root.issuer, "the ConfigMap holds the client root"

resource = yaml.safe_load((snippets / "iot-operations.broker-authentication.yaml").read_text())
assert resource["apiVersion"] == "mqttbroker.iotoperations.azure.com/v1", resource
assert resource["kind"] == "BrokerAuthentication", resource
assert resource["metadata"]["namespace"] == "azure-iot-operations", resource
[method] = resource["spec"]["authenticationMethods"]
assert method["method"] == "X509", method
settings = method["x509Settings"]
assert settings["trustedClientCaCert"] == config_map, (settings, config_map)
attributes = settings["authorizationAttributes"]

def cn(cert):
    return cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value

for name in clients:
    cert = x509.load_pem_x509_certificate((folder / "certs" / f"{name}.cert.pem").read_bytes())
    assert attributes[name]["subject"] == "CN = " + cn(cert), (name, attributes[name])
    chain = x509.load_pem_x509_certificates((folder / "certs" / f"{name}-full-chain.cert.pem").read_bytes())
    assert [c.subject for c in chain[1:]] == [chain[0].issuer, root.subject], name
intermediate = x509.load_pem_x509_certificate((folder / "certs" / "iot-operations-client.intermediate.cert.pem").read_bytes())
assert attributes["intermediate"]["subject"] == "CN = " + cn(intermediate), attributes["intermediate"]

az = command(snippets / "iot-operations.az-cli.sh", "az")
assert az[:6] == ["az", "iot", "ops", "broker", "authn", "method"] and az[6] == "add", az
assert az[az.index("--authn") + 1] == resource["metadata"]["name"], az
assert az[az.index("--x509-client-ca-ref") + 1] == config_map, az
from_cli = {}
for word in az[az.index("--x509-attr"):]:
    if word == "--x509-attr":
        continue
    dotted, value = word.split("=", 1)
    entry, *rest = dotted.split(".")
    if rest == ["subject"]:
        from_cli.setdefault(entry, {})["subject"] = value
    else:
        assert rest[0] == "attributes" and len(rest) == 2, word
        from_cli.setdefault(entry, {}).setdefault("attributes", {})[rest[1]] = value
assert from_cli == attributes, (from_cli, attributes)
print(config_map, path)
"##;

/// A server certificate for 127.0.0.1 under a root of its own (the broker's
/// server PKI is not the clients'), made by OpenSSL.
fn server_pki(dir: &Scratch) {
    dir.openssl(
        &["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=Contoso Root CA"]
            .into_iter()
            .chain(["-keyout", "server-root.key", "-out", "server-root.pem", "-days", "2"])
            .collect::<Vec<_>>(),
    );
    dir.openssl(&[
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-subj",
        "/CN=mqtts-endpoint",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
    ]);
    dir.write("server.ext", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
    dir.openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "server-root.pem",
        "-CAkey",
        "server-root.key",
        "-days",
        "2",
        "-extfile",
        "server.ext",
        "-out",
        "server.pem",
    ]);
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("its address").port()
}

/// `mosquitto` on 127.0.0.1; dropping it stops the broker.
struct Broker {
    child: Child,
    port: u16,
}

impl Broker {
    /// Trusting only `client_ca` for client certificates, which it requires.
    fn start(dir: &Scratch, client_ca: &Path) -> Self {
        let port = free_port();
        // Started as root, mosquitto would turn into user `mosquitto`, who can't read the scratch folder.
        let user = run_ok(tool("id").arg("-un"));
        let config = format!(
            "listener {port} 127.0.0.1\nuser {}\ncafile {}\ncertfile {}\nkeyfile {}\nrequire_certificate true\nallow_anonymous true\n",
            user.trim(),
            client_ca.display(),
            dir.path("server.pem").display(),
            dir.path("server.key").display(),
        );
        let conf = dir.write("mosquitto.conf", config);
        let log = std::fs::File::create(dir.path("mosquitto.log")).expect("the broker's log");
        let mut child =
            Command::new("/usr/sbin/mosquitto").arg("-c").arg(&conf).stdout(Stdio::null()).stderr(log).spawn().expect("start mosquitto");
        let deadline = Instant::now() + Duration::from_secs(15);
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        while TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_err() {
            if Instant::now() > deadline || child.try_wait().expect("the broker's state").is_some() {
                let _ = child.kill();
                panic!("mosquitto did not listen on {port}:\n{}", dir.read_text("mosquitto.log"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { child, port }
    }

    /// Runs the product's `mosquitto_pub` script from its folder against this broker.
    fn publish(&self, folder: &Path, server_root: &Path) -> std::process::Output {
        run(tool("sh")
            .arg("snippets/iot-operations.mosquitto_pub.sh")
            .current_dir(folder)
            .env("BROKER_HOST", "127.0.0.1")
            .env("BROKER_PORT", self.port.to_string())
            .env("BROKER_CA_FILE", server_root))
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn make(spec: IotOperationsSpec, tag: &str) -> Scratch {
    let made = IotOperationsClients::build(spec, None, now()).expect("the core makes the clients");
    let dir = Scratch::new(tag);
    dir.write_all(&made.files().expect("the core writes the files"));
    dir
}

#[test]
fn the_broker_trusts_the_configmap_and_takes_every_clients_chain() {
    let clients = ["thermostat", "hygrometer=humidity", "heater"];
    let spec = IotOperationsSpec {
        clients: clients.iter().map(|c| c.to_string()).collect(),
        config_map: "fabrikam-ca".into(),
        ..IotOperationsSpec::default()
    };
    let good = make(spec, "iot-operations");
    let names: Vec<&str> = clients.iter().map(|c| c.split('=').next().unwrap()).collect();
    let checked = run_ok(python().args(["-c", CHECK_SNIPPETS]).arg(good.root()).arg(names.join(",")));
    let (config_map, ca_path) = checked.trim().split_once(' ').expect("the checker prints the ConfigMap and its file");
    assert_eq!(config_map, "fabrikam-ca");

    let server = Scratch::new("iot-operations-server");
    server_pki(&server);
    let server_root = server.path("server-root.pem");
    let broker = Broker::start(&server, &good.path(ca_path));

    let accepted = broker.publish(good.root(), &server_root);
    assert!(
        accepted.status.success(),
        "mosquitto refused a client under the ConfigMap's CA:\n{}{}",
        String::from_utf8_lossy(&accepted.stdout),
        String::from_utf8_lossy(&accepted.stderr)
    );

    // The same lines from a product under another root: the broker must refuse them.
    let other =
        make(IotOperationsSpec { root_common_name: "Other Root CA".into(), ..IotOperationsSpec::default() }, "iot-operations-other");
    let refused = broker.publish(other.root(), &server_root);
    assert!(!refused.status.success(), "mosquitto took a client under another CA");

    // Without a certificate at all: refused too, so the broker really requires one.
    let bare = run(tool("mosquitto_pub")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &broker.port.to_string(),
            "-V",
            "mqttv5",
            "-q",
            "1",
            "-i",
            "nobody",
            "-t",
            "t",
            "-m",
            "m",
            "--cafile",
        ])
        .arg(&server_root));
    assert!(!bare.status.success(), "mosquitto took a client without a certificate");
}
