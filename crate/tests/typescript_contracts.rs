//! The TypeScript in `src/binding/types.rs` (copied into every `.d.ts`) holds
//! to the Rust types it describes: each union lists exactly the ids the core
//! emits, and every object a result function returns has exactly the fields
//! its interface names, with a field that can be null typed so.

use std::collections::BTreeMap;

use cert_studio::judge::chain_verdict::ChainRule;
use cert_studio::judge::inspect::inspect_against;
use cert_studio::judge::preflight::RuleStatus;
use cert_studio::output::layout::CertificateRole;
use cert_studio::rules::azure_preflight::PreflightRuleId;
use cert_studio::{ChainSpec, InputFile, KeyAlgorithm, Product, Signing, TutorialChain};
use serde_json::Value;

const NOW: u64 = 1_767_225_600;

fn typescript() -> String {
    let rust = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/binding/types.rs")).unwrap();
    let start = rust.find("r#\"").expect("the TypeScript text") + 3;
    let end = rust.rfind("\"#").unwrap();
    rust[start..end].to_string()
}

/// The string literals of `export type NAME = 'a' | 'b';`.
fn union(ts: &str, name: &str) -> Vec<String> {
    let head = format!("export type {name} = ");
    let line = ts.lines().find(|l| l.starts_with(&head)).unwrap_or_else(|| panic!("no union {name}"));
    line[head.len()..].trim_end_matches(';').split(" | ").map(|v| v.trim_matches('\'').to_string()).collect()
}

#[test]
fn each_union_lists_exactly_what_the_core_emits() {
    let ts = typescript();
    let strings = |values: Vec<&str>| values.into_iter().map(String::from).collect::<Vec<_>>();
    assert_eq!(union(&ts, "ChainRule"), strings(ChainRule::ALL.iter().map(|r| r.as_str()).collect()));
    assert_eq!(union(&ts, "PreflightRuleId"), strings(PreflightRuleId::all().map(|r| r.as_str()).collect()));
    assert_eq!(union(&ts, "CertificateRole"), strings(CertificateRole::ALL.iter().map(|r| r.as_str()).collect()));
    assert_eq!(union(&ts, "KeyAlgorithm"), strings(KeyAlgorithm::ALL.iter().map(|a| a.id()).collect()));
    let statuses: Vec<String> = RuleStatus::ALL.iter().map(|s| serde_json::to_value(s).unwrap().as_str().unwrap().to_string()).collect();
    assert_eq!(union(&ts, "RuleStatus"), statuses);
}

/// One field of an interface: its type and whether it may be left out.
struct Field {
    ty: String,
    optional: bool,
}

/// Every `export interface` with its fields, those it extends included.
fn interfaces(ts: &str) -> BTreeMap<String, BTreeMap<String, Field>> {
    let mut own: BTreeMap<String, (Vec<String>, BTreeMap<String, Field>)> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in ts.lines() {
        if let Some(rest) = line.strip_prefix("export interface ") {
            let (name, parents) = match rest.trim_end_matches(" {").split_once(" extends ") {
                Some((name, parents)) => (name, parents.split(", ").map(String::from).collect()),
                None => (rest.trim_end_matches(" {"), Vec::new()),
            };
            own.insert(name.to_string(), (parents, BTreeMap::new()));
            current = Some(name.to_string());
        } else if line == "}" {
            current = None;
        } else if let (Some(name), Some((field, ty))) = (&current, line.trim().trim_end_matches(';').split_once(": ")) {
            if field.starts_with("/**") || field.starts_with('*') {
                continue;
            }
            let optional = field.ends_with('?');
            own.get_mut(name).unwrap().1.insert(field.trim_end_matches('?').to_string(), Field { ty: ty.to_string(), optional });
        }
    }
    fn flatten(name: &str, own: &BTreeMap<String, (Vec<String>, BTreeMap<String, Field>)>, out: &mut BTreeMap<String, Field>) {
        let Some((parents, fields)) = own.get(name) else { return };
        for parent in parents {
            flatten(parent, own, out);
        }
        for (field, f) in fields {
            out.insert(field.clone(), Field { ty: f.ty.clone(), optional: f.optional });
        }
    }
    own.keys()
        .map(|name| {
            let mut fields = BTreeMap::new();
            flatten(name, &own, &mut fields);
            (name.clone(), fields)
        })
        .collect()
}

/// Checks `value` against interface `name`, and its fields against theirs.
fn conforms(value: &Value, name: &str, all: &BTreeMap<String, BTreeMap<String, Field>>, at: &str, drift: &mut Vec<String>) {
    let Some(fields) = all.get(name) else { return };
    let Value::Object(object) = value else {
        drift.push(format!("{at}: {name} is not an object"));
        return;
    };
    for key in object.keys().filter(|k| !fields.contains_key(*k)) {
        drift.push(format!("{at}.{key}: not in interface {name}"));
    }
    for (field, f) in fields {
        match object.get(field) {
            None if !f.optional => drift.push(format!("{at}.{field}: required in {name} but absent")),
            Some(Value::Null) if !f.ty.contains("null") => drift.push(format!("{at}.{field}: null, but typed {}", f.ty)),
            Some(inner) => {
                let element = f.ty.split(" | ").next().unwrap_or_default();
                match (element.strip_suffix("[]"), inner) {
                    (Some(item), Value::Array(items)) => {
                        for (i, item_value) in items.iter().enumerate() {
                            conforms(item_value, item, all, &format!("{at}.{field}[{i}]"), drift);
                        }
                    }
                    (None, _) if !inner.is_null() => conforms(inner, element, all, &format!("{at}.{field}"), drift),
                    _ => {}
                }
            }
            None => {}
        }
    }
}

#[test]
fn inspect_results_have_exactly_the_fields_their_interfaces_name() {
    let all = interfaces(&typescript());
    let chain = TutorialChain::build(ChainSpec::default(), None, NOW, &mut Signing::here()).unwrap();
    let files = chain.files().unwrap();
    let read = |path: &str| files.iter().find(|f| f.path == path).unwrap_or_else(|| panic!("{path}")).contents.clone();
    let full_chain = read("certs/device-01-full-chain.cert.pem");
    let root = read("certs/azure-iot-test-only.root.ca.cert.pem");
    let key = read("private/device-01.key.pem");
    let mut drift = Vec::new();
    let cases: [(&str, Vec<InputFile<'_>>, Vec<InputFile<'_>>); 3] = [
        (
            "full chain and key, root uploaded",
            vec![InputFile { name: "chain.pem", contents: &full_chain }, InputFile { name: "key.pem", contents: &key }],
            vec![InputFile { name: "root.pem", contents: &root }],
        ),
        ("the root alone", vec![InputFile { name: "root.pem", contents: &root }], vec![]),
        ("nothing readable", vec![InputFile { name: "notes.txt", contents: b"-----BEGIN CERTIFICATE-----\n" }], vec![]),
    ];
    for (what, sent, uploaded) in cases {
        match inspect_against(&sent, &uploaded, Some("1234"), NOW) {
            Ok(inspection) => conforms(&serde_json::to_value(&inspection).unwrap(), "Inspection", &all, what, &mut drift),
            Err(e) => assert_eq!(what, "nothing readable", "{e}"),
        }
    }
    let entries = serde_json::to_value(chain.entries().unwrap()).unwrap();
    for (i, entry) in entries.as_array().unwrap().iter().enumerate() {
        conforms(entry, "ChainEntry", &all, &format!("chain[{i}]"), &mut drift);
    }
    assert!(drift.is_empty(), "the .d.ts and the Rust types differ:\n{}", drift.join("\n"));
}

#[test]
fn the_field_check_sees_a_missing_and_an_extra_field() {
    let all = interfaces("export interface A {\n  kept: string;\n  maybe?: B | null;\n}\nexport interface B {\n  n: number;\n}\n");
    let mut drift = Vec::new();
    conforms(&serde_json::json!({ "kept": "x", "maybe": { "n": 1, "extra": 2 } }), "A", &all, "a", &mut drift);
    conforms(&serde_json::json!({ "maybe": null }), "A", &all, "b", &mut drift);
    assert_eq!(drift, ["a.maybe.extra: not in interface B", "b.kept: required in A but absent"]);
}
