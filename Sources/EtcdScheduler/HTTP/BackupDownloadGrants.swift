import Crypto
import Foundation
import Support

/// Signed download URLs for one backup archive, the only admin-API credential an executor ever gets:
/// `/backups/<id>?expires=<unix time>&signature=<hex>`, where the signature is an HMAC-SHA256 of the path and
/// the expiry under a key derived from the admin token. A URL opens that one archive until it expires and
/// nothing else; the task that restores from it carries it in `TaskInfo.data`, never the admin token.
///
/// The key is derived from the token, so a restarted scheduler still accepts the URLs it handed out before.
struct BackupDownloadGrants: Sendable {
    private let key: SymmetricKey
    /// How long a URL stays valid: the executor fetches the archive right after its task starts.
    var validity: Duration = .seconds(3600)

    init(adminToken: String) {
        key = SymmetricKey(
            data: SHA256.hash(data: Data("etcd-mesos backup download\n\(adminToken)".utf8)))
    }

    /// The signed path of backup `id`'s archive, valid from `now` for `validity`.
    func signedPath(backupID id: String, now: Date = Date()) -> String {
        let expires = Int64(now.timeIntervalSince1970 + validity.seconds)
        let signature = HMAC<SHA256>.authenticationCode(
            for: Self.message(backupID: id, expires: expires), using: key)
        let hex = signature.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        return "/backups/\(id)?expires=\(expires)&signature=\(hex)"
    }

    /// True when `signature` signs backup `id` with `expires`, and that time has not passed. The signature is
    /// checked in constant time.
    func permits(backupID id: String, expires: String?, signature: String?, now: Date = Date())
        -> Bool
    {
        guard let expires, let time = Int64(expires), let signature,
            let code = Self.bytes(hex: signature), code.count == SHA256.byteCount,
            Double(time) >= now.timeIntervalSince1970
        else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(
            code, authenticating: Self.message(backupID: id, expires: time), using: key)
    }

    private static func message(backupID id: String, expires: Int64) -> Data {
        Data("GET /backups/\(id)\n\(expires)".utf8)
    }

    private static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func value(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
