//! `cargo xtask release publish`: publish every crate of the plan, in order, safely.
//!
//! - shows the plan (marking crates already on the registry) and asks for confirmation;
//! - publishes one crate at a time (`cargo publish -p <crate>`), in dependency order;
//! - before each crate, waits (bounded) until every internal crate it depends on is
//!   visible on the registry at the needed version;
//! - skips crates whose version is already published, so it can simply be run again
//!   after a failure;
//! - tags the release `vX.Y.Z` (skipped if the tag exists).
//!
//! The outside world (cargo, the registry, git, time) sits behind small traits so the
//! logic is tested without network; the real implementations are in `registry.rs`.

use std::collections::BTreeSet;
use std::io::{BufRead, Write};
use std::time::Duration;

use super::plan::Plan;

/// Runs cargo.
pub(crate) trait Cargo {
    /// `cargo publish -p <krate>`.
    fn publish(&self, krate: &str) -> Result<(), String>;
}

/// Looks crates up on the registry.
pub(crate) trait Registry {
    /// Every version of `krate` on the registry (yanked ones too), empty if the crate
    /// does not exist there.
    fn published_versions(&self, krate: &str) -> Result<Vec<String>, String>;

    /// Whether `krate` `version` is on the registry.
    fn is_published(&self, krate: &str, version: &str) -> Result<bool, String> {
        Ok(self.published_versions(krate)?.iter().any(|v| v == version))
    }
}

/// Runs git.
pub(crate) trait Git {
    /// Whether the tag exists.
    fn tag_exists(&self, tag: &str) -> Result<bool, String>;
    /// Creates the tag on `HEAD`.
    fn create_tag(&self, tag: &str) -> Result<(), String>;
}

/// Time, so waiting can be tested without sleeping.
pub(crate) trait Clock {
    /// Time elapsed since some fixed point.
    fn now(&self) -> Duration;
    /// Waits for `duration`.
    fn sleep(&self, duration: Duration);
}

/// How long to wait for the registry, and how often to look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Wait {
    /// Give up after this long.
    pub(crate) timeout: Duration,
    /// Look this often.
    pub(crate) interval: Duration,
}

impl Default for Wait {
    fn default() -> Self {
        Wait {
            timeout: Duration::from_secs(600),
            interval: Duration::from_secs(10),
        }
    }
}

/// The world `publish` acts on.
pub(crate) struct Env<'a> {
    /// Cargo.
    pub(crate) cargo: &'a dyn Cargo,
    /// The registry.
    pub(crate) registry: &'a dyn Registry,
    /// Git.
    pub(crate) git: &'a dyn Git,
    /// Time.
    pub(crate) clock: &'a dyn Clock,
}

/// Options of `release publish`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Options {
    /// Skip the confirmation.
    pub(crate) yes: bool,
    /// Waiting for the registry.
    pub(crate) wait: Wait,
}

/// What happened to the tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TagOutcome {
    /// The tag was created.
    Created(String),
    /// The tag already existed.
    Existed(String),
}

/// What `publish` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Report {
    /// Crates published by this run, in order.
    pub(crate) published: Vec<String>,
    /// Crates skipped because their version was already on the registry.
    pub(crate) skipped: Vec<String>,
    /// The release tag.
    pub(crate) tag: TagOutcome,
}

/// Publishes `plan`: see the module documentation.
///
/// `input` answers the confirmation question; `out` receives the progress report.
pub(crate) fn publish(
    plan: &Plan,
    env: &Env<'_>,
    options: Options,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<Report, String> {
    let version = plan
        .release_version()
        .ok_or("nothing to publish: the plan is empty")?
        .to_string();
    let tag = format!("v{version}");
    let io = |e: std::io::Error| format!("could not write output: {e}");

    // What is already out there? Any lookup failure stops us before doing anything.
    let mut already = BTreeSet::new();
    for krate in plan.order() {
        let published = env
            .registry
            .is_published(&krate.name, &krate.version)
            .map_err(|e| {
                format!(
                    "could not look up {} {} on the registry: {e}",
                    krate.name, krate.version
                )
            })?;
        if published {
            already.insert(krate.name.as_str());
        }
    }
    let tag_exists = env.git.tag_exists(&tag)?;

    let to_publish = plan
        .order()
        .filter(|k| !already.contains(k.name.as_str()))
        .count();
    writeln!(out, "{}", plan.render().trim_end()).map_err(io)?;
    for krate in plan.order().filter(|k| already.contains(k.name.as_str())) {
        writeln!(
            out,
            "already published, will be skipped: {} {}",
            krate.name, krate.version
        )
        .map_err(io)?;
    }
    if tag_exists {
        writeln!(out, "tag {tag} already exists, will not be created again").map_err(io)?;
    }
    if to_publish == 0 && tag_exists {
        writeln!(
            out,
            "nothing to do: every crate of {version} is published and {tag} exists"
        )
        .map_err(io)?;
        return Ok(Report {
            published: Vec::new(),
            skipped: already.iter().map(|s| s.to_string()).collect(),
            tag: TagOutcome::Existed(tag),
        });
    }

    if !options.yes {
        let tag_part = if tag_exists {
            String::new()
        } else {
            format!(" and create tag {tag}")
        };
        write!(
            out,
            "publish {to_publish} crate(s) to crates.io{tag_part}? [y/N] "
        )
        .map_err(io)?;
        out.flush().map_err(io)?;
        let mut answer = String::new();
        input
            .read_line(&mut answer)
            .map_err(|e| format!("could not read the answer: {e}"))?;
        if !answer.ends_with('\n') {
            // Not typed at a terminal (piped or end of input): end the prompt's line.
            writeln!(out).map_err(io)?;
        }
        if !matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            return Err(
                "release cancelled: nothing was published (answer `y` to go ahead, or pass --yes)"
                    .into(),
            );
        }
    }

    let mut published = Vec::new();
    let mut skipped = Vec::new();
    let mut visible: BTreeSet<String> = already.iter().map(|s| s.to_string()).collect();
    for krate in plan.order() {
        if already.contains(krate.name.as_str()) {
            writeln!(
                out,
                "skipping {} {}: already published",
                krate.name, krate.version
            )
            .map_err(io)?;
            skipped.push(krate.name.clone());
            continue;
        }
        for dep in &krate.deps {
            if visible.contains(dep) {
                continue;
            }
            let dep_version = plan
                .order()
                .find(|k| &k.name == dep)
                .map(|k| k.version.as_str())
                .unwrap_or(&version);
            wait_until_visible(env, options.wait, dep, dep_version, out).map_err(|e| {
                format!(
                    "{e}; {} was not published. {}",
                    krate.name,
                    rerun_hint(&published)
                )
            })?;
            visible.insert(dep.clone());
        }
        writeln!(out, "publishing {} {} ...", krate.name, krate.version).map_err(io)?;
        out.flush().map_err(io)?;
        env.cargo.publish(&krate.name).map_err(|e| {
            format!(
                "publishing {} {} failed: {e}. {}",
                krate.name,
                krate.version,
                rerun_hint(&published)
            )
        })?;
        writeln!(out, "published {} {}", krate.name, krate.version).map_err(io)?;
        published.push(krate.name.clone());
    }

    let tag_outcome = if tag_exists {
        writeln!(out, "tag {tag} exists; not tagging").map_err(io)?;
        TagOutcome::Existed(tag)
    } else {
        env.git.create_tag(&tag).map_err(|e| format!("every crate is published, but tagging {tag} failed: {e}; create it with `git tag {tag}`"))?;
        writeln!(out, "tagged {tag}; push it with `git push origin {tag}`").map_err(io)?;
        TagOutcome::Created(tag)
    };
    writeln!(
        out,
        "release {version} done: {} published, {} already published",
        published.len(),
        skipped.len()
    )
    .map_err(io)?;
    Ok(Report {
        published,
        skipped,
        tag: tag_outcome,
    })
}

fn rerun_hint(published: &[String]) -> String {
    let so_far = if published.is_empty() {
        "none".to_string()
    } else {
        published.join(", ")
    };
    format!(
        "Published by this run: {so_far}. Fix the cause and run `cargo xtask release publish` again: \
         crates already on the registry are skipped"
    )
}

/// Polls the registry until `krate` `version` is visible, or the wait times out.
/// Lookup errors count as "not yet" (the last one is reported on timeout).
pub(crate) fn wait_until_visible(
    env: &Env<'_>,
    wait: Wait,
    krate: &str,
    version: &str,
    out: &mut dyn Write,
) -> Result<(), String> {
    let start = env.clock.now();
    let mut announced = false;
    let mut last_error = None;
    loop {
        match env.registry.is_published(krate, version) {
            Ok(true) => {
                if announced {
                    let _ = writeln!(out, "{krate} {version} is visible on the registry");
                }
                return Ok(());
            }
            Ok(false) => {}
            Err(e) => last_error = Some(e),
        }
        let waited = env.clock.now().saturating_sub(start);
        if waited >= wait.timeout {
            let mut message = format!(
                "timed out after {}s waiting for {krate} {version} to appear on the registry",
                waited.as_secs()
            );
            if let Some(e) = last_error {
                message.push_str(&format!(" (last lookup error: {e})"));
            }
            return Err(message);
        }
        if !announced {
            let _ = writeln!(
                out,
                "waiting for {krate} {version} to appear on the registry (every {}s, up to {}s)...",
                wait.interval.as_secs(),
                wait.timeout.as_secs()
            );
            let _ = out.flush();
            announced = true;
        }
        env.clock.sleep(
            wait.interval
                .min(wait.timeout.saturating_sub(waited))
                .max(Duration::from_millis(1)),
        );
    }
}

/// Parses a number of seconds given to `--timeout`/`--interval`.
fn seconds(flag: &str, value: Option<&String>) -> Result<Duration, String> {
    let value = value.ok_or_else(|| format!("`{flag}` needs a number of seconds"))?;
    value
        .parse::<u64>()
        .ok()
        .filter(|&s| s > 0)
        .map(Duration::from_secs)
        .ok_or_else(|| format!("`{flag}` needs a positive number of seconds (got `{value}`)"))
}

/// `cargo xtask release publish [--yes] [--timeout SECS] [--interval SECS]`.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let mut options = Options::default();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--yes" | "-y" => options.yes = true,
            "--timeout" => options.wait.timeout = seconds("--timeout", iter.next())?,
            "--interval" => options.wait.interval = seconds("--interval", iter.next())?,
            other => {
                return Err(format!(
                    "unknown `release publish` argument `{other}`; see `cargo xtask release help`"
                ))
            }
        }
    }
    let root = super::metadata::workspace_root();
    let ws = super::metadata::load(&root)?;

    // Cheap safety net: the offline checks must pass, and the changelog must be dated.
    let mut findings = super::check::static_findings(&ws)?;
    if let Some(version) = &ws.version {
        let text =
            std::fs::read_to_string(ws.root.join(super::changelog::FILE)).unwrap_or_default();
        let (headings, _) = super::changelog::headings(&text);
        if super::changelog::find(&headings, version)
            .is_some_and(|h| h.date == super::changelog::ReleaseDate::Unreleased)
        {
            findings.problems.push(format!(
                "{} still says `## [{version}] - unreleased`; replace `unreleased` with today's date (YYYY-MM-DD) and commit",
                super::changelog::FILE
            ));
        }
    }
    if !findings.problems.is_empty() {
        let mut message =
            String::from("not publishing: fix these first (and run `cargo xtask release check`):");
        for problem in &findings.problems {
            message.push_str("\n  - ");
            message.push_str(problem);
        }
        return Err(message);
    }

    let plan = super::plan::build(&ws)?;
    let real = super::registry::Real::new(ws.root.clone());
    let registry = super::registry::CratesIo::default();
    let clock = super::registry::SystemClock::new();
    let env = Env {
        cargo: &real,
        registry: &registry,
        git: &real,
        clock: &clock,
    };
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    publish(&plan, &env, options, &mut input, &mut out).map(|_| ())
}

#[cfg(test)]
mod tests {
    use std::cell::{Cell, RefCell};
    use std::collections::BTreeMap;

    use super::super::metadata::tests::workspace;
    use super::super::plan;
    use super::*;

    /// Records publishes into a shared registry; can fail on one crate.
    struct FakeCargo<'a> {
        registry: &'a FakeRegistry,
        fail_on: Option<&'static str>,
        calls: RefCell<Vec<String>>,
    }

    impl Cargo for FakeCargo<'_> {
        fn publish(&self, krate: &str) -> Result<(), String> {
            self.calls.borrow_mut().push(krate.to_string());
            if self.fail_on == Some(krate) {
                return Err("error: failed to publish (simulated)".into());
            }
            self.registry.upload(krate, "0.1.0");
            Ok(())
        }
    }

    /// A registry whose uploads become visible only after `delay` lookups, and which can
    /// be told to fail lookups.
    #[derive(Default)]
    struct FakeRegistry {
        /// crate -> (version, lookups left before it is visible)
        crates: RefCell<BTreeMap<String, (String, u32)>>,
        delay: u32,
        lookups: Cell<u32>,
        broken: bool,
    }

    impl FakeRegistry {
        fn upload(&self, krate: &str, version: &str) {
            self.crates
                .borrow_mut()
                .insert(krate.to_string(), (version.to_string(), self.delay));
        }
        fn with_visible(self, krates: &[&str]) -> Self {
            for krate in krates {
                self.crates
                    .borrow_mut()
                    .insert(krate.to_string(), ("0.1.0".to_string(), 0));
            }
            self
        }
    }

    impl Registry for FakeRegistry {
        fn published_versions(&self, krate: &str) -> Result<Vec<String>, String> {
            self.lookups.set(self.lookups.get() + 1);
            if self.broken {
                return Err("connection refused (simulated)".into());
            }
            let mut crates = self.crates.borrow_mut();
            match crates.get_mut(krate) {
                Some((version, 0)) => Ok(vec![version.clone()]),
                Some((_, left)) => {
                    *left -= 1;
                    Ok(Vec::new())
                }
                None => Ok(Vec::new()),
            }
        }
    }

    #[derive(Default)]
    struct FakeGit {
        tags: RefCell<Vec<String>>,
    }

    impl Git for FakeGit {
        fn tag_exists(&self, tag: &str) -> Result<bool, String> {
            Ok(self.tags.borrow().iter().any(|t| t == tag))
        }
        fn create_tag(&self, tag: &str) -> Result<(), String> {
            self.tags.borrow_mut().push(tag.to_string());
            Ok(())
        }
    }

    /// A clock that only moves when slept on.
    #[derive(Default)]
    struct FakeClock {
        now: Cell<Duration>,
        sleeps: Cell<u32>,
    }

    impl Clock for FakeClock {
        fn now(&self) -> Duration {
            self.now.get()
        }
        fn sleep(&self, duration: Duration) {
            self.sleeps.set(self.sleeps.get() + 1);
            self.now.set(self.now.get() + duration);
        }
    }

    const ORDER: [&str; 4] = [
        "mutagent-core",
        "mutagent-emulator",
        "mutagent-prompt",
        "mutagent",
    ];

    fn plan() -> Plan {
        plan::build(&workspace()).expect("plan")
    }

    fn yes() -> Options {
        Options {
            yes: true,
            wait: Wait {
                timeout: Duration::from_secs(60),
                interval: Duration::from_secs(5),
            },
        }
    }

    fn run_publish(
        registry: &FakeRegistry,
        cargo: &FakeCargo<'_>,
        git: &FakeGit,
        clock: &FakeClock,
        options: Options,
        answer: &str,
    ) -> (Result<Report, String>, String) {
        let env = Env {
            cargo,
            registry,
            git,
            clock,
        };
        let mut out = Vec::new();
        let result = publish(&plan(), &env, options, &mut answer.as_bytes(), &mut out);
        (result, String::from_utf8_lossy(&out).into_owned())
    }

    #[test]
    fn fresh_release_publishes_everything_in_order_and_tags() {
        let registry = FakeRegistry::default();
        let cargo = FakeCargo {
            registry: &registry,
            fail_on: None,
            calls: RefCell::default(),
        };
        let (git, clock) = (FakeGit::default(), FakeClock::default());
        let (result, out) = run_publish(
            &registry,
            &cargo,
            &git,
            &clock,
            Options {
                yes: false,
                ..yes()
            },
            "y\n",
        );
        let report = result.expect("published");
        assert_eq!(*cargo.calls.borrow(), ORDER);
        assert_eq!(report.published, ORDER);
        assert!(report.skipped.is_empty());
        assert_eq!(report.tag, TagOutcome::Created("v0.1.0".into()));
        assert_eq!(*git.tags.borrow(), ["v0.1.0"]);
        assert_eq!(clock.sleeps.get(), 0, "uploads were visible at once");
        assert!(
            out.contains("publish 4 crate(s) to crates.io and create tag v0.1.0? [y/N]"),
            "{out}"
        );
        assert!(out.contains(" 1. mutagent-core 0.1.0"), "{out}");
    }

    #[test]
    fn declining_publishes_nothing() {
        for answer in ["\n", "n\n", "", "nope\n"] {
            let registry = FakeRegistry::default();
            let cargo = FakeCargo {
                registry: &registry,
                fail_on: None,
                calls: RefCell::default(),
            };
            let (git, clock) = (FakeGit::default(), FakeClock::default());
            let (result, _) = run_publish(
                &registry,
                &cargo,
                &git,
                &clock,
                Options {
                    yes: false,
                    ..yes()
                },
                answer,
            );
            assert!(result.expect_err("cancelled").contains("release cancelled"));
            assert!(cargo.calls.borrow().is_empty());
            assert!(git.tags.borrow().is_empty());
        }
    }

    #[test]
    fn a_failure_halfway_then_a_rerun_skips_what_is_published() {
        let registry = FakeRegistry::default();
        let (git, clock) = (FakeGit::default(), FakeClock::default());
        let failing = FakeCargo {
            registry: &registry,
            fail_on: Some("mutagent-prompt"),
            calls: RefCell::default(),
        };
        let (result, _) = run_publish(&registry, &failing, &git, &clock, yes(), "");
        let error = result.expect_err("failed");
        assert!(
            error.contains(
                "publishing mutagent-prompt 0.1.0 failed: error: failed to publish (simulated)"
            ),
            "{error}"
        );
        assert!(
            error.contains("Published by this run: mutagent-core, mutagent-emulator"),
            "{error}"
        );
        assert!(
            error.contains("run `cargo xtask release publish` again"),
            "{error}"
        );
        assert_eq!(
            *failing.calls.borrow(),
            ["mutagent-core", "mutagent-emulator", "mutagent-prompt"]
        );
        assert!(git.tags.borrow().is_empty(), "no tag for a partial release");

        let cargo = FakeCargo {
            registry: &registry,
            fail_on: None,
            calls: RefCell::default(),
        };
        let (result, out) = run_publish(&registry, &cargo, &git, &clock, yes(), "");
        let report = result.expect("second run succeeds");
        assert_eq!(*cargo.calls.borrow(), ["mutagent-prompt", "mutagent"]);
        assert_eq!(report.skipped, ["mutagent-core", "mutagent-emulator"]);
        assert_eq!(report.tag, TagOutcome::Created("v0.1.0".into()));
        assert!(
            out.contains("already published, will be skipped: mutagent-core 0.1.0"),
            "{out}"
        );

        // A third run has nothing left to do.
        let idle = FakeCargo {
            registry: &registry,
            fail_on: None,
            calls: RefCell::default(),
        };
        let (result, out) = run_publish(
            &registry,
            &idle,
            &git,
            &clock,
            Options {
                yes: false,
                ..yes()
            },
            "",
        );
        assert_eq!(
            result.expect("nothing to do").tag,
            TagOutcome::Existed("v0.1.0".into())
        );
        assert!(idle.calls.borrow().is_empty());
        assert!(out.contains("nothing to do"), "{out}");
    }

    #[test]
    fn existing_tag_is_not_recreated() {
        let registry = FakeRegistry::default().with_visible(&["mutagent-core"]);
        let cargo = FakeCargo {
            registry: &registry,
            fail_on: None,
            calls: RefCell::default(),
        };
        let (git, clock) = (FakeGit::default(), FakeClock::default());
        git.tags.borrow_mut().push("v0.1.0".into());
        let (result, _) = run_publish(&registry, &cargo, &git, &clock, yes(), "");
        let report = result.expect("published");
        assert_eq!(report.tag, TagOutcome::Existed("v0.1.0".into()));
        assert_eq!(*git.tags.borrow(), ["v0.1.0"]);
        assert_eq!(
            *cargo.calls.borrow(),
            ["mutagent-emulator", "mutagent-prompt", "mutagent"]
        );
    }

    #[test]
    fn waits_until_dependencies_become_visible() {
        let registry = FakeRegistry {
            delay: 3,
            ..FakeRegistry::default()
        };
        let cargo = FakeCargo {
            registry: &registry,
            fail_on: None,
            calls: RefCell::default(),
        };
        let (git, clock) = (FakeGit::default(), FakeClock::default());
        let (result, out) = run_publish(&registry, &cargo, &git, &clock, yes(), "");
        let report = result.expect("published");
        assert_eq!(report.published, ORDER);
        // mutagent-core needed 3 polls before mutagent-prompt; then mutagent-prompt before
        // mutagent (mutagent-core is remembered as visible).
        assert_eq!(clock.sleeps.get(), 6, "{out}");
        assert_eq!(clock.now.get(), Duration::from_secs(30));
        assert!(
            out.contains(
                "waiting for mutagent-core 0.1.0 to appear on the registry (every 5s, up to 60s)"
            ),
            "{out}"
        );
        assert!(
            out.contains("mutagent-core 0.1.0 is visible on the registry"),
            "{out}"
        );
        let position = |needle: &str| out.find(needle).unwrap_or(usize::MAX);
        assert!(
            position("mutagent-core 0.1.0 is visible") < position("publishing mutagent-prompt"),
            "{out}"
        );
    }

    #[test]
    fn gives_up_after_the_timeout() {
        let registry = FakeRegistry {
            delay: 1000,
            ..FakeRegistry::default()
        };
        let cargo = FakeCargo {
            registry: &registry,
            fail_on: None,
            calls: RefCell::default(),
        };
        let (git, clock) = (FakeGit::default(), FakeClock::default());
        let (result, _) = run_publish(&registry, &cargo, &git, &clock, yes(), "");
        let error = result.expect_err("timeout");
        assert!(
            error.contains(
                "timed out after 60s waiting for mutagent-core 0.1.0 to appear on the registry"
            ),
            "{error}"
        );
        assert!(
            error.contains("mutagent-prompt was not published"),
            "{error}"
        );
        assert!(
            error.contains("Published by this run: mutagent-core, mutagent-emulator"),
            "{error}"
        );
        assert_eq!(
            *cargo.calls.borrow(),
            ["mutagent-core", "mutagent-emulator"]
        );
        assert_eq!(
            clock.now.get(),
            Duration::from_secs(60),
            "bounded by the timeout"
        );
        assert_eq!(clock.sleeps.get(), 12);
        assert!(git.tags.borrow().is_empty());
    }

    #[test]
    fn registry_errors_stop_before_publishing() {
        let registry = FakeRegistry {
            broken: true,
            ..FakeRegistry::default()
        };
        let cargo = FakeCargo {
            registry: &registry,
            fail_on: None,
            calls: RefCell::default(),
        };
        let (git, clock) = (FakeGit::default(), FakeClock::default());
        let (result, _) = run_publish(&registry, &cargo, &git, &clock, yes(), "");
        let error = result.expect_err("lookup failed");
        assert!(
            error.contains(
                "could not look up mutagent-core 0.1.0 on the registry: connection refused"
            ),
            "{error}"
        );
        assert!(cargo.calls.borrow().is_empty());
    }

    #[test]
    fn lookup_errors_while_waiting_are_retried_then_reported() {
        let registry = FakeRegistry {
            broken: true,
            ..FakeRegistry::default()
        };
        let clock = FakeClock::default();
        let (cargo, git) = (
            FakeCargo {
                registry: &registry,
                fail_on: None,
                calls: RefCell::default(),
            },
            FakeGit::default(),
        );
        let env = Env {
            cargo: &cargo,
            registry: &registry,
            git: &git,
            clock: &clock,
        };
        let wait = Wait {
            timeout: Duration::from_secs(10),
            interval: Duration::from_secs(3),
        };
        let error =
            wait_until_visible(&env, wait, "x", "1.0.0", &mut Vec::new()).expect_err("timeout");
        assert!(
            error.contains("timed out after 10s")
                && error.contains("last lookup error: connection refused"),
            "{error}"
        );
        assert_eq!(
            registry.lookups.get(),
            5,
            "looked at 0s, 3s, 6s, 9s and 10s"
        );
    }

    #[test]
    fn parses_durations() {
        assert_eq!(
            seconds("--timeout", Some(&"30".to_string())),
            Ok(Duration::from_secs(30))
        );
        assert!(seconds("--timeout", Some(&"0".to_string())).is_err());
        assert!(seconds("--timeout", Some(&"soon".to_string())).is_err());
        assert!(seconds("--timeout", None).is_err());
    }
}
