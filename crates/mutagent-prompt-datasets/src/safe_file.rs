//! Writing a file that no planted link, concurrent writer or failure can turn against the
//! user: the content goes to a new temporary file beside the target, which is renamed over
//! the target only when complete.
//!
//! * The temporary file is created with `create_new` (`O_CREAT | O_EXCL`), which fails on any
//!   existing name, symbolic links included, instead of following them; its name carries a
//!   random suffix, and a clash is retried with another.
//! * Renaming replaces the target's directory entry: a link at the target is replaced, never
//!   written through.
//! * On Unix the file is created owner-only (`0600`) unless asked otherwise: datasets may
//!   hold personal data.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

/// How many random names are tried before giving up.
const ATTEMPTS: usize = 32;

/// Who may read the new file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// The owner only (`0600` on Unix).
    OwnerOnly,
    /// What the process's umask allows (`0666 & !umask` on Unix), as `File::create` does.
    Default,
}

/// Writes the file at `path` with `write`, through a temporary file renamed into place.
/// Nothing is left under either name when `write` or the rename fails.
pub(crate) fn write_file<T>(
    path: &Path,
    access: Access,
    write: impl FnOnce(&mut BufWriter<File>) -> io::Result<T>,
) -> io::Result<T> {
    let (partial, file) = create_partial(path, access)?;
    let written = (|| {
        let mut out = BufWriter::new(file);
        let value = write(&mut out)?;
        out.into_inner()
            .map_err(io::IntoInnerError::into_error)?
            .sync_all()?;
        std::fs::rename(&partial, path)?;
        Ok(value)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written
}

/// A new, empty temporary file beside `path`: `.<name>.<random>.partial`.
fn create_partial(path: &Path, access: Access) -> io::Result<(PathBuf, File)> {
    create_partial_named(path, access, std::iter::repeat_with(random_suffix))
}

/// A random name suffix from the OS (getrandom, already in the tree through ring). Should the
/// OS refuse, the time and process id still make a clash unlikely, and a clash only means
/// another name is tried.
fn random_suffix() -> u64 {
    let mut bytes = [0u8; 8];
    match getrandom::getrandom(&mut bytes) {
        Ok(()) => u64::from_le_bytes(bytes),
        Err(_) => {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |since| since.as_nanos() as u64);
            nanos ^ (u64::from(std::process::id()) << 32)
        }
    }
}

/// [`create_partial`] with the suffixes to try, in order (tests choose them to force a clash).
fn create_partial_named(
    path: &Path,
    access: Access,
    suffixes: impl IntoIterator<Item = u64>,
) -> io::Result<(PathBuf, File)> {
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "the path names no file (it ends in `..` or is a root)",
        )
    })?;
    let mut last_clash = None;
    for suffix in suffixes.into_iter().take(ATTEMPTS) {
        let mut partial_name = std::ffi::OsString::from(".");
        partial_name.push(name);
        partial_name.push(format!(".{suffix:016x}.partial"));
        let partial = path.with_file_name(partial_name);
        match options(access).open(&partial) {
            Ok(file) => return Ok((partial, file)),
            // Only a clash is worth another name; any other failure would fail again.
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => last_clash = Some(err),
            Err(err) => return Err(err),
        }
    }
    Err(last_clash.unwrap_or_else(|| io::Error::other("no free temporary file name")))
}

fn options(access: Access) -> OpenOptions {
    let mut options = OpenOptions::new();
    // `create_new` never opens an existing file or follows a link at the name.
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(match access {
            Access::OwnerOnly => 0o600,
            Access::Default => 0o666,
        });
    }
    #[cfg(not(unix))]
    let _ = access;
    options
}

#[cfg(test)]
mod tests {
    use super::*;
    use mutagent_test_support::TempDir;
    use std::io::Write;

    #[test]
    fn a_failed_write_leaves_nothing_behind() {
        let dir = TempDir::new("mutagent-safe-file-fail");
        let path = dir.path("out.csv");
        let err = write_file(&path, Access::OwnerOnly, |out| {
            out.write_all(b"half")?;
            Err::<(), _>(io::Error::other("disk full"))
        })
        .expect_err("fails");
        assert_eq!(err.to_string(), "disk full");
        assert!(dir.entries().is_empty(), "{:?}", dir.entries());
    }

    #[test]
    fn every_temporary_name_is_new() {
        let dir = TempDir::new("mutagent-safe-file-names");
        let path = dir.path("out.csv");
        let (first, _a) = create_partial(&path, Access::OwnerOnly).expect("first");
        let (second, _b) = create_partial(&path, Access::OwnerOnly).expect("second");
        assert_ne!(first, second);
        for partial in [&first, &second] {
            let name = partial.file_name().expect("name").to_string_lossy();
            assert!(
                name.starts_with(".out.csv.") && name.ends_with(".partial"),
                "{name}"
            );
        }
    }

    #[test]
    fn a_clash_is_retried_with_the_next_name_and_other_errors_are_not() {
        let dir = TempDir::new("mutagent-safe-file-clash");
        let path = dir.path("out.csv");
        // Something already holds the first name.
        let taken = dir.path(".out.csv.0000000000000001.partial");
        std::fs::write(&taken, "someone else's").expect("plant");
        let (partial, _file) =
            create_partial_named(&path, Access::OwnerOnly, [1, 2]).expect("second name");
        assert_eq!(partial, dir.path(".out.csv.0000000000000002.partial"));
        assert_eq!(
            std::fs::read_to_string(&taken).expect("kept"),
            "someone else's"
        );
        // Every name taken: the clash is reported.
        let err = create_partial_named(&path, Access::OwnerOnly, [1, 2]).expect_err("all taken");
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        // A missing directory fails at once: one name tried, not 32.
        let tried = std::cell::Cell::new(0);
        let missing = dir.path("no-such-dir").join("out.csv");
        let err = create_partial_named(
            &missing,
            Access::OwnerOnly,
            std::iter::repeat_with(|| {
                tried.set(tried.get() + 1);
                7
            }),
        )
        .expect_err("no directory");
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert_eq!(tried.get(), 1);
    }

    #[test]
    fn a_path_without_a_file_name_is_refused() {
        let err = write_file(Path::new("/"), Access::OwnerOnly, |_| Ok(())).expect_err("root");
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    }
}
