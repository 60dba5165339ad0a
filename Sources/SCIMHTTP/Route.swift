import SCIMCore

/// The endpoints under the SCIM base path and the methods each offers.
enum Route: Sendable, Equatable {
    case serviceProviderConfig
    case resourceTypes
    case resourceType(name: String)
    case schemas
    case schema(id: String)
    case users
    case user(id: String)
    case groups
    case group(id: String)
    case bulk
    case search(SearchScope)

    /// The resources a `POST /.search` covers.
    enum SearchScope: Sendable, Equatable {
        case root, users, groups
    }

    /// The base path every endpoint sits under.
    static let basePath = ["scim", "v2"]

    /// Finds the route for decoded path segments in a profile, or nil when no endpoint has that path.
    /// Postman serves neither `/Schemas` nor single resource types.
    init?(segments: [String], profile: Profile) {
        self.init(segments: segments)
        switch self {
        case .schemas, .schema, .resourceType, .bulk, .search: if profile == .postman { return nil }
        default: break
        }
    }

    private init?(segments: [String]) {
        guard segments.count > 2, Array(segments.prefix(2)) == Self.basePath else { return nil }
        switch Array(segments.dropFirst(2)) {
        case ["ServiceProviderConfig"]: self = .serviceProviderConfig
        case ["ResourceTypes"]: self = .resourceTypes
        case let rest where rest.count == 2 && rest[0] == "ResourceTypes": self = .resourceType(name: rest[1])
        case ["Schemas"]: self = .schemas
        case let rest where rest.count == 2 && rest[0] == "Schemas": self = .schema(id: rest[1])
        case [".search"]: self = .search(.root)
        case ["Users", ".search"]: self = .search(.users)
        case ["Groups", ".search"]: self = .search(.groups)
        case ["Users"]: self = .users
        case let rest where rest.count == 2 && rest[0] == "Users": self = .user(id: rest[1])
        case ["Bulk"]: self = .bulk
        case ["Groups"]: self = .groups
        case let rest where rest.count == 2 && rest[0] == "Groups": self = .group(id: rest[1])
        default: return nil
        }
    }

    /// The methods the route accepts in a profile, for matching and for the `Allow` header.
    func methods(in profile: Profile) -> [String] {
        switch self {
        case .serviceProviderConfig, .resourceTypes, .resourceType, .schemas, .schema: ["GET"]
        case .users, .groups: ["GET", "POST"]
        case .bulk, .search: ["POST"]
        // Postman deactivates users and never deletes them, and offers no PUT for groups.
        case .user: profile == .postman ? ["GET", "PUT", "PATCH"] : ["GET", "PUT", "PATCH", "DELETE"]
        case .group: profile == .postman ? ["GET", "PATCH", "DELETE"] : ["GET", "PUT", "PATCH", "DELETE"]
        }
    }

    /// Whether a bulk operation may address this route: users and groups only.
    var isBulkTarget: Bool {
        switch self {
        case .users, .user, .groups, .group: true
        default: false
        }
    }

    /// The id in the path of a single resource.
    var resourceID: String? {
        switch self {
        case .user(let id), .group(let id): id
        default: nil
        }
    }

    /// The operation a method on this route performs, which picks the texts of its errors.
    func operation(for method: String) -> Operation {
        switch (self, method) {
        case (.users, "GET"), (.search, _): .listUsers
        case (.users, _): .createUser
        case (.user, "GET"): .getUser
        case (.user, "PUT"): .replaceUser
        case (.user, "DELETE"): .deleteUser
        case (.user, _): .patchUser
        case (.groups, "GET"): .listGroups
        case (.groups, _): .createGroup
        case (.group, "GET"): .getGroup
        case (.group, "PUT"): .replaceGroup
        case (.group, "DELETE"): .deleteGroup
        case (.group, _): .patchGroup
        default: .discovery
        }
    }
}
