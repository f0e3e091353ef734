//! What the Rules Function language accepts, per event source, as data.
//!
//! Each event source has one table of condition specs, transcribed from its page of the Amazon
//! Connect API Reference under "Amazon Connect Rules Function language"
//! (<https://docs.aws.amazon.com/connect/latest/APIReference/rule-function-conditions.html>).
//! A new condition is one more entry in its source's table.
//!
//! Reading the tables:
//! - A `{name}` path segment is a placeholder for one segment the user chooses. When a path
//!   matches both a spec with placeholders and one without, the spec without placeholders wins
//!   (`$.Case.Fields.status` is the status condition, not the custom field `{field_id}`).
//! - One path may have several specs when the page gives it different operators with different
//!   operands (the queue condition with `CONTAINS_ANY` and the "no queue" condition with
//!   `EQUALS`); the operator sets of such specs never overlap, so `(path, operator)` picks one.
//! - Operators are written as the pages write them: `CONTAINS_ANY`, `CONTAINS`, `EQUALS`,
//!   `NumberLessOrEqualTo`, `NumberGreaterOrEqualTo`.

mod call;
mod case;
mod chat;
mod email;
mod evaluation;
mod metrics;
mod post_call;
mod third_party;
mod values;

/// One kind of condition: a `ComparisonValue` path and what may go with it.
#[derive(Debug)]
pub struct ConditionSpec {
    /// The `ComparisonValue`. A `{name}` segment is a placeholder that matches one path segment
    /// the user chooses, such as a contact attribute key: `$.ContactLens.RealTimeCall.ContactAttribute.{key}`.
    pub path: &'static str,
    /// The operators allowed with this path, e.g. `CONTAINS_ANY`.
    pub operators: &'static [&'static str],
    /// What `Operands` must hold.
    pub operands: OperandSpec,
    /// The filter types `FilterClause.Filters` may carry (empty: no `FilterClause` at all).
    pub filters: &'static [FilterSpec],
    /// Whether `Negate` may be `true`.
    pub negatable: bool,
    /// A short noun phrase for explanations, e.g. "the transcript (exact match)".
    pub subject: &'static str,
    /// Where the condition may stand.
    pub placement: Placement,
    /// Sets of filter types of which the condition must carry at least one (a metric's end
    /// dimension: by queue or by routing profile). Each type is also in `filters`.
    pub required_one_of: &'static [&'static [&'static str]],
    /// Filter types that may appear more than once, each time with other `Data` (two
    /// `ParticipantRole` filters, one per role), where real rules show it.
    pub repeatable_filters: &'static [&'static str],
    /// The rule-level groupings (`MetricDataGrouping`) this condition may be used with; empty
    /// where the source has no grouping.
    pub groupings: &'static [&'static str],
}

/// Where a condition may stand in a rule function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Directly in `RuleFunction.Operands` or inside any nested `AND`/`OR`.
    Anywhere,
    /// Only as a part of one of its source's [`CompoundSpec`]s (an evaluation form score is
    /// meaningless without the form it belongs to).
    CompoundOnly,
}

/// What a condition's `Operands` hold.
#[derive(Debug)]
pub enum OperandSpec {
    /// Between `min` and `max` strings (no `max`: any number).
    Strings { min: usize, max: Option<usize> },
    /// Between `min` and `max` strings, each one of `values`.
    OneOf {
        values: &'static [&'static str],
        min: usize,
        max: Option<usize>,
    },
    /// Exactly `count` numbers, each in `min..=max` (infinite bounds: the page gives none).
    Numbers { count: usize, min: f64, max: f64 },
    /// Between `min` and `max` pattern matches, each one a *list* of pattern objects
    /// (`Operands: [[{"Type": "PLAIN", "Value": "refund"}]]`), checked against [`PATTERN_TYPES`].
    Patterns { min: usize, max: Option<usize> },
    /// Exactly `count` integers (JSON numbers without a fractional part), each at least `min`
    /// and at most `max` where the page gives a bound.
    Integers {
        count: usize,
        min: Option<i64>,
        max: Option<i64>,
    },
    /// "No value": `Operands` is an empty list (the "no queue" conditions).
    Empty,
    /// Exactly `count` strings, each a date-time such as `2023-11-11T11:11:11.111111Z` (the
    /// case date/time conditions, which compare them as numbers).
    DateTimes { count: usize },
}

/// One allowed filter in a `FilterClause`.
#[derive(Debug)]
pub struct FilterSpec {
    /// The filter's `Type`, e.g. `ParticipantRole`.
    pub kind: &'static str,
    /// What its `Data` must be.
    pub data: FilterData,
    /// Whether the condition must carry this filter (the page says "required").
    pub required: bool,
}

/// What a filter's `Data` holds.
#[derive(Debug)]
pub enum FilterData {
    /// One of these strings.
    OneOf(&'static [&'static str]),
    /// An object; checked only to be an object.
    Object,
    /// A list of between `min` and `max` strings, each one of `values` (empty: any non-empty
    /// string, such as a queue ID).
    List {
        values: &'static [&'static str],
        min: usize,
        max: Option<usize>,
    },
    /// Any JSON value.
    Any,
    /// An object with no keys but these. With `exactly_one`, exactly one of them is present
    /// (`{"First": 30}` or `{"Last": 30}`); otherwise every one of them is.
    Fields {
        fields: &'static [DataField],
        exactly_one: bool,
    },
}

/// One key of a [`FilterData::Fields`] object.
#[derive(Debug)]
pub struct DataField {
    /// The key, e.g. `First`.
    pub key: &'static str,
    /// What its value must be.
    pub value: FieldValue,
}

/// The value of a [`DataField`].
#[derive(Debug)]
pub enum FieldValue {
    /// A JSON number.
    Number,
    /// `true` or `false`.
    Bool,
    /// One of these strings.
    OneOf(&'static [&'static str]),
}

/// The pattern objects a pattern-match operand is made of, from
/// <https://docs.aws.amazon.com/connect/latest/APIReference/patternmatch-operands.html>: "Each
/// operand is an array of Pattern match objects", each with a required `Type` and a `Value`
/// whose shape depends on the type.
pub static PATTERN_TYPES: &[PatternType] = &[
    PatternType {
        kind: "PLAIN",
        value: PatternValue::Text,
        subject: "a word or phrase",
    },
    PatternType {
        kind: "LIST",
        value: PatternValue::PlainList,
        subject: "any one of a list of words",
    },
    PatternType {
        kind: "PROXIMITY",
        value: PatternValue::Fields(&[
            DataField {
                key: "Distance",
                value: FieldValue::Number,
            },
            DataField {
                key: "IsWithin",
                value: FieldValue::Bool,
            },
        ]),
        subject: "a distance in words between the patterns around it",
    },
    PatternType {
        kind: "NUMERICAL",
        value: PatternValue::Fields(&[DataField {
            key: "Decimal",
            value: FieldValue::Bool,
        }]),
        subject: "a number",
    },
];

/// One `Type` of pattern object.
#[derive(Debug)]
pub struct PatternType {
    /// The `Type`, e.g. `PROXIMITY`.
    pub kind: &'static str,
    /// What its `Value` must be.
    pub value: PatternValue,
    /// A short noun phrase for explanations.
    pub subject: &'static str,
}

/// The `Value` of a pattern object.
#[derive(Debug)]
pub enum PatternValue {
    /// "If type is PLAIN, Value is a string."
    Text,
    /// "If type is LIST, Value is an array of PLAIN PatternMatch object."
    PlainList,
    /// An object with exactly these keys (`{"Distance": number, "IsWithin": boolean}`).
    Fields(&'static [DataField]),
}

/// The pattern type named `kind`, if the page lists it.
pub fn pattern_type(kind: &str) -> Option<&'static PatternType> {
    PATTERN_TYPES.iter().find(|pattern| pattern.kind == kind)
}

/// A condition the page defines as a compound: an `AND` whose operands are leaf conditions,
/// such as an evaluation form id together with the form score.
#[derive(Debug)]
pub struct CompoundSpec {
    /// The compound's `Operator` (the pages only define `AND`).
    pub operator: &'static str,
    /// The leaf conditions in the page's order, one per part; a part lists the paths that may
    /// fill it (a question's answer is either `...Answer.Value` or `...Answer.ValueRefId`). Each
    /// path is also a spec of the same source. The pages do not say whether order matters.
    pub parts: &'static [&'static [&'static str]],
    /// A short noun phrase for explanations, e.g. "the evaluation form score".
    pub subject: &'static str,
}

/// The family a source belongs to, for grouping in docs and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Contact Lens on a voice contact: real-time and post-call.
    Call,
    /// Contact Lens on a chat.
    Chat,
    /// Email contacts.
    Email,
    /// Contact evaluations.
    Evaluation,
    /// Cases.
    Case,
    /// Case service-level breaches.
    Sla,
    /// Real-time metrics.
    Metrics,
    /// Third-party integrations (Zendesk, Salesforce).
    ThirdParty,
}

/// Everything one event source accepts.
#[derive(Debug)]
pub struct SourceCatalog {
    /// The `TriggerEventSource.EventSourceName`.
    pub source: &'static str,
    pub family: Family,
    /// A clause for explanations: "post-call analysis is available".
    pub when: &'static str,
    /// The API Reference page this table was transcribed from.
    pub page: &'static str,
    pub conditions: &'static [ConditionSpec],
    /// The compound conditions the page defines; their parts are in `conditions`.
    pub compounds: &'static [CompoundSpec],
    /// The filters a `FilterClause` on the `RuleFunction` itself may carry (the metric
    /// grouping); empty: the `RuleFunction` takes no `FilterClause`.
    pub rule_filters: &'static [FilterSpec],
    /// Where the page makes every operand of the `RuleFunction` a group of conditions (the
    /// metric groups), how many groups and how many conditions in each.
    pub groups: Option<GroupLimits>,
    /// Whether the table covers the whole page. `false`: only part of the page could be read,
    /// so a path missing from `conditions` may still be valid (warn, don't reject).
    pub complete: bool,
}

/// The shape a page gives the `RuleFunction`: a list of groups, each a list of conditions.
#[derive(Debug, Clone, Copy)]
pub struct GroupLimits {
    /// How many groups `RuleFunction.Operands` may hold.
    pub max_groups: usize,
    /// How many conditions one group may hold.
    pub max_conditions: usize,
    /// What the page calls one group, e.g. "metric group".
    pub name: &'static str,
}

/// Every source the catalog knows.
pub static SOURCES: &[&SourceCatalog] = &[
    &post_call::POST_CALL,
    &call::REAL_TIME_CALL,
    &chat::POST_CHAT,
    &email::EMAIL,
    &third_party::ZENDESK_TICKET_CREATE,
    &third_party::ZENDESK_TICKET_STATUS_UPDATE,
    &third_party::SALESFORCE_CASE_CREATE,
    &evaluation::CONTACT_EVALUATION,
    &case::CASE_CREATE,
    &case::CASE_UPDATE,
    &case::SLA_BREACH,
    &metrics::METRIC_DATA_UPDATE,
];

/// The catalog of one event source, if known.
pub fn for_source(source: &str) -> Option<&'static SourceCatalog> {
    SOURCES
        .iter()
        .copied()
        .find(|catalog| catalog.source == source)
}

#[cfg(test)]
mod tests {
    use super::{
        CompoundSpec, ConditionSpec, FieldValue, FilterData, OperandSpec, Placement, SourceCatalog,
        SOURCES,
    };
    use crate::model::enums::EVENT_SOURCE_NAMES;
    use std::collections::BTreeSet;

    fn every_condition() -> impl Iterator<Item = (&'static SourceCatalog, &'static ConditionSpec)> {
        SOURCES
            .iter()
            .flat_map(|catalog| catalog.conditions.iter().map(move |spec| (*catalog, spec)))
    }

    #[test]
    fn every_source_appears_once_and_is_a_service_event_source() {
        let mut seen = BTreeSet::new();
        for catalog in SOURCES {
            assert!(
                EVENT_SOURCE_NAMES.contains(&catalog.source),
                "`{}` is not an event source the service knows",
                catalog.source
            );
            assert!(
                seen.insert(catalog.source),
                "`{}` appears twice",
                catalog.source
            );
            assert!(
                std::ptr::eq(super::for_source(catalog.source).unwrap(), *catalog),
                "for_source(`{}`) finds another table",
                catalog.source
            );
        }
    }

    #[test]
    fn every_table_cites_its_page_and_has_conditions() {
        for catalog in SOURCES {
            let expected = format!(
                "https://docs.aws.amazon.com/connect/latest/APIReference/{}.html",
                catalog.source
            );
            assert_eq!(catalog.page, expected);
            assert!(
                !catalog.conditions.is_empty(),
                "`{}` has no conditions",
                catalog.source
            );
            assert!(!catalog.when.is_empty());
        }
    }

    #[test]
    fn every_path_starts_with_dollar_dot_and_placeholders_are_whole_segments() {
        for (catalog, spec) in every_condition() {
            assert!(
                spec.path.starts_with("$."),
                "{}: `{}`",
                catalog.source,
                spec.path
            );
            for segment in spec.path.split('.').skip(1) {
                assert!(
                    !segment.is_empty(),
                    "{}: `{}` has an empty segment",
                    catalog.source,
                    spec.path
                );
                let braces = segment.contains(['{', '}']);
                let placeholder = segment.len() > 2
                    && segment.starts_with('{')
                    && segment.ends_with('}')
                    && !segment[1..segment.len() - 1].contains(['{', '}']);
                assert!(
                    !braces || placeholder,
                    "{}: `{}` has a malformed placeholder",
                    catalog.source,
                    spec.path
                );
            }
            if let Some(start) = spec.subject.find('{') {
                let name = &spec.subject[start..=spec.subject.find('}').unwrap()];
                assert!(
                    spec.path.contains(name),
                    "{}: subject names `{name}`",
                    catalog.source
                );
            }
        }
    }

    #[test]
    fn every_operator_list_is_non_empty_and_known() {
        const KNOWN: &[&str] = &[
            "CONTAINS_ANY",
            "CONTAINS",
            "EQUALS",
            "NumberLessOrEqualTo",
            "NumberGreaterOrEqualTo",
        ];
        for (catalog, spec) in every_condition() {
            assert!(
                !spec.operators.is_empty(),
                "{}: `{}`",
                catalog.source,
                spec.path
            );
            for operator in spec.operators {
                assert!(KNOWN.contains(operator), "{}: `{operator}`", catalog.source);
            }
            assert!(!spec.subject.is_empty());
        }
    }

    #[test]
    fn no_path_and_operator_pair_appears_twice_in_a_source() {
        for catalog in SOURCES {
            let mut seen = BTreeSet::new();
            for spec in catalog.conditions {
                for operator in spec.operators {
                    assert!(
                        seen.insert((spec.path, *operator)),
                        "{}: `{}` with `{operator}` appears twice",
                        catalog.source,
                        spec.path
                    );
                }
            }
        }
    }

    #[test]
    fn operand_counts_and_ranges_are_ordered() {
        for (catalog, spec) in every_condition() {
            let at = format!("{}: `{}`", catalog.source, spec.path);
            match spec.operands {
                OperandSpec::Strings { min, max } | OperandSpec::Patterns { min, max } => {
                    assert!(max.is_none_or(|max| min <= max && max > 0), "{at}");
                }
                OperandSpec::OneOf { values, min, max } => {
                    assert!(!values.is_empty() && min >= 1, "{at}");
                    assert!(max.is_none_or(|max| min <= max), "{at}");
                }
                OperandSpec::Numbers { count, min, max } => {
                    assert!(count >= 1 && min <= max, "{at}");
                }
                OperandSpec::Integers { count, min, max } => {
                    assert!(count >= 1, "{at}");
                    if let (Some(min), Some(max)) = (min, max) {
                        assert!(min <= max, "{at}");
                    }
                }
                OperandSpec::DateTimes { count } => assert!(count >= 1, "{at}"),
                OperandSpec::Empty => {}
            }
        }
    }

    #[test]
    fn filters_are_unique_per_condition_and_well_formed() {
        for (catalog, spec) in every_condition() {
            let mut kinds = BTreeSet::new();
            for filter in spec.filters {
                let at = format!(
                    "{}: `{}` filter `{}`",
                    catalog.source, spec.path, filter.kind
                );
                assert!(kinds.insert(filter.kind), "{at} appears twice");
                match &filter.data {
                    FilterData::OneOf(values) => assert!(!values.is_empty(), "{at}"),
                    FilterData::Fields { fields, .. } => {
                        assert!(!fields.is_empty(), "{at}");
                        let keys: BTreeSet<_> = fields.iter().map(|field| field.key).collect();
                        assert_eq!(keys.len(), fields.len(), "{at} repeats a key");
                        for field in *fields {
                            if let FieldValue::OneOf(values) = field.value {
                                assert!(!values.is_empty(), "{at}");
                            }
                        }
                    }
                    FilterData::List { values, min, max } => {
                        assert!(*min >= 1, "{at}");
                        assert!(max.is_none_or(|max| *min <= max), "{at}");
                        assert!(values.iter().all(|value| !value.is_empty()), "{at}");
                    }
                    FilterData::Object | FilterData::Any => {}
                }
            }
            for group in spec.required_one_of {
                assert!(
                    group.len() >= 2,
                    "{}: `{}`: a set of one",
                    catalog.source,
                    spec.path
                );
                for kind in *group {
                    assert!(
                        spec.filters.iter().any(|filter| filter.kind == *kind),
                        "{}: `{}` requires `{kind}` but does not list it",
                        catalog.source,
                        spec.path
                    );
                }
            }
        }
    }

    #[test]
    fn compounds_name_paths_of_their_source_and_every_part_only_spec_is_used() {
        for catalog in SOURCES {
            let in_compounds: BTreeSet<&str> = catalog
                .compounds
                .iter()
                .flat_map(|compound: &CompoundSpec| {
                    compound.parts.iter().copied().flatten().copied()
                })
                .collect();
            for compound in catalog.compounds {
                assert_eq!(compound.operator, "AND", "{}", catalog.source);
                assert!(
                    compound.parts.len() >= 2,
                    "{}: {}",
                    catalog.source,
                    compound.subject
                );
                for path in compound.parts.iter().copied().flatten() {
                    assert!(
                        catalog.conditions.iter().any(|spec| spec.path == *path),
                        "{}: compound part `{path}` has no spec",
                        catalog.source
                    );
                }
            }
            for spec in catalog.conditions {
                if spec.placement == Placement::CompoundOnly {
                    assert!(
                        in_compounds.contains(spec.path),
                        "{}: `{}` may only stand in a compound, but none names it",
                        catalog.source,
                        spec.path
                    );
                }
            }
        }
    }
}
