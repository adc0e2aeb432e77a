import Foundation
import Support

extension SchedulerSettings {
    /// Checks the files the flags name, as the original stat'ed its binaries at start, and returns the
    /// settings with each binary's actual path.
    ///
    /// A binary given by flag must exist and be executable. A default one (`./bin/<name>`, the original's)
    /// that is missing is looked for next to this program (so `swift run etcd-mesos-scheduler` finds the
    /// executor it was built with) and then on `searchPath` (Debian's etcd). The secret and token files must be
    /// readable, and the token file readable by its owner only (`AdminTokenFile`).
    public func resolvingLocalFiles(
        executableDirectory: String? = Bundle.main.executableURL?.deletingLastPathComponent().path,
        searchPath: String? = ProcessInfo.processInfo.environment["PATH"]
    ) throws(SchedulerConfigurationError) -> SchedulerSettings {
        var resolved = self
        resolved.binaries.executor = try Self.locate(
            binaries.executor, flag: "executor-bin", executableDirectory: executableDirectory,
            searchPath: searchPath)
        resolved.binaries.etcd = try Self.locate(
            binaries.etcd, flag: "etcd-bin", executableDirectory: executableDirectory,
            searchPath: searchPath)
        resolved.binaries.etcdctl = try Self.locate(
            binaries.etcdctl, flag: "etcdctl-bin", executableDirectory: executableDirectory,
            searchPath: searchPath)
        if let secretFile = authentication?.secretFile {
            _ = try SecretFile.read(secretFile, flag: "mesos-authentication-secret-file")
        }
        if let adminTokenFile {
            do throws(AdminTokenFileError) {
                _ = try AdminTokenFile.read(adminTokenFile)
            } catch {
                throw .unusableFile(
                    flag: "admin-token-file", path: adminTokenFile, reason: error.reason)
            }
        }
        return resolved
    }

    private static func locate(
        _ location: BinaryLocation, flag: String, executableDirectory: String?, searchPath: String?
    ) throws(SchedulerConfigurationError) -> BinaryLocation {
        if location.isExplicit {
            if let problem = problem(with: location.path) {
                throw .unusableFile(flag: flag, path: location.path, reason: problem)
            }
            return location
        }
        var candidates = [location.path]
        if let executableDirectory {
            candidates.append(executableDirectory + "/" + location.programName)
        }
        for directory in (searchPath ?? "").split(separator: ":") where !directory.isEmpty {
            candidates.append("\(directory)/\(location.programName)")
        }
        if let found = candidates.first(where: { problem(with: $0) == nil }) {
            var result = location
            result.path = found
            return result
        }
        let nextTo = executableDirectory.map { " next to this program (\($0)) and" } ?? ""
        throw .unusableFile(
            flag: flag, path: location.path,
            reason:
                "\(problem(with: location.path) ?? "unusable"); also looked for \(location.programName)"
                + "\(nextTo) on PATH; give -\(flag)=PATH")
    }

    /// Why `path` cannot be run, or nil if it can.
    private static func problem(with path: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return "does not exist"
        }
        if isDirectory.boolValue { return "is a directory, not a program" }
        guard access(path, X_OK) == 0 else { return "is not executable (chmod +x it)" }
        return nil
    }
}

/// Reads a secret file (`-mesos-authentication-secret-file`): its content without trailing line breaks,
/// refusing a missing, unreadable or empty file with a message naming the flag. The admin token's file is
/// read by `AdminTokenFile`, which the restore CLI shares.
public enum SecretFile {
    public static func read(_ path: String, flag: String) throws(SchedulerConfigurationError)
        -> String
    {
        guard FileManager.default.fileExists(atPath: path) else {
            throw .unusableFile(flag: flag, path: path, reason: "does not exist")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unusableFile(
                flag: flag, path: path, reason: "cannot be read (check its permissions)")
        }
        var text = String(decoding: data, as: UTF8.self)
        while text.last == "\n" || text.last == "\r" { text.removeLast() }
        guard !text.isEmpty else { throw .unusableFile(flag: flag, path: path, reason: "is empty") }
        return text
    }
}
