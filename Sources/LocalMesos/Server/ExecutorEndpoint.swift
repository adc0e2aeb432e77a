import Foundation
import Hummingbird
import MesosAPI
import MesosProto
import NIOCore

/// `POST /api/v1/executor` on an agent: the checks the Mesos agent makes, in its order and with its messages,
/// then SUBSCRIBE as a RecordIO event stream and UPDATE, MESSAGE, HEARTBEAT as 202s.
struct ExecutorEndpoint: Sendable {
    let agent: LocalAgent

    func respond(to request: Request, context: MesosRequestContext) async throws -> Response {
        guard request.method == .post else { return PlainResponse.methodNotAllowed(request.method) }
        guard let contentType = request.headers[.contentType] else {
            return PlainResponse.make(.badRequest, "Expecting 'Content-Type' to be present")
        }
        guard contentType == MediaTypes.json else {
            return PlainResponse.make(
                .unsupportedMediaType,
                contentType == MediaTypes.protobuf
                    ? "Expecting 'Content-Type' of application/json: this local Mesos agent speaks JSON only"
                    : "Expecting 'Content-Type' of application/json or application/x-protobuf")
        }
        var request = request
        let data = Data(try await request.collectBody(upTo: 16 * 1024 * 1024).readableBytesView)
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                return PlainResponse.make(
                    .badRequest,
                    "Failed to convert JSON into Call protobuf: Expecting a JSON object")
            }
            object = parsed
        } catch {
            return PlainResponse.make(
                .badRequest, "Failed to parse body into JSON: \(error.localizedDescription)")
        }
        if let error = Self.validateShape(object) { return PlainResponse.make(.badRequest, error) }
        // Against Mesos' own Call message: a field real Mesos would skip silently is refused here.
        if let problem = StrictCallCheck.problem(in: data, as: Mesos_V1_Executor_Call.self) {
            return PlainResponse.make(
                .badRequest, "Failed to convert JSON into Call protobuf: \(problem)")
        }
        let call: ExecutorCall
        do {
            call = try MesosJSON.decode(ExecutorCall.self, from: data)
        } catch {
            return PlainResponse.make(
                .badRequest,
                "Failed to convert JSON into Call protobuf: \(DecodingErrorSummary(error))")
        }
        if case .update(let update) = call.payload,
            let error = Self.validate(update.status, of: call)
        {
            return PlainResponse.make(.badRequest, "Failed to validate Executor::Call: \(error)")
        }
        let key = ExecutorKey(framework: call.frameworkID, executor: call.executorID)
        do {
            switch call.payload {
            case .subscribe(let subscribe):
                guard MediaTypes.accepts(request.headers[.accept], MediaTypes.json) else {
                    return PlainResponse.make(
                        .notAcceptable,
                        "Expecting 'Accept' to allow 'application/x-protobuf' or 'application/json'"
                    )
                }
                let (streamID, events) = try await agent.executorSubscribe(key, subscribe)
                return stream(events, id: streamID, key: key, channel: context.channel)
            case .update(let update):
                try await agent.executorUpdate(key, update.status)
            case .message(let message):
                try await agent.executorMessage(key, message.data)
            case .heartbeat:
                break
            case .unrecognized:
                return PlainResponse.make(.notImplemented, "")
            }
        } catch let rejection as ExecutorCallRejection {
            return PlainResponse.make(.init(code: rejection.statusCode), rejection.message)
        }
        return Response(status: .accepted, headers: [.contentLength: "0"])
    }

    static func validateShape(_ object: [String: Any]) -> String? {
        let prefix = "Failed to validate Executor::Call: "
        guard let type = object["type"] as? String else {
            return prefix + "Expecting 'type' to be present"
        }
        let payloads: [String: String?] = [
            "SUBSCRIBE": "subscribe", "UPDATE": "update", "MESSAGE": "message", "HEARTBEAT": nil,
            "UNKNOWN": nil,
        ]
        guard let payload = payloads[type] else {
            return "Failed to convert JSON into Call protobuf: Failed to find enum for '\(type)'"
        }
        if object["executor_id"] == nil { return prefix + "Expecting 'executor_id' to be present" }
        if object["framework_id"] == nil {
            return prefix + "Expecting 'framework_id' to be present"
        }
        if let payload, object[payload] == nil {
            return prefix + "Expecting '\(payload)' to be present"
        }
        return nil
    }

    /// common/validation.cpp's checks of an executor UPDATE.
    static func validate(_ status: TaskStatus, of call: ExecutorCall) -> String? {
        guard let uuid = status.uuid else { return "Expecting 'uuid' to be present" }
        guard uuid.count == 16, (1...5).contains(uuid[uuid.startIndex + 6] >> 4) else {
            return "Not a valid UUID"
        }
        if let executorID = status.executorID, executorID != call.executorID {
            return
                "ExecutorID in Call: \(call.executorID) does not match ExecutorID in TaskStatus: \(executorID)"
        }
        if status.source != .executor {
            return
                "Received Call from executor \(call.executorID) of framework \(call.frameworkID) with invalid source, expecting 'SOURCE_EXECUTOR'"
        }
        if status.state == .staging {
            return
                "Received TASK_STAGING from executor \(call.executorID) of framework \(call.frameworkID) which is not allowed"
        }
        return nil
    }

    private func stream(
        _ events: AsyncStream<ExecutorEvent>, id: String, key: ExecutorKey, channel: any Channel
    ) -> Response {
        let agent = self.agent
        channel.closeFuture.whenComplete { _ in
            agent.tasks.start { await agent.executorStreamClosed(key, streamID: id) }
        }
        return Response(
            status: .ok, headers: [.contentType: MediaTypes.json],
            body: RecordIOStreamBody.make(events) {
                agent.tasks.start { await agent.executorStreamClosed(key, streamID: id) }
            })
    }
}

/// Routes an agent's HTTP requests: `/api/v1/executor` (and `/slave(1)/api/v1/executor`), `/health`.
struct AgentHTTPResponder: HTTPResponder {
    typealias Context = MesosRequestContext

    let executor: ExecutorEndpoint

    init(agent: LocalAgent) { executor = ExecutorEndpoint(agent: agent) }

    func respond(to request: Request, context: Context) async throws -> Response {
        var path = request.uri.path
        if path.hasPrefix("/slave(1)/") { path = String(path.dropFirst("/slave(1)".count)) }
        if path == "/api/v1/executor" || path.hasPrefix("/api/v1/executor/") {
            return try await executor.respond(to: request, context: context)
        }
        if path == "/health" { return Response(status: .ok, headers: [.contentLength: "0"]) }
        return PlainResponse.make(.notFound, "")
    }
}
