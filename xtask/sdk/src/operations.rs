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
    use std::collections::BTreeMap;

    /// One operation: (namespace, name, since) and (method, path).
    type Row = ((String, String, String), (String, String));

    /// The contract table kept in the repository: `tests/contract/operations.tsv` (every
    /// primary row of the API's table, both generations).
    fn contract() -> Vec<Row> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/contract/operations.tsv"
        );
        let text = std::fs::read_to_string(path).expect("tests/contract/operations.tsv");
        text.lines()
            .skip(1)
            .filter(|line| !line.trim().is_empty())
            .map(|line| {
                let cols: Vec<&str> = line.split('\t').collect();
                assert!(cols.len() >= 11, "malformed contract row: {line}");
                (
                    (cols[0].into(), cols[1].into(), cols[10].into()),
                    (cols[2].into(), cols[3].into()),
                )
            })
            .collect()
    }

    #[test]
    fn every_contract_operation_is_implemented_with_its_method_and_path() {
        let expected = contract();
        assert_eq!(
            expected.len(),
            78,
            "the contract has 78 primary operations: 73 of 0.1.2 and 5 of the 0.4.1 traces"
        );
        let printed: BTreeMap<(String, String, String), (String, String)> = super::lines()
            .iter()
            .map(|line| {
                let cols: Vec<&str> = line.split('\t').collect();
                assert_eq!(cols.len(), 5, "malformed line: {line}");
                (
                    (cols[0].into(), cols[1].into(), cols[4].into()),
                    (cols[2].into(), cols[3].into()),
                )
            })
            .collect();
        let mut problems = Vec::new();
        for ((namespace, name, since), (method, path)) in &expected {
            match printed.get(&(namespace.clone(), name.clone(), since.clone())) {
                None => problems.push(format!("missing: {namespace} {name} ({since})")),
                Some((m, p)) if (m, p) != (method, path) => problems.push(format!(
                    "{namespace} {name} ({since}): SDK sends {m} {p}, contract says {method} {path}"
                )),
                Some(_) => {}
            }
        }
        let known: std::collections::BTreeSet<_> = expected.iter().map(|(key, _)| key).collect();
        for key in printed.keys() {
            if !known.contains(key) {
                problems.push(format!(
                    "not in the contract: {} {} ({})",
                    key.0, key.1, key.2
                ));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        assert_eq!(super::lines().len(), 78, "no operation is listed twice");
    }
}
