//! Name syntax every part checks names against: host names as RFC 1034
//! and RFC 1123 write them (the chain verdict's SANs, name constraints'
//! bases).

/// RFC 1034 §3.5 preferred name syntax as RFC 1123 relaxes it, with a
/// leading `*` label: letters, digits and inner hyphens; a top label that is
/// all digits is an IP address written as a name.
pub fn dns_name_syntax_ok(name: &str) -> bool {
    let labels: Vec<&str> = name.strip_suffix('.').unwrap_or(name).split('.').collect();
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let top_is_name = labels.last().is_some_and(|l| !l.bytes().all(|b| b.is_ascii_digit()));
    top_is_name && labels.iter().enumerate().all(|(i, l)| (i == 0 && *l == "*" && labels.len() > 1) || label_ok(l))
}

#[cfg(test)]
mod tests {
    use super::dns_name_syntax_ok;

    #[test]
    fn host_names_follow_the_preferred_name_syntax() {
        for good in ["example.com", "*.example.com", "a-b.example", "xn--bcher-kva.example", "1host.example", "example.com."] {
            assert!(dns_name_syntax_ok(good), "{good}");
        }
        for bad in ["under_score.example", "1.2.3.4", "-lead.example", "trail-.example", "a..b", "*", "sub.*.example", ""] {
            assert!(!dns_name_syntax_ok(bad), "{bad}");
        }
    }
}
