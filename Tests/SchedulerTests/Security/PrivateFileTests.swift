import BackupArchive
import EtcdMesosTesting
import Foundation
import ObjectStore
import Support
import Testing

/// One reader for every file that holds a secret (admin token, backup encryption key, store credentials):
/// private, regular, bounded, with the same refusals under each one's name.
@Suite("Security: files that hold secrets")
struct PrivateFileTests {
    @Test(
        "a private regular file within the limit is read whole; anything else is refused by reason")
    func bounds() throws {
        let directory = try TemporaryDirectory(prefix: "private-file")
        defer { directory.remove() }
        let path = directory.appending("secret")
        func write(_ data: Data, mode: Int) throws {
            try data.write(to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        }
        try write(Data(count: 100), mode: 0o600)
        #expect(try PrivateFile.contents(of: path, limit: 100) == Data(count: 100))
        #expect(throws: PrivateFileError.tooLarge(limit: 99)) {
            try PrivateFile.contents(of: path, limit: 99)
        }
        try write(Data(count: 10), mode: 0o640)
        #expect(throws: PrivateFileError.readableByOthers(mode: "640")) {
            try PrivateFile.contents(of: path, limit: 100)
        }
        #expect(throws: PrivateFileError.missing) {
            try PrivateFile.contents(of: directory.appending("nope"), limit: 100)
        }
        #expect(throws: PrivateFileError.notRegularFile) {
            try PrivateFile.contents(of: directory.path, limit: 100)
        }
        #expect(
            PrivateFileError.readableByOthers(mode: "640").reason(path: path)
                .contains("chmod 600 \(path)"))
    }

    @Test("the key file and the credentials file are refused the same way, each under its own name")
    func keyAndCredentialsFiles() throws {
        let directory = try TemporaryDirectory(prefix: "private-file")
        defer { directory.remove() }
        let key = directory.appending("backup.key")
        FileManager.default.createFile(
            atPath: key, contents: Data(count: 2000), attributes: [.posixPermissions: 0o600])
        #expect { try BackupEncryptionKey.load(file: key) } throws: {
            "\($0)".contains("the encryption key file \(key) is larger than 1024 bytes")
        }
        let credentials = directory.appending("credentials")
        FileManager.default.createFile(
            atPath: credentials,
            contents: Data(
                "[default]\naws_access_key_id = a\naws_secret_access_key = s3cret\n".utf8),
            attributes: [.posixPermissions: 0o644])
        #expect { try S3Credentials.load(file: credentials) } throws: { error in
            "\(error)".contains(
                "the credentials file \(credentials) is readable by group or others")
                && "\(error)".contains("chmod 600 \(credentials)") && !"\(error)".contains("s3cret")
        }
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o600], ofItemAtPath: credentials)
        #expect(try S3Credentials.load(file: credentials).accessKeyID == "a")
        #expect { try S3Credentials.load(file: directory.appending("none")) } throws: {
            "\($0)".contains("the credentials file \(directory.appending("none")) does not exist")
        }
    }
}
