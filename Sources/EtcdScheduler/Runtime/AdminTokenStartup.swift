import Logging
import Support

/// The admin token at start: read from `-admin-token-file`, or from `admin-token` in the work dir, which the
/// first start creates with a random token (mode 0600) and later starts reuse. A file that group or others may
/// read stops the start. The log says where the token is, never what it is.
enum AdminTokenStartup {
    static func load(_ settings: SchedulerSettings, logger: Logger) throws(SchedulerStartError)
        -> String
    {
        let path = settings.adminTokenPath
        do throws(AdminTokenFileError) {
            if settings.adminTokenFile != nil {
                let token = try AdminTokenFile.read(path)
                logger.info(
                    "admin API token read from -admin-token-file", metadata: ["file": "\(path)"])
                return token
            }
            let (token, created) = try AdminTokenFile.readOrCreate(path)
            logger.notice(
                created
                    ? "created the admin API token; POST requests and backups need Authorization: Bearer <its content>"
                    : "the admin API token is the one created at the first start; POST requests and backups need it",
                metadata: ["file": "\(path)"])
            return token
        } catch {
            throw .adminToken(error)
        }
    }
}
