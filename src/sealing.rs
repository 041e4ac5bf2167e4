//! Sealing of report data at rest under the report's own data key: its texts (the body as
//! received, amendments, notes, free text) and its evidence files, and the master key that wraps
//! the data keys. (Where each text is stored and under what place: [`crate::store::sealed`];
//! the files' object store: [`crate::evidence`].)
//!
//! Each report has its own 256-bit data key, stored only wrapped (AES-256-GCM) by a master key
//! in the key store ([`crate::keys`]), with the key's id as associated data. A text (the body
//! as received, an amendment, a note) is sealed whole by AES-256-GCM under a random nonce, bound
//! to its place (associated data such as `<report id>/body`). A file is encrypted with its report's data key
//! by the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015) over AES-256-GCM, in
//! chunks of [`CHUNK`] bytes: a file can be encrypted as it arrives and decrypted as it is
//! sent, and chunks cannot be reordered, dropped or truncated unnoticed. The stored form is
//! `RPE1` ‖ 7-byte nonce ‖ sealed chunks, each bound to the object's location (associated data)
//! so that files cannot be swapped between evidence records.

use aes_gcm::aead::rand_core::RngCore;
use aes_gcm::aead::stream::{DecryptorBE32, EncryptorBE32};
use aes_gcm::aead::{Aead, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

mod body;
pub use body::Deflated;

/// Plaintext bytes per sealed chunk.
pub const CHUNK: usize = 64 * 1024;
/// The authentication tag each sealed chunk carries.
const TAG: usize = 16;
/// What a stored file starts with: the format's name and version.
const MAGIC: &[u8; 4] = b"RPE1";
/// The STREAM nonce prefix (AES-GCM's 12 bytes less the 5 of counter and last-chunk flag).
const NONCE_PREFIX: usize = 7;
/// The stored header: magic and nonce prefix.
const HEADER: usize = MAGIC.len() + NONCE_PREFIX;

/// Sealed data (a text, a file, a wrapped key) that could not be sealed or opened.
#[derive(Debug, thiserror::Error)]
#[error("encrypted data: {0}")]
pub struct CryptoError(&'static str);

/// One report's data key: seals and opens every text and file of that report.
#[derive(Clone)]
pub struct DataKey(Key<Aes256Gcm>);

impl DataKey {
    /// A new random data key.
    pub fn generate() -> Self {
        DataKey(Aes256Gcm::generate_key(OsRng))
    }

    /// `plaintext` sealed for `place` (associated data), as stored: base64 of a random nonce and
    /// the sealed text.
    pub fn seal(&self, plaintext: &str, place: &str) -> String {
        BASE64.encode(self.seal_bytes(plaintext.as_bytes(), place))
    }

    /// The text that `sealed` holds for `place`; an error when it was altered, belongs to
    /// another place or was sealed under another key.
    pub fn open(&self, sealed: &str, place: &str) -> Result<String, CryptoError> {
        let bytes = BASE64
            .decode(sealed)
            .map_err(|_| CryptoError("text is malformed"))?;
        let plaintext = self.open_bytes(&bytes, place)?;
        String::from_utf8(plaintext).map_err(|_| CryptoError("text is not UTF-8"))
    }

    /// A report's body (canonical JSON) for `place`, as stored: compressed ([`Deflated`]),
    /// then sealed as [`Self::seal`] does, as bytes.
    pub fn seal_body(&self, body: &str, place: &str) -> Vec<u8> {
        self.seal_deflated(&Deflated::of(body), place)
    }

    /// A body compressed beforehand ([`Deflated::of`]) for `place`, sealed as
    /// [`Self::seal_body`] seals it.
    pub fn seal_deflated(&self, body: &Deflated, place: &str) -> Vec<u8> {
        self.seal_bytes(&body.0, place)
    }

    /// The body that `sealed` holds for `place` (sealed by [`Self::seal_body`], or as an
    /// earlier version sealed it: compressed without the dictionary, or uncompressed).
    pub fn open_body(&self, sealed: &[u8], place: &str) -> Result<String, CryptoError> {
        let text = body::inflated(self.open_bytes(sealed, place)?)?;
        String::from_utf8(text).map_err(|_| CryptoError("text is not UTF-8"))
    }

    /// `plaintext` sealed for `place`: a random nonce and the sealed bytes.
    fn seal_bytes(&self, plaintext: &[u8], place: &str) -> Vec<u8> {
        let mut nonce = [0u8; 12];
        OsRng.fill_bytes(&mut nonce);
        let payload = Payload {
            msg: plaintext,
            aad: place.as_bytes(),
        };
        let sealed = Aes256Gcm::new(&self.0)
            .encrypt(&Nonce::from(nonce), payload)
            .expect("AES-GCM seals any text the portal accepts");
        [&nonce[..], &sealed].concat()
    }

    /// The bytes that `bytes` (a nonce and sealed bytes) holds for `place`.
    fn open_bytes(&self, bytes: &[u8], place: &str) -> Result<Vec<u8>, CryptoError> {
        if bytes.len() < 12 {
            return Err(CryptoError("text is malformed"));
        }
        let (nonce, sealed) = bytes.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().expect("split at 12");
        let payload = Payload {
            msg: sealed,
            aad: place.as_bytes(),
        };
        Aes256Gcm::new(&self.0)
            .decrypt(&Nonce::from(nonce), payload)
            .map_err(|_| CryptoError("text does not open with its report's key"))
    }
}

/// A key that wraps data keys (one version of the master key).
pub struct MasterKey(Aes256Gcm);

impl MasterKey {
    /// A new random master key, hex, as kept in its file.
    pub fn generate_hex() -> String {
        hex::encode(Aes256Gcm::generate_key(OsRng))
    }

    /// The master key written as 64 hex digits.
    pub fn from_hex(text: &str) -> anyhow::Result<Self> {
        let bytes = hex::decode(text.trim())
            .ok()
            .filter(|b| b.len() == 32)
            .ok_or_else(|| anyhow::anyhow!("a master key file must hold 64 hex digits"))?;
        let bytes: [u8; 32] = bytes.try_into().expect("checked length");
        Ok(MasterKey(Aes256Gcm::new(&bytes.into())))
    }

    /// `key` wrapped for the key id `key_id`: hex of a random nonce and the sealed key.
    pub fn wrap(&self, key: &DataKey, key_id: &str) -> String {
        let mut nonce = [0u8; 12];
        OsRng.fill_bytes(&mut nonce);
        let payload = Payload {
            msg: &key.0[..],
            aad: key_id.as_bytes(),
        };
        let sealed = self
            .0
            .encrypt(&Nonce::from(nonce), payload)
            .expect("AES-GCM seals 32 bytes");
        hex::encode([&nonce[..], &sealed].concat())
    }

    /// The data key that `wrapped` holds for the key id `key_id`.
    pub fn unwrap(&self, wrapped: &str, key_id: &str) -> Result<DataKey, CryptoError> {
        let bytes = hex::decode(wrapped).map_err(|_| CryptoError("key is malformed"))?;
        if bytes.len() < 12 {
            return Err(CryptoError("key is malformed"));
        }
        let (nonce, sealed) = bytes.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().expect("split at 12");
        let payload = Payload {
            msg: sealed,
            aad: key_id.as_bytes(),
        };
        let key = self
            .0
            .decrypt(&Nonce::from(nonce), payload)
            .map_err(|_| CryptoError("key does not open with the master key"))?;
        let key: [u8; 32] = key
            .try_into()
            .map_err(|_| CryptoError("key is malformed"))?;
        Ok(DataKey(key.into()))
    }
}

/// Encrypts one file as it arrives: plaintext in, stored bytes out.
pub struct Sealer {
    encryptor: EncryptorBE32<Aes256Gcm>,
    aad: Vec<u8>,
    pending: Vec<u8>,
}

impl Sealer {
    /// A sealer under `key` for the object at `location`, and the header to store first.
    pub fn new(key: &DataKey, location: &str) -> (Self, Vec<u8>) {
        let mut nonce = [0u8; NONCE_PREFIX];
        OsRng.fill_bytes(&mut nonce);
        let encryptor = EncryptorBE32::from_aead(Aes256Gcm::new(&key.0), &nonce.into());
        let sealer = Sealer {
            encryptor,
            aad: location.as_bytes().to_vec(),
            pending: Vec::with_capacity(2 * CHUNK),
        };
        (sealer, [&MAGIC[..], &nonce].concat())
    }

    /// Takes more plaintext; answers the sealed form of every chunk now complete and known not
    /// to be the last (possibly nothing).
    pub fn push(&mut self, plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.pending.extend_from_slice(plaintext);
        let mut sealed = Vec::new();
        while self.pending.len() > CHUNK {
            let rest = self.pending.split_off(CHUNK);
            let chunk = std::mem::replace(&mut self.pending, rest);
            let payload = Payload {
                msg: &chunk,
                aad: &self.aad,
            };
            sealed.extend(
                self.encryptor
                    .encrypt_next(payload)
                    .map_err(|_| CryptoError("is too large to encrypt"))?,
            );
        }
        Ok(sealed)
    }

    /// The sealed last chunk (the plaintext not yet sealed, possibly empty).
    pub fn finish(self) -> Result<Vec<u8>, CryptoError> {
        let payload = Payload {
            msg: &self.pending,
            aad: &self.aad,
        };
        self.encryptor
            .encrypt_last(payload)
            .map_err(|_| CryptoError("could not be encrypted"))
    }
}

/// Decrypts one stored file as it is read: stored bytes in, plaintext out. Any change to the
/// stored bytes, including cutting them short, is an error.
pub struct Opener {
    key: Key<Aes256Gcm>,
    decryptor: Option<DecryptorBE32<Aes256Gcm>>,
    aad: Vec<u8>,
    pending: Vec<u8>,
}

impl Opener {
    /// An opener under `key` for the object at `location`.
    pub fn new(key: DataKey, location: &str) -> Self {
        Opener {
            key: key.0,
            decryptor: None,
            aad: location.as_bytes().to_vec(),
            pending: Vec::with_capacity(2 * (CHUNK + TAG)),
        }
    }

    /// Takes more stored bytes; answers the plaintext of every chunk now complete and known not
    /// to be the last (possibly nothing).
    pub fn push(&mut self, stored: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.pending.extend_from_slice(stored);
        let mut plaintext = Vec::new();
        while self.pending.len() > self.next_len() {
            let rest = self.pending.split_off(self.next_len());
            let piece = std::mem::replace(&mut self.pending, rest);
            match &mut self.decryptor {
                None => self.decryptor = Some(start(&self.key, &piece)?),
                Some(decryptor) => {
                    let payload = Payload {
                        msg: &piece,
                        aad: &self.aad,
                    };
                    plaintext.extend(
                        decryptor
                            .decrypt_next(payload)
                            .map_err(|_| CryptoError("was altered or is not this file"))?,
                    );
                }
            }
        }
        Ok(plaintext)
    }

    /// The plaintext of the last chunk; an error if the stored bytes ended early.
    pub fn finish(mut self) -> Result<Vec<u8>, CryptoError> {
        let decryptor = match self.decryptor.take() {
            Some(decryptor) => decryptor,
            None if self.pending.len() == HEADER => {
                let header = std::mem::take(&mut self.pending);
                start(&self.key, &header)?
            }
            None => return Err(CryptoError("is cut short")),
        };
        let payload = Payload {
            msg: &self.pending,
            aad: &self.aad,
        };
        decryptor
            .decrypt_last(payload)
            .map_err(|_| CryptoError("was altered, cut short or is not this file"))
    }

    /// How many stored bytes the next piece takes: the header, then one sealed chunk.
    fn next_len(&self) -> usize {
        if self.decryptor.is_some() {
            CHUNK + TAG
        } else {
            HEADER
        }
    }
}

/// The decryptor of a stored file whose header is `header`.
fn start(key: &Key<Aes256Gcm>, header: &[u8]) -> Result<DecryptorBE32<Aes256Gcm>, CryptoError> {
    let nonce: [u8; NONCE_PREFIX] = header
        .strip_prefix(MAGIC)
        .and_then(|nonce| nonce.try_into().ok())
        .ok_or(CryptoError("is not in the stored format"))?;
    Ok(DecryptorBE32::from_aead(Aes256Gcm::new(key), &nonce.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seal(key: &DataKey, plaintext: &[u8], piece: usize) -> Vec<u8> {
        let (mut sealer, mut stored) = Sealer::new(key, "r/e");
        for part in plaintext.chunks(piece.max(1)) {
            stored.extend(sealer.push(part).unwrap());
        }
        stored.extend(sealer.finish().unwrap());
        stored
    }

    fn open(key: DataKey, stored: &[u8], piece: usize) -> Result<Vec<u8>, CryptoError> {
        let mut opener = Opener::new(key, "r/e");
        let mut plaintext = Vec::new();
        for part in stored.chunks(piece) {
            plaintext.extend(opener.push(part)?);
        }
        plaintext.extend(opener.finish()?);
        Ok(plaintext)
    }

    fn same_key(key: &DataKey) -> DataKey {
        DataKey(key.0)
    }

    #[test]
    fn files_of_every_size_round_trip_in_any_pieces() {
        let key = DataKey::generate();
        for size in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17] {
            let plaintext: Vec<u8> = (0..size).map(|i| (i * 7 % 251) as u8).collect();
            for piece in [1000, CHUNK, 5 * CHUNK] {
                let stored = seal(&key, &plaintext, piece);
                assert_eq!(
                    stored.len(),
                    HEADER + size + size.div_ceil(CHUNK).max(1) * TAG
                );
                assert_eq!(open(same_key(&key), &stored, 4096).unwrap(), plaintext);
            }
        }
    }

    #[test]
    fn altered_truncated_or_misplaced_files_do_not_open() {
        let key = DataKey::generate();
        let plaintext = vec![42u8; 2 * CHUNK + 5];
        let stored = seal(&key, &plaintext, CHUNK);
        let mut flipped = stored.clone();
        flipped[HEADER + 10] ^= 1;
        assert!(open(same_key(&key), &flipped, 4096).is_err());
        assert!(open(same_key(&key), &stored[..stored.len() - 1], 4096).is_err());
        assert!(open(same_key(&key), &stored[..HEADER + CHUNK + TAG], 4096).is_err());
        let mut opener = Opener::new(same_key(&key), "other/location");
        assert!(opener.push(&stored).is_err());
        assert!(open(DataKey::generate(), &stored, 4096).is_err());
    }

    #[test]
    fn a_sealed_text_opens_only_with_its_key_and_place() {
        let key = DataKey::generate();
        let sealed = key.seal("Buscamos chavos", "r1/body");
        assert!(!sealed.contains("chavos"));
        assert_eq!(key.open(&sealed, "r1/body").unwrap(), "Buscamos chavos");
        assert!(key.open(&sealed, "r2/body").is_err());
        assert!(DataKey::generate().open(&sealed, "r1/body").is_err());
        assert!(key.open("not base64!", "r1/body").is_err());
        assert_ne!(key.seal("same", "p"), key.seal("same", "p"));
    }

    #[test]
    fn a_wrapped_key_opens_only_with_its_master_key_and_report() {
        let master = MasterKey::from_hex(&MasterKey::generate_hex()).unwrap();
        let key = DataKey::generate();
        let wrapped = master.wrap(&key, "report-1");
        assert_eq!(master.unwrap(&wrapped, "report-1").unwrap().0, key.0);
        assert!(master.unwrap(&wrapped, "report-2").is_err());
        let other = MasterKey::from_hex(&MasterKey::generate_hex()).unwrap();
        assert!(other.unwrap(&wrapped, "report-1").is_err());
        assert!(MasterKey::from_hex("abcd").is_err());
    }
}
