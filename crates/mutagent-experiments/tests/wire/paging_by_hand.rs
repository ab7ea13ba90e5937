//! Paging by hand with `ExperimentList::next_offset` agrees with `list_experiments_all`, and
//! with core's pages: while a page's `total` says experiments remain, both go on, even when
//! its `hasNext` says no more too early (a server deriving the flag from the asked limit while
//! answering fewer items); through the async and the blocking client.

use mutagent_experiments::{ExperimentList, ExperimentsExt, ListExperiments};
use mutagent_wire_test::*;
use serde_json::json;

/// Five experiments in pages of at most two, each saying `hasNext: false`.
fn pages() -> Vec<Reply> {
    [(0, 2), (2, 2), (4, 1)]
        .into_iter()
        .map(|(offset, count)| {
            let data: Vec<_> = (0..count)
                .map(|at| json!({"id": format!("exp-{}", offset + at)}))
                .collect();
            Reply::json(
                200,
                json!({"data": data, "total": 5, "limit": 2, "offset": offset,
                       "hasNext": false, "hasPrevious": offset > 0}),
            )
        })
        .collect()
}

/// Every experiment id, paging by hand with `next_offset` from offset 0.
fn by_hand(mut fetch: impl FnMut(u64) -> ExperimentList) -> Vec<String> {
    let mut ids = Vec::new();
    let mut offset = Some(0);
    while let Some(at) = offset {
        assert!(ids.len() < 10, "paging by hand must end");
        let page = fetch(at);
        offset = page.next_offset();
        ids.extend(
            page.data
                .into_iter()
                .filter_map(|e| e.id.map(|id| id.into_string())),
        );
    }
    ids
}

fn expected() -> Vec<String> {
    (0..5).map(|n| format!("exp-{n}")).collect()
}

#[test]
fn next_offset_trusts_the_total_as_the_walk_does() {
    let params = |offset| ListExperiments::new().limit(2).offset(offset);

    let server = ScriptedServer::start(pages());
    let client = blocking_client(&server);
    let ids = by_hand(|at| {
        client
            .experiments()
            .list_experiments(&params(at))
            .expect("page")
    });
    assert_eq!(ids, expected(), "blocking, by hand");

    let server = ScriptedServer::start(pages());
    let client = async_client(&server);
    let runtime = runtime();
    let ids = by_hand(|at| {
        runtime
            .block_on(client.experiments().list_experiments(&params(at)))
            .expect("page")
    });
    assert_eq!(ids, expected(), "async, by hand");

    // The walk goes on the same way.
    let (walked, server) = both_walk!(pages(), |c| c
        .experiments()
        .list_experiments_all(&ListExperiments::new().limit(2)));
    let walked: Vec<_> = walked
        .into_iter()
        .filter_map(|e| e.id.map(|id| id.into_string()))
        .collect();
    assert_eq!(walked, expected(), "the walk");
    assert_queries(
        &server,
        &["limit=2&offset=0", "limit=2&offset=2", "limit=2&offset=4"],
    );
}
