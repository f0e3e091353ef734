//! STS `GetCallerIdentity`, so a client pointed at the emulator can ask which account its
//! credentials are in, as `apply` does for a target that pins `account_id`. STS speaks the
//! awsQuery protocol: a form-encoded POST to `/` answered in XML.

use super::binding::parse_query;

/// The status, content type and body of the answer to an STS request.
pub(crate) fn answer(account_id: &str, body: &[u8]) -> (u16, &'static str, String) {
    let form = parse_query(&String::from_utf8_lossy(body));
    let action = form
        .iter()
        .find(|(key, _)| key == "Action")
        .map(|(_, value)| value.as_str());
    let request_id = super::ids::new_uuid();
    match action {
        Some("GetCallerIdentity") => (
            200,
            "text/xml",
            format!(
                "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
                 <GetCallerIdentityResult>\
                 <Arn>arn:aws:iam::{account_id}:user/connect-rules-emulator</Arn>\
                 <UserId>AIDAEMULATOR</UserId>\
                 <Account>{account_id}</Account>\
                 </GetCallerIdentityResult>\
                 <ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>\
                 </GetCallerIdentityResponse>"
            ),
        ),
        other => (
            400,
            "text/xml",
            format!(
                "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
                 <Error><Type>Sender</Type><Code>InvalidAction</Code>\
                 <Message>The emulator answers only STS GetCallerIdentity, not {}</Message></Error>\
                 <RequestId>{request_id}</RequestId></ErrorResponse>",
                other.unwrap_or("a request without Action")
            ),
        ),
    }
}

/// Whether a request is for STS: a form POST to `/` (no Connect operation uses that path).
pub(crate) fn is_sts(method: &str, path: &str) -> bool {
    method == "POST" && path == "/"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_caller_identity_names_the_account() {
        let (status, _, body) = answer(
            "111122223333",
            b"Action=GetCallerIdentity&Version=2011-06-15",
        );
        assert_eq!(status, 200);
        assert!(body.contains("<Account>111122223333</Account>"), "{body}");
    }

    #[test]
    fn other_actions_are_refused() {
        let (status, _, body) = answer("111122223333", b"Action=AssumeRole&Version=2011-06-15");
        assert_eq!(status, 400);
        assert!(body.contains("<Code>InvalidAction</Code>"), "{body}");
        assert!(body.contains("AssumeRole"), "{body}");
    }
}
