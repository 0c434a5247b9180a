//! What the server provides to the server functions (hexagonal "ports"):
//! traits implemented in the `server` crate and handed over as context.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::model::apps::{AppProblem, AppsView, NewApp, Registered};
use crate::model::bulk::{ConfirmOutcome, ImportSummary, ImportView};
use crate::model::discovery::{Method, SignInSettings};
use crate::model::domains::DomainKind;
use crate::model::invitation::{
    InvitationActionOutcome, InvitationDetail, InvitationPage, ListFilter, NewInvitationForm,
    NewInvitationOutcome, RemindOutcome,
};
use crate::model::journey::{CompanyView, ConsentView, Privacy, WelcomeLink};
use crate::model::operator::{
    AccessOutcome, AddOperatorForm, AddOperatorOutcome, Admin, ContactOutcome, EndSessionsOutcome,
    OperatorRow, SessionId, SessionRow, SetupLink, TokenOutcome, TokenRow, UserId,
};
use crate::model::overview::{OverviewOutcome, Scope};
use crate::model::progress::CompanyDetail;
use crate::model::providers::{NewProvider, ProviderProblem, ProvidersView};
use crate::model::sign_in::{SignedIn, StartPage, Visitor};
use crate::model::terms::{MissingDocuments, TermsOutcome, TermsView};
use crate::model::webhooks::{NewWebhook, WebhookProblem, WebhooksView};

pub type PortFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Why a port could not answer; the cause is logged on the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortError {
    BadRequest,
    Unavailable,
}

/// Inviting customers and following their invitations.
pub trait Invitations: Send + Sync + 'static {
    /// A page of the invitations `filter` selects.
    fn invitations(
        &self,
        filter: ListFilter,
        cursor: Option<String>,
    ) -> PortFuture<'_, Result<InvitationPage, PortError>>;
    /// The overview of the invitations `scope` selects: the funnel, the
    /// numbers checked first, invitations per day by outcome.
    fn overview(&self, scope: Scope) -> PortFuture<'_, Result<OverviewOutcome, PortError>>;
    /// Creates an invitation on behalf of the signed-in operator `inviter`.
    fn create_invitation(
        &self,
        inviter: UserId,
        form: NewInvitationForm,
    ) -> PortFuture<'_, Result<NewInvitationOutcome, PortError>>;
    fn invitation_detail(
        &self,
        id: String,
    ) -> PortFuture<'_, Result<Option<InvitationDetail>, PortError>>;
    /// A company of the organization with its members.
    fn company_detail(
        &self,
        id: String,
    ) -> PortFuture<'_, Result<Option<CompanyDetail>, PortError>>;
    /// Reminds every customer of the list's filter who has not finished,
    /// at most once a day each, on behalf of `operator`.
    fn remind(
        &self,
        operator: UserId,
        filter: ListFilter,
    ) -> PortFuture<'_, Result<RemindOutcome, PortError>>;
    /// `resend` true sends again; false revokes. On behalf of `operator`.
    fn act_on_invitation(
        &self,
        operator: UserId,
        id: String,
        resend: bool,
    ) -> PortFuture<'_, Result<InvitationActionOutcome, PortError>>;
}

/// The organization's operators and admins.
pub trait Operators: Send + Sync + 'static {
    fn operators(&self) -> PortFuture<'_, Result<Vec<OperatorRow>, PortError>>;
    /// Adds an operator on behalf of the admin, in the admin's language.
    fn add_operator(
        &self,
        admin: Admin,
        form: AddOperatorForm,
        locale: String,
    ) -> PortFuture<'_, Result<AddOperatorOutcome, PortError>>;
    fn set_password_link_is_live(&self, token: String) -> PortFuture<'_, Result<bool, PortError>>;
    /// What the first-admin setup link `token` opens.
    fn setup_link(&self, token: String) -> PortFuture<'_, Result<SetupLink, PortError>>;
    /// Sets the address invitees see in `operator`'s invitations;
    /// empty `contact` goes back to their sign-in address.
    fn save_contact_address(
        &self,
        operator: UserId,
        contact: String,
    ) -> PortFuture<'_, Result<ContactOutcome, PortError>>;
    /// On behalf of the admin: removes the operator `target_email`
    /// (`remove`) or ends their sessions.
    fn change_operator_access(
        &self,
        admin: Admin,
        target_email: String,
        remove: bool,
    ) -> PortFuture<'_, Result<AccessOutcome, PortError>>;
    /// On behalf of the admin: forgets the wrong passwords counted at the
    /// operator `target_email`'s address.
    fn unlock_operator(
        &self,
        admin: Admin,
        target_email: String,
    ) -> PortFuture<'_, Result<AccessOutcome, PortError>>;
}

/// Who is signed in: an admin ends others' sessions, an operator their own.
pub trait Sessions: Send + Sync + 'static {
    /// Ends the sessions of the invitee of invitation `id` or, with `id`
    /// `None`, of everyone but the admin's own session.
    fn end_sessions(
        &self,
        admin: Admin,
        id: Option<String>,
    ) -> PortFuture<'_, Result<AccessOutcome, PortError>>;
    /// The live sessions of the operator `owner`; `session` is the current one.
    fn own_sessions(
        &self,
        owner: UserId,
        session: SessionId,
    ) -> PortFuture<'_, Result<Vec<SessionRow>, PortError>>;
    /// Ends the owner's session `which` (`None`: all but the current one),
    /// once `password` is theirs.
    fn end_own_sessions(
        &self,
        owner: UserId,
        session: SessionId,
        password: String,
        which: Option<String>,
    ) -> PortFuture<'_, Result<EndSessionsOutcome, PortError>>;
}

/// Operators' personal API tokens.
pub trait Tokens: Send + Sync + 'static {
    /// The personal API tokens of the operator `owner`, newest first.
    fn tokens(&self, owner: UserId) -> PortFuture<'_, Result<Vec<TokenRow>, PortError>>;
    /// Creates (`revoke_id` None, with `name`) or revokes one of the owner's tokens.
    fn change_token(
        &self,
        owner: UserId,
        name: String,
        revoke_id: Option<String>,
    ) -> PortFuture<'_, Result<TokenOutcome, PortError>>;
}

/// Bulk invitations from a CSV file.
pub trait Imports: Send + Sync + 'static {
    /// The organization's latest bulk imports.
    fn imports(&self) -> PortFuture<'_, Result<Vec<ImportSummary>, PortError>>;
    /// One import and the page of its rows after row number `after`.
    fn import_view(
        &self,
        id: String,
        after: Option<i32>,
    ) -> PortFuture<'_, Result<Option<ImportView>, PortError>>;
    /// Confirms a previewed import on behalf of `operator`.
    fn confirm_import(
        &self,
        operator: UserId,
        id: String,
    ) -> PortFuture<'_, Result<ConfirmOutcome, PortError>>;
}

/// How invitees sign in and what they see: methods, privacy statement, welcome links, domains.
pub trait Settings: Send + Sync + 'static {
    /// How invitees sign in: the order of methods and the passcode switch.
    fn sign_in_settings(&self) -> PortFuture<'_, Result<SignInSettings, PortError>>;
    /// Saves them on behalf of the admin.
    fn save_sign_in_settings(
        &self,
        admin: Admin,
        order: Vec<Method>,
        passcode_enabled: bool,
    ) -> PortFuture<'_, Result<(), PortError>>;
    /// The privacy statement invitees accept.
    fn privacy(&self) -> PortFuture<'_, Result<Privacy, PortError>>;
    /// Saves it (already checked) on behalf of the admin.
    fn save_privacy(&self, admin: Admin, privacy: Privacy)
        -> PortFuture<'_, Result<(), PortError>>;
    /// The links of the customers' welcome page.
    fn welcome_links(&self) -> PortFuture<'_, Result<Vec<WelcomeLink>, PortError>>;
    /// Saves them on behalf of the admin.
    fn save_welcome_links(
        &self,
        admin: Admin,
        links: Vec<WelcomeLink>,
    ) -> PortFuture<'_, Result<(), PortError>>;
    /// The organization's own or trusted domains.
    fn domains(&self, kind: DomainKind) -> PortFuture<'_, Result<Vec<String>, PortError>>;
    /// Saves a list (already checked) on behalf of the admin; an own domain
    /// that another organization has is returned instead.
    fn save_domains(
        &self,
        admin: Admin,
        kind: DomainKind,
        domains: Vec<String>,
    ) -> PortFuture<'_, Result<Result<(), String>, PortError>>;
}

/// The organization's identity providers.
pub trait Providers: Send + Sync + 'static {
    /// The organization's identity providers, without their secrets.
    fn providers(&self) -> PortFuture<'_, Result<ProvidersView, PortError>>;
    /// Adds a checked provider on behalf of the admin.
    fn add_provider(
        &self,
        admin: Admin,
        provider: NewProvider,
    ) -> PortFuture<'_, Result<Result<(), Vec<ProviderProblem>>, PortError>>;
    /// Removes provider `id`; `false` when there is no such provider.
    fn remove_provider(&self, admin: Admin, id: String) -> PortFuture<'_, Result<bool, PortError>>;
}

/// The seller's apps that sign customers in through Lobby.
pub trait Apps: Send + Sync + 'static {
    /// The organization's apps, without secrets, and Lobby's issuer.
    fn apps(&self) -> PortFuture<'_, Result<AppsView, PortError>>;
    /// Registers an app for the admin: its client id and, for a
    /// confidential app, its secret (this once); or what is wrong with it.
    fn register_app(
        &self,
        admin: Admin,
        app: NewApp,
    ) -> PortFuture<'_, Result<Result<Registered, Vec<AppProblem>>, PortError>>;
    /// Removes the app `client_id`; `false` when there is no such app.
    fn remove_app(
        &self,
        admin: Admin,
        client_id: String,
    ) -> PortFuture<'_, Result<bool, PortError>>;
}

/// The terms of use and the consents to them.
pub trait Terms: Send + Sync + 'static {
    /// The current terms of use and the number of consents.
    fn terms(&self) -> PortFuture<'_, Result<TermsView, PortError>>;
    /// Publishes checked terms as the next version for the admin; the new
    /// version's number.
    fn publish_terms(
        &self,
        admin: Admin,
        markdown: String,
        markdown_ko: Option<String>,
    ) -> PortFuture<'_, Result<TermsOutcome, PortError>>;
    /// What customers would not be asked to accept.
    fn missing_documents(&self) -> PortFuture<'_, Result<MissingDocuments, PortError>>;
}

/// What the dashboard's server functions call, one port per capability;
/// the server implements each beside the domain it serves.
#[derive(Clone)]
pub struct DashboardPort {
    pub invitations: Arc<dyn Invitations>,
    pub operators: Arc<dyn Operators>,
    pub sessions: Arc<dyn Sessions>,
    pub tokens: Arc<dyn Tokens>,
    pub imports: Arc<dyn Imports>,
    pub settings: Arc<dyn Settings>,
    pub providers: Arc<dyn Providers>,
    pub terms: Arc<dyn Terms>,
    pub apps: Arc<dyn Apps>,
    pub webhooks: Arc<dyn Webhooks>,
}

/// What invitees reach through their link.
pub trait Redemption: Send + Sync + 'static {
    /// The name of the organization with the slug; `None` for none.
    fn organization_name(&self, slug: String) -> PortFuture<'_, Result<Option<String>, PortError>>;
    /// The sign-in step of the link `ticket` for this browser; `None` for a
    /// link that is none.
    fn start(
        &self,
        ticket: String,
        visitor: Option<Visitor>,
    ) -> PortFuture<'_, Result<Option<StartPage>, PortError>>;
    /// The invitee signed in through the link `ticket`; `None` unless this
    /// browser is signed in as the invited address.
    fn signed_in(
        &self,
        ticket: String,
        visitor: Option<Visitor>,
    ) -> PortFuture<'_, Result<Option<SignedIn>, PortError>>;
    /// The company step of the link `ticket`, or the step to go to instead;
    /// `None` for an unknown link.
    fn company(
        &self,
        ticket: String,
        visitor: Option<Visitor>,
    ) -> PortFuture<'_, Result<Option<CompanyView>, PortError>>;
    /// The terms step of the link `ticket`, or the step to go to instead;
    /// `None` for an unknown link.
    fn consent(
        &self,
        ticket: String,
        visitor: Option<Visitor>,
    ) -> PortFuture<'_, Result<Option<ConsentView>, PortError>>;
}

#[derive(Clone)]
pub struct RedemptionPort(pub Arc<dyn Redemption>);

/// The endpoints that hear of the organization's events.
pub trait Webhooks: Send + Sync + 'static {
    /// The endpoints, each with its latest deliveries.
    fn webhooks(&self) -> PortFuture<'_, Result<WebhooksView, PortError>>;
    /// Registers an endpoint for the admin: its signing secret (this once),
    /// or what is wrong with it.
    fn register_webhook(
        &self,
        admin: Admin,
        webhook: NewWebhook,
    ) -> PortFuture<'_, Result<Result<String, Vec<WebhookProblem>>, PortError>>;
    /// Removes endpoint `id`; `false` when there is no such endpoint.
    fn remove_webhook(&self, admin: Admin, id: String) -> PortFuture<'_, Result<bool, PortError>>;
    /// Makes delivery `id` due again; `false` when there is no such delivery.
    fn resend_delivery(&self, admin: Admin, id: String) -> PortFuture<'_, Result<bool, PortError>>;
}
