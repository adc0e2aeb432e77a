import Foundation

extension Data {
    /// `withUnsafeBytes` for a body that throws `BackupError` (the Foundation one rethrows untyped errors).
    package func withBytes(_ body: (UnsafeRawBufferPointer) throws(BackupError) -> Void)
        throws(BackupError)
    {
        let failure: BackupError? = withUnsafeBytes { bytes in
            do throws(BackupError) { try body(bytes) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }
}
