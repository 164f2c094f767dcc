import Foundation
import ShopKit

#if canImport(Glibc)
import Glibc
#endif

/// The load generator's progress: rewritten in place on a terminal, one line per report otherwise.
enum ProgressLine {
    static let isTerminal = isatty(STDOUT_FILENO) == 1

    static func report(_ load: LoadGenerator, every interval: Duration, prefix: @escaping @Sendable () -> String = { "" }) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            if Task.isCancelled { return }
            print(load.takeProgress(), prefix: prefix())
        }
    }

    static func print(_ progress: LoadGenerator.Progress, prefix: String = "", final: Bool = false) {
        var line = prefix + "journeys \(progress.sent): \(progress.succeeded) ok, \(progress.failed) failed, \(progress.inFlight) in flight"
        if let (p50, p99) = progress.recentQuantiles {
            line += String(format: "; recent p50 %.0f ms, p99 %.0f ms", p50, p99)
        }
        if isTerminal && !final {
            Swift.print("\r\u{1B}[2K" + line, terminator: "")
            fflush(nil)  // all streams: `stdout` itself is a global var Swift 6 will not touch
        } else {
            Swift.print((isTerminal ? "\r\u{1B}[2K" : "") + line)
            fflush(nil)
        }
    }
}
