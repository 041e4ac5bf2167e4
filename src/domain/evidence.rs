//! Evidence files: what is recorded of one, and which kinds of file are accepted, judged from
//! the bytes themselves (never from the client's declared type or file name).

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::refusal::FieldError;

/// How many leading bytes of a file decide its type.
pub const SNIFF_BYTES: usize = 8192;

/// The media types accepted as evidence: images, video, audio, PDF, plain text and HTML
/// captures (saved pages; MHTML is plain text).
pub const ALLOWED_MEDIA_TYPES: &[&str] = &[
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/tiff",
    "image/bmp",
    "image/heif",
    "image/avif",
    "video/mp4",
    "video/x-m4v",
    "video/webm",
    "video/quicktime",
    "video/x-matroska",
    "video/x-msvideo",
    "video/x-ms-wmv",
    "video/mpeg",
    "video/x-flv",
    "audio/mpeg",
    "audio/m4a",
    "audio/aac",
    "audio/ogg",
    "audio/opus",
    "audio/x-wav",
    "audio/x-flac",
    "audio/amr",
    "application/pdf",
    "text/html",
    "text/plain",
];

/// An evidence file of a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Evidence {
    /// The evidence's id.
    pub id: String,
    /// SHA-256 (hex) of the file's bytes.
    pub sha256: String,
    /// The file's size in bytes.
    pub size: i64,
    /// The file's type, as found from its bytes.
    pub media_type: String,
    /// The index, in the report's content (its own items, then those of each amendment in
    /// order), of the content item the file shows.
    pub content_index: Option<i32>,
    /// The submitter's description.
    pub description: Option<String>,
    /// When it was uploaded (UTC).
    pub uploaded_at: DateTime<Utc>,
}

/// The media type of a file starting with `prefix` (its first [`SNIFF_BYTES`] bytes, or all of
/// it when shorter), if it is one of [`ALLOWED_MEDIA_TYPES`]; otherwise a 422 rule at `/file`.
pub fn media_type(prefix: &[u8]) -> Result<&'static str, FieldError> {
    let found = match infer::get(prefix) {
        Some(kind) => kind.mime_type(),
        None if looks_like_text(prefix) => "text/plain",
        None => "application/octet-stream",
    };
    ALLOWED_MEDIA_TYPES
        .iter()
        .find(|allowed| **allowed == found)
        .copied()
        .ok_or_else(|| {
            FieldError::new(
                "/file",
                "media_type",
                format!(
                    "is {found}; evidence must be an image, video, audio, PDF, plain text or HTML file"
                ),
            )
        })
}

/// UTF-8 (possibly cut inside a character at the end) without control characters other than
/// tab, line breaks and form feed.
fn looks_like_text(prefix: &[u8]) -> bool {
    let text = match std::str::from_utf8(prefix) {
        Ok(text) => text,
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&prefix[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return false,
    };
    !text.is_empty()
        && !text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_comes_from_the_bytes() {
        assert_eq!(
            media_type(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Ok("image/png")
        );
        assert_eq!(media_type(b"%PDF-1.7\n"), Ok("application/pdf"));
        assert_eq!(
            media_type(b"  <!DOCTYPE html><html></html>"),
            Ok("text/html")
        );
        assert_eq!(media_type("Se buscan jóvenes".as_bytes()), Ok("text/plain"));
        // Cut in the middle of "ó": still text.
        assert_eq!(media_type(&"jó".as_bytes()[..2]), Ok("text/plain"));
    }

    #[test]
    fn executables_archives_and_binary_junk_are_refused() {
        for bad in [
            &b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0"[..],
            b"PK\x03\x04\x14\0\0\0\x08\0",
            b"MZ\x90\0\x03\0\0\0",
            b"#!/bin/sh\nrm -rf /\n",
            b"\0\x01\x02\x03",
            b"",
        ] {
            let error = media_type(bad).unwrap_err();
            assert_eq!(
                (error.pointer.as_str(), error.code.as_str()),
                ("/file", "media_type")
            );
        }
    }
}
