import ArgumentParser
import ShopKit

/// `shop`: the twelve-service example shop, its load generator, its fault switch, and the demo that
/// runs the whole product against them.
@main
struct Shop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shop",
        abstract: "A 12-service shop instrumented with ServiceLog, shipped by logshipper, diagnosed by the analyzer.",
        discussion: """
            `shop demo` runs the whole story on this machine: the analyzer, the twelve services (each its own \
            process, events on stdout captured into files), one logshipper per service, and shoppers; then it \
            breaks pricing the way the story goes and prints what the analyzer found.

            The other commands are the parts, for running them by hand: `shop service NAME`, `shop load`, \
            `shop fault SERVICE KIND`.
            """,
        version: "0.1.0",
        subcommands: [Demo.self, ServiceCommand.self, LoadCommand.self, FaultCommand.self, ComposeCommand.self],
        defaultSubcommand: Demo.self)
}

/// Where the shop listens.
struct TopologyOptions: ParsableArguments {
    @Option(help: "Port of the gateway; service i listens on base-port + i (see `shop service --help`).")
    var basePort = 18100

    @Option(help: ArgumentHelp("The services taking part (default: all twelve); calls to the others are skipped.", valueName: "a,b,c"))
    var services: String?

    @Flag(help: "Reach the other services by name (http://pricing:18102), as containers on one network do; default 127.0.0.1.")
    var serviceHosts = false

    func topology() throws -> ShopTopology {
        let full = ShopTopology(basePort: basePort, reachByName: serviceHosts)
        guard let services else { return full }
        let names = Set(services.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) })
        let unknown = names.filter { !full.contains($0) }
        guard unknown.isEmpty else {
            throw ValidationError("unknown service(s) \(unknown.sorted().joined(separator: ", ")); the shop has: "
                + ShopTopology.allServices.map(\.name).joined(separator: ", "))
        }
        return full.restricted(to: names)
    }
}
