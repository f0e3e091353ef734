//! Arbitrary requests to the emulator's protocol logic: routing, percent-decoding, query
//! parsing, JSON bodies, model validation and the store. Every request gets an AWS-style
//! answer (a known status and a JSON body), never a panic.
//!
//! Input: up to 16 requests separated by the byte 0xFF (never in UTF-8 text, so seeds stay
//! readable). Each request is `METHOD PATH[?QUERY]`, a newline, then the body. `%RULE%` and
//! `%ARN%` in the path are replaced by the id and ARN of the last rule created, so sequences
//! reach the operations on an existing rule, which a fuzzer could not guess its way to.

#![no_main]

use connect_rules::emulator::{Emulator, EmulatorConfig};
use libfuzzer_sys::fuzz_target;
use serde_json::Value as Json;

const MAX_REQUESTS: usize = 16;

/// The statuses the service model gives its errors, and 200.
const STATUSES: &[u16] = &[200, 400, 403, 404, 409, 429, 500];

fuzz_target!(|bytes: &[u8]| {
    let emulator = Emulator::new(EmulatorConfig::default()).expect("an in-memory emulator");
    let mut last_rule: Option<(String, String)> = None;
    for request in bytes.split(|byte| *byte == 0xFF).take(MAX_REQUESTS) {
        let (head, body) = match request.iter().position(|byte| *byte == b'\n') {
            Some(end) => (&request[..end], &request[end + 1..]),
            None => (request, &[][..]),
        };
        let head = String::from_utf8_lossy(head);
        let (method, target) = head.split_once(' ').unwrap_or((&head, ""));
        let mut target = target.to_owned();
        if let Some((id, arn)) = &last_rule {
            target = target
                .replace("%RULE%", id)
                .replace("%ARN%", &arn.replace('/', "%2F"));
        }
        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
        let (status, answer) = emulator.answer(method, path, query, body);
        assert!(
            STATUSES.contains(&status),
            "status {status} for {method} {target}"
        );
        if answer.is_empty() {
            assert_eq!(status, 200, "an error always has a body");
            continue;
        }
        let json: Json = serde_json::from_str(&answer).expect("the answer is JSON");
        if status == 200 && method == "POST" && path.starts_with("/rules/") {
            let id = json["RuleId"].as_str().expect("a created rule has an id");
            let arn = json["RuleArn"].as_str().expect("a created rule has an ARN");
            last_rule = Some((id.to_owned(), arn.to_owned()));
        }
    }
});
