//! The checks of `{placeholders}` that run when compiling: `strings!` (each
//! Korean string has the English one's placeholders) and `fill!` (the names
//! given are exactly the string's). The server's `html!` uses [`is_one_of`].

/// The next placeholder of `t` at or after `from`, as the bounds of its name
/// (`t[start..end]`); `end == t.len()` for a brace never closed.
const fn next(t: &[u8], from: usize) -> Option<(usize, usize)> {
    let mut start = from;
    while start < t.len() && t[start] != b'{' {
        start += 1;
    }
    if start == t.len() {
        return None;
    }
    let mut end = start + 1;
    while end < t.len() && t[end] != b'}' {
        end += 1;
    }
    Some((start + 1, end))
}

/// Whether `a[a0..a1]` and `b[b0..b1]` are the same bytes.
const fn same(a: &[u8], a0: usize, a1: usize, b: &[u8], b0: usize, b1: usize) -> bool {
    if a1 - a0 != b1 - b0 {
        return false;
    }
    let mut k = 0;
    while k < a1 - a0 && a[a0 + k] == b[b0 + k] {
        k += 1;
    }
    k == a1 - a0
}

/// Whether `t` has the placeholder named `name[start..end]`.
const fn has(t: &[u8], name: &[u8], start: usize, end: usize) -> bool {
    let mut from = 0;
    while let Some((s, e)) = next(t, from) {
        if same(t, s, e, name, start, end) {
            return true;
        }
        from = e + 1;
    }
    false
}

/// Whether every placeholder of `a` is closed and is one of `b`'s too.
const fn all_within(a: &[u8], b: &[u8]) -> bool {
    let mut from = 0;
    while let Some((s, e)) = next(a, from) {
        if e == a.len() || !has(b, a, s, e) {
            return false;
        }
        from = e + 1;
    }
    true
}

/// Whether `t[start..end]` is one of `names`.
pub const fn is_one_of(t: &[u8], start: usize, end: usize, names: &[&str]) -> bool {
    let mut n = 0;
    while n < names.len() {
        let name = names[n].as_bytes();
        if same(t, start, end, name, 0, name.len()) {
            return true;
        }
        n += 1;
    }
    false
}

/// Whether `a` and `b` name the same placeholders (each at least once).
pub const fn same_placeholders(a: &str, b: &str) -> bool {
    all_within(a.as_bytes(), b.as_bytes()) && all_within(b.as_bytes(), a.as_bytes())
}

/// Whether the placeholders of `template` are exactly `names`.
pub const fn placeholders_are(template: &str, names: &[&str]) -> bool {
    let t = template.as_bytes();
    let mut from = 0;
    while let Some((s, e)) = next(t, from) {
        if e == t.len() || !is_one_of(t, s, e, names) {
            return false;
        }
        from = e + 1;
    }
    let mut n = 0;
    while n < names.len() {
        let name = names[n].as_bytes();
        if !has(t, name, 0, name.len()) {
            return false;
        }
        n += 1;
    }
    true
}
