//! Report bodies compressed before they are sealed: raw DEFLATE against a preset dictionary of
//! the report schema's field names and enum values, which a body repeats and DEFLATE alone
//! cannot reuse across bodies.
//!
//! The opened form is a marker byte, then the compressed body: [`DEFLATED_V1`] (against
//! [`DICTIONARY_V1`]) as bodies are sealed now; [`DEFLATED`] (no dictionary, as sealed before)
//! and a body sealed uncompressed (JSON, starting with `{`) still open. A dictionary never
//! changes once bodies use it: a later one is a new file with a new marker.

use std::cell::RefCell;

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

use super::CryptoError;

/// Marks a body compressed by raw DEFLATE without a dictionary (sealed before [`DEFLATED_V1`]).
const DEFLATED: u8 = 0;
/// Marks a body compressed by raw DEFLATE against [`DICTIONARY_V1`].
const DEFLATED_V1: u8 = 1;
/// The preset dictionary of [`DEFLATED_V1`]: made from the report schema alone (never from
/// reports) by `src/sealing/make_dictionary.py`, whose text says how; pinned by its SHA-256.
const DICTIONARY_V1: &[u8] = include_bytes!("body_dictionary_v1.txt");
/// The DEFLATE level bodies are compressed at (zlib's levels run 0 to 9).
const LEVEL: u32 = 6;
/// The longest body that opening inflates: more than any body the portal accepts.
const MAX_BODY: usize = 64 * 1024 * 1024;

/// A report's body compressed as it is sealed: a marker byte and raw DEFLATE against the
/// dictionary. Made apart from the sealing so that it can be made before the body's data key is
/// at hand (on the bulk path's other threads, outside the database transaction).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deflated(pub(super) Vec<u8>);

impl Deflated {
    /// `body` (canonical JSON) compressed.
    pub fn of(body: &str) -> Self {
        let mut compressed = vec![DEFLATED_V1];
        deflate(body.as_bytes(), &mut compressed);
        Deflated(compressed)
    }
}

/// The body that `opened` (an opened sealed body, of any form above) holds, inflated.
pub(super) fn inflated(opened: Vec<u8>) -> Result<Vec<u8>, CryptoError> {
    match opened.split_first() {
        Some((&DEFLATED, deflated)) => inflate(deflated, None),
        Some((&DEFLATED_V1, deflated)) => inflate(deflated, Some(DICTIONARY_V1)),
        _ => Ok(opened),
    }
}

/// Appends the raw DEFLATE of `input` against [`DICTIONARY_V1`] at [`LEVEL`] to `output`, with
/// one compressor kept per thread: making one allocates some 300 KB, which costs more than
/// compressing a body.
fn deflate(input: &[u8], output: &mut Vec<u8>) {
    thread_local! {
        static COMPRESSOR: RefCell<Option<Compress>> = const { RefCell::new(None) };
    }
    COMPRESSOR.with_borrow_mut(|kept| {
        let compressor = kept.get_or_insert_with(|| Compress::new(Compression::new(LEVEL), false));
        compressor.reset();
        compressor
            .set_dictionary(DICTIONARY_V1)
            .expect("a stream just reset takes a dictionary");
        output.reserve(input.len() / 2 + 64);
        let mut rest = input;
        loop {
            let before = compressor.total_in();
            let status = compressor
                .compress_vec(rest, output, FlushCompress::Finish)
                .expect("DEFLATE compresses any input given room");
            rest = &rest[(compressor.total_in() - before) as usize..];
            if status == Status::StreamEnd {
                return;
            }
            // The output is full: more room, and go on.
            output.reserve(output.capacity());
        }
    })
}

/// `deflated` (raw DEFLATE, against `dictionary` if any) inflated; an error when it is not
/// whole DEFLATE or inflates past [`MAX_BODY`] (a decompression bomb costs no more memory).
fn inflate(deflated: &[u8], dictionary: Option<&[u8]>) -> Result<Vec<u8>, CryptoError> {
    let broken = || CryptoError("body does not inflate");
    let mut inflater = Decompress::new(false);
    if let Some(dictionary) = dictionary {
        inflater.set_dictionary(dictionary).map_err(|_| broken())?;
    }
    let mut text = Vec::with_capacity((4 * deflated.len()).min(MAX_BODY));
    let mut rest = deflated;
    loop {
        let before = inflater.total_in();
        let status = inflater
            .decompress_vec(rest, &mut text, FlushDecompress::Finish)
            .map_err(|_| broken())?;
        rest = &rest[(inflater.total_in() - before) as usize..];
        match status {
            Status::StreamEnd => return Ok(text),
            // Room was left, so the input ended before the stream did.
            _ if text.len() < text.capacity() => return Err(broken()),
            _ if text.len() >= MAX_BODY => return Err(CryptoError("body inflates past its limit")),
            _ => text.reserve_exact(text.len().max(1024).min(MAX_BODY - text.len())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{BASE64, DataKey};
    use super::*;
    use base64::Engine;
    use sha2::{Digest, Sha256};

    fn body() -> String {
        let content = r#"{"account_ref":"a1","content_type":"comment","preserved":true}"#;
        format!(
            r#"{{"category":"recruitment","content":[{content},{content}],"summary":"{}"}}"#,
            "the same words again ".repeat(50)
        )
    }

    /// `opened` sealed as a body is, for `place`.
    fn sealed(key: &DataKey, opened: &[u8], place: &str) -> Vec<u8> {
        key.seal_bytes(opened, place)
    }

    #[test]
    fn bodies_are_compressed_against_the_dictionary_then_sealed() {
        let key = DataKey::generate();
        let body = body();
        let sealed = key.seal_body(&body, "r/body");
        assert!(sealed.len() < body.len() / 4, "{} bytes", sealed.len());
        assert_eq!(key.open_bytes(&sealed, "r/body").unwrap()[0], DEFLATED_V1);
        assert_eq!(key.open_body(&sealed, "r/body").unwrap(), body);
        assert!(key.open_body(&sealed, "other/body").is_err());
        assert!(DataKey::generate().open_body(&sealed, "r/body").is_err());
        // The dictionary is used: without it, the same body compresses to more.
        let plain = miniz_oxide::deflate::compress_to_vec(body.as_bytes(), 6);
        assert!(Deflated::of(&body).0.len() < plain.len(), "{}", plain.len());
    }

    #[test]
    fn bodies_sealed_before_the_dictionary_still_open() {
        let key = DataKey::generate();
        let body = body();
        // Raw DEFLATE without a dictionary, marked 0.
        let deflated = [
            &[DEFLATED][..],
            &miniz_oxide::deflate::compress_to_vec(body.as_bytes(), 6),
        ]
        .concat();
        let earlier = sealed(&key, &deflated, "r/body");
        assert_eq!(key.open_body(&earlier, "r/body").unwrap(), body);
        // Uncompressed, base64 (PostgreSQL's migration decodes it).
        let earlier = BASE64.decode(key.seal(&body, "r/body")).unwrap();
        assert_eq!(key.open_body(&earlier, "r/body").unwrap(), body);
    }

    #[test]
    fn the_dictionary_never_changes() {
        // Every body sealed with DEFLATED_V1 needs these bytes: a new dictionary is a new marker.
        assert_eq!(
            hex::encode(Sha256::digest(DICTIONARY_V1)),
            "57b56099ae0f85df8ebb4408c9fe918d0fdea040971939ec1bf1f22d689d7e02"
        );
    }

    #[test]
    fn one_compressor_compresses_bodies_one_after_another_as_a_new_one_would() {
        // Short, repetitive, and longer than the first output guess while hardly compressible.
        let noise: String = (0..40_000u64)
            .map(|i| char::from(b'!' + (i.wrapping_mul(2_654_435_761) >> 7) as u8 % 90))
            .collect();
        for input in ["", "{}", &"abc".repeat(5000), &noise, &body(), "{}"] {
            let mut reused = Vec::new();
            deflate(input.as_bytes(), &mut reused);
            let mut fresh = Compress::new(Compression::new(LEVEL), false);
            fresh.set_dictionary(DICTIONARY_V1).unwrap();
            let mut expected = Vec::with_capacity(2 * input.len() + 64);
            let status = fresh
                .compress_vec(input.as_bytes(), &mut expected, FlushCompress::Finish)
                .unwrap();
            assert_eq!(status, Status::StreamEnd);
            assert_eq!(reused, expected, "{} bytes in", input.len());
            assert_eq!(
                inflate(&reused, Some(DICTIONARY_V1)).unwrap(),
                input.as_bytes()
            );
        }
    }

    #[test]
    fn a_body_that_inflates_past_the_limit_or_is_cut_short_does_not_open() {
        let key = DataKey::generate();
        let zeros = vec![b' '; MAX_BODY + 1];
        let mut bomb = vec![DEFLATED_V1];
        deflate(&zeros, &mut bomb);
        assert!(bomb.len() < MAX_BODY / 100, "{} bytes", bomb.len());
        let sealed_bomb = sealed(&key, &bomb, "r/body");
        assert!(key.open_body(&sealed_bomb, "r/body").is_err());
        let mut exactly = vec![DEFLATED_V1];
        deflate(&zeros[1..], &mut exactly);
        assert_eq!(inflated(exactly).unwrap().len(), MAX_BODY);
        assert!(inflated(vec![DEFLATED_V1]).is_err());
        assert!(inflated(vec![DEFLATED]).is_err());
        let whole = Deflated::of(&body()).0;
        let cut = sealed(&key, &whole[..whole.len() - 3], "r/body");
        assert!(key.open_body(&cut, "r/body").is_err());
    }
}
