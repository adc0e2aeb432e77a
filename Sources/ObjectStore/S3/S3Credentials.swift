import Foundation
import Support

/// An access key for an S3-compatible store. Its description never shows the secret.
public struct S3Credentials: Sendable, CustomStringConvertible {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    public var description: String {
        "S3Credentials(access key \(accessKeyID), secret hidden"
            + (sessionToken == nil ? ")" : ", with a session token)")
    }

    /// The largest credentials file read.
    static let maximumFileSize = 64 * 1024

    /// From `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN`), when both are set.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> S3Credentials? {
        guard let id = environment["AWS_ACCESS_KEY_ID"], !id.isEmpty,
            let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty
        else { return nil }
        return S3Credentials(
            accessKeyID: id, secretAccessKey: secret,
            sessionToken: environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 })
    }

    /// From an AWS shared credentials file (`[profile]` sections of `aws_access_key_id`,
    /// `aws_secret_access_key`, `aws_session_token`). The file must not be readable by group or others.
    public static func load(file path: String, profile: String = "default") throws(ObjectStoreError)
        -> S3Credentials
    {
        let data: Data
        do throws(PrivateFileError) {
            data = try PrivateFile.contents(of: path, limit: maximumFileSize)
        } catch {
            throw .badConfiguration("the credentials file \(path) \(error.reason(path: path))")
        }
        var section: String?
        var values: [String: String] = [:]
        for rawLine in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                section = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                continue
            }
            guard section == profile, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            values[key] = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        }
        guard let id = values["aws_access_key_id"], !id.isEmpty,
            let secret = values["aws_secret_access_key"], !secret.isEmpty
        else {
            throw .badConfiguration(
                "the credentials file \(path) has no profile [\(profile)] with aws_access_key_id"
                    + " and aws_secret_access_key")
        }
        return S3Credentials(
            accessKeyID: id, secretAccessKey: secret, sessionToken: values["aws_session_token"])
    }
}
