//! Lobby's requests to identity providers (discovery, keys, token
//! endpoint) go only where a provider may send them: an identity provider
//! is an outside party, and its discovery document names the URLs Lobby
//! then calls. So every URL must be https on a public address — checked
//! after DNS resolution, on the addresses actually connected to — except
//! for a provider whose issuer is itself on loopback (a provider on the same
//! machine, as in tests), whose URLs must all stay on loopback. Answers are
//! read up to [`MAX_ANSWER_BYTES`].

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use openidconnect::reqwest;
use openidconnect::{HttpRequest, HttpResponse};
use url::{Host, Url};

use crate::public_address::{is_public, on_loopback, PublicAddressesOnly};

/// The most Lobby reads of one answer: discovery documents and key sets
/// are a few KiB.
pub const MAX_ANSWER_BYTES: usize = 256 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum OutboundError {
    #[error("{0}: Lobby calls identity providers over https only")]
    NotHttps(String),
    #[error("{0}: not a public address")]
    NotPublic(String),
    #[error("{0}: a provider on loopback must keep every URL on loopback")]
    LeavesLoopback(String),
    #[error("{0}: not a URL")]
    BadUrl(String),
    #[error("the answer is larger than {MAX_ANSWER_BYTES} bytes")]
    TooLarge,
    #[error("{0}")]
    Request(String),
}

/// Whether a provider with this issuer lives on loopback.
pub fn is_loopback_issuer(issuer: &str) -> bool {
    Url::parse(issuer).is_ok_and(|u| on_loopback(&u))
}

/// Whether a provider whose issuer is or is not on loopback may be called at
/// `url`. Host names of a public provider are checked once resolved.
pub fn allowed(url: &Url, loopback_issuer: bool) -> Result<(), OutboundError> {
    let named = || url.as_str().to_owned();
    if loopback_issuer {
        return match on_loopback(url) {
            true => Ok(()),
            false => Err(OutboundError::LeavesLoopback(named())),
        };
    }
    if url.scheme() != "https" {
        return Err(OutboundError::NotHttps(named()));
    }
    let literal = match url.host() {
        Some(Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
        Some(Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
        Some(Host::Domain(_)) => None,
        None => return Err(OutboundError::BadUrl(named())),
    };
    match literal {
        Some(ip) if !is_public(ip) => Err(OutboundError::NotPublic(named())),
        _ => Ok(()),
    }
}

/// The two clients: for public providers (public addresses only) and for
/// providers on loopback. Neither follows redirects.
pub struct Outbound {
    public: reqwest::Client,
    loopback: reqwest::Client,
}

impl Outbound {
    pub fn new(timeout: Duration) -> Result<Outbound, OutboundError> {
        let build = |resolver: Option<Arc<PublicAddressesOnly>>| {
            let mut builder = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(timeout);
            if let Some(resolver) = resolver {
                builder = builder.dns_resolver(resolver);
            }
            builder
                .build()
                .map_err(|e| OutboundError::Request(e.to_string()))
        };
        Ok(Outbound {
            public: build(Some(Arc::new(PublicAddressesOnly)))?,
            loopback: build(None)?,
        })
    }

    /// Sends `request` for a provider with the given kind of issuer, within
    /// the rules above, and reads at most [`MAX_ANSWER_BYTES`] of the answer.
    pub async fn send(
        &self,
        request: HttpRequest,
        loopback_issuer: bool,
    ) -> Result<HttpResponse, OutboundError> {
        let url = Url::parse(&request.uri().to_string())
            .map_err(|_| OutboundError::BadUrl(request.uri().to_string()))?;
        allowed(&url, loopback_issuer)?;
        let client = if loopback_issuer {
            &self.loopback
        } else {
            &self.public
        };
        let (parts, body) = request.into_parts();
        let failed = |e: reqwest::Error| OutboundError::Request(e.to_string());
        let mut answer = client
            .request(parts.method, url)
            .headers(parts.headers)
            .body(body)
            .send()
            .await
            .map_err(failed)?;
        if answer
            .content_length()
            .is_some_and(|n| n > MAX_ANSWER_BYTES as u64)
        {
            return Err(OutboundError::TooLarge);
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = answer.chunk().await.map_err(failed)? {
            if bytes.len() + chunk.len() > MAX_ANSWER_BYTES {
                return Err(OutboundError::TooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        let mut response = HttpResponse::new(bytes);
        *response.status_mut() = answer.status();
        *response.headers_mut() = answer.headers().clone();
        Ok(response)
    }
}

/// [`Outbound`] for one provider, as `openidconnect` calls it.
pub struct ForProvider<'a> {
    outbound: &'a Outbound,
    loopback_issuer: bool,
}

impl Outbound {
    /// The client for the provider whose issuer is `issuer`.
    pub fn for_issuer(&self, issuer: &str) -> ForProvider<'_> {
        ForProvider {
            outbound: self,
            loopback_issuer: is_loopback_issuer(issuer),
        }
    }
}

type Answer<'c> = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<HttpResponse, OutboundError>> + Send + 'c>,
>;

impl<'c> openidconnect::AsyncHttpClient<'c> for ForProvider<'_> {
    type Error = OutboundError;
    type Future = Answer<'c>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.outbound.send(request, self.loopback_issuer))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn a_public_provider_is_called_over_https_on_public_addresses_only() {
        let check = |url: &str, loopback| allowed(&Url::parse(url).unwrap(), loopback);
        assert!(check("https://login.example.com/keys", false).is_ok());
        assert!(matches!(
            check("http://login.example.com/keys", false),
            Err(OutboundError::NotHttps(_))
        ));
        for metadata in [
            "https://169.254.169.254/latest/meta-data/",
            "https://10.0.0.7/token",
            "https://[::1]/keys",
            "https://[fd00::7]/keys",
        ] {
            assert!(
                matches!(check(metadata, false), Err(OutboundError::NotPublic(_))),
                "{metadata}"
            );
        }
        // A provider on loopback stays there, over http or https.
        assert!(check("http://127.0.0.1:8080/jwks", true).is_ok());
        assert!(check("http://localhost:8080/jwks", true).is_ok());
        assert!(matches!(
            check("http://10.255.255.1/jwks", true),
            Err(OutboundError::LeavesLoopback(_))
        ));
        assert!(matches!(
            check("https://login.example.com/jwks", true),
            Err(OutboundError::LeavesLoopback(_))
        ));
        assert!(is_loopback_issuer("http://127.0.0.1:4000"));
        assert!(!is_loopback_issuer(
            "https://login.microsoftonline.com/x/v2.0"
        ));
    }

    /// A provider on loopback answering each path with its body (given the
    /// provider's base URL), for as long as the test runs.
    pub(crate) async fn provider(
        routes: impl FnOnce(&str) -> Vec<(&'static str, String)>,
    ) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let routes = routes(&base);
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && socket.read(&mut byte).await.unwrap_or(0) == 1
                {
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head);
                let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let body = routes
                    .iter()
                    .find(|(p, _)| *p == path)
                    .map(|(_, b)| b.clone())
                    .unwrap_or_default();
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(answer.as_bytes()).await;
            }
        });
        base
    }

    #[tokio::test]
    async fn answers_over_the_cap_are_not_read() {
        let big = format!("\"{}\"", "x".repeat(MAX_ANSWER_BYTES));
        let small = "{}".to_owned();
        let base = provider(|_| vec![("/big", big), ("/small", small)]).await;
        let outbound = Outbound::new(Duration::from_secs(5)).unwrap();
        let get = |path: &str| {
            let mut request = HttpRequest::new(Vec::new());
            *request.uri_mut() = format!("{base}{path}").parse().unwrap();
            request
        };
        let provider = outbound.for_issuer(&base);
        use openidconnect::AsyncHttpClient;
        assert!(matches!(
            provider.call(get("/big")).await,
            Err(OutboundError::TooLarge)
        ));
        assert_eq!(provider.call(get("/small")).await.unwrap().body(), b"{}");
    }
}
