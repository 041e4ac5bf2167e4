//! `code_list!`: the one declaration of a coded enum, whose wire, database and display form is
//! its snake_case variant name.
//!
//! Each list is a diesel type over `Text` on both backends, so that a row's field can be the enum
//! itself; text the program does not know, read from the database, is an error for that query
//! (a corrupted or newer row), never a panic.

/// Declares one code list: a fieldless enum whose wire, database and display form is its
/// snake_case variant name (`as_ref()`, `FromStr`, serde, the OpenAPI schema), stored as `Text`.
/// Extra derives (`#[derive(PartialOrd, Ord)]`, `clap::ValueEnum`, ...) go among the attributes.
macro_rules! code_list {
    ($(#[$meta:meta])* $name:ident { $($(#[$variant_meta:meta])* $variant:ident,)+ }) => {
        $(#[$meta])*
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            Hash,
            serde::Serialize,
            serde::Deserialize,
            utoipa::ToSchema,
            strum::EnumIter,
            strum::IntoStaticStr,
            strum::EnumString,
            strum::AsRefStr,
            diesel::AsExpression,
            diesel::FromSqlRow,
        )]
        #[serde(rename_all = "snake_case")]
        #[strum(serialize_all = "snake_case")]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub enum $name {
            $($(#[$variant_meta])* $variant,)+
        }

        $crate::domain::code_list::stored_as_text!($name);
    };
}
pub(crate) use code_list;

/// Stores enum `$name` (`AsRef<str>`, `FromStr`, derives `diesel::AsExpression` and
/// `diesel::FromSqlRow` over `Text`) as its text form on both backends; text it does not know,
/// read back, is an error for that query.
macro_rules! stored_as_text {
    ($name:ident) => {
        impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, DB>,
            ) -> diesel::serialize::Result {
                let code: &'b str = self.as_ref();
                <str as diesel::serialize::ToSql<diesel::sql_types::Text, DB>>::to_sql(code, out)
            }
        }

        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let stored = <String as diesel::deserialize::FromSql<
                    diesel::sql_types::Text,
                    DB,
                >>::from_sql(bytes)?;
                $crate::domain::code_list::read_stored(&stored)
            }
        }
    };
}
pub(crate) use stored_as_text;

/// Reads a code stored as text; text that names no code of `T` is a deserialization error.
pub fn read_stored<T: std::str::FromStr>(stored: &str) -> diesel::deserialize::Result<T> {
    stored.parse().map_err(|_| {
        format!(
            "unknown {} code {stored:?} in the database",
            std::any::type_name::<T>()
        )
        .into()
    })
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use diesel::sqlite::SqliteConnection;

    use crate::domain::status::ReportStatus;

    /// A known code reads back as itself, an unknown one is an error for the query, not a panic.
    #[test]
    fn stored_codes_read_back_and_unknown_text_is_an_error() {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        let text = diesel::dsl::sql::<diesel::sql_types::Text>;
        let status: ReportStatus =
            diesel::select(ReportStatus::InReview.into_sql::<diesel::sql_types::Text>())
                .get_result(&mut conn)
                .unwrap();
        assert_eq!(status, ReportStatus::InReview);
        let unknown = diesel::select(text("'under_review'")).get_result::<ReportStatus>(&mut conn);
        let error = unknown.unwrap_err().to_string();
        assert!(error.contains("under_review"), "{error}");
    }
}
