//! The rest-json protocol over hyper: routes a request by the binding table, applies faults,
//! checks its labels and query, calls the operation's handler and writes the answer as the AWS
//! SDKs expect it.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::{Request, Response, StatusCode};
use serde_json::Value as Json;

use super::api_error::{ApiError, ErrorKind};
use super::binding::{parse_query, route, Routed};
use super::call::Call;
use super::ids::new_uuid;
use super::request_log::RequestRecord;
use super::sts;
use super::Shared;

/// The largest request body read; rules are far smaller.
const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// The body of a successful answer.
pub(crate) enum Answer {
    /// A JSON document.
    Json(Json),
    /// Nothing (operations without an output shape: `UpdateRule`, `DeleteRule`, ...).
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
    let routed = route(&method, &path);
    let operation = routed.as_ref().map(|routed| routed.binding.operation);
    let outcome = match routed {
        None => Err(no_route(&method, &path)),
        Some(routed) => match shared.faults.inject(routed.binding.operation) {
            Some(fault) => Err(fault),
            None => match read_body(request, shared.store.config().idle_timeout).await {
                Ok(body) => call(shared, routed, &query, &body),
                Err(error) => Err(error),
            },
        },
    };
    let response = match &outcome {
        Ok(answer) => success(answer),
        Err(error) => failure(error),
    };
    shared.log.record(RequestRecord {
        operation,
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
        Some(routed) => call(shared, routed, &parse_query(query), body),
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

/// Checks the call's labels and query, then runs the operation's handler. Input problems are
/// answered with the error type the operation's model lists for them.
fn call(
    shared: &Shared,
    routed: Routed,
    query: &[(String, String)],
    body: &Bytes,
) -> Result<Answer, ApiError> {
    let binding = routed.binding;
    Call::new(routed, query, body)
        .and_then(|call| (binding.operation.handler())(&shared.store, &call))
        .map_err(|mut error| {
            if error.kind == ErrorKind::InvalidRequest {
                error.kind = binding.invalid_input;
            }
            error
        })
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
