import CZlib
import Gzip

/// gzip for batch bodies with one zlib stream kept for the batcher's lifetime.
///
/// `Gzip.compress` sets up a new deflate state for every call: ~270 KiB allocated and its hash table
/// zeroed, plus a zero-filled output array, per batch, which at line rate cost more than compressing
/// the bytes at level 1. Here `deflateReset` reuses the state and the output buffer is kept; each
/// body is still compressed in one pass (one `deflate(Z_FINISH)` call) into one gzip member, the same
/// bytes `Gzip.compress` writes at the same level.
///
/// Not `Sendable`: the batcher thread owns it.
final class BatchCompressor {
    let level: Int32
    private var stream = z_stream()
    private var output: [UInt8] = []
    private var ready = false

    init(level: Int32) {
        self.level = level
    }

    deinit {
        if ready { deflateEnd(&stream) }
    }

    /// `body` as one gzip member.
    func compress(_ body: [UInt8]) throws(GzipError) -> [UInt8] {
        if ready {
            guard deflateReset(&stream) == Z_OK else { throw .zlib(code: Z_STREAM_ERROR) }
        } else {
            guard servicelog_deflate_init_gzip(&stream, level) == Z_OK else { throw .zlib(code: Z_STREAM_ERROR) }
            ready = true
        }
        let bound = Int(deflateBound(&stream, uLong(body.count))) + 32
        if output.count < bound { output = [UInt8](repeating: 0, count: bound) }
        let (status, written): (Int32, Int) = body.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
                stream.avail_in = uInt(input.count)
                stream.next_out = out.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(bound)
                let status = deflate(&stream, Z_FINISH)
                return (status, bound - Int(stream.avail_out))
            }
        }
        guard status == Z_STREAM_END else { throw .zlib(code: status) }
        return Array(output[..<written])
    }
}
