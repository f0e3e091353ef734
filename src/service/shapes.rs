//! The shapes and operations of the embedded service model, parsed once.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use fancy_regex::Regex;
use serde_json::Value;

/// The rule and tag operations, and the list operations that find an instance's resources:
/// two cuts of one botocore model, whose shared shapes are identical.
const MODEL_JSONS: [&str; 2] = [
    include_str!("connect-rules-api.json"),
    include_str!("connect-resources-api.json"),
];

/// The parsed service model.
#[derive(Debug)]
pub struct ServiceModel {
    /// Shapes by name.
    pub shapes: BTreeMap<String, Shape>,
    /// Operations by name.
    pub operations: BTreeMap<String, OperationShape>,
}

/// An operation: its HTTP binding, input and output shapes and the errors it may answer.
#[derive(Debug)]
pub struct OperationShape {
    /// The HTTP method, e.g. `GET`.
    pub method: String,
    /// The path template, e.g. `/rules/{InstanceId}/{RuleId}`.
    pub request_uri: String,
    /// The input structure's name.
    pub input: String,
    /// The output structure's name, when the operation answers with one.
    pub output: Option<String>,
    /// The error shapes' names, e.g. `InvalidRequestException`.
    pub errors: Vec<String>,
}

/// One shape: a kind and its constraints.
#[derive(Debug)]
pub struct Shape {
    /// What kind of value it is.
    pub kind: ShapeKind,
    /// `min` (length for strings, lists and maps; value for numbers).
    pub min: Option<i64>,
    /// `max`.
    pub max: Option<i64>,
    /// The `pattern`, compiled to match the whole value.
    pub pattern: Option<(String, Regex)>,
    /// Allowed values, for string enums.
    pub enum_values: Vec<String>,
}

/// The kind of a shape.
#[derive(Debug)]
pub enum ShapeKind {
    /// A structure with members (in model order) and the required ones.
    Structure {
        /// Members in model order.
        members: Vec<Member>,
        /// Names of required members.
        required: Vec<String>,
        /// Whether exactly one member may be set.
        union: bool,
    },
    /// A list of `member`.
    List {
        /// The element shape.
        member: String,
    },
    /// A map from `key` to `value`.
    Map {
        /// The key shape.
        key: String,
        /// The value shape.
        value: String,
    },
    /// A string.
    String,
    /// A 32- or 64-bit integer.
    Integer,
    /// A floating-point number.
    Double,
    /// A boolean.
    Boolean,
    /// A timestamp.
    Timestamp,
}

/// A structure member.
#[derive(Debug)]
pub struct Member {
    /// The member name as it appears in JSON bodies.
    pub name: String,
    /// Its shape.
    pub shape: String,
    /// `uri`, `querystring` or `header` when bound outside the body.
    pub location: Option<String>,
    /// The name of the URI label or query parameter.
    pub location_name: Option<String>,
}

impl ServiceModel {
    /// The shape `name`; the embedded model is complete, so a missing name is a bug.
    pub fn shape(&self, name: &str) -> &Shape {
        self.shapes
            .get(name)
            .unwrap_or_else(|| panic!("shape `{name}` is not in the embedded service model"))
    }

    /// The operation `name`; the embedded model is complete, so a missing name is a bug.
    pub fn operation(&self, name: &str) -> &OperationShape {
        self.operations
            .get(name)
            .unwrap_or_else(|| panic!("operation `{name}` is not in the embedded service model"))
    }

    /// The members of a structure shape (empty for other kinds).
    pub fn members(&self, name: &str) -> &[Member] {
        match &self.shape(name).kind {
            ShapeKind::Structure { members, .. } => members,
            _ => &[],
        }
    }
}

/// The embedded model, parsed on first use.
pub fn model() -> &'static ServiceModel {
    static MODEL: LazyLock<ServiceModel> = LazyLock::new(|| {
        let mut model = ServiceModel {
            shapes: BTreeMap::new(),
            operations: BTreeMap::new(),
        };
        for text in MODEL_JSONS {
            let json: Value =
                serde_json::from_str(text).expect("the embedded service model is valid JSON");
            add_to_model(&mut model, &json);
        }
        model
    });
    &MODEL
}

fn add_to_model(model: &mut ServiceModel, json: &Value) {
    let shapes = json["shapes"]
        .as_object()
        .expect("the service model has shapes");
    for (name, shape) in shapes {
        model.shapes.insert(name.clone(), parse_shape(name, shape));
    }
    let operations = json["operations"]
        .as_object()
        .expect("the service model has operations");
    for (name, operation) in operations {
        let text = |value: &Value| value.as_str().unwrap_or_default().to_owned();
        model.operations.insert(
            name.clone(),
            OperationShape {
                method: text(&operation["http"]["method"]),
                request_uri: text(&operation["http"]["requestUri"]),
                input: text(&operation["input"]["shape"]),
                output: operation["output"]["shape"].as_str().map(str::to_owned),
                errors: operation["errors"]
                    .as_array()
                    .map(|errors| errors.iter().map(|error| text(&error["shape"])).collect())
                    .unwrap_or_default(),
            },
        );
    }
}

/// Structures the model declares plainly but the API Reference documents as unions ("exactly
/// one member"): a `FieldValueUnion` with both `StringValue` and `DoubleValue` is refused by
/// the service.
const DOCUMENTED_UNIONS: &[&str] = &["FieldValueUnion"];

fn parse_shape(name: &str, json: &Value) -> Shape {
    let text = |key: &str| json[key].as_str().map(str::to_owned);
    let kind = match json["type"].as_str().unwrap_or_default() {
        "structure" => ShapeKind::Structure {
            members: json["members"]
                .as_object()
                .map(|members| {
                    members
                        .iter()
                        .map(|(name, member)| Member {
                            name: name.clone(),
                            shape: member["shape"].as_str().unwrap_or_default().to_owned(),
                            location: member["location"].as_str().map(str::to_owned),
                            location_name: member["locationName"].as_str().map(str::to_owned),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            required: json["required"]
                .as_array()
                .map(|names| {
                    names
                        .iter()
                        .filter_map(|name| name.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            union: json["union"].as_bool().unwrap_or(false) || DOCUMENTED_UNIONS.contains(&name),
        },
        "list" => ShapeKind::List {
            member: json["member"]["shape"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        },
        "map" => ShapeKind::Map {
            key: json["key"]["shape"].as_str().unwrap_or_default().to_owned(),
            value: json["value"]["shape"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        },
        "integer" | "long" => ShapeKind::Integer,
        "double" | "float" => ShapeKind::Double,
        "boolean" => ShapeKind::Boolean,
        "timestamp" => ShapeKind::Timestamp,
        _ => ShapeKind::String,
    };
    let pattern = text("pattern").map(|pattern| {
        let body = pattern.trim_start_matches('^').trim_end_matches('$');
        let whole = Regex::new(&format!("^(?:{body})$"))
            .unwrap_or_else(|err| panic!("model pattern `{pattern}` does not compile: {err}"));
        (pattern, whole)
    });
    Shape {
        kind,
        min: json["min"].as_i64(),
        max: json["max"].as_i64(),
        pattern,
        enum_values: json["enum"]
            .as_array()
            .map(|values| {
                values
                    .iter()
                    .filter_map(|value| value.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_member_refers_to_a_shape_in_the_model() {
        let model = model();
        for (name, shape) in &model.shapes {
            let referenced: Vec<&str> = match &shape.kind {
                ShapeKind::Structure { members, .. } => {
                    members.iter().map(|m| m.shape.as_str()).collect()
                }
                ShapeKind::List { member } => vec![member],
                ShapeKind::Map { key, value } => vec![key, value],
                _ => vec![],
            };
            for target in referenced {
                assert!(
                    model.shapes.contains_key(target),
                    "{name} refers to {target}"
                );
            }
        }
    }

    #[test]
    fn the_two_cuts_agree_on_the_shapes_they_share() {
        let [rules, resources] = MODEL_JSONS
            .map(|text| serde_json::from_str::<Value>(text).expect("valid JSON")["shapes"].clone());
        let resources = resources.as_object().expect("shapes");
        for (name, shape) in rules.as_object().expect("shapes") {
            if let Some(other) = resources.get(name) {
                assert_eq!(shape, other, "{name} differs between the two cuts");
            }
        }
    }

    #[test]
    fn operations_carry_their_bindings() {
        let list_queues = model().operation("ListQueues");
        assert_eq!(list_queues.method, "GET");
        assert_eq!(list_queues.request_uri, "/queues-summary/{InstanceId}");
        assert_eq!(list_queues.input, "ListQueuesRequest");
        let create = model().operation("CreateRule");
        assert_eq!(create.output.as_deref(), Some("CreateRuleResponse"));
        assert!(create
            .errors
            .iter()
            .any(|e| e == "ResourceConflictException"));
    }

    #[test]
    fn patterns_match_whole_values() {
        let name = model().shape("RuleName");
        let (_, regex) = name.pattern.as_ref().unwrap();
        assert!(regex.is_match("neg-sentiment_1.v2").unwrap());
        assert!(!regex.is_match("has space").unwrap());
        let tag = model().shape("TagKey");
        let (_, regex) = tag.pattern.as_ref().unwrap();
        assert!(regex.is_match("team").unwrap());
        assert!(!regex.is_match("aws:reserved").unwrap());
    }
}
