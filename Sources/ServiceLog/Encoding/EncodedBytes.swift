/// Bytes encoded once (a handler's service and host, a request's trace fields) and copied into every
/// line after. Reading them is a pointer load: unlike an `[UInt8]` property, no retain and release of
/// an array buffer per event.
///
/// Non-copyable, so exactly one owner frees the memory, and immutable after `init`.
struct EncodedBytes: ~Copyable, @unchecked Sendable {
    // Unchecked Sendable: the memory is written only in `init`, before the value can be shared, and
    // freed only in `deinit`, when no one can read it any more; in between every access is a read.
    let bytes: UnsafeRawBufferPointer

    /// Copies what `encode` wrote.
    init(_ encode: (inout OutputBuffer) -> Void) {
        var out = OutputBuffer(capacity: 256)
        encode(&out)
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: max(out.byteCount, 1), alignment: 1)
        out.withBytes { memory.copyMemory(from: $0) }
        bytes = UnsafeRawBufferPointer(rebasing: memory[0..<out.byteCount])
    }

    deinit { UnsafeMutableRawPointer(mutating: bytes.baseAddress!).deallocate() }
}
