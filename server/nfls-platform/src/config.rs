//! Client configuration: base URL, the API token (and where it came from), team, timeouts, retries.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The public Northflank API.
pub const DEFAULT_BASE_URL: &str = "https://api.northflank.com";
/// Environment variable that overrides the base URL (the name Northflank's own SDKs use).
pub const BASE_URL_ENV: &str = "NORTHFLANK_API_BASE_URL";
/// Environment variable holding an API token.
pub const TOKEN_ENV: &str = "NORTHFLANK_API_TOKEN";

/// A Northflank API token.
///
/// The value is only reachable through [`Token::expose_secret`]; `Debug` and `Display` print
/// `Token(***)` so that a token can never leak through logging or error formatting by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Wraps a token value. Surrounding whitespace (a trailing newline from a file, say) is removed.
    pub fn new(value: impl Into<String>) -> Self {
        let value = value.into();
        let trimmed = value.trim();
        if trimmed.len() == value.len() {
            Token(value)
        } else {
            Token(trimmed.to_owned())
        }
    }

    /// The raw token, for the `Authorization` header and for redaction. Do not log it.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// Whether the token is empty (after trimming).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(***)")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(***)")
    }
}

/// Where a token was found. Never carries the token itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSource {
    /// The explicit setting (editor configuration or command-line flag).
    Setting,
    /// An environment variable (its name).
    Environment(&'static str),
    /// A file holding the token (its path).
    File(PathBuf),
}

impl fmt::Display for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenSource::Setting => f.write_str("the API token setting"),
            TokenSource::Environment(name) => write!(f, "the environment variable `{name}`"),
            TokenSource::File(path) => write!(f, "the token file `{}`", path.display()),
        }
    }
}

/// Why no usable token could be loaded.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The token file is configured but could not be read.
    #[error("could not read the token file `{path}`: {reason}")]
    UnreadableFile { path: PathBuf, reason: String },
    /// The token file exists but holds only whitespace.
    #[error("the token file `{path}` is empty")]
    EmptyFile { path: PathBuf },
}

/// Finds the API token: the explicit `setting` wins, then the `NORTHFLANK_API_TOKEN` environment
/// variable (looked up through `env`), then the contents of `token_file` (trimmed).
///
/// Empty or whitespace-only settings and variables count as unset, because editors commonly send
/// `""` for an option the user never filled in. Returns `Ok(None)` when no source is configured.
pub fn resolve_token(
    setting: Option<&str>,
    env: impl Fn(&str) -> Option<String>,
    token_file: Option<&Path>,
) -> Result<Option<(Token, TokenSource)>, TokenError> {
    if let Some(value) = setting {
        let token = Token::new(value);
        if !token.is_empty() {
            return Ok(Some((token, TokenSource::Setting)));
        }
    }
    if let Some(value) = env(TOKEN_ENV) {
        let token = Token::new(value);
        if !token.is_empty() {
            return Ok(Some((token, TokenSource::Environment(TOKEN_ENV))));
        }
    }
    if let Some(path) = token_file {
        let text = std::fs::read_to_string(path).map_err(|e| TokenError::UnreadableFile {
            path: path.to_owned(),
            reason: e.kind().to_string(),
        })?;
        let token = Token::new(text);
        if token.is_empty() {
            return Err(TokenError::EmptyFile {
                path: path.to_owned(),
            });
        }
        return Ok(Some((token, TokenSource::File(path.to_owned()))));
    }
    Ok(None)
}

/// [`resolve_token`] against the process environment.
pub fn resolve_token_from_env(
    setting: Option<&str>,
    token_file: Option<&Path>,
) -> Result<Option<(Token, TokenSource)>, TokenError> {
    resolve_token(setting, |name| std::env::var(name).ok(), token_file)
}

/// How failed requests are retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (so `max_retries + 1` requests at most).
    pub max_retries: u32,
    /// Delay before the first retry; doubled for each further retry.
    pub initial_backoff: Duration,
    /// Upper bound of a single backoff delay.
    pub max_backoff: Duration,
    /// The longest wait a rate-limit response may ask for before the client gives up instead of
    /// sleeping (an editor must not hang for an hour on `x-ratelimit-reset`).
    pub max_rate_limit_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_rate_limit_wait: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The delay before retry number `retry` (0-based): exponential, capped.
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX);
        self.initial_backoff
            .checked_mul(factor)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff)
    }
}

/// Everything a [`crate::Client`] needs.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Base URL without the `/v1` part, e.g. `https://api.northflank.com`.
    pub base_url: String,
    pub token: Token,
    /// When set, requests use the `/v1/teams/{teamId}/…` routes.
    pub team_id: Option<String>,
    /// Time limit of one attempt (connect + response + body).
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
    /// `list_all_*` helpers stop with an error after this many pages.
    pub max_pages: u32,
    /// Page size used by the `list_all_*` helpers (the API allows at most 100).
    pub page_size: u32,
}

impl ClientConfig {
    /// Defaults: the public API, 30 s per attempt, 3 retries, at most 50 pages of 100.
    pub fn new(token: Token) -> Self {
        ClientConfig {
            base_url: DEFAULT_BASE_URL.to_owned(),
            token,
            team_id: None,
            request_timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            max_pages: 50,
            page_size: 100,
        }
    }

    /// Like [`ClientConfig::new`], but the base URL comes from `NORTHFLANK_API_BASE_URL` when that
    /// is set and not empty.
    pub fn from_env(token: Token) -> Self {
        Self::with_env(token, |name| std::env::var(name).ok())
    }

    /// [`ClientConfig::from_env`] with an injectable environment (for tests).
    pub fn with_env(token: Token, env: impl Fn(&str) -> Option<String>) -> Self {
        let mut config = Self::new(token);
        if let Some(url) = env(BASE_URL_ENV) {
            let url = url.trim();
            if !url.is_empty() {
                config.base_url = url.to_owned();
            }
        }
        config
    }

    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    pub fn with_team(mut self, team_id: impl Into<String>) -> Self {
        self.team_id = Some(team_id.into());
        self
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn token_is_never_printed() {
        let token = Token::new("nf-secret-123\n");
        assert_eq!(format!("{token}"), "Token(***)");
        assert_eq!(format!("{token:?}"), "Token(***)");
        assert_eq!(token.expose_secret(), "nf-secret-123");
        let config = ClientConfig::new(token);
        assert!(!format!("{config:?}").contains("nf-secret"));
    }

    #[test]
    fn setting_wins_over_env_and_file() {
        let env = env_of(&[(TOKEN_ENV, "from-env")]);
        let (token, source) = resolve_token(Some(" from-setting "), env, None)
            .unwrap()
            .unwrap();
        assert_eq!(token.expose_secret(), "from-setting");
        assert_eq!(source, TokenSource::Setting);
    }

    #[test]
    fn empty_setting_falls_back_to_env() {
        let env = env_of(&[(TOKEN_ENV, "from-env")]);
        let (token, source) = resolve_token(Some("  "), env, None).unwrap().unwrap();
        assert_eq!(token.expose_secret(), "from-env");
        assert_eq!(source, TokenSource::Environment("NORTHFLANK_API_TOKEN"));
        assert_eq!(
            source.to_string(),
            "the environment variable `NORTHFLANK_API_TOKEN`"
        );
    }

    #[test]
    fn file_is_last_and_trimmed() {
        let dir = std::env::temp_dir().join(format!("nfls-token-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("token");
        std::fs::write(&path, "  file-token\r\n").unwrap();
        let (token, source) = resolve_token(None, env_of(&[(TOKEN_ENV, "")]), Some(&path))
            .unwrap()
            .unwrap();
        assert_eq!(token.expose_secret(), "file-token");
        assert_eq!(source, TokenSource::File(path.clone()));

        std::fs::write(&path, "\n\n").unwrap();
        let err = resolve_token(None, env_of(&[]), Some(&path)).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("the token file `{}` is empty", path.display())
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn missing_file_is_an_error_and_nothing_configured_is_none() {
        let path = Path::new("/nonexistent/nfls/token");
        let err = resolve_token(None, env_of(&[]), Some(path)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "could not read the token file `/nonexistent/nfls/token`: entity not found"
        );
        assert!(resolve_token(None, env_of(&[]), None).unwrap().is_none());
    }

    #[test]
    fn base_url_from_env() {
        let config = ClientConfig::with_env(
            Token::new("t"),
            env_of(&[(BASE_URL_ENV, "http://127.0.0.1:9/")]),
        );
        assert_eq!(config.base_url, "http://127.0.0.1:9/");
        let config = ClientConfig::with_env(Token::new("t"), env_of(&[(BASE_URL_ENV, " ")]));
        assert_eq!(config.base_url, DEFAULT_BASE_URL);
    }

    #[test]
    fn backoff_doubles_and_caps() {
        let policy = RetryPolicy {
            max_retries: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(700),
            max_rate_limit_wait: Duration::ZERO,
        };
        let delays: Vec<u128> = (0..5).map(|i| policy.backoff(i).as_millis()).collect();
        assert_eq!(delays, [100, 200, 400, 700, 700]);
        assert_eq!(policy.backoff(40), Duration::from_millis(700));
    }
}
