import AsyncHTTPClient
import Foundation
import NIOCore

/// Starts the whole system on one machine the way it would run in production: `analyzer serve` on
/// its embedded SQLite store, each shop service as its own process with stdout captured into a file,
/// and one `logshipper` per service tailing that file to the analyzer.
///
/// Layout of the work directory: `logs/<service>.ndjson` (events), `logs/<name>.log` (anything else
/// a process printed), `state/<service>/` (each shipper's checkpoint and spool), `analyzer.sqlite`.
public struct ShopLauncher: Sendable {
    /// Where the executables are.
    public struct Binaries: Sendable {
        public var shop: String
        public var analyzer: String
        public var logshipper: String

        /// The three executables side by side in `directory` (a SwiftPM build directory).
        public init(directory: String) {
            shop = directory + "/shop"
            analyzer = directory + "/analyzer"
            logshipper = directory + "/logshipper"
        }

        /// The first executable missing, if any.
        public var missing: String? {
            [shop, analyzer, logshipper].first { !FileManager.default.isExecutableFile(atPath: $0) }
        }
    }

    public var topology: ShopTopology
    public var workDirectory: String
    public var binaries: Binaries
    public var analyzerPort: Int
    /// Seconds between each service's `resource` events.
    public var resourceInterval: Double
    /// Extra arguments for `analyzer serve`.
    public var analyzerArguments: [String]
    /// The environment of `analyzer serve` (where an LLM is configured).
    public var analyzerEnvironment: [String: String]?
    public let children: ChildProcesses

    public init(
        topology: ShopTopology, workDirectory: String, binaries: Binaries, analyzerPort: Int = 4180, resourceInterval: Double = 2,
        analyzerArguments: [String] = [], analyzerEnvironment: [String: String]? = nil, children: ChildProcesses = ChildProcesses()
    ) {
        self.topology = topology
        self.workDirectory = workDirectory
        self.binaries = binaries
        self.analyzerPort = analyzerPort
        self.resourceInterval = resourceInterval
        self.analyzerArguments = analyzerArguments
        self.analyzerEnvironment = analyzerEnvironment
        self.children = children
    }

    public var analyzerURL: String { "http://127.0.0.1:\(analyzerPort)" }
    public var storePath: String { workDirectory + "/analyzer.sqlite" }
    public func eventsFile(of service: String) -> String { workDirectory + "/logs/\(service).ndjson" }
    func log(_ name: String) -> String { workDirectory + "/logs/\(name).log" }

    /// Empties the work directory (a run starts from nothing) and creates its folders.
    public func prepare() throws {
        if let missing = binaries.missing {
            throw LaunchError("\(missing) is missing; build first with `swift build` (or pass --bin-dir)")
        }
        let manager = FileManager.default
        for sub in ["logs", "state", "analyzer.sqlite", "analyzer.sqlite-wal", "analyzer.sqlite-shm"] {
            try? manager.removeItem(atPath: workDirectory + "/" + sub)
        }
        try manager.createDirectory(atPath: workDirectory + "/logs", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: workDirectory + "/state", withIntermediateDirectories: true)
    }

    /// `analyzer serve` on the embedded store.
    public func startAnalyzer() throws {
        try children.start(
            name: "analyzer", executable: binaries.analyzer,
            arguments: ["serve", "--store", storePath, "--port", "\(analyzerPort)"] + analyzerArguments,
            stdout: log("analyzer"), stderr: log("analyzer"), environment: analyzerEnvironment)
    }

    /// Every service of the topology, events on stdout into `logs/<service>.ndjson`.
    public func startServices() throws {
        let names = topology.services.map(\.name).joined(separator: ",")
        for service in topology.services {
            try children.start(
                name: service.name, executable: binaries.shop,
                arguments: ["service", service.name, "--base-port", "\(topology.basePort)", "--services", names,
                            "--resource-interval", "\(resourceInterval)", "--parent-pid", "\(getpid())"],
                stdout: eventsFile(of: service.name), stderr: log(service.name))
        }
    }

    /// One `logshipper` per service, tailing its events file into the analyzer.
    public func startShippers() throws {
        for service in topology.services {
            try children.start(
                name: "logshipper-\(service.name)", executable: binaries.logshipper,
                arguments: ["--file", eventsFile(of: service.name), "--service", service.name, "--to", analyzerURL,
                            "--state-dir", workDirectory + "/state/\(service.name)", "--metrics-listen", "off",
                            "--set", "batch.max_age_ms=500", "--set", "retry.cap_ms=2000"],
                stdout: log("logshipper-\(service.name)"), stderr: log("logshipper-\(service.name)"))
        }
    }

    /// Throws when a port the launch needs is taken (often a demo still running), before anything starts.
    public func checkPortsAreFree() throws {
        let ports = [("analyzer", analyzerPort)] + topology.services.map { ($0.name, topology.port(of: $0.name)!) }
        for (name, port) in ports where !LoopbackPort.isFree(port) {
            throw LaunchError("port \(port) (\(name)) is in use: is another `shop demo` running? Stop it, or pick --base-port / --analyzer-port")
        }
    }

    /// Waits until the analyzer and every service answer `/health` while every shipper keeps running,
    /// or throws naming what failed and where its log is.
    public func waitUntilHealthy(timeout: Duration = .seconds(60), http: HTTPClient = .shared) async throws {
        var pending = [("analyzer", analyzerURL + "/healthz")] + topology.services.map { ($0.name, topology.url(of: $0.name)! + "/health") }
        let deadline = ContinuousClock.now + timeout
        while true {
            for name in [pending.map(\.0), topology.services.map { "logshipper-\($0.name)" }].joined() where !children.isRunning(name) {
                throw LaunchError("\(name) exited during start-up; see \(log(name))")
            }
            var still: [(String, String)] = []
            for (name, url) in pending {
                let response = try? await http.execute(HTTPClientRequest(url: url), timeout: .seconds(1))
                if response?.status != .ok { still.append((name, url)) }
            }
            pending = still
            if pending.isEmpty { return }
            if ContinuousClock.now >= deadline {
                throw LaunchError("not healthy after \(timeout): \(pending.map(\.0).joined(separator: ", ")) (logs in \(workDirectory)/logs)")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Switches `setting` on in `service` through its admin endpoint.
    public func inject(_ setting: FaultSetting, into service: String, http: HTTPClient = .shared) async throws {
        guard let url = topology.url(of: service) else { throw LaunchError("\(service) is not part of this shop") }
        var request = HTTPClientRequest(url: url + "/admin/fault")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(setting)))
        let response = try await http.execute(request, timeout: .seconds(5))
        guard response.status == .ok else { throw LaunchError("\(service) refused the fault: HTTP \(response.status.code)") }
    }

    /// Stops in the order that loses nothing: services (they flush), then the shippers once they have
    /// delivered, then the analyzer.
    public func stopAll() async {
        await children.stop(Set(topology.services.map(\.name)))
        await children.stop(Set(topology.services.map { "logshipper-\($0.name)" }), grace: .seconds(12))
        await children.stop()
    }
}

/// A launch step that failed, with what to do about it.
public struct LaunchError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
