import Foundation
import MesosAPI

/// The agent's `--resources` flag as Mesos reads it (`Resources::fromString` in common/resources.cpp): a
/// JSON array of `Resource` objects (the only form that can give a disk a PATH or MOUNT source), or text like
/// `cpus:4;mem:4096;disk(prod):1024;ports:[31000-31500,32000-32100]` where `(role)` reserves statically.
///
/// As the agent does (`Containerizer::resources`), cpus, mem, disk and ports that the flag does not mention
/// at all are added unreserved from the defaults; one that it mentions, in any form, is not — so an agent
/// whose only disk is a MOUNT disk has no root disk to offer.
public enum AgentResourcesFlag {
    /// Why the flag cannot be used, in Mesos' words where it has them.
    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    public static func parse(
        _ text: String, defaults: ResourceBag, defaultRole: String = "*"
    ) throws(ParseError) -> [Resource] {
        let declared = try declaredResources(text, defaultRole: defaultRole)
        let mentioned = Set(declared.map(\.name))
        let filled = defaults.resources().filter { !mentioned.contains($0.name) }
        return declared + filled
    }

    private static func declaredResources(
        _ text: String, defaultRole: String
    ) throws(ParseError) -> [Resource] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("[") {
            do {
                let resources = try MesosJSON.decode([Resource].self, from: Data(trimmed.utf8))
                for resource in resources { try validate(resource) }
                return resources
            } catch let error as ParseError {
                throw error
            } catch {
                throw ParseError(description: "Failed to parse resources JSON: \(error)")
            }
        }
        var resources: [Resource] = []
        for token in trimmed.split(separator: ";").map(String.init) where !token.isEmpty {
            let pair = token.split(separator: ":", omittingEmptySubsequences: false)
            guard pair.count == 2 else {
                throw ParseError(
                    description: "Bad value for resources, missing or extra ':' in \(token)")
            }
            let (name, role) = try nameAndRole(
                String(pair[0]), token: token, defaultRole: defaultRole)
            var resource = try value(
                String(pair[1]).trimmingCharacters(in: .whitespaces), name: name)
            if role != "*" { resource.reservations = [ReservationInfo(type: .static, role: role)] }
            try validate(resource)
            resources.append(resource)
        }
        return resources
    }

    private static func nameAndRole(
        _ text: String, token: String, defaultRole: String
    ) throws(ParseError) -> (String, String) {
        guard let open = text.firstIndex(of: "(") else {
            return (text.trimmingCharacters(in: .whitespaces), defaultRole)
        }
        guard let close = text.firstIndex(of: ")"), close > open else {
            throw ParseError(
                description: "Bad value for resources, mismatched parentheses in \(token)")
        }
        let name = text[..<open].trimmingCharacters(in: .whitespaces)
        let role = text[text.index(after: open)..<close].trimmingCharacters(in: .whitespaces)
        return (name, role)
    }

    /// `4`, `[31000-31500, 32000-32100]`; sets (`{a,b}`) are not offered by anything here.
    private static func value(_ text: String, name: String) throws(ParseError) -> Resource {
        if text.hasPrefix("[") && text.hasSuffix("]") {
            var ranges: [ClosedRange<UInt64>] = []
            for part in text.dropFirst().dropLast().split(separator: ",") {
                let bounds = part.split(separator: "-").map {
                    UInt64($0.trimmingCharacters(in: .whitespaces))
                }
                guard bounds.count == 2, let low = bounds[0], let high = bounds[1], low <= high
                else {
                    throw ParseError(description: "Failed to parse ranges '\(text)' of \(name)")
                }
                ranges.append(low...high)
            }
            return .ranges(name, ranges)
        }
        guard let amount = Double(text), amount.isFinite else {
            throw ParseError(description: "Failed to parse scalar '\(text)' of \(name)")
        }
        return .scalar(name, amount)
    }

    /// `Resources::validate`: a name, a non-negative scalar, the value its type says.
    private static func validate(_ resource: Resource) throws(ParseError) {
        guard !resource.name.isEmpty else { throw ParseError(description: "Empty resource name") }
        switch resource.type {
        case .scalar:
            guard let value = resource.scalarValue, value >= 0 else {
                throw ParseError(description: "Invalid scalar resource \(resource.name)")
            }
        case .ranges:
            guard resource.ranges != nil else {
                throw ParseError(description: "Invalid ranges resource \(resource.name)")
            }
        default:
            throw ParseError(
                description:
                    "Resource \(resource.name) of type \(resource.type) is not supported here")
        }
    }
}
