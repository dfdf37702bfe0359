//! Finding the version field of structured logs whose writers name it their own way
//! (python-json-logger's `app_version`, `build`, `git_sha`): by name, then by the shape of
//! its values, from the start of an input. Used only when none of the known version
//! fields is there and the user has not named one (`--field version=...` wins).

use super::Format;
use super::mapping::{FieldMap, Role};
use serde_json::Value;

/// Names that say "version" without being one of the application: schema and protocol
/// versions, runtimes and libraries.
const NOT_APP_VERSIONS: [&str; 16] = [
    "ecs.version",
    "@version",
    "schema_version",
    "protocol_version",
    "http.version",
    "http_version",
    "os.version",
    "phpversion",
    "php_version",
    "python_version",
    "java_version",
    "go_version",
    "node_version",
    "runtime_version",
    "kernel_version",
    "tls.version",
];

/// The field that holds the application's version in `sample`, if one can be told: a key
/// named like a version (`*version*`, `release`, `build`, `git_sha`, `commit`, `revision`)
/// whose values look like one (`1.4.2`, `v2.0`, `1.46.0-wmf.4`, a git hash of 7-40 hex
/// digits). `None` when a known version field is present, or nothing fits.
pub fn discover(sample: &str, format: Format, map: &FieldMap) -> Option<String> {
    if map.overridden.contains(&Role::Version) || format != Format::Ndjson {
        return None;
    }
    let mut best: Option<(u32, String)> = None;
    for line in sample
        .lines()
        .filter(|l| l.trim_start().starts_with('{'))
        .take(50)
    {
        let Ok(Value::Object(obj)) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        // GELF's `version` is the protocol's.
        let gelf = obj.contains_key("short_message");
        let mut flat = Vec::new();
        flatten("", &Value::Object(obj), &mut flat);
        for (key, value) in flat {
            if map.reads(Role::Version, &key) {
                return None;
            }
            if gelf && key == "version" {
                continue;
            }
            let score = name_score(&key) * value_score(&value);
            if score > 0 && best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((score, key));
            }
        }
    }
    best.map(|(_, k)| k)
}

fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        Value::String(s) => out.push((prefix.to_string(), s.clone())),
        _ => {}
    }
}

/// 3 for a name that says version, 2 for release/build, 1 for a commit hash; 0 otherwise.
fn name_score(key: &str) -> u32 {
    let k = key.to_ascii_lowercase();
    if NOT_APP_VERSIONS
        .iter()
        .any(|n| k == *n || k.ends_with(&format!(".{n}")))
    {
        return 0;
    }
    let last = k.rsplit('.').next().unwrap_or(&k);
    if last.contains("version") {
        3
    } else if matches!(last, "release" | "build" | "build_id" | "app_release") {
        2
    } else if matches!(
        last,
        "git_sha" | "git_commit" | "commit" | "revision" | "sha"
    ) {
        1
    } else {
        0
    }
}

/// 1 when the value looks like a version or a git hash; 0 otherwise.
fn value_score(v: &str) -> u32 {
    let v = v.trim();
    let dotted = v.strip_prefix('v').unwrap_or(v);
    let b = dotted.as_bytes();
    let semver_like = b.first().is_some_and(u8::is_ascii_digit)
        && dotted.contains('.')
        && dotted.len() <= 64
        && dotted
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'+' | b'_'));
    let hash = (7..=40).contains(&v.len()) && v.bytes().all(|c| c.is_ascii_hexdigit());
    u32::from(semver_like || hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(sample: &str) -> Option<String> {
        discover(sample, Format::Ndjson, &FieldMap::default())
    }

    #[test]
    fn by_name_and_value_shape() {
        assert_eq!(
            find(r#"{"asctime":"2024-01-01 10:00:00","levelname":"ERROR","message":"x","app_version":"2.4.1"}"#).as_deref(),
            Some("app_version")
        );
        assert_eq!(
            find(r#"{"msg":"x","meta":{"git_sha":"3f2c1ab"}}"#).as_deref(),
            Some("meta.git_sha")
        );
        // Known names win; schema versions and runtimes are not the application's.
        assert_eq!(
            find(r#"{"message":"x","service":{"version":"1.0"},"app_version":"2"}"#),
            None
        );
        assert_eq!(
            find(r#"{"message":"x","ecs.version":"8.10.0","phpversion":"8.1.2"}"#),
            None
        );
        assert_eq!(find(r#"{"short_message":"x","version":"1.1"}"#), None);
        assert_eq!(find(r#"{"message":"x","build":"yesterday"}"#), None);
        let mut o = std::collections::HashMap::new();
        o.insert(Role::Version, "rel".to_string());
        assert_eq!(
            discover(
                r#"{"app_version":"2.4.1"}"#,
                Format::Ndjson,
                &FieldMap::new(&o)
            ),
            None
        );
    }
}
