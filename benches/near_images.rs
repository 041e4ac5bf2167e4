//! Time and memory of the bulk writers' in-memory PDQ index (`domain::near_images`): for each
//! size given (hashes held, random as distinct images' are), the microseconds a lookup takes on
//! one thread and the hashes it finds. Each lookup is for a hash with three held hashes planted
//! near it (10, 25 and 31 bits away), so every lookup must find at least those three.
//!
//! ```sh
//! cargo bench --bench near_images -- 100000 1000000 7200000
//! ```

use std::time::Instant;

use rand::{Rng, SeedableRng, rngs::StdRng};
use report_portal::domain::indicators::Pdq;
use report_portal::domain::near_images::NearImages;

/// Lookups timed at each size.
const LOOKUPS: usize = 2000;

fn random(rng: &mut StdRng) -> Pdq {
    Pdq::from_bytes(&rng.r#gen::<[u8; 32]>()).expect("32 bytes")
}

/// `pdq` with `bits` distinct random bits flipped.
fn flipped(rng: &mut StdRng, pdq: &Pdq, bits: usize) -> Pdq {
    let mut bytes = pdq.to_bytes();
    for bit in rand::seq::index::sample(rng, 256, bits) {
        bytes[bit / 8] ^= 0x80 >> (bit % 8);
    }
    Pdq::from_bytes(&bytes).expect("32 bytes")
}

/// The resident memory of this process, in bytes (Linux).
fn resident() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![100_000, 1_000_000]
    } else {
        sizes
    };
    for size in sizes {
        let mut rng = StdRng::seed_from_u64(20);
        let looked: Vec<Pdq> = (0..LOOKUPS).map(|_| random(&mut rng)).collect();
        let before = resident();
        let start = Instant::now();
        let mut index = NearImages::default();
        for pdq in &looked {
            for bits in [10, 25, 31] {
                index.add(flipped(&mut rng, pdq, bits));
            }
        }
        while index.len() < size {
            index.add(random(&mut rng));
        }
        let built = start.elapsed().as_secs_f64();
        let held = resident().saturating_sub(before);
        let start = Instant::now();
        let found: usize = looked.iter().map(|pdq| index.near(pdq).len()).sum();
        let micros = start.elapsed().as_secs_f64() * 1e6 / LOOKUPS as f64;
        assert!(found >= 3 * LOOKUPS, "{found} found for {LOOKUPS} lookups");
        println!(
            "{{\"hashes\":{size},\"lookup_us\":{micros:.1},\"found_per_lookup\":{:.2},\"build_s\":{built:.1},\"bytes_per_hash\":{}}}",
            found as f64 / LOOKUPS as f64,
            held / size as u64
        );
    }
}
