//! `lobby`: the command line. `lobby serve` (the default) runs the portal;
//! `lobby migrate` applies database migrations and exits.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use lobby::config::{Config, LogFormat, SecretKeySource};

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

fn init_tracing(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}
