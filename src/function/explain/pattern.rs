//! Pattern-match operands read aloud.
//!
//! Each operand is one pattern: an array of pattern objects read in order, as the page
//! "PatternMatch Operands" of the API Reference defines them (`PLAIN` text, a `LIST` of
//! alternatives, `PROXIMITY` between what comes before and after, `NUMERICAL` for a number).
//! AWS's Contact Lens rules library writes them so: `[[LIST, PLAIN " ", PROXIMITY, PLAIN " ",
//! LIST]]` reads "'a' or 'b' within 5 words of 'c' or 'd'". Several operands are alternatives.

use serde_json::Value as Json;

use super::words::{either, number, plural, value};

/// At most this many spelled-out alternatives for one stretch of text ("'trust us' or 'trust
/// me'"); past it, the parts read "'trust' followed by 'us' or 'me'".
const MAX_SPELLED: usize = 6;

/// The patterns of a condition's `Operands`: "P", or "[P1] or [P2]" when there are several.
pub fn patterns(operands: &[Json]) -> String {
    let mut read = Vec::new();
    // A flat list of pattern objects (not the documented shape, which the checker reports) is
    // read as the one pattern its objects spell, so the reading still says what is written.
    let mut loose = Vec::new();
    for operand in operands {
        match operand {
            Json::Array(pieces) => read.push(pattern(pieces)),
            Json::Object(_) => loose.push(operand.clone()),
            other => read.push(format!("the text {}", value(other))),
        }
    }
    if !loose.is_empty() {
        read.push(pattern(&loose));
    }
    match read.as_slice() {
        [] => "no pattern".to_owned(),
        [one] => one.clone(),
        many => many
            .iter()
            .map(|one| format!("[{one}]"))
            .collect::<Vec<_>>()
            .join(" or "),
    }
}

/// One piece of a pattern.
enum Piece {
    /// `PLAIN`: text as written, spaces included.
    Text(String),
    /// `LIST`: one of these texts.
    Choice(Vec<String>),
    /// `NUMERICAL`: a number (with a fraction when `decimal`).
    Number { decimal: bool },
    /// `PROXIMITY`: what comes before is (or is not) within `distance` words of what follows.
    Near {
        distance: Option<String>,
        within: bool,
    },
    /// Anything else, already in words.
    Other(String),
}

/// One pattern: stretches of text separated by proximities.
fn pattern(pieces: &[Json]) -> String {
    if pieces.is_empty() {
        return "an empty pattern".to_owned();
    }
    let mut out = String::new();
    let mut stretch: Vec<Piece> = Vec::new();
    for piece in pieces.iter().map(piece) {
        if let Piece::Near { distance, within } = piece {
            out.push_str(&stretch_text(&stretch));
            let not = if within { "" } else { "not " };
            let distance = distance.map_or_else(
                || "a few words".to_owned(),
                |count| match count.parse::<u64>() {
                    Ok(count) => plural(count, "word"),
                    Err(_) => format!("{count} words"),
                },
            );
            out.push_str(&[" ", not, "within ", &distance, " of "].concat());
            stretch.clear();
        } else {
            stretch.push(piece);
        }
    }
    out.push_str(&stretch_text(&stretch));
    out.trim().to_owned()
}

fn piece(json: &Json) -> Piece {
    let kind = json.get("Type").and_then(Json::as_str);
    let content = json.get("Value");
    match (kind, content) {
        (Some("PLAIN"), Some(Json::String(text))) => Piece::Text(text.clone()),
        (Some("LIST"), Some(Json::Array(items))) => Piece::Choice(
            items
                .iter()
                .map(|item| match item.get("Value") {
                    Some(Json::String(text)) => text.trim().to_owned(),
                    _ => describe(item),
                })
                .collect(),
        ),
        (Some("PROXIMITY"), content) => Piece::Near {
            distance: content
                .and_then(|near| near.get("Distance"))
                .and_then(number),
            within: content
                .and_then(|near| near.get("IsWithin"))
                .and_then(Json::as_bool)
                .unwrap_or(true),
        },
        (Some("NUMERICAL"), content) => Piece::Number {
            decimal: content
                .and_then(|numeric| numeric.get("Decimal"))
                .and_then(Json::as_bool)
                .unwrap_or(false),
        },
        _ => Piece::Other(describe(json)),
    }
}

/// A piece that is not what its `Type` says, in words.
fn describe(json: &Json) -> String {
    match (json.get("Type").and_then(Json::as_str), json.get("Value")) {
        (Some(kind), Some(content)) => format!("a {kind} piece of {}", value(content)),
        (Some(kind), None) => format!("a {kind} piece with no value"),
        (None, _) if json.is_object() => "a piece with no type".to_owned(),
        (None, _) => format!("the text {}", value(json)),
    }
}

/// A stretch of text and lists between proximities: "'a' or 'b'", "'trust us' or 'trust me'",
/// "'trust' followed by 'us' or 'me'".
fn stretch_text(stretch: &[Piece]) -> String {
    // Spaces-only text separates pieces; it adds nothing to say.
    let parts: Vec<&Piece> = stretch
        .iter()
        .filter(|piece| !matches!(piece, Piece::Text(text) if text.trim().is_empty()))
        .collect();
    if let Some(spelled) = spell(stretch) {
        return either(&spelled);
    }
    parts
        .iter()
        .map(|part| match part {
            Piece::Text(text) => quote(text.trim()),
            Piece::Choice(items) => {
                either(&items.iter().map(|item| quote(item)).collect::<Vec<_>>())
            }
            Piece::Number { decimal: true } => "a decimal number".to_owned(),
            Piece::Number { decimal: false } => "a number".to_owned(),
            Piece::Other(text) => text.clone(),
            Piece::Near { .. } => String::new(),
        })
        .collect::<Vec<_>>()
        .join(" followed by ")
}

/// Every text the stretch can be, quoted: when it is text and at most one list, and the list
/// is alone or short.
fn spell(stretch: &[Piece]) -> Option<Vec<String>> {
    let mut choices = 0;
    let mut alone = true;
    for piece in stretch {
        match piece {
            Piece::Text(text) if text.trim().is_empty() => {}
            Piece::Text(_) => alone = false,
            Piece::Choice(_) => choices += 1,
            _ => return None,
        }
    }
    if choices > 1 {
        return None;
    }
    let mut spelled = vec![String::new()];
    for piece in stretch {
        let options: Vec<&str> = match piece {
            Piece::Text(text) => vec![text.as_str()],
            Piece::Choice(items) => items.iter().map(String::as_str).collect(),
            _ => return None,
        };
        spelled = spelled
            .iter()
            .flat_map(|before| {
                options
                    .iter()
                    .map(move |option| format!("{before}{option}"))
            })
            .collect();
    }
    if choices == 1 && !alone && spelled.len() > MAX_SPELLED {
        return None;
    }
    let spelled: Vec<String> = spelled
        .iter()
        .map(|text| text.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    if spelled.iter().any(String::is_empty) {
        return None;
    }
    Some(spelled.iter().map(|text| quote(text)).collect())
}

fn quote(text: &str) -> String {
    format!("'{text}'")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn plain(text: &str) -> Json {
        json!({"Type": "PLAIN", "Value": text})
    }

    fn list(items: &[&str]) -> Json {
        Json::Array(items.iter().map(|item| plain(item)).collect())
    }

    #[test]
    fn one_pattern_reads_its_parts_together() {
        let read = patterns(&[json!([
            {"Type": "LIST", "Value": list(&["escalate", "supervisor"])},
            plain(" "),
            {"Type": "PROXIMITY", "Value": {"Distance": 5, "IsWithin": true}},
            plain(" "),
            {"Type": "LIST", "Value": list(&["call", "case"])},
        ])]);
        assert_eq!(
            read,
            "'escalate' or 'supervisor' within 5 words of 'call' or 'case'"
        );
    }

    #[test]
    fn text_with_a_short_list_is_spelled_out_and_a_long_one_is_not() {
        let read =
            patterns(&[json!([plain("trust "), {"Type": "LIST", "Value": list(&["us", "me"])}])]);
        assert_eq!(read, "'trust us' or 'trust me'");
        let many = ["a", "b", "c", "d", "e", "f", "g"];
        let read = patterns(&[json!([plain("say "), {"Type": "LIST", "Value": list(&many)}])]);
        assert_eq!(
            read,
            "'say' followed by 'a', 'b', 'c', 'd', 'e', 'f' or 'g'"
        );
    }

    #[test]
    fn several_patterns_are_alternatives_and_odd_pieces_read_in_words() {
        let read = patterns(&[
            json!([plain("need "), {"Type": "PROXIMITY", "Value": {"Distance": 1, "IsWithin": false}}, plain(" ambulance")]),
            json!([plain("order "), {"Type": "NUMERICAL", "Value": {"Decimal": false}}]),
            json!([{"Type": "REGEX", "Value": "a+"}]),
        ]);
        assert_eq!(
            read,
            "['need' not within 1 word of 'ambulance'] or ['order' followed by a number] or [a REGEX piece of \"a+\"]"
        );
    }
}
