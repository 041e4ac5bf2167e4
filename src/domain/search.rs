//! The word index behind the review list's `q`: whole words, case- and accent-insensitive,
//! stored only as keyed hashes, never as plaintext: each word as a 64-bit key, the first eight
//! bytes of its HMAC-SHA256 under the index key (a chance collision between two words makes a
//! search find a report it should not about once in 2^64 words per report).

use hmac::{Hmac, Mac};
use sha2::Sha256;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Words longer than this are cut, so that a pasted blob cannot bloat the index.
const MAX_WORD_CHARS: usize = 64;

/// The distinct normalized words of `text`: split on anything not a letter or digit,
/// lower-cased, accents removed (`Jóvenes` → `jovenes`).
pub fn words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            w.nfd()
                .filter(|c| !is_combining_mark(*c))
                .flat_map(char::to_lowercase)
                .take(MAX_WORD_CHARS)
                .collect()
        })
        .collect();
    words.sort();
    words.dedup();
    words
}

/// Hashes words under the index key.
#[derive(Clone)]
pub struct WordHasher {
    /// HMAC-SHA256 keyed with the index key, cloned for each word.
    keyed: Hmac<Sha256>,
}

impl WordHasher {
    /// A hasher with `key` (at least 32 bytes of secret).
    pub fn new(key: Vec<u8>) -> Self {
        Self {
            keyed: Hmac::new_from_slice(&key).expect("HMAC takes any key length"),
        }
    }

    /// The keyed hash of one normalized word, hex.
    pub fn hash(&self, word: &str) -> String {
        let mut mac = self.keyed.clone();
        mac.update(word.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// The 64-bit key of one normalized word: the first eight bytes of its keyed hash, read as
    /// a big-endian signed integer (what migration `compact_storage` computed from the hex
    /// hashes stored before).
    pub fn word_key(&self, word: &str) -> i64 {
        let mut mac = self.keyed.clone();
        mac.update(word.as_bytes());
        let hash = mac.finalize().into_bytes();
        i64::from_be_bytes(hash[..8].try_into().expect("SHA-256 has 32 bytes"))
    }

    /// The keys of the distinct words of all `texts`, sorted.
    pub fn word_keys<'a>(&self, texts: impl IntoIterator<Item = &'a str>) -> Vec<i64> {
        let mut keys: Vec<i64> = texts
            .into_iter()
            .flat_map(words)
            .map(|w| self.word_key(&w))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_whole_lower_case_and_without_accents() {
        assert_eq!(
            words("Se buscan JÓVENES, ¡buena paga! jovenes"),
            vec!["buena", "buscan", "jovenes", "paga", "se"]
        );
        assert_eq!(words("Niño-Sicario_22"), vec!["22", "nino", "sicario"]);
    }

    #[test]
    fn hashes_depend_on_the_key_and_match_across_spellings() {
        let a = WordHasher::new(vec![1; 32]);
        let b = WordHasher::new(vec![2; 32]);
        assert_eq!(a.word_keys(["Jóvenes"]), a.word_keys(["JOVENES"]));
        assert_ne!(a.word_key("jovenes"), b.word_key("jovenes"));
        assert_ne!(a.hash("jovenes"), b.hash("jovenes"));
        assert_ne!(a.hash("jovenes"), "jovenes");
    }

    #[test]
    fn a_word_key_is_the_head_of_its_keyed_hash() {
        let hasher = WordHasher::new(vec![7; 32]);
        let head = u64::from_str_radix(&hasher.hash("jovenes")[..16], 16).unwrap();
        assert_eq!(hasher.word_key("jovenes"), head as i64);
    }
}
