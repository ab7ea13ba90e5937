//! gzip answers, decompressed as they arrive (flate2 over miniz_oxide: pure Rust).
//!
//! Compressed chunks are pushed through a decoder whose output goes into a buffer that refuses
//! to grow past the limit, so reading stops at the first chunk that would inflate past it:
//! memory stays at the limit plus the decoder's 32 KiB window, however much the body claims.

use std::io::{self, Write};

use bytes::Bytes;
use flate2::write::MultiGzDecoder;
use http_body_util::BodyExt;

use super::ReadError;
use crate::error::EncodingFailure;
use crate::http_client::ResponseBody;

/// Compressed input is bounded too, so a stream of empty blocks (which inflates to nothing)
/// cannot be read forever: deflate's worst case is about 1.001 times its input (stored
/// blocks), a quarter more is far above any honest encoder.
fn compressed_limit(limit: usize) -> usize {
    limit.saturating_add(limit / 4).saturating_add(1024)
}

/// Reads and decompresses a whole gzip body, stopping once the decompressed size passes
/// `limit` (or the compressed size passes [`compressed_limit`]).
pub(super) async fn read(mut body: ResponseBody, limit: usize) -> Result<Bytes, ReadError> {
    let mut decoder = MultiGzDecoder::new(Bounded::new(limit));
    let mut pulled = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(ReadError::Broken)?;
        let Ok(chunk) = frame.into_data() else {
            continue;
        };
        pulled = pulled.saturating_add(chunk.len());
        if pulled > compressed_limit(limit) {
            return Err(ReadError::TooLarge);
        }
        decoder
            .write_all(&chunk)
            .map_err(|err| failed(decoder.get_ref(), err))?;
    }
    if pulled == 0 {
        // A `204` or `HEAD` answer may carry the header with no body at all.
        return Ok(Bytes::new());
    }
    decoder
        .try_finish()
        .map_err(|err| failed(decoder.get_ref(), err))?;
    Ok(Bytes::from(std::mem::take(&mut decoder.get_mut().out)))
}

/// The limit, or else invalid data.
fn failed(sink: &Bounded, err: io::Error) -> ReadError {
    if sink.over {
        ReadError::TooLarge
    } else {
        ReadError::Encoding {
            encoding: "gzip".to_owned(),
            failure: EncodingFailure::Invalid,
            source: Some(Box::new(err)),
        }
    }
}

/// Decompressed output that refuses to grow past `limit`, and never reserves more.
struct Bounded {
    out: Vec<u8>,
    limit: usize,
    /// Set once a write would have passed the limit (every later write fails too).
    over: bool,
}

impl Bounded {
    fn new(limit: usize) -> Self {
        Self {
            out: Vec::new(),
            limit,
            over: false,
        }
    }
}

impl Write for Bounded {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let wanted = self.out.len().saturating_add(data.len());
        if self.over || wanted > self.limit {
            self.over = true;
            return Err(io::Error::other("the decompressed body passes the limit"));
        }
        if wanted > self.out.capacity() {
            // Double as Vec would, but never past the limit.
            let target = wanted.max(self.out.capacity() * 2).min(self.limit);
            self.out.reserve_exact(target - self.out.len());
        }
        self.out.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use flate2::Compression;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(data).expect("compress");
        encoder.finish().expect("compress")
    }

    fn read_chunks(chunks: Vec<Vec<u8>>, limit: usize) -> Result<Bytes, ReadError> {
        let stream = futures_core_stream(chunks);
        futures_block_on(read(stream, limit))
    }

    fn futures_core_stream(chunks: Vec<Vec<u8>>) -> ResponseBody {
        let frames: Vec<Result<http_body::Frame<Bytes>, std::convert::Infallible>> = chunks
            .into_iter()
            .map(|chunk| Ok(http_body::Frame::data(Bytes::from(chunk))))
            .collect();
        ResponseBody::new(http_body_util::StreamBody::new(Iter(frames.into_iter())))
    }

    struct Iter<I>(I);
    impl<I: Iterator + Unpin> futures_core::Stream for Iter<I> {
        type Item = I::Item;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<I::Item>> {
            std::task::Poll::Ready(self.0.next())
        }
    }

    fn futures_block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
            .block_on(future)
    }

    /// Whole and split at every few bytes, the body comes out as it went in.
    #[test]
    fn round_trips_in_any_chunking() {
        let data: Vec<u8> = (0..100_000u32).flat_map(|n| n.to_le_bytes()).collect();
        let compressed = gzip(&data);
        for size in [1, 7, 4096, compressed.len()] {
            let chunks = compressed.chunks(size).map(<[u8]>::to_vec).collect();
            let body = read_chunks(chunks, data.len()).ok().expect("decoded");
            assert_eq!(&body[..], &data[..], "chunks of {size}");
        }
    }

    /// Exactly the limit passes; one byte more does not, and memory never passes the limit.
    #[test]
    fn the_limit_counts_decompressed_bytes() {
        let data = vec![b'a'; 10_000];
        let compressed = gzip(&data);
        assert!(compressed.len() < 100);
        assert!(read_chunks(vec![compressed.clone()], 10_000).is_ok());
        assert!(matches!(
            read_chunks(vec![compressed], 9_999),
            Err(ReadError::TooLarge)
        ));
        let mut sink = Bounded::new(1000);
        assert!(sink.write_all(&[0; 600]).is_ok());
        assert!(sink.write_all(&[0; 600]).is_err());
        assert!(
            sink.over && sink.out.capacity() <= 1000,
            "{}",
            sink.out.capacity()
        );
        assert!(sink.write_all(&[0; 1]).is_err(), "stays over");
    }

    /// Cut short, corrupt, or followed by garbage: refused as invalid, never half-decoded.
    #[test]
    fn invalid_streams_are_refused() {
        let compressed = gzip(&vec![b'z'; 5000]);
        let invalid = |bytes: Vec<u8>| {
            matches!(
                read_chunks(vec![bytes], 1 << 20),
                Err(ReadError::Encoding {
                    failure: EncodingFailure::Invalid,
                    ..
                })
            )
        };
        assert!(
            invalid(compressed[..compressed.len() - 4].to_vec()),
            "no size"
        );
        assert!(invalid(compressed[..compressed.len() / 2].to_vec()), "half");
        assert!(invalid(compressed[..5].to_vec()), "half a header");
        assert!(
            invalid(b"{\"plain\": \"json\"}".to_vec()),
            "not gzip at all"
        );
        let mut bad_crc = compressed.clone();
        let at = bad_crc.len() - 6;
        bad_crc[at] ^= 0xff;
        assert!(invalid(bad_crc), "bad crc");
        let mut trailing = compressed.clone();
        trailing.extend_from_slice(b"garbage");
        assert!(invalid(trailing), "trailing garbage");
        // Two members one after the other are one valid gzip stream (RFC 1952).
        let mut two = gzip(b"ab");
        two.extend(gzip(b"cd"));
        assert_eq!(
            &read_chunks(vec![two], 100).ok().expect("two members")[..],
            b"abcd"
        );
        // No body at all (a 204 with the header) is an empty body.
        assert!(read_chunks(vec![], 100).ok().expect("empty").is_empty());
    }

    /// A stream of empty stored blocks inflates to nothing: it stops at the compressed bound.
    #[test]
    fn compressed_input_is_bounded_too() {
        // gzip header, then empty non-final stored blocks (BFINAL 0, BTYPE 00, LEN 0, NLEN ffff).
        let mut stream = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
        let block = [0u8, 0, 0, 0xff, 0xff];
        let chunk: Vec<u8> = block.iter().copied().cycle().take(5 * 1000).collect();
        stream.extend_from_slice(&chunk);
        let chunks = std::iter::once(stream)
            .chain(std::iter::repeat_n(chunk, 10))
            .collect();
        assert!(matches!(
            read_chunks(chunks, 10_000),
            Err(ReadError::TooLarge)
        ));
        assert_eq!(compressed_limit(10_000), 13_524);
    }
}
