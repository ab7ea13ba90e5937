//! The real world behind the traits of `publish.rs`: cargo, git, the crates.io sparse
//! index (via `curl`), and the system clock. Kept small and isolated; not exercised by
//! the tests (which have no network).

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use super::metadata::cargo_bin;
use super::publish::{Cargo, Clock, Git, Registry};

/// Runs `cargo` and `git` in the workspace root.
#[derive(Debug)]
pub(crate) struct Real {
    root: PathBuf,
}

impl Real {
    /// Commands run in `root`.
    pub(crate) fn new(root: PathBuf) -> Real {
        Real { root }
    }

    fn git(&self, args: &[&str]) -> Result<std::process::Output, String> {
        Command::new("git")
            .args(args)
            .current_dir(&self.root)
            .output()
            .map_err(|e| format!("could not run `git {}`: {e}", args.join(" ")))
    }
}

impl Cargo for Real {
    fn publish(&self, krate: &str) -> Result<(), String> {
        let status = Command::new(cargo_bin())
            .args(["publish", "-p", krate])
            .current_dir(&self.root)
            .status()
            .map_err(|e| format!("could not run `cargo publish -p {krate}`: {e}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!(
                "`cargo publish -p {krate}` failed ({status}); see its output above"
            ))
        }
    }
}

impl Git for Real {
    fn tag_exists(&self, tag: &str) -> Result<bool, String> {
        let output = self.git(&["tag", "--list", tag])?;
        if !output.status.success() {
            return Err(format!(
                "`git tag --list {tag}` failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        Ok(String::from_utf8_lossy(&output.stdout)
            .lines()
            .any(|line| line.trim() == tag))
    }

    fn create_tag(&self, tag: &str) -> Result<(), String> {
        let output = self.git(&["tag", tag])?;
        if output.status.success() {
            Ok(())
        } else {
            Err(format!(
                "`git tag {tag}` failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ))
        }
    }
}

/// The crates.io sparse index, read with `curl`.
#[derive(Debug)]
pub(crate) struct CratesIo {
    base: String,
}

impl Default for CratesIo {
    fn default() -> Self {
        CratesIo {
            base: "https://index.crates.io".to_string(),
        }
    }
}

/// The path of a crate's file in a sparse index (`se/rd/serde`, `3/s/syn`, `1/a`).
pub(crate) fn index_path(krate: &str) -> String {
    let name = krate.to_ascii_lowercase();
    match name.len() {
        0 => String::new(),
        1 => format!("1/{name}"),
        2 => format!("2/{name}"),
        3 => format!("3/{}/{name}", &name[..1]),
        _ => format!("{}/{}/{name}", &name[..2], &name[2..4]),
    }
}

/// The versions listed in a sparse-index file (one JSON object per line).
pub(crate) fn parse_index_file(text: &str) -> Result<Vec<String>, String> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let entry: serde_json::Value = serde_json::from_str(line)
                .map_err(|e| format!("unexpected index entry `{line}`: {e}"))?;
            entry
                .get("vers")
                .and_then(serde_json::Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| format!("index entry without `vers`: `{line}`"))
        })
        .collect()
}

impl Registry for CratesIo {
    fn published_versions(&self, krate: &str) -> Result<Vec<String>, String> {
        if krate.is_empty() || !krate.is_ascii() {
            return Err(format!("`{krate}` is not a valid crate name"));
        }
        let url = format!("{}/{}", self.base, index_path(krate));
        // `-w` appends the HTTP status on its own line, so 404 (no such crate) can be
        // told apart from other failures.
        let output = Command::new("curl")
            .args([
                "-sS",
                "--max-time",
                "30",
                "-H",
                "Cache-Control: no-cache",
                "-w",
                "\n%{http_code}",
                &url,
            ])
            .output()
            .map_err(|e| format!("could not run curl: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "curl {url} failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        let text = String::from_utf8_lossy(&output.stdout);
        let (body, code) = text
            .trim_end()
            .rsplit_once('\n')
            .unwrap_or(("", text.trim()));
        match code.trim() {
            "200" => parse_index_file(body),
            "404" | "410" => Ok(Vec::new()),
            other => Err(format!("{url} answered HTTP {other}")),
        }
    }
}

/// The system clock.
#[derive(Debug)]
pub(crate) struct SystemClock {
    start: Instant,
}

impl SystemClock {
    /// A clock counting from now.
    pub(crate) fn new() -> SystemClock {
        SystemClock {
            start: Instant::now(),
        }
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.start.elapsed()
    }

    fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparse_index_paths() {
        assert_eq!(index_path("a"), "1/a");
        assert_eq!(index_path("ab"), "2/ab");
        assert_eq!(index_path("syn"), "3/s/syn");
        assert_eq!(index_path("serde"), "se/rd/serde");
        assert_eq!(index_path("Mutagent-Core"), "mu/ta/mutagent-core");
    }

    #[test]
    fn parses_index_files() {
        let text = "{\"name\":\"x\",\"vers\":\"0.1.0\",\"yanked\":false}\n{\"name\":\"x\",\"vers\":\"0.2.0\",\"yanked\":true}\n";
        assert_eq!(
            parse_index_file(text),
            Ok(vec!["0.1.0".to_string(), "0.2.0".to_string()])
        );
        assert_eq!(parse_index_file(""), Ok(Vec::new()));
        assert!(parse_index_file("<html>").is_err());
    }
}
