//! The code lists of a report (categories, severities, groups, ...) and the `Taxonomy` that publishes them.
//!
//! Every code is stored in the database and sent on the wire as its snake_case name (see
//! [`code_list!`](super::code_list)).

use serde::Serialize;
use strum::IntoEnumIterator;
use utoipa::ToSchema;

use super::code_list::code_list;

code_list! {
    /// What kind of cartel activity the report is about.
    Category {
        /// Recruiting people into a criminal organisation.
        Recruitment,
        /// Content showing or glorifying violence.
        ViolentContent,
        /// A threat against a person or group.
        Threat,
        /// Offering to smuggle people across a border.
        SmugglingSolicitation,
        /// Producing, moving or selling drugs.
        DrugTrafficking,
        /// Moving or selling weapons.
        WeaponsTrafficking,
        /// Trading in people for forced labour or sexual exploitation.
        HumanTrafficking,
        /// Demanding money or goods under threat.
        Extortion,
        /// Hiding where criminal money comes from.
        MoneyLaundering,
        /// None of the above; the report then names it in `category_other`.
        Other,
    }
}

code_list! {
    /// How urgent the report is, ordered from `low` to `critical`.
    #[derive(PartialOrd, Ord)]
    Severity {
        /// The lowest urgency.
        Low,
        /// More urgent than `low`.
        Medium,
        /// More urgent than `medium`.
        High,
        /// Imminent threat to life or to a minor.
        Critical,
    }
}

code_list! {
    /// The criminal organisation the reporter believes is behind the activity.
    SuspectedGroup {
        /// Cártel de Jalisco Nueva Generación.
        Cjng,
        /// Cártel de Sinaloa.
        Sinaloa,
        /// Cártel del Golfo.
        Gulf,
        /// Cártel del Noreste / Los Zetas.
        CdnZetas,
        /// La Familia Michoacana.
        FamiliaMichoacana,
        /// Cárteles Unidos.
        CartelesUnidos,
        /// Cártel de los Beltrán Leyva.
        BeltranLeyva,
        /// Cártel de Juárez.
        Juarez,
        /// Cártel de Tijuana.
        Tijuana,
        /// La Línea.
        LaLinea,
        /// Guerreros Unidos.
        GuerrerosUnidos,
        /// Tren de Aragua.
        TrenDeAragua,
        /// Mara Salvatrucha (MS-13).
        Ms13,
        /// Barrio 18; spelled out because snake_case would give `barrio18`.
        #[serde(rename = "barrio_18")]
        #[strum(serialize = "barrio_18")]
        Barrio18,
        /// A group not in this list.
        Other,
        /// The reporter cannot tell which group.
        Unknown,
    }
}

code_list! {
    /// How the platform came to know of the activity.
    DetectionMethod {
        /// A user of the platform flagged it.
        UserReport,
        /// A classifier or other automated system flagged it.
        AutomatedDetection,
        /// The platform's own trust and safety staff found it.
        InternalInvestigation,
        /// A law enforcement agency asked about it.
        LawEnforcementRequest,
        /// Any other way.
        Other,
    }
}

code_list! {
    /// A concrete sign observed in the reported activity.
    Indicator {
        /// Money is offered for joining or for a task.
        PaymentOffer,
        /// The activity is dressed up as a job offer.
        JobAdvertisement,
        /// The activity is aimed at people under 18.
        TargetsMinors,
        /// Targets are asked to move to another app or to a phone number.
        OffPlatformContact,
        /// Weapons are shown.
        WeaponsDisplay,
        /// Travel or transport is offered.
        TravelOffer,
        /// Cartel life or violence is glorified.
        Glorification,
        /// Officials are threatened.
        ThreatToOfficials,
        /// Drugs are shown.
        DrugDisplay,
        /// Cash is shown.
        CashDisplay,
        /// Slang, emoji or code words known to stand for a group or for an offer.
        CodedLanguage,
        /// Symbols, logos or insignia of a group.
        GroupSymbols,
        /// Weapons or tactical training is offered.
        TrainingOffer,
        /// Help with crossing a border is offered.
        BorderCrossingOffer,
    }
}

code_list! {
    /// What kind of thing a reported piece of content is.
    ContentType {
        /// A post.
        Post,
        /// A comment.
        Comment,
        /// A video.
        Video,
        /// An image.
        Image,
        /// A live stream.
        LiveStream,
        /// A private message.
        DirectMessage,
        /// An account's profile page.
        Profile,
        /// A group, channel or community.
        Group,
        /// Paid advertising.
        Advertisement,
    }
}

code_list! {
    /// The part a reported account plays in the activity.
    AccountRole {
        /// Directly recruits people.
        Recruiter,
        /// Spreads or amplifies recruitment content.
        Promoter,
        /// Is named as the one to contact.
        ContactPoint,
        /// Any other part.
        Other,
    }
}

code_list! {
    /// What the platform has done about a reported account.
    PlatformAction {
        /// Nothing yet.
        None,
        /// Some of its content was removed.
        ContentRemoved,
        /// Features of the account were limited.
        Restricted,
        /// Temporarily suspended.
        Suspended,
        /// Permanently banned.
        Banned,
        /// Data was preserved for law enforcement.
        Preserved,
    }
}

code_list! {
    /// The kind of off-platform contact detail an account advertises.
    ContactType {
        /// A phone number.
        Phone,
        /// A WhatsApp number.
        Whatsapp,
        /// A Telegram account.
        Telegram,
        /// A Signal account.
        Signal,
        /// An e-mail address.
        Email,
        /// Any other kind.
        Other,
    }
}

/// Every code list with its codes in declaration order, as published to reporters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Taxonomy {
    /// The codes of [`Category`].
    pub categories: Vec<&'static str>,
    /// The codes of [`Severity`], from lowest to highest.
    pub severities: Vec<&'static str>,
    /// The codes of [`SuspectedGroup`].
    pub suspected_groups: Vec<&'static str>,
    /// The codes of [`DetectionMethod`].
    pub detection_methods: Vec<&'static str>,
    /// The codes of [`Indicator`].
    pub indicators: Vec<&'static str>,
    /// The codes of [`ContentType`].
    pub content_types: Vec<&'static str>,
    /// The codes of [`AccountRole`].
    pub account_roles: Vec<&'static str>,
    /// The codes of [`PlatformAction`].
    pub platform_actions: Vec<&'static str>,
    /// The codes of [`ContactType`].
    pub contact_types: Vec<&'static str>,
    /// Why DHS found a closed report not actionable (outcome feedback).
    pub feedback_reasons: Vec<&'static str>,
}

impl Taxonomy {
    /// The code lists as this build of the server knows them.
    pub fn current() -> Taxonomy {
        Taxonomy {
            categories: codes::<Category>(),
            severities: codes::<Severity>(),
            suspected_groups: codes::<SuspectedGroup>(),
            detection_methods: codes::<DetectionMethod>(),
            indicators: codes::<Indicator>(),
            content_types: codes::<ContentType>(),
            account_roles: codes::<AccountRole>(),
            platform_actions: codes::<PlatformAction>(),
            contact_types: codes::<ContactType>(),
            feedback_reasons: codes::<super::feedback::FeedbackReason>(),
        }
    }
}

/// The codes of one list, in declaration order.
fn codes<E: IntoEnumIterator + Into<&'static str>>() -> Vec<&'static str> {
    E::iter().map(Into::into).collect()
}

#[cfg(test)]
mod tests {
    use std::fmt::Debug;
    use std::str::FromStr;

    use serde::de::DeserializeOwned;

    use super::*;

    /// Asserts that every variant of `E` survives `as_ref`/`FromStr` and serde JSON unchanged.
    fn assert_round_trips<E>()
    where
        E: IntoEnumIterator
            + AsRef<str>
            + FromStr
            + Serialize
            + DeserializeOwned
            + PartialEq
            + Debug,
        E::Err: Debug,
    {
        for value in E::iter() {
            let code = value.as_ref().to_owned();
            assert_eq!(E::from_str(&code).unwrap(), value);
            let json = serde_json::to_value(&value).unwrap();
            assert_eq!(json, serde_json::Value::String(code.clone()));
            assert_eq!(serde_json::from_value::<E>(json).unwrap(), value);
        }
    }

    #[test]
    fn every_code_round_trips() {
        assert_round_trips::<Category>();
        assert_round_trips::<Severity>();
        assert_round_trips::<SuspectedGroup>();
        assert_round_trips::<DetectionMethod>();
        assert_round_trips::<Indicator>();
        assert_round_trips::<ContentType>();
        assert_round_trips::<AccountRole>();
        assert_round_trips::<PlatformAction>();
        assert_round_trips::<ContactType>();
    }

    #[test]
    fn codes_are_snake_case() {
        assert_eq!(
            Category::SmugglingSolicitation.as_ref(),
            "smuggling_solicitation"
        );
        assert_eq!(SuspectedGroup::CdnZetas.as_ref(), "cdn_zetas");
        assert_eq!(SuspectedGroup::Ms13.as_ref(), "ms13");
        assert_eq!(SuspectedGroup::Barrio18.as_ref(), "barrio_18");
        assert_eq!(PlatformAction::None.as_ref(), "none");
        assert!(Category::from_str("Recruitment").is_err());
    }

    #[test]
    fn severity_is_ordered_from_low_to_critical() {
        assert!(Severity::Low < Severity::Medium);
        assert!(Severity::Medium < Severity::High);
        assert!(Severity::High < Severity::Critical);
    }

    #[test]
    fn taxonomy_lists_every_code_in_order() {
        let taxonomy = Taxonomy::current();
        assert_eq!(taxonomy.severities, ["low", "medium", "high", "critical"]);
        assert_eq!(taxonomy.categories.len(), 10);
        assert_eq!(taxonomy.suspected_groups.len(), 16);
        assert_eq!(taxonomy.detection_methods.len(), 5);
        assert_eq!(taxonomy.indicators.len(), 14);
        assert_eq!(taxonomy.content_types.len(), 9);
        assert_eq!(taxonomy.account_roles.len(), 4);
        assert_eq!(taxonomy.platform_actions.len(), 6);
        assert_eq!(
            taxonomy.contact_types,
            ["phone", "whatsapp", "telegram", "signal", "email", "other"]
        );
    }
}
