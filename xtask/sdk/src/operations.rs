//! `cargo xtask operations`: one line per API operation, read from the SDK's own descriptions.

/// Prints `namespace<TAB>operation<TAB>METHOD<TAB>path<TAB>since` for every operation the
/// umbrella knows (`since` is the contract generation: `0.1.2`, or `0.4.1` for the live trace
/// contract, which reuses paths of the 0.1.2 one).
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    if let Some(extra) = args.first() {
        return Err(format!("`operations` takes no arguments (got `{extra}`)"));
    }
    for line in lines() {
        println!("{line}");
    }
    Ok(())
}

/// The lines `run` prints.
pub(crate) fn lines() -> Vec<String> {
    mutagent::operations()
        .into_iter()
        .map(|op| {
            format!(
                "{}\t{}\t{}\t{}\t{}",
                op.namespace, op.name, op.method, op.path, op.since
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    /// A row's key: method, path and contract generation (unique in the API's table, even
    /// where the two trace generations share a path).
    type Key = (String, String, String);

    /// What a row names: namespace and operation.
    type Names = (String, String);

    /// The contract table kept in the repository: `tests/contract/operations.tsv`, a copy of
    /// the API's whole operation table (both generations, every namespace, primary or not).
    fn contract() -> BTreeMap<Key, Names> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/contract/operations.tsv"
        );
        let text = std::fs::read_to_string(path).expect("tests/contract/operations.tsv");
        let mut rows = BTreeMap::new();
        for line in text.lines().skip(1).filter(|line| !line.trim().is_empty()) {
            let cols: Vec<&str> = line.split('\t').collect();
            assert!(cols.len() >= 11, "malformed contract row: {line}");
            let key = (cols[2].into(), cols[3].into(), cols[10].into());
            let names = (cols[0].into(), cols[1].into());
            assert!(
                rows.insert(key, names).is_none(),
                "contract row listed twice: {line}"
            );
        }
        rows
    }

    /// What `cargo xtask operations` prints, by key.
    fn printed() -> BTreeMap<Key, Names> {
        let lines = super::lines();
        let mut printed = BTreeMap::new();
        for line in &lines {
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols.len(), 5, "malformed line: {line}");
            let key = (cols[2].into(), cols[3].into(), cols[4].into());
            let names = (cols[0].into(), cols[1].into());
            assert!(
                printed.insert(key, names).is_none(),
                "operation listed twice: {line}"
            );
        }
        printed
    }

    /// Operations the live SDK (0.4.1) renamed, as (contract namespace, contract name, live
    /// name): models-secondary.md, the provider_configs and user_profile method tables. The SDK
    /// may use either name; the namespace `provider_configs` may also be the live `llm_providers`.
    const LIVE_NAMES: &[(&str, &str, &str)] = &[
        (
            "provider_configs",
            "list_providers",
            "list_provider_configs",
        ),
        (
            "provider_configs",
            "create_provider",
            "create_provider_config",
        ),
        ("provider_configs", "get_provider", "get_provider_config"),
        (
            "provider_configs",
            "update_provider",
            "update_provider_config",
        ),
        (
            "provider_configs",
            "delete_provider",
            "delete_provider_config",
        ),
        (
            "provider_configs",
            "get_models_catalog",
            "get_model_catalog",
        ),
        ("provider_configs", "test_provider", "test_provider_config"),
        ("user_profile", "list_sessions", "list_user_sessions"),
        ("user_profile", "delete_session", "revoke_user_session"),
    ];

    /// Whether the SDK's names for a row are the contract's, or their live 0.4.1 spelling.
    fn same_operation(contract: (&String, &String), sdk: (&String, &String)) -> bool {
        let (namespace, name) = contract;
        let (ns, n) = sdk;
        let namespace_ok =
            ns == namespace || (namespace == "provider_configs" && ns == "llm_providers");
        let name_ok = n == name
            || LIVE_NAMES
                .iter()
                .any(|(lns, old, new)| lns == namespace && old == name && new == n);
        namespace_ok && name_ok
    }

    /// Every difference between the contract and the SDK's operations, as messages: a row the
    /// SDK lacks, a row it names otherwise (other than the live spelling), an operation the
    /// contract does not have.
    fn problems(contract: &BTreeMap<Key, Names>, printed: &BTreeMap<Key, Names>) -> Vec<String> {
        let mut problems = Vec::new();
        for (key @ (method, path, since), (namespace, name)) in contract {
            match printed.get(key) {
                None => problems.push(format!(
                    "missing: {namespace} {name} ({method} {path}, {since})"
                )),
                Some((ns, n)) if !same_operation((namespace, name), (ns, n)) => problems.push(format!(
                    "{method} {path} ({since}) is {ns}.{n} in the SDK, {namespace}.{name} in the contract"
                )),
                Some(_) => {}
            }
        }
        for ((method, path, since), (namespace, name)) in printed {
            if !contract.contains_key(&(method.clone(), path.clone(), since.clone())) {
                problems.push(format!(
                    "not in the contract: {namespace}.{name} {method} {path} ({since})"
                ));
            }
        }
        problems
    }

    #[test]
    fn the_contract_copy_is_the_whole_table() {
        let contract = contract();
        let count = |since: &str| contract.keys().filter(|(_, _, s)| s == since).count();
        assert_eq!(
            (contract.len(), count("0.1.2"), count("0.4.1")),
            (124, 118, 6),
            "the API's table: 118 operations of 0.1.2 (73 primary, 45 secondary), five of the \
             0.4.1 traces and the 0.4.1-only list_provider_config_models"
        );
        let namespaces: BTreeSet<&str> = contract.values().map(|(ns, _)| ns.as_str()).collect();
        assert_eq!(namespaces.len(), 18, "{namespaces:?}");
    }

    #[test]
    fn every_contract_operation_is_implemented_with_its_method_and_path() {
        let contract = contract();
        let printed = printed();
        let problems = problems(&contract, &printed);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        assert_eq!(
            printed.len(),
            contract.len(),
            "every row of the contract, each once, and nothing else"
        );
    }

    /// The Python namespaces a contract namespace goes by (0.4.x renamed `provider_configs`).
    fn python_namespaces(namespace: &str) -> Vec<String> {
        match namespace {
            "provider_configs" => vec!["provider_configs".into(), "llm_providers".into()],
            other => vec![other.to_owned()],
        }
    }

    #[test]
    fn every_operation_is_in_the_migration_guide_with_its_rust_call() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../docs/migration-from-python.md"
        );
        let guide = std::fs::read_to_string(path).expect("docs/migration-from-python.md");
        let mut missing = Vec::new();
        for (namespace, name) in contract().values() {
            // A table row: the Python call, then the Rust one (`client.<ns>()` or a helper).
            // The 0.1.2 name, or the live one where 0.4.1 renamed the method.
            let live = LIVE_NAMES
                .iter()
                .find(|(ns, old, _)| ns == namespace && old == name)
                .map(|(_, _, new)| *new);
            let names: Vec<&str> = std::iter::once(name.as_str()).chain(live).collect();
            let documented = python_namespaces(namespace).iter().any(|ns| {
                names.iter().any(|name| {
                    let call = format!("`client.{ns}.{name}(");
                    guide.lines().any(|line| {
                        line.starts_with("| ") && line.contains(&call) && line.contains("().")
                    })
                })
            });
            if !documented {
                missing.push(format!("{namespace}.{name}"));
            }
        }
        assert!(
            missing.is_empty(),
            "operations without a Python -> Rust row in docs/migration-from-python.md: {}",
            missing.join(", ")
        );
    }

    #[test]
    fn the_check_catches_missing_wrong_and_extra_operations() {
        let key = |m: &str, p: &str| (m.to_owned(), p.to_owned(), "0.1.2".to_owned());
        let names = |ns: &str, n: &str| (ns.to_owned(), n.to_owned());
        let contract = BTreeMap::from([
            (key("GET", "/api/prompt/"), names("prompt", "list_prompts")),
            (
                key("GET", "/api/users/me/sessions"),
                names("user_profile", "list_sessions"),
            ),
            (
                key("GET", "/api/providers/"),
                names("provider_configs", "list_providers"),
            ),
        ]);
        // The contract's names, or the live 0.4.1 ones of renamed operations, pass.
        let exact = contract.clone();
        assert!(problems(&contract, &exact).is_empty());
        let live = BTreeMap::from([
            (key("GET", "/api/prompt/"), names("prompt", "list_prompts")),
            (
                key("GET", "/api/users/me/sessions"),
                names("user_profile", "list_user_sessions"),
            ),
            (
                key("GET", "/api/providers/"),
                names("llm_providers", "list_provider_configs"),
            ),
        ]);
        assert!(
            problems(&contract, &live).is_empty(),
            "{:?}",
            problems(&contract, &live)
        );
        // A wrong name, a wrong namespace, an unknown route and a missing row are reported.
        let wrong = BTreeMap::from([
            (key("GET", "/api/prompt/"), names("prompt", "get_prompts")),
            (key("GET", "/api/prompts/"), names("prompt", "list_prompts")),
            (
                key("GET", "/api/providers/"),
                names("providers", "list_provider_configs"),
            ),
        ]);
        let found = problems(&contract, &wrong).join("\n");
        assert!(
            found.contains("is prompt.get_prompts in the SDK"),
            "{found}"
        );
        assert!(
            found.contains("is providers.list_provider_configs in the SDK"),
            "{found}"
        );
        assert!(
            found.contains("not in the contract: prompt.list_prompts GET /api/prompts/"),
            "{found}"
        );
        assert!(
            found.contains("missing: user_profile list_sessions"),
            "{found}"
        );
    }
}
