//! `cargo xtask operations`: one line per API operation, read from the SDK's own descriptions.

/// Prints `namespace<TAB>operation<TAB>METHOD<TAB>path` for every operation the umbrella knows.
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
        .map(|op| format!("{}\t{}\t{}\t{}", op.namespace, op.name, op.method, op.path))
        .collect()
}
