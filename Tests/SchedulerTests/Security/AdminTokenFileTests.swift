import EtcdMesosTesting
import Foundation
import Support
import Testing

/// The one reader of admin token files, which the scheduler and the restore CLI share.
@Suite("Security: the admin token file")
struct AdminTokenFileTests {
    static func write(_ text: String, mode: Int, in directory: TemporaryDirectory) throws -> String
    {
        let path = directory.appending("token")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    static func mode(of path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    @Test("surrounding whitespace and line breaks are not part of the token")
    func trimmed() throws {
        let directory = try TemporaryDirectory(prefix: "token-file")
        defer { directory.remove() }
        for text in ["s3cret", "s3cret\n", "  s3cret \r\n\n", "\ts3cret\t"] {
            let path = try Self.write(text, mode: 0o600, in: directory)
            #expect(try AdminTokenFile.read(path) == "s3cret", "\(text.debugDescription)")
            try FileManager.default.removeItem(atPath: path)
        }
    }

    @Test(
        "a token file group or others may read is refused, naming the file and chmod 600",
        arguments: [0o644, 0o640, 0o604, 0o660, 0o666])
    func readableByOthersRefused(mode: Int) throws {
        let directory = try TemporaryDirectory(prefix: "token-file")
        defer { directory.remove() }
        let path = try Self.write("s3cret\n", mode: mode, in: directory)
        let error = #expect(throws: AdminTokenFileError.self) { try AdminTokenFile.read(path) }
        #expect(error == .readableByOthers(path: path, mode: String(mode, radix: 8)))
        #expect(error?.description.contains(path) == true)
        #expect(error?.description.contains("chmod 600 \(path)") == true, "\(error!)")
        #expect(error?.description.contains("mode 0\(String(mode, radix: 8))") == true)
        #expect(error?.description.contains("s3cret") == false)
    }

    @Test("an empty, missing or binary token file is refused")
    func emptyMissingOrBinaryRefused() throws {
        let directory = try TemporaryDirectory(prefix: "token-file")
        defer { directory.remove() }
        let empty = try Self.write(" \n\n", mode: 0o600, in: directory)
        #expect(throws: AdminTokenFileError.empty(path: empty)) { try AdminTokenFile.read(empty) }
        try FileManager.default.removeItem(atPath: empty)
        let missing = directory.appending("nope")
        #expect(throws: AdminTokenFileError.missing(path: missing)) {
            try AdminTokenFile.read(missing)
        }
        let binary = try Self.write("to\u{0}ken", mode: 0o400, in: directory)
        #expect(throws: AdminTokenFileError.notAToken(path: binary)) {
            try AdminTokenFile.read(binary)
        }
        #expect(throws: AdminTokenFileError.notRegularFile(path: directory.path)) {
            try AdminTokenFile.read(directory.path)
        }
    }

    @Test("a created token is 32 random bytes in hex, in a 0600 file, and reused")
    func createdAndReused() throws {
        let directory = try TemporaryDirectory(prefix: "token-file")
        defer { directory.remove() }
        let path = directory.appending("work/admin-token")
        let (token, created) = try AdminTokenFile.readOrCreate(path)
        #expect(created)
        #expect(token.count == 64 && token.allSatisfy(\.isHexDigit), "\(token)")
        #expect(try Self.mode(of: path) == 0o600)
        #expect(try AdminTokenFile.read(path) == token)
        let again = try AdminTokenFile.readOrCreate(path)
        #expect(again.token == token && !again.created)
        // Nothing else is left in the directory (no temporary file).
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory.appending("work"))
                == ["admin-token"])
        #expect(AdminTokenFile.newToken() != AdminTokenFile.newToken())
    }

    @Test("schedulers that create the token at once all get the same one")
    func concurrentCreationAgrees() async throws {
        let directory = try TemporaryDirectory(prefix: "token-file")
        defer { directory.remove() }
        let path = directory.appending("admin-token")
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<16 {
                group.addTask { try AdminTokenFile.readOrCreate(path).token }
            }
            var tokens: Set<String> = []
            for try await token in group { tokens.insert(token) }
            return tokens
        }
        #expect(tokens.count == 1)
        #expect(try AdminTokenFile.read(path) == tokens.first)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["admin-token"])
    }
}
