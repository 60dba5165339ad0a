import SCIMCore

/// The endpoints under the SCIM base path and the methods each offers.
enum Route: Sendable, Equatable {
    case serviceProviderConfig
    case resourceTypes
    case users
    case user(id: String)

    /// The base path every endpoint sits under.
    static let basePath = ["scim", "v2"]

    /// Finds the route for decoded path segments, or nil when no endpoint has that path.
    init?(segments: [String]) {
        guard segments.count > 2, Array(segments.prefix(2)) == Self.basePath else { return nil }
        switch Array(segments.dropFirst(2)) {
        case ["ServiceProviderConfig"]: self = .serviceProviderConfig
        case ["ResourceTypes"]: self = .resourceTypes
        case ["Users"]: self = .users
        case let rest where rest.count == 2 && rest[0] == "Users": self = .user(id: rest[1])
        default: return nil
        }
    }

    /// The methods the route answers in a profile, for matching and for the `Allow` header.
    func methods(in profile: Profile) -> [String] {
        switch self {
        case .serviceProviderConfig, .resourceTypes: ["GET"]
        case .users: ["GET", "POST"]
        // NOTE: DELETE of users, which the rfc profile is to offer, is not built yet; both profiles
        // answer it with 405.
        case .user: ["GET", "PUT", "PATCH"]
        }
    }

    /// The operation a method on this route performs, which picks the texts of its errors.
    func operation(for method: String) -> Operation {
        switch (self, method) {
        case (.users, "GET"): .listUsers
        case (.users, _): .createUser
        case (.user, "GET"): .getUser
        case (.user, "PUT"): .replaceUser
        case (.user, _): .patchUser
        default: .discovery
        }
    }
}
