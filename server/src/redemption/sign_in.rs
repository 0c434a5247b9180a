//! An invitee proves who they are (DESIGN §5.2–5.3). The step shown is the
//! first of the organization's order that applies to the invited address,
//! and every way in ends signed in as the account that owns that address:
//! codes go only to it, and passwords are those of its account. So a
//! forwarded link is no use to anyone else.

use app::i18n::{fill, Locale};
use app::model::discovery::{discover, AccountSignIn, Facts, Method, Step};
use app::model::password::PasswordProblem;
use app::model::sign_in::{Notice, Pending, SignInStep, StartPage};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::federated;
use super::landing::{find, link_state, redeemer_at_invited, Link};
use crate::auth::codes::{self, Checked, Issued, Purpose};
use crate::auth::password_attempts::{Before, PasswordAttempt};
use crate::auth::rate_limit::{self, Limit};
use crate::auth::session::{self, Visit};
use crate::auth::{password, rate_limit::FAILURES_BEFORE_RESET};
use crate::clock::Clock;
use crate::federation::oidc::VerifiedIdentity;
use crate::federation::providers;
use crate::invitations::PENDING;
use crate::mail::templates::escape;
use crate::mail::{enqueue, OutgoingEmail};
use crate::secret::Secret;
use crate::store::audit::{self, AuditEntry};
use crate::store::entities::{identity, identity_provider, invitation, organization, user};

/// What a sign-in form needs besides its own fields.
pub struct Context<'a> {
    pub db: &'a DatabaseConnection,
    /// Keys the codes' HMACs.
    pub key: &'a [u8; 32],
    pub clock: &'a dyn Clock,
    /// The client's IP address, for the rate limits.
    pub address: &'a str,
    /// The page's language, for the emails.
    pub locale: Locale,
}

/// What a sign-in form did.
#[derive(Debug)]
pub enum Outcome {
    /// Back to the step, saying this.
    Notice(Notice),
    /// Signed in: this token replaces the browser's session cookie.
    SignedIn {
        token: String,
    },
    /// The link is no invitation's.
    NotFound,
    /// The form does not fit the step (any more): back to the step.
    Start,
    RateLimited,
    /// Too many passwords wait to be hashed: try again in a moment (503).
    Busy,
}

/// The order an organization keeps; one that does not read as a whole
/// order (edited by hand, say) falls back to the default.
pub fn stored_order(org: &organization::Model) -> Vec<Method> {
    let codes: Vec<&str> = org
        .redemption_order
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    app::model::discovery::parse_order(&codes.join(","))
        .unwrap_or_else(|_| Method::DEFAULT_ORDER.to_vec())
}

async fn user_by_email(
    conn: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(conn)
        .await
}

/// How the account of `user` signs in, if it is one yet, and through which
/// of `providers` when it is linked to one. Inviting creates the user; it
/// becomes an account with a password, a linked identity, or an address
/// proven by a code.
async fn account_of(
    conn: &impl ConnectionTrait,
    user: Option<&user::Model>,
    providers: &[identity_provider::Model],
) -> Result<(Option<AccountSignIn>, Option<identity_provider::Model>), DbErr> {
    let Some(user) = user else {
        return Ok((None, None));
    };
    if user.password_hash.is_some() {
        return Ok((Some(AccountSignIn::Password), None));
    }
    let linked = identity::Entity::find()
        .filter(identity::Column::UserId.eq(user.id))
        .all(conn)
        .await?;
    // A provider removed since no longer signs its identities in.
    let provider = linked
        .iter()
        .find_map(|i| providers.iter().find(|p| p.id.to_string() == i.provider));
    Ok(match provider {
        Some(provider) => (Some(AccountSignIn::Provider), Some(provider.clone())),
        None if user.email_verified => (Some(AccountSignIn::Passcode), None),
        None => (None, None),
    })
}

/// The step for an invited address, with the provider it signs in through.
pub(super) struct Found {
    pub step: Step,
    pub provider: Option<identity_provider::Model>,
}

/// The user whose redemption the invitation resets, if it resets one: that
/// user signs in anew, so their account's sign-in is not offered.
pub(super) fn reset_user(invitation: &invitation::Model) -> Option<Uuid> {
    let resetting = invitation.reset_redemption && invitation.status == PENDING;
    resetting.then_some(invitation.invited_user_id).flatten()
}

/// The step for the invited address of `link`.
async fn step_for(conn: &impl ConnectionTrait, link: &Link) -> Result<Found, DbErr> {
    let (org, email) = (&link.org, link.invitation.invited_email.as_str());
    let user = match reset_user(&link.invitation) {
        Some(_) => None,
        None => user_by_email(conn, email).await?,
    };
    let configured = providers::list(conn, org.id).await?;
    let (account, linked) = account_of(conn, user.as_ref(), &configured).await?;
    let candidates = providers::candidates(&configured, email);
    let facts = Facts {
        account,
        organization_idp: candidates.organization_idp.is_some(),
        google: candidates.google.is_some(),
        microsoft: candidates.microsoft.is_some(),
        passcode_enabled: org.email_otp_enabled,
    };
    let step = discover(&stored_order(org), email, &facts);
    let provider = match step {
        Step::SignIn(AccountSignIn::Provider) => linked,
        Step::OrganizationIdp => candidates.organization_idp,
        Step::Google => candidates.google,
        Step::Microsoft => candidates.microsoft,
        _ => None,
    };
    Ok(Found { step, provider })
}

/// The purpose of the code the step sends, if it sends one.
fn purpose_of(step: Step) -> Option<Purpose> {
    match step {
        Step::EmailPasscode | Step::SignIn(AccountSignIn::Passcode) => Some(Purpose::SignIn),
        Step::NewAccount => Some(Purpose::VerifyEmail),
        Step::SignIn(AccountSignIn::Password) => Some(Purpose::ResetPassword),
        _ => None,
    }
}

/// The invitation of the link if one can sign in through it, or what to
/// do instead: a pending one, or an accepted one whose redeemer is still
/// at the invited address (to go on with the later steps).
async fn invitation_of(
    conn: &impl ConnectionTrait,
    raw: &str,
    clock: &dyn Clock,
) -> Result<Result<Link, Outcome>, DbErr> {
    use app::model::landing::LinkState;
    let Some(link) = find(conn, raw, false).await? else {
        return Ok(Err(Outcome::NotFound));
    };
    let open = match link_state(&link.invitation, &link.ticket, clock.now()) {
        LinkState::Pending => true,
        LinkState::Accepted => redeemer_at_invited(conn, &link.invitation).await?,
        _ => false,
    };
    if !open {
        return Ok(Err(Outcome::Start));
    }
    Ok(Ok(link))
}

/// The pending invitation of the link and its step, for a browser that is
/// not signed in yet; anything else goes back to the step page, which says
/// what applies (continue, or switch account).
pub(super) async fn open_step(
    ctx: &Context<'_>,
    raw: &str,
    visit: &Visit,
) -> Result<Result<(Link, Found), Outcome>, DbErr> {
    let link = match invitation_of(ctx.db, raw, ctx.clock).await? {
        Ok(link) => link,
        Err(outcome) => return Ok(Err(outcome)),
    };
    if visit.user_id.is_some() {
        return Ok(Err(Outcome::Start));
    }
    let found = step_for(ctx.db, &link).await?;
    Ok(Ok((link, found)))
}

/// A new account waiting for its code: its address and password hash, kept
/// in the browser's session until the code arrives.
const NEW_ACCOUNT: &str = "new_account";

fn new_account_hash(visit: &Visit, email: &str) -> Option<String> {
    let waiting = &visit.data[NEW_ACCOUNT];
    (waiting["email"].as_str() == Some(email))
        .then(|| waiting["hash"].as_str().map(str::to_owned))
        .flatten()
}

/// What `/invite/{ticket}/start` shows this browser; `None` for an unknown link.
pub async fn start_page(
    db: &DatabaseConnection,
    raw: &str,
    visit: Option<&Visit>,
    clock: &dyn Clock,
) -> Result<Option<StartPage>, DbErr> {
    let link = match invitation_of(db, raw, clock).await? {
        Ok(link) => link,
        Err(Outcome::NotFound) => return Ok(None),
        Err(_) => {
            // Who redeemed an accepted invitation goes on where they are.
            let user_id = visit.and_then(|v| v.user_id);
            let redeemer = find(db, raw, false).await?.is_some_and(|l| {
                l.invitation.redeemed_by.is_some() && l.invitation.redeemed_by == user_id
            });
            return Ok(Some(if redeemer {
                StartPage::Continue
            } else {
                StartPage::Ended
            }));
        }
    };
    let email = link.invitation.invited_email.clone();
    if let Some(user_id) = visit.and_then(|v| v.user_id) {
        if let Some(user) = user::Entity::find_by_id(user_id).one(db).await? {
            return Ok(Some(if user.email == email {
                StartPage::Continue
            } else {
                StartPage::OtherAccount {
                    signed_in_as: user.email,
                    invited_email: email,
                }
            }));
        }
    }
    let Found { step, provider } = step_for(db, &link).await?;
    let pending = match (visit, purpose_of(step)) {
        (Some(visit), Some(purpose)) => {
            let who = codes::Request {
                purpose,
                email: &email,
                session_id: &visit.id,
            };
            let needs_account = purpose == Purpose::VerifyEmail;
            let waiting = codes::waiting(db, &who, clock).await?
                && (!needs_account || new_account_hash(visit, &email).is_some());
            waiting.then_some(match purpose {
                Purpose::SignIn => Pending::Passcode,
                Purpose::VerifyEmail => Pending::VerifyEmail,
                Purpose::ResetPassword => Pending::ResetPassword,
            })
        }
        _ => None,
    };
    let signed_in_elsewhere = visit.and_then(|v| federated::elsewhere(v, raw));
    // A passcode is a passcode to the page, so its data does not tell
    // whether the address has an account.
    let shown = match step {
        Step::SignIn(AccountSignIn::Passcode) => Step::EmailPasscode,
        other => other,
    };
    Ok(Some(StartPage::Step(SignInStep {
        org_name: link.org.name,
        invited_email: email,
        step: shown,
        pending,
        provider: provider.map(|p| p.display_name),
        signed_in_elsewhere,
    })))
}

/// Counts one request under both keys; `false` when either is over its limit.
async fn within(
    ctx: &Context<'_>,
    by_address: (&str, Limit),
    by_email: (&str, Limit),
) -> Result<bool, DbErr> {
    let address_ok = rate_limit::hit(ctx.db, by_address.0, by_address.1, ctx.clock).await?;
    let email_ok = rate_limit::hit(ctx.db, by_email.0, by_email.1, ctx.clock).await?;
    Ok(address_ok && email_ok)
}

/// A sign-in form of the link's step page.
pub enum StepForm {
    /// "Email me a code", "Send a new code", "Forgot your password?".
    SendCode(Purpose),
    Passcode(String),
    CreateAccount(Secret<String>),
    VerifyAccount(String),
    Password(Secret<String>),
    /// The reset code and the new password.
    Reset(String, Secret<String>),
}

/// Takes `form` from the step page of the link `raw`, for a browser not
/// yet signed in, when the form fits the link's step.
pub async fn submit(
    ctx: &Context<'_>,
    raw: &str,
    visit: &Visit,
    form: StepForm,
) -> Result<Outcome, DbErr> {
    let (link, found) = match open_step(ctx, raw, visit).await? {
        Ok(open) => open,
        Err(outcome) => return Ok(outcome),
    };
    let open = (&link, found.step);
    match form {
        StepForm::SendCode(purpose) => send_code(ctx, open, visit, purpose).await,
        StepForm::Passcode(code) => enter_passcode(ctx, open, visit, &code).await,
        StepForm::CreateAccount(password) => create_account(ctx, open, visit, password).await,
        StepForm::VerifyAccount(code) => verify_account(ctx, open, visit, &code).await,
        StepForm::Password(password) => enter_password(ctx, open, visit, password).await,
        StepForm::Reset(code, password) => reset_password(ctx, open, visit, &code, password).await,
    }
}

/// "Email me a code", "Send a new code" and "Forgot your password?": a code
/// for the step's purpose, to the invited address only.
async fn send_code(
    ctx: &Context<'_>,
    (link, step): (&Link, Step),
    visit: &Visit,
    purpose: Purpose,
) -> Result<Outcome, DbErr> {
    let email = link.invitation.invited_email.as_str();
    let fits = purpose_of(step) == Some(purpose)
        && (purpose != Purpose::VerifyEmail || new_account_hash(visit, email).is_some());
    if !fits {
        return Ok(Outcome::Start);
    }
    mail_code(ctx, link, visit, purpose).await
}

/// A code for `purpose` to the invited address, within the send limits.
async fn mail_code(
    ctx: &Context<'_>,
    link: &Link,
    visit: &Visit,
    purpose: Purpose,
) -> Result<Outcome, DbErr> {
    let email = link.invitation.invited_email.as_str();
    let allowed = within(
        ctx,
        (
            &rate_limit::per_client("code-send", ctx.address),
            rate_limit::CODE_SENDS_PER_ADDRESS,
        ),
        (
            &format!("code-send-to:{email}"),
            rate_limit::CODE_SENDS_PER_EMAIL,
        ),
    )
    .await?;
    if !allowed {
        return Ok(Outcome::RateLimited);
    }
    let who = codes::Request {
        purpose,
        email,
        session_id: &visit.id,
    };
    let txn = crate::store::begin_write(ctx.db).await?;
    let issued = codes::issue(&txn, ctx.key, &who, ctx.clock).await?;
    let notice = match issued {
        Issued::Code { code, .. } => {
            let mail = CodeEmail {
                locale: ctx.locale,
                to: email,
                org: &link.org.name,
                purpose,
                code: &code,
            };
            enqueue(&txn, mail.render(), ctx.clock).await?;
            Notice::CodeSent
        }
        Issued::TooSoon { wait_seconds } => Notice::TooSoon { wait: wait_seconds },
    };
    txn.commit().await?;
    Ok(Outcome::Notice(notice))
}

/// The entered code, under the per-address and per-email limits; the
/// notice to show unless it was accepted.
async fn check_code(
    ctx: &Context<'_>,
    purpose: Purpose,
    email: &str,
    visit: &Visit,
    entered: &str,
) -> Result<Result<(), Outcome>, DbErr> {
    let who = &codes::Request {
        purpose,
        email,
        session_id: &visit.id,
    };
    let allowed = within(
        ctx,
        (
            &rate_limit::per_client("code-check", ctx.address),
            rate_limit::CODE_CHECKS_PER_ADDRESS,
        ),
        (
            &format!("code-check-for:{}", who.email),
            rate_limit::CODE_CHECKS_PER_EMAIL,
        ),
    )
    .await?;
    if !allowed {
        return Ok(Err(Outcome::RateLimited));
    }
    Ok(
        match codes::check(ctx.db, ctx.key, who, entered, ctx.clock).await? {
            Checked::Accepted => Ok(()),
            Checked::Wrong { attempts_left } => Err(Outcome::Notice(Notice::WrongCode {
                left: attempts_left,
            })),
            Checked::Malformed => Err(Outcome::Notice(Notice::MalformedCode)),
            Checked::NeedNew => Err(Outcome::Notice(Notice::NeedNewCode)),
        },
    )
}

/// The one-time passcode: signs in as the invited address's account.
async fn enter_passcode(
    ctx: &Context<'_>,
    (link, step): (&Link, Step),
    visit: &Visit,
    entered: &str,
) -> Result<Outcome, DbErr> {
    let email = link.invitation.invited_email.as_str();
    if purpose_of(step) != Some(Purpose::SignIn) {
        return Ok(Outcome::Start);
    }
    if let Err(outcome) = check_code(ctx, Purpose::SignIn, email, visit, entered).await? {
        return Ok(outcome);
    }
    finish(ctx, link, visit, Proof::Passcode).await
}

/// "Create account": checks the password and keeps its hash with the
/// browser's session, then sends the code that proves the address. No
/// account exists until that code comes back.
async fn create_account(
    ctx: &Context<'_>,
    (link, step): (&Link, Step),
    visit: &Visit,
    new_password: Secret<String>,
) -> Result<Outcome, DbErr> {
    let email = link.invitation.invited_email.as_str();
    if step != Step::NewAccount {
        return Ok(Outcome::Start);
    }
    let hash = match hash_new_password(ctx, &new_password, email, &link.org).await? {
        Ok(hash) => hash,
        Err(outcome) => return Ok(outcome),
    };
    let waiting = json!({ "email": email, "hash": hash });
    session::set_visit_value(ctx.db, visit, NEW_ACCOUNT, waiting).await?;
    mail_code(ctx, link, visit, Purpose::VerifyEmail).await
}

/// The rule check, then the argon2 hash, within the limits on new
/// passwords per client and per address (counted before any hashing); what
/// to answer instead when one of those stops it.
async fn hash_new_password(
    ctx: &Context<'_>,
    new_password: &Secret<String>,
    email: &str,
    org: &organization::Model,
) -> Result<Result<String, Outcome>, DbErr> {
    let context = [email, org.name.as_str(), org.slug.as_str(), "lobby"];
    if let Err(problem) = password::acceptable(new_password.expose(), &context) {
        return Ok(Err(Outcome::Notice(match problem {
            PasswordProblem::TooShort { .. } => Notice::PasswordShort,
            PasswordProblem::TooLong { .. } => Notice::PasswordLong,
            PasswordProblem::Common => Notice::PasswordCommon,
        })));
    }
    let allowed = within(
        ctx,
        (
            &rate_limit::per_client("new-password", ctx.address),
            rate_limit::NEW_PASSWORDS_PER_ADDRESS,
        ),
        (
            &format!("new-password-for:{email}"),
            rate_limit::NEW_PASSWORDS_PER_EMAIL,
        ),
    )
    .await?;
    if !allowed {
        return Ok(Err(Outcome::RateLimited));
    }
    match password::hash(new_password.clone()).await {
        Ok(hash) => Ok(Ok(hash)),
        Err(password::HashError::Busy) => Ok(Err(Outcome::Busy)),
        Err(e) => Err(DbErr::Custom(e.to_string())),
    }
}

/// The code of a new account: the account now exists, with its password.
async fn verify_account(
    ctx: &Context<'_>,
    (link, step): (&Link, Step),
    visit: &Visit,
    entered: &str,
) -> Result<Outcome, DbErr> {
    let email = link.invitation.invited_email.as_str();
    let hash = new_account_hash(visit, email);
    let (Step::NewAccount, Some(hash)) = (step, hash) else {
        return Ok(Outcome::Start);
    };
    if let Err(outcome) = check_code(ctx, Purpose::VerifyEmail, email, visit, entered).await? {
        return Ok(outcome);
    }
    finish(ctx, link, visit, Proof::NewAccount { hash }).await
}

/// A returning account's password. Failures count per client address, per
/// email, and in a row on the account, which after
/// [`FAILURES_BEFORE_RESET`] takes a reset code.
async fn enter_password(
    ctx: &Context<'_>,
    (link, step): (&Link, Step),
    visit: &Visit,
    entered: Secret<String>,
) -> Result<Outcome, DbErr> {
    let email = link.invitation.invited_email.as_str();
    if step != Step::SignIn(AccountSignIn::Password) {
        return Ok(Outcome::Start);
    }
    let attempt = PasswordAttempt::new("password", email, ctx.address);
    let address_ok = rate_limit::hit(
        ctx.db,
        &rate_limit::per_client("password", ctx.address),
        rate_limit::SIGN_IN_PER_ADDRESS,
        ctx.clock,
    )
    .await?;
    if !address_ok {
        return Ok(Outcome::RateLimited);
    }
    match attempt.begin(ctx.db, ctx.clock).await? {
        Before::Refused => return Ok(Outcome::RateLimited),
        Before::Check(delay) => tokio::time::sleep(delay).await,
    }
    let Some(user) = user_by_email(ctx.db, email).await? else {
        return Ok(Outcome::Start);
    };
    if user.failed_sign_ins >= FAILURES_BEFORE_RESET {
        return Ok(Outcome::Notice(Notice::Locked));
    }
    let Ok(verified) = password::verify(entered, user.password_hash.clone()).await else {
        return Ok(Outcome::Busy);
    };
    if !verified {
        user::Entity::update_many()
            .col_expr(
                user::Column::FailedSignIns,
                Expr::col(user::Column::FailedSignIns).add(1),
            )
            .filter(user::Column::Id.eq(user.id))
            .exec(ctx.db)
            .await?;
        let locked = user.failed_sign_ins + 1 >= FAILURES_BEFORE_RESET;
        return Ok(Outcome::Notice(if locked {
            Notice::Locked
        } else {
            Notice::WrongPassword
        }));
    }
    attempt.succeeded(ctx.db).await?;
    finish(ctx, link, visit, Proof::Password).await
}

/// "Forgot your password?", second half: the reset code with a new
/// password. The account's other sessions end.
async fn reset_password(
    ctx: &Context<'_>,
    (link, step): (&Link, Step),
    visit: &Visit,
    entered: &str,
    new_password: Secret<String>,
) -> Result<Outcome, DbErr> {
    let email = link.invitation.invited_email.as_str();
    if step != Step::SignIn(AccountSignIn::Password) {
        return Ok(Outcome::Start);
    }
    // The password first, so that a code is used up only for a change.
    let hash = match hash_new_password(ctx, &new_password, email, &link.org).await? {
        Ok(hash) => hash,
        Err(outcome) => return Ok(outcome),
    };
    if let Err(outcome) = check_code(ctx, Purpose::ResetPassword, email, visit, entered).await? {
        return Ok(outcome);
    }
    finish(ctx, link, visit, Proof::Reset { hash }).await
}

/// How the invitee proved the address.
pub(super) enum Proof {
    Passcode,
    Password,
    NewAccount {
        hash: String,
    },
    Reset {
        hash: String,
    },
    /// A provider's verified identity; linked to the account unless it is already.
    Provider {
        provider_id: Uuid,
        identity: VerifiedIdentity,
    },
}

impl Proof {
    fn method(&self) -> &'static str {
        match self {
            Proof::Passcode => "email_otp",
            Proof::Password => "password",
            Proof::NewAccount { .. } => "new_account",
            Proof::Reset { .. } => "password_reset",
            Proof::Provider { .. } => "federated",
        }
    }
}

/// Signs the invitee in as the invited address's account: the account
/// takes what the proof brings, the browser's session is replaced by a new
/// one (a new id at sign-in), and an audit event is written, all at once.
pub(super) async fn finish(
    ctx: &Context<'_>,
    link: &Link,
    visit: &Visit,
    proof: Proof,
) -> Result<Outcome, DbErr> {
    let now = ctx.clock.now();
    let email = &link.invitation.invited_email;
    let txn = crate::store::begin_write(ctx.db).await?;
    let reset = reset_user(&link.invitation);
    if let Some(id) = reset {
        // The new address may have become another account's since the
        // invitation went out: that account stays as it is.
        let holder = user_by_email(&txn, email).await?;
        if holder.is_some_and(|other| other.id != id) {
            return Ok(Outcome::Notice(Notice::AddressTaken));
        }
    }
    let found = match reset {
        Some(id) => user::Entity::find_by_id(id).one(&txn).await?,
        None => user_by_email(&txn, email).await?,
    };
    let user = match found {
        Some(user) => user,
        // Inviting creates the user; this is for one removed since.
        None => {
            user::ActiveModel {
                id: Set(Uuid::new_v4()),
                email: Set(email.clone()),
                email_verified: Set(false),
                display_name: Set(link.invitation.invited_display_name.clone()),
                locale: Set(None),
                password_hash: Set(None),
                failed_sign_ins: Set(0),
                contact_email: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?
        }
    };
    let user_id = user.id;
    let earlier_email = user.email.clone();
    let user_locale = user.locale.as_deref().and_then(Locale::from_code);
    let mut account = user.into_active_model();
    account.email_verified = Set(true);
    account.updated_at = Set(now);
    if reset.is_some() {
        // A reset binds what proved the address now, and only that: the
        // account's earlier password and identities no longer sign it in.
        account.email = Set(email.clone());
        account.password_hash = Set(None);
        identity::Entity::delete_many()
            .filter(identity::Column::UserId.eq(user_id))
            .exec(&txn)
            .await?;
    }
    match &proof {
        Proof::NewAccount { hash } | Proof::Reset { hash } => {
            account.password_hash = Set(Some(hash.clone()));
            account.failed_sign_ins = Set(0);
        }
        Proof::Password => account.failed_sign_ins = Set(0),
        Proof::Passcode => {}
        Proof::Provider { .. } => {}
    }
    account.update(&txn).await?;
    if let Proof::Provider {
        provider_id,
        identity,
    } = &proof
    {
        federated::link_identity(&txn, user_id, *provider_id, identity, ctx.clock).await?;
    }
    if reset.is_some() || matches!(proof, Proof::Reset { .. }) {
        session::end_all_for(&txn, user_id).await?;
    }
    if reset.is_some() && earlier_email != *email {
        // The earlier address hears that its account moved, in case it was
        // not its owner's wish.
        let moved = MovedEmail {
            locale: user_locale
                .or_else(|| Locale::from_code(&link.org.default_locale))
                .unwrap_or_default(),
            to: &earlier_email,
            org: &link.org.name,
            new_email: email,
        };
        enqueue(&txn, moved.render(), ctx.clock).await?;
    }
    session::end_visit(&txn, &visit.id).await?;
    let token = session::start_visit(&txn, Some(user_id), ctx.clock).await?;
    let entry = AuditEntry {
        organization_id: Some(link.org.id),
        actor_id: Some(user_id),
        action: "customer.signed_in",
        target_type: "invitation",
        target_id: link.invitation.id.to_string(),
        details: json!({
            "method": proof.method(),
            "address": ctx.address,
            "reset_from": reset.map(|_| earlier_email),
        }),
    };
    audit::record(&txn, entry, ctx.clock).await?;
    txn.commit().await?;
    Ok(Outcome::SignedIn { token })
}

/// Tells an account's earlier address that a reset redemption moved the
/// account to another one.
struct MovedEmail<'a> {
    locale: Locale,
    to: &'a str,
    org: &'a str,
    new_email: &'a str,
}

impl MovedEmail<'_> {
    fn render(&self) -> OutgoingEmail {
        let s = self.locale.strings();
        let org = [("org", self.org)];
        let subject = fill(s.email_moved_subject, &org);
        let body = fill(
            s.email_moved_body,
            &[("org", self.org), ("email", self.new_email)],
        );
        let footer = fill(s.email_automatic_footer, &org);
        let html = format!("<p>{}</p><p>{}</p>", escape(&body), escape(&footer));
        let text = format!("{body}\n\n{footer}\n");
        OutgoingEmail::notice(self.locale, self.to, subject, text, &html)
    }
}

/// The email that carries a code, in the page's language.
struct CodeEmail<'a> {
    locale: Locale,
    to: &'a str,
    org: &'a str,
    purpose: Purpose,
    code: &'a Secret<String>,
}

impl CodeEmail<'_> {
    fn render(&self) -> OutgoingEmail {
        let s = self.locale.strings();
        let (subject, intro) = match self.purpose {
            Purpose::SignIn => (s.email_code_subject_sign_in, s.email_code_intro_sign_in),
            Purpose::VerifyEmail => (s.email_code_subject_verify, s.email_code_intro_verify),
            Purpose::ResetPassword => (s.email_code_subject_reset, s.email_code_intro_reset),
        };
        let org = [("org", self.org)];
        let (subject, intro) = (fill(subject, &org), fill(intro, &org));
        let code = self.code.expose();
        let html = format!(
            "<p>{}</p><p style=\"font-size:28px;letter-spacing:4px;font-weight:bold\">{}</p><p>{}</p>",
            escape(&intro),
            escape(code),
            escape(s.email_code_body)
        );
        let text = format!("{intro}\n\n    {code}\n\n{}\n", s.email_code_body);
        OutgoingEmail::notice(self.locale, self.to, subject, text, &html)
    }
}
