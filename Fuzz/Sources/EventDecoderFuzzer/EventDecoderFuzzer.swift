import ServiceLog

/// One input: a line (or anything) as a shipper or the analyzer would receive it.
///
/// Fails (traps, which libFuzzer reports with the input) when the two decoders disagree on an event or a
/// reason, when an accepted event cannot be re-encoded and read back, or when `LineRanges` does not
/// round-trip. Any trap inside the decoders themselves is a finding as well.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    for limits in [DecodingLimits(), DecodingLimits(fields: nil), DecodingLimits(maxLineBytes: 4096, maxDepth: 4)] {
        let fast = outcome { () throws(EventDecodingError) in try Event(jsonLine: bytes, limits: limits) }
        let reference = outcome { () throws(EventDecodingError) in try Event(referenceJSONLine: bytes, limits: limits) }
        guard fast == reference else { fatalError("the decoders disagree:\n  fast:      \(fast)\n  reference: \(reference)") }
        if case .event(let event) = fast {
            // What the analyzer stores, and reads back without range checks.
            let stored = event.jsonLine(limits: .lossless)
            let again = outcome { () throws(EventDecodingError) in try Event(jsonLine: stored, limits: .stored) }
            guard case .event(let back) = again else { fatalError("an accepted event does not read back: \(again)\n  \(stored)") }
            guard back.timestamp == event.timestamp, back.service == event.service, back.payload.eventType == event.payload.eventType else {
                fatalError("an accepted event changed on the way back:\n  \(event)\n  \(back)")
            }
            _ = event.jsonLine()  // the default limits cut and mark; they must not trap either
        }
    }
    let text = String(decoding: bytes, as: UTF8.self)
    if let ranges = LineRanges(text) {
        guard LineRanges(ranges.description) == ranges else { fatalError("LineRanges '\(ranges)' does not round-trip") }
        _ = ranges.count
    }
    return 0
}

enum Outcome: Equatable {
    case event(Event)
    case rejected(String)
}

func outcome(_ decode: () throws(EventDecodingError) -> Event) -> Outcome {
    do throws(EventDecodingError) {
        return .event(try decode())
    } catch {
        return .rejected(error.reason)
    }
}

// SwiftPM links executables with `main` renamed to `<Target>_main`; hand it to libFuzzer's driver, whose
// own `main` SwiftPM replaces.
typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: FuzzCallback
) -> CInt

@_cdecl("EventDecoderFuzzer_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        guard let data else { return 0 }
        return fuzzOne(data, size)
    }
}
