//! Who may read the archive: access tokens, and the rule that an exposed server needs one.
//!
//! A newsroom's archive holds unpublished material, so a server that others can reach
//! asks every API request for `Authorization: Bearer TOKEN`, where the token is one
//! given with `--token` / `BAOKU_TOKEN` or a line of `--token-file` (one per user; the
//! file is read again when it changes, so a colleague can be added or removed without a
//! restart). The page and its files, the OpenAPI description and `/healthz` hold no
//! archive data and stay open, so that a browser can load the page that asks for the
//! token, and a monitor can check the server.
//!
//! Tokens are kept only as SHA-256 digests and compared in constant time, all of them
//! every time, so the time an answer takes says nothing about how close a guess came.
//! No token ever reaches a log line, an error message or a `Debug` print. This module
//! must not decide anything else about a request (limits live in [`super::limits`]).

use super::api::ApiError;
use super::api::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};
use subtle::ConstantTimeEq;

/// Shortest token accepted: a guessable token protects nothing.
pub const MIN_TOKEN_CHARS: usize = 16;

/// How often the token file is checked for changes.
pub const RELOAD_EVERY: Duration = Duration::from_secs(1);

/// Paths open to anyone: the page and its files (compiled in, no archive data), the
/// published API description, and the liveness check.
const OPEN_PATHS: &[&str] = &[
    "/",
    "/app.js",
    "/style.css",
    "/api/openapi.json",
    "/healthz",
];

/// A SHA-256 digest of one token.
type Digest = [u8; 32];

fn digest(token: &[u8]) -> Digest {
    let mut out = [0u8; 32];
    out.copy_from_slice(ring::digest::digest(&ring::digest::SHA256, token).as_ref());
    out
}

/// Checks that `token` can be sent in an HTTP header and is long enough to be a secret.
/// The message never repeats the token.
pub fn check_token(token: &str) -> Result<(), String> {
    if token.chars().count() < MIN_TOKEN_CHARS {
        return Err(format!(
            "a token must be at least {MIN_TOKEN_CHARS} characters (e.g. `openssl rand -hex 16`)"
        ));
    }
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("a token may hold only printable ASCII without spaces".to_string());
    }
    Ok(())
}

/// Reads a token file: one token per line; blank lines and lines starting with `#`
/// are skipped. Errors name the file and line, never the token.
pub fn read_token_file(path: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("--token-file {}: {e}", path.display()))?;
    let mut tokens = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        check_token(line).map_err(|e| format!("{}:{}: {e}", path.display(), n + 1))?;
        tokens.push(line.to_string());
    }
    if tokens.is_empty() {
        return Err(format!(
            "--token-file {}: no tokens in it (one per line)",
            path.display()
        ));
    }
    Ok(tokens)
}

/// A token as the command line gave it: its `Debug` form hides it.
#[derive(Clone)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(hidden)")
    }
}

/// Reads `--token` into a [`Secret`] (it is checked when the server starts).
pub fn parse_secret(text: &str) -> Result<Secret, String> {
    Ok(Secret(text.to_string()))
}

/// Where the tokens come from, as the command line gave them.
#[derive(Clone, Default)]
pub struct TokenSources {
    /// From `--token` or `BAOKU_TOKEN`.
    pub tokens: Vec<String>,
    /// `--token-file`, read at start and again whenever it changes.
    pub file: Option<PathBuf>,
}

impl fmt::Debug for TokenSources {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSources")
            .field("tokens", &format_args!("[{} hidden]", self.tokens.len()))
            .field("file", &self.file)
            .finish()
    }
}

/// The tokens a request may carry, as digests; the file's part is replaced when the
/// file changes.
pub struct Access {
    fixed: Vec<Digest>,
    from_file: RwLock<Vec<Digest>>,
    file: Option<PathBuf>,
}

impl fmt::Debug for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Access({} tokens)", self.count())
    }
}

impl Access {
    /// Checks and loads the tokens; the first problem is an error of one line.
    pub fn load(sources: &TokenSources) -> Result<Access, String> {
        let mut fixed = Vec::new();
        for token in &sources.tokens {
            check_token(token).map_err(|e| format!("--token: {e}"))?;
            fixed.push(digest(token.as_bytes()));
        }
        let from_file = match &sources.file {
            Some(path) => read_token_file(path)?
                .iter()
                .map(|t| digest(t.as_bytes()))
                .collect(),
            None => Vec::new(),
        };
        Ok(Access {
            fixed,
            from_file: RwLock::new(from_file),
            file: sources.file.clone(),
        })
    }

    /// Whether requests need a token.
    pub fn required(&self) -> bool {
        !self.fixed.is_empty() || self.file.is_some()
    }

    fn count(&self) -> usize {
        self.fixed.len() + self.from_file.read().map_or(0, |t| t.len())
    }

    /// Whether `presented` is one of the tokens. Every token is compared, each in
    /// constant time over equal-length digests.
    pub fn accepts(&self, presented: &[u8]) -> bool {
        let presented = digest(presented);
        let from_file = self.from_file.read().unwrap_or_else(|e| e.into_inner());
        let mut found = subtle::Choice::from(0);
        for token in self.fixed.iter().chain(from_file.iter()) {
            found |= token.ct_eq(&presented);
        }
        found.into()
    }

    /// Reads the token file again (after it changed). A file that cannot be read or
    /// holds a bad line leaves the tokens as they were and says why; the message names
    /// the file and line, never a token.
    pub fn reload(&self) -> Result<usize, String> {
        let Some(path) = &self.file else {
            return Ok(0);
        };
        let tokens = read_token_file(path)?;
        let digests: Vec<Digest> = tokens.iter().map(|t| digest(t.as_bytes())).collect();
        let count = digests.len();
        *self.from_file.write().unwrap_or_else(|e| e.into_inner()) = digests;
        Ok(count)
    }

    /// Watches the token file and reloads it when its size, time or identity changes,
    /// until the runtime stops.
    pub fn watch(self: Arc<Access>) {
        let Some(path) = self.file.clone() else {
            return;
        };
        tokio::spawn(async move {
            let mut seen = stamp(&path);
            let mut tick = tokio::time::interval(RELOAD_EVERY);
            loop {
                tick.tick().await;
                let now = stamp(&path);
                if now == seen {
                    continue;
                }
                seen = now;
                match self.reload() {
                    Ok(count) => eprintln!(
                        "baoku: {} changed: {count} token{} now",
                        path.display(),
                        if count == 1 { "" } else { "s" }
                    ),
                    Err(error) => {
                        eprintln!("baoku: {error}; keeping the tokens read before")
                    }
                }
            }
        });
    }
}

/// What identifies a version of a file without reading it.
fn stamp(path: &Path) -> Option<(SystemTime, u64, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0;
    Some((meta.modified().ok()?, meta.len(), inode))
}

/// Refuses to expose an archive without a token: an address other machines can reach
/// needs `--token`/`--token-file`, or `--public` to say the archive is meant to be
/// public.
pub fn check_exposure(addr: SocketAddr, token_required: bool, public: bool) -> Result<(), String> {
    if addr.ip().is_loopback() || token_required || public {
        return Ok(());
    }
    Err(format!(
        "refusing to serve {addr} without a token: anyone who can reach it could read the \
         whole archive; give --token, BAOKU_TOKEN or --token-file, or --public if the \
         archive is meant to be public"
    ))
}

/// Whether a request for `path` needs a token (when the server has any).
pub fn is_protected(path: &str) -> bool {
    !OPEN_PATHS.contains(&path)
}

/// Middleware: a request for a protected path without one of the tokens is answered
/// 401 with `WWW-Authenticate: Bearer`, and goes no further.
pub async fn require_token(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let access = state.access();
    if !access.required() || !is_protected(request.uri().path()) {
        return next.run(request).await;
    }
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| bearer(value.as_bytes()));
    let refusal = match presented {
        Some(token) if access.accepts(token) => return next.run(request).await,
        Some(_) => "the access token is not valid",
        None => "an access token is required: send Authorization: Bearer TOKEN",
    };
    state.metrics().rejected("unauthorized");
    let mut response = ApiError::new(StatusCode::UNAUTHORIZED, refusal.to_string()).into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"baoku\""),
    );
    response
}

/// The token of an `Authorization: Bearer TOKEN` header (scheme case-insensitive).
fn bearer(value: &[u8]) -> Option<&[u8]> {
    let scheme = value.get(..7)?;
    if !scheme.eq_ignore_ascii_case(b"bearer ") {
        return None;
    }
    let token = value[7..].trim_ascii();
    (!token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALICE: &str = "alice-0123456789abcdef";
    const BOB: &str = "bob-0123456789abcdef00";

    #[test]
    fn only_the_given_tokens_are_accepted() {
        let access = Access::load(&TokenSources {
            tokens: vec![ALICE.into(), BOB.into()],
            file: None,
        })
        .unwrap();
        assert!(access.required());
        assert!(access.accepts(ALICE.as_bytes()));
        assert!(access.accepts(BOB.as_bytes()));
        for wrong in [
            "",
            "alice",
            "alice-0123456789abcdeF",
            "alice-0123456789abcdef ",
            BOB.split_at(5).0,
        ] {
            assert!(!access.accepts(wrong.as_bytes()), "{wrong:?}");
        }
        let open = Access::load(&TokenSources::default()).unwrap();
        assert!(!open.required());
    }

    #[test]
    fn short_or_unsendable_tokens_are_refused_without_being_repeated() {
        for bad in [
            "short",
            "has a space in the middle",
            "ünïcödé-0123456789abcdef",
        ] {
            let error = Access::load(&TokenSources {
                tokens: vec![bad.into()],
                file: None,
            })
            .unwrap_err();
            assert!(error.starts_with("--token: "), "{error}");
            assert!(!error.contains(bad), "the token is not repeated: {error}");
        }
    }

    #[test]
    fn the_token_file_is_read_again_and_a_bad_version_is_not_taken() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokens");
        std::fs::write(&path, format!("# newsroom\n{ALICE}\n\n")).unwrap();
        let access = Access::load(&TokenSources {
            tokens: Vec::new(),
            file: Some(path.clone()),
        })
        .unwrap();
        assert!(access.accepts(ALICE.as_bytes()) && !access.accepts(BOB.as_bytes()));
        std::fs::write(&path, format!("{BOB}\n")).unwrap();
        assert_eq!(access.reload(), Ok(1));
        assert!(!access.accepts(ALICE.as_bytes()) && access.accepts(BOB.as_bytes()));
        std::fs::write(&path, format!("{ALICE}\ntoo-short\n")).unwrap();
        let error = access.reload().unwrap_err();
        assert!(
            error.contains("tokens:2: a token must be at least 16"),
            "{error}"
        );
        assert!(!error.contains("too-short"), "{error}");
        assert!(
            access.accepts(BOB.as_bytes()),
            "the tokens read before stay"
        );
        assert!(format!("{access:?}").contains("1 tokens"));
    }

    #[test]
    fn an_exposed_address_needs_a_token_or_public() {
        let lan: SocketAddr = "0.0.0.0:7700".parse().unwrap();
        let local: SocketAddr = "127.0.0.1:7700".parse().unwrap();
        let local6: SocketAddr = "[::1]:7700".parse().unwrap();
        assert!(check_exposure(local, false, false).is_ok());
        assert!(check_exposure(local6, false, false).is_ok());
        assert!(check_exposure(lan, true, false).is_ok());
        assert!(check_exposure(lan, false, true).is_ok());
        let error = check_exposure(lan, false, false).unwrap_err();
        assert!(
            error.contains("0.0.0.0:7700") && error.contains("--public"),
            "{error}"
        );
        assert!(!error.contains('\n'));
    }

    #[test]
    fn bearer_headers_are_read_strictly() {
        assert_eq!(bearer(b"Bearer abc"), Some(&b"abc"[..]));
        assert_eq!(bearer(b"bearer   abc "), Some(&b"abc"[..]));
        assert_eq!(bearer(b"Basic abc"), None);
        assert_eq!(bearer(b"Bearer "), None);
        assert_eq!(bearer(b"Bearerabc"), None);
    }

    #[test]
    fn debug_output_hides_tokens() {
        let sources = TokenSources {
            tokens: vec![ALICE.into()],
            file: None,
        };
        assert!(!format!("{sources:?}").contains(ALICE));
        let access = Access::load(&sources).unwrap();
        assert!(!format!("{access:?}").contains(ALICE));
    }
}
