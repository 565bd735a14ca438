//! The SDK snippets compile as the samples use them: the C constants with gcc
//! against OpenSSL, the Java constants with javac, and each holds exactly the
//! PEM files' text.

mod support;

use std::fs;
use std::process::Command;

use cert_studio::x509::key::KeyAlgorithm::{self, EcP256, EcP384, Rsa2048};
use support::{WrittenChain, compile_c, device_cert, device_full_chain, device_key, device_snippet, fixture, run_ok, spec, tool};

const C_SNIPPET: &str = "custom_hsm_example.c";
const JAVA_SNIPPET: &str = "ProvisioningX509Sample.java";

/// gcc builds the check program around the snippet; the program checks it with OpenSSL.
fn check_c_snippet(algorithm: KeyAlgorithm, intermediates: usize, id: &str) {
    let written = WrittenChain::generate(spec(algorithm, intermediates, &[id]));
    let snippet = written.path(&device_snippet(id, C_SNIPPET));
    let program = compile_c(&written.dir, &fixture("custom_hsm_check.c"), &[format!("-DSNIPPET_FILE=\"{}\"", snippet.display())]);
    let count = 1 + intermediates + 1;
    let out =
        run_ok(Command::new(&program).arg(written.path(&device_full_chain(id))).arg(written.path(&device_key(id))).arg(count.to_string()));
    assert_eq!(out.trim(), "OK");
}

/// javac builds the snippet into a class shaped like the sample; java runs its checks.
fn check_java_snippet(algorithm: KeyAlgorithm, intermediates: usize) {
    let id = "device-01";
    let written = WrittenChain::generate(spec(algorithm, intermediates, &[id]));
    let snippet = written.text(&device_snippet(id, JAVA_SNIPPET));
    // The constants go into the class, the `signerCertificatePemList.add` lines into main().
    let split = snippet.find("\nsignerCertificatePemList.add(").expect("the snippet has signer lines") + 1;
    let (constants, signer_list) = snippet.split_at(split);
    let source = fs::read_to_string(fixture("SnippetCheck.java.in"))
        .expect("fixture")
        .replace("@CONSTANTS@", constants)
        .replace("@SIGNER_LIST@", signer_list);
    let build = written.dir.path("java");
    fs::create_dir_all(&build).expect("mkdir");
    fs::write(build.join("SnippetCheck.java"), source).expect("write");
    run_ok(tool("javac").current_dir(&build).args(["-Xlint:all", "-Werror", "SnippetCheck.java"]));

    let mut signer_cns: Vec<String> = written.chain.spec.intermediate_common_names.iter().rev().cloned().collect();
    signer_cns.push(written.chain.spec.root_common_name.clone());
    let out = run_ok(
        tool("java")
            .args(["-cp"])
            .arg(&build)
            .arg("SnippetCheck")
            .arg(written.path(&device_cert(id)))
            .arg(written.path(&device_key(id)))
            .args(&signer_cns),
    );
    assert_eq!(out.trim(), "OK");
}

#[test]
fn c_snippet_tutorial_chain() {
    check_c_snippet(Rsa2048, 1, "device-01");
}

#[test]
fn c_snippet_three_intermediates_and_a_colon_in_the_id() {
    check_c_snippet(EcP256, 3, "plant-7:sensor.a_b");
}

#[test]
fn c_snippet_root_signs_the_device() {
    check_c_snippet(EcP384, 0, "device-01");
}

#[test]
fn java_snippet_tutorial_chain() {
    check_java_snippet(Rsa2048, 1);
}

#[test]
fn java_snippet_three_intermediates() {
    check_java_snippet(EcP256, 3);
}

#[test]
fn java_snippet_root_signs_the_device() {
    check_java_snippet(EcP384, 0);
}
