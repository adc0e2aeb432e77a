import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The extracted database on its way to `destination`: written to a `.partial` file beside it, and renamed into
/// place only after the whole archive verified, so a failed verification leaves nothing at `destination`.
package final class ExtractionFile {
    package let destination: String
    private let temporary: String
    private var fileDescriptor: Int32

    package init(destination: String) throws(BackupArchiveError) {
        guard access(destination, F_OK) != 0 else {
            throw .extractionFailed(
                destination: destination, reason: "the file exists; not overwriting it")
        }
        self.destination = destination
        let url = URL(fileURLWithPath: destination)
        temporary =
            url.deletingLastPathComponent().path
            + "/.\(url.lastPathComponent).\(UUID().uuidString.prefix(8))"
            + BackupID.partialSuffix
        fileDescriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fileDescriptor >= 0 else {
            throw .extractionFailed(
                destination: destination, reason: String(cString: strerror(errno)))
        }
    }

    deinit {
        discard()
    }

    package func write(_ bytes: UnsafeRawBufferPointer) throws(BackupArchiveError) {
        do throws(BackupError) {
            try DurableFile.writeAll(fileDescriptor, bytes, path: temporary)
        } catch {
            throw .extractionFailed(destination: destination, reason: "\(error)")
        }
    }

    /// fsyncs the file and renames it into place.
    package func commit() throws(BackupArchiveError) {
        do throws(BackupError) {
            try DurableFile.sync(fileDescriptor, path: temporary)
            close(fileDescriptor)
            fileDescriptor = -1
            guard try DurableFile.moveNoReplace(temporary, to: destination) else {
                throw .fileSystem(
                    operation: "create", path: destination, reason: "it appeared meanwhile")
            }
            try DurableFile.syncDirectory(
                URL(fileURLWithPath: destination).deletingLastPathComponent().path)
        } catch {
            discard()
            throw .extractionFailed(destination: destination, reason: "\(error)")
        }
    }

    /// Removes the partial file (after a failure); does nothing once committed.
    package func discard() {
        if fileDescriptor >= 0 {
            close(fileDescriptor)
            fileDescriptor = -1
        }
        unlink(temporary)
    }
}
