//! Who is on the other end: the TCP peer, or, when the peer is one of the
//! configured trusted proxies (`LOBBY_TRUSTED_PROXIES`), the client it names
//! in `Forwarded` (RFC 7239) or `X-Forwarded-For`. Headers from any other
//! peer are ignored: anyone can write them.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderName};
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;

use super::AppState;

/// The proxies whose forwarding headers are believed: addresses and CIDR ranges.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses `10.0.0.1, 192.168.0.0/16, ::1`: commas or spaces between.
    pub fn parse(raw: &str) -> Result<TrustedProxies, String> {
        raw.split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<IpNet>()
                    .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("{s:?} is neither an IP address nor a CIDR range"))
            })
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }
}

/// The client of a request, as the middleware [`identify`] found it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Client {
    pub ip: IpAddr,
    /// The scheme a trusted proxy says the client used (`X-Forwarded-Proto`).
    pub https: Option<bool>,
}

/// Finds the client of `peer`'s request from its headers.
pub fn resolve(peer: IpAddr, headers: &HeaderMap, trusted: &TrustedProxies) -> Client {
    let peer = canonical(peer);
    if !trusted.contains(peer) {
        return Client {
            ip: peer,
            https: None,
        };
    }
    let chain = forwarded_for(headers).or_else(|| x_forwarded_for(headers));
    // Right to left, the first hop that is not a trusted proxy is the client;
    // a chain of trusted proxies only names its first one.
    let ip = match chain {
        Some(Some(hops)) => hops
            .iter()
            .rev()
            .find(|ip| !trusted.contains(**ip))
            .or(hops.first())
            .copied()
            .unwrap_or(peer),
        // Absent, or not a list of addresses: the peer itself.
        _ => peer,
    };
    let https = headers
        .get(HeaderName::from_static("x-forwarded-proto"))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|proto| proto.trim().eq_ignore_ascii_case("https"));
    Client { ip, https }
}

/// The `for=` nodes of every `Forwarded` header, in order; `Some(None)` when
/// one of them is not an address (`unknown`, an obfuscated name, garbage).
fn forwarded_for(headers: &HeaderMap) -> Option<Option<Vec<IpAddr>>> {
    let values = header_values(headers, "forwarded")?;
    let mut hops = Vec::new();
    for element in values.iter().flat_map(|v| v.split(',')) {
        let node = element.split(';').find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            name.trim()
                .eq_ignore_ascii_case("for")
                .then_some(value.trim())
        });
        match node.map(parse_node) {
            Some(Some(ip)) => hops.push(ip),
            // An element without `for=` says nothing of the client.
            None => {}
            Some(None) => return Some(None),
        }
    }
    Some((!hops.is_empty()).then_some(hops))
}

/// Every value of the header `name`, in order; `None` when there is none.
/// A value that is not text reads as one that is no address.
fn header_values<'h>(headers: &'h HeaderMap, name: &'static str) -> Option<Vec<&'h str>> {
    let values: Vec<&str> = headers
        .get_all(HeaderName::from_static(name))
        .iter()
        .map(|v| v.to_str().unwrap_or("\u{0}"))
        .collect();
    (!values.is_empty()).then_some(values)
}

/// An RFC 7239 node: `192.0.2.60`, `"192.0.2.60:8080"`, `"[2001:db8::1]:4711"`.
fn parse_node(node: &str) -> Option<IpAddr> {
    let node = node.trim_matches('"');
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    node.parse()
        .ok()
        .or_else(|| node.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

/// The addresses of every `X-Forwarded-For` header, in order.
fn x_forwarded_for(headers: &HeaderMap) -> Option<Option<Vec<IpAddr>>> {
    let values = header_values(headers, "x-forwarded-for")?;
    let hops: Option<Vec<IpAddr>> = values
        .iter()
        .flat_map(|v| v.split(','))
        .map(|s| parse_node(s.trim()))
        .collect();
    Some(hops.filter(|h| !h.is_empty()))
}

/// IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`) as the IPv4 they are.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// Puts the request's [`Client`] into its extensions, for [`client_address`].
pub async fn identify(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if let Some(peer) = peer {
        let client = resolve(peer, request.headers(), &state.trusted_proxies);
        request.extensions_mut().insert(client);
    }
    next.run(request).await
}

/// The client's IP address, which rate limits, consents and the audit log record.
pub fn client_address(extensions: &axum::http::Extensions) -> String {
    extensions
        .get::<Client>()
        .map(|c| c.ip.to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.append(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        map
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_nodes_parse_with_ports_and_brackets() {
        assert_eq!(parse_node("192.0.2.60"), Some(ip("192.0.2.60")));
        assert_eq!(parse_node("\"192.0.2.60:8080\""), Some(ip("192.0.2.60")));
        assert_eq!(
            parse_node("\"[2001:db8:cafe::17]:4711\""),
            Some(ip("2001:db8:cafe::17"))
        );
        assert_eq!(parse_node("2001:db8::1"), Some(ip("2001:db8::1")));
        assert_eq!(parse_node("unknown"), None);
        assert_eq!(parse_node("_hidden"), None);
    }

    #[test]
    fn the_forwarded_header_wins_over_x_forwarded_for() {
        let trusted = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let h = headers(&[
            ("forwarded", "for=198.51.100.7;proto=https"),
            ("x-forwarded-for", "203.0.113.9"),
        ]);
        assert_eq!(resolve(ip("10.0.0.2"), &h, &trusted).ip, ip("198.51.100.7"));
    }

    #[test]
    fn ipv4_mapped_peers_count_as_ipv4() {
        let trusted = TrustedProxies::parse("127.0.0.1").unwrap();
        let h = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(
            resolve(ip("::ffff:127.0.0.1"), &h, &trusted).ip,
            ip("203.0.113.9")
        );
    }

    #[test]
    fn bad_settings_are_refused_with_the_bad_part_named() {
        let err = TrustedProxies::parse("10.0.0.1, 10.0.0.0/33").unwrap_err();
        assert!(err.contains("10.0.0.0/33"), "{err}");
        assert!(TrustedProxies::parse("").unwrap().0.is_empty());
        assert_eq!(
            TrustedProxies::parse("::1 192.168.0.0/16").unwrap().0.len(),
            2
        );
    }
}
