import Foundation
import Reconciler

/// The JSON document a store writes: the state inside a small envelope whose `format` lets a later version
/// change the layout and an older one refuse it clearly instead of misreading it.
///
/// ```json
/// {"format": 1, "savedAt": "2025-01-01T00:00:00Z", "state": {"clusterEpoch": 1, "frameworkID": "…", …}}
/// ```
enum PersistedStateCoding {
    static let format = 1

    private struct Document: Codable {
        var format: Int
        var savedAt: String?
        var state: PersistedClusterState
    }

    private struct FormatProbe: Decodable {
        var format: Int?
    }

    static func encode(_ state: PersistedClusterState, now: Date = Date()) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let document = Document(
            format: format, savedAt: ISO8601DateFormatter().string(from: now), state: state)
        // Encoding plain strings, numbers and arrays cannot fail.
        return (try? encoder.encode(document)) ?? Data()
    }

    static func decode(_ data: Data, location: String) throws(ClusterStateStoreError)
        -> PersistedClusterState
    {
        guard !data.isEmpty else { throw .corrupt(location: location, reason: "it is empty") }
        let decoder = JSONDecoder()
        let probe: FormatProbe
        do {
            probe = try decoder.decode(FormatProbe.self, from: data)
        } catch {
            throw .corrupt(location: location, reason: describe(error))
        }
        guard let found = probe.format else {
            throw .corrupt(
                location: location, reason: "no \"format\" field: not a state this scheduler wrote")
        }
        guard found <= format else {
            throw .unsupportedFormat(location: location, format: found, supported: format)
        }
        do {
            return try decoder.decode(Document.self, from: data).state
        } catch {
            throw .corrupt(location: location, reason: describe(error))
        }
    }

    /// The original's `_reconciliation` znode: `{"<task ID>": "<agent ID>"}`, for tasks with an agent.
    static func encodeReconciliation(_ tasks: [PersistedTask]) -> Data {
        var map: [String: String] = [:]
        for task in tasks {
            if let agentID = task.agentID { map[task.taskID.rawValue] = agentID.rawValue }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(map)) ?? Data("{}".utf8)
    }

    static func decodeReconciliation(_ data: Data, location: String) throws(ClusterStateStoreError)
        -> [PersistedTask]
    {
        if data.isEmpty { return [] }
        do {
            let map = try JSONDecoder().decode([String: String].self, from: data)
            return map.map { PersistedTask(taskID: TaskID($0.key), agentID: AgentID($0.value)) }
                .sorted { $0.taskID < $1.taskID }
        } catch {
            throw .corrupt(
                location: location,
                reason: "expected a JSON object of task ID to agent ID: \(describe(error))")
        }
    }

    /// A one-line reason instead of `DecodingError`'s nested dump.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "the document" : keys.joined(separator: ".")
        }
        switch error {
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? "not valid JSON" : "\(path(context)) is invalid: \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "\(path(context)) lacks the field \"\(key.stringValue)\""
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return "\(path(context)) is not a \(type)"
        @unknown default:
            return "\(error)"
        }
    }
}
