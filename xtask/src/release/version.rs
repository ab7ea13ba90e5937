//! Semantic versions: parsing, ordering and bumping (just what the release tool needs).

use std::cmp::Ordering;
use std::fmt;

/// A semantic version `MAJOR.MINOR.PATCH[-PRE][+BUILD]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Version {
    /// The major number.
    pub(crate) major: u64,
    /// The minor number.
    pub(crate) minor: u64,
    /// The patch number.
    pub(crate) patch: u64,
    /// Pre-release identifiers (after `-`), empty for a release.
    pub(crate) pre: Vec<String>,
    /// Build metadata (after `+`), empty if none; ignored for ordering.
    pub(crate) build: String,
}

/// How `release bump` moves the version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Bump {
    /// `X.Y.Z` -> `(X+1).0.0`.
    Major,
    /// `X.Y.Z` -> `X.(Y+1).0`.
    Minor,
    /// `X.Y.Z` -> `X.Y.(Z+1)`.
    Patch,
    /// An explicit version, which must be greater than the current one.
    Exact(Version),
}

impl Bump {
    /// Parses `major`, `minor`, `patch` or an explicit `X.Y.Z[-pre]`.
    pub(crate) fn parse(text: &str) -> Result<Bump, String> {
        match text {
            "major" => Ok(Bump::Major),
            "minor" => Ok(Bump::Minor),
            "patch" => Ok(Bump::Patch),
            other => Version::parse(other).map(Bump::Exact).map_err(|e| {
                format!("expected `major`, `minor`, `patch` or a version like 1.2.3: {e}")
            }),
        }
    }

    /// The version that follows `current` under this bump.
    pub(crate) fn apply(&self, current: &Version) -> Result<Version, String> {
        let next = match self {
            Bump::Exact(v) => v.clone(),
            _ if !current.pre.is_empty() => {
                return Err(format!(
                    "the current version {current} is a pre-release; give the next version \
                     explicitly (e.g. `cargo xtask release bump {}.{}.{}`)",
                    current.major, current.minor, current.patch
                ))
            }
            Bump::Major => Version::new(current.major.saturating_add(1), 0, 0),
            Bump::Minor => Version::new(current.major, current.minor.saturating_add(1), 0),
            Bump::Patch => Version::new(
                current.major,
                current.minor,
                current.patch.saturating_add(1),
            ),
        };
        if next.cmp_precedence(current) != Ordering::Greater {
            return Err(format!(
                "the new version {next} must be greater than the current version {current}"
            ));
        }
        Ok(next)
    }
}

impl Version {
    /// A plain release version.
    pub(crate) fn new(major: u64, minor: u64, patch: u64) -> Version {
        Version {
            major,
            minor,
            patch,
            pre: Vec::new(),
            build: String::new(),
        }
    }

    /// Parses a semantic version; rejects anything that is not `X.Y.Z[-pre][+build]`.
    pub(crate) fn parse(text: &str) -> Result<Version, String> {
        let text = text.trim();
        let (rest, build) = match text.split_once('+') {
            Some((rest, build)) => {
                if build.is_empty()
                    || !build
                        .split('.')
                        .all(|id| !id.is_empty() && id.chars().all(is_ident_char))
                {
                    return Err(format!("invalid build metadata in version `{text}`"));
                }
                (rest, build.to_string())
            }
            None => (text, String::new()),
        };
        let (core, pre) = match rest.split_once('-') {
            Some((core, pre)) => (core, Some(pre)),
            None => (rest, None),
        };
        let numbers: Vec<&str> = core.split('.').collect();
        if numbers.len() != 3 {
            return Err(format!(
                "`{text}` is not a version of the form MAJOR.MINOR.PATCH"
            ));
        }
        let mut parsed = [0u64; 3];
        for (slot, part) in parsed.iter_mut().zip(&numbers) {
            *slot = parse_numeric(part)
                .ok_or_else(|| format!("`{part}` in version `{text}` is not a valid number"))?;
        }
        let pre = match pre {
            None => Vec::new(),
            Some(pre) => {
                let ids: Vec<String> = pre.split('.').map(str::to_string).collect();
                for id in &ids {
                    let valid = !id.is_empty()
                        && id.chars().all(is_ident_char)
                        && (!id.chars().all(|c| c.is_ascii_digit()) || parse_numeric(id).is_some());
                    if !valid {
                        return Err(format!("invalid pre-release `{pre}` in version `{text}`"));
                    }
                }
                ids
            }
        };
        Ok(Version {
            major: parsed[0],
            minor: parsed[1],
            patch: parsed[2],
            pre,
            build,
        })
    }

    /// Semver precedence (build metadata ignored).
    pub(crate) fn cmp_precedence(&self, other: &Version) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => cmp_pre(&self.pre, &other.pre),
            })
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre.join("."))?;
        }
        if !self.build.is_empty() {
            write!(f, "+{}", self.build)?;
        }
        Ok(())
    }
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}

/// A numeric identifier: digits only, no leading zero (except `0` itself).
fn parse_numeric(part: &str) -> Option<u64> {
    if part.is_empty() || !part.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if part.len() > 1 && part.starts_with('0') {
        return None;
    }
    part.parse().ok()
}

fn cmp_pre(a: &[String], b: &[String]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let ord = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(x), Ok(y)) => x.cmp(&y),
            (Ok(_), Err(_)) => Ordering::Less,
            (Err(_), Ok(_)) => Ordering::Greater,
            (Err(_), Err(_)) => x.cmp(y),
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    a.len().cmp(&b.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).expect("valid version")
    }

    #[test]
    fn parses_and_displays() {
        for text in [
            "0.1.0",
            "1.2.3",
            "1.0.0-alpha.1",
            "1.0.0-rc.1+build.5",
            "10.20.30",
        ] {
            assert_eq!(v(text).to_string(), text);
        }
    }

    #[test]
    fn rejects_bad_versions() {
        for text in [
            "",
            "1",
            "1.2",
            "1.2.3.4",
            "01.2.3",
            "1.x.3",
            "1.2.3-",
            "1.2.3-a..b",
            "1.2.3-01",
            "v1.2.3",
            "1.2.3+",
        ] {
            assert!(Version::parse(text).is_err(), "{text} should be rejected");
        }
    }

    #[test]
    fn orders_by_precedence() {
        let ordered = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1",
            "1.1.0",
            "2.0.0",
        ];
        for pair in ordered.windows(2) {
            assert_eq!(
                v(pair[0]).cmp_precedence(&v(pair[1])),
                Ordering::Less,
                "{pair:?}"
            );
        }
        assert_eq!(v("1.0.0+a").cmp_precedence(&v("1.0.0+b")), Ordering::Equal);
    }

    #[test]
    fn bumps() {
        let current = v("0.1.3");
        assert_eq!(
            Bump::parse("major").and_then(|b| b.apply(&current)),
            Ok(v("1.0.0"))
        );
        assert_eq!(
            Bump::parse("minor").and_then(|b| b.apply(&current)),
            Ok(v("0.2.0"))
        );
        assert_eq!(
            Bump::parse("patch").and_then(|b| b.apply(&current)),
            Ok(v("0.1.4"))
        );
        assert_eq!(
            Bump::parse("0.3.0-rc.1").and_then(|b| b.apply(&current)),
            Ok(v("0.3.0-rc.1"))
        );
    }

    #[test]
    fn refuses_bumps_that_do_not_move_forward() {
        let current = v("0.2.0");
        assert!(Bump::parse("0.2.0")
            .and_then(|b| b.apply(&current))
            .is_err());
        assert!(Bump::parse("0.1.9")
            .and_then(|b| b.apply(&current))
            .is_err());
        assert!(Bump::parse("0.2.0-rc.1")
            .and_then(|b| b.apply(&current))
            .is_err());
        assert!(Bump::parse("sideways").is_err());
        let pre = v("0.3.0-rc.1");
        assert!(Bump::Patch.apply(&pre).is_err());
        assert_eq!(
            Bump::parse("0.3.0").and_then(|b| b.apply(&pre)),
            Ok(v("0.3.0"))
        );
    }
}
