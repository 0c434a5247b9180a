//! What an invitee is asked to accept: only what the organization has — its
//! privacy statement when it links one, its terms once published — with
//! the terms in the invitee's language when written in it. A consent
//! records exactly that, so one given before either existed is asked again
//! once it does.

use app::i18n::Locale;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::store::entities::{consent, organization, terms_version};

/// The documents of an organization as they stand.
pub struct Documents {
    /// The privacy statement's version, when the organization links one.
    pub privacy: Option<String>,
    /// The current terms, once published.
    pub terms: Option<terms_version::Model>,
}

impl Documents {
    pub async fn current(
        conn: &impl ConnectionTrait,
        org: &organization::Model,
    ) -> Result<Documents, DbErr> {
        let terms = terms_version::Entity::find()
            .filter(terms_version::Column::OrganizationId.eq(org.id))
            .order_by_desc(terms_version::Column::Version)
            .one(conn)
            .await?;
        Ok(Documents {
            privacy: org
                .privacy_url
                .as_ref()
                .map(|_| org.privacy_version.clone()),
            terms,
        })
    }

    /// Nothing to accept: the terms step is left out.
    pub fn is_empty(&self) -> bool {
        self.privacy.is_none() && self.terms.is_none()
    }

    pub fn terms_version(&self) -> Option<i32> {
        self.terms.as_ref().map(|t| t.version)
    }

    /// Whether `user_id` accepted these documents (and no others).
    pub async fn accepted_by(
        &self,
        conn: &impl ConnectionTrait,
        org_id: Uuid,
        user_id: Uuid,
    ) -> Result<bool, DbErr> {
        let privacy = match &self.privacy {
            Some(version) => consent::Column::PrivacyVersion.eq(version.as_str()),
            None => consent::Column::PrivacyVersion.is_null(),
        };
        let terms = match self.terms_version() {
            Some(version) => consent::Column::TermsVersion.eq(version),
            None => consent::Column::TermsVersion.is_null(),
        };
        let found = consent::Entity::find()
            .filter(consent::Column::UserId.eq(user_id))
            .filter(consent::Column::OrganizationId.eq(org_id))
            .filter(privacy)
            .filter(terms)
            .one(conn)
            .await?;
        Ok(found.is_some())
    }
}

/// The languages a terms version is written in, each with its Markdown:
/// English first, then the others.
pub fn texts(terms: &terms_version::Model) -> Vec<(Locale, String)> {
    let mut all = vec![(Locale::En, terms.body_markdown.clone())];
    if let Some(serde_json::Value::Object(others)) = &terms.translations {
        for (code, text) in others {
            let (Some(locale), Some(text)) = (Locale::from_code(code), text.as_str()) else {
                continue;
            };
            if locale != Locale::En && !text.trim().is_empty() {
                all.push((locale, text.to_owned()));
            }
        }
    }
    all
}

/// The text of `terms` an invitee reading `locale` gets: theirs when it is
/// written, else English; with the language it is in.
pub fn text_in(terms: &terms_version::Model, locale: Locale) -> (Locale, String) {
    let mut all = texts(terms);
    let at = all.iter().position(|(l, _)| *l == locale).unwrap_or(0);
    all.swap_remove(at)
}
