//! The rest-json protocol over hyper: routes a request, applies faults, calls the store and
//! writes the answer as the AWS SDKs expect it.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::{Request, Response, StatusCode};
use serde_json::{json, Value as Json};

use super::api_error::{ApiError, ErrorKind};
use super::ids::new_uuid;
use super::query::{list_rules_query, untag_keys};
use super::request_log::RequestRecord;
use super::router::{parse_query, route, Route};
use super::sts;
use super::Shared;

/// The largest request body read; rules are far smaller.
const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// The body of a successful answer.
pub(crate) enum Answer {
    /// A JSON document.
    Json(Json),
    /// Nothing (`UpdateRule`, `DeleteRule`, the tag mutations).
    Empty,
}

/// Answers one request. Never fails: every problem becomes an AWS-style error response.
///
/// With a latency set, the answer leaves that long after the request arrived: the latency is
/// the service's whole time to answer, so the emulator's own work is inside it rather than
/// added on top (benchmarks compare runs with pages × latency).
pub(crate) async fn handle(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let arrived = tokio::time::Instant::now();
    let latency = shared.faults.latency();
    let response = answer_request(&shared, request).await;
    if !latency.is_zero() {
        tokio::time::sleep(latency.saturating_sub(arrived.elapsed())).await;
    }
    Ok(response)
}

async fn answer_request(shared: &Shared, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let method = request.method().as_str().to_owned();
    let path = request.uri().path().to_owned();
    let query = parse_query(request.uri().query().unwrap_or_default());
    if sts::is_sts(&method, &path) {
        let body = read_body(request, shared.store.config().idle_timeout)
            .await
            .unwrap_or_default();
        let (status, content_type, text) = sts::answer(&shared.store.config().account_id, &body);
        let mut response = respond(
            StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
            Bytes::from(text),
        );
        response
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        shared.log.record(RequestRecord {
            operation: None,
            method,
            path,
            status,
            error_type: None,
        });
        return response;
    }
    let route = route(&method, &path);
    let outcome = match &route {
        None => Err(no_route(&method, &path)),
        Some(route) => match shared.faults.inject(route.operation()) {
            Some(fault) => Err(fault),
            None => match read_body(request, shared.store.config().idle_timeout).await {
                Ok(body) => call(shared, route, &query, &body),
                Err(error) => Err(error),
            },
        },
    };
    let response = match &outcome {
        Ok(answer) => success(answer),
        Err(error) => failure(error),
    };
    shared.log.record(RequestRecord {
        operation: route.as_ref().map(Route::operation),
        method,
        path,
        status: response.status().as_u16(),
        error_type: outcome.err().map(|error| error.kind.name().to_owned()),
    });
    response
}

/// The answer to a request whose body is already read, without faults, latency or the request
/// log: routing, query and body parsing, validation and the store, as [`handle`] runs them.
pub(crate) fn answer(
    shared: &Shared,
    method: &str,
    path: &str,
    query: &str,
    body: &Bytes,
) -> Result<Answer, ApiError> {
    match route(method, path) {
        None => Err(no_route(method, path)),
        Some(route) => call(shared, &route, &parse_query(query), body),
    }
}

fn no_route(method: &str, path: &str) -> ApiError {
    ApiError::new(
        ErrorKind::UnknownOperation,
        format!("No operation matches {method} {path}"),
    )
}

/// The request body, at most [`MAX_BODY_BYTES`], and within `timeout` of its head: a client
/// that trickles its body must not hold the connection open for ever.
async fn read_body(request: Request<Incoming>, timeout: Duration) -> Result<Bytes, ApiError> {
    let reading = Limited::new(request.into_body(), MAX_BODY_BYTES).collect();
    match tokio::time::timeout(timeout, reading).await {
        Ok(read) => {
            read.map(http_body_util::Collected::to_bytes)
                .map_err(|err| {
                    ApiError::new(
                ErrorKind::Serialization,
                format!("Could not read the request body (at most {MAX_BODY_BYTES} bytes): {err}"),
            )
                })
        }
        Err(_) => Err(ApiError::new(
            ErrorKind::Serialization,
            format!(
                "The request body did not arrive within {} ms of its head",
                timeout.as_millis()
            ),
        )),
    }
}

/// The body as JSON; an empty body is an empty object, as the SDKs send for no members.
fn json_body(body: &Bytes) -> Result<Json, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    serde_json::from_slice(body).map_err(|err| {
        ApiError::new(
            ErrorKind::Serialization,
            format!("The request body is not valid JSON: {err}"),
        )
    })
}

fn call(
    shared: &Shared,
    route: &Route,
    query: &[(String, String)],
    body: &Bytes,
) -> Result<Answer, ApiError> {
    let store = &shared.store;
    match route {
        Route::CreateRule { instance_id } => {
            let created = store.create_rule(instance_id, &json_body(body)?)?;
            Ok(Answer::Json(json!({
                "RuleArn": created.rule_arn,
                "RuleId": created.rule_id,
            })))
        }
        Route::UpdateRule {
            instance_id,
            rule_id,
        } => {
            store.update_rule(instance_id, rule_id, &json_body(body)?)?;
            Ok(Answer::Empty)
        }
        Route::DescribeRule {
            instance_id,
            rule_id,
        } => {
            let rule = store.describe_rule(instance_id, rule_id)?;
            Ok(Answer::Json(json!({ "Rule": rule })))
        }
        Route::ListRules { instance_id } => {
            let page = store.list_rules(instance_id, &list_rules_query(query)?)?;
            let mut answer = json!({ "RuleSummaryList": page.summaries });
            if let Some(token) = page.next_token {
                answer["NextToken"] = json!(token);
            }
            Ok(Answer::Json(answer))
        }
        Route::DeleteRule {
            instance_id,
            rule_id,
        } => {
            store.delete_rule(instance_id, rule_id)?;
            Ok(Answer::Empty)
        }
        Route::TagResource { resource_arn } => {
            store.tag_resource(resource_arn, &json_body(body)?)?;
            Ok(Answer::Empty)
        }
        Route::UntagResource { resource_arn } => {
            store.untag_resource(resource_arn, &untag_keys(query)?)?;
            Ok(Answer::Empty)
        }
        Route::ListTagsForResource { resource_arn } => {
            let tags = store.list_tags(resource_arn)?;
            Ok(Answer::Json(json!({ "tags": tags })))
        }
    }
}

fn success(answer: &Answer) -> Response<Full<Bytes>> {
    let body = match answer {
        Answer::Json(json) => Bytes::from(json.to_string()),
        Answer::Empty => Bytes::new(),
    };
    respond(StatusCode::OK, body)
}

fn failure(error: &ApiError) -> Response<Full<Bytes>> {
    let status =
        StatusCode::from_u16(error.kind.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = respond(status, Bytes::from(error.body().to_string()));
    response.headers_mut().insert(
        "x-amzn-ErrorType",
        HeaderValue::from_static(error.kind.name()),
    );
    response
}

fn respond(status: StatusCode, body: Bytes) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Ok(id) = HeaderValue::from_str(&new_uuid()) {
        headers.insert("x-amzn-RequestId", id);
    }
    response
}
