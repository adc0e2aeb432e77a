/// One 512-byte POSIX ustar header block, strictly read and written: the reader accepts only what a ustar
/// writer produces (the `ustar\0` `00` magic, a checksum that adds up, octal or base-256 numbers) and turns
/// everything else into a reason, never a guess.
///
/// The archive writer uses it for the manifest entry it puts first; tests use it to build hostile archives.
package struct TarHeader: Equatable, Sendable {
    package static let blockSize = 512

    /// The entry's path: the ustar prefix and name joined (a pax `path` record replaces it).
    package var name: String
    package var mode: UInt32 = 0o600
    /// Bytes of data that follow the header (a pax `size` record replaces it).
    package var size: UInt64
    /// Seconds since 1970.
    package var modified: Int64 = 0
    /// The ASCII type flag: `0` (or NUL) a regular file, `x` a pax header for the next entry, …
    package var typeFlag: UInt8 = UInt8(ascii: "0")
    /// The target of a hard or symbolic link.
    package var linkName: String = ""

    package init(
        name: String, size: UInt64, mode: UInt32 = 0o600, modified: Int64 = 0,
        typeFlag: UInt8 = UInt8(ascii: "0"), linkName: String = ""
    ) {
        self.name = name
        self.size = size
        self.mode = mode
        self.modified = modified
        self.typeFlag = typeFlag
        self.linkName = linkName
    }

    package var isRegularFile: Bool { typeFlag == UInt8(ascii: "0") || typeFlag == 0 }
    package var isPaxExtension: Bool { typeFlag == UInt8(ascii: "x") }

    /// What the type flag means, for messages: "a symbolic link to /etc/passwd", "a directory", ….
    package var kindDescription: String {
        switch typeFlag {
        case UInt8(ascii: "0"), 0: "a regular file"
        case UInt8(ascii: "1"): "a hard link to \(linkName)"
        case UInt8(ascii: "2"): "a symbolic link to \(linkName)"
        case UInt8(ascii: "3"): "a character device"
        case UInt8(ascii: "4"): "a block device"
        case UInt8(ascii: "5"): "a directory"
        case UInt8(ascii: "6"): "a FIFO"
        case UInt8(ascii: "7"): "a contiguous file"
        case UInt8(ascii: "g"): "a pax global header"
        case UInt8(ascii: "x"): "a pax extended header"
        case UInt8(ascii: "L"), UInt8(ascii: "K"): "a GNU long-name record"
        default: "an entry of unknown type 0x\(String(typeFlag, radix: 16))"
        }
    }

    /// The 512 bytes of this header (name ≤ 100 bytes, size below 8 GiB, as the manifest entry always is).
    package func encoded() -> [UInt8] {
        var block = [UInt8](repeating: 0, count: Self.blockSize)
        func put(_ text: String, at offset: Int, width: Int) {
            for (index, byte) in text.utf8.prefix(width).enumerated() {
                block[offset + index] = byte
            }
        }
        func octal(_ value: UInt64, at offset: Int, width: Int) {
            let digits = String(value, radix: 8)
            let padded = String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits
            put(padded, at: offset, width: width - 1)
        }
        put(name, at: 0, width: 100)
        octal(UInt64(mode), at: 100, width: 8)
        octal(0, at: 108, width: 8)
        octal(0, at: 116, width: 8)
        octal(size, at: 124, width: 12)
        octal(UInt64(max(0, modified)), at: 136, width: 12)
        block[156] = typeFlag
        put(linkName, at: 157, width: 100)
        put("ustar", at: 257, width: 6)
        put("00", at: 263, width: 2)
        octal(0, at: 329, width: 8)
        octal(0, at: 337, width: 8)
        for index in 148..<156 { block[index] = UInt8(ascii: " ") }
        let sum = block.reduce(0) { $0 + UInt64($1) }
        octal(sum, at: 148, width: 7)
        block[155] = UInt8(ascii: " ")
        return block
    }

    /// The header in `block`, or nil for an all-zero block (the end of the archive). Throws the reason a block
    /// is no ustar header.
    package static func decode(_ block: [UInt8]) throws(TarFormatError) -> TarHeader? {
        guard block.count == blockSize else {
            throw TarFormatError("a header block has \(block.count) bytes, not \(blockSize)")
        }
        if block.allSatisfy({ $0 == 0 }) { return nil }
        guard Array(block[257..<263]) == Array("ustar\0".utf8), Array(block[263..<265]) == [48, 48]
        else { throw TarFormatError("a header block lacks the POSIX ustar magic") }
        let stored = try number(block[148..<156], field: "checksum")
        var sum: UInt64 = 0
        for (index, byte) in block.enumerated() {
            sum += (148..<156).contains(index) ? UInt64(UInt8(ascii: " ")) : UInt64(byte)
        }
        guard stored == sum else {
            throw TarFormatError("a header's checksum is \(stored), its bytes add up to \(sum)")
        }
        let prefix = text(block[345..<500])
        let name = text(block[0..<100])
        let modified = try number(block[136..<148], field: "mtime")
        return TarHeader(
            name: prefix.isEmpty ? name : prefix + "/" + name,
            size: try number(block[124..<136], field: "size"),
            mode: UInt32(truncatingIfNeeded: try number(block[100..<108], field: "mode")),
            modified: Int64(clamping: modified), typeFlag: block[156],
            linkName: text(block[157..<257]))
    }

    /// A NUL-terminated field as text.
    private static func text(_ field: ArraySlice<UInt8>) -> String {
        String(decoding: field.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// An octal field (leading spaces, digits, then NUL or spaces) or a base-256 one (high bit set).
    private static func number(_ field: ArraySlice<UInt8>, field name: String)
        throws(TarFormatError) -> UInt64
    {
        if let first = field.first, first & 0x80 != 0 {
            let body = field.dropFirst()
            let significant = body.suffix(8)
            guard first == 0x80, body.dropLast(significant.count).allSatisfy({ $0 == 0 }) else {
                throw TarFormatError("the \(name) field holds a negative or huge number")
            }
            return significant.reduce(0) { $0 << 8 | UInt64($1) }
        }
        let digits = field.drop { $0 == UInt8(ascii: " ") }.prefix { $0 != 0 && $0 != 32 }
        let rest = field.drop { $0 == UInt8(ascii: " ") }.dropFirst(digits.count)
        guard rest.allSatisfy({ $0 == 0 || $0 == UInt8(ascii: " ") }), digits.count <= 21 else {
            throw TarFormatError("the \(name) field is not an octal number")
        }
        var value: UInt64 = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(digit) else {
                throw TarFormatError("the \(name) field is not an octal number")
            }
            value = value << 3 | UInt64(digit - UInt8(ascii: "0"))
        }
        return value
    }
}

/// Why bytes are not the tar this program writes.
package struct TarFormatError: Error, Equatable, Sendable {
    package var reason: String
    package init(_ reason: String) { self.reason = reason }
}
