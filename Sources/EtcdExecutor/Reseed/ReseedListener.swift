import HTTPServing
import Logging
import ServiceLifecycle

/// The executor's reseed listener as a service of its group: it waits until the run loop knows the
/// member's reseed port, then serves `ReseedRoutes` there through an `HTTPServer` until the group
/// shuts it down (after the run loop has finished).
struct ReseedListener: Service {
    private struct Assignment: Sendable {
        var host: String
        var port: Int
        var access: ReseedAccess
        var started: CheckedContinuation<Result<Void, ReseedListenerError>, Never>
    }

    private let requests: ReseedRequests
    private let logger: Logger
    private let assignments: AsyncStream<Assignment>
    private let assign: AsyncStream<Assignment>.Continuation

    init(requests: ReseedRequests, logger: Logger) {
        self.requests = requests
        self.logger = logger
        (assignments, assign) = AsyncStream.makeStream(of: Assignment.self)
    }

    /// Starts serving on `host:port`, guarding reseeds with `access` (see `ReseedGate`); returns once the
    /// listener listens, or throws why it cannot.
    func listen(host: String, port: Int, access: ReseedAccess) async throws(ReseedListenerError) {
        let result = await withCheckedContinuation { continuation in
            let assignment = Assignment(
                host: host, port: port, access: access, started: continuation)
            if case .terminated = assign.yield(assignment) {
                let error = ReseedListenerError(
                    address: "\(host):\(port)", reason: "the executor is shutting down")
                continuation.resume(returning: .failure(error))
            }
        }
        try result.get()
    }

    func run() async {
        let assign = assign
        let assignment = await withGracefulShutdownHandler {
            await assignments.first { _ in true }
        } onGracefulShutdown: {
            assign.finish()
        }
        if let assignment { await serve(assignment) }
        // A listen() that raced with the shutdown must not wait forever.
        assign.finish()
        for await late in assignments {
            let error = ReseedListenerError(
                address: "\(late.host):\(late.port)", reason: "the executor is shutting down")
            late.started.resume(returning: .failure(error))
        }
        // A listener that could not listen stays until the group shuts it down: a service that ends
        // while the group shuts another one down makes the group cancel them all.
        try? await gracefulShutdown()
    }

    private func serve(_ assignment: Assignment) async {
        let address = "\(assignment.host):\(assignment.port)"
        let server = HTTPServer(
            name: "reseed listener",
            router: ReseedRoutes.router(gate: ReseedGate(assignment.access)) { [requests] in
                await requests.request()
            },
            host: assignment.host, port: assignment.port, logger: logger)
        await withDiscardingTaskGroup { group in
            // A server that cannot listen throws here; port() below reports why.
            group.addTask { try? await server.run() }
            do throws(HTTPServerError) {
                _ = try await server.port()
                logger.info("reseed listener ready", metadata: ["address": "\(address)"])
                assignment.started.resume(returning: .success(()))
            } catch {
                let reason: String
                switch error {
                case .stoppedBeforeListening(_, let why): reason = why
                }
                let failure = ReseedListenerError(address: address, reason: reason)
                assignment.started.resume(returning: .failure(failure))
            }
        }
    }
}

/// The reseed listener could not listen on the member's reseed port.
struct ReseedListenerError: Error, CustomStringConvertible {
    var address: String
    var reason: String
    var description: String { "the reseed listener cannot listen on \(address): \(reason)" }
}
