extension Offer {
    /// `Offer.Operation`: what an ACCEPT does with offered resources. Encoded as `type` plus the payload named
    /// after it in lower case (`{"type": "LAUNCH", "launch": {...}}`).
    ///
    /// Only the launch operations are modelled. Others (RESERVE, CREATE, …) decode as `.unrecognized` with
    /// their type name, and encode back as the bare type, without payload.
    public enum Operation: Codable, Sendable, Hashable {
        /// Start tasks, each with its own executor or command.
        case launch(Launch)
        /// Start a group of tasks under one (DEFAULT) executor; they are killed together.
        case launchGroup(LaunchGroup)
        case unrecognized(String)

        /// `Offer.Operation.Launch`.
        public struct Launch: Codable, Sendable, Hashable {
            public var taskInfos: [TaskInfo]

            public init(taskInfos: [TaskInfo]) { self.taskInfos = taskInfos }

            enum CodingKeys: String, CodingKey { case taskInfos = "task_infos" }

            public init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                taskInfos = try container.decodeRepeated(TaskInfo.self, forKey: .taskInfos)
            }

            public func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encodeRepeated(taskInfos, forKey: .taskInfos)
            }
        }

        /// `Offer.Operation.LaunchGroup`.
        public struct LaunchGroup: Codable, Sendable, Hashable {
            public var executor: ExecutorInfo
            public var taskGroup: TaskGroupInfo

            public init(executor: ExecutorInfo, taskGroup: TaskGroupInfo) {
                self.executor = executor
                self.taskGroup = taskGroup
            }

            enum CodingKeys: String, CodingKey {
                case executor
                case taskGroup = "task_group"
            }
        }

        /// A LAUNCH of `tasks`.
        public static func launch(_ tasks: [TaskInfo]) -> Operation {
            .launch(Launch(taskInfos: tasks))
        }

        /// The proto type name (`"LAUNCH"`).
        public var typeName: String {
            switch self {
            case .launch: "LAUNCH"
            case .launchGroup: "LAUNCH_GROUP"
            case .unrecognized(let name): name
            }
        }

        enum CodingKeys: String, CodingKey {
            case type, launch
            case launchGroup = "launch_group"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let type = try container.decode(String.self, forKey: .type)
            switch type {
            case "LAUNCH": self = .launch(try container.decode(Launch.self, forKey: .launch))
            case "LAUNCH_GROUP":
                self = .launchGroup(try container.decode(LaunchGroup.self, forKey: .launchGroup))
            default: self = .unrecognized(type)
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(typeName, forKey: .type)
            switch self {
            case .launch(let launch): try container.encode(launch, forKey: .launch)
            case .launchGroup(let group): try container.encode(group, forKey: .launchGroup)
            case .unrecognized: break
            }
        }
    }
}
