//! The word index behind the review list's `q`: whole words, case- and accent-insensitive,
//! stored only as keyed hashes (HMAC-SHA256), never as plaintext.

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

    /// The keyed hash that stands for a `platform_account_id` in the database (kept apart from
    /// the words' hashes).
    pub fn account_id(&self, id: &str) -> String {
        self.hash(&format!("account\u{0}{id}"))
    }

    /// The keyed hashes of the distinct words of all `texts`.
    pub fn hash_words<'a>(&self, texts: impl IntoIterator<Item = &'a str>) -> Vec<String> {
        let mut all: Vec<String> = texts.into_iter().flat_map(words).collect();
        all.sort();
        all.dedup();
        all.iter().map(|w| self.hash(w)).collect()
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
        assert_eq!(a.hash_words(["Jóvenes"]), a.hash_words(["JOVENES"]));
        assert_ne!(a.hash("jovenes"), b.hash("jovenes"));
        assert_ne!(a.hash("jovenes"), "jovenes");
    }
}
