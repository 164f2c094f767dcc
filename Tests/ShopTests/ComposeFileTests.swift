import Foundation
import ShopKit
import Testing
import Yams

/// `docker-compose.yml` cannot be started here (no Docker); what can be checked is that it parses
/// and runs the same services on the same ports, each with its sidecar, as the local launcher.
@Suite("Shop docker-compose file")
struct ComposeFileTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Examples/Shop/docker-compose.yml").path

    @Test("the committed file is what `shop compose` generates from the topology")
    func committedFileIsGenerated() throws {
        let committed = try String(contentsOfFile: Self.path, encoding: .utf8)
        #expect(committed == ComposeFile.render(ShopTopology()), "regenerate: swift run shop compose > Examples/Shop/docker-compose.yml")
    }

    @Test("it parses, and names the launcher's services, ports and one sidecar each")
    func namesTheLaunchersServicesAndPorts() throws {
        let yaml = try #require(try Yams.load(yaml: String(contentsOfFile: Self.path, encoding: .utf8)) as? [String: Any])
        let services = try #require(yaml["services"] as? [String: Any])
        let topology = ShopTopology()
        for service in topology.services {
            let definition = try #require(services[service.name] as? [String: Any], "\(service.name) missing")
            let port = topology.port(of: service.name)!
            #expect(definition["ports"] as? [String] == ["127.0.0.1:\(port):\(port)"])
            let command = try #require(definition["command"] as? [String])
            #expect(Array(command.prefix(3)) == ["shop", "service", service.name])
            let sidecar = try #require(services[service.name + "-logshipper"] as? [String: Any], "\(service.name)'s sidecar missing")
            let shipperCommand = try #require(sidecar["command"] as? [String])
            #expect(shipperCommand.first == "logshipper")
            // The sidecar reads the very file the service writes, through the shared volume.
            let events = command[command.firstIndex(of: "--events-file")! + 1]
            #expect(shipperCommand[shipperCommand.firstIndex(of: "--file")! + 1] == events)
            #expect((sidecar["volumes"] as? [String])?.contains("\(service.name)-events:/var/log/shop:ro") == true)
        }
        let analyzer = try #require(services["analyzer"] as? [String: Any])
        #expect(analyzer["ports"] as? [String] == ["127.0.0.1:4180:4180"])
        let expected = Set(topology.services.flatMap { [$0.name, $0.name + "-logshipper"] } + ["analyzer", "load"])
        #expect(Set(services.keys) == expected)
    }
}
