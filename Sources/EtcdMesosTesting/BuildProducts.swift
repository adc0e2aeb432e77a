import Foundation

/// The package's built executables (`etcd-mesos-scheduler`, `etcd-mesos-executor`, …), which `swift test`
/// builds next to the test bundle.
public enum BuildProducts {
    /// The directory holding the test bundle and the executables.
    public static var directory: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().path
    }

    /// The path of executable `name`; throws naming where it looked when it is missing.
    public static func executable(_ name: String) throws -> String {
        var candidates = [directory + "/" + name]
        // `swift test` runs the bundle from .build/<triple>/debug; `.build/debug` links to it.
        if let range = directory.range(of: "/.build/") {
            candidates.append(String(directory[..<range.lowerBound]) + "/.build/debug/" + name)
        }
        for path in candidates where FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        throw BuildProductError.missing(name: name, lookedIn: candidates)
    }
}

public enum BuildProductError: Error, CustomStringConvertible {
    case missing(name: String, lookedIn: [String])

    public var description: String {
        switch self {
        case .missing(let name, let paths):
            "the executable \(name) is not built (looked at \(paths.joined(separator: ", "))); run `swift build` first"
        }
    }
}
