//! An invitee proves who they are (architecture.md §3.2–3.3). The step shown is the
//! first of the organization's order that applies to the invited address,
//! and every way in ends signed in as the account that owns that address:
//! codes go only to it, and passwords are those of its account. So a
//! forwarded link is no use to anyone else.

use app::i18n::{fill, Locale};
use app::model::discovery::{is_federated, AccountSignIn, Step};
use app::model::password::PasswordProblem;
use app::model::sign_in::{Notice, Pending, SignInStep, StartPage};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use serde_json::json;

use super::admin_approval::{self, Ask};
use super::federated;
use super::finish::{finish, user_by_email, Context, Outcome, Proof};
use super::landing::{find, Link};
use super::step::{self, invitation_of, open_step, step_for, Found};
use crate::auth::codes::{self, Checked, Issued, Purpose};
use crate::auth::password_attempts::{Before, PasswordAttempt};
use crate::auth::rate_limit::{self, Limit};
use crate::auth::session::{self, Visit};
use crate::auth::{password, rate_limit::FAILURES_BEFORE_RESET};
use crate::clock::Clock;
use crate::mail::{enqueue, OutgoingEmail};
use crate::secret::Secret;
use crate::store::entities::{organization, user};

/// The purpose of the code the step sends, if it sends one.
fn purpose_of(step: Step) -> Option<Purpose> {
    match step {
        Step::EmailPasscode | Step::SignIn(AccountSignIn::Passcode) => Some(Purpose::SignIn),
        Step::NewAccount => Some(Purpose::VerifyEmail),
        Step::SignIn(AccountSignIn::Password) => Some(Purpose::ResetPassword),
        _ => None,
    }
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
    let chosen = step::chosen(visit, raw);
    let Found {
        step,
        provider,
        alternatives,
        left,
    } = step_for(db, &link, chosen).await?;
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
    let admin_approval = match visit.filter(|_| is_federated(step)) {
        Some(visit) => admin_approval::waiting(db, visit, raw, clock).await?,
        None => None,
    };
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
        alternatives,
        left_provider: left.map(|p| p.display_name),
        admin_approval,
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
    /// "Sign in another way" (a method's code), or back to the provider.
    Choose(String),
    /// "Email the link to them": the approval link to the IT administrator.
    AskAdmin(Ask),
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
        StepForm::Choose(method) => step::choose(ctx, raw, visit, &found, &method).await,
        StepForm::AskAdmin(_) if !is_federated(found.step) => Ok(Outcome::Start),
        StepForm::AskAdmin(ask) => admin_approval::ask(ctx, raw, visit, &link, ask).await,
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
        let s = self.locale.server_strings();
        let (subject, intro) = match self.purpose {
            Purpose::SignIn => (s.email_code_subject_sign_in, s.email_code_intro_sign_in),
            Purpose::VerifyEmail => (s.email_code_subject_verify, s.email_code_intro_verify),
            Purpose::ResetPassword => (s.email_code_subject_reset, s.email_code_intro_reset),
        };
        let org = [("org", self.org)];
        let (subject, intro) = (fill(subject, &org), fill(intro, &org));
        let code = self.code.expose();
        let html = crate::html!(
            "<p>{intro}</p><p style=\"font-size:28px;letter-spacing:4px;font-weight:bold\">{code}</p><p>{body}</p>",
            intro = intro,
            code = code,
            body = s.email_code_body,
        );
        let text = format!("{intro}\n\n    {code}\n\n{}\n", s.email_code_body);
        OutgoingEmail::notice(self.locale, self.to, subject, text, html)
    }
}
