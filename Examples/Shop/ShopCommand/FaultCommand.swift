import ArgumentParser
import AsyncHTTPClient
import Foundation
import ShopKit

struct FaultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fault",
        abstract: "Switch a fault on (or all off) in a running shop service.",
        discussion: "Kinds and what AMOUNT means:\n"
            + ShopFault.allCases.map { "  \($0.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0)) \($0.amountUnit) (default \(Int($0.defaultAmount)))" }
                .joined(separator: "\n")
            + "\n  none             switch every fault off and free what leaked"
            + "\n\nThe story: `shop fault pricing memory_leak` then `shop fault recommendations surge`.")

    @Argument(help: "The service.")
    var service: String

    @Argument(help: "The fault kind, or none.")
    var kind: String

    @Option(help: "Strength of the fault (see the list above).")
    var amount: Double?

    @OptionGroup var topologyOptions: TopologyOptions

    func run() async throws {
        let topology = try topologyOptions.topology()
        guard let url = topology.url(of: service) else { throw ValidationError("unknown service \(service)") }
        var request = HTTPClientRequest(url: url + "/admin/fault")
        if kind == "none" {
            request.method = .DELETE
        } else {
            guard let fault = ShopFault(rawValue: kind) else {
                throw ValidationError("unknown fault \(kind); one of: none, " + ShopFault.allCases.map(\.rawValue).joined(separator: ", "))
            }
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(try JSONEncoder().encode(FaultSetting(kind: fault, amount: amount)))
        }
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        } catch {
            throw LaunchError("\(service) at \(url) did not answer (\(error)); is the shop running (`shop demo` or `shop service \(service)`)?")
        }
        let body = try await response.body.collect(upTo: 1 << 16)
        print("\(service): HTTP \(response.status.code) \(String(buffer: body))")
        guard response.status == .ok else { throw ExitCode.failure }
    }
}
