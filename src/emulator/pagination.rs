//! Pages for every list operation, with opaque, tamper-safe `NextToken`s.
//!
//! A listing is a sequence of items with increasing positions (a rule's creation number, a
//! seeded resource's place in its file) and a scope (the operation, instance and filters).
//! A token is the hex of a small JSON cursor followed by a truncated HMAC-SHA256 of it under a
//! secret drawn when the store is made, so a token that was changed, made up, issued by another
//! emulator or for another listing is refused instead of silently listing the wrong page.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};
use sha2::{Digest, Sha256};

use super::api_error::ApiError;
use super::ids::hex;

/// The page size when the caller gives no `MaxResults` (the service's documented default; the
/// largest allowed is the model's, checked before a listing starts).
pub const DEFAULT_PAGE_SIZE: usize = 100;

/// What a caller asked of a listing: how many items, and where to continue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    /// Page size, within the model's `MaxResults` bounds.
    pub max_results: usize,
    /// Where to continue.
    pub next_token: Option<String>,
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest {
            max_results: DEFAULT_PAGE_SIZE,
            next_token: None,
        }
    }
}

/// One page of a listing.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The summaries, in listing order.
    pub items: Vec<Json>,
    /// The token for the next page, when there is one.
    pub next_token: Option<String>,
}

impl Page {
    /// The response body: the items under `list_member` and the `NextToken` when there is one.
    pub fn to_json(&self, list_member: &str) -> Json {
        let mut body = json!({ list_member: self.items });
        if let Some(token) = &self.next_token {
            body["NextToken"] = json!(token);
        }
        body
    }
}

/// Where the next page starts, and what listing it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// The operation, instance and filters listed, so a token is not reused elsewhere.
    #[serde(rename = "s")]
    pub scope: String,
    /// The position of the last item returned.
    #[serde(rename = "a")]
    pub after: u64,
}

/// Makes and checks tokens with one secret.
#[derive(Debug, Clone)]
pub struct TokenCodec {
    secret: [u8; 32],
}

const MAC_BYTES: usize = 16;

impl TokenCodec {
    /// A codec with a fresh random secret.
    pub fn random() -> Self {
        TokenCodec {
            secret: rand::random(),
        }
    }

    /// The token for `cursor`.
    pub fn encode(&self, cursor: &Cursor) -> String {
        let payload = serde_json::to_vec(cursor).expect("a cursor serialises");
        let mac = self.mac(&payload);
        format!("{}.{}", hex(&payload), hex(&mac[..MAC_BYTES]))
    }

    /// The cursor in `token`, if this codec made it.
    pub fn decode(&self, token: &str) -> Result<Cursor, ApiError> {
        let invalid = || ApiError::invalid_request("invalid nextToken");
        let (payload_hex, mac_hex) = token.split_once('.').ok_or_else(invalid)?;
        let payload = unhex(payload_hex).ok_or_else(invalid)?;
        let given = unhex(mac_hex).ok_or_else(invalid)?;
        let expected = self.mac(&payload);
        if given.len() != MAC_BYTES || !constant_time_eq(&given, &expected[..MAC_BYTES]) {
            return Err(invalid());
        }
        serde_json::from_slice(&payload).map_err(|_| invalid())
    }

    /// One page of the listing `scope`: `items` come in increasing `position`; the page starts
    /// after the request's token (which must belong to `scope`), holds at most `max_results`
    /// items and makes a `summary` of those only.
    pub fn page<T>(
        &self,
        scope: &str,
        request: &PageRequest,
        items: impl IntoIterator<Item = T>,
        position: impl Fn(&T) -> u64,
        summary: impl Fn(T) -> Json,
    ) -> Result<Page, ApiError> {
        let after = match &request.next_token {
            None => None,
            Some(token) => {
                let cursor = self.decode(token)?;
                if cursor.scope != scope {
                    return Err(ApiError::invalid_request(
                        "invalid nextToken: it was issued for another operation, instance or other filters",
                    ));
                }
                Some(cursor.after)
            }
        };
        let mut rest = items
            .into_iter()
            .filter(|item| after.is_none_or(|after| position(item) > after));
        let page: Vec<T> = rest.by_ref().take(request.max_results).collect();
        let next_token = match (page.last(), rest.next()) {
            (Some(last), Some(_)) => Some(self.encode(&Cursor {
                scope: scope.to_owned(),
                after: position(last),
            })),
            _ => None,
        };
        Ok(Page {
            items: page.into_iter().map(summary).collect(),
            next_token,
        })
    }

    /// HMAC-SHA256 (RFC 2104) of `message` under the secret.
    fn mac(&self, message: &[u8]) -> [u8; 32] {
        const BLOCK: usize = 64;
        let mut inner_pad = [0x36_u8; BLOCK];
        let mut outer_pad = [0x5c_u8; BLOCK];
        for (index, byte) in self.secret.iter().enumerate() {
            inner_pad[index] ^= byte;
            outer_pad[index] ^= byte;
        }
        let inner = Sha256::new()
            .chain_update(inner_pad)
            .chain_update(message)
            .finalize();
        Sha256::new()
            .chain_update(outer_pad)
            .chain_update(inner)
            .finalize()
            .into()
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|index| u8::from_str_radix(&text[index..index + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cursor() -> Cursor {
        Cursor {
            scope: "ListRules|i-1|PUBLISHED|".to_owned(),
            after: 7,
        }
    }

    /// One page of the items 1..=count at positions 10, 20, ...
    fn page(
        codec: &TokenCodec,
        scope: &str,
        request: &PageRequest,
        count: u64,
    ) -> Result<Page, ApiError> {
        codec.page(scope, request, 1..=count, |n| n * 10, |n| json!(n))
    }

    #[test]
    fn pages_cover_every_item_once_and_end_without_a_token() {
        let codec = TokenCodec::random();
        let mut request = PageRequest {
            max_results: 2,
            next_token: None,
        };
        let mut seen = Vec::new();
        loop {
            let page = page(&codec, "s", &request, 5).unwrap();
            assert!(page.items.len() <= 2);
            seen.extend(page.items);
            match page.next_token {
                Some(token) => request.next_token = Some(token),
                None => break,
            }
            assert!(seen.len() < 5, "a token after the last page");
        }
        assert_eq!(seen, (1..=5).map(|n| json!(n)).collect::<Vec<_>>());
        let all = PageRequest {
            max_results: 5,
            next_token: None,
        };
        let exact = page(&codec, "s", &all, 5).unwrap();
        assert_eq!((exact.items.len(), exact.next_token), (5, None));
    }

    #[test]
    fn tokens_belong_to_their_listing() {
        let codec = TokenCodec::random();
        let one = PageRequest {
            max_results: 1,
            next_token: None,
        };
        let first = page(&codec, "a", &one, 3).unwrap();
        let elsewhere = PageRequest {
            max_results: 1,
            next_token: first.next_token,
        };
        let error = page(&codec, "b", &elsewhere, 3).unwrap_err();
        assert!(error.message.contains("invalid nextToken"), "{error}");
    }

    #[test]
    fn round_trips() {
        let codec = TokenCodec::random();
        assert_eq!(codec.decode(&codec.encode(&cursor())), Ok(cursor()));
    }

    #[test]
    fn refuses_changed_foreign_and_garbage_tokens() {
        let codec = TokenCodec::random();
        let token = codec.encode(&cursor());
        let mut changed = cursor();
        changed.after = 8;
        let forged = format!(
            "{}.{}",
            hex(&serde_json::to_vec(&changed).unwrap()),
            token.split_once('.').unwrap().1
        );
        assert!(codec.decode(&forged).is_err());
        assert!(TokenCodec::random().decode(&token).is_err());
        for garbage in ["", "abc", "zz.zz", "00.00", "é.é"] {
            assert!(codec.decode(garbage).is_err(), "{garbage}");
        }
    }
}
