//! Typed configuration from environment variables and an optional `lobby.toml`.
//!
//! Every setting has an environment variable `LOBBY_…` (or `DATABASE_URL`) and
//! the same name in lower case, without the prefix, in `lobby.toml`. The
//! environment wins over the file. A bad value stops start-up with one message
//! that names the variable and says what it expects.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use lettre::message::Mailbox;
use serde::Deserialize;
use url::Url;

use crate::secret::Secret;

#[derive(Clone, Debug)]
pub struct Config {
    pub listen: SocketAddr,
    pub public_url: Url,
    pub database_url: String,
    /// `None`: the dev transport writes each message to `data_dir/mail`.
    pub smtp_url: Option<Secret<String>>,
    pub mail_from: Mailbox,
    pub org_name: String,
    /// `None`: customers see the organization's name.
    pub product_name: Option<String>,
    pub org_slug: String,
    pub accent_color: String,
    pub secret_key: SecretKey,
    pub log_format: LogFormat,
    pub data_dir: PathBuf,
    pub site_root: PathBuf,
    pub trusted_proxies: crate::http::client_address::TrustedProxies,
    /// `LOBBY_METRICS_LISTEN`: where `/metrics` is served on its own.
    pub metrics_listen: Option<SocketAddr>,
    /// `LOBBY_METRICS_TOKEN`: `/metrics` on the public port, behind it.
    pub metrics_token: Option<Secret<String>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// 32 bytes that sign and encrypt what Lobby keeps secret (sessions, client secrets).
#[derive(Clone, Debug)]
pub struct SecretKey(pub Secret<[u8; 32]>);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretKeySource {
    Given,
    /// Neither variable was set: a key was generated (or read) at this path.
    Generated(PathBuf),
}

/// Start-up refused: `variable` is the environment variable (or file key) at fault.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{variable}: {message}")]
pub struct ConfigError {
    pub variable: String,
    pub message: String,
}

/// A name people read (the organization's, the product's): trimmed, 1 to 100
/// characters, no control characters.
fn display_name(variable: &str, raw: &str) -> Result<String, ConfigError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(bad(
            variable,
            "expected a name of 1 to 100 characters without control characters",
        ));
    }
    Ok(name.to_owned())
}

fn bad(variable: &str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        variable: variable.to_owned(),
        message: message.into(),
    }
}

/// `lobby.toml`: the same settings as the environment, in lower case without `LOBBY_`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<String>,
    public_url: Option<String>,
    database_url: Option<String>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    org_name: Option<String>,
    product_name: Option<String>,
    org_slug: Option<String>,
    accent_color: Option<String>,
    secret_key: Option<String>,
    secret_key_file: Option<String>,
    log_format: Option<String>,
    data_dir: Option<String>,
    site_root: Option<String>,
    trusted_proxies: Option<String>,
    metrics_listen: Option<String>,
    metrics_token: Option<String>,
}

/// Every setting: (environment variable, default, what it expects) — the README table.
pub const SETTINGS: &[(&str, &str, &str)] = &[
    (
        "LOBBY_LISTEN",
        "127.0.0.1:3000",
        "address and port to listen on, like 127.0.0.1:3000",
    ),
    (
        "LOBBY_PUBLIC_URL",
        "http://<LOBBY_LISTEN>",
        "the http(s) URL users reach Lobby at, used in links and emails",
    ),
    (
        "DATABASE_URL",
        "sqlite://data/lobby.db",
        "a sqlite:// or postgres:// URL",
    ),
    (
        "LOBBY_SMTP_URL",
        "unset (dev transport)",
        "smtp://[user:password@]host[:port] or smtps://…; unset stores mail in <data dir>/mail",
    ),
    (
        "LOBBY_MAIL_FROM",
        "no-reply@localhost",
        "sender address; the organization's name is the display name",
    ),
    (
        "LOBBY_ORG_NAME",
        "Lobby",
        "display name of the organization created at first start",
    ),
    (
        "LOBBY_PRODUCT_NAME",
        "the organization's name",
        "the portal's name customers see in emails, page titles and footers",
    ),
    (
        "LOBBY_ORG_SLUG",
        "lobby",
        "URL name of that organization: 2–63 of a–z, 0–9 and -",
    ),
    (
        "LOBBY_ACCENT_COLOR",
        "#f26b21",
        "accent colour as #rgb or #rrggbb",
    ),
    (
        "LOBBY_SECRET_KEY",
        "generated into <data dir>/secret.key",
        "64 hex characters (32 bytes), e.g. from `openssl rand -hex 32`",
    ),
    (
        "LOBBY_SECRET_KEY_FILE",
        "unset",
        "a file holding the 64 hex characters (instead of LOBBY_SECRET_KEY)",
    ),
    ("LOBBY_LOG_FORMAT", "text", "text or json"),
    (
        "LOBBY_DATA_DIR",
        "data",
        "directory for the generated key and dev mail",
    ),
    (
        "LOBBY_SITE_ROOT",
        "target/site",
        "directory holding the built pkg/ (wasm, js, css)",
    ),
    (
        "LOBBY_TRUSTED_PROXIES",
        "empty",
        "addresses and CIDR ranges of reverse proxies whose Forwarded / X-Forwarded-For / X-Forwarded-Proto are believed, e.g. 127.0.0.1, 10.0.0.0/8",
    ),
    (
        "LOBBY_METRICS_LISTEN",
        "off",
        "address and port of a listener that serves only /metrics (Prometheus), like 127.0.0.1:9464",
    ),
    (
        "LOBBY_METRICS_TOKEN",
        "off",
        "a bearer token (at least 32 characters) that opens /metrics on the public port; without it /metrics is not served there",
    ),
];

impl Config {
    /// Reads the optional file, then the environment (through `env`, so tests need
    /// not touch the process environment). The secret key is resolved separately
    /// by [`Config::resolve_secret_key`] because it may have to write a file.
    pub fn load(
        file: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let from_file = match file {
            Some(path) => read_file(path)?,
            None => FileConfig::default(),
        };
        let get = |var: &str, file_value: &Option<String>| -> Option<String> {
            env(var)
                .filter(|v| !v.is_empty())
                .or_else(|| file_value.clone())
        };

        let listen_raw = get("LOBBY_LISTEN", &from_file.listen).unwrap_or("127.0.0.1:3000".into());
        let listen: SocketAddr = listen_raw.parse().map_err(|_| {
            bad(
                "LOBBY_LISTEN",
                format!("expected an address and port like 127.0.0.1:3000, got {listen_raw:?}"),
            )
        })?;

        let public_url = match get("LOBBY_PUBLIC_URL", &from_file.public_url) {
            Some(raw) => parse_public_url(&raw)?,
            None => parse_public_url(&format!("http://{listen}"))?,
        };

        let database_url =
            get("DATABASE_URL", &from_file.database_url).unwrap_or("sqlite://data/lobby.db".into());
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(bad(
                "DATABASE_URL",
                "expected a sqlite:// or postgres:// URL",
            ));
        }

        let smtp_url = get("LOBBY_SMTP_URL", &from_file.smtp_url)
            .map(|raw| validate_smtp_url(&raw).map(|()| Secret::new(raw)))
            .transpose()?;

        let org_name = display_name(
            "LOBBY_ORG_NAME",
            &get("LOBBY_ORG_NAME", &from_file.org_name).unwrap_or("Lobby".into()),
        )?;
        let product_name = get("LOBBY_PRODUCT_NAME", &from_file.product_name)
            .map(|raw| display_name("LOBBY_PRODUCT_NAME", &raw))
            .transpose()?;

        let org_slug = get("LOBBY_ORG_SLUG", &from_file.org_slug).unwrap_or("lobby".into());
        if !is_slug(&org_slug) {
            return Err(bad("LOBBY_ORG_SLUG", format!("expected 2 to 63 of a-z, 0-9 and -, not starting or ending with -, got {org_slug:?}")));
        }

        let mail_from_raw =
            get("LOBBY_MAIL_FROM", &from_file.mail_from).unwrap_or("no-reply@localhost".into());
        let address: lettre::Address = mail_from_raw.trim().parse().map_err(|_| {
            bad(
                "LOBBY_MAIL_FROM",
                format!(
                    "expected an email address like no-reply@example.com, got {mail_from_raw:?}"
                ),
            )
        })?;
        let mail_from = Mailbox::new(Some(org_name.clone()), address);

        let accent_color =
            get("LOBBY_ACCENT_COLOR", &from_file.accent_color).unwrap_or("#f26b21".into());
        if !is_hex_color(&accent_color) {
            return Err(bad(
                "LOBBY_ACCENT_COLOR",
                format!("expected a colour as #rgb or #rrggbb, got {accent_color:?}"),
            ));
        }

        let log_format = match get("LOBBY_LOG_FORMAT", &from_file.log_format).as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(bad(
                    "LOBBY_LOG_FORMAT",
                    format!("expected text or json, got {other:?}"),
                ))
            }
        };

        let data_dir =
            PathBuf::from(get("LOBBY_DATA_DIR", &from_file.data_dir).unwrap_or("data".into()));
        let site_root = PathBuf::from(
            get("LOBBY_SITE_ROOT", &from_file.site_root).unwrap_or("target/site".into()),
        );

        let trusted_proxies = crate::http::client_address::TrustedProxies::parse(
            &get("LOBBY_TRUSTED_PROXIES", &from_file.trusted_proxies).unwrap_or_default(),
        )
        .map_err(|e| {
            bad(
                "LOBBY_TRUSTED_PROXIES",
                format!("expected IP addresses or CIDR ranges separated by commas: {e}"),
            )
        })?;

        let metrics_listen = match get("LOBBY_METRICS_LISTEN", &from_file.metrics_listen) {
            Some(raw) => Some(raw.parse::<SocketAddr>().map_err(|_| {
                bad(
                    "LOBBY_METRICS_LISTEN",
                    format!("expected an address and port like 127.0.0.1:9464, got {raw:?}"),
                )
            })?),
            None => None,
        };
        let metrics_token = get("LOBBY_METRICS_TOKEN", &from_file.metrics_token).map(Secret::new);
        // Long enough not to be guessed.
        if metrics_token
            .as_ref()
            .is_some_and(|t| t.expose().len() < 32)
        {
            return Err(bad(
                "LOBBY_METRICS_TOKEN",
                "expected at least 32 characters",
            ));
        }

        let key_inline = get("LOBBY_SECRET_KEY", &from_file.secret_key);
        let key_file = get("LOBBY_SECRET_KEY_FILE", &from_file.secret_key_file);
        let secret_key = match (key_inline, key_file) {
            (Some(_), Some(_)) => {
                return Err(bad(
                    "LOBBY_SECRET_KEY",
                    "set either LOBBY_SECRET_KEY or LOBBY_SECRET_KEY_FILE, not both",
                ))
            }
            (Some(hex_key), None) => parse_key("LOBBY_SECRET_KEY", &hex_key)?,
            (None, Some(path)) => {
                let content = std::fs::read_to_string(&path).map_err(|e| {
                    bad("LOBBY_SECRET_KEY_FILE", format!("expected a readable file with 64 hex characters; cannot read {path:?}: {e}"))
                })?;
                parse_key("LOBBY_SECRET_KEY_FILE", &content)?
            }
            // Resolved by `resolve_secret_key`; a zero key never leaves this function.
            (None, None) => SecretKey(Secret::new([0; 32])),
        };

        Ok(Config {
            listen,
            public_url,
            database_url,
            smtp_url,
            mail_from,
            org_name,
            product_name,
            org_slug,
            accent_color,
            secret_key,
            log_format,
            data_dir,
            site_root,
            trusted_proxies,
            metrics_listen,
            metrics_token,
        })
    }

    /// The process environment and `lobby.toml` in the working directory when present.
    pub fn from_environment(file: Option<&Path>) -> Result<(Config, SecretKeySource), ConfigError> {
        let default_file = Path::new("lobby.toml");
        let file = file.or_else(|| default_file.exists().then_some(default_file));
        let env = |k: &str| std::env::var(k).ok();
        let mut config = Config::load(file, &env)?;
        let given = env("LOBBY_SECRET_KEY").is_some()
            || env("LOBBY_SECRET_KEY_FILE").is_some()
            || file.map(file_sets_key).unwrap_or(false);
        let source = if given {
            SecretKeySource::Given
        } else {
            config.secret_key = generated_key(&config.data_dir)?;
            SecretKeySource::Generated(config.data_dir.join("secret.key"))
        };
        Ok((config, source))
    }

    /// Where the dev transport stores messages.
    pub fn dev_mail_dir(&self) -> PathBuf {
        self.data_dir.join("mail")
    }
}

fn read_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        bad(
            &path.display().to_string(),
            format!("cannot read the configuration file: {e}"),
        )
    })?;
    toml::from_str(&text).map_err(|e| {
        bad(
            &path.display().to_string(),
            format!(
                "expected only the documented settings (see README): {}",
                e.message()
            ),
        )
    })
}

fn file_sets_key(path: &Path) -> bool {
    read_file(path)
        .map(|f| f.secret_key.is_some() || f.secret_key_file.is_some())
        .unwrap_or(false)
}

/// Outside production a key is generated once and kept, so sessions survive restarts.
fn generated_key(data_dir: &Path) -> Result<SecretKey, ConfigError> {
    let path = data_dir.join("secret.key");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        return parse_key("LOBBY_SECRET_KEY_FILE", &existing);
    }
    let key: [u8; 32] = rand::random();
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(data_dir)?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        std::io::Write::write_all(&mut options.open(&path)?, hex::encode(key).as_bytes())
    };
    write().map_err(|e| {
        bad(
            "LOBBY_SECRET_KEY",
            format!(
                "unset, and no key could be generated at {}: {e}",
                path.display()
            ),
        )
    })?;
    Ok(SecretKey(Secret::new(key)))
}

fn parse_key(variable: &str, raw: &str) -> Result<SecretKey, ConfigError> {
    let bytes = hex::decode(raw.trim()).ok().filter(|b| b.len() == 32);
    match bytes.and_then(|b| <[u8; 32]>::try_from(b).ok()) {
        Some(key) => Ok(SecretKey(Secret::new(key))),
        None => Err(bad(
            variable,
            "expected 64 hex characters (32 bytes), e.g. from `openssl rand -hex 32`",
        )),
    }
}

fn parse_public_url(raw: &str) -> Result<Url, ConfigError> {
    let expected = "expected an http:// or https:// URL without query or fragment, like https://lobby.example.com";
    let url = Url::parse(raw.trim())
        .map_err(|_| bad("LOBBY_PUBLIC_URL", format!("{expected}, got {raw:?}")))?;
    if !matches!(url.scheme(), "http" | "https")
        || url.host().is_none()
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(bad("LOBBY_PUBLIC_URL", format!("{expected}, got {raw:?}")));
    }
    Ok(url)
}

fn validate_smtp_url(raw: &str) -> Result<(), ConfigError> {
    // Never echo the value: it may hold a password.
    let expected =
        "expected smtp://[user:password@]host[:port] or smtps://[user:password@]host[:port]";
    let url = Url::parse(raw).map_err(|_| bad("LOBBY_SMTP_URL", expected))?;
    if !matches!(url.scheme(), "smtp" | "smtps") || url.host_str().is_none_or(str::is_empty) {
        return Err(bad("LOBBY_SMTP_URL", expected));
    }
    lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(raw)
        .map(|_| ())
        .map_err(|_| bad("LOBBY_SMTP_URL", expected))
}

fn is_slug(s: &str) -> bool {
    (2..=63).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn is_hex_color(s: &str) -> bool {
    s.strip_prefix('#')
        .is_some_and(|hex| matches!(hex.len(), 3 | 6) && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// For tests and tools: an environment given as pairs.
pub fn env_from(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: BTreeMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k| map.get(k).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::load(None, &env_from(pairs))
    }

    #[test]
    fn defaults_serve_sqlite_on_loopback() {
        let c = load(&[]).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(c.public_url.as_str(), "http://127.0.0.1:3000/");
        assert_eq!(c.database_url, "sqlite://data/lobby.db");
        assert!(c.smtp_url.is_none());
        assert_eq!(c.mail_from.to_string(), "Lobby <no-reply@localhost>");
        assert_eq!(c.accent_color, "#f26b21");
        assert_eq!(c.log_format, LogFormat::Text);
        assert!(
            c.metrics_listen.is_none() && c.metrics_token.is_none(),
            "no /metrics unless asked for"
        );
        assert_eq!(
            c.product_name, None,
            "customers see the organization's name"
        );
        let named = load(&[("LOBBY_PRODUCT_NAME", " GFMS Partner Portal ")]).unwrap();
        assert_eq!(named.product_name.as_deref(), Some("GFMS Partner Portal"));
    }

    #[test]
    fn each_bad_value_names_its_variable() {
        let cases = [
            ("LOBBY_LISTEN", "localhost"),
            ("LOBBY_PUBLIC_URL", "ftp://example.com"),
            ("LOBBY_PUBLIC_URL", "lobby.example.com"),
            ("DATABASE_URL", "mysql://x"),
            ("LOBBY_SMTP_URL", "http://mail.example.com"),
            ("LOBBY_MAIL_FROM", "not an address"),
            ("LOBBY_ORG_NAME", "   "),
            ("LOBBY_PRODUCT_NAME", "   "),
            ("LOBBY_PRODUCT_NAME", "Partner\nPortal"),
            ("LOBBY_ORG_SLUG", "Has Spaces"),
            ("LOBBY_ACCENT_COLOR", "orange"),
            ("LOBBY_SECRET_KEY", "tooshort"),
            ("LOBBY_SECRET_KEY_FILE", "/nonexistent/lobby.key"),
            ("LOBBY_LOG_FORMAT", "yaml"),
            ("LOBBY_METRICS_LISTEN", "9464"),
            ("LOBBY_METRICS_TOKEN", "short"),
        ];
        for (var, value) in cases {
            let err = load(&[(var, value)]).unwrap_err();
            assert_eq!(err.variable, var, "{var}={value:?} gave {err}");
            assert!(
                err.to_string().starts_with(&format!("{var}: expected")),
                "{err}"
            );
        }
    }

    #[test]
    fn smtp_password_is_not_echoed() {
        let err = load(&[("LOBBY_SMTP_URL", "imap://user:s3cretpw@host")]).unwrap_err();
        assert!(!err.to_string().contains("s3cretpw"));
        let ok = load(&[(
            "LOBBY_SMTP_URL",
            "smtps://user:s3cretpw@mail.example.com:465",
        )])
        .unwrap();
        assert!(!format!("{ok:?}").contains("s3cretpw"));
    }

    #[test]
    fn key_is_parsed_and_both_sources_conflict() {
        let hex_key = "ab".repeat(32);
        let c = load(&[("LOBBY_SECRET_KEY", &hex_key)]).unwrap();
        assert_eq!(c.secret_key.0.expose(), &[0xab; 32]);
        let err = load(&[
            ("LOBBY_SECRET_KEY", &hex_key),
            ("LOBBY_SECRET_KEY_FILE", "/x"),
        ])
        .unwrap_err();
        assert_eq!(err.variable, "LOBBY_SECRET_KEY");
    }

    #[test]
    fn file_is_read_and_environment_wins() {
        let dir = std::env::temp_dir().join(format!("lobby-config-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("lobby.toml");
        std::fs::write(&path, "org_name = \"GFMS\"\nlisten = \"127.0.0.1:4000\"\n").unwrap();
        let c = Config::load(
            Some(&path),
            &env_from(&[("LOBBY_LISTEN", "127.0.0.1:5000")]),
        )
        .unwrap();
        assert_eq!(c.org_name, "GFMS");
        assert_eq!(c.listen.port(), 5000);

        std::fs::write(&path, "org_name = \"GFMS\"\ncolour = \"red\"\n").unwrap();
        let err = Config::load(Some(&path), &env_from(&[])).unwrap_err();
        assert!(err.to_string().contains("unknown field `colour`"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn every_setting_is_documented_and_accepted_by_the_file() {
        let readme = include_str!("../../README.md");
        for (var, _, _) in SETTINGS {
            assert!(
                readme.contains(&format!("| `{var}` |")),
                "README lacks {var}"
            );
            let key = var.trim_start_matches("LOBBY_").to_lowercase();
            let parsed: Result<FileConfig, _> = toml::from_str(&format!("{key} = \"x\""));
            assert!(parsed.is_ok(), "lobby.toml does not accept {key}");
        }
    }

    #[test]
    fn generated_key_is_kept_between_starts() {
        let dir = std::env::temp_dir().join(format!("lobby-key-{}", uuid::Uuid::new_v4()));
        let first = generated_key(&dir).unwrap();
        let second = generated_key(&dir).unwrap();
        assert_eq!(first.0.expose(), second.0.expose());
        assert_ne!(first.0.expose(), &[0; 32]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
