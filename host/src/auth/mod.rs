//! Registry credentials: the redacting [`Secret`] type, where credentials are looked up, helm-compatible
//! `registry login`/`logout` storage, and the parts of the Basic/Bearer flow that do not need the network
//! (challenge parsing, scopes, token responses; the requests themselves are made by `registry::transport`).

mod challenge;
mod secret;
mod store;

pub use challenge::{
    Challenge, DEFAULT_TOKEN_LIFETIME, MAX_TOKEN_RESPONSE, Scopes, Token, parse_challenge,
    parse_token_response, percent_encode, repository_scope, token_url,
};
pub use secret::{REDACTED, Secret, scrub};
pub use store::{
    AuthError, DOCKER_HUB_CONFIG_KEY, DOCKER_HUB_HOSTS, ENV_PASSWORD, ENV_USERNAME, Environment,
    docker_config_path, helm_registry_config_path, login, logout, lookup, lookup_in, store_key,
};

/// A username and password (or access token used as a password, as Docker Hub PATs are).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub username: String,
    pub password: Secret,
}

impl Credentials {
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self {
            username: username.into(),
            password: Secret::new(password),
        }
    }

    /// `Authorization: Basic …` header value.
    pub fn basic_authorization(&self) -> String {
        use base64::Engine as _;
        let raw = format!("{}:{}", self.username, self.password.expose());
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(raw)
        )
    }
}
