import Foundation
import Hummingbird
import MesosAPI
import MesosProto
import NIOCore

/// `POST /api/v1/scheduler`: checks a request the way the Mesos master does, in its order and with its
/// messages, then hands SUBSCRIBE to the master as a RecordIO event stream and other calls as 202s.
struct SchedulerEndpoint: Sendable {
    let master: LocalMaster

    static let streamIDHeader = HTTPFields.Element.Name("Mesos-Stream-Id")!
    static let maximumBodySize = 16 * 1024 * 1024

    /// Call types Mesos knows, with the payload field each one needs.
    static let payloadKeys: [String: String?] = [
        "SUBSCRIBE": "subscribe", "TEARDOWN": nil, "ACCEPT": "accept", "DECLINE": "decline",
        "REVIVE": nil,
        "KILL": "kill", "SHUTDOWN": "shutdown", "ACKNOWLEDGE": "acknowledge",
        "RECONCILE": "reconcile",
        "MESSAGE": "message", "REQUEST": "request", "SUPPRESS": nil,
        "UPDATE_FRAMEWORK": "update_framework",
        "ACCEPT_INVERSE_OFFERS": "accept_inverse_offers",
        "DECLINE_INVERSE_OFFERS": "decline_inverse_offers",
        "ACKNOWLEDGE_OPERATION_STATUS": "acknowledge_operation_status",
        "RECONCILE_OPERATIONS": "reconcile_operations", "UNKNOWN": nil,
    ]

    func respond(to request: Request, context: MesosRequestContext) async throws -> Response {
        guard request.method == .post else { return PlainResponse.methodNotAllowed(request.method) }
        guard let contentType = request.headers[.contentType] else {
            return PlainResponse.make(.badRequest, "Expecting 'Content-Type' to be present")
        }
        if contentType == MediaTypes.protobuf {
            return PlainResponse.make(
                .unsupportedMediaType,
                "Expecting 'Content-Type' of application/json: this local Mesos master speaks JSON only"
            )
        }
        guard contentType == MediaTypes.json else {
            return PlainResponse.make(
                .unsupportedMediaType,
                "Expecting 'Content-Type' of application/json or application/x-protobuf")
        }
        var request = request
        let body = try await request.collectBody(upTo: Self.maximumBodySize)
        let data = Data(body.readableBytesView)

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
        if let error = Self.validateShape(object) {
            return PlainResponse.make(.badRequest, error)
        }
        // Against Mesos' own Call message: a field real Mesos would skip silently is refused here.
        if let problem = StrictCallCheck.problem(in: data, as: Mesos_V1_Scheduler_Call.self) {
            return PlainResponse.make(
                .badRequest, "Failed to convert JSON into Call protobuf: \(problem)")
        }
        let call: SchedulerCall
        do {
            call = try MesosJSON.decode(SchedulerCall.self, from: data)
        } catch {
            return PlainResponse.make(
                .badRequest,
                "Failed to convert JSON into Call protobuf: \(DecodingErrorSummary(error))")
        }

        if case .subscribe(let subscription) = call.payload {
            if call.frameworkID != subscription.frameworkInfo.id {
                return PlainResponse.make(
                    .badRequest,
                    "Failed to validate scheduler::Call: 'framework_id' differs from 'subscribe.framework_info.id'"
                )
            }
            let accept = request.headers[.accept]
            guard MediaTypes.accepts(accept, MediaTypes.json) else {
                return PlainResponse.make(
                    .notAcceptable,
                    "Expecting 'Accept' to allow 'application/x-protobuf' or 'application/json'")
            }
            if request.headers[Self.streamIDHeader] != nil {
                return PlainResponse.make(
                    .badRequest, "Subscribe calls should not include the 'Mesos-Stream-Id' header")
            }
            return await subscribe(subscription, channel: context.channel)
        }

        do {
            try await master.handle(call, streamID: request.headers[Self.streamIDHeader])
        } catch let rejection as SchedulerCallRejection {
            return PlainResponse.make(.init(code: rejection.statusCode), rejection.message)
        }
        // UPDATE_FRAMEWORK is the one call Mesos answers with 200 (it is applied before the answer).
        if case .updateFramework = call.payload {
            return Response(status: .ok, headers: [.contentLength: "0"])
        }
        return Response(status: .accepted, headers: [.contentLength: "0"])
    }

    /// Checks Mesos makes before and while converting JSON to a Call: `type` present and known,
    /// `framework_id` present on all but SUBSCRIBE, and the payload the type needs.
    static func validateShape(_ object: [String: Any]) -> String? {
        guard let type = object["type"] as? String else {
            return object["type"] == nil
                ? "Failed to validate scheduler::Call: Expecting 'type' to be present"
                : "Failed to convert JSON into Call protobuf: Not expecting a JSON string for field 'type'"
        }
        guard let payloadKey = payloadKeys[type] else {
            return "Failed to convert JSON into Call protobuf: Failed to find enum for '\(type)'"
        }
        if type != "SUBSCRIBE" && object["framework_id"] == nil {
            return "Failed to validate scheduler::Call: Expecting 'framework_id' to be present"
        }
        if let payloadKey, object[payloadKey] == nil || object[payloadKey] is NSNull {
            return "Failed to validate scheduler::Call: Expecting '\(payloadKey)' to be present"
        }
        return nil
    }

    private func subscribe(_ subscribe: SchedulerCall.Subscribe, channel: any Channel) async
        -> Response
    {
        let master = self.master
        let (streamID, events) = await master.subscribe(subscribe)
        channel.closeFuture.whenComplete { _ in
            master.tasks.start { await master.streamClosed(streamID) }
        }
        var headers: HTTPFields = [.contentType: MediaTypes.json]
        headers[Self.streamIDHeader] = streamID
        return Response(
            status: .ok, headers: headers,
            body: RecordIOStreamBody.make(events) {
                master.tasks.start { await master.streamClosed(streamID) }
            })
    }
}

/// A short description of a decoding failure, in the spirit of Mesos' "Missing required fields: …".
struct DecodingErrorSummary: CustomStringConvertible {
    let error: any Error

    init(_ error: any Error) { self.error = error }

    var description: String {
        guard let decodingError = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context, _ last: CodingKey? = nil) -> String {
            (context.codingPath + (last.map { [$0] } ?? [])).map { key in
                key.intValue.map { "[\($0)]" } ?? key.stringValue
            }.joined(separator: ".")
        }
        switch decodingError {
        case .keyNotFound(let key, let context):
            return "Missing required fields: \(path(context, key))"
        case .typeMismatch(_, let context):
            return "Unexpected type for field '\(path(context))': \(context.debugDescription)"
        case .valueNotFound(_, let context): return "Missing value for field '\(path(context))'"
        case .dataCorrupted(let context):
            return "Invalid value for field '\(path(context))': \(context.debugDescription)"
        @unknown default: return "\(decodingError)"
        }
    }
}
