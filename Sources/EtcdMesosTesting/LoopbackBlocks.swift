import Synchronization

/// Blocks of loopback addresses (127.0.0.<first>…<first+7>) for test clusters whose agents each need an
/// address of their own. A block is lent for the duration of a body and returned afterwards, so any number
/// of tests can run in sequence, and up to `slots` at once (more wait for a free block).
public enum LoopbackBlocks {
    public static let blockSize = 8
    /// 127.0.0.16 … 127.0.0.255; lower addresses are left to tests that use 127.0.0.2… directly.
    static let slots = Array(stride(from: 16, through: 256 - blockSize, by: blockSize))
    private static let inUse = Mutex(Set<Int>())

    /// Runs `body` with the first address's last octet of a free block of `blockSize` addresses.
    public static func withBlock<T>(
        isolation: isolated (any Actor)? = #isolation, _ body: (Int) async throws -> T
    ) async throws -> T {
        var first: Int?
        while first == nil {
            first = inUse.withLock { used in
                guard let free = slots.first(where: { !used.contains($0) }) else { return nil }
                used.insert(free)
                return free
            }
            if first == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let block = first!
        defer { _ = inUse.withLock { $0.remove(block) } }
        return try await body(block)
    }
}
