//! Bytes and CPU per report body of the body codec: raw DEFLATE against the schema's dictionary
//! (as bodies are sealed now, `sealing::Deflated`) beside raw DEFLATE alone by miniz_oxide at
//! level 6 (as they were sealed before). Reads bodies as `report-portal seed --ndjson` writes
//! them, stores each as canonical JSON, and prints one JSON object a codec: the mean bytes of a
//! body compressed, and the microseconds a body takes to compress and to open (the best of
//! three rounds over every body, on one thread). Opening is the sealed body's AES-GCM and
//! inflating; `aes_only` is that AES-GCM alone (a body sealed uncompressed).
//!
//! ```sh
//! report-portal seed --reports 1000 --ndjson /tmp/bodies.ndjson
//! cargo bench --bench body_codec -- /tmp/bodies.ndjson
//! ```

use std::time::Instant;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use miniz_oxide::deflate::core::{
    CompressorOxide, TDEFLFlush, TDEFLStatus, compress, create_comp_flags_from_zip_params,
};
use report_portal::domain::received::canonical_json;
use report_portal::sealing::{DataKey, Deflated};
use serde_json::{Value, json};

/// The AES-GCM nonce and tag a sealed body carries besides its compressed bytes.
const SEALING: usize = 12 + 16;

/// The best of three rounds of `each` over `bodies`, in microseconds a body.
fn micros<T>(bodies: &[T], mut each: impl FnMut(&T)) -> f64 {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            bodies.iter().for_each(&mut each);
            start.elapsed().as_secs_f64() * 1e6 / bodies.len() as f64
        })
        .fold(f64::INFINITY, f64::min)
}

/// `body` raw DEFLATE by miniz_oxide at level 6 with `compressor` reused (as bodies were
/// compressed before the dictionary, one compressor kept per thread).
fn miniz(compressor: &mut CompressorOxide, body: &str) -> Vec<u8> {
    compressor.reset();
    let mut output = vec![0; body.len() + 64];
    let (status, _, wrote) = compress(compressor, body.as_bytes(), &mut output, TDEFLFlush::Finish);
    assert_eq!(status, TDEFLStatus::Done);
    output.truncate(wrote);
    output
}

fn main() {
    let path = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .expect("the NDJSON file of bodies");
    let bodies: Vec<String> = std::fs::read_to_string(&path)
        .expect("the NDJSON file")
        .lines()
        .map(|line| canonical_json(&mut serde_json::from_str::<Value>(line).unwrap()))
        .collect();
    let n = bodies.len() as f64;
    let key = DataKey::generate();
    let mean = |sizes: &mut dyn Iterator<Item = usize>| sizes.sum::<usize>() as f64 / n;

    let sealed: Vec<Vec<u8>> = bodies.iter().map(|b| key.seal_body(b, "r/body")).collect();
    let plain: Vec<Vec<u8>> = bodies
        .iter()
        .map(|b| BASE64.decode(key.seal(b, "r/body")).unwrap())
        .collect();
    let aes_only = micros(&plain, |s| drop(key.open_body(s, "r/body").unwrap()));
    println!(
        "{}",
        json!({"codec": "dictionary v1 (flate2/zlib-rs level 6)", "bodies": bodies.len(),
            "json_bytes": mean(&mut bodies.iter().map(String::len)),
            "bytes": mean(&mut sealed.iter().map(|s| s.len() - SEALING)),
            "compress_us": micros(&bodies, |b| drop(Deflated::of(b))),
            "open_us": micros(&sealed, |s| drop(key.open_body(s, "r/body").unwrap())),
            "aes_only_us": aes_only})
    );

    let mut compressor = CompressorOxide::new(create_comp_flags_from_zip_params(6, 0, 0));
    let deflated: Vec<Vec<u8>> = bodies.iter().map(|b| miniz(&mut compressor, b)).collect();
    println!(
        "{}",
        json!({"codec": "no dictionary (miniz_oxide level 6, as before)",
            "bytes": 1.0 + mean(&mut deflated.iter().map(Vec::len)),
            "compress_us": micros(&bodies, |b| drop(miniz(&mut compressor, b))),
            "open_us": aes_only + micros(&deflated, |d| drop(miniz_oxide::inflate::decompress_to_vec_with_limit(d, 64 << 20).unwrap()))})
    );
}
