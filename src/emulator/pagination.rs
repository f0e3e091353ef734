//! Opaque, tamper-safe `NextToken`s for `ListRules`.
//!
//! A token is the hex of a small JSON cursor followed by a truncated HMAC-SHA256 of it under a
//! secret drawn when the store is made, so a token that was changed, made up, or issued by another
//! emulator is refused instead of silently listing the wrong page.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::api_error::ApiError;
use super::ids::hex;

/// Where the next page starts, and what listing it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// The instance listed.
    #[serde(rename = "i")]
    pub instance_id: String,
    /// The filters the listing used, so a token is not reused with other filters.
    #[serde(rename = "f")]
    pub filter: String,
    /// The creation sequence number of the last rule returned.
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
            instance_id: "i-1".to_owned(),
            filter: "PUBLISHED|".to_owned(),
            after: 7,
        }
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
