/// Why a RecordIO stream (`<decimal length>\n<bytes>…`) could not be read. The reader is unusable afterwards.
public enum RecordIOError: Error, Hashable, CustomStringConvertible {
    /// The length line holds something other than ASCII digits; `seen` shows its start.
    case malformedLength(seen: String)
    /// The length line has more digits than any acceptable length (leading zeros included).
    case lengthTooLong(seen: String)
    /// A record of length 0, which Mesos never sends.
    case zeroLength
    /// A record longer than the reader's maximum.
    case recordTooLarge(length: UInt64, maximum: Int)
    /// The stream ended inside a length line.
    case truncatedLength(seen: String)
    /// The stream ended inside a record.
    case truncatedRecord(expected: Int, received: Int)

    public var description: String {
        switch self {
        case .malformedLength(let seen):
            return "RecordIO length prefix is not a decimal number: \(seen)"
        case .lengthTooLong(let seen):
            return "RecordIO length prefix has too many digits: \(seen)"
        case .zeroLength:
            return "RecordIO record of length 0 (Mesos never sends empty records)"
        case .recordTooLarge(let length, let maximum):
            return "RecordIO record of \(length) bytes exceeds the maximum of \(maximum) bytes"
        case .truncatedLength(let seen):
            return "RecordIO stream ended inside a length prefix: \(seen)"
        case .truncatedRecord(let expected, let received):
            return "RecordIO stream ended inside a record: got \(received) of \(expected) bytes"
        }
    }

    /// Up to 40 bytes, quoted, with non-printable bytes escaped: what the stream held where it went wrong.
    static func show<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        var text = "\""
        for byte in bytes.prefix(40) {
            switch byte {
            case UInt8(ascii: "\n"): text += "\\n"
            case UInt8(ascii: "\r"): text += "\\r"
            case UInt8(ascii: "\t"): text += "\\t"
            case UInt8(ascii: "\""): text += "\\\""
            case UInt8(ascii: "\\"): text += "\\\\"
            case 0x20..<0x7F: text.unicodeScalars.append(Unicode.Scalar(byte))
            default: text += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
            }
        }
        return text + (bytes.count > 40 ? "\"…" : "\"")
    }
}
