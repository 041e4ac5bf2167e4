//! An index of PDQ hashes in memory ([`NearImages`]): which of the hashes it holds lie within
//! [`Pdq::NEAR`] of a hash looked for, what a bulk writer asks for every image of every report.
//!
//! Multi-index hashing over the 16 chunks of 16 bits the database indexes ([`Pdq::chunks`]):
//! one list of hashes for each chunk key (65 536 for each of the 16 positions). A hash within
//! 31 bits has a chunk within one bit of the one looked for, so a lookup reads the lists of each
//! chunk and its 16 one-bit neighbours: 272 lists of about S ÷ 65 536 hashes each, S the hashes
//! held, each compared whole. The lists hold copies of the hashes, not their indexes alone, so
//! that a lookup sweeps each list instead of taking a cache miss for every candidate: about
//! four times faster at 7.2 million hashes, in about 835 bytes a hash instead of 126.
//!
//! Measured and rejected (`benches/results/2026-12-14-near-images.md`): chunks as wide as the
//! index is deep (11 of 23 or 24 bits, which the textbook prescribes at millions of hashes) were
//! slower at every size up to 7.2 million hashes. Such a chunk is only guaranteed within two bits,
//! so a lookup reads 1 507 lists instead of 272, and each list costs a cache miss, as a candidate
//! did then.

use super::indicators::Pdq;

/// The hashes held and their multi-index.
pub struct NearImages {
    hashes: Vec<Pdq>,
    /// For each chunk key (`position << 16 | chunk`), the hashes holding it.
    lists: Vec<Listed>,
}

/// The hashes holding one chunk key: copies of them, and their indexes, in the same order.
#[derive(Clone, Default)]
struct Listed {
    hashes: Vec<Pdq>,
    indexes: Vec<u32>,
}

impl Default for NearImages {
    fn default() -> NearImages {
        NearImages {
            hashes: Vec::new(),
            lists: vec![Listed::default(); Pdq::CHUNKS << 16],
        }
    }
}

impl NearImages {
    /// Holds `pdq`; answers its index (the order in which hashes were added, from 0), or `None`
    /// when the index is full (2³² hashes).
    pub fn add(&mut self, pdq: Pdq) -> Option<u32> {
        let index = u32::try_from(self.hashes.len()).ok()?;
        for key in pdq.chunk_keys() {
            let listed = &mut self.lists[key as usize];
            listed.hashes.push(pdq);
            listed.indexes.push(index);
        }
        self.hashes.push(pdq);
        Some(index)
    }

    /// How many hashes are held.
    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    /// Whether no hash is held.
    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }

    /// The hash of index `index`.
    pub fn hash(&self, index: u32) -> &Pdq {
        &self.hashes[index as usize]
    }

    /// The held hashes within [`Pdq::NEAR`] of `pdq`, each once: `(index, distance)`. A match
    /// is kept at the first position whose chunk is within one bit of `pdq`'s.
    pub fn near(&self, pdq: &Pdq) -> Vec<(u32, u32)> {
        let mut found = Vec::new();
        let chunks = pdq.chunks();
        for (position, probes) in pdq.probes().iter().enumerate() {
            for probe in probes {
                let listed = &self.lists[(position << 16) | *probe as usize];
                for (held, &index) in listed.hashes.iter().zip(&listed.indexes) {
                    let apart = pdq.distance(held);
                    let found_before = || {
                        let held = held.chunks();
                        (0..position).any(|p| (chunks[p] ^ held[p]).count_ones() <= 1)
                    };
                    if apart <= Pdq::NEAR && !found_before() {
                        found.push((index, apart));
                    }
                }
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hash as random as an image's, from `seed`.
    fn random(seed: u64) -> Pdq {
        use sha2::Digest;
        Pdq::from_bytes(&sha2::Sha256::digest(seed.to_be_bytes())).unwrap()
    }

    /// `pdq` with `flips[i]` bits flipped in chunk `i`, spread over the chunk.
    fn flipped_by_chunk(pdq: &Pdq, flips: [u32; Pdq::CHUNKS]) -> Pdq {
        pdq.flipped(
            (0..16u32)
                .zip(flips)
                .flat_map(|(chunk, n)| (0..n).map(move |b| 16 * chunk + b * 16 / n)),
        )
    }

    #[test]
    fn every_hash_within_31_bits_is_found_once_and_none_further() {
        let mut index = NearImages::default();
        let looked = random(0);
        let mut expected = Vec::new();
        let mut hold = |index: &mut NearImages, held: Pdq| {
            let distance = held.distance(&looked);
            let at = index.add(held).unwrap();
            if distance <= Pdq::NEAR {
                expected.push((at, distance));
            }
            distance
        };
        // Hashes at every distance from 0 to 40, the flipped bits spread or bunched.
        for distance in 0..=40u32 {
            let spread = looked.flipped((0..distance).map(|b| b * 256 / 41));
            let bunched = looked.flipped(0..distance);
            let strided = looked.flipped((0..distance).map(|b| (b * 7) % 256));
            for held in [spread, bunched, strided] {
                assert_eq!(hold(&mut index, held), distance);
            }
        }
        // At the edge: two bits off in every chunk but one, which is one bit off (31 bits,
        // found), or two (32, not found).
        for near in 0..Pdq::CHUNKS {
            let mut flips = [2; Pdq::CHUNKS];
            flips[near] = 1;
            assert_eq!(hold(&mut index, flipped_by_chunk(&looked, flips)), 31);
        }
        let far = flipped_by_chunk(&looked, [2; Pdq::CHUNKS]);
        assert_eq!(hold(&mut index, far), 32);
        for seed in 1..2000 {
            hold(&mut index, random(seed));
        }
        let mut found = index.near(&looked);
        found.sort_unstable();
        assert_eq!(found, expected);
        assert_eq!(index.len(), 123 + Pdq::CHUNKS + 1 + 1999);
    }
}
