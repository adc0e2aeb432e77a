import ArgumentParser
import AsyncHTTPClient
import Foundation
import LocalMesos
import Logging
import MesosAPI
import NIOCore

/// Drives the master over real HTTP with many agents: one scheduler declines every offer it gets (refuse 0 s,
/// one DECLINE call per offer, several in flight), and the command reports offers handled per second and the
/// CPU the process used. Not a test: numbers depend on the machine.
struct BenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark", abstract: "Measure offers handled per second with many agents.")

    @Option(help: "Port of the master.") var port = 25050
    @Option(help: "Number of agents (resource-only: the master's side of them).") var agents = 1000
    @Option(help: "Seconds to measure after the first offers arrive.") var seconds = 10.0
    @Option(help: "Seconds between allocation rounds.") var allocationInterval = 0.1
    @Option(help: "DECLINE calls in flight at once.") var concurrency = 16
    @Flag(help: "Decline all offers of one OFFERS event with a single DECLINE call.") var batch =
        false

    func run() async throws {
        var logger = Logger(label: "etcd-mesos-local.benchmark")
        logger.logLevel = .warning
        let configuration = MasterConfiguration(allocationIntervalSeconds: allocationInterval)
        let (agents, seconds, concurrency, batch) = (
            self.agents, self.seconds, self.concurrency, self.batch
        )
        try await EmbeddedMaster.withRunning(
            port: port, configuration: configuration, logger: logger
        ) { embedded in
            for index in 0..<agents {
                let host = "127.\(index / 250).\(index % 250 + 2).1"
                _ = await embedded.master.addAgent(
                    AgentInfo(
                        hostname: host, port: 5051,
                        resources: ResourceBag(
                            cpus: 4, mem: 4096, disk: 10240, ports: [31000...32000]
                        ).resources()),
                    link: nil)
            }
            let result = try await Self.measure(
                url: embedded.url, seconds: seconds, concurrency: concurrency, batch: batch)
            let cpu = result.cpuSeconds
            print(
                """
                agents: \(agents), allocation interval: \(configuration.allocationIntervalSeconds) s, \
                DECLINE calls in flight: \(concurrency), \(batch ? "one DECLINE per OFFERS event" : "one DECLINE per offer")
                measured: \(String(format: "%.1f", result.wallSeconds)) s
                offers received: \(result.offers) (\(String(format: "%.0f", Double(result.offers) / result.wallSeconds))/s)
                offers declined: \(result.declines) in \(result.calls) DECLINE calls (\(String(format: "%.0f", Double(result.calls) / result.wallSeconds)) calls/s)
                CPU (whole process, scheduler included): \(String(format: "%.2f", cpu)) s = \
                \(String(format: "%.0f", 100 * cpu / result.wallSeconds))% of one core
                """)
        }
    }

    struct Result {
        var offers = 0
        var declines = 0
        var calls = 0
        var wallSeconds = 0.0
        var cpuSeconds = 0.0
    }

    /// Subscribes, then declines every offer for `seconds` (from the first OFFERS on).
    static func measure(url: String, seconds: Double, concurrency: Int, batch: Bool) async throws
        -> Result
    {
        var request = HTTPClientRequest(url: url + "/api/v1/scheduler")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        let info = FrameworkInfo(
            user: "bench", name: "benchmark", capabilities: [.init(.multiRole)], roles: ["bench"])
        request.body = .bytes(
            ByteBuffer(bytes: try MesosJSON.encode(SchedulerCall.subscribe(info))))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        guard let streamID = response.headers.first(name: "Mesos-Stream-Id") else {
            throw ValidationError("SUBSCRIBE answered \(response.status)")
        }
        let (offerIDs, offerSink) = AsyncStream.makeStream(of: (FrameworkID, [OfferID]).self)
        let counters = Counters()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for try await event in response.body.mesosRecords(of: SchedulerEvent.self) {
                    guard case .offers(let offers) = event else { continue }
                    await counters.received(offers.offers.count)
                    guard let framework = offers.offers.first?.frameworkID else { continue }
                    if batch {
                        offerSink.yield((framework, offers.offers.map(\.id)))
                    } else {
                        for offer in offers.offers { offerSink.yield((framework, [offer.id])) }
                    }
                }
            }
            for _ in 0..<concurrency {
                group.addTask {
                    for await (framework, offers) in offerIDs {
                        var call = HTTPClientRequest(url: url + "/api/v1/scheduler")
                        call.method = .POST
                        call.headers.add(name: "Content-Type", value: "application/json")
                        call.headers.add(name: "Mesos-Stream-Id", value: streamID)
                        let decline = SchedulerCall(
                            frameworkID: framework,
                            .decline(.init(offerIDs: offers, filters: Filters(refuseSeconds: 0))))
                        call.body = .bytes(ByteBuffer(bytes: try MesosJSON.encode(decline)))
                        let answer = try await HTTPClient.shared.execute(
                            call, timeout: .seconds(30))
                        _ = try await answer.body.collect(upTo: 1 << 16)
                        await counters.declined(offers.count)
                    }
                }
            }
            try await counters.waitForFirstOffers()
            let startWall = ContinuousClock.now
            let startCPU = Self.cpuSeconds()
            let startCounts = await counters.snapshot
            try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
            let endCounts = await counters.snapshot
            let result = Result(
                offers: endCounts.offers - startCounts.offers,
                declines: endCounts.declines - startCounts.declines,
                calls: endCounts.calls - startCounts.calls,
                wallSeconds: (ContinuousClock.now - startWall).seconds,
                cpuSeconds: Self.cpuSeconds() - startCPU)
            offerSink.finish()
            group.cancelAll()
            return result
        }
    }

    /// User plus system CPU time of this process so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

private actor Counters {
    var offers = 0
    var declines = 0
    var calls = 0

    func received(_ count: Int) { offers += count }
    func declined(_ count: Int) {
        declines += count
        calls += 1
    }
    var snapshot: (offers: Int, declines: Int, calls: Int) { (offers, declines, calls) }

    func waitForFirstOffers() async throws {
        while offers == 0 { try await Task.sleep(for: .milliseconds(10)) }
    }
}
