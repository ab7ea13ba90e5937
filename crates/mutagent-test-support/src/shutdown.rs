//! Work done on a Tokio runtime while it is being shut down.

/// Runs `work` with the handle of a one-worker multi-thread runtime while that runtime is
/// being dropped, and returns what `work` returned.
///
/// `work` runs on a `spawn_blocking` task, which dropping the runtime waits for; it starts
/// 200 ms after the drop has begun, when the runtime's drivers are shut down, so a timer set
/// or a task spawned on `handle` then meets a runtime shutting down.
///
/// # Panics
/// When the runtime cannot be built, or `work` panics (its result is then never sent).
pub fn while_a_runtime_shuts_down<R: Send + 'static>(
    work: impl FnOnce(tokio::runtime::Handle) -> R + Send + 'static,
) -> R {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let handle = runtime.handle().clone();
    let (tell, told) = std::sync::mpsc::channel();
    let (drop_begins, dropping) = std::sync::mpsc::channel::<()>();
    runtime.spawn_blocking(move || {
        let _ = dropping.recv();
        std::thread::sleep(std::time::Duration::from_millis(200));
        let _ = tell.send(work(handle));
    });
    let _ = drop_begins.send(());
    drop(runtime);
    told.recv().expect("the work's result")
}
