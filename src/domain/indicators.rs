//! Correlation indicators: the values that tie reports together across organizations (accounts,
//! handles, phone numbers, e-mail addresses, URLs, media hashes), each normalized so that one
//! recruiter's number or video is recognised however a platform wrote it.
//!
//! The index keeps every value only as a 16-byte key, the head of its keyed hash (HMAC-SHA256
//! under the search key, see [`WordHasher`]), never in the clear; the one exception is a PDQ hash, which must be compared
//! by distance and is a perceptual fingerprint of an image, not personal data.

use phonenumber::country::Id as Country;
use url::Url;

use super::code_list::code_list;
use super::refusal::Refusal;
use super::report::{Account, ContactHandle, ContentItem, NewReport};
use super::search::WordHasher;
use super::taxonomy::ContactType;

code_list! {
    /// What kind of value an indicator is.
    #[derive(PartialOrd, Ord)]
    IndicatorKind {
        /// An account: the service's name (case and spacing ignored) and the platform's account id.
        Account,
        /// A user name, an account's handle or a messaging handle: lower-cased, without `@`.
        Handle,
        /// A phone number in E.164 form, e.g. `+523355550100`.
        Phone,
        /// An e-mail address, lower-cased.
        Email,
        /// A profile or content URL: scheme and host lower-cased, `www.`, default port, fragment,
        /// trailing slash and tracking parameters removed, the other parameters sorted.
        Url,
        /// The SHA-256 of media, lower-case hex.
        Sha256,
        /// The MD5 of media, lower-case hex.
        Md5,
        /// The PDQ perceptual hash of an image, matched when within [`Pdq::NEAR`] bits.
        Pdq,
    }
}

/// A normalized indicator of a report, and where it appears.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Indicator {
    /// What kind of value.
    pub kind: IndicatorKind,
    /// The normalized value.
    pub value: String,
    /// Where it appears in the report: a JSON Pointer, e.g. `/accounts/0/contact_handles/1/value`.
    pub pointer: String,
}

/// What the index stores for one indicator of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexEntry {
    /// A value matched exactly, kept as its key.
    Exact {
        /// What kind of value.
        kind: IndicatorKind,
        /// The [`value_key`] of the kind and the normalized value.
        key: Vec<u8>,
        /// Where it appears in its report.
        pointer: String,
    },
    /// A PDQ hash, matched by distance.
    Pdq {
        /// The hash.
        pdq: Pdq,
        /// Where it appears in its report.
        pointer: String,
    },
}

/// What to look for in the index: the keyed hashes of the readings of a value, or a PDQ hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// Any of these keys (a phone number without country code may have two readings).
    Exact(Vec<Vec<u8>>),
    /// PDQ hashes within [`Pdq::NEAR`] of this one.
    Near(Pdq),
}

impl Indicator {
    /// The index entry of this indicator: its keyed hash under `hasher`, or the PDQ hash itself.
    pub fn entry(&self, hasher: &WordHasher) -> IndexEntry {
        let pdq = (self.kind == IndicatorKind::Pdq)
            .then(|| Pdq::parse(&self.value))
            .flatten();
        match pdq {
            Some(pdq) => IndexEntry::Pdq {
                pdq,
                pointer: self.pointer.clone(),
            },
            None => IndexEntry::Exact {
                kind: self.kind,
                key: value_key(hasher, self.kind, &self.value),
                pointer: self.pointer.clone(),
            },
        }
    }
}

/// How many bytes of a value's keyed hash its key keeps: 128 bits, so that two values of the
/// index colliding is as unlikely as guessing a random UUID.
pub const KEY_BYTES: usize = 16;

/// The key of a normalized value: the first [`KEY_BYTES`] bytes of its keyed hash (what migration
/// `compact_correlation` decoded from the hex hashes stored before). The kind is hashed with it,
/// so that equal text of two kinds never matches, and no indexed value can equal the hash of a
/// search word.
pub fn value_key(hasher: &WordHasher, kind: IndicatorKind, value: &str) -> Vec<u8> {
    let hex = hasher.hash(&format!("{}:{value}", kind.as_ref()));
    hex::decode(&hex[..2 * KEY_BYTES]).expect("a keyed hash is hex")
}

/// What to look up for an analyst's search of `value` as `kind` (with `service` for an
/// account); 400 when the value cannot be read as that kind.
pub fn lookup(
    hasher: &WordHasher,
    kind: IndicatorKind,
    value: &str,
    service: Option<&str>,
) -> Result<Lookup, Refusal> {
    let unreadable = |what: &str| Refusal::BadParameter(format!("value is not {what}"));
    let values = match kind {
        IndicatorKind::Pdq => {
            let pdq = Pdq::parse(value).ok_or_else(|| unreadable("a PDQ hash (64 hex digits)"))?;
            return Ok(Lookup::Near(pdq));
        }
        IndicatorKind::Account => {
            let service = service.ok_or_else(|| {
                Refusal::BadParameter("service is required when type is account".into())
            })?;
            account(service, value).into_iter().collect()
        }
        IndicatorKind::Handle => handle(value).into_iter().collect(),
        IndicatorKind::Phone => phone_readings(value),
        IndicatorKind::Email => email(value).into_iter().collect(),
        IndicatorKind::Url => url(value).into_iter().collect(),
        IndicatorKind::Sha256 => hex_digest(value, 64).into_iter().collect(),
        IndicatorKind::Md5 => hex_digest(value, 32).into_iter().collect(),
    };
    let mut keys: Vec<Vec<u8>> = values.iter().map(|v| value_key(hasher, kind, v)).collect();
    if kind == IndicatorKind::Phone
        && phone_numbers(value).is_empty()
        && phone_digits(value).is_some()
    {
        // A number that the numbering plans do not know is a handle, as written, in a Telegram
        // or other contact, when written without a country code, and in every contact stored
        // before December 2026: look for it as written too.
        keys.extend(handle(value).map(|h| value_key(hasher, IndicatorKind::Handle, &h)));
    }
    if keys.is_empty() {
        return Err(unreadable(match kind {
            IndicatorKind::Phone => "a phone number (digits, spaces and +()-., at least 7 digits)",
            IndicatorKind::Url => "an absolute http or https URL",
            IndicatorKind::Sha256 => "a SHA-256 (64 hex digits)",
            IndicatorKind::Md5 => "an MD5 (32 hex digits)",
            _ => "a non-empty value",
        }));
    }
    Ok(Lookup::Exact(keys))
}

/// The index entries of a report's indicators, keyed under `hasher`.
pub fn index_entries(report: &NewReport, hasher: &WordHasher) -> Vec<IndexEntry> {
    of_report(report).iter().map(|i| i.entry(hasher)).collect()
}

/// The indicators of a report, in order of appearance, each kind and value once (at its first
/// place): per account its id, handle, profile URL and contact handles; per content item its URL
/// and media hashes.
pub fn of_report(report: &NewReport) -> Vec<Indicator> {
    of_parts(&report.service, &report.accounts, &report.content, "")
}

/// The indicators of `accounts` (on `service`) and `content`, as [`of_report`] finds them, with
/// pointers under `base` (e.g. an amendment's own pointer; `""` for a report's body).
pub fn of_parts(
    service: &str,
    accounts: &[Account],
    content: &[ContentItem],
    base: &str,
) -> Vec<Indicator> {
    let mut found = Vec::new();
    for (i, item) in accounts.iter().enumerate() {
        of_account(service, item, &format!("{base}/accounts/{i}"), &mut found);
    }
    for (i, item) in content.iter().enumerate() {
        of_content(item, &format!("{base}/content/{i}"), &mut found);
    }
    let mut seen = std::collections::HashSet::new();
    found.retain(|i: &Indicator| seen.insert((i.kind, i.value.clone())));
    found
}

fn of_account(service: &str, item: &Account, base: &str, found: &mut Vec<Indicator>) {
    let mut add = |kind, values: Vec<String>, field: &str| {
        found.extend(values.into_iter().map(|value| Indicator {
            kind,
            value,
            pointer: format!("{base}/{field}"),
        }));
    };
    add(
        IndicatorKind::Account,
        account(service, &item.platform_account_id)
            .into_iter()
            .collect(),
        "platform_account_id",
    );
    if let Some(value) = &item.handle {
        add(
            IndicatorKind::Handle,
            handle(value).into_iter().collect(),
            "handle",
        );
    }
    if let Some(value) = &item.profile_url {
        add(
            IndicatorKind::Url,
            url(value).into_iter().collect(),
            "profile_url",
        );
    }
    for (i, contact) in item.contact_handles.iter().enumerate() {
        let (kind, values) = contact_handle(contact);
        add(kind, values, &format!("contact_handles/{i}/value"));
    }
}

fn of_content(item: &ContentItem, base: &str, found: &mut Vec<Indicator>) {
    let fields = [
        (IndicatorKind::Url, "url", item.url.as_deref().and_then(url)),
        (
            IndicatorKind::Sha256,
            "sha256",
            item.sha256.as_deref().and_then(|h| hex_digest(h, 64)),
        ),
        (
            IndicatorKind::Md5,
            "md5",
            item.md5.as_deref().and_then(|h| hex_digest(h, 32)),
        ),
        (
            IndicatorKind::Pdq,
            "pdq",
            item.pdq.as_deref().and_then(Pdq::parse).map(|p| p.hex()),
        ),
    ];
    found.extend(fields.into_iter().filter_map(|(kind, field, value)| {
        value.map(|value| Indicator {
            kind,
            value,
            pointer: format!("{base}/{field}"),
        })
    }));
}

/// How a contact handle is indexed: an e-mail address as e-mail; a phone, WhatsApp or Signal
/// contact that reads as a number, or is written as one with a country code, as phone
/// ([`phone_readings`]); any other contact that reads as a valid number likewise (a Telegram id
/// of digits alone stays a handle); the rest as a handle, as written.
fn contact_handle(contact: &ContactHandle) -> (IndicatorKind, Vec<String>) {
    let numbers = match contact.kind {
        ContactType::Email => {
            return (
                IndicatorKind::Email,
                email(&contact.value).into_iter().collect(),
            );
        }
        ContactType::Phone | ContactType::Whatsapp | ContactType::Signal => {
            phone_readings(&contact.value)
        }
        ContactType::Telegram | ContactType::Other => phone_numbers(&contact.value),
    };
    match numbers {
        numbers if !numbers.is_empty() => (IndicatorKind::Phone, numbers),
        _ => (
            IndicatorKind::Handle,
            handle(&contact.value).into_iter().collect(),
        ),
    }
}

/// An account: the service's name (trimmed, lower-cased, inner white space collapsed) and the
/// platform's account id (trimmed; ids are case-sensitive on some platforms), length-prefixed so
/// that no two pairs read alike.
pub fn account(service: &str, platform_account_id: &str) -> Option<String> {
    let service = service
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let id = platform_account_id.trim();
    (!service.is_empty() && !id.is_empty()).then(|| format!("{}:{service}:{id}", service.len()))
}

/// A user name: trimmed, lower-cased, without leading `@`.
pub fn handle(value: &str) -> Option<String> {
    let name = value.trim().trim_start_matches('@').trim().to_lowercase();
    (!name.is_empty()).then_some(name)
}

/// An e-mail address: trimmed and lower-cased.
pub fn email(value: &str) -> Option<String> {
    let address = value.trim().to_lowercase();
    (!address.is_empty()).then_some(address)
}

/// The countries a phone number without country code is read in, most likely first.
const HOME_COUNTRIES: [Country; 2] = [Country::MX, Country::US];

/// The digits of a value written as a phone number (digits, spaces and `+()-.` only, at least
/// 7 digits), with `+` first when it is written with a country code (`+52 …`), and a Mexican
/// mobile number's old `1` after `+52` dropped. Nothing when it is not shaped as a number.
fn phone_digits(value: &str) -> Option<String> {
    let shaped = value
        .chars()
        .all(|c| c.is_ascii_digit() || " +()-.".contains(c));
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    if !shaped || digits.len() < 7 {
        return None;
    }
    if !value.trim_start().starts_with('+') {
        return Some(digits);
    }
    // Mexican mobile numbers used to take a `1` after the country code, and WhatsApp still
    // writes them so: `+52 1 33 5555 0100` is `+52 33 5555 0100`.
    Some(match digits.strip_prefix("521") {
        Some(national) if national.len() == 10 => format!("+52{national}"),
        _ => format!("+{digits}"),
    })
}

/// The E.164 readings of a phone number written with digits, spaces and `+()-.` only (at least
/// 7 digits). With a country code (`+52 …`, or an international prefix such as `00 52 …`) the
/// one number it names (a Mexican mobile number's old `1` dropped); without one, each valid
/// reading as a Mexican and as a US number, so that `33 5555 0100` matches `+52 33 5555 0100`.
/// Nothing when it is not a number, or names none that the numbering plans know.
pub fn phone_numbers(value: &str) -> Vec<String> {
    let Some(digits) = phone_digits(value) else {
        return Vec::new();
    };
    let e164 = |n: phonenumber::PhoneNumber| n.format().mode(phonenumber::Mode::E164).to_string();
    if digits.starts_with('+') {
        return phonenumber::parse(None, digits)
            .ok()
            .filter(phonenumber::PhoneNumber::is_valid)
            .map(e164)
            .into_iter()
            .collect();
    }
    let mut readings: Vec<String> = HOME_COUNTRIES
        .iter()
        .filter_map(|country| phonenumber::parse(Some(*country), &digits).ok())
        .filter(phonenumber::PhoneNumber::is_valid)
        .map(e164)
        .collect();
    readings.dedup();
    readings
}

/// How a value given as a phone number is indexed and searched: its [`phone_numbers`], or, when
/// the numbering plans know none (an area code not yet in service, a new virtual range) and it
/// is written with a country code, its [`phone_digits`] unchecked (still E.164 in form), so
/// that such a number can be looked up however it is spaced. Nothing when it is not shaped as
/// a number, or is a national number no plan knows (its country unknown: kept as written).
pub fn phone_readings(value: &str) -> Vec<String> {
    match phone_numbers(value) {
        numbers if numbers.is_empty() => phone_digits(value)
            .filter(|digits| digits.starts_with('+'))
            .into_iter()
            .collect(),
        numbers => numbers,
    }
}

/// Query parameters that only track where a click came from.
const TRACKING_PARAMETERS: [&str; 13] = [
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "igshid", "igsh", "si", "mc_cid",
    "mc_eid", "ttclid", "twclid",
];

/// A URL: absolute `http` or `https`; scheme and host lower-cased, a leading `www.`, the default
/// port, the fragment, a trailing slash and tracking parameters (`utm_*`, `fbclid`, `gclid`,
/// `igshid`, `si`, …) removed; the remaining parameters sorted.
pub fn url(value: &str) -> Option<String> {
    let mut url = Url::parse(value.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let host = url.host_str()?.to_owned();
    if let Some(bare) = host.strip_prefix("www.") {
        url.set_host(Some(bare)).ok()?;
    }
    url.set_fragment(None);
    let mut kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(name, _)| {
            let name = name.to_ascii_lowercase();
            !name.starts_with("utm_") && !TRACKING_PARAMETERS.contains(&name.as_str())
        })
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    kept.sort();
    url.set_query(None);
    if !kept.is_empty() {
        url.query_pairs_mut().extend_pairs(kept);
    }
    let path = url.path().to_owned();
    if path.len() > 1 && path.ends_with('/') {
        url.set_path(path.trim_end_matches('/'));
    }
    Some(url.into())
}

/// A media digest of `len` hex digits, lower-cased.
pub fn hex_digest(value: &str, len: usize) -> Option<String> {
    let value = value.trim();
    (value.len() == len && value.chars().all(|c| c.is_ascii_hexdigit()))
        .then(|| value.to_ascii_lowercase())
}

/// A PDQ perceptual hash: 256 bits, compared by Hamming distance.
///
/// **The near-match index.** Two hashes match when at most [`Pdq::NEAR`] (31) bits differ. The
/// index splits each hash into [`Pdq::CHUNKS`] (16) chunks of 16 bits, each stored as a key
/// (its position and value, [`Pdq::chunk_keys`]) pointing at the report. By the pigeonhole principle, two hashes within 31 bits have at
/// least one chunk that differs in at most one bit: if all 16 chunks differed in two bits or
/// more, the distance would be at least 32. So a lookup asks for each chunk's value and its 16
/// one-bit neighbours ([`Pdq::probes`], 17 × 16 = 272 exact index probes) and verifies each
/// candidate's full distance. Every probe hits about N / 65 536 of N stored hashes (about 15 per
/// million), so a lookup verifies a few thousand candidates among a million, not a million (the
/// candidates' 32-byte hashes are read by their report's key).
///
/// Exact chunk matches alone would need 32 chunks of 8 bits (an exact chunk is only guaranteed
/// when the distance is below the number of chunks), whose 256 values each hold N / 256 hashes:
/// thirty times the candidates. A BK-tree would need the whole set in each replica's memory.
/// Held as four big-endian words, so that a distance is four XORs and counts of bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pdq([u64; 4]);

impl Pdq {
    /// The largest Hamming distance at which two PDQ hashes match.
    pub const NEAR: u32 = 31;
    /// How many 16-bit chunks a hash is indexed by.
    pub const CHUNKS: usize = 16;

    /// Reads 64 hex digits, either case.
    pub fn parse(value: &str) -> Option<Pdq> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(value.trim(), &mut bytes).ok()?;
        Pdq::from_bytes(&bytes)
    }

    /// The hash as 64 lower-case hex digits.
    pub fn hex(&self) -> String {
        hex::encode(self.to_bytes())
    }

    /// The hash's 32 bytes, as the index stores them.
    pub fn to_bytes(&self) -> [u8; 32] {
        let mut bytes = [0u8; 32];
        for (to, word) in bytes.chunks_exact_mut(8).zip(self.0) {
            to.copy_from_slice(&word.to_be_bytes());
        }
        bytes
    }

    /// Reads the 32 bytes the index stores.
    pub fn from_bytes(bytes: &[u8]) -> Option<Pdq> {
        let bytes: &[u8; 32] = bytes.try_into().ok()?;
        Some(Pdq(std::array::from_fn(|i| {
            u64::from_be_bytes(bytes[8 * i..8 * i + 8].try_into().expect("8 bytes"))
        })))
    }

    /// The index's key of each chunk: its position and value, `position << 16 | chunk`.
    pub fn chunk_keys(&self) -> [i32; Pdq::CHUNKS] {
        let chunks = self.chunks();
        std::array::from_fn(|i| chunk_key(i, chunks[i]))
    }

    /// The chunk keys of every hash that may lie within [`Pdq::NEAR`]: for each position the
    /// chunk itself and its 16 one-bit neighbours (272 keys).
    pub fn probe_keys(&self) -> Vec<i32> {
        self.probes()
            .iter()
            .enumerate()
            .flat_map(|(i, values)| values.iter().map(move |value| chunk_key(i, *value)))
            .collect()
    }

    /// How many bits differ.
    pub fn distance(&self, other: &Pdq) -> u32 {
        self.0
            .iter()
            .zip(other.0)
            .map(|(a, b)| (a ^ b).count_ones())
            .sum()
    }

    /// The 16 chunks of 16 bits, as stored in the index's chunk columns.
    pub fn chunks(&self) -> [i32; Pdq::CHUNKS] {
        std::array::from_fn(|i| i32::from((self.0[i / 4] >> (48 - 16 * (i % 4))) as u16))
    }

    /// For each chunk, the chunk values of every hash that may lie within [`Pdq::NEAR`]: the
    /// chunk itself and its 16 one-bit neighbours.
    pub fn probes(&self) -> [Vec<i32>; Pdq::CHUNKS] {
        self.chunks().map(|chunk| {
            std::iter::once(chunk)
                .chain((0..16).map(|bit| chunk ^ (1 << bit)))
                .collect()
        })
    }
}

#[cfg(test)]
impl Pdq {
    /// This hash with bits `bits` flipped (counted from the first).
    pub(crate) fn flipped(&self, bits: impl IntoIterator<Item = u32>) -> Pdq {
        let mut bytes = self.to_bytes();
        for bit in bits {
            bytes[bit as usize / 8] ^= 0x80 >> (bit % 8);
        }
        Pdq::from_bytes(&bytes).expect("32 bytes")
    }
}

/// The key of chunk `position` of value `chunk`.
fn chunk_key(position: usize, chunk: i32) -> i32 {
    ((position as i32) << 16) | chunk
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_read_with_or_without_country_code() {
        let cases: &[(&str, &[&str])] = &[
            ("+52 33 5555 0100", &["+523355550100"]),
            ("+52-33-5555-0100", &["+523355550100"]),
            ("+523355550100", &["+523355550100"]),
            ("33 5555 0100", &["+523355550100"]),
            ("(33) 5555-0100", &["+523355550100"]),
            ("0052 33 5555 0100", &["+523355550100"]),
            ("+1 (202) 555-0143", &["+12025550143"]),
            ("+1.202.555.0143", &["+12025550143"]),
            ("1-202-555-0143", &["+12025550143"]),
            ("202 555 0143", &["+12025550143"]),
            ("+34 612 345 678", &["+34612345678"]),
            ("+52 1 33 5555 0100", &["+523355550100"]),
            ("+1 800 555 0100", &["+18005550100"]),
            ("55 1234", &[]),
            ("+52 12", &[]),
            ("call me", &[]),
            ("trabajo.seguro", &[]),
        ];
        for (raw, expected) in cases {
            assert_eq!(phone_numbers(raw), *expected, "{raw}");
        }
    }

    #[test]
    fn a_number_no_plan_knows_with_a_country_code_is_read_as_its_digits_in_a_phone_contact() {
        // 311 is no area code: the plans know no such number.
        assert_eq!(phone_numbers("+1 311 555 0100"), Vec::<String>::new());
        assert_eq!(phone_readings("+1 (311) 555-0100"), vec!["+13115550100"]);
        assert_eq!(phone_readings("+52 1 99 0000 0000"), vec!["+529900000000"]);
        assert_eq!(phone_readings("000 555 0100"), Vec::<String>::new());
        assert_eq!(phone_readings("33 5555 0100"), vec!["+523355550100"]);
        assert_eq!(phone_readings("55 1234"), Vec::<String>::new());
        let indexed = |kind, value: &str| {
            contact_handle(&ContactHandle {
                kind,
                value: value.into(),
            })
        };
        for kind in [
            ContactType::Phone,
            ContactType::Whatsapp,
            ContactType::Signal,
        ] {
            let phone = (IndicatorKind::Phone, vec!["+13115550100".to_string()]);
            assert_eq!(indexed(kind, "+1 311 555 0100"), phone);
            let national = (IndicatorKind::Handle, vec!["000 555 0100".to_string()]);
            assert_eq!(indexed(kind, "000 555 0100"), national);
        }
        for kind in [ContactType::Telegram, ContactType::Other] {
            let written = (IndicatorKind::Handle, vec!["+1 311 555 0100".to_string()]);
            assert_eq!(indexed(kind, "+1 311 555 0100"), written);
            let valid = (IndicatorKind::Phone, vec!["+12025550143".to_string()]);
            assert_eq!(indexed(kind, "+1 202 555 0143"), valid);
        }
    }

    #[test]
    fn a_number_valid_in_both_home_countries_is_read_both_ways() {
        // 415 is an area code in the US (San Francisco) and in Mexico (San Miguel de Allende).
        assert_eq!(
            phone_numbers("415 555 0100"),
            vec!["+524155550100", "+14155550100"]
        );
    }

    #[test]
    fn urls_lose_what_does_not_name_the_resource() {
        let cases = [
            (
                "HTTPS://WWW.Video.Example.com:443/v/abc123/?utm_source=x&UTM_Medium=y#t=10",
                Some("https://video.example.com/v/abc123"),
            ),
            (
                "http://video.example.com:80/v/abc123?fbclid=1&gclid=2&igshid=3&si=4",
                Some("http://video.example.com/v/abc123"),
            ),
            (
                "https://video.example.com/watch?v=Ab1&t=3&utm_campaign=z",
                Some("https://video.example.com/watch?t=3&v=Ab1"),
            ),
            (
                "https://video.example.com:8443/@Trabajo",
                Some("https://video.example.com:8443/@Trabajo"),
            ),
            (
                "https://video.example.com",
                Some("https://video.example.com/"),
            ),
            ("ftp://files.example.com/a", None),
            ("not a url", None),
        ];
        for (raw, expected) in cases {
            assert_eq!(url(raw).as_deref(), expected, "{raw}");
        }
    }

    #[test]
    fn handles_emails_and_accounts_ignore_case_and_decoration() {
        let handles = [
            ("@Trabajo.Seguro", Some("trabajo.seguro")),
            ("  trabajo.seguro ", Some("trabajo.seguro")),
            ("@@TRABAJO", Some("trabajo")),
            ("@", None),
        ];
        for (raw, expected) in handles {
            assert_eq!(handle(raw).as_deref(), expected, "{raw}");
        }
        assert_eq!(
            email(" Reclutador@Example.COM ").as_deref(),
            Some("reclutador@example.com")
        );
        assert_eq!(
            account(" Example  Social ", " 12345 "),
            account("example social", "12345")
        );
        assert_ne!(account("a b", "c"), account("a", "b c"));
        assert_ne!(account("Video", "AbC"), account("Video", "abc"));
    }

    #[test]
    fn media_hashes_are_lower_case_hex_of_their_length() {
        let sha = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08";
        assert_eq!(hex_digest(sha, 64), Some(sha.to_ascii_lowercase()));
        assert_eq!(hex_digest(sha, 32), None);
        assert_eq!(hex_digest(&sha.replace('F', "G"), 64), None);
        assert_eq!(
            Pdq::parse(sha).map(|p| p.hex()),
            Some(sha.to_ascii_lowercase())
        );
        assert_eq!(Pdq::parse("abc"), None);
    }

    #[test]
    fn every_hash_within_the_distance_shares_a_probed_chunk() {
        let pdq = Pdq::parse(&"a5".repeat(32)).unwrap();
        // The hardest case for the index: the differing bits spread two per chunk but one.
        let mut bytes = pdq.to_bytes();
        for chunk in 0..16 {
            let bits = if chunk == 0 { 1 } else { 2 };
            for bit in 0..bits {
                bytes[2 * chunk + bit] ^= 1;
            }
        }
        let spread = Pdq::from_bytes(&bytes).unwrap();
        assert_eq!(pdq.distance(&spread), 31);
        let probes = pdq.probes();
        let found = |other: &Pdq| {
            other
                .chunks()
                .iter()
                .zip(&probes)
                .any(|(chunk, probe)| probe.contains(chunk))
        };
        assert!(found(&spread));
        for bits in [0, 1, 16, 31] {
            assert_eq!(pdq.distance(&pdq.flipped(0..bits)), bits);
            assert!(found(&pdq.flipped(0..bits)), "{bits}");
        }
        assert_eq!(probes.iter().map(Vec::len).sum::<usize>(), 272);
    }

    fn report() -> NewReport {
        serde_json::from_value(serde_json::json!({
            "external_id": "x", "service": "Example Video", "category": "recruitment",
            "severity": "high", "summary": "s", "detection_method": "user_report",
            "detected_at": "2026-11-20T14:30:00Z",
            "accounts": [{
                "platform_account_id": "123", "handle": "@Trabajo", "role": "recruiter",
                "profile_url": "https://video.example.com/@trabajo?utm_source=share",
                "action_taken": "banned",
                "contact_handles": [
                    {"type": "whatsapp", "value": "+52 33 5555 0100"},
                    {"type": "telegram", "value": "@Trabajo"},
                    {"type": "phone", "value": "33-5555-0100"},
                    {"type": "email", "value": "Jefe@Example.com"}
                ]
            }],
            "content": [{"content_type": "image", "md5": "098F6BCD4621D373CADE4E832627B4F6",
                         "pdq": "A5".repeat(32), "preserved": true, "removed": false}],
            "contact": {"name": "Desk", "email": "desk@example.com"}
        }))
        .unwrap()
    }

    #[test]
    fn a_report_yields_each_value_once_at_its_first_place() {
        let indicators = of_report(&report());
        let found: Vec<(IndicatorKind, &str, &str)> = indicators
            .iter()
            .map(|i| (i.kind, i.value.as_str(), i.pointer.as_str()))
            .collect();
        use IndicatorKind::*;
        assert_eq!(
            found,
            [
                (
                    Account,
                    "13:example video:123",
                    "/accounts/0/platform_account_id"
                ),
                (Handle, "trabajo", "/accounts/0/handle"),
                (
                    Url,
                    "https://video.example.com/@trabajo",
                    "/accounts/0/profile_url"
                ),
                (
                    Phone,
                    "+523355550100",
                    "/accounts/0/contact_handles/0/value"
                ),
                (
                    Email,
                    "jefe@example.com",
                    "/accounts/0/contact_handles/3/value"
                ),
                (Md5, "098f6bcd4621d373cade4e832627b4f6", "/content/0/md5"),
                (Pdq, &"a5".repeat(32)[..], "/content/0/pdq"),
            ]
        );
    }

    #[test]
    fn index_entries_keep_no_plaintext_but_the_pdq_hash() {
        let hasher = WordHasher::new(vec![7; 32]);
        for indicator in of_report(&report()) {
            match indicator.entry(&hasher) {
                IndexEntry::Exact { key, .. } => {
                    assert_eq!(key.len(), KEY_BYTES);
                    assert!(!indicator.value.as_bytes().starts_with(&key));
                }
                IndexEntry::Pdq { pdq, .. } => assert_eq!(pdq.hex(), indicator.value),
            }
        }
        let phone = |value| lookup(&hasher, IndicatorKind::Phone, value, None).unwrap();
        assert_eq!(phone("+52 33 5555 0100"), phone("33 5555 0100"));
        let as_handle = lookup(&hasher, IndicatorKind::Handle, "+523355550100", None).unwrap();
        assert_ne!(as_handle, phone("+52 33 5555 0100"), "kinds never collide");
        assert!(lookup(&hasher, IndicatorKind::Account, "123", None).is_err());
        assert!(lookup(&hasher, IndicatorKind::Phone, "call me", None).is_err());
        assert!(matches!(
            lookup(&hasher, IndicatorKind::Pdq, &"A5".repeat(32), None),
            Ok(Lookup::Near(_))
        ));
    }
}
