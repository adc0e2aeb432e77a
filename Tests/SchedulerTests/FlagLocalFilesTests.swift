import EtcdMesosTesting
import EtcdScheduler
import Foundation
import Testing

@Suite("Scheduler flags: the files they name, checked at start")
struct FlagLocalFilesTests {
    /// A temporary directory, removed afterwards whatever happens.
    func withDirectory<T>(_ body: (TemporaryDirectory) throws -> T) throws -> T {
        let directory = try TemporaryDirectory(prefix: "scheduler-flags")
        defer { directory.remove() }
        return try body(directory)
    }

    func makeProgram(_ path: String, executable: Bool = true) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try "#!/bin/sh\n".write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes(
            [.posixPermissions: executable ? 0o755 : 0o644], ofItemAtPath: path)
    }

    func settings(_ arguments: [String], in directory: TemporaryDirectory) throws
        -> SchedulerSettings
    {
        try SchedulerOptions.parseGoStyle(["-master=local"] + arguments).settings(
            environment: [:], hostName: "h", currentDirectory: directory.path)
    }

    @Test("default binaries: ./bin first, then next to this program, then PATH")
    func defaultBinaryLookup() throws {
        try withDirectory { directory in
            try makeProgram(directory.appending("bin/etcd-mesos-executor"))
            try makeProgram(directory.appending("build/etcd"))
            try makeProgram(directory.appending("build/etcd-mesos-executor"))
            try makeProgram(directory.appending("usr-bin/etcdctl"))
            let resolved = try settings([], in: directory).resolvingLocalFiles(
                executableDirectory: directory.appending("build"),
                searchPath: "/nonexistent:" + directory.appending("usr-bin"))
            #expect(
                resolved.binaries.executor.path == directory.appending("bin/etcd-mesos-executor"))
            #expect(resolved.binaries.etcd.path == directory.appending("build/etcd"))
            #expect(resolved.binaries.etcdctl.path == directory.appending("usr-bin/etcdctl"))
        }
    }

    @Test("a default binary found nowhere is reported with where it was looked for")
    func defaultBinaryMissing() throws {
        try withDirectory { directory in
            let error = #expect(throws: SchedulerConfigurationError.self) {
                try settings([], in: directory).resolvingLocalFiles(
                    executableDirectory: directory.appending("build"), searchPath: nil)
            }
            #expect(
                error?.description
                    == "-executor-bin=\(directory.appending("bin/etcd-mesos-executor")): does not exist; also looked "
                    + "for etcd-mesos-executor next to this program (\(directory.appending("build"))) and on PATH; "
                    + "give -executor-bin=PATH")
        }
    }

    @Test("a given binary must exist and be executable; it is never looked for elsewhere")
    func explicitBinaryChecked() throws {
        try withDirectory { directory in
            try makeProgram(directory.appending("bin/etcd-mesos-executor"))
            try makeProgram(directory.appending("bin/etcdctl"))
            try makeProgram(directory.appending("etcd-copy"), executable: false)
            try makeProgram(directory.appending("build/etcd"))
            let error = #expect(throws: SchedulerConfigurationError.self) {
                try settings(["-etcd-bin=etcd-copy"], in: directory).resolvingLocalFiles(
                    executableDirectory: directory.appending("build"), searchPath: nil)
            }
            #expect(
                error?.description
                    == "-etcd-bin=\(directory.appending("etcd-copy")): is not executable (chmod +x it)"
            )
        }
    }

    @Test(
        "secret and token files must exist and not be empty; their trailing newline is not part of them"
    )
    func secretFiles() throws {
        try withDirectory { directory in
            for name in ["bin/etcd-mesos-executor", "bin/etcd", "bin/etcdctl"] {
                try makeProgram(directory.appending(name))
            }
            try "s3cret\n".write(
                toFile: directory.appending("secret"), atomically: true, encoding: .utf8)
            try "".write(
                toFile: directory.appending("empty-token"), atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes(
                [.posixPermissions: 0o600], ofItemAtPath: directory.appending("empty-token"))
            let authenticated = try settings(
                ["-mesos-authentication-principal=p", "-mesos-authentication-secret-file=secret"],
                in: directory)
            _ = try authenticated.resolvingLocalFiles(executableDirectory: nil, searchPath: nil)
            #expect(
                try SecretFile.read(
                    directory.appending("secret"), flag: "mesos-authentication-secret-file")
                    == "s3cret")

            let missing = #expect(throws: SchedulerConfigurationError.self) {
                try settings(
                    [
                        "-mesos-authentication-principal=p",
                        "-mesos-authentication-secret-file=nope",
                    ], in: directory
                ).resolvingLocalFiles(executableDirectory: nil, searchPath: nil)
            }
            #expect(
                missing?.description
                    == "-mesos-authentication-secret-file=\(directory.appending("nope")): does not exist"
            )
            let empty = #expect(throws: SchedulerConfigurationError.self) {
                try settings(["-admin-token-file=empty-token"], in: directory).resolvingLocalFiles(
                    executableDirectory: nil, searchPath: nil)
            }
            #expect(
                empty?.description
                    == "-admin-token-file=\(directory.appending("empty-token")): is empty")
        }
    }
}
