//! Contact evaluations.

use super::values::{
    leaf, part, Negation, ANY_NUMBER, CONTAINS_ANY, CONTAINS_ANY_OR_EQUALS, DISCONNECT_REASONS,
    EQUALS, INITIATION_METHODS, NUMBER_RANGE, ONE_STRING, SOME_STRINGS,
};
use super::{CompoundSpec, Family, OperandSpec, SourceCatalog};

const FORM_ID: &str = "$.ContactLens.ContactEvaluation.Form.FormId";

// https://docs.aws.amazon.com/connect/latest/APIReference/OnContactEvaluationSubmit.html
// (read in full, as the page's markdown source)
pub static CONTACT_EVALUATION: SourceCatalog = SourceCatalog {
    source: "OnContactEvaluationSubmit",
    family: Family::Evaluation,
    when: "a contact evaluation is submitted",
    page: "https://docs.aws.amazon.com/connect/latest/APIReference/OnContactEvaluationSubmit.html",
    conditions: &[
        leaf(
            "$.ContactLens.ContactEvaluation.Agent.HierarchyGroup.ARN",
            CONTAINS_ANY,
            SOME_STRINGS,
            Negation::NotAllowed,
            "the agent hierarchy group",
        ),
        leaf(
            "$.ContactLens.ContactEvaluation.InitiationMethod",
            CONTAINS_ANY,
            INITIATION_METHODS,
            Negation::NotAllowed,
            "the initiation method",
        ),
        leaf(
            "$.ContactLens.ContactEvaluation.DisconnectReason",
            CONTAINS_ANY,
            DISCONNECT_REASONS,
            Negation::NotAllowed,
            "the disconnect reason",
        ),
        leaf(
            "$.ContactLens.ContactEvaluation.Agent.RoutingProfile",
            CONTAINS_ANY,
            SOME_STRINGS,
            Negation::NotAllowed,
            "the routing profile",
        ),
        // `"CONTAINS_ANY" or "EQUALS"` with "a validated enum of possible values"; the page
        // lists none, and `EQUALS` may go with no value, so an empty list is allowed.
        leaf(
            "$.ContactLens.ContactEvaluation.PotentialDisconnectIssue",
            CONTAINS_ANY_OR_EQUALS,
            OperandSpec::Strings { min: 0, max: None },
            Negation::NotAllowed,
            "the potential disconnect issue",
        ),
        leaf(
            "$.ContactLens.ContactEvaluation.SegmentAttributes.UserDefined.{key}",
            CONTAINS_ANY,
            SOME_STRINGS,
            Negation::Allowed,
            "segment attribute {key}",
        ),
        // "Results available condition"; also the first part of every compound below.
        leaf(
            FORM_ID,
            EQUALS,
            ONE_STRING,
            Negation::NotAllowed,
            "the evaluation form",
        ),
        part(
            "$.ContactLens.ContactEvaluation.Form.Score",
            NUMBER_RANGE,
            ANY_NUMBER,
            &[],
            Negation::NotAllowed,
            "the evaluation form score",
        ),
        part(
            "$.ContactLens.ContactEvaluation.Section.SectionRefId",
            EQUALS,
            ONE_STRING,
            &[],
            Negation::NotAllowed,
            "the evaluation section",
        ),
        part(
            "$.ContactLens.ContactEvaluation.Section.Score",
            NUMBER_RANGE,
            ANY_NUMBER,
            &[],
            Negation::NotAllowed,
            "the evaluation section score",
        ),
        part(
            "$.ContactLens.ContactEvaluation.Question.QuestionRefId",
            EQUALS,
            ONE_STRING,
            &[],
            Negation::NotAllowed,
            "the evaluation question",
        ),
        part(
            "$.ContactLens.ContactEvaluation.Question.Answer.Value",
            NUMBER_RANGE,
            ANY_NUMBER,
            &[],
            Negation::NotAllowed,
            "the numeric answer",
        ),
        part(
            "$.ContactLens.ContactEvaluation.Question.Answer.ValueRefId",
            EQUALS,
            ONE_STRING,
            &[],
            Negation::Allowed,
            "the selected answer",
        ),
        leaf(
            "$.ContactLens.ContactEvaluation.Agent.AgentId",
            CONTAINS_ANY,
            SOME_STRINGS,
            Negation::NotAllowed,
            "the agent",
        ),
        // The page gives only `EQUALS` with "No value" for the queue.
        leaf(
            "$.ContactLens.ContactEvaluation.Queue.QueueId",
            EQUALS,
            OperandSpec::Empty,
            Negation::NotAllowed,
            "the queue",
        ),
        leaf(
            "$.ContactLens.ContactEvaluation.ContactAttribute.{key}",
            EQUALS,
            ONE_STRING,
            Negation::Allowed,
            "contact attribute {key}",
        ),
    ],
    compounds: &[
        CompoundSpec {
            operator: "AND",
            parts: &[&[FORM_ID], &["$.ContactLens.ContactEvaluation.Form.Score"]],
            subject: "the evaluation form score",
        },
        CompoundSpec {
            operator: "AND",
            parts: &[
                &[FORM_ID],
                &["$.ContactLens.ContactEvaluation.Section.SectionRefId"],
                &["$.ContactLens.ContactEvaluation.Section.Score"],
            ],
            subject: "the evaluation section score",
        },
        CompoundSpec {
            operator: "AND",
            parts: &[
                &[FORM_ID],
                &["$.ContactLens.ContactEvaluation.Question.QuestionRefId"],
                &[
                    "$.ContactLens.ContactEvaluation.Question.Answer.Value",
                    "$.ContactLens.ContactEvaluation.Question.Answer.ValueRefId",
                ],
            ],
            subject: "the answer to an evaluation question",
        },
    ],
    rule_filters: &[],
    groups: None,
    complete: true,
};
