// swift-tools-version:6.1
import Foundation
import PackageDescription

// libFuzzer targets for what reads data from outside: a package of their own, because they must be built
// with `-sanitize=fuzzer` (which the main build must not be) and link libFuzzer's driver.
//
//   cd Fuzz && ./run.sh 60          # build (release, instrumented) and fuzz for 60 s; `make test` does this
//
// - EventDecoderFuzzer: `Event(jsonLine:)` (the fast decoder) against `Event(referenceJSONLine:)` with and
//   without value ranges, the re-encoding of every accepted event, and `LineRanges` parsing.

// SwiftPM names a path dependency after its directory (`main`, a worktree's name, a CI clone's).
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent.lowercased()

let package = Package(
    name: "ServiceObservabilityFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "EventDecoderFuzzer",
            dependencies: [.product(name: "ServiceLog", package: root)],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        )
    ]
)
