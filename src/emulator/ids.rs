//! The identifiers, fingerprints and times the store hands out.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value as Json;
use sha2::{Digest, Sha256};

/// SHA-256 of the request without its client token, with object keys sorted, so a retry that
/// serialises members in another order still counts as the same request.
pub(super) fn fingerprint(body: &Json) -> String {
    let mut body = body.clone();
    if let Some(members) = body.as_object_mut() {
        members.remove("ClientToken");
    }
    hex(&Sha256::digest(canonical(&body).to_string().as_bytes()))
}

fn canonical(value: &Json) -> Json {
    match value {
        Json::Object(members) => {
            let sorted: BTreeMap<&String, Json> = members
                .iter()
                .map(|(key, value)| (key, canonical(value)))
                .collect();
            Json::Object(sorted.into_iter().map(|(k, v)| (k.clone(), v)).collect())
        }
        Json::Array(items) => Json::Array(items.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

/// A random id in the form of a version-4 UUID, as the service's rule ids are.
pub fn new_uuid() -> String {
    uuid_form(rand::random())
}

/// An id in the form of a UUID drawn from `parts`: the same parts always give the same id.
pub(super) fn stable_uuid(parts: &[&str]) -> String {
    let digest = Sha256::digest(parts.join("\u{0}").as_bytes());
    let mut bytes = [0_u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid_form(bytes)
}

/// `bytes` as a version-4 UUID's text.
fn uuid_form(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex(&bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Lower-case hex of `bytes`.
pub(super) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, byte| {
            let _ = write!(out, "{byte:02x}");
            out
        })
}

/// Now, in epoch milliseconds.
pub(super) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        })
}
