//! Each snippet judged by what consumes it: gcc + OpenSSL for C, bash for the
//! environment blocks and the C# line, the file system for PowerShell.

mod support;

use std::process::Command;

use cert_studio::OutputFile;
use cert_studio::Product;
use cert_studio::make::chain::{ChainSpec, TutorialChain};
use cert_studio::output::snippets::SnippetSettings;
use cert_studio::x509::key::KeyAlgorithm;
use support::{Scratch, compile_c, file, fixture, now, run_ok, tool};

fn tutorial_files(algorithm: KeyAlgorithm, settings: SnippetSettings) -> Vec<OutputFile> {
    let spec = ChainSpec {
        key_algorithm: algorithm,
        devices: vec!["device-01".into(), "device-02".into()],
        snippets: settings,
        ..ChainSpec::default()
    };
    TutorialChain::generate(spec, now()).unwrap().files().unwrap()
}

#[test]
fn c_snippets_compile_and_their_pems_match_the_files() {
    for algorithm in [KeyAlgorithm::Rsa2048, KeyAlgorithm::EcP384] {
        let settings = SnippetSettings { hub_name: Some("my-hub".into()), ..Default::default() };
        let files = tutorial_files(algorithm, settings);
        let dir = Scratch::new("c-snippets");
        dir.write_all(&files);
        dir.write("hsm.c", &file(&files, "snippets/device-02.custom_hsm_example.c").contents);
        dir.write("ll.c", &file(&files, "snippets/device-02.iothub_ll_client_x509_sample.c").contents);
        let binary = compile_c(&dir, &fixture("both_c_snippets_check.c"), &[]);
        let out = run_ok(Command::new(&binary).arg(dir.path("hsm.out")).arg(dir.path("ll.out")));
        assert_eq!(
            out,
            "COMMON_NAME=device-02\n\
             connectionString=HostName=my-hub.azure-devices.net;DeviceId=device-02;x509=true\n\
             custom_hsm certs=3\niothub_ll certs=3\n"
        );
        // After C's literal joining: the PEM files byte for byte (the program adds each final newline).
        let expected = dir.read_text("certs/device-02-full-chain.cert.pem") + &dir.read_text("private/device-02.key.pem");
        assert_eq!(dir.read_text("hsm.out"), expected);
        assert_eq!(dir.read_text("ll.out"), expected);
    }
}

#[test]
fn env_blocks_name_files_that_exist() {
    let dir = Scratch::new("env");
    let settings = SnippetSettings { id_scope: Some("0ne00000A0A".into()), folder: Some(dir.folder()), ..Default::default() };
    let files = tutorial_files(KeyAlgorithm::EcP256, settings);
    dir.write_all(&files);
    let python = dir.path("snippets/device-01.provision_x509.py.env.sh");
    run_ok(
        tool("bash")
            .arg("-c")
            .arg(
                r#"set -eu
           export X509_PASS_PHRASE=stale
           source "$1"
           test "$PROVISIONING_HOST" = global.azure-devices-provisioning.net
           test "$PROVISIONING_IDSCOPE" = 0ne00000A0A
           test "$DPS_X509_REGISTRATION_ID" = device-01
           test -f "$X509_CERT_FILE" && test -f "$X509_KEY_FILE"
           case "$X509_CERT_FILE" in *certs/device-01-full-chain.cert.pem) ;; *) exit 3 ;; esac
           test -z "${X509_PASS_PHRASE+set}"
           openssl x509 -noout -in "$X509_CERT_FILE"
           openssl pkey -noout -in "$X509_KEY_FILE""#,
            )
            .arg("bash")
            .arg(&python),
    );
    let node = dir.path("snippets/device-02.register_x509.js.env.sh");
    run_ok(
        tool("bash")
            .arg("-c")
            .arg(
                r#"set -eu
           source "$1"
           test "$PROVISIONING_REGISTRATION_ID" = device-02
           test "$PROVISIONING_IDSCOPE" = 0ne00000A0A
           test -f "$CERTIFICATE_FILE" && test -f "$KEY_FILE"
           case "$KEY_FILE" in *private/device-02.key.pem) ;; *) exit 3 ;; esac"#,
            )
            .arg("bash")
            .arg(&node),
    );
    // Windows: `set "NAME=value"` lines naming the same files with backslashes.
    for (path, names) in [
        ("snippets/device-01.provision_x509.py.env.cmd", &["X509_CERT_FILE", "X509_KEY_FILE"][..]),
        ("snippets/device-01.register_x509.js.env.cmd", &["CERTIFICATE_FILE", "KEY_FILE"][..]),
    ] {
        let text = dir.read_text(path);
        for name in names {
            let line = text.lines().find(|l| l.starts_with(&format!("set \"{name}="))).unwrap();
            let value = line.trim_end_matches('"').split_once('=').unwrap().1;
            let relative = value.strip_prefix(&dir.folder()).unwrap();
            assert!(relative.starts_with('\\') && !relative.contains('/'), "{line}");
            assert!(dir.path(&relative[1..].replace('\\', "/")).is_file(), "{line}");
        }
        assert!(text.contains("set \"PROVISIONING_IDSCOPE=0ne00000A0A\""), "{text}");
    }
    assert!(dir.read_text("snippets/device-01.provision_x509.py.env.cmd").contains("set \"X509_PASS_PHRASE=\""));
}

#[test]
fn dotnet_line_names_the_pfx_and_its_password() {
    let dir = Scratch::new("dotnet");
    let settings =
        SnippetSettings { id_scope: Some("0ne00000A0A".into()), folder: Some(format!("{}/", dir.folder())), ..Default::default() };
    let files = tutorial_files(KeyAlgorithm::EcP256, settings);
    dir.write_all(&files);
    // A stand-in `dotnet` that checks its arguments the way the sample parses them.
    let out = run_ok(
        tool("bash")
            .arg("-c")
            .arg(
                r#"set -eu
           dotnet() {
             test "$1 $2 $3 $4 $5 $7" = "run -- -s 0ne00000A0A -c -p"
             openssl pkcs12 -in "$6" -passin "pass:$8" -nokeys | grep -c 'BEGIN CERTIFICATE'
           }
           source "$1""#,
            )
            .arg("bash")
            .arg(dir.path("snippets/device-01.dotnet-run.sh")),
    );
    assert_eq!(out.trim(), "3");
    let cmd = dir.read_text("snippets/device-01.dotnet-run.cmd");
    assert!(cmd.contains("dotnet run -- -s \"0ne00000A0A\" -c \""), "{cmd}");
    assert!(cmd.contains("\\certs\\device-01-full-chain.cert.pfx\" -p \"1234\""), "{cmd}");
}

#[test]
fn powershell_names_the_device_certificate() {
    let dir = Scratch::new("ps");
    let settings = SnippetSettings {
        folder: Some(dir.folder()),
        dps_name: Some("dpsztputik7h47qi".into()),
        resource_group: Some("myDpsRG".into()),
        ..Default::default()
    };
    let files = tutorial_files(KeyAlgorithm::EcP256, settings);
    dir.write_all(&files);
    let text = dir.read_text("snippets/device-01.Add-AzIoTDeviceProvisioningServiceEnrollment.ps1");
    let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        lines[..5],
        [
            "Add-AzIoTDeviceProvisioningServiceEnrollment `",
            "-ResourceGroupName 'myDpsRG' `",
            "-DpsName 'dpsztputik7h47qi' `",
            "-RegistrationId 'device-01' `",
            "-AttestationType X509 `",
        ]
    );
    let primary = lines[5].strip_prefix("-PrimaryCertificate '").unwrap().strip_suffix('\'').unwrap();
    let relative = primary.strip_prefix(&dir.folder()).unwrap().replace('\\', "/");
    assert_eq!(relative, "/certs/device-01.cert.pem");
    run_ok(tool("openssl").args(["x509", "-noout", "-in"]).arg(dir.path(&relative[1..])));
}

#[test]
fn unfilled_fields_show_plain_placeholders() {
    let files = tutorial_files(KeyAlgorithm::EcP256, SnippetSettings::default());
    let text = |p: &str| String::from_utf8(file(&files, p).contents.clone()).unwrap();
    assert!(text("snippets/device-01.provision_x509.py.env.sh").contains("export PROVISIONING_IDSCOPE='<your-id-scope>'"));
    assert!(
        text("snippets/device-01.provision_x509.py.env.sh")
            .contains("export X509_CERT_FILE='<your-certificate-folder>/certs/device-01-full-chain.cert.pem'")
    );
    assert!(
        text("snippets/device-01.register_x509.js.env.cmd")
            .contains("set \"KEY_FILE=<your-certificate-folder>\\private\\device-01.key.pem\"")
    );
    assert!(
        text("snippets/device-01.iothub_ll_client_x509_sample.c")
            .contains("HostName=<your-hub-name>.azure-devices.net;DeviceId=device-01;x509=true")
    );
    assert!(text("snippets/device-01.dotnet-run.sh").contains("-s '<your-id-scope>'"));
    let ps = text("snippets/device-01.Add-AzIoTDeviceProvisioningServiceEnrollment.ps1");
    assert!(ps.contains("-ResourceGroupName '<your-resource-group>'") && ps.contains("-DpsName '<your-dps-name>'"), "{ps}");
}

/// The Java constants in a class whose main() runs the signer lines, parses
/// every PEM with CertificateFactory / KeyFactory, checks each certificate is
/// signed by the next, and that the key signs what the leaf's key verifies.
const JAVA_CLASS: &str = r#"
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.*;
import java.security.cert.*;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.*;

public class Check {
CONSTANTS
    public static void main(String[] args) throws Exception {
        List<String> signerCertificatePemList = new ArrayList<>();
SIGNERS
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        X509Certificate leaf = (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(leafPublicPem.getBytes(StandardCharsets.US_ASCII)));
        X509Certificate child = leaf;
        for (String pem : signerCertificatePemList) {
            X509Certificate signer = (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            child.verify(signer.getPublicKey());
            child = signer;
        }
        child.verify(child.getPublicKey());
        String base64 = leafPrivateKeyPem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "").replaceAll("\\s", "");
        String algorithm = leaf.getPublicKey().getAlgorithm();
        PrivateKey key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        Signature signature = Signature.getInstance(algorithm.equals("EC") ? "SHA256withECDSA" : "SHA256withRSA");
        signature.initSign(key);
        signature.update(new byte[] { 1, 2, 3 });
        byte[] signed = signature.sign();
        signature.initVerify(leaf.getPublicKey());
        signature.update(new byte[] { 1, 2, 3 });
        System.out.println(leaf.getSubjectX500Principal().getName() + " signers=" + signerCertificatePemList.size() + " key matches=" + signature.verify(signed));
    }
}
"#;

#[test]
fn java_snippet_compiles_and_its_pems_parse() {
    let spec = ChainSpec {
        key_algorithm: KeyAlgorithm::EcP256,
        intermediate_common_names: vec!["Intermediate 1".into(), "Intermediate 2".into()],
        devices: vec!["device-01".into()],
        ..ChainSpec::default()
    };
    let files = TutorialChain::generate(spec, now()).unwrap().files().unwrap();
    let snippet = String::from_utf8(file(&files, "snippets/device-01.ProvisioningX509Sample.java").contents.clone()).unwrap();
    let (constants, signers) = snippet.split_once("// In main()").unwrap();
    let dir = Scratch::new("java");
    let source = JAVA_CLASS.replace("CONSTANTS", constants).replace("SIGNERS", signers.split_once('\n').unwrap().1);
    dir.write("Check.java", source);
    run_ok(tool("javac").arg("Check.java").current_dir(dir.root()));
    let out = run_ok(tool("java").args(["-cp", ".", "Check"]).current_dir(dir.root()));
    assert_eq!(out.trim(), "CN=device-01 signers=3 key matches=true");
}
