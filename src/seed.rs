//! `report-portal seed`: loads realistic, clearly fake reports for statistics and load tests,
//! written through the same store code as the API, so that rollups, the correlation index, the
//! outbox and the audit log agree with them.
//!
//! [`Generator`] is pure (a seeded random number generator and the present): skewed categories,
//! groups, services and organizations (Zipf-like), diurnal and weekly arrival over the last
//! days (in time order), 1–5 accounts and 1–10 content items, and for part of the reports a path
//! through the review workflow. Accounts are `seed_` handles on `example.invalid`, phone numbers are in the
//! fictional `555-01xx` range. A report's own accounts, content and hashes are named after the
//! seed value and its number, so that seeds with other values (a database built in pieces) share
//! only the phone numbers with it.

use std::io::Write;
use std::sync::mpsc::SyncSender;
use std::time::Instant;

use anyhow::Context;
use chrono::{DateTime, Duration, NaiveTime, Utc};
use diesel::prelude::*;
use rand::distributions::{Distribution, WeightedIndex};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use sha2::{Digest, Sha256};
use strum::IntoEnumIterator;

use crate::bulk::{REPORTS_PER_TRANSACTION, handover, map_on_every_core};
use crate::config::Settings;
use crate::db::DbConnection;
use crate::db::portable;
use crate::db::schema::reports;
use crate::domain::organization::{
    CredentialMode, DEFAULT_CREDENTIAL_LIFETIME_DAYS, NewCredential, NewOrganization,
    OrganizationStatus, StatusChange,
};
use crate::domain::received::ReceivedBody;
use crate::domain::report::{
    Account, ContactHandle, ContentItem, Location, NewReport, ReportContact,
};
use crate::domain::review::{Referral, Resolution, TransitionRequest};
use crate::domain::search::WordHasher;
use crate::domain::status::ReportStatus;
use crate::domain::taxonomy::{
    AccountRole, Category, ContactType, ContentType, DetectionMethod, Indicator, PlatformAction,
    Severity, SuspectedGroup,
};
use crate::domain::user::{Actor, Role};
use crate::keys::{KeyStore, NewKey};
use crate::service;
use crate::store;
use crate::store::audit::NewAuditEvent;
use crate::store::owner::Submitter;

/// What to seed.
#[derive(Debug, Clone)]
pub struct SeedOptions {
    /// How many reports.
    pub reports: u64,
    /// Over how many days before today (UTC) they arrive.
    pub days: u32,
    /// How many organizations submit them.
    pub organizations: u32,
    /// Seed even a database that already holds live reports.
    pub force: bool,
    /// Queue the analysts' e-mail about every seeded report, as real ones would.
    pub notify: bool,
    /// The random seed: the same value gives the same reports (on the same day, with the same
    /// build).
    pub seed_value: u64,
}

/// What `seed` did.
#[derive(Debug, Serialize)]
pub struct Seeded {
    /// Reports stored.
    pub reports: u64,
    /// Organizations created.
    pub organizations: u32,
    /// Review transitions made.
    pub transitions: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Reports stored per second.
    pub reports_per_second: f64,
}

/// Refuses (unless `force`) a database holding any live-mode report: seeding must never mix
/// synthetic reports into real ones.
fn check_empty(conn: &mut DbConnection, force: bool) -> anyhow::Result<()> {
    let live: i64 = reports::table
        .filter(reports::mode.eq(CredentialMode::Live.as_ref()))
        .count()
        .get_result(conn)?;
    if live > 0 && !force {
        anyhow::bail!(
            "the database already holds {live} live reports; seeding it would mix synthetic \
             reports into them (add --force to seed anyway)"
        );
    }
    Ok(())
}

/// Seeds the database: creates the organizations (vetted, with a live credential each), then
/// stores the reports in bulk transactions ([`portable::bulk_transaction`]: `COPY` on
/// PostgreSQL) of [`REPORTS_PER_TRANSACTION`] through [`service::submission::store_reports`]
/// and moves some along the workflow with [`store::review::transition_all`], each
/// transaction's changes to the rollups written once ([`store::stats::holding`]) and the stored
/// correlation index held in memory ([`store::correlation::HeldIndex`]), with a progress bar on
/// stderr. Generation and the key store's writes run on a thread of their own, one chunk ahead
/// of the database's writes ([`generate`], [`handover`]), and preparation on every core
/// ([`map_on_every_core`]).
pub fn run(
    conn: &mut DbConnection,
    key_store: &KeyStore,
    settings: &Settings,
    options: &SeedOptions,
) -> anyhow::Result<Seeded> {
    anyhow::ensure!(
        options.organizations >= 1,
        "--organizations must be at least 1"
    );
    anyhow::ensure!(options.days >= 1, "--days must be at least 1");
    check_empty(conn, options.force)?;
    let started = Instant::now();
    let hasher = crate::state::load_word_hasher(settings)?;
    let submitters = (0..options.organizations)
        .map(|i| create_submitter(conn, options, settings, i))
        .collect::<anyhow::Result<Vec<_>>>()?;

    let progress = indicatif::ProgressBar::new(options.reports).with_style(
        indicatif::ProgressStyle::with_template(
            "{elapsed_precise} [{wide_bar}] {human_pos}/{human_len} reports, {per_sec}, eta {eta}",
        )?,
    );
    let reviewer = Actor {
        id: "seed".into(),
        role: Role::Supervisor,
    };
    let mut stored = 0;
    let mut transitions = 0;
    let today = Utc::now().date_naive();
    let (chunks, received) = handover::<Vec<Prepared>>();
    std::thread::scope(|scope| {
        let generator = scope.spawn(|| generate(options, &hasher, key_store, chunks));
        let _held = store::correlation::HeldIndex::start();
        for chunk in received {
            let (created, moved) = portable::bulk_transaction(conn, |conn| {
                store::stats::holding(conn, today, |conn| {
                    store_chunk(conn, key_store, &submitters, &reviewer, chunk)
                })
            })?;
            stored += created;
            transitions += moved;
            progress.inc(created);
        }
        generator
            .join()
            .map_err(|_| anyhow::anyhow!("the report generator panicked"))?
    })?;
    progress.finish();
    store::stats::compact(conn, today)?;
    let seconds = started.elapsed().as_secs_f64();
    Ok(Seeded {
        reports: stored,
        organizations: options.organizations,
        transitions,
        seconds,
        reports_per_second: stored as f64 / seconds,
    })
}

/// Writes `options.reports` generated reports to `out` as NDJSON, one report a line, each the
/// body `POST /api/v1/reports` takes (what `report-portal import` reads), without touching a
/// database: a backlog to try the import on. Answers the reports written.
pub fn write_ndjson(options: &SeedOptions, out: impl std::io::Write) -> anyhow::Result<u64> {
    let mut out = std::io::BufWriter::new(out);
    let mut generator = Generator::new(options, Utc::now());
    for _ in 0..options.reports {
        serde_json::to_writer(&mut out, &generator.next_report().report)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(options.reports)
}

/// Generates `options.reports` reports and sends them to the writer in chunks of
/// [`REPORTS_PER_TRANSACTION`], each prepared on every core and given its data keys: the key
/// store's writes then run beside the database's, not between them. Stops early when the writer
/// has stopped receiving.
fn generate(
    options: &SeedOptions,
    hasher: &WordHasher,
    key_store: &KeyStore,
    chunks: SyncSender<Vec<Prepared>>,
) -> anyhow::Result<()> {
    let mut generator = Generator::new(options, Utc::now());
    let mut left = options.reports;
    while left > 0 {
        let n = left.min(REPORTS_PER_TRANSACTION as u64);
        let generated: Vec<_> = (0..n).map(|_| generator.next_report()).collect();
        let data_keys = key_store.take(generated.len())?;
        let chunk = map_on_every_core(generated.into_iter().zip(data_keys).collect(), |(g, k)| {
            Prepared::new(g, k, hasher)
        })
        .into_iter()
        .collect::<anyhow::Result<Vec<_>>>()?;
        left -= n;
        if chunks.send(chunk).is_err() {
            break;
        }
    }
    Ok(())
}

/// A generated report, ready to store.
struct Prepared {
    organization: usize,
    body: ReceivedBody,
    data_key: NewKey,
    workflow: Vec<TransitionRequest>,
}

impl Prepared {
    /// Checks the report by the API's rules and prepares its body as the API does.
    fn new(
        generated: GeneratedReport,
        data_key: NewKey,
        hasher: &WordHasher,
    ) -> anyhow::Result<Self> {
        let body = ReceivedBody::generated(generated.report, generated.received_at, hasher)
            .map_err(|errors| anyhow::anyhow!("a generated report is invalid: {errors:?}"))?;
        Ok(Prepared {
            organization: generated.organization,
            body,
            data_key,
            workflow: generated.workflow,
        })
    }
}

/// One organization's share of a chunk: its reports' bodies, data keys and workflows, in order.
#[derive(Default)]
struct Share {
    bodies: Vec<ReceivedBody>,
    data_keys: Vec<NewKey>,
    workflows: Vec<Vec<TransitionRequest>>,
}

/// Stores one chunk (inside the caller's transaction): each organization's reports in one
/// submission, then the workflow of all those newly stored at once
/// ([`store::review::transition_all`]). Answers the reports stored and the transitions made.
fn store_chunk(
    conn: &mut DbConnection,
    key_store: &KeyStore,
    submitters: &[Submitter],
    reviewer: &Actor,
    chunk: Vec<Prepared>,
) -> anyhow::Result<(u64, u64)> {
    let mut by_organization: Vec<Share> = submitters.iter().map(|_| Share::default()).collect();
    for prepared in chunk {
        let share = &mut by_organization[prepared.organization];
        share.bodies.push(prepared.body);
        share.data_keys.push(prepared.data_key);
        share.workflows.push(prepared.workflow);
    }
    let mut created = 0;
    let mut moving = Vec::new();
    for (share, submitter) in by_organization.iter().zip(submitters) {
        let judgements =
            service::submission::store_reports(conn, submitter, &share.bodies, &share.data_keys)?;
        for (judgement, workflow) in judgements.into_iter().zip(&share.workflows) {
            let (stored, new) = judgement?;
            if new {
                created += 1;
                if !workflow.is_empty() {
                    moving.push((stored.id, workflow.as_slice()));
                }
            }
        }
    }
    let moves: Vec<(&str, &[TransitionRequest])> = moving
        .iter()
        .map(|(id, workflow)| (id.as_str(), *workflow))
        .collect();
    store::review::transition_all(conn, key_store, reviewer, &moves)?;
    let moved = moves
        .iter()
        .map(|(_, workflow)| workflow.len() as u64)
        .sum();
    Ok((created, moved))
}

/// Creates seed organization `index` (vetted) and a live credential for it, as `org create
/// --vetted` and `credential create` would.
fn create_submitter(
    conn: &mut DbConnection,
    options: &SeedOptions,
    settings: &Settings,
    index: u32,
) -> anyhow::Result<Submitter> {
    let seed_value = options.seed_value;
    let new = NewOrganization {
        name: format!("Seed Platform {} (seed {seed_value})", index + 1),
        contact_email: Some(format!(
            "trust-safety@seed-platform-{}.example.invalid",
            index + 1
        )),
    };
    let organization = service::admin::create_organization(
        conn,
        &new,
        (OrganizationStatus::Vetted, StatusChange::COMMAND_LINE),
        &NewAuditEvent::command_line("organization.create", ""),
    )
    .context("creating a seed organization")?;
    let credential = service::admin::issue_credential(
        conn,
        &organization.id,
        &NewCredential {
            mode: CredentialMode::Live,
            label: Some("seed".into()),
        },
        DEFAULT_CREDENTIAL_LIFETIME_DAYS,
        &NewAuditEvent::command_line("credential.issue", &organization.id),
    )
    .context("creating a seed credential")?;
    Ok(Submitter {
        organization_id: organization.id,
        client_id: credential.client_id,
        mode: CredentialMode::Live,
        audit: NewAuditEvent::command_line("report.submit", ""),
        notify: options.notify,
        common_threshold: settings.correlation_common_threshold,
        feed_since: Some(Utc::now() - Duration::days(i64::from(settings.event_retention_days))),
    })
}

/// One generated report: which organization sends it, when it arrives, and the transitions it
/// then goes through.
#[derive(Debug, Clone)]
pub struct GeneratedReport {
    /// Index of the submitting organization.
    pub organization: usize,
    /// When it arrives.
    pub received_at: DateTime<Utc>,
    /// The report.
    pub report: NewReport,
    /// The review transitions it goes through after arriving, in order.
    pub workflow: Vec<TransitionRequest>,
}

/// Weights falling off as 1/rank^1.1 (Zipf-like): the first items are far more common.
fn zipf(n: usize) -> WeightedIndex<f64> {
    WeightedIndex::new((1..=n).map(|rank| 1.0 / (rank as f64).powf(1.1))).expect("positive weights")
}

/// One of `items`, drawn by `weights`.
fn pick<T: Copy>(rng: &mut StdRng, items: &[T], weights: &WeightedIndex<f64>) -> T {
    items[weights.sample(rng)]
}

/// Between `min` and `max` distinct items drawn by `weights` (fewer when the draws keep
/// repeating, never fewer than one when `min` is one or more).
fn distinct<T: Copy + PartialEq>(
    rng: &mut StdRng,
    items: &[T],
    weights: &WeightedIndex<f64>,
    min: usize,
    max: usize,
) -> Vec<T> {
    let wanted = rng.gen_range(min..=max);
    let mut chosen = Vec::new();
    for _ in 0..wanted * 3 {
        if chosen.len() == wanted {
            break;
        }
        let item = pick(rng, items, weights);
        if !chosen.contains(&item) {
            chosen.push(item);
        }
    }
    chosen
}

/// Share of reports arriving in each UTC hour: low at night in the Americas, highest in their
/// afternoon and evening.
const HOURLY: [f64; 24] = [
    5.0, 4.0, 3.0, 2.5, 2.0, 1.5, 1.5, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0,
    7.0, 7.0, 6.5, 6.0, 5.5,
];

/// Services a platform runs, most reported first.
const SERVICES: [&str; 8] = [
    "Seed Video",
    "Seed Chat",
    "Seed Photos",
    "Seed Live",
    "Seed Marketplace",
    "Seed Groups",
    "Seed Shorts",
    "Seed Games",
];

/// Countries with some of their subdivisions, most reported first.
const PLACES: [(&str, &[&str]); 8] = [
    (
        "MX",
        &["MX-JAL", "MX-SIN", "MX-MIC", "MX-TAM", "MX-CHH", "MX-GUA"],
    ),
    ("US", &["US-TX", "US-AZ", "US-CA", "US-NM", "US-IL"]),
    ("GT", &[]),
    ("HN", &[]),
    ("SV", &[]),
    ("CO", &[]),
    ("VE", &[]),
    ("EC", &[]),
];

/// How platforms detect what they report, most common first.
const DETECTION_METHODS: [DetectionMethod; 5] = [
    DetectionMethod::AutomatedDetection,
    DetectionMethod::UserReport,
    DetectionMethod::InternalInvestigation,
    DetectionMethod::LawEnforcementRequest,
    DetectionMethod::Other,
];

/// Parts accounts play, most common first.
const ACCOUNT_ROLES: [AccountRole; 4] = [
    AccountRole::Recruiter,
    AccountRole::Promoter,
    AccountRole::ContactPoint,
    AccountRole::Other,
];

/// What platforms do about accounts, most common first.
const ACTIONS: [PlatformAction; 6] = [
    PlatformAction::Suspended,
    PlatformAction::ContentRemoved,
    PlatformAction::Banned,
    PlatformAction::Restricted,
    PlatformAction::Preserved,
    PlatformAction::None,
];

/// Kinds of content, most common first.
const CONTENT_TYPES: [ContentType; 9] = [
    ContentType::Post,
    ContentType::Video,
    ContentType::Comment,
    ContentType::Image,
    ContentType::DirectMessage,
    ContentType::LiveStream,
    ContentType::Profile,
    ContentType::Group,
    ContentType::Advertisement,
];

/// Words of the content excerpts.
const PHRASES: [&str; 8] = [
    "se buscan jóvenes para trabajo de seguridad, buena paga",
    "pago semanal garantizado, escríbeme por privado",
    "ofrecemos transporte y hospedaje, sin experiencia",
    "únete a la empresa, armas y entrenamiento incluidos",
    "cruce seguro a la frontera, precio accesible",
    "looking for drivers, cash every week, no questions",
    "halcones needed in the area, dm for details",
    "trabajo de puntero, se paga por día",
];

/// The paths through the review workflow, with their weights: about one report in eight is
/// moved on from `received`.
const WORKFLOWS: [(&[ReportStatus], f64); 6] = {
    use ReportStatus::*;
    [
        (&[], 88.0),
        (&[InReview], 4.0),
        (&[InReview, Closed], 4.0),
        (&[InReview, Escalated], 1.5),
        (&[InReview, Escalated, Referred], 1.5),
        (&[InReview, Referred, Closed], 1.0),
    ]
};

/// Generates reports from a seeded random number generator, relative to `now`.
pub struct Generator {
    rng: StdRng,
    now: DateTime<Utc>,
    days: u32,
    seed_value: u64,
    next: u64,
    organizations: WeightedIndex<f64>,
    categories: WeightedIndex<f64>,
    groups: WeightedIndex<f64>,
    indicators: WeightedIndex<f64>,
    services: WeightedIndex<f64>,
    places: WeightedIndex<f64>,
    hours: WeightedIndex<f64>,
    severities: WeightedIndex<f64>,
    detection_methods: WeightedIndex<f64>,
    account_roles: WeightedIndex<f64>,
    actions: WeightedIndex<f64>,
    content_types: WeightedIndex<f64>,
    workflows: WeightedIndex<f64>,
    /// Accounts that recur across reports (and so correlate them): the pool's size.
    recurring_accounts: u64,
    /// The reports planned, spread over the days.
    planned: u64,
    /// Days whose arrivals were drawn.
    day: u32,
    /// The weight of those days since the oldest.
    share: f64,
    /// Arrivals drawn and not yet given, in time order.
    arrivals: std::collections::VecDeque<DateTime<Utc>>,
}

impl Generator {
    /// A generator for `options`, arriving before `now`.
    pub fn new(options: &SeedOptions, now: DateTime<Utc>) -> Self {
        Generator {
            rng: StdRng::seed_from_u64(options.seed_value),
            now,
            days: options.days,
            seed_value: options.seed_value,
            next: 0,
            organizations: zipf(options.organizations as usize),
            categories: zipf(Category::iter().count()),
            groups: zipf(SuspectedGroup::iter().count()),
            indicators: zipf(Indicator::iter().count()),
            services: zipf(SERVICES.len()),
            places: zipf(PLACES.len()),
            hours: WeightedIndex::new(HOURLY).expect("positive weights"),
            severities: WeightedIndex::new([30.0, 40.0, 22.0, 8.0]).expect("positive weights"),
            detection_methods: zipf(DETECTION_METHODS.len()),
            account_roles: zipf(ACCOUNT_ROLES.len()),
            actions: zipf(ACTIONS.len()),
            content_types: zipf(CONTENT_TYPES.len()),
            workflows: WeightedIndex::new(WORKFLOWS.map(|(_, weight)| weight))
                .expect("positive weights"),
            recurring_accounts: (options.reports / 20).max(1),
            planned: options.reports.max(1),
            day: 0,
            share: 0.0,
            arrivals: Default::default(),
        }
    }

    /// The next arrival, in time order: the reports of each of the last `days` whole UTC days
    /// before today in turn, oldest first, at times drawn then sorted (so that a chunk of
    /// reports reaches the rollup counters of a few days, each once, as a backlog sent in the
    /// order it arose would); weekdays busier than weekends, afternoons (in the Americas) busier
    /// than nights. After the last day (more reports than planned) it starts again.
    fn arrival(&mut self) -> DateTime<Utc> {
        while self.arrivals.is_empty() {
            self.arrivals = self.next_day();
        }
        self.arrivals.pop_front().expect("a day with arrivals")
    }

    /// The arrivals of the next day, sorted: its share of the reports (weekend days weigh 0.7 of
    /// a weekday), rounded so that the days' counts add up to the reports planned.
    fn next_day(&mut self) -> std::collections::VecDeque<DateTime<Utc>> {
        use chrono::Datelike;
        let days_back = self.days - self.day % self.days;
        if self.day % self.days == 0 {
            self.share = 0.0;
        }
        self.day += 1;
        let day = self.now.date_naive() - Duration::days(days_back as i64);
        let weight = |day: chrono::NaiveDate| match day.weekday().number_from_monday() >= 6 {
            true => 0.7,
            false => 1.0,
        };
        let total: f64 = (1..=self.days)
            .map(|back| weight(self.now.date_naive() - Duration::days(back as i64)))
            .sum();
        let before = (self.share * self.planned as f64 / total).round();
        self.share += weight(day);
        let count = (self.share * self.planned as f64 / total).round() - before;
        let mut times: Vec<DateTime<Utc>> = (0..count as u64)
            .map(|_| {
                let hour = self.hours.sample(&mut self.rng) as u32;
                let time = NaiveTime::from_hms_micro_opt(
                    hour,
                    self.rng.gen_range(0..60),
                    self.rng.gen_range(0..60),
                    self.rng.gen_range(0..1_000_000),
                )
                .expect("a valid time");
                day.and_time(time).and_utc()
            })
            .collect();
        times.sort();
        times.into()
    }

    /// The next report.
    pub fn next_report(&mut self) -> GeneratedReport {
        let n = self.next;
        self.next += 1;
        let organization = self.organizations.sample(&mut self.rng);
        let received_at = self.arrival();
        let detected_at = received_at - Duration::minutes(self.rng.gen_range(10..4 * 24 * 60));
        let categories: Vec<Category> = Category::iter().collect();
        let category = pick(&mut self.rng, &categories, &self.categories);
        let severity = [
            Severity::Low,
            Severity::Medium,
            Severity::High,
            Severity::Critical,
        ][self.severities.sample(&mut self.rng)];
        let groups: Vec<SuspectedGroup> = SuspectedGroup::iter().collect();
        let suspected_groups = distinct(&mut self.rng, &groups, &self.groups, 0, 3);
        let all_indicators: Vec<Indicator> = Indicator::iter().collect();
        let indicators = distinct(&mut self.rng, &all_indicators, &self.indicators, 1, 4);
        let service = pick(&mut self.rng, &SERVICES, &self.services);
        let host = format!(
            "{}.example.invalid",
            service.to_lowercase().replace(' ', "-")
        );
        let locations = self.locations();
        let accounts: Vec<Account> = (0..self.rng.gen_range(1..=5))
            .map(|i| self.account(n, i, &host, detected_at))
            .collect();
        let content = (0..self.rng.gen_range(1..=10))
            .map(|i| self.content_item(n, i, &host, &accounts, detected_at))
            .collect();
        let activity_start = self
            .rng
            .gen_bool(0.6)
            .then(|| detected_at - Duration::days(self.rng.gen_range(1..60)));
        let report = NewReport {
            external_id: format!("seed-{}-{n}", self.seed_value),
            service: service.to_owned(),
            category,
            category_other: (category == Category::Other)
                .then(|| "synthetic other activity".to_owned()),
            severity,
            suspected_groups,
            summary: format!(
                "SYNTHETIC SEED REPORT {n}: {} activity by {} account(s) on {service}.",
                category.as_ref().replace('_', " "),
                accounts.len()
            ),
            detection_method: pick(&mut self.rng, &DETECTION_METHODS, &self.detection_methods),
            detected_at,
            activity_start,
            activity_end: activity_start.map(|_| detected_at),
            languages: if self.rng.gen_bool(0.3) {
                vec!["es-MX".into(), "en".into()]
            } else {
                vec!["es-MX".into()]
            },
            locations,
            indicators,
            accounts,
            content,
            contact: ReportContact {
                name: format!("Seed Trust & Safety Desk {}", organization + 1),
                email: format!(
                    "le-response@seed-platform-{}.example.invalid",
                    organization + 1
                ),
                phone: Some("+1 202 555 0100".into()),
            },
            preservation_reference: self.rng.gen_bool(0.3).then(|| format!("SEED-PRES-{n}")),
            prior_report_ids: Vec::new(),
        };
        GeneratedReport {
            organization,
            received_at,
            report,
            workflow: self.workflow(),
        }
    }

    fn locations(&mut self) -> Vec<Location> {
        let count = if self.rng.gen_bool(0.25) { 2 } else { 1 };
        let places: Vec<usize> = (0..PLACES.len()).collect();
        let places = distinct(&mut self.rng, &places, &self.places, count, count);
        places
            .into_iter()
            .map(|i| {
                let (country, subdivisions) = PLACES[i];
                let subdivision = (!subdivisions.is_empty() && self.rng.gen_bool(0.7))
                    .then(|| subdivisions[self.rng.gen_range(0..subdivisions.len())].to_owned());
                Location {
                    country: country.to_owned(),
                    subdivision,
                    place: None,
                }
            })
            .collect()
    }

    /// Account `i` of report `n`; the first one, now and then, is one of the recurring accounts
    /// seen in other reports too.
    fn account(&mut self, n: u64, i: usize, host: &str, before: DateTime<Utc>) -> Account {
        let name = if i == 0 && self.rng.gen_bool(0.05) {
            format!(
                "seed_{}_recurring_{}",
                self.seed_value,
                self.rng.gen_range(0..self.recurring_accounts)
            )
        } else {
            format!("seed_{}_{n}_{i}", self.seed_value)
        };
        let contact_handles = (0..self.rng.gen_range(0..=2))
            .map(|k| {
                if k == 0 && self.rng.gen_bool(0.5) {
                    ContactHandle {
                        kind: ContactType::Whatsapp,
                        value: format!(
                            "+1 {} 555 01{:02}",
                            self.rng.gen_range(201..990),
                            self.rng.gen_range(0..100)
                        ),
                    }
                } else {
                    ContactHandle {
                        kind: ContactType::Telegram,
                        value: format!("@{name}_tg"),
                    }
                }
            })
            .collect();
        Account {
            platform_account_id: name.clone(),
            handle: Some(format!("@{name}")),
            display_name: Some(format!("Seed Account {name}")),
            profile_url: Some(format!("https://{host}/@{name}")),
            role: pick(&mut self.rng, &ACCOUNT_ROLES, &self.account_roles),
            created_at: Some(before - Duration::days(self.rng.gen_range(1..900))),
            follower_count: Some(self.rng.gen_range(0..50_000)),
            action_taken: pick(&mut self.rng, &ACTIONS, &self.actions),
            contact_handles,
        }
    }

    fn content_item(
        &mut self,
        n: u64,
        i: usize,
        host: &str,
        accounts: &[Account],
        before: DateTime<Utc>,
    ) -> ContentItem {
        let content_type = pick(&mut self.rng, &CONTENT_TYPES, &self.content_types);
        let image = matches!(content_type, ContentType::Image | ContentType::Video);
        let media = image || self.rng.gen_bool(0.2);
        let seed_value = self.seed_value;
        let digest = |algorithm: &str| {
            hex::encode(Sha256::digest(format!(
                "seed {seed_value} {algorithm} {n} {i}"
            )))
        };
        ContentItem {
            content_type,
            url: Some(format!("https://{host}/p/seed_{}_{n}_{i}", self.seed_value)),
            posted_at: Some(before - Duration::minutes(self.rng.gen_range(1..30 * 24 * 60))),
            text_excerpt: Some(PHRASES[self.rng.gen_range(0..PHRASES.len())].to_owned()),
            language: Some("es".into()),
            sha256: media.then(|| digest("sha256")),
            md5: None,
            pdq: (image && self.rng.gen_bool(0.5)).then(|| digest("pdq")),
            account_ref: Some(
                accounts[self.rng.gen_range(0..accounts.len())]
                    .platform_account_id
                    .clone(),
            ),
            preserved: self.rng.gen_bool(0.6),
            removed: self.rng.gen_bool(0.7),
        }
    }

    /// The review path of a report: most stay `received`, the others are reviewed, and some of
    /// those escalated, referred or closed.
    fn workflow(&mut self) -> Vec<TransitionRequest> {
        use ReportStatus::{Closed, Referred};
        let move_to = |to: ReportStatus| TransitionRequest {
            to,
            reason: "seeded review".into(),
            referral: (to == Referred).then(|| Referral {
                agency: "HSI".into(),
                reference: "SEED-REF".into(),
            }),
            resolution: (to == Closed).then_some(Resolution::NoAction),
            feedback: None,
        };
        WORKFLOWS[self.workflows.sample(&mut self.rng)]
            .0
            .iter()
            .map(|&to| move_to(to))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn options(seed_value: u64) -> SeedOptions {
        SeedOptions {
            reports: 2000,
            days: 30,
            organizations: 5,
            force: false,
            notify: false,
            seed_value,
        }
    }

    fn generate(seed_value: u64, n: usize) -> Vec<GeneratedReport> {
        let now = "2026-11-29T12:00:00Z".parse().unwrap();
        let mut generator = Generator::new(&options(seed_value), now);
        (0..n).map(|_| generator.next_report()).collect()
    }

    #[test]
    fn every_generated_report_passes_the_api_rules_and_looks_fake() {
        for generated in generate(1, 2000) {
            let report = &generated.report;
            assert_eq!(report.check(generated.received_at), Ok(()));
            assert!((1..=5).contains(&report.accounts.len()));
            assert!((1..=10).contains(&report.content.len()));
            for account in &report.accounts {
                assert!(account.platform_account_id.starts_with("seed_"));
                assert!(account.handle.as_ref().unwrap().starts_with("@seed_"));
                assert!(
                    account
                        .profile_url
                        .as_ref()
                        .unwrap()
                        .contains(".example.invalid/")
                );
                for handle in &account.contact_handles {
                    if handle.kind == ContactType::Whatsapp {
                        assert!(handle.value.contains(" 555 01"), "{}", handle.value);
                    }
                }
            }
            assert!(report.summary.starts_with("SYNTHETIC SEED REPORT"));
        }
    }

    /// The values of `reports` that correlate them, phone numbers aside.
    fn own_values(reports: &[GeneratedReport]) -> std::collections::HashSet<String> {
        reports
            .iter()
            .flat_map(|g| {
                let accounts = g.report.accounts.iter().flat_map(|a| {
                    let handles = a.contact_handles.iter();
                    let telegram = handles.filter(|h| h.kind != ContactType::Whatsapp);
                    [
                        Some(&a.platform_account_id),
                        a.handle.as_ref(),
                        a.profile_url.as_ref(),
                    ]
                    .into_iter()
                    .flatten()
                    .chain(telegram.map(|h| &h.value))
                });
                let content = g.report.content.iter().flat_map(|c| {
                    [c.url.as_ref(), c.sha256.as_ref(), c.pdq.as_ref()]
                        .into_iter()
                        .flatten()
                });
                accounts.chain(content).cloned().collect::<Vec<_>>()
            })
            .collect()
    }

    #[test]
    fn seeds_with_other_values_share_only_phone_numbers() {
        let (one, two) = (generate(1, 2000), generate(2, 2000));
        let (one, two) = (own_values(&one), own_values(&two));
        assert!(one.len() > 10_000, "{}", one.len());
        assert_eq!(one.intersection(&two).count(), 0);
        assert_eq!(
            own_values(&generate(1, 2000)),
            one,
            "the same seed, the same values"
        );
    }

    #[test]
    fn arrivals_fall_in_the_last_days_and_follow_the_day() {
        let now: DateTime<Utc> = "2026-11-29T12:00:00Z".parse().unwrap();
        let generated = generate(2, 5000);
        let mut by_hour = [0; 24];
        for g in &generated {
            assert!(g.received_at < now - Duration::hours(12), "before today");
            assert!(g.received_at >= now - Duration::days(31));
            by_hour[chrono::Timelike::hour(&g.received_at) as usize] += 1;
        }
        assert!(
            by_hour[19] > 2 * by_hour[6],
            "evenings busier than nights: {by_hour:?}"
        );
    }

    #[test]
    fn categories_and_organizations_are_skewed() {
        let generated = generate(3, 5000);
        let mut categories: HashMap<Category, usize> = HashMap::new();
        let mut organizations: HashMap<usize, usize> = HashMap::new();
        for g in &generated {
            *categories.entry(g.report.category).or_default() += 1;
            *organizations.entry(g.organization).or_default() += 1;
        }
        assert!(categories[&Category::Recruitment] > 3 * categories[&Category::MoneyLaundering]);
        assert!(organizations[&0] > 2 * organizations[&4]);
        assert_eq!(organizations.len(), 5, "every organization submits");
    }

    #[test]
    fn part_of_the_reports_move_along_the_workflow() {
        let generated = generate(4, 2000);
        let moved = generated.iter().filter(|g| !g.workflow.is_empty()).count();
        assert!((150..350).contains(&moved), "{moved}");
        let closed = generated
            .iter()
            .filter(|g| {
                g.workflow
                    .last()
                    .is_some_and(|t| t.to == ReportStatus::Closed)
            })
            .count();
        assert!(closed > 50, "{closed}");
    }

    #[test]
    fn the_same_seed_value_gives_the_same_reports() {
        let json = |seed| {
            serde_json::to_string(
                &generate(seed, 50)
                    .iter()
                    .map(|g| &g.report)
                    .collect::<Vec<_>>(),
            )
            .unwrap()
        };
        assert_eq!(json(7), json(7));
        assert_ne!(json(7), json(8));
    }
}
