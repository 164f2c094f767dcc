import Foundation
import Testing

/// The Dockerfiles, Kubernetes manifests and compose files, checked by scripts/check-deployment.py:
/// the Kubernetes OpenAPI schemas (strict), the settings inside the ConfigMaps by the real binaries,
/// images named alike everywhere. No container engine or cluster runs here, so nothing is deployed.
@Suite struct DeploymentFilesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test(.enabled(if: ProcessHarness.executablesExist, "needs the analyzer and logshipper executables (swift build --build-tests)"))
    func manifestsComposeFilesAndDockerfilesPassTheirChecks() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", Self.root.appendingPathComponent("scripts/check-deployment.py").path,
            "--analyzer", ProcessHarness.analyzerPath, "--logshipper", ProcessHarness.shipperPath,
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.contains("ok: Dockerfiles, .dockerignore, deploy/kubernetes and the compose files"), "\(output)")
    }
}
