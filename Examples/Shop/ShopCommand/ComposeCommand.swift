import ArgumentParser
import ShopKit

struct ComposeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compose",
        abstract: "Print the docker-compose file of the shop (a sidecar per service and the analyzer).",
        discussion: "Examples/Shop/docker-compose.yml is this output; a test keeps the two equal.")

    @OptionGroup var topologyOptions: TopologyOptions

    @Option(help: "Port of the analyzer.")
    var analyzerPort = 4180

    func run() throws {
        print(ComposeFile.render(try topologyOptions.topology(), analyzerPort: analyzerPort), terminator: "")
    }
}
