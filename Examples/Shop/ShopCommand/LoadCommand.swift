import ArgumentParser
import Foundation
import ShopKit

struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load", abstract: "Send shoppers' journeys to the gateway, with a progress line.")

    @OptionGroup var topologyOptions: TopologyOptions

    @Option(help: "Journeys started per second.")
    var rate = 10.0

    @Option(help: ArgumentHelp("Journey weights.", valueName: "browse=45,home=20,cart=25,checkout=10"))
    var mix = JourneyMix.typical.description

    @Option(help: "Stop after this many seconds (default: until Ctrl-C).")
    var duration: Double?

    func validate() throws {
        guard rate > 0 else { throw ValidationError("--rate must be more than 0") }
        do { _ = try JourneyMix(parsing: mix) } catch { throw ValidationError("\(error)") }
    }

    func run() async throws {
        let topology = try topologyOptions.topology()
        let load = LoadGenerator(gatewayURL: topology.url(of: "gateway") ?? "http://127.0.0.1:\(topology.basePort)",
                                 mix: try JourneyMix(parsing: mix), rate: rate)
        print("sending \(rate) journeys/s (\(mix)) to \(load.gatewayURL); Ctrl-C stops")
        let reporter = Task { await ProgressLine.report(load, every: .seconds(2)) }
        let http = ShopHTTP.makeClient()
        await load.run(for: duration.map { .milliseconds(Int($0 * 1000)) }, http: http)
        try? await http.shutdown()
        reporter.cancel()
        ProgressLine.print(load.takeProgress(), final: true)
    }
}
