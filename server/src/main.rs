//! `lobby`: the command line. `lobby serve` (the default) runs the portal;
//! `lobby migrate` applies database migrations and exits; `lobby admin create`
//! adds an organization admin.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use lobby::config::{Config, LogFormat, SecretKeySource};

// glibc's malloc serialized the server's threads on its arena locks under
// load (a quarter of a landing page's time, perf); mimalloc keeps a heap per
// thread.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "lobby",
    version,
    about = "Invitation redemption and customer onboarding portal"
)]
struct Cli {
    /// Configuration file (default: ./lobby.toml when present). Environment variables win.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve Lobby (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Manage operators of the organization.
    Admin {
        #[command(subcommand)]
        action: AdminAction,
    },
    /// Manage personal API tokens for the /v1.0 API.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Manage the seller's apps that sign customers in through Lobby (OpenID Connect).
    App {
        #[command(subcommand)]
        action: AppAction,
    },
    /// Manage the endpoints that receive signed webhooks of the organization's events.
    Webhook {
        #[command(subcommand)]
        action: WebhookAction,
    },
    /// Manage the keys that sign the tokens Lobby issues to apps.
    Keys {
        #[command(subcommand)]
        action: KeysAction,
    },
}

#[derive(Subcommand)]
enum AppAction {
    /// Register an app; prints its client id and, for a confidential app,
    /// its secret (once: only its hash is kept).
    Create {
        #[arg(long)]
        name: String,
        /// An exact redirect URI (https; http only on loopback). Repeatable.
        #[arg(long = "redirect-uri", required = true)]
        redirect_uris: Vec<String>,
        /// Where the app may send customers after signing out. Repeatable.
        #[arg(long = "post-logout-uri")]
        post_logout_uris: Vec<String>,
        /// A public app (in a browser or on a device): no secret, PKCE only.
        #[arg(long)]
        public: bool,
        /// Where the app's tile on the welcome page leads.
        #[arg(long = "launch-url")]
        launch_url: Option<String>,
        /// Only customers who are their company's admin may use it.
        #[arg(long = "company-admins-only")]
        company_admins_only: bool,
        /// A scope it may ask for besides openid: profile, email. Repeatable;
        /// both when none is given.
        #[arg(long = "scope")]
        scopes: Vec<String>,
    },
    /// List the apps, one per line: client id, kind, name, redirect URIs.
    List,
    /// Remove an app; the tokens it holds stop working.
    Delete {
        #[arg(long = "client-id")]
        client_id: String,
    },
}

#[derive(Subcommand)]
enum WebhookAction {
    /// Register an endpoint; prints its id and signing secret (once).
    Create {
        /// Where deliveries are posted (https; http only on loopback).
        #[arg(long)]
        url: String,
        /// An event it receives: invitation.created, invitation.accepted,
        /// invitation.revoked, company.created, consent.given, user.deleted,
        /// import.finished. Repeatable.
        #[arg(long = "event", required = true)]
        events: Vec<String>,
        /// Allow private, loopback and link-local addresses for it.
        #[arg(long = "allow-private")]
        allow_private: bool,
    },
    /// List the endpoints, one per line: id, URL, events.
    List,
    /// Remove an endpoint and its deliveries.
    Delete {
        #[arg(long)]
        id: uuid::Uuid,
    },
}

#[derive(Subcommand)]
enum KeysAction {
    /// Publish a new signing key now; it signs from five minutes on, and
    /// the key it replaces stays published until its last token expired.
    Rotate,
}

#[derive(Subcommand)]
enum TokenAction {
    /// Create a token for an operator; it is printed once and never again.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
    },
    /// Revoke a token by its id.
    Revoke {
        #[arg(long)]
        id: uuid::Uuid,
    },
}

#[derive(Subcommand)]
enum AdminAction {
    /// Create an organization admin. The password comes from
    /// LOBBY_ADMIN_PASSWORD, else from standard input (asked for on a terminal).
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (config, key_source) = match Config::from_environment(cli.config.as_deref()) {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("lobby: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    init_tracing(config.log_format);
    if let SecretKeySource::Generated(path) = &key_source {
        tracing::warn!(path = %path.display(), "LOBBY_SECRET_KEY is not set: using a generated key (set it in production)");
    }

    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("lobby: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => lobby::run(config, lobby::shutdown_signal()).await,
            Command::Migrate => {
                let db = lobby::store::connect(&config.database_url).await?;
                lobby::store::migrate(&db).await?;
                tracing::info!("migrations applied");
                Ok(())
            }
            Command::Admin {
                action: AdminAction::Create { email, name },
            } => create_admin(&config, email, name).await,
            Command::Token { action } => manage_tokens(&config, action).await,
            Command::App { action } => manage_apps(&config, action).await,
            Command::Webhook { action } => manage_webhooks(&config, action).await,
            Command::Keys {
                action: KeysAction::Rotate,
            } => rotate_keys(&config).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "lobby stopped with an error");
            eprintln!("lobby: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn create_admin(
    config: &Config,
    email: String,
    name: Option<String>,
) -> Result<(), lobby::StartError> {
    use lobby::operators::{create_operator, NewOperator, Role};
    let password = match std::env::var("LOBBY_ADMIN_PASSWORD") {
        Ok(p) => p,
        Err(_) => read_password(&email)?,
    };
    let clock = lobby::clock::SystemClock;
    let (db, org) = lobby::store::open(config, &clock).await?;
    let new = NewOperator {
        organization_id: org.id,
        email,
        display_name: name,
        password: lobby::secret::Secret::new(password),
        role: Role::Admin,
        actor: None,
    };
    match create_operator(&db, new, &clock).await {
        Ok(user) => {
            println!("created admin {} ({}) of {}", user.email, user.id, org.name);
            Ok(())
        }
        Err(e) => Err(lobby::StartError::Refused(e.to_string())),
    }
}

async fn manage_tokens(config: &Config, action: TokenAction) -> Result<(), lobby::StartError> {
    let clock = lobby::clock::SystemClock;
    let (db, org) = lobby::store::open(config, &clock).await?;
    match action {
        TokenAction::Create { email, name } => {
            let operator = lobby::operators::find_operator(&db, org.id, &email).await?;
            let Some(operator) = operator else {
                return Err(lobby::StartError::Refused(format!(
                    "no operator of {} has the email address {email}",
                    org.name
                )));
            };
            let created = lobby::api_tokens::create(&db, operator.id, org.id, &name, &clock)
                .await
                .map_err(|e| lobby::StartError::Refused(e.to_string()))?;
            println!("{}", created.token.expose());
            eprintln!(
                "token {} for {}: store it now, it is not shown again",
                created.id, operator.email
            );
            Ok(())
        }
        TokenAction::Revoke { id } => {
            if lobby::api_tokens::revoke(&db, id, None, &clock).await? {
                println!("revoked token {id}");
                Ok(())
            } else {
                Err(lobby::StartError::Refused(format!(
                    "no live token has the id {id}"
                )))
            }
        }
    }
}

async fn manage_apps(config: &Config, action: AppAction) -> Result<(), lobby::StartError> {
    use lobby::provider::apps;
    let clock = lobby::clock::SystemClock;
    let (db, org) = lobby::store::open(config, &clock).await?;
    match action {
        AppAction::Create {
            name,
            redirect_uris,
            post_logout_uris,
            public,
            launch_url,
            company_admins_only,
            scopes,
        } => {
            let scopes = if scopes.is_empty() {
                app::model::apps::SCOPES.map(str::to_owned).to_vec()
            } else {
                app::model::apps::with_openid(scopes)
            };
            let registration = apps::Registration {
                organization_id: org.id,
                app: app::model::apps::NewApp {
                    name: name.trim().to_owned(),
                    redirect_uris,
                    post_logout_uris,
                    launch_url,
                    public,
                    company_admins_only,
                    scopes,
                },
                actor: None,
            };
            let created = match apps::create(&db, registration, &clock).await {
                Ok(created) => created,
                Err(apps::AppError::Invalid(problems)) => {
                    // The dashboard's words for what is wrong, in English.
                    let s = app::i18n::Locale::En.dashboard_strings();
                    let said: Vec<String> = problems
                        .iter()
                        .map(|p| app::pages::admin::apps::problem_text(s, p))
                        .collect();
                    return Err(lobby::StartError::Refused(said.join("; ")));
                }
                Err(apps::AppError::Database(e)) => return Err(e.into()),
            };
            println!("client_id: {}", created.client_id);
            if let Some(secret) = created.secret {
                println!("client_secret: {}", secret.expose());
                eprintln!("store the client secret now: it is not shown again");
            }
            Ok(())
        }
        AppAction::List => {
            for app in apps::list(&db, org.id).await? {
                let kind = if apps::is_public(&app) {
                    "public"
                } else {
                    "confidential"
                };
                let uris = apps::redirect_uris(&app).join(" ");
                let scopes = apps::row(&app).scopes.join(" ");
                println!("{}\t{kind}\t{}\t{uris}\t{scopes}", app.client_id, app.name);
            }
            Ok(())
        }
        AppAction::Delete { client_id } => {
            if apps::delete(&db, org.id, &client_id, None, &clock).await? {
                println!("deleted app {client_id}");
                Ok(())
            } else {
                Err(lobby::StartError::Refused(format!(
                    "no app of {} has the client id {client_id}",
                    org.name
                )))
            }
        }
    }
}

async fn manage_webhooks(config: &Config, action: WebhookAction) -> Result<(), lobby::StartError> {
    use lobby::webhooks::endpoints;
    let clock = lobby::clock::SystemClock;
    let (db, org) = lobby::store::open(config, &clock).await?;
    let refused = |problems: Vec<app::model::webhooks::WebhookProblem>| {
        // The dashboard's words for what is wrong, in English.
        let s = app::i18n::Locale::En.dashboard_strings();
        let said: Vec<String> = problems
            .iter()
            .map(|p| app::pages::admin::webhooks::problem_text(s, p))
            .collect();
        lobby::StartError::Refused(said.join("; "))
    };
    match action {
        WebhookAction::Create {
            url,
            events,
            allow_private,
        } => {
            let webhook = app::model::webhooks::NewWebhook::named(&url, &events, allow_private)
                .map_err(refused)?;
            let registration = endpoints::Registration {
                organization_id: org.id,
                webhook,
                actor: None,
            };
            let key = config.secret_key.0.expose();
            let created = match endpoints::create(&db, key, registration, &clock).await {
                Ok(created) => created,
                Err(endpoints::WebhookError::Invalid(problems)) => return Err(refused(problems)),
                Err(endpoints::WebhookError::Database(e)) => return Err(e.into()),
            };
            println!("id: {}", created.id);
            println!("secret: {}", created.secret.expose());
            eprintln!("store the signing secret now: it is not shown again");
            Ok(())
        }
        WebhookAction::List => {
            for endpoint in endpoints::list(&db, org.id).await? {
                let events: Vec<&str> = endpoint
                    .events
                    .as_array()
                    .map(|a| a.iter().filter_map(|e| e.as_str()).collect())
                    .unwrap_or_default();
                println!("{}\t{}\t{}", endpoint.id, endpoint.url, events.join(" "));
            }
            Ok(())
        }
        WebhookAction::Delete { id } => {
            if endpoints::delete(&db, org.id, id, None, &clock).await? {
                println!("deleted webhook endpoint {id}");
                Ok(())
            } else {
                Err(lobby::StartError::Refused(format!(
                    "no webhook endpoint of {} has the id {id}",
                    org.name
                )))
            }
        }
    }
}

async fn rotate_keys(config: &Config) -> Result<(), lobby::StartError> {
    let clock = lobby::clock::SystemClock;
    let (db, _) = lobby::store::open(config, &clock).await?;
    let key = config.secret_key.0.expose();
    let kid = lobby::provider::keys::rotate(&db, key, &clock)
        .await
        .map_err(|e| lobby::StartError::Refused(e.to_string()))?;
    println!("published key {kid}; it signs from five minutes on");
    Ok(())
}

/// One line from standard input; on a terminal it is asked for without echo.
fn read_password(email: &str) -> Result<String, lobby::StartError> {
    use std::io::{BufRead, IsTerminal};
    let refused =
        |e: std::io::Error| lobby::StartError::Refused(format!("cannot read the password: {e}"));
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password(format!("Password for {email}: ")).map_err(refused);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(refused)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn init_tracing(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    // Logs go to stderr: stdout carries what a command prints (a token, say).
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}
