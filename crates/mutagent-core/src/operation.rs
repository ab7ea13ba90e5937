//! Operations as data: each API operation is described once, and that description drives the
//! request (method, path, percent-encoding), the retry class, and the name in errors and spans.

use std::fmt;

use crate::error::Error;

/// An HTTP method used by the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
    /// `HEAD`
    Head,
}

impl Method {
    /// The method as written on the wire, e.g. `GET`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Head => "HEAD",
        }
    }

    /// Whether sending the request twice has the same effect as sending it once
    /// (GET, HEAD, PUT, DELETE). Only these are retried by default.
    pub const fn is_idempotent(self) -> bool {
        matches!(
            self,
            Method::Get | Method::Head | Method::Put | Method::Delete
        )
    }

    /// Whether a request the server accepted (a 2xx head came) may be sent again when the rest
    /// of its answer is lost: only a GET or HEAD, which read. Not a PUT or DELETE, idempotent as
    /// they are: the first one took effect, so a second one that fails another way (a 503, a
    /// reset, a 412 for a conditional PUT, the 404 of a DELETE whose resource is gone) would
    /// become the call's error and hide that; nor a POST or PATCH, which could do the thing
    /// twice.
    pub(crate) const fn may_resend_after_accepted(self) -> bool {
        matches!(self, Method::Get | Method::Head)
    }

    /// The `http` crate's method.
    pub fn to_http(self) -> http::Method {
        match self {
            Method::Get => http::Method::GET,
            Method::Post => http::Method::POST,
            Method::Put => http::Method::PUT,
            Method::Patch => http::Method::PATCH,
            Method::Delete => http::Method::DELETE,
            Method::Head => http::Method::HEAD,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The description of one API operation. Build one with [`Operation::new`] (and
/// [`since`](Self::since)): it is `#[non_exhaustive]`, so the API can describe more of an
/// operation later without breaking code that reads these fields.
///
/// ```
/// use mutagent_core::{Method, Operation};
/// const LIST: Operation = Operation::new("prompt", "list_prompts", Method::Get, "/api/prompt/");
/// assert_eq!(LIST.since, "0.1.2");
/// ```
///
/// A struct literal is refused outside this crate:
///
/// ```compile_fail
/// use mutagent_core::{Method, Operation};
/// let op = Operation {
///     namespace: "prompt",
///     name: "list_prompts",
///     method: Method::Get,
///     path: "/api/prompt/",
///     since: "0.1.2",
/// };
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Operation {
    /// The namespace, as in the official SDKs (e.g. `prompt_datasets`).
    pub namespace: &'static str,
    /// The operation name, as in the official SDKs (e.g. `list_prompts`).
    pub name: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template, exactly as the API lists it (e.g. `/api/prompt/{id}/versions`).
    pub path: &'static str,
    /// The contract generation the operation belongs to, as in the `since` column of the API's
    /// operation table: `0.1.2`, or `0.4.1` for the live trace contract, which speaks other
    /// shapes on the same paths.
    pub since: &'static str,
}

impl Operation {
    /// Describes an operation.
    pub const fn new(
        namespace: &'static str,
        name: &'static str,
        method: Method,
        path: &'static str,
    ) -> Self {
        Self {
            namespace,
            name,
            method,
            path,
            since: "0.1.2",
        }
    }

    /// The same operation, of the contract generation `since` (e.g. `0.4.1`).
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub const fn since(self, since: &'static str) -> Self {
        Self { since, ..self }
    }

    /// The names of the path parameters, in order (e.g. `["id"]`).
    pub fn path_params(&self) -> Vec<&'static str> {
        let mut names = Vec::new();
        let mut rest = self.path;
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            match after.find('}') {
                Some(close) => {
                    names.push(&after[..close]);
                    rest = &after[close + 1..];
                }
                None => break,
            }
        }
        names
    }

    /// Fills the path template, percent-encoding every value so that no value can change the
    /// route. Empty values and the dot segments `.` and `..` are refused.
    pub fn build_path(&self, params: &[(&str, &str)]) -> Result<String, Error> {
        let mut out = String::with_capacity(self.path.len() + 16);
        let mut rest = self.path;
        let mut used = 0;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let close = after.find('}').ok_or_else(|| {
                Error::invalid_input(self.name, "path", "template has an unclosed `{`")
            })?;
            let name = &after[..close];
            let value = params
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| *value)
                .ok_or_else(|| {
                    Error::invalid_input(self.name, name.to_owned(), "is required in the path")
                })?;
            check_segment(self.name, name, value)?;
            encode_into(&mut out, value);
            used += 1;
            rest = &after[close + 1..];
        }
        out.push_str(rest);
        if used != params.len() {
            return Err(Error::invalid_input(
                self.name,
                "path",
                format!("{} value(s) given for {used} placeholder(s)", params.len()),
            ));
        }
        Ok(out)
    }
}

/// An [`Operation`] whose path template has exactly `N` placeholders, checked when the
/// static is compiled: a template with another count does not build. Its `request` takes
/// exactly `N` values, in the template's order, so a value can be neither missing, extra, nor
/// given under a name the template does not hold.
///
/// ```
/// use mutagent_core::{Endpoint, Method};
///
/// static GET_PROMPT: Endpoint<1> =
///     Endpoint::new("prompt", "get_prompt", Method::Get, "/api/prompt/{id}");
/// let request = GET_PROMPT.request("a/b").build()?;
/// assert_eq!(request.path(), "/api/prompt/a%2Fb");
/// # Ok::<(), mutagent_core::Error>(())
/// ```
///
/// ```compile_fail
/// use mutagent_core::{Endpoint, Method};
/// // One placeholder declared as none: refused at compile time.
/// static BAD: Endpoint<0> = Endpoint::new("prompt", "get_prompt", Method::Get, "/api/prompt/{id}");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Endpoint<const N: usize> {
    operation: Operation,
}

impl<const N: usize> Endpoint<N> {
    /// Describes an operation with `N` path placeholders. Evaluated at compile time in a
    /// `static`, where a template that is malformed or has another count fails the build.
    pub const fn new(
        namespace: &'static str,
        name: &'static str,
        method: Method,
        path: &'static str,
    ) -> Self {
        assert!(
            placeholder_count(path) == N,
            "the path template does not have N placeholders"
        );
        Self {
            operation: Operation::new(namespace, name, method, path),
        }
    }

    /// The same operation, of the contract generation `since` (e.g. `0.4.1`).
    #[must_use = "a setter returns the updated value and consumes the original"]
    pub const fn since(self, since: &'static str) -> Self {
        Self {
            operation: self.operation.since(since),
        }
    }

    /// The operation, as the rest of the SDK sees it.
    pub const fn operation(&'static self) -> &'static Operation {
        &self.operation
    }
}

impl<const N: usize> std::ops::Deref for Endpoint<N> {
    type Target = Operation;
    fn deref(&self) -> &Operation {
        &self.operation
    }
}

/// How many `{name}` placeholders `path` holds. Panics (a build error in a `static`) on an
/// unclosed, nested or empty placeholder.
const fn placeholder_count(path: &str) -> usize {
    let bytes = path.as_bytes();
    let mut count = 0;
    let mut open: Option<usize> = None;
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'{' {
            assert!(open.is_none(), "nested `{{` in a path template");
            open = Some(at);
        } else if bytes[at] == b'}' {
            assert!(open.is_some(), "`}}` without `{{` in a path template");
            if let Some(start) = open {
                assert!(at > start + 1, "empty `{{}}` in a path template");
            }
            count += 1;
            open = None;
        }
        at += 1;
    }
    assert!(open.is_none(), "unclosed `{{` in a path template");
    count
}

fn check_segment(operation: &'static str, name: &str, value: &str) -> Result<(), Error> {
    let reason = match value {
        "" => "must not be empty",
        "." | ".." => "must not be `.` or `..`",
        _ => return Ok(()),
    };
    Err(Error::invalid_input(operation, name.to_owned(), reason))
}

/// Percent-encodes everything except RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`).
pub(crate) fn encode_into(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static GET_TRACE: Operation =
        Operation::new("traces", "get_trace", Method::Get, "/api/traces/{id}");
    static MEMBER: Operation = Operation::new(
        "organization_members",
        "remove_organization_member",
        Method::Delete,
        "/api/organizations/{orgId}/members/{userId}",
    );

    #[test]
    fn path_params_are_listed_in_order() {
        assert_eq!(MEMBER.path_params(), ["orgId", "userId"]);
        assert!(Operation::new("p", "l", Method::Get, "/api/prompt/")
            .path_params()
            .is_empty());
    }

    #[test]
    fn hostile_values_never_change_the_route() {
        let cases = [
            ("a/b", "/api/traces/a%2Fb"),
            ("a?b=1", "/api/traces/a%3Fb%3D1"),
            ("a#b", "/api/traces/a%23b"),
            ("100%", "/api/traces/100%25"),
            ("with space", "/api/traces/with%20space"),
            ("ünï", "/api/traces/%C3%BCn%C3%AF"),
            ("../../admin", "/api/traces/..%2F..%2Fadmin"),
            ("abc-1.2_x~", "/api/traces/abc-1.2_x~"),
        ];
        for (value, expected) in cases {
            assert_eq!(
                GET_TRACE.build_path(&[("id", value)]).expect(value),
                expected
            );
        }
    }

    #[test]
    fn empty_and_dot_segments_are_refused() {
        for value in ["", ".", ".."] {
            let err = GET_TRACE.build_path(&[("id", value)]).expect_err(value);
            assert!(
                matches!(err, Error::InvalidInput { ref field, .. } if field == "id"),
                "{err}"
            );
        }
    }

    #[test]
    fn missing_or_extra_params_are_errors() {
        assert!(MEMBER.build_path(&[("orgId", "o")]).is_err());
        assert!(GET_TRACE.build_path(&[("id", "t"), ("x", "y")]).is_err());
        assert_eq!(
            MEMBER
                .build_path(&[("userId", "u 1"), ("orgId", "o/1")])
                .expect("both"),
            "/api/organizations/o%2F1/members/u%201"
        );
    }

    #[test]
    fn placeholders_are_counted_at_compile_time() {
        const COUNT: usize = placeholder_count("/api/organizations/{orgId}/members/{userId}");
        assert_eq!(COUNT, 2);
        assert_eq!(placeholder_count("/api/prompt/"), 0);
        static TWO: Endpoint<2> = Endpoint::new(
            "organization_members",
            "remove_organization_member",
            Method::Delete,
            "/api/organizations/{orgId}/members/{userId}",
        );
        assert_eq!(TWO.operation(), &MEMBER);
        assert_eq!(TWO.name, "remove_organization_member");
        for bad in ["/a/{", "/a/{}", "/a/{{b}}", "/a/}"] {
            assert!(
                std::panic::catch_unwind(|| placeholder_count(bad)).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn idempotency_follows_the_method() {
        assert!(Method::Get.is_idempotent());
        assert!(Method::Delete.is_idempotent());
        assert!(Method::Put.is_idempotent());
        assert!(!Method::Post.is_idempotent());
        assert!(!Method::Patch.is_idempotent());
    }

    /// A DELETE is idempotent, yet not sent again once accepted: its effect happened.
    #[test]
    fn only_reads_and_puts_are_sent_again_once_accepted() {
        assert!(Method::Get.may_resend_after_accepted());
        assert!(Method::Head.may_resend_after_accepted());
        assert!(!Method::Put.may_resend_after_accepted());
        assert!(!Method::Delete.may_resend_after_accepted());
        assert!(!Method::Post.may_resend_after_accepted());
        assert!(!Method::Patch.may_resend_after_accepted());
    }
}
