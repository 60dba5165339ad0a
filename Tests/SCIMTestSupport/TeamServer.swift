import Foundation

/// A `scimd serve` on a fresh database with one team, its admin's key and a client: the usual
/// starting point of an end-to-end test.
package final class TeamServer {
    /// The team, admin and verified domain that ``init(serveArguments:team:admin:domains:)`` uses by default.
    package static let defaultTeam = "acme"
    package static let defaultAdmin = "admin@acme.test"
    package static let defaultDomain = "acme.test"

    package let scimd: ScimdProcess
    package let team: String
    package let adminEmail: String
    /// The key `team create` printed for the admin.
    package let adminKey: String
    package let server: ScimdServer
    package let client: HTTPClient

    /// Creates the team with `team create`, then starts a server with `serveArguments`.
    package init(
        serveArguments: [String] = [],
        team: String = TeamServer.defaultTeam,
        admin: String = TeamServer.defaultAdmin,
        domains: [String] = [TeamServer.defaultDomain]
    ) throws {
        scimd = try ScimdProcess()
        self.team = team
        adminEmail = admin
        adminKey = try scimd.createTeam(team, admin: admin, domains: domains)
        server = try scimd.startServer(serveArguments)
        client = server.client()
    }

    /// The database probe.
    package var store: StoreProbe {
        scimd.store
    }

    /// Creates a user with `POST /scim/v2/Users` and returns its id; throws unless the status is 201.
    @discardableResult
    package func createUser(
        _ userName: String,
        givenName: String = "Given",
        familyName: String = "Family",
        externalId: String? = nil,
        key: String? = nil
    ) throws -> String {
        let json = UserJSON.create(
            userName: userName, givenName: givenName, familyName: familyName, externalId: externalId)
        let response = try client.post("/scim/v2/Users", key: key ?? adminKey, json: json)
        guard response.status == 201, let id = response.json["id"].string else {
            throw TestSetupError("creating \(userName) failed: \(response)")
        }
        return id
    }

    /// Returns the id of the member whose userName is exactly `userName`, found with a filter.
    package func userID(of userName: String, key: String? = nil) throws -> String {
        let filter = QueryEncoding.encode("userName eq \"\(userName)\"")
        let response = try client.get("/scim/v2/Users?filter=\(filter)", key: key ?? adminKey)
        guard response.status == 200, let id = response.json["Resources"][0]["id"].string else {
            throw TestSetupError("looking up \(userName) failed: \(response)")
        }
        return id
    }

    /// Returns `GET /scim/v2/Users/{id}` with the admin's key.
    package func getUser(_ id: String) throws -> HTTPClientResponse {
        try client.get("/scim/v2/Users/\(id)", key: adminKey)
    }
}
