import Foundation
import SwiftProtobuf

/// Checks a JSON call body against a message generated from Mesos' own `.proto` files, more strictly than
/// Mesos itself: the real master and agent (stout's `protobuf::parse`) look fields up by their `.proto` name and
/// silently skip any other key, so a misspelt or camel-cased field does nothing on a real cluster. Here every
/// key must be a field of its message under its `.proto` name, values must have the field's type, and required
/// fields must be present, as `IsInitialized` demands.
public enum StrictCallCheck {
    /// Why `body` is not a clean `Message`, naming the field; nil when it is one.
    public static func problem<Message: SwiftProtobuf.Message>(
        in body: Data, as type: Message.Type
    ) -> String? {
        let message: Message
        do {
            message = try Message(jsonUTF8Data: body, options: strictOptions)
        } catch JSONDecodingError.unknownField(let name) {
            let path = unmatchedPaths(in: body, as: type).first { $0.hasSuffix(name) } ?? name
            return "unknown field '\(path)' in \(Message.protoMessageName)"
                + " (real Mesos would ignore it silently)"
        } catch {
            return "not a valid \(Message.protoMessageName): \(error)"
        }
        if let path = unmatchedPaths(in: body, as: type).first {
            return "'\(path)' is not the .proto name of a field of \(Message.protoMessageName)"
                + " (real Mesos matches .proto names only and would ignore it silently)"
        }
        guard message.isInitialized else {
            return "missing required fields in \(Message.protoMessageName)"
        }
        return nil
    }

    private static let strictOptions: JSONDecodingOptions = {
        var options = JSONDecodingOptions()
        options.ignoreUnknownFields = false
        options.messageDepthLimit = 64
        return options
    }()

    /// Paths (`accept.operations[0].launch.task_infos[0].resourcez`) of keys in `body` that the message,
    /// parsed leniently and written back with `.proto` names, does not have: unknown fields and fields
    /// spelt by their JSON (camel-case) name. Null values and empty arrays are skipped: they set nothing.
    static func unmatchedPaths<Message: SwiftProtobuf.Message>(
        in body: Data, as type: Message.Type
    ) -> [String] {
        var lenient = JSONDecodingOptions()
        lenient.ignoreUnknownFields = true
        var names = JSONEncodingOptions()
        names.preserveProtoFieldNames = true
        guard let original = try? JSONSerialization.jsonObject(with: body),
            let message = try? Message(jsonUTF8Data: body, options: lenient),
            let rewritten = try? message.jsonUTF8Data(options: names),
            let canonical = try? JSONSerialization.jsonObject(with: rewritten)
        else { return [] }
        var paths: [String] = []
        collectUnmatched(original, canonical, path: "", into: &paths)
        return paths
    }

    private static func collectUnmatched(
        _ original: Any, _ canonical: Any?, path: String, into paths: inout [String]
    ) {
        if let object = original as? [String: Any] {
            let known = canonical as? [String: Any] ?? [:]
            for key in object.keys.sorted() {
                let value = object[key]!
                if value is NSNull { continue }
                if let array = value as? [Any], array.isEmpty { continue }
                let keyPath = path.isEmpty ? key : "\(path).\(key)"
                guard let counterpart = known[key] else {
                    paths.append(keyPath)
                    continue
                }
                collectUnmatched(value, counterpart, path: keyPath, into: &paths)
            }
        } else if let array = original as? [Any] {
            let known = canonical as? [Any] ?? []
            for (index, element) in array.enumerated() {
                let counterpart: Any? = index < known.count ? known[index] : nil
                collectUnmatched(element, counterpart, path: "\(path)[\(index)]", into: &paths)
            }
        }
    }
}
