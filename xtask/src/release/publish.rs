//! `cargo xtask release publish`: publish the plan with `cargo publish --workspace`, safely.
//!
//! - refuses unless the offline checks pass and the changelog entry of the version is dated;
//! - looks every crate of the plan up on crates.io: those already there are passed to cargo
//!   as `--exclude`, so after a partial failure the same command simply finishes the job;
//! - shows the plan and asks for confirmation (`--yes` skips the question);
//! - runs `cargo publish --workspace`: since cargo 1.90 it publishes in dependency order and
//!   waits for each crate to appear in the index before publishing the crates that need it;
//! - tags the release `vX.Y.Z` once every crate is out (an existing tag is never moved).
//!
//! The outside world (registry, cargo, git) sits behind two small traits, so every step is
//! tested without network.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use super::metadata::{self, run_cargo, run_tool};
use super::plan::Plan;

/// The registry, cargo and git.
pub(crate) trait Outside {
    /// Every version of `krate` on the registry (yanked too); empty if it is not there.
    fn published_versions(&self, krate: &str) -> Result<Vec<String>, String>;
    /// `cargo publish --workspace --exclude <each of exclude>`.
    fn publish_workspace(&self, exclude: &[String]) -> Result<(), String>;
    /// Whether the tag exists.
    fn tag_exists(&self, tag: &str) -> Result<bool, String>;
    /// Creates the tag on `HEAD`.
    fn create_tag(&self, tag: &str) -> Result<(), String>;
}

/// The crates of `plan` whose version is already on the registry, in plan order.
fn already_published(plan: &Plan, registry: &dyn Outside) -> Result<Vec<String>, String> {
    let mut found = Vec::new();
    for krate in plan.order() {
        let versions = registry
            .published_versions(&krate.name)
            .map_err(|e| format!("could not look up {} on the registry: {e}", krate.name))?;
        if versions.contains(&krate.version) {
            found.push(krate.name.clone());
        }
    }
    Ok(found)
}

/// Publishes `plan`: see the module documentation. `input` answers the confirmation
/// question; `out` receives the progress report.
pub(crate) fn publish(
    plan: &Plan,
    outside: &dyn Outside,
    yes: bool,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<(), String> {
    let version = plan
        .version
        .as_deref()
        .ok_or("the root Cargo.toml has no workspace version")?;
    let tag = format!("v{version}");
    let mut say = |text: String| {
        write!(out, "{text}")
            .and_then(|()| out.flush())
            .map_err(|e| format!("cannot write: {e}"))
    };

    // Any lookup failure stops us before anything is published.
    let skipped = already_published(plan, outside)?;
    let tag_exists = outside.tag_exists(&tag)?;
    let to_publish = plan.order().count() - skipped.len();
    let mut report = plan.render();
    for name in &skipped {
        report += &format!("already on the registry, will be skipped: {name} {version}\n");
    }
    if tag_exists {
        report += &format!("tag {tag} already exists, will not be created again\n");
    }
    if to_publish == 0 && tag_exists {
        return say(format!(
            "{report}nothing to do: every crate of {version} is published and {tag} exists\n"
        ));
    }
    if !yes {
        let tag_part = if tag_exists {
            String::new()
        } else {
            format!(" and create tag {tag}")
        };
        say(format!(
            "{report}publish {to_publish} crate(s) to crates.io{tag_part}? [y/N] "
        ))?;
        let mut answer = String::new();
        input
            .read_line(&mut answer)
            .map_err(|e| format!("cannot read the answer: {e}"))?;
        if !matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            return Err(
                "release cancelled: nothing was published (answer `y` to go ahead, or pass --yes)"
                    .into(),
            );
        }
    } else {
        say(report)?;
    }
    if to_publish > 0 {
        say(format!(
            "\nrunning `cargo publish --workspace` for {to_publish} crate(s) ...\n"
        ))?;
        if let Err(e) = outside.publish_workspace(&skipped) {
            // Name what is out now, so the person releasing knows where things stand.
            let out_now = match already_published(plan, outside) {
                Ok(names) if names.is_empty() => "none".to_owned(),
                Ok(names) => names.join(", "),
                Err(e) => format!("unknown ({e})"),
            };
            return Err(format!(
                "publishing failed: {e}. On the registry now: {out_now}. Nothing was tagged. \
                 Fix the cause and run `cargo xtask release publish` again on the same commit: \
                 crates already on the registry are skipped"
            ));
        }
    }
    if !tag_exists {
        outside.create_tag(&tag).map_err(|e| {
            format!("every crate is published, but tagging {tag} failed: {e}; create it with `git tag {tag}`")
        })?;
        say(format!(
            "tagged {tag}; push it with `git push origin {tag}`\n"
        ))?;
    }
    let already = skipped.len();
    say(format!(
        "release {version} done: {to_publish} published, {already} already published\n"
    ))
}

/// `cargo xtask release publish [--yes]`.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let yes = !super::flags("publish", args, &["--yes", "-y"])?.is_empty();
    let ws = metadata::load()?;
    let findings = super::check::static_findings(&ws, true)?;
    if !findings.problems.is_empty() {
        return Err(format!(
            "not publishing: fix these first (and run `cargo xtask release check`):\n  - {}",
            findings.problems.join("\n  - ")
        ));
    }
    let plan = super::plan::build(&ws)?;
    let (stdin, stdout) = (std::io::stdin(), std::io::stdout());
    publish(
        &plan,
        &Real { root: ws.root },
        yes,
        &mut stdin.lock(),
        &mut stdout.lock(),
    )
}

/// crates.io (its sparse index, read with `curl`), and cargo and git run in `root`.
#[derive(Debug)]
pub(crate) struct Real {
    pub(crate) root: PathBuf,
}

impl Outside for Real {
    fn published_versions(&self, krate: &str) -> Result<Vec<String>, String> {
        if krate.is_empty() || !krate.is_ascii() {
            return Err(format!("`{krate}` is not a valid crate name"));
        }
        let url = format!("https://index.crates.io/{}", index_path(krate));
        // `-w` appends the HTTP status on a line of its own: 404 means "no such crate".
        let args = [
            "-sS",
            "--max-time",
            "30",
            "-H",
            "Cache-Control: no-cache",
            "-w",
            "\n%{http_code}",
            &url,
        ];
        let text = run_tool(&self.root, "curl", &args)?;
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

    fn publish_workspace(&self, exclude: &[String]) -> Result<(), String> {
        let mut args = vec!["publish", "--workspace"];
        args.extend(exclude.iter().flat_map(|name| ["--exclude", name]));
        run_cargo(&self.root, &args)
    }

    fn tag_exists(&self, tag: &str) -> Result<bool, String> {
        let listed = run_tool(&self.root, "git", &["tag", "--list", tag])?;
        Ok(listed.lines().any(|line| line.trim() == tag))
    }

    fn create_tag(&self, tag: &str) -> Result<(), String> {
        run_tool(&self.root, "git", &["tag", tag]).map(|_| ())
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
            serde_json::from_str::<serde_json::Value>(line)
                .ok()
                .and_then(|entry| entry.get("vers")?.as_str().map(str::to_owned))
                .ok_or_else(|| format!("unexpected index entry `{line}`"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::collections::BTreeSet;

    use super::super::metadata::tests::workspace;
    use super::super::plan;
    use super::*;

    /// A registry in memory, and cargo and git publishing the plan's crates into it in
    /// order (except those excluded), failing before `fail_at`.
    #[derive(Default)]
    struct Fake {
        published: RefCell<BTreeSet<String>>,
        registry_down: bool,
        order: Vec<String>,
        fail_at: Option<&'static str>,
        calls: RefCell<Vec<Vec<String>>>,
        tags: RefCell<Vec<String>>,
    }

    impl Outside for Fake {
        fn published_versions(&self, krate: &str) -> Result<Vec<String>, String> {
            if self.registry_down {
                return Err("connection refused".into());
            }
            // An older release is always there: only the plan's version counts as published.
            let mut versions = vec!["0.0.9".to_owned()];
            if self.published.borrow().contains(krate) {
                versions.push("0.1.0".to_owned());
            }
            Ok(versions)
        }
        fn publish_workspace(&self, exclude: &[String]) -> Result<(), String> {
            self.calls.borrow_mut().push(exclude.to_vec());
            for name in self.order.iter().filter(|n| !exclude.contains(n)) {
                if self.fail_at == Some(name.as_str()) {
                    return Err(format!("{name}: 429 Too Many Requests"));
                }
                self.published.borrow_mut().insert(name.clone());
            }
            Ok(())
        }
        fn tag_exists(&self, tag: &str) -> Result<bool, String> {
            Ok(self.tags.borrow().iter().any(|t| t == tag))
        }
        fn create_tag(&self, tag: &str) -> Result<(), String> {
            self.tags.borrow_mut().push(tag.into());
            Ok(())
        }
    }

    fn setup() -> (Plan, Fake) {
        let plan = plan::build(&workspace()).expect("plan");
        let order = plan.order().map(|k| k.name.clone()).collect();
        (
            plan,
            Fake {
                order,
                ..Fake::default()
            },
        )
    }

    /// Publishes `plan`, answering `answer` (or passing `--yes` if it is empty).
    fn run(plan: &Plan, fake: &Fake, answer: &str) -> Result<String, String> {
        let mut out = Vec::new();
        let yes = answer.is_empty();
        publish(plan, fake, yes, &mut answer.as_bytes(), &mut out)?;
        Ok(String::from_utf8(out).expect("utf-8"))
    }

    #[test]
    fn a_fresh_release_publishes_the_workspace_after_asking_then_tags() {
        let (plan, tools) = setup();
        for answer in ["n\n", "\n", "maybe\n"] {
            let error = run(&plan, &tools, answer).expect_err("declined");
            assert!(error.contains("nothing was published"), "{error}");
        }
        assert!(tools.calls.borrow().is_empty() && tools.tags.borrow().is_empty());
        let out = run(&plan, &tools, "y\n").expect("published");
        assert_eq!(
            *tools.calls.borrow(),
            [Vec::<String>::new()],
            "no exclusions"
        );
        assert_eq!(*tools.tags.borrow(), ["v0.1.0"]);
        assert_eq!(tools.published.borrow().len(), 4);
        assert!(
            out.contains("publish 4 crate(s) to crates.io and create tag v0.1.0?"),
            "{out}"
        );
        // The plan is printed in dependency order before anything happens.
        let (core, umbrella) = (out.find("mutagent-core 0.1.0"), out.find(" mutagent 0.1.0"));
        assert!(core.is_some() && core < umbrella, "{out}");
    }

    #[test]
    fn a_failure_halfway_then_a_rerun_skips_what_is_published() {
        let (plan, mut tools) = setup();
        tools.fail_at = Some("mutagent-prompt");
        let error = run(&plan, &tools, "").expect_err("fails");
        assert!(error.contains("429 Too Many Requests"), "{error}");
        assert!(
            error.contains("On the registry now: mutagent-core, mutagent-emulator"),
            "{error}"
        );
        assert!(
            error.contains("run `cargo xtask release publish` again"),
            "{error}"
        );
        assert!(tools.tags.borrow().is_empty(), "no tag after a failure");

        tools.fail_at = None;
        let out = run(&plan, &tools, "").expect("finishes");
        assert_eq!(
            tools.calls.borrow()[1],
            ["mutagent-core", "mutagent-emulator"]
        );
        assert!(
            out.contains("will be skipped: mutagent-core 0.1.0"),
            "{out}"
        );
        assert_eq!(*tools.tags.borrow(), ["v0.1.0"]);

        let out = run(&plan, &tools, "").expect("nothing left");
        assert!(out.contains("nothing to do"), "{out}");
        assert_eq!(tools.calls.borrow().len(), 2);
    }

    #[test]
    fn an_existing_tag_is_never_recreated() {
        let (plan, tools) = setup();
        tools.tags.borrow_mut().push("v0.1.0".into());
        let out = run(&plan, &tools, "").expect("published");
        assert_eq!(*tools.tags.borrow(), ["v0.1.0"]);
        assert!(out.contains("tag v0.1.0 already exists"), "{out}");
    }

    #[test]
    fn registry_errors_stop_before_publishing() {
        let (plan, mut tools) = setup();
        tools.registry_down = true;
        let error = run(&plan, &tools, "").expect_err("stops");
        assert!(error.contains("connection refused"), "{error}");
        assert!(tools.calls.borrow().is_empty());
    }

    #[test]
    fn sparse_index_paths_and_files() {
        let paths = ["a", "ab", "syn", "Mutagent-Core"].map(index_path);
        assert_eq!(paths, ["1/a", "2/ab", "3/s/syn", "mu/ta/mutagent-core"]);
        let text = "{\"vers\":\"0.1.0\"}\n{\"name\":\"x\",\"vers\":\"0.2.0\",\"yanked\":true}\n";
        assert_eq!(
            parse_index_file(text),
            Ok(vec!["0.1.0".into(), "0.2.0".into()])
        );
        assert_eq!(parse_index_file(""), Ok(Vec::new()));
        assert!(parse_index_file("<html>").is_err());
    }
}
