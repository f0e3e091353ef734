//! The narrow client: the rule operations connect-rules calls, over `aws_sdk_connect::Client`.
//!
//! Both the AWS targets and the embedded local instance go through this one path; the local
//! instance is the emulator reached over loopback HTTP with an endpoint override.

mod answer_cap;
mod convert;
mod error;
mod patch;
mod rate;
mod resources;
mod throttle_signal;

use std::collections::BTreeMap;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::BehaviorVersion;
use aws_sdk_connect::config::{Credentials, Region};

use crate::model::{LiveRule, Rule, RuleSummary};

pub use answer_cap::{AnswerTooLarge, MAX_ANSWER_BYTES};
pub use error::{ApiError, ApiErrorKind};
pub use rate::{
    check_burst, check_concurrency, check_requests_per_second, deserialize_burst,
    deserialize_concurrency, deserialize_requests_per_second, parse_burst, parse_concurrency,
    parse_requests_per_second, Rate, RateLimiter, MAX_BURST, MAX_CONCURRENCY,
    MAX_REQUESTS_PER_SECOND, MIN_REQUESTS_PER_SECOND,
};
pub use resources::max_page_size;

/// The most rules ListRules returns per page.
pub const MAX_PAGE_SIZE: i32 = 200;

/// How to reach an instance.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// The Connect instance id.
    pub instance_id: String,
    /// AWS region; `None` lets the default chain decide.
    pub region: Option<String>,
    /// Named profile from the shared config files.
    pub profile: Option<String>,
    /// Endpoint override (the emulator, or a VPC endpoint).
    pub endpoint_url: Option<String>,
    /// Use fixed dummy credentials instead of the default chain (the local instance only).
    pub static_credentials: bool,
    /// Attempts per call, first try included, with backoff on throttling and 5xx.
    pub max_attempts: u32,
    /// Client-side pacing; `None` sends as fast as the concurrency allows.
    pub rate: Option<Rate>,
    /// How long one attempt may wait for its answer before it is retried: a server that
    /// accepts a request and never answers must not hang a run.
    pub attempt_timeout: Duration,
}

/// The attempt timeout the CLI uses; rule calls answer in well under a second.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

impl Endpoint {
    /// Instance `instance_id` of a Connect emulator on this machine at `endpoint_url`
    /// (`http://127.0.0.1:PORT`): fixed local credentials, the emulator's region, three
    /// attempts per call, no pacing and the CLI's attempt timeout. Change a field with struct
    /// update syntax (`Endpoint { max_attempts: 1, ..Endpoint::local(..) }`).
    pub fn local(instance_id: impl Into<String>, endpoint_url: impl Into<String>) -> Self {
        Endpoint {
            instance_id: instance_id.into(),
            region: Some(crate::emulator::DEFAULT_REGION.to_owned()),
            profile: None,
            endpoint_url: Some(endpoint_url.into()),
            static_credentials: true,
            max_attempts: 3,
            rate: None,
            attempt_timeout: ATTEMPT_TIMEOUT,
        }
    }
}

/// The rule operations on one instance.
#[derive(Debug, Clone)]
pub struct ConnectClient {
    sdk: aws_sdk_connect::Client,
    /// STS with the same credentials, region and endpoint: which account the credentials are.
    sts: aws_sdk_sts::Client,
    instance_id: String,
    limiter: RateLimiter,
    max_attempts: u32,
}

/// STS with the same credentials and region. The Connect endpoint override is kept only when it
/// is on this machine (the emulator answers STS too); a real override such as a VPC or FIPS
/// Connect endpoint does not serve STS, so STS then uses its own regional endpoint.
fn sts_client(shared: &aws_config::SdkConfig, endpoint_url: Option<&str>) -> aws_sdk_sts::Client {
    let config = if endpoint_url.is_some_and(is_local_endpoint) {
        aws_sdk_sts::config::Builder::from(shared)
    } else {
        let mut builder = shared.to_builder();
        builder.set_endpoint_url(None);
        aws_sdk_sts::config::Builder::from(&builder.build())
    };
    aws_sdk_sts::Client::from_conf(
        config
            .interceptor(answer_cap::CapAnswers::default())
            .build(),
    )
}

/// Whether an endpoint URL points at this machine.
fn is_local_endpoint(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    if rest.starts_with("[::1]") {
        return true;
    }
    let host = rest.split(['/', ':']).next().unwrap_or_default();
    host == "localhost" || host.starts_with("127.")
}

/// Whether `url` is a local instance reached without TLS (`http://127.0.0.1:…`), as the
/// embedded emulator is.
fn is_plain_local(url: &str) -> bool {
    url.starts_with("http://") && is_local_endpoint(url)
}

/// Whether the environment holds a key pair (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`),
/// which the default credential chain would use before anything else.
fn has_environment_credentials() -> bool {
    ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]
        .iter()
        .all(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()))
}

/// An HTTP client that skips loading the system's root certificates: for a plain-HTTP local
/// endpoint they are never used, and reading them (hundreds of files) is most of the start-up
/// time of a small plan against the local instance. It is given to the loader, so the
/// credential providers would share it; it is used only when the credentials are static or
/// from the environment, since other providers (SSO, assumed roles) call AWS over HTTPS.
fn plain_local_http_client() -> aws_sdk_connect::config::SharedHttpClient {
    use aws_smithy_http_client::tls;
    let no_roots = tls::TlsContext::builder()
        .with_trust_store(tls::TrustStore::empty())
        .build()
        .unwrap_or_default();
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::AwsLc,
        ))
        .tls_context(no_roots)
        .build_https()
}

impl ConnectClient {
    /// Builds the SDK client: credentials from aws-config's default chain (env, profiles, SSO,
    /// IMDS) unless the endpoint is the local instance.
    pub async fn connect(endpoint: &Endpoint) -> Result<Self, ApiError> {
        // Standard mode: our own limiter paces calls and hears about every 429.
        let retry = RetryConfig::standard()
            .with_max_attempts(endpoint.max_attempts.max(1))
            .with_initial_backoff(Duration::from_millis(200))
            .with_max_backoff(Duration::from_secs(20));
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(10))
            .operation_attempt_timeout(endpoint.attempt_timeout)
            .build();
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(retry)
            .timeout_config(timeouts);
        if let Some(region) = &endpoint.region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Some(profile) = &endpoint.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(url) = &endpoint.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        if endpoint.static_credentials {
            loader = loader.credentials_provider(Credentials::new(
                "local",
                "local",
                None,
                None,
                "connect-rules-local",
            ));
        }
        if endpoint.endpoint_url.as_deref().is_some_and(is_plain_local) {
            if !endpoint.static_credentials
                && endpoint.profile.is_none()
                && has_environment_credentials()
            {
                // The default chain would take these first anyway; naming them skips building
                // the rest of the chain (SSO, web identity), which calls AWS over HTTPS.
                loader = loader.credentials_provider(
                    aws_config::environment::EnvironmentVariableCredentialsProvider::new(),
                );
            }
            if endpoint.static_credentials || has_environment_credentials() {
                loader = loader.http_client(plain_local_http_client());
            }
        }
        let shared = loader.load().await;
        if shared.region().is_none() {
            return Err(ApiError {
                operation: "connect",
                instance_id: endpoint.instance_id.clone(),
                kind: ApiErrorKind::Transport,
                code: None,
                message: "no AWS region is set: pass `--region`, set `region` in the target, or set AWS_REGION (or a region in the AWS profile)".to_owned(),
            });
        }
        let limiter = RateLimiter::new(endpoint.rate);
        let config = aws_sdk_connect::config::Builder::from(&shared)
            .interceptor(patch::AddMissingDefinitions)
            .interceptor(throttle_signal::ThrottleSignal::new(limiter.clone()))
            .interceptor(answer_cap::CapAnswers::default())
            .build();
        Ok(ConnectClient {
            sdk: aws_sdk_connect::Client::from_conf(config),
            sts: sts_client(&shared, endpoint.endpoint_url.as_deref()),
            instance_id: endpoint.instance_id.clone(),
            limiter,
            max_attempts: endpoint.max_attempts.max(1),
        })
    }

    /// The account of the credentials in use (STS GetCallerIdentity).
    pub async fn caller_account(&self) -> Result<String, ApiError> {
        let identity = self
            .sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|err| ApiError {
                operation: "GetCallerIdentity",
                instance_id: self.instance_id.clone(),
                kind: ApiErrorKind::Transport,
                code: None,
                message: format!(
                    "could not ask STS which account the credentials belong to: {}",
                    error::error_chain(&err)
                ),
            })?;
        identity
            .account()
            .map(str::to_owned)
            .ok_or_else(|| ApiError {
                operation: "GetCallerIdentity",
                instance_id: self.instance_id.clone(),
                kind: ApiErrorKind::Transport,
                code: None,
                message: "STS GetCallerIdentity answered without an account".to_owned(),
            })
    }

    /// Attempts per call, first try included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The instance this client talks to.
    pub fn instance_id(&self) -> &str {
        &self.instance_id
    }

    /// One page of ListRules.
    pub async fn list_rules_page(
        &self,
        next_token: Option<String>,
    ) -> Result<(Vec<RuleSummary>, Option<String>), ApiError> {
        self.limiter.acquire().await;
        let page = self
            .sdk
            .list_rules()
            .instance_id(&self.instance_id)
            .max_results(MAX_PAGE_SIZE)
            .set_next_token(next_token)
            .send()
            .await
            .map_err(|err| ApiError::from_sdk("ListRules", &self.instance_id, &err))?;
        let listed = page.rule_summary_list();
        if listed.len() > MAX_PAGE_SIZE as usize {
            return Err(ApiError::bad_answer(
                "ListRules",
                &self.instance_id,
                format!(
                    "a page listed {} rules, more than the {MAX_PAGE_SIZE} asked for",
                    listed.len()
                ),
            ));
        }
        if let Some(empty) = listed.iter().find(|summary| summary.rule_id().is_empty()) {
            return Err(ApiError::bad_answer(
                "ListRules",
                &self.instance_id,
                format!("rule `{}` was listed without a RuleId", empty.name()),
            ));
        }
        let summaries = listed.iter().map(convert::summary_from_sdk).collect();
        Ok((summaries, page.next_token().map(str::to_owned)))
    }

    /// DescribeRule; `None` when the rule no longer exists (the service answered 404).
    ///
    /// The answer must be the rule asked for: an answer without a rule, or one carrying another
    /// RuleId, is an error ([`ApiErrorKind::BadAnswer`]), never a rule to act on.
    pub async fn describe_rule(&self, rule_id: &str) -> Result<Option<LiveRule>, ApiError> {
        self.limiter.acquire().await;
        match self
            .sdk
            .describe_rule()
            .instance_id(&self.instance_id)
            .rule_id(rule_id)
            .send()
            .await
        {
            Ok(output) => {
                let bad = |message: String| {
                    Err(ApiError::bad_answer(
                        "DescribeRule",
                        &self.instance_id,
                        message,
                    ))
                };
                // The SDK fills a missing `Rule` with an empty one, so an empty RuleId is the
                // same lie as no rule at all.
                let Some(rule) = output.rule().filter(|rule| !rule.rule_id().is_empty()) else {
                    return bad(format!(
                        "asked for rule `{rule_id}`, the answer held no rule (a rule that is gone answers ResourceNotFoundException)"
                    ));
                };
                if rule.rule_id() != rule_id {
                    return bad(format!(
                        "asked for rule `{rule_id}`, the answer is rule `{}`",
                        rule.rule_id()
                    ));
                }
                Ok(Some(convert::live_rule_from_sdk(rule)))
            }
            Err(err) => {
                let err = ApiError::from_sdk("DescribeRule", &self.instance_id, &err);
                if err.kind == ApiErrorKind::NotFound {
                    Ok(None)
                } else {
                    Err(err)
                }
            }
        }
    }

    /// CreateRule with the given idempotency token; returns `(RuleArn, RuleId)`.
    pub async fn create_rule(
        &self,
        rule: &Rule,
        client_token: &str,
    ) -> Result<(String, String), ApiError> {
        self.limiter.acquire().await;
        let fail = |err: anyhow::Error| ApiError::invalid_input("CreateRule", &rule.name, &err);
        let output = self
            .sdk
            .create_rule()
            .instance_id(&self.instance_id)
            .name(&rule.name)
            .trigger_event_source(
                convert::trigger_to_sdk(&rule.trigger_event_source).map_err(fail)?,
            )
            .function(&rule.function)
            .set_actions(Some(convert::actions_to_sdk(&rule.actions).map_err(fail)?))
            .publish_status(rule.publish_status.as_str().into())
            .set_pre_evaluation_filters(
                convert::filters_to_sdk(rule.pre_evaluation_filters.as_ref()).map_err(fail)?,
            )
            .set_tags(if rule.tags.is_empty() {
                None
            } else {
                Some(rule.tags.clone().into_iter().collect())
            })
            .client_token(client_token)
            .send()
            .await
            .map_err(|err| ApiError::from_sdk("CreateRule", &self.instance_id, &err))?;
        Ok((output.rule_arn().to_owned(), output.rule_id().to_owned()))
    }

    /// UpdateRule: replaces name, function, actions, publish status and filters.
    pub async fn update_rule(&self, rule_id: &str, rule: &Rule) -> Result<(), ApiError> {
        self.limiter.acquire().await;
        let fail = |err: anyhow::Error| ApiError::invalid_input("UpdateRule", &rule.name, &err);
        self.sdk
            .update_rule()
            .instance_id(&self.instance_id)
            .rule_id(rule_id)
            .name(&rule.name)
            .function(&rule.function)
            .set_actions(Some(convert::actions_to_sdk(&rule.actions).map_err(fail)?))
            .publish_status(rule.publish_status.as_str().into())
            .set_pre_evaluation_filters(
                convert::filters_to_sdk(rule.pre_evaluation_filters.as_ref()).map_err(fail)?,
            )
            .send()
            .await
            .map_err(|err| ApiError::from_sdk("UpdateRule", &self.instance_id, &err))?;
        Ok(())
    }

    /// DeleteRule.
    pub async fn delete_rule(&self, rule_id: &str) -> Result<(), ApiError> {
        self.limiter.acquire().await;
        self.sdk
            .delete_rule()
            .instance_id(&self.instance_id)
            .rule_id(rule_id)
            .send()
            .await
            .map_err(|err| ApiError::from_sdk("DeleteRule", &self.instance_id, &err))?;
        Ok(())
    }

    /// TagResource on a rule ARN.
    pub async fn tag_rule(
        &self,
        rule_arn: &str,
        tags: &BTreeMap<String, String>,
    ) -> Result<(), ApiError> {
        self.limiter.acquire().await;
        self.sdk
            .tag_resource()
            .resource_arn(rule_arn)
            .set_tags(Some(tags.clone().into_iter().collect()))
            .send()
            .await
            .map_err(|err| ApiError::from_sdk("TagResource", &self.instance_id, &err))?;
        Ok(())
    }

    /// UntagResource on a rule ARN.
    pub async fn untag_rule(&self, rule_arn: &str, keys: &[String]) -> Result<(), ApiError> {
        self.limiter.acquire().await;
        self.sdk
            .untag_resource()
            .resource_arn(rule_arn)
            .set_tag_keys(Some(keys.to_vec()))
            .send()
            .await
            .map_err(|err| ApiError::from_sdk("UntagResource", &self.instance_id, &err))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::is_local_endpoint;

    #[test]
    fn only_loopback_endpoints_are_local() {
        for url in [
            "http://127.0.0.1:8787",
            "http://localhost:1/",
            "http://[::1]:80",
            "127.0.0.2",
        ] {
            assert!(is_local_endpoint(url), "{url}");
        }
        for url in [
            "https://connect-fips.us-east-1.amazonaws.com",
            "https://vpce-1.connect.us-east-1.vpce.amazonaws.com",
            "http://10.0.0.1:80",
        ] {
            assert!(!is_local_endpoint(url), "{url}");
        }
    }
}
